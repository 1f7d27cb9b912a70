"""The named sampling population (parameters.toml [sampling] population), its coverage, flagged
lines examined in full outside the statistical frame, and the misstatement projected in 元."""

import math

import numpy as np
import pandas as pd
import pytest

from jixiao.errors import ParameterError
from jixiao.sampling import evaluate_misstatements, export_fieldwork, read_fieldwork
from jixiao.sampling.population import (
    POPULATIONS,
    PopulationDefinition,
    sampling_population,
    summarise_population,
)
from jixiao.sampling.workflow import (
    SamplingSettings,
    evaluation_rows,
    plan_and_select,
    projection_sentence,
    sampling_metrics,
)

EXPENSE, PROJECT = ("5",), ("500102",)
FILE = "明细账_甲社区.xlsx"


def ledger() -> pd.DataFrame:
    """Six lines: basic spending, basic spending with the project aux, special-fund spending
    booked to basic (row 4, what SEP-01 finds), two project-account lines, a receipt with the
    project aux and a bank line."""
    rows = [
        # code, debit, credit, project, row
        ("500101", 100_00, 0, None, 2),
        ("500101", 200_00, 0, "三社联动试点", 3),
        ("500101", 300_00, 0, None, 4),
        ("500102", 400_00, 0, "三社联动试点", 5),
        ("50010201", 500_00, 10_00, None, 6),
        ("400102", 0, 900_00, "三社联动试点", 7),
        ("1002", 900_00, 0, None, 8),
    ]
    frame = pd.DataFrame(
        rows, columns=["account_code", "debit_fen", "credit_fen", "project", "source_row"]
    )
    return frame.assign(
        account_code=frame["account_code"].astype("str"),
        project=frame["project"].astype("str").where(frame["project"].notna()),
        unit="甲社区",
        summary="支出",
        source_file=FILE,
        source_sheet="明细账",
        source_row=frame["source_row"].astype("int64"),
    )


FUND_LINES = pd.DataFrame(
    {"source_file": [FILE, FILE], "source_sheet": ["明细账"] * 2, "source_row": [4, 7]}
)


def definition(name: str) -> PopulationDefinition:
    return PopulationDefinition(name, EXPENSE, PROJECT)


def test_each_named_population_holds_the_lines_its_definition_says():
    whole = sampling_population(ledger(), definition("全部支出明细"))
    assert whole["source_row"].tolist() == [2, 3, 4, 5, 6]
    project = sampling_population(ledger(), definition("项目支出科目"))
    assert project["source_row"].tolist() == [5, 6]
    assert project["amount_fen"].tolist() == [400_00, 490_00]  # debit − credit
    fund = sampling_population(ledger(), definition("专项资金相关"), FUND_LINES)
    # Row 3 by its project aux, row 4 because compliance found it; the receipt (row 7) is no
    # spending even though it was named, and plain basic spending (row 2) stays out.
    assert fund["source_row"].tolist() == [3, 4, 5, 6]
    assert fund["population_basis"].tolist() == [
        "项目辅助核算",
        "合规检查认定为专项资金支出",
        "项目支出科目",
        "项目支出科目",
    ]


def test_an_unknown_population_names_the_key_and_the_choices():
    with pytest.raises(ParameterError) as error:
        SamplingSettings(
            seed=1,
            population="专项资金",
            expense_accounts=EXPENSE,
            project_expense_accounts=PROJECT,
        )
    message = str(error.value)
    assert "[sampling] population" in message and "'专项资金'" in message
    assert all(name in message for name in POPULATIONS)


def test_the_special_fund_population_needs_the_compliance_lines_and_the_profile_accounts():
    with pytest.raises(ParameterError, match="合规检查认定"):
        sampling_population(ledger(), definition("专项资金相关"))
    with pytest.raises(ParameterError, match=r"\[accounts\] 的 project_expense"):
        PopulationDefinition("项目支出科目", EXPENSE, ())


def test_coverage_is_stated_in_lines_and_amount():
    fund = sampling_population(ledger(), definition("专项资金相关"), FUND_LINES)
    summary = summarise_population(
        fund, fund[fund["source_row"].isin([4, 6])], definition("专项资金相关")
    )
    # 4 lines, 200 + 300 + 400 + 490 = 1,390 元; selected 300 + 490 = 790 元.
    assert (summary.lines, summary.amount_fen, summary.selected_lines) == (4, 139_000, 2)
    assert summary.line_share == 0.5 and summary.amount_share == pytest.approx(790 / 1390)
    assert "共4笔、金额1,390.00元" in summary.sentence and "金额的56.83%" in summary.sentence
    rows = dict(evaluation_rows(summary, [("评价", "略")]))
    assert rows["抽样总体口径"] == "专项资金相关" and rows["总体分录金额（元）"] == "1,390.00"
    assert rows["金额覆盖率"] == "56.83%" and rows["评价"] == "略"
    metric = {m.metric: m for m in sampling_metrics(None, summary)}
    assert metric["sampling_population_amount"].value == 1390.0
    assert metric["sampling_coverage_amount"].evidence == summary.sentence + "。"


