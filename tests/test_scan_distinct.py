"""The leak scan reads each distinct text once and skips what cannot hold a hit — and still finds
exactly what reading every cell with the exact patterns finds."""

from __future__ import annotations

import random
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jixiao import privacy
from jixiao.export import Sheet, write_workbook
from jixiao.scan_distinct import column_text
from jixiao.xlsx_text import (
    _references_written_out,
    _unsure_reference,
    may_hold_personal_data,
    sheets_to_read,
)

NAMES = ["王小明", "欧阳娜娜", "李四"]
ROWS = 30_000


def _every_cell(frame: pd.DataFrame, names, prefix: str = "") -> list[str]:
    """The exact patterns over every cell and the header, no pre-filter and no distinct values."""
    patterns = privacy._scan_patterns(names)
    header = pd.Series([str(c) for c in frame.columns], dtype="string")
    hits = privacy._hits_in_series(
        header,
        patterns,
        lambda i: f"{prefix}表头[{frame.columns[i]}]",
        np.full(len(header), 2, dtype=np.int8),
    )
    for column in frame.columns:
        hits += privacy._hits_in_series(
            frame[column],
            patterns,
            lambda i, c=column: f"{prefix}{c}[{i}]",
            np.full(len(frame), 2, dtype=np.int8),
        )
    return [str(h) for h in hits]


