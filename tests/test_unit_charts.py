"""Units on different account charts in one project ([accounts.units] of project.toml): each
ledger line is read by its own unit's chart."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from jixiao import compliance, schema
from jixiao.account_codes import ChartPrefixes, on_accounts
from jixiao.errors import ParameterError
from jixiao.loading import load_allocations, load_ledgers
from jixiao.project_profile import ACCOUNT_PRESETS, load_profile
from jixiao.verification import verification_table

GRANT = "乡村医生补助"
PROFILE = f"""[project]
name = "某县乡村医生补助"
commissioner = "某县财政局"
evaluator = "某会计师事务所"
framework = "2020"

[[grant_types]]
name = "{GRANT}"
receipt_keywords = ["乡村医生"]
allowed_accounts = ["720102", "5101"]

[accounts]
preset = "政府会计制度"

[accounts.units]
"东村卫生服务中心" = "民间非营利组织会计制度"
"""


def _ledger(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "明细账"
    ws.append([c.header for c in schema.LEDGER.columns])
    for voucher, summary, code, debit, credit, project in rows:
        ws.append(
            [dt.datetime(2020, 5, 6), voucher, summary, code, "科目", debit, credit]
            + [None, None, project]
        )
    wb.save(path)
    return path


def _allocations(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "资金下达"
    ws.append([c.header for c in schema.ALLOCATIONS.columns])
    for k, (village, unit) in enumerate((("西村", "西村卫生院"), ("东村", "东村卫生服务中心"))):
        ws.append(
            [f"G{k}", "某县", "某镇", village, GRANT, "县财〔2020〕1号", dt.datetime(2020, 3, 1),
             1000, dt.datetime(2020, 3, 20), 1000, unit, None]
        )  # fmt: skip
    wb.save(path)
    return path


@pytest.fixture()
def books(tmp_path):
    (tmp_path / "project.toml").write_text(PROFILE, encoding="utf-8")
    profile = load_profile(tmp_path)
    west = _ledger(
        tmp_path / "明细账_西村卫生院.xlsx",
        [  # 政府会计制度: every event on both sides; 5101 here is 单位管理费用 (not spending)
            ("记-1", "收到乡村医生补助", "1002", 1000, None, None),
            ("记-1", "收到乡村医生补助", "4001.02", None, 1000, GRANT),
            ("记-1", "收到乡村医生补助", "8001", 1000, None, None),
            ("记-1", "收到乡村医生补助", "6001.02", None, 1000, GRANT),
            ("记-2", "支付乡村医生补助", "5001.02", 600, None, GRANT),
            ("记-2", "支付乡村医生补助", "1002", None, 600, None),
            ("记-2", "支付乡村医生补助", "7201.02", 600, None, GRANT),
            ("记-2", "支付乡村医生补助", "8001", None, 600, None),
            ("记-3", "支付办公费", "5101", 50, None, None),
            ("记-3", "支付办公费", "1002", None, 50, None),
        ],
    )
    east = _ledger(
        tmp_path / "明细账_东村卫生服务中心.xlsx",
        [  # 民间非营利组织会计制度: 4501 政府补助收入, 5101 业务活动成本
            ("记-1", "收到乡村医生补助", "1002", 1000, None, None),
            ("记-1", "收到乡村医生补助", "4501", None, 1000, GRANT),
            ("记-2", "支付乡村医生补助", "5101", 900, None, GRANT),
            ("记-2", "支付乡村医生补助", "1002", None, 900, None),
        ],
    )
    ledger = load_ledgers([west, east]).data
    allocations = load_allocations(
        _allocations(tmp_path / "资金下达_2020.xlsx"), grant_types=(GRANT,)
    ).data
    return profile, ledger, allocations


def test_a_unit_listed_under_accounts_units_keeps_its_own_chart(books):
    profile, ledger, _ = books
    expense = profile.account_prefixes("expense")
    assert isinstance(expense, ChartPrefixes)
    assert expense.by_chart == {"政府会计制度": ("7",), "民间非营利组织会计制度": ("5",)}
    on = on_accounts(ledger, expense)
    spent = ledger.loc[on, ["unit", "account_key"]].drop_duplicates().values.tolist()
    # the government unit's 5001 / 5101 (财务会计 side) are not spending; the operator's 5101 is
    assert sorted(spent) == [["东村卫生服务中心", "5101"], ["西村卫生院", "720102"]]
    # project income + project expense keep each chart apart
    both = profile.project_prefixes
    assert both.by_chart["民间非营利组织会计制度"] == ("4501", "5101")
    assert both.by_chart["政府会计制度"] == ("600102", "720102")


def test_budget_execution_and_separate_accounting_read_each_unit_by_its_chart(books):
    profile, ledger, allocations = books
    options = profile.separate_accounting_options()
    table = compliance.budget_execution(ledger, allocations, **options)
    rates = table.set_index("community")["execution_rate"].round(4).to_dict()
    assert rates == {"东村": 0.9, "西村": 0.6, "合计": 0.75}
    separate = compliance.check_separate_accounting(ledger, allocations, None, **options)
    assert separate.empty  # receipts booked as project income on each chart: nothing unreconciled
    scope = compliance.check_scope(
        ledger,
        allocations,
        compliance.parse_scope_rules(profile.scope_rules_table()),
        period_end="2020-12-31",
        **profile.scope_options(),
    )
    assert scope.empty  # 720102 and 5101 both allowed, each on its own chart


def test_without_accounts_units_the_prefixes_stay_plain_tuples(tmp_path):
    text = PROFILE.split("[accounts.units]")[0]
    (tmp_path / "project.toml").write_text(text, encoding="utf-8")
    profile = load_profile(tmp_path)
    assert profile.accounts == ACCOUNT_PRESETS["政府会计制度"]
    assert profile.unit_charts == {}


def test_an_unknown_chart_under_accounts_units_names_the_unit_and_its_line(tmp_path):
    text = PROFILE.replace('= "民间非营利组织会计制度"', '= "企业会计准则"')
    (tmp_path / "project.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError, match=r"第 16 行：\"东村卫生服务中心\" 的会计制度应为"):
        load_profile(tmp_path)


def test_the_data_check_statement_lists_a_file_with_one_loaded_row(tmp_path):
    """A one-row table (a survey plan with one respondent group) is listed like any other."""
    folder = tmp_path / "processed"
    folder.mkdir()
    plan = pd.DataFrame(
        {
            "group": ["居民"],
            "population": [1000],
            "planned": [100],
            "source_file": ["问卷调查_2020.xlsx"],
            "source_sheet": ["抽样计划"],
            "source_row": [2],
        }
    )
    plan.to_parquet(folder / "survey_plan.parquet")
    empty = pd.DataFrame({"table": [], "file": [], "sheet": [], "row": []}, dtype="str")
    empty.to_parquet(folder / "rejects.parquet")
    empty.to_parquet(folder / "dropped.parquet")
    table = verification_table(folder)
    assert table["file"].tolist() == ["问卷调查_2020.xlsx"]


CLOSING_WEST = [  # 期末结转 on both sides, the project aux kept on the project accounts
    ("记-9", "期末结转本年预算收入", "6001.02", 1000, None, GRANT),
    ("记-9", "期末结转本年预算收入", "8101", None, 1000, None),
    ("记-10", "期末结转本年预算支出", "8101", 600, None, None),
    ("记-10", "期末结转本年预算支出", "7201.02", None, 600, GRANT),
    ("记-11", "期末结转本期收入费用", "4001.02", 1000, None, GRANT),
    ("记-11", "期末结转本期收入费用", "3301", None, 400, None),
    ("记-11", "期末结转本期收入费用", "5001.02", None, 600, GRANT),
]
CLOSING_EAST = [
    ("记-9", "期末结转", "4501", 1000, None, GRANT),
    ("记-9", "期末结转", "3102", None, 1000, None),
    ("记-10", "期末结转", "3101", 900, None, None),
    ("记-10", "期末结转", "5101", None, 900, GRANT),
]


def test_year_end_closing_vouchers_are_neither_receipts_nor_spending(books, tmp_path):
    """A year-end closing voucher credits the expense accounts with the year's spending and
    debits the income accounts with its receipts: counted as debit minus credit it would wipe
    out the year (execution 0%, arrived money 'not booked'). Each chart's closing accounts
    (8101 / 3301 under 政府会计制度, 31xx under 民非) mark such vouchers."""
    profile, ledger, allocations = books
    west = openpyxl.load_workbook(tmp_path / "明细账_西村卫生院.xlsx")
    east = openpyxl.load_workbook(tmp_path / "明细账_东村卫生服务中心.xlsx")
    for wb, rows, name in (
        (west, CLOSING_WEST, "明细账_西村卫生院.xlsx"),
        (east, CLOSING_EAST, "明细账_东村卫生服务中心.xlsx"),
    ):
        for voucher, summary, code, debit, credit, project in rows:
            wb["明细账"].append(
                [dt.datetime(2020, 12, 31), voucher, summary, code, "科目", debit, credit]
                + [None, None, project]
            )
        wb.save(tmp_path / name)
    closed = load_ledgers(
        [tmp_path / "明细账_西村卫生院.xlsx", tmp_path / "明细账_东村卫生服务中心.xlsx"]
    ).data
    options = profile.separate_accounting_options()
    table = compliance.budget_execution(closed, allocations, **options)
    rates = table.set_index("community")["execution_rate"].round(4).to_dict()
    assert rates == {"东村": 0.9, "西村": 0.6, "合计": 0.75}
    assert compliance.check_separate_accounting(closed, allocations, None, **options).empty
    spending = compliance.project_spending(
        closed,
        allocations,
        compliance.parse_scope_rules(profile.scope_rules_table()),
        **profile.scope_options(),
    )
    assert int(spending["spend_fen"].sum()) == 150_000  # 600 + 900 元, closing credits left out
    # without the closing accounts the same books would read as nothing spent
    bare = {**options, "closing_prefix": ()}
    unclosed = compliance.budget_execution(closed, allocations, **bare)
    assert unclosed.iloc[-1]["execution_rate"] == 0
