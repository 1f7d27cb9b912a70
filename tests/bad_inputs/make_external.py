"""Write the corpus files that need tools the project does not depend on (run by hand, rarely).

The project's own packages cannot write a legacy .xls or encrypt a workbook, so these files are
made with two extra packages in a throwaway virtual environment, and the results are committed:

==========================  ===================================  ==========================
file                        what it is                           made with
==========================  ===================================  ==========================
``legacy_biff8.xls``        an Excel 97–2003 (BIFF8) 明细账       ``xlwt`` 1.3.0
``encrypted.xlsx``          ``title_lines.xlsx`` with the open   ``msoffcrypto-tool`` 6.1.0
                            password ``jixiao2019`` (agile
                            encryption, the Office 2010+ kind)
==========================  ===================================  ==========================

To regenerate them (after ``make_corpus.py``, which writes ``title_lines.xlsx``)::

    python3 -m venv /tmp/corpus-tools
    /tmp/corpus-tools/bin/pip install xlwt==1.3.0 msoffcrypto-tool==6.1.0
    /tmp/corpus-tools/bin/python tests/bad_inputs/make_external.py

``legacy_biff8.xls`` comes out byte-for-byte the same each time; ``encrypted.xlsx`` does not
(the encryption draws a fresh random salt and key), which changes nothing the tests check.
Nothing else in the project imports this script; ``make_corpus.py`` never touches these files.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import msoffcrypto.format.ooxml
import xlwt

HERE = Path(__file__).resolve().parent
PASSWORD = "jixiao2019"
HEADER = [
    "日期",
    "凭证字号",
    "摘要",
    "科目编码",
    "科目名称",
    "借方",
    "贷方",
    "方向",
    "余额",
    "项目",
    "往来单位",
    "附单据数",
    "制单人",
]


def legacy_xls(path: Path) -> Path:
    """An old accounting program's .xls export: title lines, date-formatted cells, a code typed
    as a number, an amount typed as text, an opening-balance row and a month total."""
    date = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    rows = [
        ["明细账"],
        ["核算单位：旧账社区居民委员会"],
        ["金额单位：元"],
        HEADER,
        [None, None, "上年结转", "1002", "银行存款", None, None, "借", 1000.0],
        [
            dt.date(2017, 1, 5),
            "记-1",
            "收到三社联动补助",
            1002,
            "银行存款",
            50000.0,
            None,
            "借",
            51000.0,
            "三社联动试点",
            "区民政局",
            1,
            "王会计",
        ],
        [
            dt.date(2017, 1, 5),
            "记-1",
            "收到三社联动补助",
            "400102",
            "项目支出",
            None,
            50000.0,
            "贷",
            50000.0,
            "三社联动试点",
            "区民政局",
            1,
            "王会计",
        ],
        [
            dt.date(2017, 1, 20),
            "付-1",
            "社工培训活动费",
            "50010201",
            "财政补助支出",
            "1,234.50",
            None,
            "借",
            1234.5,
            "三社联动试点",
            "某社工服务中心",
            2,
            "王会计",
        ],
        [dt.date(2017, 1, 31), None, "本月合计", None, None, 51234.5, 50000.0, "借", 2234.5],
    ]
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("明细账")
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write(i, j, value, date)
            elif value is not None:
                sheet.write(i, j, value)
    book.save(str(path))
    return path


def encrypted_xlsx(source: Path, path: Path) -> Path:
    """``source`` protected with an open password, as Excel's 用密码进行加密 does."""
    with source.open("rb") as fh:
        plain = msoffcrypto.format.ooxml.OOXMLFile(fh)
        out = io.BytesIO()
        plain.encrypt(PASSWORD, out)
    path.write_bytes(out.getvalue())
    return path


if __name__ == "__main__":
    made = [
        legacy_xls(HERE / "legacy_biff8.xls"),
        encrypted_xlsx(HERE / "title_lines.xlsx", HERE / "encrypted.xlsx"),
    ]
    print("written:", ", ".join(p.name for p in made))
