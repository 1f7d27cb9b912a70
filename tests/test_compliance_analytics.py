"""General ledger analytics, the working-day calendar and Benford's test, on hand-made ledgers."""

import numpy as np
import pandas as pd
import pytest

from jixiao.compliance import (
    benford_flags,
    benford_test,
    conformity_level,
    day_kinds,
    duplicate_payments,
    first_digits,
    off_day_postings,
    round_amounts,
    run_ledger_analytics,
    split_payments,
    unbalanced_vouchers,
    voucher_gaps,
)
from jixiao.errors import ParameterError
from jixiao.findings import build_register

UNIT = "白庙社区居民委员会"


def lines(rows, unit=UNIT) -> pd.DataFrame:
    """rows: (date, voucher, 摘要, 科目, 借方元, 贷方元, 往来单位); source rows from 5."""
    frame = pd.DataFrame(
        rows,
        columns=["date", "voucher", "summary", "account_code", "debit", "credit", "counterparty"],
    )
    return pd.DataFrame(
        {
            "unit": unit,
            "date": pd.to_datetime(frame["date"]),
            "voucher_type": frame["voucher"].str.split("-").str[0],
            "voucher_no": frame["voucher"].str.split("-").str[1].astype("Int64"),
            "voucher": frame["voucher"],
            "summary": frame["summary"],
            "account_code": frame["account_code"],
            "debit_fen": (frame["debit"] * 100).round().astype("int64"),
            "credit_fen": (frame["credit"] * 100).round().astype("int64"),
            "project": pd.Series([None] * len(frame), dtype="str"),
            "counterparty": frame["counterparty"].replace("", None),
            "source_file": "明细账_白庙社区.xlsx",
            "source_sheet": "明细账",
            "source_row": pd.array(range(5, 5 + len(frame)), dtype="Int64"),
        }
    )


def pay(date, voucher, summary, amount, payee=""):
    return [
        (date, voucher, summary, "50010101", amount, 0, payee),
        (date, voucher, summary, "1002", 0, amount, ""),
    ]


# ------------------------------------------------------------------ calendar


def test_make_up_saturday_2017_09_30_is_a_workday_and_national_day_week_is_off():
    kinds = day_kinds(pd.Series(pd.date_range("2017-09-30", "2017-10-09"))).set_index("date")
    assert not kinds.loc["2017-09-30", "is_off"]
    assert kinds.loc["2017-09-30", "day_kind"] == "调休工作日"
    assert kinds.loc["2017-10-01":"2017-10-08", "is_off"].all()
    assert kinds.loc["2017-10-02", "day_kind"] == "国庆节假期"
    assert not kinds.loc["2017-10-09", "is_off"]


def test_postings_on_holiday_and_weekend_are_flagged_but_not_on_make_up_workday():
    led = lines(
        pay("2017-09-30", "付-1", "购办公用品", 300)  # Saturday, 调休 workday
        + pay("2017-10-02", "付-1", "缴电费", 500)  # Monday, 国庆
        + pay("2017-10-09", "付-2", "缴水费", 200)  # Monday, workday
        + pay("2017-10-14", "付-3", "电话费", 100)  # Saturday
    )
    flags = off_day_postings(led)
    assert flags["source_row"].tolist() == [7, 8, 11, 12]
    assert flags["amount_fen"].sum() == 60_000  # debits only: 500 + 100 元
    assert "记账日为国庆节假期（非工作日）" in flags["reason"].iloc[0]


def test_with_holiday_calendar_off_only_saturdays_and_sundays_count():
    led = lines(
        pay("2017-09-30", "付-1", "购办公用品", 300) + pay("2017-10-02", "付-1", "缴电费", 500)
    )
    flags = off_day_postings(led, use_holidays=False)
    assert flags["source_row"].tolist() == [5, 6]
    assert "周六" in flags["reason"].iloc[0]


def test_dates_beyond_the_calendar_fall_back_to_weekends_and_say_so():
    kinds = day_kinds(pd.Series(pd.to_datetime(["2031-01-04", "2031-01-06"]))).set_index("date")
    assert kinds["is_off"].tolist() == [True, False]
    assert "仅按周末判断" in kinds.loc["2031-01-04", "calendar_note"]


# ------------------------------------------------------------------ duplicates, gaps, round, split, balance


