"""明细账 under 政府会计制度 (dual entries) and 民间非营利组织会计制度, in several export shapes.

A unit on 政府会计制度 books every cash event twice: on the 财务会计 side (1002 银行存款,
4001 财政拨款收入, 4101 事业收入, 5001 业务活动费用) and on the 预算会计 side (8001 资金结存,
6001 财政拨款预算收入, 6101 事业预算收入, 7201 事业支出 with 基本支出 / 项目支出 明细), in one
voucher. An operator on 民间非营利组织会计制度 books a grant as 4501 政府补助收入 and spends it on
5101 业务活动成本, with the grant type in the 项目 aux column; its running costs go to 5201 管理费用.

Amounts are planted by the caller (each grant's total spending is fixed, only its split into
payments and the dates are drawn), so the expected figures follow from the plan, not from a run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import common

GOV = "政府会计制度"
NPO = "民间非营利组织会计制度"

ACCOUNTS = {
    GOV: {
        "1001": "库存现金",
        "1002": "银行存款",
        "2201": "应付职工薪酬",
        "4001.01": "财政拨款收入-基本支出",
        "4001.02": "财政拨款收入-项目支出",
        "4101": "事业收入",
        "5001.01": "业务活动费用-工资福利费用",
        "5001.02": "业务活动费用-商品和服务费用",
        "6001.01": "财政拨款预算收入-基本支出",
        "6001.02": "财政拨款预算收入-项目支出",
        "6101": "事业预算收入",
        "7201.01": "事业支出-基本支出",
        "7201.02": "事业支出-项目支出",
        "8001": "资金结存",
        "3301": "本期盈余",
        "8101": "财政拨款结转",
        "8201": "非财政拨款结转",
    },
    NPO: {
        "1002": "银行存款",
        "4301": "提供服务收入",
        "4501": "政府补助收入-限定性收入",
        "5101": "业务活动成本",
        "5201": "管理费用",
        "3101": "非限定性净资产",
        "3102": "限定性净资产",
    },
}


@dataclass(frozen=True)
class Payment:
    """One project payment: date, 摘要, payee, amount; ``basic`` books it as basic spending
    with the 项目 aux left blank (专项资金未单独核算)."""

    date: dt.date
    summary: str
    payee: str
    amount_fen: int
    grant_type: str
    basic: bool = False


@dataclass(frozen=True)
class Receipt:
    date: dt.date
    summary: str
    payer: str
    amount_fen: int
    grant_type: str


@dataclass(frozen=True)
class UnitBooks:
    unit: str
    chart: str  # GOV or NPO
    receipts: tuple[Receipt, ...]
    payments: tuple[Payment, ...]
    monthly_payroll_fen: int
    payer: str  # who funds the basic budget (县财政局)
    suppliers: tuple[str, ...]
    preparers: tuple[str, ...]
    shape: str = "titled_xlsx"  # see SHAPES
    extra: dict = field(default_factory=dict)


@dataclass
class Voucher:
    date: dt.date
    lines: list[tuple]  # (summary, code, debit_fen, credit_fen, project, counterparty)
    attachments: int = 1


def _log_fen(rng: np.random.Generator, low: float, high: float, step_fen: int = 1) -> int:
    fen = float(np.exp(rng.uniform(np.log(low * 100), np.log(high * 100))))
    return max(step_fen, int(round(fen / step_fen)) * step_fen)


def _not_round(fen: int) -> int:
    """An amount that does not read as a round sum (multiple of 1,000 元)."""
    return fen + 3_700 if fen % 100_000 == 0 else fen


def _event(chart: str, kind: str, summary: str, amount: int, *, project="", who="", basic=True):
    """The lines of one cash event in ``chart``: kind is 'basic_income', 'service_income',
    'grant_income', 'wages', 'spend' (basic) or 'project_spend'."""
    if chart == GOV:
        fin, bud = {
            "basic_income": (("1002", "4001.01"), ("8001", "6001.01")),
            "service_income": (("1002", "4101"), ("8001", "6101")),
            "grant_income": (("1002", "4001.02"), ("8001", "6001.02")),
            "wages": (("5001.01", "1002"), ("7201.01", "8001")),
            "spend": (("5001.02", "1002"), ("7201.01", "8001")),
            "project_spend": (("5001.02", "1002"), ("7201.02", "8001")),
        }[kind]
        pairs = (fin, bud)
    else:
        pairs = (
            {
                "basic_income": ("1002", "4301"),
                "service_income": ("1002", "4301"),
                "grant_income": ("1002", "4501"),
                "wages": ("5201", "1002"),
                "spend": ("5201", "1002"),
                "project_spend": ("5101", "1002"),
            }[kind],
        )
    income = kind.endswith("income")
    lines = []
    for debit_code, credit_code in pairs:
        # the 项目 aux sits on the income / expense line of each side, never on cash
        lines.append((summary, debit_code, amount, 0, "" if income else project, who))
        lines.append((summary, credit_code, 0, amount, project if income else "", who))
    return lines


def basic_vouchers(
    rng: np.random.Generator, books: UnitBooks, first: dt.date, last: dt.date
) -> list[Voucher]:
    """Ordinary bookkeeping of a township health centre or a private hospital: budget funding,
    service income, wages, utilities and sundries. No 摘要 here names a grant's purpose."""
    vouchers = []
    for month in common.month_starts(first, last):
        days = common.working_days(month, common.month_end(month))

        def pick(lo=0, hi=None, days=days):
            window = days[lo:hi]
            return window[int(rng.integers(len(window)))]

        m = f"{month.month}月"
        gross = _not_round(int(round(books.monthly_payroll_fen * rng.uniform(0.97, 1.04), -2)))
        if month.month % 3 == 1:
            funding = int(round(3 * gross * rng.uniform(1.05, 1.2), -4))
            kind = "basic_income" if books.chart == GOV else "service_income"
            summary = (
                f"收到县财政局拨付第{(month.month - 1) // 3 + 1}季度基本经费"
                if books.chart == GOV
                else f"收到第{(month.month - 1) // 3 + 1}季度医保结算款"
            )
            vouchers.append(
                Voucher(pick(0, 4), _event(books.chart, kind, summary, funding, who=books.payer))
            )
        service = _log_fen(rng, 20_000, 90_000)
        vouchers.append(
            Voucher(
                pick(-5),
                _event(books.chart, "service_income", f"收到{m}门诊及住院医疗服务收入", service),
            )
        )
        vouchers.append(
            Voucher(pick(6, 10), _event(books.chart, "wages", f"发放{m}职工工资", gross), 2)
        )
        if month.month % 2 == 0:
            vouchers.append(
                Voucher(
                    pick(10),
                    _event(
                        books.chart,
                        "spend",
                        f"支付{month.month - 1}-{m}水电费",
                        _log_fen(rng, 800, 6000),
                        who=books.suppliers[0],
                    ),
                    2,
                )
            )
        sundries = (
            ("购买办公用品", 150, 1500, 1),
            (f"支付{m}电话费及网络费", 100, 1000, 2),
            ("支付医疗设备维修费", 500, 5000, 3),
            ("报销外出开会差旅费", 200, 2000, 0),
        )
        for k in rng.choice(len(sundries), size=int(rng.integers(1, 3)), replace=False):
            summary, low, high, supplier = sundries[int(k)]
            vouchers.append(
                Voucher(
                    pick(3),
                    _event(
                        books.chart,
                        "spend",
                        summary,
                        _log_fen(rng, low, high),
                        who=books.suppliers[supplier] if supplier else "",
                    ),
                    int(rng.integers(1, 4)),
                )
            )
    return vouchers


