"""Fund arrival: 资金到位率, 到位及时率, days late, due-date rules, late-grant flags."""

import pandas as pd
import pytest

from jixiao.compliance import arrival_rates_by, arrival_timeline, check_arrival
from jixiao.errors import ParameterError

AS_OF = "2019-10-31"


def allocations(**changes) -> pd.DataFrame:
    """Five grants, amounts in 元, all issued in 2017; three arrive in May 2018 as in the case."""
    rows = [
        # grant_id, community, grant_type, issued, amount 元, arrived date, arrived 元
        ("G1", "浏河社区", "公共服务站基础设施建设", "2017-06-01", 120_000, "2018-05-16", 120_000),
        ("G2", "沿河社区", "公共服务站基础设施建设", "2017-06-01", 100_000, "2018-05-23", None),
        ("G3", "沿河社区", "三社联动试点", "2017-06-01", 50_000, "2018-05-23", 50_000),
        (
            "G4",
            "月亮湖社区",
            "公共服务站基础设施建设",
            "2017-06-01",
            110_000,
            "2017-08-15",
            110_000,
        ),
        ("G5", "白庙社区", "三社联动试点", "2017-11-20", 50_000, "2017-12-28", 50_000),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "grant_id",
            "community",
            "grant_type",
            "issued_date",
            "amount",
            "arrived_date",
            "arrived",
        ],
    )
    for grant, (column, value) in changes.items():
        frame.loc[frame["grant_id"] == grant, column] = value
    return pd.DataFrame(
        {
            "grant_id": frame["grant_id"],
            "community": frame["community"],
            "grant_type": frame["grant_type"],
            "doc_number": "荆财社〔2017〕1号",
            "issued_date": pd.to_datetime(frame["issued_date"]),
            "amount_fen": (frame["amount"] * 100).astype("int64"),
            "arrived_date": pd.to_datetime(frame["arrived_date"]),
            "arrived_fen": pd.array(
                [None if pd.isna(v) else int(v * 100) for v in frame["arrived"]], dtype="Int64"
            ),
            "source_file": "资金下达明细_2017.xlsx",
            "source_sheet": "资金下达",
            "source_row": pd.array(range(3, 3 + len(frame)), dtype="Int64"),
        }
    )


def test_budget_year_rule_counts_may_2018_arrivals_late_with_days_after_december_31():
    result = check_arrival(allocations(), as_of=AS_OF)
    grants = result.grants.set_index("grant_id")
    assert (grants["due_date"] == pd.Timestamp("2017-12-31")).all()
    # 2017-12-31 → 2018-05-16: 31 + 28 + 31 + 30 + 16 = 136 days; → 2018-05-23: 143 days.
    assert grants["days_late"].to_dict() == {"G1": 136, "G2": 143, "G3": 143, "G4": 0, "G5": 0}
    assert grants.loc["G1", "status"] == "逾期到位"
    assert grants.loc["G4", "status"] == "按时到位"


def test_overall_rates_are_amount_weighted():
    summary = check_arrival(allocations(), as_of=AS_OF).summary
    assert summary.allocated_fen == 43_000_000
    assert summary.arrived_fen == 43_000_000  # G2 has a date but no amount: taken as fully arrived
    assert summary.arrival_rate == 1.0
    assert summary.on_time_fen == 16_000_000  # G4 110,000 + G5 50,000
    assert summary.late_fen == 27_000_000  # the case's 270,000 元
    assert summary.timely_rate == pytest.approx(160_000 / 430_000)
    assert summary.late_grants == 3


def test_late_grants_become_flags_naming_community_type_month_and_amount():
    flags = check_arrival(allocations(), as_of=AS_OF).flags
    assert list(flags["rule"]) == ["ARR-01"] * 3
    assert flags["amount_fen"].sum() == 27_000_000
    first = flags.loc[flags["source_row"] == 3].iloc[0]
    assert first["community"] == "浏河社区"
    assert first["reason"] == (
        "浏河社区公共服务站基础设施建设资金120,000.00元（荆财社〔2017〕1号，2017年6月1日下达），"
        "应于2017年12月31日前到位，2018年5月16日方才到位，逾期136天。"
    )
    assert first["source_file"] == "资金下达明细_2017.xlsx"