def _big_table() -> pd.DataFrame:
    """A ledger-like table whose text repeats, with personal data at the start, middle and end."""
    rng = np.random.default_rng(16)
    summaries = np.array([f"支付第{k}批办公用品" for k in range(40)], dtype=object)
    frame = pd.DataFrame(
        {
            "summary": pd.Series(summaries[rng.integers(0, 40, ROWS)], dtype="str"),
            "unit": pd.Series(rng.choice(["东湖社区", "西湖社区"], ROWS), dtype="category"),
            "debit_fen": rng.integers(0, 10**9, ROWS),
            "voucher_no": pd.array(rng.integers(1, 500, ROWS), dtype="Int64"),
            "rate": rng.random(ROWS),
            "date": pd.Timestamp("2017-01-01") + pd.to_timedelta(rng.integers(0, 365, ROWS), "D"),
            "late": rng.random(ROWS) < 0.1,
        }
    )
    frame.loc[0, "summary"] = "支付王小明劳务费 电话139-1234-5678"
    frame.loc[ROWS // 2, "summary"] = "身份证420802199001011234 李四"
    frame.loc[ROWS - 1, "summary"] = "联系人欧阳娜娜 13812345678"
    frame.loc[ROWS - 5, "summary"] = (
        "１３８１２３４５６７８"  # full-width: the leak scan's patterns pass it
    )
    frame.loc[7, "summary"] = "支付王小明劳务费 电话139-1234-5678"  # the same text again
    frame.loc[ROWS - 2, "debit_fen"] = 13812345678
    frame.loc[ROWS // 3, "voucher_no"] = 420802199001011234
    frame.loc[ROWS // 4, "voucher_no"] = pd.NA
    frame.loc[ROWS // 5, "rate"] = 13912345678.0
    frame.loc[ROWS - 3, "unit"] = np.nan
    frame["unit"] = frame["unit"].cat.add_categories(["李四家"])
    frame.loc[ROWS - 4, "unit"] = "李四家"
    return frame


def test_parquet_hits_at_start_middle_end_and_in_later_row_groups(tmp_path):
    frame = _big_table()
    path = tmp_path / "ledger.parquet"
    # Small row groups: the planted cells sit in later chunks; dictionary pages for the text.
    pq.write_table(pa.Table.from_pandas(frame), path, row_group_size=4_000, use_dictionary=True)
    found = [str(h) for h in privacy.find_personal_data(path, names=NAMES)]
    expected = _every_cell(pd.read_parquet(path), NAMES, "ledger.parquet ")
    assert found == expected
    assert "ledger.parquet summary[0]: 手机号 139****5678" in found
    assert "ledger.parquet summary[7]: 姓名 王**" in found
    assert f"ledger.parquet summary[{ROWS - 1}]: 手机号 138****5678" in found
    assert f"ledger.parquet debit_fen[{ROWS - 2}]: 手机号 138****5678" in found
    assert f"ledger.parquet voucher_no[{ROWS // 3}]: 身份证号 420802********1234" in found
    assert f"ledger.parquet rate[{ROWS // 5}]: 手机号 139****5678" in found
    assert f"ledger.parquet unit[{ROWS - 4}]: 姓名 李**" in found
    assert len(found) == 12


def test_a_frame_keeps_its_own_index_in_the_places_named():
    frame = _big_table().iloc[::-1].set_index(pd.RangeIndex(100, 100 + ROWS))
    found = [str(h) for h in privacy.find_personal_data(frame, names=NAMES)]
    assert found == _every_cell(frame, NAMES)
    assert f"summary[{100 + ROWS - 1}]: 手机号 139****5678" in found


def test_dates_integers_and_booleans_are_read_as_text_when_a_name_could_hide_in_them():
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2017-03-05", "2018-01-01"]),
            "count": [2017, 5],
            "flag": [True, False],
        }
    )
    assert column_text(frame["date"], ["王小明"]).distinct.to_pylist() == []
    assert column_text(frame["count"], ["王小明"]).distinct.to_pylist() == []
    names = ["20", "Tr"]  # nobody's name, but the scan must still find them where they are
    found = [str(h) for h in privacy.find_personal_data(frame, names=names)]
    assert found == _every_cell(frame, names)
    assert "date[0]: 姓名 2**" in found and "count[0]: 姓名 2**" in found
    assert "flag[0]: 姓名 T**" in found


def test_csv_lines_are_scanned_once_per_distinct_line(tmp_path):
    lines = ["单位,摘要,金额"] + [f"东湖社区,办公用品,{k % 7}" for k in range(ROWS)]
    lines[1] = "东湖社区,联系人王小明,1"
    lines[ROWS // 2] = "东湖社区,电话 139 1234 5678,1"
    lines[-1] = "东湖社区,身份证42080219900101123X,1"
    path = tmp_path / "flags.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    hits = [(h.kind, h.where) for h in privacy.find_personal_data(path, names=NAMES)]
    assert hits == [
        ("name", "flags.csv 第2行"),
        ("phone", f"flags.csv 第{ROWS // 2 + 1}行"),
        ("id_number", f"flags.csv 第{ROWS + 1}行"),
    ]


def _frame(plant=None) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "摘要": [f"办公用品{k % 9}" for k in range(300)],
            "金额": [k * 1000 for k in range(300)],
            "比率": [k / 7 for k in range(300)],
            "日期": pd.Timestamp("2017-01-01") + pd.to_timedelta(np.arange(300) % 365, "D"),
        }
    )
    if plant is not None:
        row, column, value = plant
        frame[column] = frame[column].astype(object)
        frame.loc[row, column] = value
    return frame


def _workbook(path, plant=None, *, writer="openpyxl"):
    """Written by pandas through openpyxl (shared strings, UTF-8) or by the project's workbook
    writer (openpyxl's write-only cells: inline strings, non-ASCII as character references)."""
    frame = _frame(plant)
    if writer == "write_only":
        return write_workbook(
            path, {"汇总": Sheet(_frame().head(3)), "明细": Sheet(frame)}, bulk_rows=None
        )
    with pd.ExcelWriter(path, engine="openpyxl") as excel:
        _frame().head(3).to_excel(excel, sheet_name="汇总", index=False)
        frame.to_excel(excel, sheet_name="明细", index=False)
    return path


def _cell_by_cell(path, names) -> list[str]:
    sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=str, engine="calamine")
    return [
        hit
        for sheet, frame in sheets.items()
        for hit in _every_cell(frame, names, f"{path.name} {sheet} ")
    ]


