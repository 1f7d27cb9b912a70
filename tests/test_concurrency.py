"""Independent check steps run side by side: same results, same order, errors not lost."""

import threading
import time
from functools import partial

import pandas as pd
import pytest

from jixiao import concurrency, loading, paths
from jixiao.compliance import (
    check_arrival,
    check_scope,
    check_separate_accounting,
    load_scope_rules,
    prepare_ledger,
    run_ledger_analytics,
    run_ledger_checks,
)
from jixiao.concurrency import side_by_side, thread_count
from jixiao.errors import InputError, ParameterError
from jixiao.findings import build_register
from jixiao.project_profile import year_profile


def test_results_come_back_in_the_order_given_whichever_finishes_first(monkeypatch):
    monkeypatch.setenv(concurrency.THREADS_VARIABLE, "2")
    finished = []

    def step(name, pause):
        def run():
            time.sleep(pause)
            finished.append(name)
            return name

        return run

    assert side_by_side(step("slow", 0.2), step("quick", 0.0)) == ["slow", "quick"]
    assert finished == ["quick", "slow"]  # they did run at the same time


def test_the_first_failing_step_in_order_is_raised_after_all_have_ended(monkeypatch):
    monkeypatch.setenv(concurrency.THREADS_VARIABLE, "2")
    ended = []

    def fails(message, pause):
        def run():
            time.sleep(pause)
            ended.append(message)
            raise ValueError(message)

        return run

    with pytest.raises(ValueError, match="first"):
        side_by_side(fails("first", 0.2), fails("second", 0.0), lambda: ended.append("ok"))
    assert sorted(ended) == ["first", "ok", "second"]


def test_one_thread_runs_the_steps_inline_one_after_another(monkeypatch):
    monkeypatch.setenv(concurrency.THREADS_VARIABLE, "1")
    here = threading.get_ident()
    assert side_by_side(threading.get_ident, threading.get_ident) == [here, here]


def test_steps_inside_a_step_are_shared_out_to_a_thread_that_is_free(monkeypatch):
    monkeypatch.setenv(concurrency.THREADS_VARIABLE, "2")

    # Both parts must be running at once to pass the barrier: run one after another in the
    # thread of "outer" (the old inline rule), the first part would wait in vain and fail.
    both_running = threading.Barrier(2, timeout=20)

    def part():
        both_running.wait()
        return threading.get_ident()

    def outer():
        return side_by_side(part, part)

    inner, quick = side_by_side(outer, lambda: "quick")
    assert quick == "quick"
    assert len(set(inner)) == 2  # the thread done with "quick" took a part of "outer"


def _tree(depth: int) -> int:
    """Leaves of a binary tree of nested side-by-side steps, counted by the steps themselves."""
    if depth == 0:
        time.sleep(0.001)
        return 1
    return sum(side_by_side(*(partial(_tree, depth - 1) for _ in range(2))))


@pytest.mark.parametrize("threads", ["2", "3", "4"])
def test_deeply_nested_steps_all_finish_with_their_results(monkeypatch, threads):
    monkeypatch.setenv(concurrency.THREADS_VARIABLE, threads)
    outcome = []
    runner = threading.Thread(target=lambda: outcome.append(_tree(7)), daemon=True)
    runner.start()
    runner.join(timeout=60)
    assert not runner.is_alive(), "nested steps did not finish: threads wait for each other"
    assert outcome == [2**7]


def test_a_failure_deep_inside_nested_steps_reaches_the_caller(monkeypatch):
    monkeypatch.setenv(concurrency.THREADS_VARIABLE, "2")

    def inner_fails():
        raise ValueError("inner")

    def outer():
        return side_by_side(lambda: 1, inner_fails)

    with pytest.raises(ValueError, match="inner"):
        side_by_side(outer, lambda: 2)
    assert side_by_side(lambda: 3, lambda: 4) == [3, 4]  # the threads are still there


