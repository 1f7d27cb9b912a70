"""Long tables built column by column (jixiao.xlsx_rows) give the cells openpyxl writes itself."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError
from python_calamine import CalamineWorkbook

from jixiao.export import Sheet, write_workbook

HOSTILE = [
    '=HYPERLINK("http://x","点我")',
    "+1+1",
    "-2",
    "@SUM(A1)",
    "\t=1",
    "\r=2",
    "=",
    "a\tb\nc\rd",
    "  前后空格  ",
    "\u3000全角空格",
    "<b>&amp;</b> <script>",
    "社区服务经费" * 6000,  # 36,000 characters: cut at 32,767
    "#N/A",
    "#DIV/0!",
    "",
    "普通文本",
    "x" * 40,
    "]]><![CDATA[",
    "'已有引号",
]


# Rows of the long table: every hostile text about 30 times, with blanks, NA and the edge values
# of each column; the row builder works the same on any length (CHUNK_ROWS is 10,000).
ROWS = 600


def _frame(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    pick = rng.integers(0, len(HOSTILE), rows)
    text = pd.Series(np.array(HOSTILE, dtype=object)[pick], dtype="str")
    text[rng.random(rows) < 0.1] = None
    dates = pd.Series(pd.Timestamp("2017-01-01") + pd.to_timedelta(pick * 37, unit="D"))
    dates = dates.astype("datetime64[us]")
    dates[rng.random(rows) < 0.1] = pd.NaT
    dates.iloc[0] = pd.Timestamp("2017-06-30 13:45:10.250")
    dates.iloc[1] = pd.Timestamp("1900-01-15")
    money = pd.Series((rng.integers(-(10**9), 10**9, rows) / 100).round(2), dtype="Float64")
    money[rng.random(rows) < 0.1] = pd.NA
    money.iloc[:8] = [0.1 + 0.2, 1e15, -0.0, 123456789012345.6, 5.0, 1e-7, 3e15, 2.5e16]
    counts = pd.Series(rng.integers(0, 10**6, rows), dtype="Int64")
    counts[rng.random(rows) < 0.2] = pd.NA
    counts.iloc[0] = 12_345_678_901_234_567
    return pd.DataFrame(
        {
            "规则编号": pd.Series(np.array(["GL-01", "ARR-01"])[pick % 2], dtype="str"),
            "原因": text,
            "摘要": pd.Series(np.array(HOSTILE, dtype=object)[::-1][pick]),  # object column
            "日期": dates,
            "标记金额（元）": money,
            "比例": np.r_[[1e-7, 1 / 3, 2.0, 1e15 + 0.5, 1e300], rng.random(rows - 5)],
            "行号": counts,
            "已核对": rng.random(rows) < 0.5,
        }
    )


def _sheet(frame: pd.DataFrame) -> Sheet:
    return Sheet(
        frame,
        money=("标记金额（元）",),
        percent=("比例",),
        integer=("行号",),
        widths={"原因": 60},
        header=(("底稿编号", "=A1"), ("编制人", "张三"), ()),
        legend=(("标记说明", "含义", "标记行数"), ("GL-01", "-科目混用", 3)),
    )


def _cells(path: Path) -> dict:
    book = load_workbook(path)
    out = {}
    for sheet in book.worksheets:
        out[sheet.title] = {
            "cells": [
                [
                    (
                        c.value,
                        type(c.value),  # 5 and 5.0 are equal, an int and a float cell are not
                        c.data_type,
                        c.number_format,
                        c.quotePrefix,
                        c.font.b,
                        c.fill.fgColor.rgb,
                    )
                    for c in row
                ]
                for row in sheet.iter_rows()
            ],
            "widths": {k: v.width for k, v in sheet.column_dimensions.items()},
            "freeze": sheet.freeze_panes,
            "filter": sheet.auto_filter.ref,
            "size": (sheet.max_row, sheet.max_column),
        }
    return out


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("bulk")
    sheets = {"检查标记明细": _sheet(_frame(ROWS)), "说明": Sheet(pd.DataFrame({"a": [1]}))}
    slow = write_workbook(folder / "slow.xlsx", sheets, bulk_rows=None)
    fast = write_workbook(folder / "fast.xlsx", sheets, bulk_rows=0)
    return slow, fast


def test_bulk_sheet_reads_back_as_the_cell_by_cell_sheet(written) -> None:
    slow, fast = written
    with zipfile.ZipFile(fast) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    assert xml.count(b"<row ") == ROWS + 4 + 3  # header block, header row, blank + legend
    assert _cells(fast) == _cells(slow)


def test_bulk_sheet_keeps_text_as_text(written) -> None:
    _, fast = written
    with zipfile.ZipFile(fast) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b"<script>" not in xml and b"<hyperlink" not in xml
    sheet = load_workbook(fast)["检查标记明细"]
    reasons = [c.value for c in sheet["B"][4:]]
    assert '=HYPERLINK("http://x","点我")' in reasons
    assert max(len(v) for v in reasons if v) == 32_767
    assert all(c.quotePrefix for c in sheet["B"][4:] if c.value and c.value[0] in "=+-@\t\r")
    assert sheet.cell(3 + 1 + ROWS + 3, 2).value == "-科目混用"  # the legend moved down


def test_bulk_sheet_opens_in_calamine(written) -> None:
    slow, fast = written
    read = [CalamineWorkbook.from_path(str(p)).get_sheet_by_name("检查标记明细") for p in written]
    assert read[0].to_python() == read[1].to_python()


def test_control_characters_are_refused_as_before(tmp_path: Path) -> None:
    frame = _frame(20).assign(原因="a\x01b")
    for bulk in (None, 0):
        with pytest.raises(IllegalCharacterError):
            write_workbook(tmp_path / "x.xlsx", {"表": Sheet(frame)}, bulk_rows=bulk)


def test_mixed_columns_fall_back_to_openpyxl(tmp_path: Path) -> None:
    frame = pd.DataFrame({"混合": [1, "二", 3.5] * 10})
    slow = write_workbook(tmp_path / "slow.xlsx", {"表": Sheet(frame)}, bulk_rows=None)
    fast = write_workbook(tmp_path / "fast.xlsx", {"表": Sheet(frame)}, bulk_rows=0)
    assert _cells(fast) == _cells(slow)


def test_the_first_unwritable_text_is_named_as_cell_by_cell(tmp_path: Path) -> None:
    # Texts are checked once each: the one reported is still the first row's that fails.
    texts = ["好", "好", "z\x02", "好", "a\x01", "z\x02"] * 5
    frame = pd.DataFrame({"原因": pd.Series(texts, dtype="str")})
    for bulk in (None, 0):
        with pytest.raises(IllegalCharacterError, match="^z\x02 cannot"):
            write_workbook(tmp_path / "x.xlsx", {"表": Sheet(frame)}, bulk_rows=bulk)
