"""workpapers.xlsx as the profession keeps it: every sheet opens with the workpaper header block,
and the 数据核查确认表 accounts for every row ingest read, file by file."""

import json

import openpyxl
import pandas as pd
import pytest

from jixiao import paths, schema, workpapers
from jixiao.verification import VERIFICATION_HEADERS, verification_table

BLOCK_LABELS = ["被评价项目", "索引号", "底稿名称", "编制人", "编制日期", "复核人", "复核日期"]


@pytest.fixture(scope="module")
def book(run_2017):
    return openpyxl.load_workbook(run_2017[1] / "workpapers.xlsx")


def test_every_sheet_opens_with_the_workpaper_header_block(book):
    assert len(workpapers.header_block(2017, 1, "评分表", None)) == workpapers.HEADER_BLOCK_ROWS
    for number, sheet in enumerate(book.worksheets, start=1):
        labels = [sheet.cell(row=r, column=1).value for r in range(1, 8)]
        assert labels == BLOCK_LABELS, sheet.title
        values = {label: sheet.cell(row=r, column=2).value for r, label in enumerate(labels, 1)}
        assert values["被评价项目"] == "荆门市社区公共服务站和“三社联动”试点建设项目"
        assert values["索引号"] == f"JX2017-{number:02d}"
        assert values["底稿名称"] == sheet.title
        # The 2017 profile names no preparer or reviewer: blank lines to sign.
        assert values["编制人"] is None and values["复核人"] is None
        assert sheet.cell(row=workpapers.HEADER_BLOCK_ROWS, column=1).value is None
        assert sheet.freeze_panes == f"A{workpapers.TABLE_HEADER_ROW + 1}"


def test_scoring_sheet_table_starts_below_the_block_and_adds_up(book):
    sheet = book["评分表"]
    top = workpapers.TABLE_HEADER_ROW
    header = [c.value for c in sheet[top]]
    assert header[:6] == ["一级指标", "二级指标", "三级指标", "分值", "评价标准", "计分方式"]
    rows = list(sheet.iter_rows(min_row=top + 1, values_only=True))
    assert rows[-1][0] == "合计" and rows[-1][header.index("得分")] == 86.5
    assert sum(r[header.index("得分")] for r in rows[:-1]) == pytest.approx(86.5)


def test_names_from_the_profile_fill_the_block(tmp_path):
    from jixiao.project_profile import ProjectProfile

    profile = ProjectProfile(
        name='=HYPERLINK("x")项目',
        commissioner="甲",
        evaluator="乙",
        prepared_by="张三",
        reviewed_by="李四",
    )
    rows = workpapers.header_block(2017, 3, "问题清单", profile)
    assert rows[3] == ("编制人", "张三") and rows[5] == ("复核人", "李四")
    from jixiao.export import Sheet, write_workbook

    path = write_workbook(
        tmp_path / "w.xlsx", {"表": Sheet(pd.DataFrame({"甲": [1]}), header=rows)}
    )
    cell = openpyxl.load_workbook(path)["表"]["B1"]
    assert cell.value == profile.name and cell.data_type == "s"  # text, never a formula


def test_verification_statement_reconciles_to_the_ingest_counts(run_2017, book):
    counts = json.loads((paths.processed_dir(2017) / "manifest.json").read_text(encoding="utf-8"))[
        "counts"
    ]
    table = verification_table(paths.processed_dir(2017))
    for kind, expected in counts.items():
        rows = table[table["table"] == schema.RAW_TABLES[kind].title]
        got = {k: int(rows[k].sum()) for k in ("read", "loaded", "rejected", "dropped")}
        assert got == expected, kind
    assert (table["read"] == table["loaded"] + table["rejected"] + table["dropped"]).all()
    ledger = table[table["table"] == "明细账"]
    assert len(ledger) == 27 and ledger["loaded"].sum() == 5_252
    assert (ledger["debit_fen"] == ledger["credit_fen"]).all()  # each ledger balances
    assert (ledger["units"] == 1).all() and (ledger["accounts"] > 0).all()
    allocations = table[table["table"] == "资金下达及到位记录"].iloc[0]
    assert allocations["amount_fen"] == 2_000_000 and allocations["units"] == 27
    # The sheet in the workbook shows the same figures under Chinese headers.
    sheet = book["数据核查确认表"]
    top = workpapers.TABLE_HEADER_ROW
    header = [c.value for c in sheet[top]]
    assert header == list(VERIFICATION_HEADERS.values())
    shown = list(sheet.iter_rows(min_row=top + 1, values_only=True))
    assert sum(r[header.index("读取行数")] for r in shown) == sum(
        c["read"] for c in counts.values()
    )


