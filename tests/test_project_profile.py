"""The evaluated project described in data (project.toml): validated, and used by the checks."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from jixiao import compliance, ingest, schema, year_templates
from jixiao.errors import ParameterError
from jixiao.loading import load_allocations, load_ledger
from jixiao.project_profile import ACCOUNT_PRESETS, load_profile, year_profile

LEDGER_HEADER = [c.header for c in schema.LEDGER.columns]
ALLOCATION_HEADER = [c.header for c in schema.ALLOCATIONS.columns]


def profile_text(**overrides) -> str:
    base = {
        "name": '"某县农村公路养护补助项目"',
        "commissioner": '"某县财政局"',
        "evaluator": '"某会计师事务所"',
        "framework": '"2020"',
    }
    base.update(overrides)
    project = "\n".join(f"{k} = {v}" for k, v in base.items())
    return (
        f"[project]\n{project}\n\n"
        '[[grant_types]]\nname = "农村公路养护补助"\nreceipt_keywords = ["养护"]\n\n'
        '[accounts]\npreset = "政府会计制度"\n'
    )


def test_the_case_profiles_name_the_parties_and_the_2013_framework():
    profile = year_profile(2017)
    assert (profile.commissioner, profile.evaluator) == ("荆门市财政局", "荆门乾正资产评估事务所")
    assert profile.dimensions == ("投入", "过程", "产出", "效果")
    assert profile.grant_type_names == ("公共服务站基础设施建设", "三社联动试点")
    assert profile.reference_date == dt.date(2019, 10, 31)
    assert year_profile(2018).period_end == dt.date(2019, 3, 31)


def test_a_new_project_profile_loads_with_its_own_grant_type_and_chart(tmp_path):
    (tmp_path / "project.toml").write_text(profile_text(), encoding="utf-8")
    profile = load_profile(tmp_path)
    assert profile.dimensions == ("决策", "过程", "产出", "效益")
    assert profile.grant_type_names == ("农村公路养护补助",)
    assert profile.accounts == ACCOUNT_PRESETS["政府会计制度"]
    assert profile.separate_accounting_options()["expense_prefix"] == ("7",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (profile_text(name='""'), r"project.toml 第 2 行：project.name 必须填写"),
        (profile_text(framework='"2016"'), r"第 5 行：project.framework 应为 2013 或 2020"),
        (
            profile_text(period_start="2020-12-31", period_end="2020-01-01"),
            r"project.period_end 早于",
        ),
        (
            profile_text(team='"张三"', period_start='"2020-13-01"'),
            r"project.period_start 应为日期",
        ),
        (profile_text() + 'expense_class = ["7"]\n', r"accounts.expense_class 不是科目用途"),
        (profile_text().replace("政府会计制度", "企业会计准则"), r"accounts.preset 应为"),
        (profile_text() + "[extra]\nx = 1\n", r"extra 不是项目概况的一节"),
        (
            profile_text() + '[[grant_types]]\nname = "农村公路养护补助"\n',
            r"grant_types.name 「农村公路养护补助」写了两次",
        ),
    ],
)
def test_a_profile_error_names_the_key_and_its_line(tmp_path, text, message):
    (tmp_path / "project.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError, match=message):
        load_profile(tmp_path)


def test_the_blank_template_profile_asks_for_the_project_name_first(tmp_path):
    year_templates.write_year_templates(2031, folder=tmp_path)
    with pytest.raises(ParameterError, match=r"project.toml 第 \d+ 行：project.name 必须填写"):
        load_profile(tmp_path)


def _allocations(path, grant_type: str):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "资金下达"
    ws.append(ALLOCATION_HEADER)
    for row, kind in enumerate((grant_type, "三社联动试点")):
        ws.append(
            [f"G{row}", "某县", "某镇", "东村", kind, "县财〔2020〕1号", dt.datetime(2020, 3, 1),
             100000, dt.datetime(2020, 3, 20), 100000, "东村村民委员会", None]
        )  # fmt: skip
    wb.save(path)
    return path


def test_a_grant_type_known_to_no_case_loads_and_one_outside_the_profile_is_rejected(tmp_path):
    (tmp_path / "project.toml").write_text(profile_text(), encoding="utf-8")
    path = _allocations(tmp_path / "资金下达_2020.xlsx", "农村公路养护补助")
    result = ingest._load_allocations(path, tmp_path)
    assert result.data["grant_type"].tolist() == ["农村公路养护补助"]
    assert result.rejects[["row", "column", "value"]].values.tolist() == [
        [3, "资金类型", "三社联动试点"]
    ]
    assert "不是可选值之一（农村公路养护补助）" in result.rejects["reason"].iloc[0]
    # without a profile nothing is checked, and the note says so
    (tmp_path / "project.toml").unlink()
    unchecked = ingest._load_allocations(path, tmp_path)
    assert unchecked.counts["rejected"] == 0
    assert any("资金类型未与项目的资金类型核对" in a for a in unchecked.normalisations["action"])
    assert load_allocations(path).counts["loaded"] == 2


def _ledger(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "明细账"
    ws.append(LEDGER_HEADER)
    for date, voucher, summary, code, debit, credit, project in rows:
        ws.append([date, voucher, summary, code, "科目", debit, credit, None, None, project])
    wb.save(path)
    return path


def test_a_government_accounting_ledger_with_dotted_codes_is_executed_on_its_budget_side(tmp_path):
    """政府会计制度: the same money is booked on the 财务会计 (4001 / 5001) and the 预算会计
    (6001 / 7201) sides; budget execution reads the budget side only."""
    (tmp_path / "project.toml").write_text(profile_text(), encoding="utf-8")
    profile = load_profile(tmp_path)
    day = dt.datetime(2020, 4, 1)
    ledger = load_ledger(
        _ledger(
            tmp_path / "明细账_东村.xlsx",
            [
                (day, "记-1", "收到养护补助", "1002", 100000, None, None),
                (day, "记-1", "收到养护补助", "4001.02", None, 100000, "农村公路养护补助"),
                (day, "记-1", "收到养护补助", "8001", 100000, None, None),
                (day, "记-1", "收到养护补助", "6001.02", None, 100000, "农村公路养护补助"),
                (day, "记-2", "支付路面修补款", "5001.02", 30000, None, "农村公路养护补助"),
                (day, "记-2", "支付路面修补款", "1002", None, 30000, None),
                (day, "记-2", "支付路面修补款", "7201.02", 30000, None, "农村公路养护补助"),
                (day, "记-2", "支付路面修补款", "8001", None, 30000, None),
            ],
        )
    ).data
    assert ledger["account_key"].tolist()[:4] == ["1002", "400102", "8001", "600102"]
    allocations = load_allocations(
        _allocations(tmp_path / "资金下达_2020.xlsx", "农村公路养护补助"),
        grant_types=profile.grant_type_names,
    ).data
    table = compliance.budget_execution(
        ledger, allocations, **profile.separate_accounting_options()
    )
    east = table.loc[table["community"] == "东村"].iloc[0]
    assert (east["arrived_fen"], east["spending_fen"]) == (10_000_000, 3_000_000)
    assert east["execution_rate"] == pytest.approx(0.3)
    flags = compliance.unspent_balance_flags(table, 0.5)
    assert flags["rule"].tolist() == ["EXE-01"] and flags["amount_fen"].tolist() == [7_000_000]
    assert compliance.unspent_balance_flags(table, None).empty
    # the project lines sit on project accounts: no separate-accounting finding
    separate = compliance.check_separate_accounting(
        ledger, allocations, None, **profile.separate_accounting_options()
    )
    assert "SEP-03" not in set(separate["rule"])


def test_a_non_profit_operator_ledger_is_checked_on_its_own_chart(tmp_path):
    text = profile_text().replace("政府会计制度", "民间非营利组织会计制度")
    (tmp_path / "project.toml").write_text(text, encoding="utf-8")
    profile = load_profile(tmp_path)
    day = dt.datetime(2020, 5, 1)
    ledger = load_ledger(
        _ledger(
            tmp_path / "明细账_东村.xlsx",
            [
                (day, "记-1", "收到养护补助", "1002", 100000, None, None),
                (day, "记-1", "收到养护补助", "4501", None, 100000, "农村公路养护补助"),
                (day, "记-2", "支付养护人员劳务费", "5101", 80000, None, "农村公路养护补助"),
                (day, "记-2", "支付养护人员劳务费", "1002", None, 80000, None),
            ],
        )
    ).data
    allocations = load_allocations(
        _allocations(tmp_path / "资金下达_2020.xlsx", "农村公路养护补助"),
        grant_types=profile.grant_type_names,
    ).data  # the row of another type is rejected: one grant of 1,000 元 arrived
    table = compliance.budget_execution(
        ledger, allocations, **profile.separate_accounting_options()
    )
    assert table.iloc[-1]["execution_rate"] == pytest.approx(0.8)
    metric = compliance.execution_metric(table)
    assert (metric.metric, metric.label) == ("budget_execution_rate", "预算执行率")


def test_the_2017_execution_rate_is_project_spending_over_arrived_money(ingested_2017):
    from jixiao import paths

    results = ingested_2017[0]  # ingest.load_year(2017), shared (conftest.py)
    profile = year_profile(2017)
    ledger, allocations = results["ledger"].data.copy(), results["allocations"].data.copy()
    table = compliance.budget_execution(
        ledger, allocations, **profile.separate_accounting_options()
    )
    total = table.iloc[-1]
    assert total["community"] == "合计" and total["arrived_fen"] == 200_000_000  # 200 万元 arrived
    assert total["spending_fen"] == table.iloc[:-1]["spending_fen"].sum()
    assert 0 < total["execution_rate"] < 1
    assert paths.raw_dir(2017).is_dir()
