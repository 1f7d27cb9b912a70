"""The 2017 case file: problems 1 and 3 of the report found by the checks, nothing typed in."""

import pandas as pd
import pytest

from jixiao import paths
from jixiao.compliance import (
    check_arrival,
    check_scope,
    check_separate_accounting,
    load_scope_rules,
    run_ledger_analytics,
)
from jixiao.findings import build_register, compliance_metrics

RAW = paths.raw_dir(2017)
AS_OF = "2019-10-31"  # the evaluation date of the 2017 case



@pytest.fixture(scope="module")
def case():
    from jixiao import loading

    allocations = loading.load_allocations(next(RAW.glob("资金下达*.xlsx"))).data
    ledger = loading.load_ledgers(sorted(RAW.glob("明细账*"))).data
    observations = loading.load_observations(next(RAW.glob("评价组观察记录*.xlsx"))).data
    return allocations, ledger, observations, load_scope_rules(year=2017)


@pytest.fixture(scope="module")
def run(case):
    allocations, ledger, observations, rules = case
    arrival = check_arrival(allocations, as_of=AS_OF)
    separate = check_separate_accounting(ledger, allocations, rules)
    scope = check_scope(ledger, allocations, rules, period_end="2018-12-31")
    register = build_register(arrival, separate, scope, observations=observations)
    return arrival, separate, scope, register


def test_arrival_rates_match_the_report(run):
    arrival = run[0]
    assert arrival.summary.allocated_fen == 200_000_000
    assert arrival.summary.arrival_rate == 1.0
    assert arrival.summary.timely_rate == pytest.approx(0.865)
    assert arrival.summary.late_fen == 27_000_000


def test_problem_1_names_liuhe_and_yanhe_may_2018_and_270000_yuan(run):
    register = run[3]
    problem1 = register.loc[register["problem_no"] == 1]
    assert sorted(problem1["units"]) == ["沿河社区", "浏河社区"]
    assert problem1["amount_fen"].sum() == 27_000_000
    assert problem1["description"].str.contains("2018年5月").all()
    yanhe = problem1.loc[problem1["units"] == "沿河社区", "description"].iloc[0]
    assert "公共服务站基础设施建设" in yanhe and "三社联动试点" in yanhe
    assert problem1["finding_id"].str.match(r"F-\d+").all()
    assert problem1["evidence"].str.contains("资金下达").all()


def test_problem_3_is_exactly_three_units_yanhe_and_two_sanshe_communities(case, run):
    allocations = case[0]
    register = run[3]
    problem3_units = set(register.loc[register["problem_no"] == 3, "units"])
    assert len(problem3_units) == 3
    assert "沿河社区" in problem3_units
    sanshe = set(allocations.loc[allocations["grant_type"] == "三社联动试点", "community"])
    assert problem3_units - {"沿河社区"} <= sanshe
    assert run[2].empty  # every unit's project spending is within scope, allocation and period


def test_yanhe_keeps_no_project_ledger_and_the_others_only_mix_spending(run):
    separate = run[1]
    rules_by_unit = separate.groupby("community")["rule"].agg(lambda r: sorted(set(r)))
    assert rules_by_unit["沿河社区"] == ["SEP-01", "SEP-02", "SEP-03", "SEP-04"]
    others = rules_by_unit.drop("沿河社区")
    assert all(rules == ["SEP-01"] for rules in others)


def test_register_holds_all_six_problems_with_evidence(run):
    register = run[3]
    assert sorted(register["problem_no"].dropna().unique()) == [1, 2, 3, 4, 5, 6]
    observed = register.loc[register["rule"] == "OBS"]
    assert observed["finding_id"].str.startswith("OBS-").all()
    assert (register["evidence"].str.len() > 0).loc[register["rule"] != "OBS"].all()


def test_metrics_for_scoring(run):
    arrival, separate = run[0], run[1]
    metrics = {m.metric: m.value for m in compliance_metrics(arrival.summary, separate)}
    assert metrics == {"fund_arrival_rate": 1.0, "fund_timely_rate": pytest.approx(0.865), "separate_accounting_units": 3.0}


def test_liuhe_arriving_on_time_leaves_only_yanhe_late_and_raises_timely_rate_to_92_5(case):
    allocations = case[0].copy()
    liuhe = (allocations["community"] == "浏河社区") & (allocations["grant_type"] == "公共服务站基础设施建设")
    allocations.loc[liuhe, "arrived_date"] = pd.Timestamp("2017-12-20")
    arrival = check_arrival(allocations, as_of=AS_OF)
    register = build_register(arrival)
    assert list(register["units"]) == ["沿河社区"]
    assert arrival.summary.timely_rate == pytest.approx(1_850_000 / 2_000_000)


def test_ledger_analytics_run_on_the_case_without_error(case):
    allocations, ledger = case[0], case[1]
    result = run_ledger_analytics(ledger, allocations=allocations)
    assert result.benford.n > 1000
    assert not result.flags["rule"].isin(["GL-06"]).any()  # the case's vouchers balance