def test_same_amount_same_payee_within_window_on_different_vouchers_is_a_suspected_duplicate():
    led = lines(
        pay("2017-03-01", "付-1", "购打印纸", 1_280, "文具店")
        + pay("2017-03-04", "付-2", "购打印纸", 1_280, "文具店")  # 3 days later: duplicate
        + pay("2017-03-20", "付-3", "购打印纸", 1_280, "文具店")  # 16 days later: outside 7
        + pay("2017-03-04", "付-4", "购墨盒", 1_300, "文具店")  # other amount
    )
    flags = duplicate_payments(led, window_days=7)
    assert flags["source_row"].tolist() == [5, 7]
    assert (
        "与2017年3月4日付-2金额相同、往来单位相同（“文具店”），相隔3天" in flags["reason"].iloc[0]
    )
    assert len(duplicate_payments(led, window_days=20)) == 3


def test_duplicate_by_summary_when_payee_is_blank_and_two_lines_of_one_voucher_are_not_duplicates():
    led = lines(
        [
            ("2017-05-02", "付-1", "慰问困难群众", "50010101", 500, 0, ""),
            ("2017-05-02", "付-1", "慰问困难群众", "50010101", 500, 0, ""),
        ]
        + [("2017-05-02", "付-1", "慰问困难群众", "1002", 0, 1000, "")]
        + pay("2017-05-05", "付-2", "慰问困难群众", 500)
    )
    flags = duplicate_payments(led)
    assert sorted(flags["source_row"].tolist()) == [6, 8]
    assert "摘要相同" in flags["reason"].iloc[0]


def test_missing_voucher_numbers_are_reported_as_runs_per_type_and_month():
    led = lines(
        pay("2017-03-01", "记-1", "a", 1)
        + pay("2017-03-02", "记-2", "b", 1)
        + pay("2017-03-09", "记-5", "c", 1)
        + pay("2017-04-03", "记-2", "d", 1)  # April starts at 2
        + pay("2017-03-03", "付-1", "e", 1)
    )
    flags = voucher_gaps(led)
    assert flags["reason"].tolist() == [
        "白庙社区居民委员会2017年3月记字凭证缺号：记-3至记-4（共2张）。",
        "白庙社区居民委员会2017年4月记字凭证缺号：记-1（共1张）。",
    ]
    assert flags["source_row"].tolist() == [7, 11]  # the voucher before the gap, else the one after


def test_round_amounts_from_ten_thousand_yuan_in_thousands_are_flagged():
    led = lines(
        pay("2017-03-01", "付-1", "a", 10_000)
        + pay("2017-03-02", "付-2", "b", 9_000)  # below 10,000
        + pay("2017-03-03", "付-3", "c", 10_500)  # not a multiple of 1,000
        + pay("2017-03-06", "付-4", "d", 12_000)
    )
    flags = round_amounts(led)
    assert flags["amount_fen"].tolist() == [1_000_000, 1_200_000]
    assert round_amounts(led, multiple_fen=50_000, min_fen=1_000_000)["amount_fen"].tolist() == [
        1_000_000,
        1_050_000,
        1_200_000,
    ]


def test_payments_below_threshold_that_together_exceed_it_same_day_or_same_payee_month():
    led = lines(
        pay("2017-06-01", "付-1", "采购桌椅", 6_000, "家具城")
        + pay("2017-06-01", "付-2", "采购桌椅", 5_000, "家具城")  # same day, same payee: 11,000
        + pay("2017-06-01", "付-3", "会议费", 6_000, "酒店")  # same day, other payee
        + pay("2017-07-03", "付-1", "印刷费", 4_000, "印刷厂")
        + pay("2017-07-12", "付-2", "印刷费", 4_000, "印刷厂")
        + pay("2017-07-25", "付-3", "印刷费", 3_000, "印刷厂")  # same payee, July: 11,000
        + pay("2017-08-01", "付-1", "设备款", 12_000, "电器行")  # above the threshold itself
    )
    flags = split_payments(led, threshold_fen=1_000_000)
    assert flags["source_row"].tolist() == [5, 7, 11, 13, 15]
    assert "同日同一对象（“家具城”）共2笔合计11,000.00元" in flags["reason"].iloc[0]
    assert "同一往来单位同期（“印刷厂”）共3笔合计11,000.00元" in flags["reason"].iloc[2]


def test_split_needs_more_than_one_voucher():
    led = lines(
        [
            ("2017-06-01", "付-1", "采购桌椅", "50010101", 6_000, 0, "家具城"),
            ("2017-06-01", "付-1", "采购桌椅", "50010101", 5_000, 0, "家具城"),
        ]
        + [("2017-06-01", "付-1", "采购桌椅", "1002", 0, 11_000, "")]
    )
    assert split_payments(led, threshold_fen=1_000_000).empty