def project_vouchers(books: UnitBooks) -> list[Voucher]:
    out = []
    for r in books.receipts:
        out.append(
            Voucher(
                r.date,
                _event(
                    books.chart,
                    "grant_income",
                    r.summary,
                    r.amount_fen,
                    project=r.grant_type,
                    who=r.payer,
                ),
            )
        )
    for p in books.payments:
        kind = "spend" if p.basic else "project_spend"
        project = "" if p.basic else p.grant_type
        out.append(
            Voucher(
                p.date,
                _event(books.chart, kind, p.summary, p.amount_fen, project=project, who=p.payee),
                3,
            )
        )
    return out


# 期末结转 at each year end: (summary, income or expense code prefixes, closing account) per chart
CLOSINGS = {
    GOV: (
        ("期末结转本年财政拨款预算收入", ("6001",), "8101"),
        ("期末结转本年非财政拨款预算收入", ("6101",), "8201"),
        ("期末结转本年事业支出", ("7201",), "8101"),
        ("期末结转本期收入", ("4001", "4101"), "3301"),
        ("期末结转本期费用", ("5001",), "3301"),
    ),
    NPO: (
        ("期末结转本年非限定性收入", ("4301",), "3101"),
        ("期末结转本年限定性收入", ("4501",), "3102"),
        ("期末结转本年费用", ("5101", "5201"), "3101"),
    ),
}


