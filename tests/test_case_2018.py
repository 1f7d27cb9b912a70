"""The reconstructed 2018 case file: its facts through the loaders, the problems planted in it
found by the compliance checks, and its score computed by jixiao.scoring from metrics the
library derives here — not typed in.

The 2018 story (data/raw/2018/README.md): 1,800,000 元 in 8 + 15 grants to 21 communities, all
arrived in 2018; every unit books separately; one community spends 12,680.00 元 beyond its
allocation, one pays 3,860.00 元 after the grant period (2019-03-31), one books a 2,380.00 元
招待费 to its 三社联动 grant, one ordinary payment is entered twice. Inputs are messier than
2017's (GBK CSV exports, aliased headers, ￥ text amounts, Chinese dates, Excel serials).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tomllib
import unicodedata

import pandas as pd
import pytest

from jixiao import compliance, findings, output_completion, paths, schema, scoring, survey
from jixiao import run as runner
from jixiao.loading import (
    load_allocations,
    load_ledgers,
    load_observations,
    load_outputs,
    load_survey,
)
from jixiao.project_profile import year_profile

RAW = paths.raw_dir(2018)
GENERATOR = paths.ROOT / "scripts" / "generate_case_2018.py"
INFRA, SANSHE = "公共服务站基础设施建设", "三社联动试点"  # the case's grant types (project.toml)
EVALUATION_DATE = "2020-06-30"
GRANT_PERIOD_END = "2019-03-31"
PROFILE = year_profile(2018)


@pytest.fixture(scope="module")
def allocations_result():
    return load_allocations(RAW / "资金下达明细_2018.xlsx")


@pytest.fixture(scope="module")
def allocations(allocations_result) -> pd.DataFrame:
    return allocations_result.data


@pytest.fixture(scope="module")
def ledger_result():
    return load_ledgers(sorted(RAW.glob("明细账_*")))


@pytest.fixture(scope="module")
def ledger(ledger_result) -> pd.DataFrame:
    return ledger_result.data


@pytest.fixture(scope="module")
def survey_tables():
    return {k: v.data for k, v in load_survey(RAW / "问卷调查_2018.xlsx").items()}


@pytest.fixture(scope="module")
def observations() -> pd.DataFrame:
    return load_observations(RAW / "评价组观察记录_2018.xlsx").data


@pytest.fixture(scope="module")
def checks(allocations, ledger):
    rules = compliance.load_scope_rules(year=2018)
    return {
        "arrival": compliance.check_arrival(
            allocations, as_of=EVALUATION_DATE, due_rule="budget_year_end", budget_year=2018
        ),
        "separate": compliance.check_separate_accounting(
            ledger, allocations, rules, **PROFILE.separate_accounting_options()
        ),
        "scope": compliance.check_scope(
            ledger, allocations, rules, period_end=GRANT_PERIOD_END, **PROFILE.scope_options()
        ),
        # The thresholds of data/raw/2018/parameters.toml, in fen.
        "analytics": compliance.run_ledger_analytics(
            ledger,
            window_days=7,
            round_multiple_fen=100_000,
            round_min_fen=1_000_000,
            approval_threshold_fen=1_000_000,
            allocations=allocations,
        ),
    }


# --------------------------------------------------------------------------- allocations


def test_allocations_total_1_8_million_in_8_plus_15_grants(allocations_result, allocations):
    assert allocations_result.rejects.empty
    by_type = allocations.groupby("grant_type")["amount_fen"].agg(["size", "sum"])
    assert by_type.loc[INFRA].tolist() == [8, 90_000_000]  # 2 × 150,000 + 6 × 100,000 元
    assert by_type.loc[SANSHE].tolist() == [15, 90_000_000]  # 15 × 60,000 元
    assert allocations["arrived_fen"].sum() == 180_000_000


def test_two_communities_hold_both_grant_types_so_21_communities(allocations):
    types = allocations.groupby("community")["grant_type"].nunique()
    assert len(types) == 21
    assert sorted(types[types == 2].index) == ["长宁社区", "麻城社区"]


def test_serial_arrival_dates_and_blank_row_are_read(allocations_result, allocations):
    notes = allocations_result.normalisations.set_index("action")["count"]
    assert notes["Excel 日期序列号转换为日期"] == 23
    assert allocations_result.counts["dropped"] == 1  # the empty line between the two lists
    assert (
        allocations["arrived_date"]
        .between(pd.Timestamp("2018-05-01"), pd.Timestamp("2018-11-30"))
        .all()
    )


def test_every_grant_arrived_within_the_budget_year(checks):
    summary = checks["arrival"].summary
    assert summary.late_grants == 0 and checks["arrival"].flags.empty
    assert summary.arrival_rate == 1.0 and summary.timely_rate == 1.0


# --------------------------------------------------------------------------- ledgers


def test_messy_exports_load_without_rejects(ledger_result, ledger):
    assert ledger_result.rejects.empty
    assert ledger["unit"].nunique() == 21
    assert ledger["date"].between(pd.Timestamp("2018-01-01"), pd.Timestamp("2019-06-30")).all()
    actions = ledger_result.normalisations.groupby("action")["count"].sum()
    assert (
        actions["表头「借方金额」识别为「借方」（debit_fen）"] == 3
    )  # 马河, 金鹰 (CSV), 响水 (xlsx)
    assert actions["去除货币符号（¥/元）"] > 0 and actions["中文日期（年月日）转换为日期"] > 0
    csv_notes = ledger_result.normalisations["action"].str.startswith("CSV 编码识别为 gb18030")
    assert csv_notes.sum() == 4


def test_every_voucher_balances_in_every_export_style(ledger):
    sums = ledger.groupby(["unit", "voucher", "date"])[["debit_fen", "credit_fen"]].sum()
    assert (sums["debit_fen"] == sums["credit_fen"]).all()


def test_every_unit_books_grants_on_project_accounts(ledger, allocations):
    receipts = ledger.loc[ledger["account_code"] == "400102"].groupby("project")["credit_fen"].sum()
    # Receipts booked per grant type equal what arrived: 900,000 元 each.
    assert receipts.to_dict() == {INFRA: 90_000_000, SANSHE: 90_000_000}
    assert (
        ledger.loc[ledger["account_code"] == "400101", "summary"]
        .str.contains("三社联动|基础设施")
        .sum()
        == 0
    )


# --------------------------------------------------------------------------- planted problems


def test_only_jinqiao_fails_separate_accounting_by_its_overspend(checks):
    sep = checks["separate"]
    assert sep["rule"].tolist() == ["SEP-04"]
    assert sep["community"].tolist() == ["金桥社区"]
    assert sep["amount_fen"].tolist() == [1_268_000]
    assert findings.separate_accounting_units(sep) == ["金桥社区"]


def test_overspend_is_spending_minus_the_100000_yuan_allocation(ledger, checks):
    jinqiao = ledger.loc[
        ledger["unit"].eq("金桥社区居民委员会")
        & ledger["project"].eq(INFRA)
        & ledger["account_code"].str.startswith("5")
    ]
    assert jinqiao["debit_fen"].sum() - 10_000_000 == 1_268_000  # 112,680.00 − 100,000.00 元
    over = checks["scope"].loc[checks["scope"]["rule"] == "SCP-02"]
    assert set(over["community"]) == {"金桥社区"} and over["amount_fen"].sum() == 1_268_000


def test_one_payment_after_the_grant_period_and_one_out_of_scope(checks):
    scope = checks["scope"]
    assert sorted(scope["rule"]) == ["SCP-01", "SCP-02", "SCP-03"]
    late = scope.loc[scope["rule"] == "SCP-03"].iloc[0]
    assert (late["community"], late["date"], late["amount_fen"]) == (
        "杨湾社区",
        pd.Timestamp("2019-04-16"),
        386_000,
    )
    wrong = scope.loc[scope["rule"] == "SCP-01"].iloc[0]
    assert (wrong["community"], wrong["amount_fen"]) == ("团结社区", 238_000)
    assert "招待" in wrong["reason"]


def test_duplicate_payment_and_weekend_posting_are_the_only_ledger_red_flags(checks):
    flags = checks["analytics"].flags
    duplicate = flags.loc[flags["rule"] == "GL-01"]
    assert set(duplicate["unit"]) == {"子陵社区居民委员会"}
    assert len(duplicate) == 2 and duplicate["amount_fen"].nunique() == 1
    assert set(flags["rule"]) == {"GL-01", "GL-03"}
    assert set(flags.loc[flags["rule"] == "GL-03", "unit"]) == {"西苑社区居民委员会"}


# --------------------------------------------------------------------------- outputs, survey, observations


def test_outputs_social_work_rooms_27_of_30_and_one_late():
    data = load_outputs(RAW / "产出完成情况_2018.xlsx").data
    rates = {m.metric: m.value for m in output_completion.output_metrics(data)}
    # Nine outputs met in full, one at 27/30: (9 + 0.9) / 10.
    assert rates["output_completion_rate"] == pytest.approx(0.99)
    assert rates["output_timely_rate"] == pytest.approx(0.9)
    assert rates["output_quality_rate"] == 1.0


def test_resident_sample_is_now_sufficient(survey_tables):
    coverage = survey.response_coverage(
        survey_tables["survey"], survey_tables["survey_plan"], margin=0.05, confidence=0.95
    )
    residents = coverage.set_index("group").loc["居民"]
    # n0 = 1.96² × 0.25 / 0.05² = 384.16; with N = 58,000: 384.16 / (1 + 383.16 / 58,000) → 382.
    assert residents["required"] == 382
    assert residents["achieved"] == 391 and bool(residents["sufficient"])


def test_invalid_answers_are_counted_and_untidy_ones_kept(survey_tables):
    validation = survey.validate_responses(survey_tables["survey"], survey_tables["survey_items"])
    c = validation.counts
    assert (c["blank"], c["out_of_scale"], c["unrecognised"], c["rows_duplicate"]) == (11, 4, 5, 3)
    raw = survey_tables["survey"].loc[:, [f"Q{i}" for i in range(1, 9)]].stack()
    full_width = raw.str.contains("[０-９]", regex=True)
    spaced = raw.str.contains("[ \u3000]", regex=True)
    assert full_width.sum() > 0 and spaced.sum() > 0


def test_satisfaction_lower_than_2017_between_84_and_88_percent(survey_tables):
    responses = survey_tables["survey"].drop_duplicates("respondent_id")
    items = survey_tables["survey_items"]
    long = responses.melt(
        id_vars="respondent_id", value_vars=items["item_id"].tolist(), var_name="item_id"
    )
    # Independent reading of the cells: NFKC, no spaces, then text level or digit 1–5.
    text = long["value"].dropna().map(lambda v: "".join(unicodedata.normalize("NFKC", v).split()))
    digits = pd.to_numeric(text.where(text.isin(list("12345"))), errors="coerce")
    codes = text.map(schema.LIKERT_LEVELS).astype("float64").fillna(digits).dropna().astype(int)
    reverse = long.loc[codes.index, "item_id"].isin(items.loc[items["reverse"] == "是", "item_id"])
    codes = codes.where(~reverse, 6 - codes)
    rate = (codes >= 4).mean()
    validation = survey.validate_responses(survey_tables["survey"], items)
    library = survey.satisfaction(validation.answers)["rate"].iloc[0]
    assert library == pytest.approx(rate)
    assert 0.84 < rate < 0.88


def test_three_observations_with_evidence_sources(observations):
    data = observations.set_index("observation_id")
    assert data.index.tolist() == ["OBS-02a", "OBS-02b", "OBS-04"]
    assert data["evidence_source"].tolist() == ["案卷研究", "实地调研", "实地调研"]
    assert data.loc["OBS-04", "title"] == "社会组织活动场地不足"


# --------------------------------------------------------------------------- score


def test_score_computed_from_the_data_is_84_4_good(
    checks, allocations, survey_tables, observations
):
    metric_list = findings.compliance_metrics(checks["arrival"].summary, checks["separate"])
    metric_list += output_completion.output_metrics(
        load_outputs(RAW / "产出完成情况_2018.xlsx").data
    )
    validation = survey.validate_responses(survey_tables["survey"], survey_tables["survey_items"])
    metric_list += survey.satisfaction_metrics(validation.answers)
    metrics = pd.DataFrame([vars(m) for m in metric_list])
    register = findings.build_register(
        checks["arrival"],
        checks["separate"],
        checks["scope"],
        checks["analytics"].flags,
        observations=observations,
        problem_numbers=PROFILE.problem_numbers,
    )
    system = scoring.load_indicator_system(RAW / "指标体系_2018.xlsx")
    result = scoring.score(system, metrics, register)
    # Worked by hand from the workbook and the facts above:
    # 投入 4 + (3 − 1 OBS-02a) + (3 − 1.5 OBS-02a) + 5 × 100% + 5 (no late money)       = 17.5
    # 过程 4 + (4 − 1 OBS-02b) + 4 + 5 × 60% 基本健全 + (4 − 0.5 × 1 unit) + 2 judged    = 19.5
    # 产出 10 × 0.99 + 5 × 0.9 + 5 + 4 judged                                           = 23.4
    # 效果 7.5 (①②④) + (8 − 1.5 OBS-04) + 10 (85.6% ≥ 85%)                              = 24
    assert [float(s) for s in result.subtotals()["score"]] == [17.5, 19.5, 23.4, 24.0]
    assert float(result.total) == 84.4
    assert result.grade == "良"


# --------------------------------------------------------------------------- parameters and bytes


def test_parameters_have_2017_keys_and_2018_dates():
    ours = tomllib.loads((RAW / "parameters.toml").read_text(encoding="utf-8"))
    theirs = tomllib.loads((paths.raw_dir(2017) / "parameters.toml").read_text(encoding="utf-8"))

    def keys(table: dict, prefix: str = "") -> set[str]:
        return {
            k2
            for k, v in table.items()
            for k2 in (keys(v, f"{k}.") if isinstance(v, dict) else {prefix + k})
        }

    assert keys(ours) == keys(theirs)
    assert ours["compliance"]["evaluation_date"] == EVALUATION_DATE
    assert ours["compliance"]["grant_period_end"] == GRANT_PERIOD_END
    resolved = runner.resolve_parameters(2018)  # unknown names would raise here
    assert resolved["03_compliance.ipynb"]["evaluation_date"] == EVALUATION_DATE


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_regenerating_the_case_gives_the_committed_bytes(tmp_path):
    subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(tmp_path)], check=True, capture_output=True
    )
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(p.name for p in RAW.iterdir())
    assert len(written) == 21 + 10  # 21 ledgers, 7 workbooks, parameters / project.toml, README
    changed = [name for name in written if _sha256(tmp_path / name) != _sha256(RAW / name)]
    assert changed == []