def test_voucher_whose_debits_differ_from_credits_is_unbalanced():
    led = lines(
        [
            ("2017-06-01", "付-1", "a", "50010101", 100, 0, ""),
            ("2017-06-01", "付-1", "a", "1002", 0, 90, ""),
        ]
        + pay("2017-06-01", "付-2", "b", 50)
        + [
            ("2017-07-01", "付-1", "c", "50010101", 70, 0, ""),
            ("2017-07-01", "付-1", "c", "1002", 0, 70, ""),
        ]
    )
    flags = unbalanced_vouchers(led)
    assert flags["source_row"].tolist() == [5]
    assert flags["amount_fen"].tolist() == [1_000]
    assert (
        flags["reason"].iloc[0]
        == "白庙社区居民委员会2017年6月1日付-1借方合计100.00元，贷方合计90.00元，相差10.00元。"
    )


def test_bad_thresholds_are_refused():
    led = lines(pay("2017-06-01", "付-1", "a", 1))
    with pytest.raises(ParameterError):
        split_payments(led, threshold_fen=0)
    with pytest.raises(ParameterError):
        round_amounts(led, multiple_fen=0)
    with pytest.raises(ParameterError):
        duplicate_payments(led, window_days=-1)


def test_run_ledger_analytics_returns_every_rule_and_a_benford_result():
    led = lines(pay("2017-10-02", "付-1", "a", 10_000) + pay("2017-10-09", "付-3", "a", 10_000))
    result = run_ledger_analytics(led)
    assert sorted(result.flags["rule"].unique()) == ["GL-01", "GL-02", "GL-03", "GL-04"]
    assert result.benford.n == 4 and result.benford.warning


# ------------------------------------------------------------------ Benford


def test_first_digit_is_exact_for_integers_of_any_size():
    values = [1, 9, 10, 99, 100, 123_456_789_012, 9_000_000_000_000_000_000, 0, -5]
    assert first_digits(values).tolist() == [1, 9, 1, 9, 1, 1, 9]


def test_amounts_following_benford_exactly_conform_closely():
    expected = np.log10(1 + 1 / np.arange(1, 10))
    counts = np.round(expected * 10_000).astype(int)  # 3010, 1761, 1249, …
    amounts = np.repeat(np.arange(1, 10) * 1_000, counts)  # 10.00 元 … 90.00 元
    result = benford_test(amounts)
    assert result.n == counts.sum()
    assert result.mad < 0.0001
    assert result.conformity == "紧密符合"
    assert result.warning == ""
    assert benford_flags(result).empty


def test_uniform_first_digits_do_not_conform_with_hand_computed_mad():
    amounts = np.repeat(np.arange(1, 10) * 10_000, 200)  # each digit 1/9
    result = benford_test(amounts)
    # mean |1/9 − log10(1 + 1/d)| over d = 1…9 = 0.53745 / 9
    assert result.mad == pytest.approx(0.059717, abs=1e-5)
    assert result.conformity == "不符合"
    flags = benford_flags(result)  # no lines given: one row for the population
    assert flags["rule"].tolist() == ["GL-07"]
    assert "偏离最大的是首位为1的金额，占11.1%，理论值30.1%" in flags["reason"].iloc[0]


def test_mad_levels_follow_nigrini_with_inclusive_upper_bounds():
    assert conformity_level(0.006) == "紧密符合"
    assert conformity_level(0.0061) == "可接受的符合"
    assert conformity_level(0.012) == "可接受的符合"
    assert conformity_level(0.0121) == "勉强可接受的符合"
    assert conformity_level(0.015) == "勉强可接受的符合"
    assert conformity_level(0.0151) == "不符合"


def test_small_populations_carry_a_warning_and_tiny_amounts_are_left_out():
    result = benford_test([1_500, 2_500, 999, 50], min_count=1000)
    assert result.n == 2  # 9.99 元 and 0.50 元 are below 10 元
    assert "少于1000个" in result.warning
    assert benford_test(np.full(30, 12_345), min_count=30).warning == ""


BENFORD_COUNTS = np.round(np.log10(1 + 1 / np.arange(1, 10)) * 10_000).astype(
    int
)  # 3010, 1761, … 458
SPIKE = 2_000  # extra amounts with first digit 5


