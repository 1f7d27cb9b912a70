"""Digit tests on one side of each entry: the amounts tested, second digit, last two digits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jixiao.compliance import (
    last_two_digits_test,
    one_side_amounts,
    run_ledger_analytics,
    second_digit_test,
)
from jixiao.compliance.digits import SECOND_EXPECTED, second_digits
from jixiao.errors import ParameterError
from test_compliance_analytics import SPIKE, benford_ledger


def small_ledger() -> pd.DataFrame:
    rows = [
        # date, voucher, summary, account, debit, credit
        ("2017-03-02", "付-1", "购办公用品", "50010201", 12_345, 0),
        ("2017-03-02", "付-1", "购办公用品", "1002", 0, 12_345),
        ("2017-03-05", "收-1", "收到财政拨款", "1002", 500_000, 0),
        ("2017-03-05", "收-1", "收到财政拨款", "400101", 0, 500_000),
        ("2017-03-31", None, "本月合计", "50010201", 12_345, 0),
        ("2017-01-01", "", "上年结转", "50010201", 99_900, 0),
        ("2018-02-01", "付-9", "支付水电费", "50010202", 68_800, 0),
        ("2017-06-30", "转-3", "冲销多记费用", "50010201", 0, 2_000),
    ]
    frame = pd.DataFrame(
        rows, columns=["date", "voucher", "summary", "account_code", "debit_fen", "credit_fen"]
    )
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_one_side_keeps_the_expense_debits_of_the_period_and_no_total_or_carried_row():
    ledger = small_ledger()
    assert one_side_amounts(ledger, account_prefixes=("5",)).to_dict() == {0: 12_345, 6: 68_800}
    in_2017 = one_side_amounts(ledger, account_prefixes=("5",), period=("2017-01-01", "2017-12-31"))
    assert in_2017.to_dict() == {0: 12_345}
    with pytest.raises(ParameterError, match="早于开始日"):
        one_side_amounts(ledger, account_prefixes=("5",), period=("2017-12-31", "2017-01-01"))


def test_a_balanced_ledger_counts_each_amount_once_on_one_side():
    ledger = benford_ledger(balanced=True)
    both = run_ledger_analytics(ledger, benford_min_count=1_000)
    one = run_ledger_analytics(ledger, benford_min_count=1_000, benford_population="expense_debits")
    assert both.benford.n == 24_000 and one.benford.n == 12_000
    assert one.population_label.startswith("费用类科目本期借方发生额")
    # The z statistic grows with √n: counting every amount twice inflates it by √2.
    z_both = both.benford.table.set_index("digit").loc[5, "z"]
    z_one = one.benford.table.set_index("digit").loc[5, "z"]
    assert z_both / z_one == pytest.approx(np.sqrt(2), rel=0.02)
    # The GL-07 flags cite only the debit lines, one per spiked payment.
    gl07 = one.flags[one.flags["rule"] == "GL-07"]
    assert len(gl07) == SPIKE + 792  # 2,000 added fifties and Benford's 792 amounts of 50 元
    assert (gl07["amount_fen"] == 5_000).all()
    # Every payment is 10–90 元: all enter the second-digit test, none the last-two (≥ 100 元).
    assert (one.second_digit.n, one.last_two_digits.n) == (12_000, 0)
    with pytest.raises(ParameterError, match="benford_population"):
        run_ledger_analytics(ledger, benford_population="everything")


def test_second_digit_proportions_are_benfords_and_sum_to_one():
    # P(second digit 0) = Σ_{d₁=1..9} log10(1 + 1/(10·d₁)) = 0.11968; P(9) = 0.08500.
    assert SECOND_EXPECTED.sum() == pytest.approx(1)
    assert SECOND_EXPECTED[0] == pytest.approx(0.11968, abs=1e-5)
    assert SECOND_EXPECTED[9] == pytest.approx(0.08500, abs=1e-5)
    assert second_digits([1234, 57, 9, 100, 98_765]).tolist() == [2, 7, 0, 8]


def test_amounts_with_benford_second_digits_conform_and_a_zero_five_habit_does_not():
    counts = np.round(SECOND_EXPECTED * 10_000).astype(int)
    conforming = np.concatenate([np.full(c, 1_000 + 100 * d) for d, c in enumerate(counts)])
    result = second_digit_test(conforming)
    assert result.conformity == "紧密符合" and result.mad < 0.001 and not result.warning
    invented = np.concatenate([conforming, np.full(2_000, 15_000), np.full(2_000, 30_000)])
    habit = second_digit_test(invented)
    assert habit.conformity == "不符合"
    assert set(habit.spikes) == {"0", "5"}


def test_last_two_digits_uniform_conform_and_round_hundreds_do_not():
    uniform = np.arange(100) * 100 + 1_000_000  # 10,000.00 元 … 10,099.00 元: each pair once
    result = last_two_digits_test(np.tile(uniform, 20))
    assert result.conformity == "符合" and result.p_value == pytest.approx(1.0)
    assert result.n == 2_000 and not result.spikes
    rounded = np.concatenate([np.tile(uniform, 20), np.full(500, 1_230_000)])  # 12,300 元
    found = last_two_digits_test(rounded)
    assert found.conformity == "不符合" and found.p_value < 0.001 and found.spikes == ("00",)
    assert "显著偏多：00" in found.summary() and "p < 0.001" in found.summary()
    with pytest.raises(ParameterError, match="100 元"):
        last_two_digits_test(uniform, min_amount_fen=1_000)


def test_a_small_population_is_reference_only():
    result = last_two_digits_test(np.arange(100) * 100 + 1_000_000, min_count=1_000)
    assert not result.large_enough and "少于1000个" in result.warning
    assert "仅供参考" in second_digit_test([1_234, 5_678], min_count=1_000).warning