@pytest.mark.parametrize("writer", ["openpyxl", "write_only"])
@pytest.mark.parametrize(
    "plant",
    [
        (0, "摘要", "支付王小明劳务费"),
        (150, "摘要", "电话139-1234-5678"),
        (299, "摘要", "身份证420802199001011234"),
        (299, "金额", 13812345678),
        (120, "金额", 420802199001011234),  # shown by pandas with other digits than it holds
        (5, "比率", 1.3812345678e10),
    ],
)
def test_a_workbook_with_personal_data_is_read_cell_by_cell(tmp_path, plant, writer):
    path = _workbook(tmp_path / "workpapers.xlsx", plant, writer=writer)
    assert "明细" in (sheets_to_read(path, NAMES) or ["明细"])
    found = [str(h) for h in privacy.find_personal_data(path, names=NAMES)]
    assert found == _cell_by_cell(path, NAMES)
    assert found and all(" 明细 " in hit for hit in found)


def _hand_workbook(tmp_path, *sheets: str) -> Path:
    """A real workbook whose sheets hold the given ``<c>`` cells, text written as UTF-8 the way
    the bulk sheet writer (:mod:`jixiao.xlsx_rows`) writes it."""
    source = tmp_path / "source.xlsx"
    with pd.ExcelWriter(source, engine="openpyxl") as excel:
        for k in range(len(sheets)):
            pd.DataFrame({"a": [1]}).to_excel(excel, sheet_name=f"表{k + 1}", index=False)
    path = tmp_path / "hand.xlsx"
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    parts = {
        f"xl/worksheets/sheet{k + 1}.xml": (
            f'<worksheet xmlns="{main}"><sheetData><row r="1">{cells}</row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t>支付办公用品 12.50 元</t></is></c>'
            '<c r="B2"><v>1250</v></c></row></sheetData></worksheet>'
        )
        for k, cells in enumerate(sheets)
    }
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for name in old.namelist():
            new.writestr(name, parts.get(name, old.read(name)))
    return path


CLEAN = '<c r="A1" t="inlineStr"><is><t>东湖社区 王家湾 0.1428571428571428</t></is></c>'


def test_only_the_sheet_whose_xml_may_hold_a_hit_is_read_cell_by_cell(tmp_path):
    path = _hand_workbook(tmp_path, CLEAN, '<c r="A1"><v>13812345678</v></c>', CLEAN)
    assert sheets_to_read(path, NAMES) == ["表2"]
    hits = privacy.find_personal_data(path, names=NAMES)
    assert [(h.kind, h.where) for h in hits] == [("phone", "hand.xlsx 表2 0[0]")]
    assert [str(h) for h in hits] == _cell_by_cell(path, NAMES)


def test_a_clean_workbook_is_passed_from_its_xml_alone(tmp_path):
    path = _hand_workbook(tmp_path, CLEAN, '<c r="A1"><v>0.13812345678</v></c>')
    assert sheets_to_read(path, NAMES) == []
    assert privacy.find_personal_data(path, names=NAMES) == _cell_by_cell(path, NAMES) == []
    assert sheets_to_read(path, ["Li Na"]) is None  # an ASCII name: every sheet cell by cell
    # Character references (openpyxl writes every non-ASCII character so) are read as the
    # characters they stand for: a clean workbook written so passes on its XML too.
    referenced = _workbook(tmp_path / "write_only.xlsx", writer="write_only")
    assert b"&#" in zipfile.ZipFile(referenced).read("xl/worksheets/sheet2.xml")
    assert sheets_to_read(referenced, NAMES) == []
    assert privacy.find_personal_data(referenced, names=NAMES) == []
    assert _cell_by_cell(referenced, NAMES) == []