def closing_vouchers(books: UnitBooks, vouchers: list[Voucher], year_end: dt.date) -> list[Voucher]:
    """The year-end closing vouchers (期末结转): each income account debited and each expense
    account credited with the year's total (per project aux), against the closing account."""
    totals: dict[tuple[str, str], int] = {}
    for v in vouchers:
        if v.date.year != year_end.year or v.date > year_end:
            continue
        for _, code, dr, cr, project, _ in v.lines:
            totals[(code, project)] = totals.get((code, project), 0) + dr - cr
    out = []
    for summary, prefixes, closing in CLOSINGS[books.chart]:
        mine = sorted(
            (code, project, amount)
            for (code, project), amount in totals.items()
            if code.startswith(prefixes) and amount
        )
        if not mine:
            continue
        lines, net = [], 0
        for code, project, amount in mine:  # income: credit balance (< 0); expense: debit (> 0)
            lines.append((summary, code, max(-amount, 0), max(amount, 0), project, ""))
            net += amount
        lines.append((summary, closing, max(net, 0), max(-net, 0), "", ""))
        out.append(Voucher(year_end, lines, 0))
    return out


def entries(
    rng: np.random.Generator, books: UnitBooks, first: dt.date, last: dt.date
) -> list[dict]:
    """Every entry line of the unit, vouchers numbered 记-n per month in date order, with the
    期末结转 vouchers of each year end inside the period."""
    vouchers = sorted(
        basic_vouchers(rng, books, first, last) + project_vouchers(books), key=lambda v: v.date
    )
    for year in range(first.year, last.year + 1):
        year_end = dt.date(year, 12, 31)
        if first <= year_end <= common.month_end(last):
            vouchers += closing_vouchers(books, vouchers, year_end)
    vouchers.sort(key=lambda v: v.date)
    counters: dict[tuple[int, int], int] = {}
    rows = []
    names = ACCOUNTS[books.chart]
    for v in vouchers:
        key = (v.date.year, v.date.month)
        counters[key] = counters.get(key, 0) + 1
        if sum(x[2] for x in v.lines) != sum(x[3] for x in v.lines):
            raise AssertionError(f"{books.unit}: unbalanced voucher on {v.date}")
        preparer = books.preparers[int(rng.random() < 0.2)]
        for summary, code, dr, cr, project, who in v.lines:
            rows.append(
                dict(
                    date=v.date,
                    word="记",
                    number=counters[key],
                    summary=summary,
                    code=code,
                    name=names[code],
                    debit=dr,
                    credit=cr,
                    project=project,
                    counterparty=who,
                    attachments=v.attachments,
                    preparer=preparer,
                )
            )
    return rows


# --------------------------------------------------------------------------- export shapes
# titled_xlsx  — sheet 明细账, 3 title lines (明细账 / 核算单位 / 期间), template headers, 本月合计 rows
# utf16_txt    — Excel「Unicode 文本」: UTF-16 with BOM, tab-separated, 凭证字 and 凭证号 in two
#                columns, codes written with dots (7201.02), 记账日期 / 借方金额 / 贷方金额 headers
# plain_xlsx   — a one-sheet workbook named Sheet1 as 用友-style exports save it: header on row 1,
#                no title lines (the unit comes from the file name), 凭证号数 / 科目代码 / 核算项目
#                headers, codes with dashes (7201-02), amounts as numbers
# utf8bom_csv  — CSV in UTF-8 with a BOM, 2 title lines, template headers


def _total_rows(rows: list[dict]) -> list[dict]:
    """Entries with a 本月合计 line after each month."""
    out, month, last_date, dr, cr = [], None, None, 0, 0
    for r in rows:
        key = (r["date"].year, r["date"].month)
        if month is not None and key != month:
            out.append(dict(total=True, date=last_date, debit=dr, credit=cr))
            dr = cr = 0
        month, last_date = key, r["date"]
        out.append(r)
        dr += r["debit"]
        cr += r["credit"]
    if month is not None:
        out.append(dict(total=True, date=last_date, debit=dr, credit=cr))
    return out


def _amount_text(fen: int) -> str:
    return f"{int(fen) / 100:.2f}" if fen else ""


# The headers of the titled exports (xlsx with title lines, UTF-8-BOM CSV): the template's own.
TITLED_HEADER = (
    "日期",
    "凭证字号",
    "摘要",
    "科目编码",
    "科目名称",
    "借方",
    "贷方",
    "项目",
    "往来单位",
    "附单据数",
    "制单人",
)


