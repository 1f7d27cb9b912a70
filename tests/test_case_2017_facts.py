"""The committed 2017 case file states what the published report states.

Read through the library loaders, the raw files must give the report's figures
(/work/shared/case-2017-facts.md): 2,000,000 元 in 10 + 18 grants, the three late grants
of May 2018, the output counts, 27 ledger units, and the questionnaire groups. The last
test regenerates the case and compares bytes, so the committed files are what the
generator writes.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from jixiao import paths, schema
from jixiao.loading import (
    load_allocations,
    load_interviews,
    load_ledgers,
    load_observations,
    load_outputs,
    load_survey,
)

RAW = paths.raw_dir(2017)
GENERATOR = paths.ROOT / "scripts" / "generate_case_2017.py"
INFRA, SANSHE = "公共服务站基础设施建设", "三社联动试点"  # the case's grant types (project.toml)
SCOPE_WORDS = (
    "装修",
    "维修",
    "改造",
    "设施",
    "设备",
    "工程款",
    "服务站",
    "社会组织",
    "社工",
    "社会工作室",
    "公益创投",
    "培训",
    "活动",
    "孵化",
)


@pytest.fixture(scope="module")
def allocations() -> pd.DataFrame:
    result = load_allocations(RAW / "资金下达明细_2017.xlsx")
    assert result.rejects.empty
    return result.data


@pytest.fixture(scope="module")
def ledger():
    return load_ledgers(sorted(RAW.glob("明细账_*")))


@pytest.fixture(scope="module")
def survey():
    return load_survey(RAW / "问卷调查_2017.xlsx")


def test_allocations_total_two_million_yuan(allocations):
    assert allocations["amount_fen"].dtype == "int64"
    assert allocations["amount_fen"].sum() == 200_000_000
    assert allocations["arrived_fen"].sum() == 200_000_000


def test_ten_infrastructure_and_eighteen_sanshe_grants(allocations):
    by_type = allocations.groupby("grant_type")["amount_fen"].agg(["size", "sum"])
    assert by_type.loc[INFRA].tolist() == [10, 110_000_000]
    assert by_type.loc[SANSHE].tolist() == [18, 90_000_000]
    assert (allocations.loc[allocations["grant_type"] == SANSHE, "amount_fen"] == 5_000_000).all()


def test_yanhe_is_in_both_lists_so_27_communities(allocations):
    types = allocations.groupby("community")["grant_type"].agg(set)
    assert types["沿河社区"] == {INFRA, SANSHE}
    assert len(types) == 27
    assert (types.map(len) == 2).sum() == 1


def test_infrastructure_amounts_of_liuhe_and_yanhe(allocations):
    infra = allocations.loc[allocations["grant_type"] == INFRA].set_index("community")["amount_fen"]
    assert infra["浏河社区"] == 12_000_000
    assert infra["沿河社区"] == 10_000_000
    assert (infra.drop(["浏河社区", "沿河社区"]) == 11_000_000).all()


def test_exactly_three_grants_arrived_in_may_2018(allocations):
    assert (allocations["issued_date"].dt.year == 2017).all()
    arrived = allocations["arrived_date"].dt.to_period("M")
    late = allocations.loc[arrived == pd.Period("2018-05", "M")]
    assert set(zip(late["community"], late["grant_type"], strict=True)) == {
        ("浏河社区", INFRA),
        ("沿河社区", INFRA),
        ("沿河社区", SANSHE),
    }
    assert len(late) == 3
    assert late["amount_fen"].sum() == 27_000_000
    on_time = allocations.drop(late.index)
    assert (on_time["arrived_date"].dt.year == 2017).all()
    # 到位及时率 with money due by 2017-12-31: 1,730,000 / 2,000,000.
    assert on_time["amount_fen"].sum() / allocations["amount_fen"].sum() == pytest.approx(0.865)


def test_outputs_are_the_reports_counts_all_met():
    result = load_outputs(RAW / "产出完成情况_2017.xlsx")
    data = result.data
    assert result.rejects.empty
    assert data["planned"].tolist() == [10, 1, 5, 25, 100, 11, 70, 344, 3, 2]
    assert (data["actual"] == data["planned"]).all()
    assert set(data["completed_on_time"]) == {"是"} and set(data["quality_passed"]) == {"是"}


def test_ledgers_cover_27_units_with_thousands_of_entries(ledger):
    assert ledger.rejects.empty
    data = ledger.data
    assert data["unit"].nunique() == 27
    assert 2_000 <= len(data) <= 9_000
    per_unit = data.groupby("unit").size()
    assert per_unit.between(100, 260).all()
    # 上年结转 / 本月合计 / 本年累计 rows are not entries: 18 months × 2 totals per unit at least.
    assert ledger.counts["dropped"] >= 27 * 36
    assert data["date"].min() >= pd.Timestamp("2017-01-01")
    assert data["date"].max() <= pd.Timestamp("2018-06-30")


def test_every_voucher_balances(ledger):
    data = ledger.data
    sums = data.groupby(["unit", "voucher", "date"])[["debit_fen", "credit_fen"]].sum()
    assert (sums["debit_fen"] == sums["credit_fen"]).all()


def test_project_spending_in_basic_expenditure_only_in_three_units(ledger):
    data = ledger.data
    in_basic = data["account_code"].str.startswith("500101") & data["summary"].str.contains(
        "|".join(SCOPE_WORDS)
    )
    units = sorted(data.loc[in_basic, "unit"].unique())
    assert units == ["中天社区居民委员会", "沿河社区居民委员会", "荆南社区居民委员会"]
    project_income = data.loc[data["account_code"] == "400102", "unit"].unique()
    assert "沿河社区居民委员会" not in project_income
    assert len(project_income) == 26


def test_clean_units_spend_no_more_than_received_per_grant(ledger):
    data = ledger.data
    received = (
        data.loc[data["account_code"] == "400102"].groupby(["unit", "project"])["credit_fen"].sum()
    )
    spent = (
        data.loc[data["account_code"] == "50010201"].groupby(["unit", "project"])["debit_fen"].sum()
    )
    both = pd.concat({"received": received, "spent": spent}, axis=1).fillna(0)
    assert len(both) == 28 - 2  # 沿河社区's two grants have no project ledger
    assert (both["spent"] <= both["received"]).all()


def test_survey_groups_and_plan(survey):
    responses = survey["survey"].data
    achieved = responses.groupby("group")["respondent_id"].nunique()
    assert achieved.to_dict() == {"居民": 302, "社区工作者": 81, "社会组织": 46}
    assert responses["respondent_id"].duplicated().sum() == 2
    plan = survey["survey_plan"].data.set_index("group")
    assert plan["population"].to_dict() == {"居民": 52_000, "社区工作者": 260, "社会组织": 150}
    assert plan["planned"].to_dict() == {"居民": 385, "社区工作者": 100, "社会组织": 60}
    items = survey["survey_items"].data
    assert len(items) == 8 and (items["reverse"] == "是").sum() == 1


def test_overall_satisfaction_is_about_93_percent(survey):
    responses = survey["survey"].data.drop_duplicates("respondent_id")
    items = survey["survey_items"].data
    long = responses.melt(
        id_vars="respondent_id", value_vars=items["item_id"].tolist(), var_name="item_id"
    )
    text = long["value"].astype("string").str.strip()
    codes = text.map(schema.LIKERT_LEVELS).astype("Float64")
    digits = pd.to_numeric(text.where(text.str.fullmatch("[1-5]", na=False)), errors="coerce")
    codes = codes.fillna(digits)
    reverse = long["item_id"].isin(items.loc[items["reverse"] == "是", "item_id"])
    codes = codes.where(~reverse, 6 - codes).dropna()
    rate = (codes >= 4).mean()
    assert 0.91 < rate < 0.95
    invalid = text.notna() & text.map(schema.LIKERT_LEVELS).isna() & digits.isna()
    assert invalid.sum() == 6  # three 6s and three 满意吧


def test_personal_data_look_real_but_checksums_hold(survey):
    responses = survey["survey"].data
    assert responses["phone"].str.fullmatch("1[358][0-9]{9}").all()
    ids = responses["id_number"]
    assert ids.str.fullmatch("4208[0-9]{13}[0-9X]").all()
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
    digits = np.array([[int(c) for c in number[:17]] for number in ids])  # a few hundred ids
    check = np.array(list("10X98765432"))[digits @ weights % 11]
    assert (ids.str[17] == check).all()


def test_interviews_forty_people_three_or_four_questions():
    result = load_interviews(RAW / "电话访谈记录_2017.xlsx")
    per_person = result.data.groupby("interview_id").size()
    assert len(per_person) == 40
    assert per_person.isin([3, 4]).all()


def test_observations_are_problems_2_4_5_6():
    data = load_observations(RAW / "评价组观察记录_2017.xlsx").data.set_index("observation_id")
    assert data.index.tolist() == ["OBS-02a", "OBS-02b", "OBS-04", "OBS-05", "OBS-06"]
    assert data.loc["OBS-02a", "indicator"] == "绩效目标合理性、绩效指标明确性"
    assert data.loc["OBS-02b", "indicator"] == "制度执行有效性"
    assert set(data.loc[["OBS-04", "OBS-05", "OBS-06"], "indicator"]) == {"可持续影响"}
    assert data["evidence_source"].isin(schema.EVIDENCE_SOURCES).all()


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_regenerating_the_case_gives_the_committed_bytes(tmp_path):
    subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(tmp_path)], check=True, capture_output=True
    )
    written = sorted(p.name for p in tmp_path.iterdir())
    assert len(written) == 27 + 7  # 27 ledgers, 5 workbooks, the filled-in 抽样清单, README.md
    changed = [name for name in written if _sha256(tmp_path / name) != _sha256(RAW / name)]
    assert changed == []
