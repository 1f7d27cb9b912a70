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
from jixiao.project_profile import year_profile

RAW = paths.raw_dir(2017)
PROFILE = year_profile(2017)
CHART = PROFILE.separate_accounting_options()
SCOPE = PROFILE.scope_options()
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
    separate = check_separate_accounting(ledger, allocations, rules, **CHART)
    scope = check_scope(ledger, allocations, rules, period_end="2018-12-31", **SCOPE)
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
    problem1 = register.loc[register["rule"] == "ARR-01"]  # the published report's problem 1
    assert sorted(problem1["units"]) == ["沿河社区", "浏河社区"]
    assert problem1["amount_fen"].sum() == 27_000_000
    assert problem1["description"].str.contains("2018年5月").all()
    yanhe = problem1.loc[problem1["units"] == "沿河社区", "description"].iloc[0]
    assert "公共服务站基础设施建设" in yanhe and "三社联动试点" in yanhe
    assert sorted(problem1["finding_id"]) == ["ARR-01-沿河社区", "ARR-01-浏河社区"]
    assert problem1["evidence"].str.contains("资金下达").all()


def test_problem_3_is_exactly_three_units_yanhe_and_two_sanshe_communities(case, run):
    allocations = case[0]
    register = run[3]
    # The published report's problem 3: special funds not accounted for separately.
    problem3_units = set(register.loc[register["rule"].str.startswith("SEP-"), "units"])
    assert set(register.loc[register["rule"].str.startswith("SEP-"), "category"]) == {"会计核算"}
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
    # Problems 1 and 3 of the published report are found by the checks, 2, 4, 5 and 6 observed.
    assert {"ARR-01", "SEP-01"} <= set(register["rule"])
    assert sorted(register["problem_no"].dropna().unique()) == [2, 4, 5, 6]
    observed = register.loc[register["rule"] == "OBS"]
    assert observed["finding_id"].str.startswith("OBS-").all()
    assert (register["evidence"].str.len() > 0).loc[register["rule"] != "OBS"].all()


def test_metrics_for_scoring(run):
    arrival, separate = run[0], run[1]
    metrics = {m.metric: m.value for m in compliance_metrics(arrival.summary, separate)}
    assert metrics == {
        "fund_arrival_rate": 1.0,
        "fund_timely_rate": pytest.approx(0.865),
        "separate_accounting_units": 3.0,
    }


def test_liuhe_arriving_on_time_leaves_only_yanhe_late_and_raises_timely_rate_to_92_5(case):
    allocations = case[0].copy()
    liuhe = (allocations["community"] == "浏河社区") & (
        allocations["grant_type"] == "公共服务站基础设施建设"
    )
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


# ------------------------------------------------------------------ changing the case: problem 3

YANHE_UNIT = "沿河社区居民委员会"
INFRA, SANSHE = "公共服务站基础设施建设", "三社联动试点"
# 沿河's grant receipts and payments as the case file books them (all under basic accounts).
YANHE_RECEIPTS = {
    "收到2017年社区公共服务站基础设施建设补助资金": INFRA,
    "收到2017年“三社联动”试点以奖代补资金": SANSHE,
}
YANHE_PAYMENTS = {
    "购置社区服务站便民服务设施": INFRA,
    "支付服务站办公设备购置款": INFRA,
    "支付社区社会组织孵化培育费": SANSHE,
    "支付“三社联动”业务培训费": SANSHE,
    "支付邻里互助志愿服务活动经费": SANSHE,
    "支付社会工作室办公家具购置款": SANSHE,
    "支付社区公益创投项目资助款": SANSHE,
    "支付社区社会组织活动物资采购款": SANSHE,
    "支付社工专业服务费": SANSHE,
}


@pytest.fixture(scope="module")
def processed_case(ingested_2017):
    """The 2017 case ingested by the library into a fresh folder (not data/processed), once for
    the session (conftest.py)."""
    from jixiao import processed

    folder = ingested_2017[1]
    return {
        name: processed.read_table(2017, name, folder=folder) for name in ("allocations", "ledger")
    }


def rebook_yanhe_under_project_accounts(ledger: pd.DataFrame) -> pd.DataFrame:
    """沿河 keeps its books as it should: grant receipts to 400102, grant spending to 50010201,
    each line tagged with its grant type in the 项目 aux."""
    ledger = ledger.copy()
    yanhe = ledger["unit"].eq(YANHE_UNIT)
    receipts = (
        yanhe & ledger["account_code"].eq("400101") & ledger["summary"].isin(list(YANHE_RECEIPTS))
    )
    payments = (
        yanhe & ledger["account_code"].eq("50010101") & ledger["summary"].isin(list(YANHE_PAYMENTS))
    )
    assert (int(receipts.sum()), int(payments.sum())) == (2, 9)  # the case as the report implies it
    # account_key is the code the checks compare: a rebooked line changes both
    ledger.loc[receipts, ["account_code", "account_key", "account_name"]] = [
        "400102",
        "400102",
        "财政补助收入-项目支出",
    ]
    ledger.loc[payments, ["account_code", "account_key", "account_name"]] = [
        "50010201",
        "50010201",
        "事业支出-项目支出-财政补助支出",
    ]
    grant_type = ledger["summary"].map({**YANHE_RECEIPTS, **YANHE_PAYMENTS})
    ledger.loc[receipts | payments, "project"] = grant_type[receipts | payments]
    return ledger


def test_yanhe_booking_its_grants_under_project_accounts_leaves_two_units_mixing_accounts(
    processed_case,
):
    from jixiao.compliance import project_balances

    allocations, ledger = processed_case["allocations"], processed_case["ledger"]
    rules = load_scope_rules(year=2017)
    arrival = check_arrival(allocations, as_of=AS_OF)
    before = check_separate_accounting(ledger, allocations, rules, **CHART)
    assert set(before["community"]) == {"沿河社区", "中天社区", "荆南社区"}

    fixed = rebook_yanhe_under_project_accounts(ledger)
    after = check_separate_accounting(fixed, allocations, rules, **CHART)
    assert "沿河社区" not in set(after["community"])
    # The other two units' findings are untouched: the same lines, the same amounts.
    untouched = before.loc[before["community"] != "沿河社区"].reset_index(drop=True)
    pd.testing.assert_frame_equal(after.reset_index(drop=True), untouched)
    assert after.groupby("community")["amount_fen"].sum().to_dict() == {
        "中天社区": 2_017_872,
        "荆南社区": 2_089_341,
    }

    metric = {m.metric: m for m in compliance_metrics(arrival.summary, after)}[
        "separate_accounting_units"
    ]
    assert (metric.value, metric.evidence) == (2.0, "中天社区、荆南社区")
    register = build_register(
        arrival, after, check_scope(fixed, allocations, rules, period_end="2018-12-31", **SCOPE)
    )
    separate_units = set(register.loc[register["rule"].str.startswith("SEP-"), "units"])
    assert separate_units == {"中天社区", "荆南社区"}
    assert set(register.loc[register["rule"] == "ARR-01", "units"]) == {
        "沿河社区",
        "浏河社区",
    }  # still late

    # 沿河's project books now reconcile: receipts = money arrived ≥ spending, per grant type.
    balances = project_balances(fixed, allocations, rules).set_index(["community", "grant_type"])
    yanhe = balances.loc["沿河社区", ["arrived_fen", "receipts_fen", "spending_fen"]]
    assert yanhe.loc[INFRA].tolist() == [10_000_000, 10_000_000, 7_813_111 + 1_884_800]
    assert yanhe.loc[SANSHE].tolist() == [5_000_000, 5_000_000, 4_268_868]