def write_ledger(
    books: UnitBooks, rows: list[dict], folder: Path, *, period: str, timestamp
) -> dict:
    """Write one unit's ledger in its shape; returns file name, shape, header row, rows, entries."""
    stem = f"明细账_{books.unit}"
    shape = books.shape
    if shape == "titled_xlsx":
        header = list(TITLED_HEADER)
        body = []
        for r in _total_rows(rows):
            if r.get("total"):
                body.append(
                    [
                        r["date"],
                        None,
                        "本月合计",
                        None,
                        None,
                        common.yuan(r["debit"]),
                        common.yuan(r["credit"]),
                        None,
                        None,
                        None,
                        None,
                    ]
                )
                continue
            body.append(
                [
                    r["date"],
                    f"{r['word']}-{r['number']}",
                    r["summary"],
                    r["code"],
                    r["name"],
                    common.yuan(r["debit"]) if r["debit"] else None,
                    common.yuan(r["credit"]) if r["credit"] else None,
                    r["project"] or None,
                    r["counterparty"] or None,
                    r["attachments"],
                    r["preparer"],
                ]
            )
        wb, ws = common.new_workbook("明细账")
        common.title_row(ws, 1, "明细账", len(header), size=16)
        ws.cell(row=2, column=1, value=f"核算单位：{books.unit}")
        ws.cell(row=3, column=1, value=f"期间：{period}")
        common.write_table(
            ws,
            header,
            body,
            start_row=4,
            formats={0: "yyyy-mm-dd", 3: "@", 5: "#,##0.00", 6: "#,##0.00"},
        )
        common.set_widths(ws, (11, 9, 36, 11, 28, 13, 13, 22, 30, 9, 8))
        path = folder / f"{stem}.xlsx"
        common.save_workbook(wb, path, timestamp=timestamp)
        return dict(file=path.name, shape=shape, header_row=4, rows=len(body), entries=len(rows))
    if shape == "utf16_txt":
        header = [
            "记账日期",
            "凭证字",
            "凭证号",
            "摘要",
            "科目编码",
            "科目名称",
            "借方金额",
            "贷方金额",
            "项目",
            "往来单位",
            "附件数",
            "制单人",
        ]
        lines = [[f"核算单位：{books.unit}"], [f"会计期间：{period}"], header]
        for r in rows:
            lines.append(
                [
                    r["date"].isoformat(),
                    r["word"],
                    str(r["number"]),
                    r["summary"],
                    r["code"],
                    r["name"],
                    _amount_text(r["debit"]),
                    _amount_text(r["credit"]),
                    r["project"],
                    r["counterparty"],
                    str(r["attachments"]),
                    r["preparer"],
                ]
            )
        text = "\r\n".join("\t".join(cells) for cells in lines) + "\r\n"
        path = folder / f"{stem}.txt"
        path.write_bytes(text.encode("utf-16"))  # Python writes the BOM (little-endian here)
        return dict(file=path.name, shape=shape, header_row=3, rows=len(rows), entries=len(rows))
    if shape == "plain_xlsx":
        header = [
            "制单日期",
            "凭证号数",
            "摘要",
            "科目代码",
            "科目名称",
            "借方金额",
            "贷方金额",
            "核算项目",
            "对方单位",
            "附单据数",
            "制单人",
        ]
        body = [
            [
                r["date"],
                f"{r['word']}-{r['number']:04d}",
                r["summary"],
                r["code"].replace(".", "-"),
                r["name"],
                common.yuan(r["debit"]),
                common.yuan(r["credit"]),
                r["project"] or None,
                r["counterparty"] or None,
                r["attachments"],
                r["preparer"],
            ]
            for r in rows
        ]
        wb, ws = common.new_workbook("Sheet1")
        common.write_table(
            ws, header, body, start_row=1, formats={0: "yyyy-mm-dd", 3: "@", 5: "0.00", 6: "0.00"}
        )
        common.set_widths(ws, (11, 10, 36, 11, 28, 13, 13, 22, 30, 9, 8))
        path = folder / f"{stem}.xlsx"
        common.save_workbook(wb, path, timestamp=timestamp)
        return dict(file=path.name, shape=shape, header_row=1, rows=len(body), entries=len(rows))
    if shape == "utf8bom_csv":
        header = list(TITLED_HEADER)
        lines = [["明细账"] + [""] * 10, [f"核算单位：{books.unit}"] + [""] * 10, header]
        for r in rows:
            lines.append(
                [
                    r["date"].isoformat(),
                    f"{r['word']}-{r['number']}",
                    r["summary"],
                    r["code"],
                    r["name"],
                    _amount_text(r["debit"]),
                    _amount_text(r["credit"]),
                    r["project"],
                    r["counterparty"],
                    str(r["attachments"]),
                    r["preparer"],
                ]
            )
        path = folder / f"{stem}.csv"
        common.write_csv(path, lines, encoding="utf-8-sig")
        return dict(file=path.name, shape=shape, header_row=3, rows=len(rows), entries=len(rows))
    raise ValueError(f"unknown ledger shape {shape!r}")