def test_making_one_late_arrival_on_time_removes_its_flag_and_raises_timely_rate_by_its_amount():
    before = check_arrival(allocations(), as_of=AS_OF)
    after = check_arrival(allocations(G1=("arrived_date", "2017-12-20")), as_of=AS_OF)
    assert "浏河社区" in set(before.flags["community"])
    assert "浏河社区" not in set(after.flags["community"])
    assert before.summary.late_fen - after.summary.late_fen == 12_000_000
    assert after.summary.timely_rate - before.summary.timely_rate == pytest.approx(
        120_000 / 430_000
    )
    assert after.summary.arrival_rate == before.summary.arrival_rate


def test_days_after_issue_rule_uses_document_date_plus_n_days():
    result = check_arrival(allocations(), as_of=AS_OF, due_rule="days_after_issue", due_days=60)
    grants = result.grants.set_index("grant_id")
    assert grants.loc["G4", "due_date"] == pd.Timestamp("2017-07-31")  # 2017-06-01 + 60 days
    assert grants.loc["G4", "days_late"] == 15  # arrived 2017-08-15
    assert grants.loc["G5", "due_date"] == pd.Timestamp("2018-01-19")
    assert grants.loc["G5", "days_late"] == 0
    assert result.summary.on_time_fen == 5_000_000
    assert set(result.flags["source_row"]) == {3, 4, 5, 6}


def test_money_not_yet_due_is_neither_due_nor_late():
    result = check_arrival(allocations(), as_of="2017-12-01")
    summary = result.summary
    assert summary.due_fen == 0 and summary.late_grants == 0
    assert pd.isna(summary.timely_rate)
    assert summary.arrived_fen == 11_000_000  # only G4 had arrived by 2017-12-01
    assert result.flags.empty
    assert set(result.grants["status"]) == {"未到应到位日期"}


def test_money_never_arrived_counts_days_late_to_the_evaluation_date():
    result = check_arrival(allocations(G1=("arrived_date", None)), as_of="2018-03-31")
    g1 = result.grants.set_index("grant_id").loc["G1"]
    assert g1["status"] == "逾期未到位"
    assert g1["days_late"] == 90  # January 31 + February 28 + March 31
    assert g1["arrived_by_as_of_fen"] == 0
    reason = result.flags.loc[result.flags["source_row"] == 3, "reason"].iloc[0]
    assert "截至评价日尚未到位，已逾期90天" in reason


def test_partial_arrival_on_time_is_late_for_the_shortfall_only():
    frame = allocations(G4=("arrived", 60_000))
    result = check_arrival(frame, as_of=AS_OF)
    g4 = result.grants.set_index("grant_id").loc["G4"]
    assert g4["on_time_fen"] == 6_000_000
    assert g4["late_fen"] == 5_000_000
    assert g4["status"] == "部分按时到位"
    assert result.flags.loc[result.flags["source_row"] == 6, "amount_fen"].iloc[0] == 5_000_000


def test_rates_by_grant_type_split_the_overall_figure():
    result = check_arrival(allocations(), as_of=AS_OF)
    by_type = arrival_rates_by(result.grants).set_index("grant_type")
    assert by_type.loc["三社联动试点", "timely_rate"] == pytest.approx(0.5)  # G5 on time, G3 late
    assert by_type.loc["公共服务站基础设施建设", "timely_rate"] == pytest.approx(110_000 / 330_000)


def test_timeline_table_has_one_row_per_grant_with_dates():
    timeline = arrival_timeline(check_arrival(allocations(), as_of=AS_OF).grants)
    assert list(timeline.columns[:7]) == [
        "grant_id",
        "community",
        "grant_type",
        "issued_date",
        "arrived_date",
        "due_date",
        "days_late",
    ]
    assert len(timeline) == 5


def test_unknown_due_rule_is_refused_with_the_choices():
    with pytest.raises(ParameterError, match="budget_year_end"):
        check_arrival(allocations(), as_of=AS_OF, due_rule="whenever")


def test_days_after_issue_needs_the_number_of_days():
    with pytest.raises(ParameterError, match="due_days"):
        check_arrival(allocations(), as_of=AS_OF, due_rule="days_after_issue")


def test_budget_year_parameter_overrides_the_issue_year():
    result = check_arrival(allocations(), as_of=AS_OF, budget_year=2018)
    assert (result.grants["due_date"] == pd.Timestamp("2018-12-31")).all()
    assert result.flags.empty