@pytest.mark.parametrize(
    "cells",
    [
        '<c r="A1" t="inlineStr"><is><r><t>138</t></r><r><t>12345678</t></r></is></c>',
        '<c r="A1" t="inlineStr"><is><r><t>王小</t></r><r><t>明</t></r></is></c>',
        '<c r="A1"><v>1.3812345678E10</v></c>',
        '<c r="A1"><v>12999999999.9999999</v></c>',  # a float that shows as 13000000000
        '<c r="A1"><v>0013812345678</v></c>',
        '<c r="A1" t="inlineStr"><is><t>&#49;3812345678</t></is></c>',
        '<c r="A1" t="inlineStr"><is><t>&#x31;&#51;812345678</t></is></c>',
        '<c r="A1" t="inlineStr"><is><t>访谈&#29579;&#23567;&#26126;</t></is></c>',  # 王小明
        '<c r="A1" t="inlineStr"><is><t>访谈&#x738B;&#x5C0F;明</t></is></c>',
        '<c r="A1" t="inlineStr"><is><t>138&#09;12345678</t></is></c>',  # not as XML writes a tab
        '<c r="A1" t="inlineStr"><is><t>&#38;#49;3812345678</t></is></c>',  # shows &#49;…
        '<c r="A1" t="inlineStr"><is><t>_x0031_3812345678</t></is></c>',
        '<c r="A1" t="inlineStr"><is><t>访谈王小明</t></is></c>',
        '<c r="A1" t="str"><f>B1</f><v>电话 139 1234 5678</v></c>',
    ],
)
def test_what_the_xml_reading_cannot_rule_out_sends_the_sheet_to_the_cells(tmp_path, cells):
    path = _hand_workbook(tmp_path, CLEAN, cells)
    assert sheets_to_read(path, NAMES) == ["表2"]
    found = [str(h) for h in privacy.find_personal_data(path, names=NAMES)]
    assert found == _cell_by_cell(path, NAMES)


def test_cells_are_kept_apart_and_line_breaks_written_as_references_allowed(tmp_path):
    cells = (
        '<c r="A1"><v>13812</v></c><c r="B1"><v>345678</v></c>'
        '<c r="C1" t="inlineStr"><is><t>第一行&#10;第二行 138</t></is></c>'
    )
    path = _hand_workbook(tmp_path, cells)
    assert not may_hold_personal_data(path, NAMES)
    assert _cell_by_cell(path, NAMES) == []


_ANY_REFERENCE = re.compile(rb"&#(?:([0-9]{1,7})|x([0-9A-Fa-f]{1,6}));")
_UNSURE_REFERENCE = re.compile(rb"&#(?!(?:9|10|13|x9|x[aAdD]);)")


def _references_by_regex(xml: bytes) -> bytes:
    """The definition: every well-formed reference to a character XML allows (tab and line
    breaks excepted) written as that character in UTF-8, the rest left as they are."""

    def written(match: re.Match) -> bytes:
        code = int(match[1]) if match[1] is not None else int(match[2], 16)
        allowed = 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF
        return chr(code).encode("utf-8") if allowed else match[0]

    return _ANY_REFERENCE.sub(written, xml)


def _agrees_with_the_regexes(xml: bytes) -> None:
    shown = _references_written_out(xml)
    assert shown == _references_by_regex(xml), xml
    assert _unsure_reference(shown) == bool(_UNSURE_REFERENCE.search(shown)), shown


@pytest.mark.parametrize(
    "xml",
    [
        b"no references at all",
        "<t>&#29579;&#x5C0F;&#X5C0F;明&#10;&#9;&#13;&#xA;&#xd;</t>".encode(),
        b"&#&#49;3&#;&#x;&#1234567;&#12345678;&#x110000;&#xFFFE;&#55296;&#x10FFFF;",
        b"&#38;#49;&amp;&#49&#49;;&#x31x;&#x0031;&#0000049;&#",
        b"&#" * 3 + b"&#65;" + b"&#",
        b"&#10;&#x9;&#xD;",
    ],
)
def test_references_are_written_out_as_the_regex_definition_does(xml):
    _agrees_with_the_regexes(xml)


@pytest.mark.parametrize("one_by_one", [1_000, 3, 0])
def test_references_written_out_agree_with_the_definition_on_random_text(monkeypatch, one_by_one):
    # A part with many ampersands is handed to the regex after the first ones: same text.
    monkeypatch.setattr("jixiao.xlsx_text._AMPERSANDS_ONE_BY_ONE", one_by_one)
    rng = random.Random(16)
    alphabet = [b"&#", b"x", b"X", b";", b"1", b"9", b"0", b"A", b"f", b"&", b"#", b"\xe7\x8e\x8b"]
    for _ in range(3000):
        _agrees_with_the_regexes(b"".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))))
