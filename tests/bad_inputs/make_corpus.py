"""Write the bad-input corpus: small files showing each way an evaluator's export can go wrong.

Run from anywhere: ``.venv/bin/python tests/bad_inputs/make_corpus.py``. The output is
byte-for-byte deterministic (fixed workbook timestamps and ZIP entry dates), so re-running it
leaves git clean. tests/test_bad_inputs.py holds one test per file with the exact outcome.

Two committed files are not written here, because the project's own packages cannot make them:
``legacy_biff8.xls`` (a real Excel 97–2003 ledger, made with xlwt) and ``encrypted.xlsx``
(``title_lines.xlsx`` with a real open password, made with msoffcrypto-tool). They come from
``make_external.py`` beside this file, run in a throwaway virtual environment that has those two
tools; its docstring gives the commands. This script never writes or deletes them.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
FIXED_TIME = dt.datetime(2019, 10, 31, 9, 0, 0)
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
ALLOCATION_HEADER = [
    "项目编号",
    "区",
    "街道",
    "社区",
    "资金类型",
    "下达文号",
    "下达日期",
    "下达金额（元）",
    "到账日期",
    "到账金额（元）",
    "收款单位",
    "备注",
]


def entries() -> list[list]:
    """Three ordinary lines: a receipt (two sides of one voucher) and a project payment."""
    return [
        [
            dt.datetime(2017, 1, 5),
            "记-1",
            "收到三社联动补助",
            "1002",
            "银行存款",
            50000.0,
            None,
            "借",
            50000.0,
            "三社联动试点",
            "区民政局",
            1,
            "王会计",
        ],
        [
            dt.datetime(2017, 1, 5),
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
            dt.datetime(2017, 1, 20),
            "付-1",
            "社工培训活动费",
            "50010201",
            "财政补助支出",
            1234.5,
            None,
            "借",
            1234.5,
            "三社联动试点",
            "某社工服务中心",
            2,
            "王会计",
        ],
    ]


def _deterministic_zip(path: Path) -> None:
    """Rewrite a workbook with fixed entry dates and document timestamps (openpyxl stamps 'now')."""
    with zipfile.ZipFile(path) as zf:
        items = [(info.filename, zf.read(info.filename)) for info in zf.infolist()]
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in items:
            if name == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rf"\g<1>{stamp}\g<2>", text
                )
                data = text.encode("utf-8")
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)


def workbook(
    name: str, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None
) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet, rows in sheets.items():
        ws = wb.create_sheet(sheet)
        for row in rows:
            ws.append(row)
        for cells in (merges or {}).get(sheet, []):
            ws.merge_cells(cells)
    wb.properties.creator = "jixiao corpus"
    wb.properties.created = FIXED_TIME
    path = HERE / name
    wb.save(path)
    _deterministic_zip(path)
    return path


def ledger(
    name: str,
    rows: list[list],
    header: list[str] = HEADER,
    sheet: str = "明细账",
    title: list[list] | None = None,
) -> Path:
    return workbook(name, {sheet: [*(title or []), header, *rows]})


def csv_text(rows: list[list[str]], sep: str = ",") -> str:
    def cell(v: str) -> str:
        return f'"{v}"' if sep in v else v

    return "".join(sep.join(cell(v) for v in row) + "\r\n" for row in rows)


CSV_ROWS = [
    ["明细账"],
    ["核算单位：沿河社区居民委员会"],
    HEADER,
    [
        "2017-01-05",
        "记-1",
        "收到补助",
        "1002",
        "银行存款",
        "50,000.00",
        "",
        "借",
        "50,000.00",
        "三社联动试点",
        "区民政局",
        "1",
        "王会计",
    ],
    [
        "2017-01-05",
        "记-1",
        "收到补助",
        "400102",
        "项目支出",
        "",
        "50,000.00",
        "贷",
        "50,000.00",
        "三社联动试点",
        "区民政局",
        "1",
        "王会计",
    ],
    ["2017-01-31", "", "本月合计", "", "", "50,000.00", "50,000.00", "", "", "", "", "", ""],
]


def build() -> list[Path]:
    made: list[Path] = []
    add = made.append
    e = entries()

    add(workbook("missing_sheet.xlsx", {"Sheet1": [HEADER, *e], "汇总": [["合计"]]}))
    # A plain one-sheet export whose sheet is called Sheet1, not 明细账.
    add(
        ledger(
            "sheet1_export.xlsx",
            e,
            sheet="Sheet1",
            title=[["明细账"], ["核算单位：沿河社区居民委员会"]],
        )
    )
    summary = [["科目编码", "科目名称", "本期借方", "本期贷方"], ["1002", "银行存款", 50000.0, 0.0]]
    add(
        workbook(
            "no_ledger_sheet.xlsx",
            {"封面": [["2017年度明细账"], ["编制单位：浏河社区居民委员会"]], "科目汇总": summary},
        )
    )
    later = [[r[0].replace(year=2018), *r[1:]] for r in e[:2]]
    add(workbook("two_ledger_sheets.xlsx", {"2017年": [HEADER, *e], "2018年": [HEADER, *later]}))
    add(ledger("missing_column.xlsx", [r[:6] + r[7:] for r in e], header=HEADER[:6] + HEADER[7:]))
    aliased = [
        "制单日期",
        "凭证号",
        "摘要",
        "科目代码",
        "科目名称",
        "借方金额",
        "贷方金额",
        "方向",
        "余额",
    ]
    add(ledger("aliased_headers.xlsx", [r[:9] for r in e], header=aliased))
    # 凭证 spans 字 / 号 and 金额 spans 借方 / 贷方; the other headers are merged down two rows.
    top = ["日期", "凭证", None, "摘要", "科目编码", "科目名称", "金额", None, "方向", "余额"]
    sub = [None, "字", "号", None, None, None, "借方", "贷方", None, None]
    rows = [[r[0], r[1].split("-")[0], int(r[1].split("-")[1]), *r[2:9]] for r in e]
    add(
        workbook(
            "two_row_header.xlsx",
            {"明细账": [["核算单位：浏河社区居民委员会"], top, sub, *rows]},
            merges={
                "明细账": ["A2:A3", "B2:C2", "D2:D3", "E2:E3", "F2:F3", "G2:H2", "I2:I3", "J2:J3"]
            },
        )
    )
    (HERE / "ledger_gbk.csv").write_bytes(csv_text(CSV_ROWS).encode("gbk"))
    add(HERE / "ledger_gbk.csv")
    gb = [r[:] for r in CSV_ROWS]
    gb[3][10] = "𠮷祥社工服务社"  # U+20BB7 exists in GB18030 but not in GBK
    (HERE / "ledger_gb18030.csv").write_bytes(csv_text(gb).encode("gb18030"))
    add(HERE / "ledger_gb18030.csv")
    (HERE / "ledger_utf8_bom.csv").write_bytes(csv_text(CSV_ROWS).encode("utf-8-sig"))
    add(HERE / "ledger_utf8_bom.csv")
    (HERE / "ledger_tab.csv").write_bytes(csv_text(CSV_ROWS, sep="\t").encode("utf-8"))
    add(HERE / "ledger_tab.csv")

    text_amounts = [r[:] for r in e]
    text_amounts[0][5], text_amounts[1][6], text_amounts[2][5] = (
        "50,000.00",
        "¥50,000.00",
        "￥1,234.50",
    )
    add(ledger("text_amounts.xlsx", text_amounts))
    wide = [r[:] for r in e]
    wide[2][5], wide[2][3] = "１，２３４．５０", "５００１０２０１"
    add(ledger("fullwidth_digits.xlsx", wide))
    serial = [r[:] for r in e]
    serial[0][0], serial[1][0], serial[2][0] = (
        42740,
        42740,
        42755,
    )  # 2017-01-05, 2017-01-05, 2017-01-20
    add(ledger("serial_dates.xlsx", serial))
    dates = [r[:] for r in e] + [r[:] for r in e[:2]]
    dates[0][0], dates[1][0], dates[2][0], dates[3][0], dates[4][0] = (
        "2017年5月3日",
        "2017/5/3",
        "2017.05.03",
        "2017-5-3",
        "20170503",
    )
    dates[3][1] = dates[4][1] = "记-2"
    add(ledger("chinese_dates.xlsx", dates))
    subtotal = [
        [None, None, "上年结转", None, None, None, None, "借", 1000.0, None, None, None, None],
        *e,
        [
            dt.datetime(2017, 1, 31),
            None,
            "本月合计",
            None,
            None,
            51234.5,
            50000.0,
            "借",
            2234.5,
            None,
            None,
            None,
            None,
        ],
        [
            dt.datetime(2017, 1, 31),
            None,
            "本年累计",
            None,
            None,
            51234.5,
            50000.0,
            "借",
            2234.5,
            None,
            None,
            None,
            None,
        ],
    ]
    add(ledger("subtotal_rows.xlsx", subtotal))
    add(ledger("blank_rows.xlsx", [e[0], [], e[1], [None] * 13, [], e[2]]))
    add(ledger("duplicate_lines.xlsx", [*e, e[2][:]]))
    red = [r[:] for r in e]
    red[0][5], red[1][6], red[2][5] = "(1,234.50)", "-500", -20.5
    add(ledger("red_ink_negatives.xlsx", red))
    bad_amount = [r[:] for r in e]
    bad_amount[2][5] = "12,3.4"
    add(ledger("bad_amount.xlsx", bad_amount))
    bad_date = [r[:] for r in e]
    bad_date[1][0], bad_date[2][0] = "2017-02-30", "下周一"
    add(ledger("bad_date.xlsx", bad_date))
    several = [r[:] for r in e]
    several[2][0], several[2][5], several[2][3] = "2017-13-01", "一千元", None
    add(ledger("one_row_three_bad_cells.xlsx", several))
    bad_voucher = [r[:] for r in e]
    bad_voucher[2][1] = "见附件"
    add(ledger("bad_voucher.xlsx", bad_voucher))

    (HERE / "text_named.xlsx").write_text(
        "日期,凭证字号,摘要\n2017-01-05,记-1,收到补助\n", encoding="utf-8"
    )
    add(HERE / "text_named.xlsx")
    (HERE / "empty.xlsx").write_bytes(b"")
    add(HERE / "empty.xlsx")
    add(ledger("header_only.xlsx", []))
    full = (HERE / "text_amounts.xlsx").read_bytes()
    (HERE / "truncated.xlsx").write_bytes(full[: len(full) // 2])
    add(HERE / "truncated.xlsx")
    (HERE / "picture_named.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(56))
    add(HERE / "picture_named.xlsx")
    with zipfile.ZipFile(HERE / "word_named.xlsx", "w") as zf:
        info = zipfile.ZipInfo("word/document.xml", date_time=FIXED_TIME.timetuple()[:6])
        zf.writestr(info, "<w:document/>")
    add(HERE / "word_named.xlsx")
    (HERE / "text_named.xls").write_text("这不是 Excel 文件\n", encoding="utf-8")
    add(HERE / "text_named.xls")
    (HERE / "ole2_without_workbook.xls").write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1016)
    )
    add(HERE / "ole2_without_workbook.xls")

    title = [
        ["明细账"],
        ["核算单位：", None, "泉口街道浏河社区居民委员会"],
        ["期间：2017年01月-2018年06月"],
        [],
    ]
    add(ledger("title_lines.xlsx", e, title=title))
    # 金额单位：元 and 单位：元 name the money unit, not the accounting unit: the unit is the file name's.
    money_unit = [
        ["明细账"],
        ["金额单位：元"],
        ["期间：2017年01月-2018年06月", None, None, None, "单位：", "元"],
    ]
    add(ledger("明细账_沿河社区.xlsx", e, title=money_unit))
    compiled_by = [
        ["明细账"],
        ["编制单位：泉口社区居民委员会", None, None, None, None, None, None, None, "金额单位：元"],
    ]
    add(ledger("title_compiled_by.xlsx", e, title=compiled_by))
    codes = [r[:] for r in e]
    codes[0][3], codes[1][3], codes[2][3] = "0101", 1002, "00123"
    add(ledger("account_code_leading_zeros.xlsx", codes))

    allocation_header = [
        "项目 编号",
        "区",
        "街 道",
        "社区名称",
        "资金类型",
        "文号",
        "下达日期",
        "下达金额 (元)",
        "到账日期",
        "到账金额（ 元 ）",
        "收款单位",
        "备注",
    ]
    allocation_rows = [
        [
            "JX-01",
            "东宝区",
            "泉口街道",
            "浏河社区",
            "公共服务站基础设施建设",
            "荆财社〔2017〕1号",
            dt.datetime(2017, 6, 1),
            120000,
            dt.datetime(2018, 5, 16),
            120000,
            "浏河社区居委会",
            None,
        ],
        [
            "JX-02",
            "东宝区",
            "泉口街道",
            "沿河社区",
            "三社联动试点",
            "荆财社〔2017〕2号",
            dt.datetime(2017, 6, 1),
            "50,000.00",
            None,
            None,
            "沿河社区居委会",
            "未到账",
        ],
        [None, None, None, "合计", None, None, None, 170000, None, 120000, None, None],
    ]
    add(
        workbook(
            "allocations_fullwidth_header.xlsx",
            {"资金下达": [["2017年社区建设资金下达明细"], allocation_header, *allocation_rows]},
        )
    )
    bad_type = [r[:] for r in allocation_rows[:2]]
    bad_type[1][4] = "三社联动"
    add(
        workbook(
            "allocations_unknown_grant_type.xlsx", {"资金下达": [ALLOCATION_HEADER, *bad_type]}
        )
    )

    survey = [
        ["问卷编号", "受访者类别", "社区", "姓名", "联系电话", "身份证号", "调查日期", "Q1", "Q2"],
        [
            "R001",
            "居民",
            "浏河社区",
            "赵一",
            "13800000001",
            "420802199001011237",
            dt.datetime(2019, 9, 2),
            "满意",
            4,
        ],
        [
            "R002",
            "居民",
            "浏河社区",
            "钱二",
            13800000002,
            None,
            dt.datetime(2019, 9, 2),
            5.0,
            " 非常满意 ",
        ],
        ["R003", "社区工作者", "沿河社区", "孙三", None, None, None, "满意吧", 6],
        ["R004", "社会组织", "沿河社区", None, None, None, None, None, "一般"],
    ]
    items = [
        ["题号", "题目", "反向题", "适用对象"],
        ["Q1", "您对社区服务站的总体满意度", "否", "全部"],
        ["Q2", "您对社工服务的满意度", "否", "全部"],
    ]
    plan = [
        ["受访者类别", "总体数量", "计划样本量"],
        ["居民", "52,000", 385],
        ["社区工作者", 260, 100],
        ["社会组织", 150, 60],
    ]
    add(
        workbook("survey_mixed_answers.xlsx", {"问卷数据": survey, "题目": items, "抽样计划": plan})
    )
    return made


if __name__ == "__main__":
    files = build()
    print(f"{len(files)} files written to {HERE}")