def test_verification_statement_counts_blanks_and_rejects_per_file(tmp_path):
    folder = tmp_path
    pd.DataFrame(
        {
            "grant_id": ["G1", "G2"],
            "community": ["甲社区", None],
            "amount_fen": [100, 250],
            "issued_date": pd.to_datetime(["2017-03-01", "2017-05-02"]),
            "source_file": ["资金下达_a.xlsx", "资金下达_a.xlsx"],
        }
    ).to_parquet(folder / "allocations.parquet")
    pd.DataFrame(
        {
            "table": ["allocations"],
            "file": ["资金下达_a.xlsx"],
            "sheet": ["资金下达"],
            "row": [5],
            "column": ["金额"],
            "value": ["x"],
            "reason": ["不是金额"],
        }
    ).to_parquet(folder / "rejects.parquet")
    pd.DataFrame(
        {
            "table": ["allocations"],
            "file": ["资金下达_b.xlsx"],
            "sheet": ["资金下达"],
            "row": [3],
            "kind": ["合计行"],
            "text": ["合计"],
        }
    ).to_parquet(folder / "dropped.parquet")
    table = verification_table(folder)
    a, b = table.iloc[0], table.iloc[1]
    assert (a["file"], a["read"], a["loaded"], a["rejected"], a["dropped"]) == (
        "资金下达_a.xlsx",
        3,
        2,
        1,
        0,
    )
    assert (a["first_date"], a["last_date"], a["amount_fen"]) == ("2017-03-01", "2017-05-02", 3.5)
    assert a["blanks"] == "社区1处"
    assert (b["file"], b["read"], b["loaded"], b["dropped"]) == ("资金下达_b.xlsx", 1, 0, 1)


def test_the_check_marks_sheet_ends_with_a_legend_of_every_mark_it_uses(book):
    sheet = book["检查标记明细"]
    top = workpapers.TABLE_HEADER_ROW
    header = [c.value for c in sheet[top]]
    rows = list(sheet.iter_rows(min_row=top + 1, values_only=True))
    blank = next(i for i, r in enumerate(rows) if all(v is None for v in r))
    table, legend = rows[:blank], rows[blank + 1 :]
    assert legend[0][:3] == (workpapers.LEGEND_TITLE, "含义", "标记行数")
    marks = {r[0]: (r[1], r[2]) for r in legend[1:]}
    used = [r[header.index("规则编号")] for r in table]
    assert set(marks) == set(used)  # every mark explained, none explained that is not used
    for code, (meaning, count) in marks.items():
        assert count == used.count(code)
        names = {r[header.index("规则名称")] for r in table if r[header.index("规则编号")] == code}
        assert names == {meaning}
    assert workpapers.LEGEND_TITLE not in [r[0] for r in book["评分表"].iter_rows(values_only=True)]


def test_flag_legend_of_a_hand_made_table():
    flags = pd.DataFrame(
        {"rule": ["GL-02", "GL-05", "GL-02"], "rule_name": ["重复分录", "节假日记账", "重复分录"]}
    )
    assert workpapers.flag_legend(flags) == (
        ("标记说明", "含义", "标记行数"),
        ("GL-02", "重复分录", 2),
        ("GL-05", "节假日记账", 1),
    )
    assert workpapers.flag_legend(flags.iloc[0:0]) == ()


def test_flag_legend_takes_a_codes_meaning_from_its_last_row_and_blank_for_none():
    flags = pd.DataFrame(
        {
            "rule": ["GL-05", "GL-02", "GL-05", "GL-02"],
            "rule_name": ["旧名称", None, "节假日记账", "重复分录"],
        }
    )
    assert workpapers.flag_legend(flags) == (
        ("标记说明", "含义", "标记行数"),
        ("GL-05", "节假日记账", 2),
        ("GL-02", "重复分录", 2),
    )
    no_names = workpapers.flag_legend(flags.drop(columns="rule_name"))
    assert no_names[1:] == (("GL-05", "", 2), ("GL-02", "", 2))