def test_flagged_lines_are_examined_in_full_outside_the_statistical_frame():
    n = 200
    big = pd.DataFrame(
        {
            "account_code": pd.Series(["500102"] * n, dtype="str"),
            "debit_fen": np.full(n, 1_000_00, dtype="int64"),
            "credit_fen": np.zeros(n, dtype="int64"),
            "unit": "甲社区",
            "source_file": FILE,
            "source_sheet": "明细账",
            "source_row": np.arange(2, n + 2, dtype="int64"),
        }
    )
    flags = pd.DataFrame(
        {
            "rule": ["SEP-01"] * 3,
            "source_file": FILE,
            "source_sheet": "明细账",
            "source_row": [2, 3, 4],
        }
    )
    settings = SamplingSettings(
        seed=5,
        population="专项资金相关",
        expense_accounts=EXPENSE,
        project_expense_accounts=PROJECT,
    )
    population, plan, selection = plan_and_select(big, settings, flags)
    assert len(population) == n
    assert plan.book_value_fen == (n - 3) * 1_000_00  # the plan covers what is not examined in full
    sample = selection.sample.set_index("source_row")
    assert not sample.loc[[2, 3, 4], "statistical"].any()
    assert (sample.loc[[2, 3, 4], "selection_method"] == "重点关注项目").all()
    assert selection.population_count == n - 3


def test_projected_misstatement_matches_a_hand_computation_in_yuan():
    # Book 1,000,000 元, 100 monetary units: interval J = 10,000 元. One item of 5,000 元 audited
    # at 4,000 元: tainting 0.2. Most likely = 0.2 × J = 2,000 元. Poisson factors at 95 %:
    # U(0) = −ln 0.05 = 2.995732; U(1) solves (1 + u)·e^(−u) = 0.05, u = 4.743865.
    # Upper = B·(U(0) + (U(1) − U(0))·0.2) / n = 33,453.59 元; in parts, each rounded to the fen:
    # 2,000 (most likely) + 29,957.32 (basic precision) + (17,481.32 − 10,000) × 0.2 = 1,496.26
    # (incremental allowance) = 33,453.58 元.
    u0 = -math.log(0.05)
    u1 = 4.743864518
    assert (1 + u1) * math.exp(-u1) == pytest.approx(0.05, abs=1e-9)
    items = pd.DataFrame({"amount_fen": [500_000, 300_000], "audited_fen": [400_000, 300_000]})
    result = evaluate_misstatements(
        items,
        population_amount_fen=100_000_000,
        sample_size=100,
        tolerable_misstatement_fen=5_000_000,
    )
    assert result.most_likely_misstatement_fen == 200_000
    expected_upper = 1_000_000 * (u0 + (u1 - u0) * 0.2) / 100
    assert result.upper_limit_fen / 100 == pytest.approx(expected_upper, abs=0.02)
    assert round(expected_upper, 2) == 33_453.59
    assert (result.basic_precision_fen, result.incremental_allowance_fen) == (2_995_732, 149_626)
    assert result.upper_limit_fen == 3_345_358
    sentence = projection_sentence(result)
    assert "最可能值为2,000.00元" in sentence and "错报上限为33,453.58元" in sentence


def test_the_fieldwork_sheet_states_the_population_and_still_reads_back(tmp_path):
    fund = sampling_population(ledger(), definition("专项资金相关"), FUND_LINES)
    settings = SamplingSettings(
        seed=1,
        method="random",
        population="专项资金相关",
        expense_accounts=EXPENSE,
        project_expense_accounts=PROJECT,
    )
    population, _, selection = plan_and_select(ledger(), settings, FUND_LINES.assign(rule="SEP-01"))
    assert population["source_row"].tolist() == fund["source_row"].tolist()
    summary = summarise_population(population, selection.sample, settings.definition)
    path = export_fieldwork(selection, tmp_path / "抽样清单.xlsx", population=summary)
    sheet = pd.read_excel(path, sheet_name="抽样参数", engine="openpyxl")
    values = dict(zip(sheet["参数"], sheet["值"], strict=True))
    assert values["抽样总体口径"] == "专项资金相关" and values["总体分录笔数"] == 4
    assert values["总体分录金额（元）"] == 1390
    back = read_fieldwork(path)
    assert back.parameters["population_count"] == selection.population_count
    assert back.parameters["population_amount_fen"] == selection.population_amount_fen
    # Each line says why it is in the population (the last column, after those to fill).
    assert back.data["population_basis"].tolist() == selection.sample["population_basis"].tolist()
