"""Write the second part of the bad-input corpus: units, account codes, hidden sheets, duplicate
headers and files, UTF-16 exports, stray bytes and value-less formulas.

Run from anywhere: ``.venv/bin/python tests/bad_inputs/make_corpus_more.py``. Deterministic like
``make_corpus.py`` (whose helpers it uses); tests/test_bad_inputs_more.py holds the outcomes.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import zipfile
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_corpus import (  # noqa: E402  (a script beside its sibling, not a package)
    ALLOCATION_HEADER,
    CSV_ROWS,
    FIXED_TIME,
    HEADER,
    HERE,
    _deterministic_zip,
    csv_text,
    entries,
    ledger,
    workbook,
)

made: list[Path] = []


def add(path: Path) -> Path:
    made.append(path)
    return path


def _edit_sheet_xml(path: Path, sheet_part: str, edit) -> None:
    """Rewrite one sheet's XML inside a workbook (what openpyxl cannot write: cached values)."""
    with zipfile.ZipFile(path) as zf:
        items = [(info.filename, zf.read(info.filename)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in items:
            if name == sheet_part:
                data = edit(data)
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)


def styled_workbook(name: str, rows: list[list], formats: dict[str, str], hidden=()) -> Path:
    """A one-ledger workbook whose cells ``formats`` (A1 ref → number format) are styled."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet in hidden:
        ws = wb.create_sheet(sheet)
        ws.append(["旧版数据，请勿使用"])
        ws.sheet_state = "hidden"
    ws = wb.create_sheet("明细账")
    for row in rows:
        ws.append(row)
    for ref, number_format in formats.items():
        ws[ref].number_format = number_format
    wb.properties.creator = "jixiao corpus"
    wb.properties.created = FIXED_TIME
    path = HERE / name
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    _deterministic_zip(path)
    return path


def title(unit: str) -> list[list]:
    return [["明细账"], [f"核算单位：{unit}"]]


def build() -> list[Path]:
    e = entries()
    # --- units: title line against file name
    add(ledger("明细账_中天社区.xlsx", e, title=title("兴隆社区居民委员会")))
    add(ledger("明细账_浏河社区.xlsx", e, title=title("浏河社区居民委员会")))
    copies = HERE / "duplicate_unit"
    copies.mkdir(exist_ok=True)
    add(ledger("duplicate_unit/明细账_中天社区.xlsx", e, title=title("中天社区居民委员会")))
    add(ledger("duplicate_unit/明细账_中天社区 - 副本.xlsx", e, title=title("中天社区居民委员会")))

    # --- a year folder whose ledgers and grants do not all pair up
    year = HERE / "unit_check_year"
    year.mkdir(exist_ok=True)
    grants = [
        ALLOCATION_HEADER,
        [
            "JX-01",
            "东宝区",
            "泉口街道",
            "中天社区",
            "三社联动试点",
            "荆财社发〔2017〕86号",
            dt.datetime(2017, 6, 1),
            100000,
            dt.datetime(2017, 6, 20),
            100000,
            None,
            None,
        ],
        [
            "JX-02",
            "东宝区",
            "泉口街道",
            "兴隆社区",
            "三社联动试点",
            "荆财社发〔2017〕86号",
            dt.datetime(2017, 6, 1),
            100000,
            dt.datetime(2017, 6, 20),
            100000,
            None,
            None,
        ],
    ]
    add(workbook("unit_check_year/资金下达_2017.xlsx", {"资金下达": grants}))
    add(ledger("unit_check_year/明细账_中天社区.xlsx", e, title=title("中天社区居委会")))
    add(ledger("unit_check_year/明细账_星隆社区.xlsx", e))

    # --- files no loader reads
    unread = HERE / "unread_year"
    unread.mkdir(exist_ok=True)
    add(ledger("unread_year/明细账_甲社区.xlsx", e))
    lock = add(unread / "~$明细账_甲社区.xlsx")
    lock.write_bytes(b"\x0ejixiao\x00" * 8)
    pdf = add(unread / "明细账_乙社区.pdf")
    pdf.write_bytes(b"%PDF-1.4\n% a scanned ledger\n")
    memo = add(unread / "会议纪要.txt")
    memo.write_text("评价组第一次会议纪要\r\n", encoding="utf-8")

    # --- account codes typed as numbers, and dotted codes
    numbered = [r[:] for r in e]
    numbered[0][3], numbered[1][3], numbered[2][3] = 1002, 101, 5001.1
    add(
        styled_workbook(
            "account_code_number_formats.xlsx",
            [HEADER, *numbered],
            {"D2": "General", "D3": "0000", "D4": "0.00"},
        )
    )
    dotted = [r[:] for r in e]
    dotted[0][3], dotted[1][3], dotted[2][3] = "1002", "4001.02", "5001.02"
    add(ledger("account_code_dotted.xlsx", dotted))

    # --- hidden sheets
    add(styled_workbook("hidden_old_sheet.xlsx", [HEADER, *e], {}, hidden=("旧明细账",)))
    wb_rows = {"明细账": [HEADER, *e[:1]], "2017年明细账": [HEADER, *e]}
    path = add(workbook("hidden_named_sheet.xlsx", wb_rows))
    wb = openpyxl.load_workbook(path)
    wb["明细账"].sheet_state = "hidden"
    wb.save(path)
    _deterministic_zip(path)
    add(workbook("two_sheets_same_name.xlsx", {"明细账": [HEADER, *e], "明细账 ": [HEADER, *e]}))

    # --- a header name written twice
    twice_debit = [*HEADER[:7], "借方", *HEADER[8:]]  # 方向 column retitled 借方
    add(ledger("duplicate_header_debit.xlsx", [r[:] for r in e], header=twice_debit))
    twice_summary = [*HEADER[:9], "摘要", *HEADER[10:]]  # 项目 column retitled 摘要
    add(ledger("duplicate_header_summary.xlsx", [r[:] for r in e], header=twice_summary))

    # --- Excel's "Unicode 文本" (UTF-16 LE with BOM, tab-separated), as .txt and .csv
    for name in ("ledger_utf16.txt", "ledger_utf16.csv"):
        path = add(HERE / name)
        path.write_bytes(csv_text(CSV_ROWS, sep="\t").encode("utf-16"))
    # --- a GBK export with one stray byte on line 5
    raw = csv_text(CSV_ROWS).encode("gb18030").split(b"\r\n")
    raw[4] = raw[4].replace(b"2017-01-05", b"2017-01-\xff5", 1)
    add(HERE / "ledger_stray_byte.csv").write_bytes(b"\r\n".join(raw))

    # --- formulas: one saved without its value, one with it
    formula_rows = [r[:] for r in e]
    formula_rows[2][5] = "=F2*0+800"
    add(ledger("formula_no_cached_value.xlsx", formula_rows))
    path = add(ledger("formula_with_cached_value.xlsx", [r[:] for r in formula_rows]))
    _edit_sheet_xml(
        path,
        "xl/worksheets/sheet1.xml",
        lambda data: re.sub(rb"(<f>F2\*0\+800</f>)(<v\s*/>|<v></v>)?", rb"\1<v>800</v>", data),
    )
    return made


if __name__ == "__main__":
    files = build()
    print(f"{len(files)} files written under {HERE}")