@pytest.mark.parametrize("value", ["zero", "0", "-2", "1.5"])
def test_a_bad_thread_count_is_an_error_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv(concurrency.THREADS_VARIABLE, value)
    with pytest.raises(ParameterError, match=concurrency.THREADS_VARIABLE):
        thread_count()


def test_without_the_variable_the_cores_are_used_up_to_the_cap(monkeypatch):
    monkeypatch.delenv(concurrency.THREADS_VARIABLE, raising=False)
    monkeypatch.setattr(concurrency.os, "cpu_count", lambda: 16)
    assert thread_count() == concurrency.MAX_THREADS
    monkeypatch.setattr(concurrency.os, "cpu_count", lambda: None)
    assert thread_count() == 1


def _all_checks(allocations, ledger, observations):
    profile = year_profile(2017)
    rules = load_scope_rules(year=2017)
    ledger = prepare_ledger(ledger, allocations)
    arrival = check_arrival(allocations, as_of="2019-10-31")
    separate = check_separate_accounting(
        ledger, allocations, rules, **profile.separate_accounting_options()
    )
    scope = check_scope(
        ledger, allocations, rules, period_end="2018-12-31", **profile.scope_options()
    )
    analytics = run_ledger_analytics(
        ledger, allocations=allocations, benford_min_count=50, round_min_fen=100_000
    )
    register = build_register(arrival, separate, scope, analytics.flags, observations=observations)
    digits = (
        analytics.benford.table,
        analytics.second_digit.table,
        analytics.last_two_digits.table,
    )
    return separate, scope, analytics.flags, register, *digits


def test_the_2017_checks_give_the_same_frames_side_by_side_as_one_after_another(monkeypatch):
    raw = paths.raw_dir(2017)
    allocations = loading.load_allocations(next(raw.glob("资金下达*.xlsx"))).data
    ledger = loading.load_ledgers(sorted(raw.glob("明细账*"))).data
    observations = loading.load_observations(next(raw.glob("评价组观察记录*.xlsx"))).data
    monkeypatch.setenv(concurrency.THREADS_VARIABLE, "1")
    one = _all_checks(allocations, ledger, observations)
    monkeypatch.setenv(concurrency.THREADS_VARIABLE, "3")
    several = _all_checks(allocations, ledger, observations)
    assert len(one[2]) and len(one[3])  # the comparison is not between empty tables
    for a, b in zip(one, several, strict=True):
        pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("threads", ["1", "2"])
def test_the_ledger_checks_run_together_give_each_check_s_own_frames(monkeypatch, threads):
    raw = paths.raw_dir(2017)
    allocations = loading.load_allocations(next(raw.glob("资金下达*.xlsx"))).data
    ledger = loading.load_ledgers(sorted(raw.glob("明细账*"))).data
    profile = year_profile(2017)
    rules = load_scope_rules(year=2017)
    analytics_options = dict(benford_min_count=50, round_min_fen=100_000, window_days=10)
    monkeypatch.setenv(concurrency.THREADS_VARIABLE, "1")
    separate = check_separate_accounting(
        ledger, allocations, rules, **profile.separate_accounting_options()
    )
    scope = check_scope(
        ledger, allocations, rules, period_end="2017-06-30", **profile.scope_options()
    )
    analytics = run_ledger_analytics(ledger, allocations=allocations, **analytics_options)
    monkeypatch.setenv(concurrency.THREADS_VARIABLE, threads)
    together = run_ledger_checks(
        ledger,
        allocations,
        rules,
        period_end="2017-06-30",
        separate_options=profile.separate_accounting_options(),
        scope_options=profile.scope_options(),
        analytics_options=analytics_options,
    )
    assert len(separate) and len(scope) and len(analytics.flags)
    pd.testing.assert_frame_equal(together.separate, separate)
    pd.testing.assert_frame_equal(together.scope, scope)
    pd.testing.assert_frame_equal(together.analytics.flags, analytics.flags)
    pd.testing.assert_frame_equal(together.analytics.benford.table, analytics.benford.table)