def benford_ledger(*, balanced: bool, spike: int = SPIKE) -> pd.DataFrame:
    """12,000 payments on one workday: 10,000 following Benford exactly (d × 10 元) plus 2,000 of
    50 元, so first digit 5 is 2,792 / 12,000 = 23.3 % against log10(1.2) = 7.9 %.
    ``balanced``: each payment also credits the bank, so every amount appears twice."""
    counts = BENFORD_COUNTS.copy()
    counts[4] += spike
    amounts = np.repeat(np.arange(1, 10) * 1_000, counts)
    n = len(amounts)
    debit = pd.DataFrame(
        {
            "unit": UNIT,
            "date": pd.Timestamp("2017-11-15"),
            "voucher_type": "记",
            "voucher_no": pd.array(np.arange(1, n + 1), dtype="Int64"),
            "summary": [f"付款{i}" for i in range(n)],
            "account_code": "50010101",
            "debit_fen": amounts.astype("int64"),
            "credit_fen": np.zeros(n, dtype="int64"),
            "counterparty": pd.Series([None] * n, dtype="str"),
            "source_file": "明细账_白庙社区.xlsx",
            "source_sheet": "明细账",
        }
    )
    parts = [debit.assign(_line=0)]
    if balanced:
        parts.append(
            debit.assign(
                _line=1, account_code="1002", debit_fen=0, credit_fen=amounts.astype("int64")
            )
        )
    frame = pd.concat(parts, ignore_index=True).sort_values(
        ["voucher_no", "_line"], kind="stable", ignore_index=True
    )
    frame["voucher"] = "记-" + frame["voucher_no"].astype("str")
    frame["source_row"] = pd.array(np.arange(5, 5 + len(frame)), dtype="Int64")
    return frame.drop(columns="_line")


def test_a_first_digit_spike_flags_the_lines_with_that_digit_and_gives_one_finding():
    ledger = benford_ledger(balanced=False)
    result = benford_test(ledger["debit_fen"])
    assert result.n == 12_000 and result.large_enough
    # Every digit but 5 is under-represented, so MAD = 2 × (2,792 / 12,000 − log10 1.2) / 9.
    assert result.mad == pytest.approx(2 * (2_792 / 12_000 - np.log10(1.2)) / 9, abs=1e-12)
    assert result.conformity == "不符合"
    flags = benford_flags(result, ledger)
    assert len(flags) == 2_792
    assert set(flags["rule"]) == {"GL-07"} and set(flags["amount_fen"]) == {5_000}
    digit_five_rows = ledger.loc[ledger["debit_fen"] == 5_000, "source_row"]
    assert flags["source_row"].tolist() == digit_five_rows.tolist()
    assert "5：占23.3%，理论值7.9%" in flags["reason"].iloc[0]
    register = build_register(flags)
    assert register[["rule", "units", "amount_fen"]].values.tolist() == [
        ["GL-07", "全部单位", 13_960_000]
    ]
    assert (
        register["description"]
        .iloc[0]
        .startswith("共2792笔，合计139,600.00元：全部单位金额首位数字分布不符合本福特定律")
    )
    assert register["evidence"].iloc[0].startswith("明细账_白庙社区.xlsx / 明细账 / 第")
    assert pd.isna(register["problem_no"].iloc[0])


def test_ledger_analytics_raise_the_benford_flags_only_when_the_population_is_large_enough():
    ledger = benford_ledger(balanced=True)
    result = run_ledger_analytics(ledger, benford_min_count=1_000)
    gl07 = result.flags.loc[result.flags["rule"] == "GL-07"]
    assert result.benford.n == 24_000 and result.benford.conformity == "不符合"
    assert len(gl07) == 2 * 2_792  # both lines of each 50 元 voucher
    assert (gl07["community"] == "全部单位").all() and (gl07["unit"] == UNIT).all()

    too_small = run_ledger_analytics(ledger, benford_min_count=30_000)
    assert too_small.benford.conformity == "不符合" and "少于30000个" in too_small.benford.warning
    assert not too_small.flags["rule"].eq("GL-07").any()
    assert benford_flags(too_small.benford, ledger).empty


def test_amounts_that_conform_give_no_benford_flag_from_the_ledger_analytics():
    result = run_ledger_analytics(benford_ledger(balanced=True, spike=0))
    assert result.benford.conformity == "紧密符合"
    assert not result.flags["rule"].eq("GL-07").any()