def test_an_option_a_check_does_not_take_is_an_error_naming_it(monkeypatch):
    raw = paths.raw_dir(2017)
    allocations = loading.load_allocations(next(raw.glob("资金下达*.xlsx"))).data
    ledger = loading.load_ledgers(sorted(raw.glob("明细账*"))).data
    monkeypatch.setenv(concurrency.THREADS_VARIABLE, "2")
    with pytest.raises(TypeError, match="window_day"):
        run_ledger_checks(
            ledger,
            allocations,
            load_scope_rules(year=2017),
            period_end="2018-06-30",
            analytics_options={"window_day": 7},
        )


def _same_load(a: loading.LoadResult, b: loading.LoadResult) -> None:
    for part in ("data", "rejects", "dropped", "normalisations"):
        pd.testing.assert_frame_equal(getattr(a, part), getattr(b, part))
    assert a.counts == b.counts and a.sources == b.sources


@pytest.mark.parametrize("year", [2017, 2018])
def test_ledger_files_read_side_by_side_load_as_one_after_another(monkeypatch, year):
    files = sorted(paths.raw_dir(year).glob("明细账*"))
    assert len(files) > 1
    monkeypatch.setenv(concurrency.THREADS_VARIABLE, "1")
    one = loading.load_ledgers(files)
    monkeypatch.setenv(concurrency.THREADS_VARIABLE, "3")
    several = loading.load_ledgers(files)
    assert one.counts["loaded"] > 0
    _same_load(one, several)


def test_of_several_unreadable_ledgers_the_first_by_name_is_reported(monkeypatch, tmp_path):
    good = sorted(paths.raw_dir(2017).glob("明细账*.xlsx"))[0]
    files = [tmp_path / "明细账_甲社区.xlsx", tmp_path / "明细账_乙社区.xlsx"]
    for broken in files:
        broken.write_bytes(b"PK\x03\x04 not a workbook")
    copy = tmp_path / good.name
    copy.write_bytes(good.read_bytes())
    assert copy.name < files[1].name < files[0].name  # read first, but it is good
    messages = set()
    for threads in ("1", "3"):
        monkeypatch.setenv(concurrency.THREADS_VARIABLE, threads)
        with pytest.raises(InputError) as raised:
            loading.load_ledgers([files[1], copy, files[0]])
        messages.add(str(raised.value))
    assert len(messages) == 1
    # sorted by name: 乙 (U+4E59) before 甲 (U+7532)
    assert files[1].name in messages.pop()


def test_items_produced_ahead_come_in_order_from_another_thread(monkeypatch):
    monkeypatch.setenv(concurrency.THREADS_VARIABLE, "2")
    here = threading.get_ident()
    threads = []

    def produce():
        for i in range(50):
            threads.append(threading.get_ident())
            yield i

    assert list(concurrency.ahead(produce(), depth=2)) == list(range(50))
    assert set(threads) != {here}


def test_a_failure_while_producing_ahead_reaches_the_consumer_after_the_items_before(monkeypatch):
    monkeypatch.setenv(concurrency.THREADS_VARIABLE, "2")

    def produce():
        yield 1
        yield 2
        raise ValueError("broken block")

    got = []
    with pytest.raises(ValueError, match="broken block"):
        for item in concurrency.ahead(produce()):
            got.append(item)
    assert got == [1, 2]


def test_a_consumer_that_stops_early_stops_the_producer(monkeypatch):
    monkeypatch.setenv(concurrency.THREADS_VARIABLE, "2")
    made = []

    def produce():
        for i in range(1000):
            made.append(i)
            yield i

    items = concurrency.ahead(produce(), depth=2)
    assert next(items) == 0
    items.close()  # joins the producer
    assert len(made) <= 5


def test_one_thread_produces_ahead_inline(monkeypatch):
    monkeypatch.setenv(concurrency.THREADS_VARIABLE, "1")
    here = threading.get_ident()

    def produce():
        yield threading.get_ident()

    assert list(concurrency.ahead(produce())) == [here]
