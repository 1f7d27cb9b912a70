"""明细账 exports: one per accounting unit (a community's 居民委员会).

Books follow 事业单位会计制度 (before 政府会计制度 took effect on 2019-01-01). Each unit
gets ordinary basic-expenditure bookkeeping every month plus the special grants it received,
booked either cleanly (财政补助收入/事业支出 项目支出 with the project as 辅助核算) or, for
the units the case wants, mixed into basic expenditure (专项资金不单独核算).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import chinese_calendar
import numpy as np

from jixiao import schema

from . import common
from .allocations import Grant, unit_name

ACCOUNTS = {
    "1001": "库存现金",
    "1002": "银行存款",
    "1011": "零余额账户用款额度",
    "2307": "其他应付款",
    "4001": "财政补助收入",
    "400101": "财政补助收入-基本支出",
    "400102": "财政补助收入-项目支出",
    "4401": "其他收入",
    "5001": "事业支出",
    "500101": "事业支出-基本支出",
    "50010101": "事业支出-基本支出-财政补助支出",
    "50010102": "事业支出-基本支出-其他资金支出",
    "500102": "事业支出-项目支出",
    "50010201": "事业支出-项目支出-财政补助支出",
    "50010202": "事业支出-项目支出-其他资金支出",
}
# Balances carried into a new year; income and expense accounts are closed at year end.
CARRIED_PREFIXES = ("1", "2", "3")

BOOKING_SEPARATE = "separate"  # receipts 400102, spending 50010201, 项目 = grant type
BOOKING_NONE = "none"  # no separate accounting at all: 400101 / 50010101, 项目 blank
BOOKING_PARTIAL = "partial"  # some project payments booked as basic expenditure, 项目 blank


@dataclass(frozen=True)
class GrantSpending:
    """How a grant type is spent: summaries (with scope keywords), payees, share used."""

    receipt_summary: str
    payment_summaries: tuple[str, ...]
    payee_trades: tuple[str, ...]
    payments: tuple[int, int]  # min, max number of payments
    share_spent: tuple[float, float]  # fraction of the grant spent by the period end
    days_after_arrival: tuple[int, int]  # payment dates after the money arrived


@dataclass(frozen=True)
class ExtraPayment:
    """A project payment planted on purpose, on top of the drawn ones (the case's problems).

    ``over_grant_fen`` set: the payment takes the grant's spending to the amount received plus
    that much (spending above the allocation); otherwise it pays ``amount_fen``.
    """

    grant_type: str
    date: dt.date
    summary: str
    counterparty: str
    amount_fen: int = 0
    over_grant_fen: int | None = None
    attachments: int = 3


@dataclass(frozen=True)
class UnitSpec:
    community: str
    district: str
    grants: tuple[Grant, ...] = ()
    booking: str = BOOKING_SEPARATE
    monthly_payroll_fen: int = 0  # gross wages per month; 0: drawn
    mixed_payments: int = 0  # BOOKING_PARTIAL: project payments booked as basic expenditure
    voucher_style: str = "收付"  # "收付": 收-/付- vouchers; "记": one voucher word for all
    file_format: str = "xlsx"  # or "csv"
    amount_style: str = "number"  # or "text": '12,345.60' strings as some exports write
    csv_encoding: str = "gb18030"
    weekend_postings: int = 0
    duplicate_payment: bool = False
    # Optional messiness and planted problems (defaults leave the 2017 case as it was).
    share_spent: tuple[float, float] | None = None  # overrides GrantSpending.share_spent
    extra_payments: tuple[ExtraPayment, ...] = ()
    date_style: str = (
        "date"  # "date" (cells / ISO text), "chinese" (2018年5月3日), "dotted" (2018.05.03)
    )
    header_aliases: tuple[tuple[str, str], ...] = ()  # (template header, header the export writes)
    extra_title_lines: tuple[str, ...] = ()  # printed below the 期间 line
    blank_rows: int = 0  # empty lines the export leaves between months
    # A busy unit's everyday payments (mean per working day) on top of the monthly bookkeeping,
    # funded by one 社区服务经费 receipt a month; 0 draws nothing, so the committed cases keep
    # their bytes. Used to scale a case up to a big year.
    daily_sundries: float = 0.0

    @property
    def unit(self) -> str:
        return unit_name(self.community)


@dataclass(frozen=True)
class LedgerCase:
    first_month: dt.date
    last_month: dt.date
    grant_spending: dict[str, GrantSpending]
    scope_keywords: tuple[str, ...]  # words that mark project spending in a summary
    basic_fund_payer: str = "{district}财政局"
    file_stem: str = "明细账_{community}"
    preparers: tuple[str, ...] = field(default_factory=tuple)  # empty: fictional names drawn


@dataclass
class Voucher:
    date: dt.date
    kind: str  # 收 / 付 / 转
    lines: list[tuple]  # (summary, code, debit_fen, credit_fen, project, counterparty)
    attachments: int = 1
    basic: bool = True  # ordinary basic bookkeeping (candidate for blemishes)


def _yuan_fen(rng: np.random.Generator, low: float, high: float, step_fen: int = 1) -> int:
    """Random amount in [low, high] 元, in fen, on a grid of ``step_fen``."""
    fen = int(rng.integers(int(low * 100), int(high * 100) + 1))
    return max(step_fen, fen // step_fen * step_fen)


def _log_fen(rng: np.random.Generator, low: float, high: float, step_fen: int = 1) -> int:
    """Log-uniform amount in [low, high] 元, in fen on a grid of ``step_fen``.

    Over whole decades log-uniform amounts follow Benford's law, as real ledgers roughly do;
    uniform draws would make the first-digit test flag the books.
    """
    fen = float(np.exp(rng.uniform(np.log(low * 100), np.log(high * 100))))
    return max(step_fen, int(round(fen / step_fen)) * step_fen)


def _pay(
    date,
    summary,
    debit_code,
    amount,
    *,
    counterparty="",
    project="",
    credit_code="1002",
    kind="付",
    attachments=1,
    basic=True,
) -> Voucher:
    return Voucher(
        date,
        kind,
        [
            (summary, debit_code, amount, 0, project, counterparty),
            (summary, credit_code, 0, amount, "", counterparty),
        ],
        attachments,
        basic,
    )


def _receive(
    date, summary, credit_code, amount, *, counterparty="", project="", attachments=1, basic=True
) -> Voucher:
    return Voucher(
        date,
        "收",
        [
            (summary, "1002", amount, 0, "", counterparty),
            (summary, credit_code, 0, amount, project, counterparty),
        ],
        attachments,
        basic,
    )


def _pick(
    rng: np.random.Generator, days: list[dt.date], lo: int = 0, hi: int | None = None
) -> dt.date:
    window = days[lo:hi] if days[lo:hi] else days
    return window[int(rng.integers(len(window)))]


def basic_vouchers(
    rng: np.random.Generator, spec: UnitSpec, case: LedgerCase, suppliers: list[str]
) -> list[Voucher]:
    """A year and a half of ordinary 居委会 bookkeeping: funding, wages, utilities, sundries.

    None of the summaries uses a project scope keyword.
    """
    monthly_gross = spec.monthly_payroll_fen or _log_fen(rng, 6_000, 60_000, 100)
    payer = case.basic_fund_payer.format(district=spec.district)
    donations = bool(rng.random() < 0.5)
    vouchers: list[Voucher] = []
    withheld_due = 0
    for month in common.month_starts(case.first_month, case.last_month):
        days = common.working_days(month, common.month_end(month))
        m = f"{month.month}月"
        quarter = (month.month - 1) // 3 + 1
        quarter_start = month.month % 3 == 1
        raise_ = 1.0 if month.year == case.first_month.year else 1.05
        gross = int(
            round(monthly_gross * raise_ * rng.uniform(0.97, 1.04), -2)
        )  # attendance, allowances
        if gross % 100_000 == 0:  # a wage bill in whole thousands would read as a round-sum payment
            gross += 3_700
        withheld = round(gross * 0.105)
        if quarter_start:
            funding = int(
                round(3 * gross * rng.uniform(1.1, 1.3), -4)
            )  # to the 100 元, covering wages and running costs
            vouchers.append(
                _receive(
                    _pick(rng, days, 0, 4),
                    f"收到区财政拨付第{quarter}季度社区工作经费",
                    "400101",
                    funding,
                    counterparty=payer,
                )
            )
            vouchers.append(
                _pay(
                    _pick(rng, days, 2, 6),
                    "提取备用金",
                    "1001",
                    _log_fen(rng, 1000, 5000, 10_000),
                    credit_code="1002",
                )
            )
            if withheld_due:
                vouchers.append(
                    Voucher(
                        _pick(rng, days, 12, 16),
                        "付",
                        [
                            (
                                "缴纳上季度代扣个人社会保险费",
                                "2307",
                                withheld_due,
                                0,
                                "",
                                "荆门市社会保险服务中心",
                            ),
                            (
                                "缴纳上季度代扣个人社会保险费",
                                "1002",
                                0,
                                withheld_due,
                                "",
                                "荆门市社会保险服务中心",
                            ),
                        ],
                        1,
                    )
                )
                withheld_due = 0
        pay_day = _pick(rng, days, 6, 10)
        vouchers.append(
            Voucher(
                pay_day,
                "付",
                [
                    (f"发放{m}社区工作人员工资", "50010101", gross, 0, "", ""),
                    (f"发放{m}社区工作人员工资", "2307", 0, withheld, "", ""),
                    (f"发放{m}社区工作人员工资", "1002", 0, gross - withheld, "", ""),
                ],
                2,
            )
        )
        withheld_due += withheld
        if month.month % 2 == 0:
            vouchers.append(
                _pay(
                    _pick(rng, days, 10),
                    f"支付{month.month - 1}-{m}水电费",
                    "50010101",
                    _log_fen(rng, 300, 3000),
                    attachments=2,
                )
            )
        if month.month % 3 == 0:
            vouchers.append(
                _receive(_pick(rng, days, -3), "银行存款利息", "4401", _log_fen(rng, 10, 100))
            )
            vouchers.append(
                _pay(
                    _pick(rng, days, 5),
                    f"支付第{quarter}季度办公场所物业费",
                    "50010101",
                    _log_fen(rng, 1000, 10_000, 100),
                    counterparty=suppliers[0],
                    attachments=2,
                )
            )
        if month.month % 3 == 2:
            cash_items = ("购买饮用水", "报销市内交通费", "购买清洁用品")
            item = cash_items[int(rng.integers(len(cash_items)))]
            vouchers.append(
                _pay(
                    _pick(rng, days, 4),
                    item,
                    "50010101",
                    _log_fen(rng, 100, 1000),
                    credit_code="1001",
                    attachments=1,
                )
            )
        sundries = (
            ("购买办公用品", 150, 1500, 1),
            (f"支付{m}电话费及网络费", 100, 1000, 0),
            ("宣传资料印刷费", 200, 2000, 2),
            ("报销外出开会差旅费", 200, 2000, 0),
            ("购买打印纸及墨盒", 100, 1000, 1),
        )
        for k in rng.choice(len(sundries), size=int(rng.integers(0, 3)), replace=False):
            summary, low, high, supplier = sundries[int(k)]
            vouchers.append(
                _pay(
                    _pick(rng, days, 3),
                    summary,
                    "50010101",
                    _log_fen(rng, low, high),
                    counterparty=suppliers[supplier] if supplier else "",
                    attachments=int(rng.integers(1, 4)),
                )
            )
        if donations and month.month == 1:
            gift = _log_fen(rng, 1000, 9000, 100)
            vouchers.append(
                _receive(
                    _pick(rng, days, 0, 8),
                    "收到辖区单位春节慰问捐赠款",
                    "4401",
                    gift,
                    counterparty=suppliers[3],
                )
            )
            vouchers.append(
                _pay(_pick(rng, days, 10), "春节走访慰问困难群众", "50010102", gift, attachments=3)
            )
    if spec.daily_sundries:
        vouchers += everyday_vouchers(rng, spec, case, suppliers)
    return vouchers


# Everyday payments of a busy unit: (摘要, low 元, high 元, supplier index or -1). None of the
# summaries uses a project scope keyword; amounts are log-uniform over two decades (Benford).
EVERYDAY_ITEMS = (
    ("购买办公用品", 20, 2000, 1),
    ("购买打印纸及墨盒", 20, 2000, 1),
    ("报销市内交通费", 10, 1000, -1),
    ("购买饮用水", 10, 1000, -1),
    ("购买清洁用品", 10, 1000, -1),
    ("支付快递邮寄费", 10, 1000, -1),
    ("报销外出开会差旅费", 50, 5000, -1),
    ("支付复印装订费", 10, 1000, 2),
    ("宣传资料印刷费", 50, 5000, 2),
    ("支付居民议事会茶水费", 20, 2000, -1),
)


def everyday_vouchers(
    rng: np.random.Generator, spec: UnitSpec, case: LedgerCase, suppliers: list[str]
) -> list[Voucher]:
    """``spec.daily_sundries`` payments per working day on average (Poisson), drawn in bulk,
    and per month one receipt of 社区服务经费 covering them (rounded up to 100 元)."""
    days = common.working_days(case.first_month, common.month_end(case.last_month))
    per_day = rng.poisson(spec.daily_sundries, size=len(days))
    n = int(per_day.sum())
    day_index = np.repeat(np.arange(len(days)), per_day)
    items = rng.integers(len(EVERYDAY_ITEMS), size=n)
    low = np.log(np.array([item[1] for item in EVERYDAY_ITEMS], dtype=float) * 100)[items]
    high = np.log(np.array([item[2] for item in EVERYDAY_ITEMS], dtype=float) * 100)[items]
    amounts = np.maximum(1, np.round(np.exp(rng.uniform(low, high)))).astype(np.int64)
    attachments = rng.integers(1, 4, size=n)
    who = [suppliers[item[3]] if item[3] >= 0 else "" for item in EVERYDAY_ITEMS]
    vouchers = [
        _pay(
            days[d],
            EVERYDAY_ITEMS[i][0],
            "50010101",
            int(a),
            counterparty=who[i],
            attachments=int(k),
        )
        for d, i, a, k in zip(
            day_index.tolist(), items.tolist(), amounts.tolist(), attachments.tolist(), strict=True
        )
    ]
    months = np.array([day.year * 12 + day.month for day in days])[day_index]
    payer = case.basic_fund_payer.format(district=spec.district)
    for month in common.month_starts(case.first_month, case.last_month):
        spent = int(amounts[months == month.year * 12 + month.month].sum())
        if spent:
            workdays = common.working_days(month, common.month_end(month))
            vouchers.append(
                _receive(
                    workdays[0],
                    f"收到街道拨付{month.month}月社区服务经费",
                    "400101",
                    -(-spent // 10_000) * 10_000,
                    counterparty=payer,
                )
            )
    return vouchers


def project_vouchers(
    rng: np.random.Generator, spec: UnitSpec, case: LedgerCase, payees: dict[str, list[str]]
) -> list[Voucher]:
    """Receipt and spending of each grant the unit received, booked as ``spec.booking`` says."""
    last_day = common.month_end(case.last_month)
    payer = case.basic_fund_payer.format(district=spec.district)
    vouchers: list[Voucher] = []
    project_payments: list[Voucher] = []
    for grant in spec.grants:
        plan = case.grant_spending[grant.grant_type]
        separate = spec.booking != BOOKING_NONE
        vouchers.append(
            _receive(
                grant.arrived_date,
                plan.receipt_summary,
                "400102" if separate else "400101",
                grant.arrived_fen,
                counterparty=payer,
                project=grant.grant_type if separate else "",
                attachments=1,
                basic=False,
            )
        )
        n = int(rng.integers(plan.payments[0], plan.payments[1] + 1))
        spent = int(grant.arrived_fen * rng.uniform(*(spec.share_spent or plan.share_spent)))
        weights = rng.dirichlet(np.full(n, 3.0))
        amounts = np.floor(weights * spent).astype(np.int64)
        amounts[-1] += spent - int(amounts.sum())
        lo = grant.arrived_date + dt.timedelta(days=plan.days_after_arrival[0])
        hi = min(grant.arrived_date + dt.timedelta(days=plan.days_after_arrival[1]), last_day)
        days = common.working_days(lo, hi)
        dates = sorted(days[int(i)] for i in rng.choice(len(days), size=n, replace=n > len(days)))
        summaries = rng.choice(
            len(plan.payment_summaries), size=n, replace=n > len(plan.payment_summaries)
        )
        # A different payee for each payment of a grant: repeated small payments to one payee in
        # a month would look like split payments, which the case does not intend.
        who = payees[grant.grant_type]
        if n > len(who):
            raise ValueError(
                f"{spec.unit}: {n} payments but only {len(who)} payees for {grant.grant_type}"
            )
        chosen = rng.permutation(len(who))[:n]
        for date, amount, s, w in zip(dates, amounts, summaries, chosen, strict=True):
            voucher = _pay(
                date,
                plan.payment_summaries[int(s)],
                "50010201" if separate else "50010101",
                int(amount),
                project=grant.grant_type if separate else "",
                counterparty=who[int(w)],
                attachments=int(rng.integers(2, 6)),
                basic=False,
            )
            vouchers.append(voucher)
            project_payments.append(voucher)
        for extra in (e for e in spec.extra_payments if e.grant_type == grant.grant_type):
            amount = extra.amount_fen
            if extra.over_grant_fen is not None:
                amount = grant.arrived_fen - spent + extra.over_grant_fen
            vouchers.append(
                _pay(
                    extra.date,
                    extra.summary,
                    "50010201" if separate else "50010101",
                    int(amount),
                    project=grant.grant_type if separate else "",
                    counterparty=extra.counterparty,
                    attachments=extra.attachments,
                    basic=False,
                )
            )
            spent += int(amount)
    if spec.booking == BOOKING_PARTIAL and spec.mixed_payments:
        for k in sorted(rng.choice(len(project_payments), size=spec.mixed_payments, replace=False)):
            summary, _, amount, _, _, who = project_payments[int(k)].lines[0]
            project_payments[int(k)].lines[0] = (summary, "50010101", amount, 0, "", who)
    return vouchers


def add_blemishes(
    rng: np.random.Generator, vouchers: list[Voucher], spec: UnitSpec
) -> list[Voucher]:
    """Weekend postings and one payment entered twice, on ordinary basic vouchers only."""
    candidates = [
        i
        for i, v in enumerate(vouchers)
        if v.basic and v.kind == "付" and len(v.lines) == 2 and 8 <= v.date.day <= 20
    ]
    # The duplicated payment stays small so the pair does not also read as a split payment.
    small = [i for i in candidates if vouchers[i].lines[0][2] < 300_000]
    picks = rng.choice(len(candidates), size=spec.weekend_postings, replace=False)
    out = list(vouchers)
    for k in picks[: spec.weekend_postings]:
        v = out[candidates[int(k)]]
        day_off = v.date + dt.timedelta(days=5 - v.date.weekday())  # that week's Saturday …
        if chinese_calendar.is_workday(day_off):  # … unless it is a make-up workday (调休)
            day_off += dt.timedelta(days=1)
        out[candidates[int(k)]] = Voucher(day_off, v.kind, list(v.lines), v.attachments, v.basic)
    if spec.duplicate_payment:
        chosen = {candidates[int(k)] for k in picks}
        small = [i for i in small if i not in chosen]
        v = out[small[int(rng.integers(len(small)))]]
        out.append(Voucher(v.date, v.kind, list(v.lines), v.attachments, v.basic))
    return out


def number_vouchers(vouchers: list[Voucher], style: str) -> list[tuple[str, Voucher]]:
    """Sort by date (stable) and number per voucher word per month, as the software does."""
    ordered = sorted(vouchers, key=lambda v: v.date)
    counters: dict[tuple, int] = {}
    numbered = []
    for v in ordered:
        word = "记" if style == "记" else v.kind
        key = (v.date.year, v.date.month, word)
        counters[key] = counters.get(key, 0) + 1
        numbered.append((f"{word}-{counters[key]}", v))
    return numbered


def check_scope_words(vouchers: list[Voucher], keywords: tuple[str, ...], unit: str) -> None:
    """Basic bookkeeping must never look like project spending, and project payments must.

    The separate-accounting check keys on these words; a stray one would plant a finding
    the case does not intend.
    """
    for v in vouchers:
        summary = v.lines[0][0]
        has_word = any(word in summary for word in keywords)
        is_payment = not v.basic and v.kind == "付"
        if v.basic and has_word or is_payment and not has_word:
            raise AssertionError(f"{unit}: summary {summary!r} breaks the scope-keyword rule")


def _natural_debit(code: str) -> bool:
    return code[0] in ("1", "5")


def build_unit_ledger(
    rng: np.random.Generator,
    spec: UnitSpec,
    case: LedgerCase,
    suppliers: list[str],
    payees: dict[str, list[str]],
) -> dict:
    """Entries and display rows of one unit's 明细账 (amounts in fen)."""
    vouchers = basic_vouchers(rng, spec, case, suppliers) + project_vouchers(
        rng, spec, case, payees
    )
    check_scope_words(vouchers, case.scope_keywords, spec.unit)
    vouchers = add_blemishes(rng, vouchers, spec)
    numbered = number_vouchers(vouchers, spec.voucher_style)
    preparers = list(case.preparers) or common.fictional_names(rng, 2)
    entries = []
    for voucher_no, v in numbered:
        debit = sum(line[2] for line in v.lines)
        credit = sum(line[3] for line in v.lines)
        if debit != credit:
            raise AssertionError(f"{spec.unit} {voucher_no}: unbalanced voucher")
        preparer = preparers[int(rng.random() < 0.2)]
        for summary, code, dr, cr, project, who in v.lines:
            entries.append(
                dict(
                    date=v.date,
                    voucher=voucher_no,
                    summary=summary,
                    code=code,
                    debit=dr,
                    credit=cr,
                    project=project,
                    counterparty=who,
                    attachments=v.attachments,
                    preparer=preparer,
                )
            )
    # Opening balances large enough that cash and bank never go overdrawn.
    opening = {}
    for code, cushion in (("1001", (300, 1500)), ("1002", (20_000, 60_000))):
        running = np.cumsum([e["debit"] - e["credit"] for e in entries if e["code"] == code])
        low = min(0, int(running.min())) if running.size else 0
        opening[code] = -low + _yuan_fen(rng, *cushion)
    return dict(spec=spec, entries=entries, opening=opening)


def display_rows(ledger: dict, case: LedgerCase) -> list[dict]:
    """Rows as the export shows them: 上年结转, entries with running balances, monthly totals."""
    balances = dict(ledger["opening"])
    rows: list[dict] = []
    entries = ledger["entries"]
    by_month: dict[tuple[int, int], list[dict]] = {}
    for e in entries:
        by_month.setdefault((e["date"].year, e["date"].month), []).append(e)
    year_dr = year_cr = 0
    for month in common.month_starts(case.first_month, case.last_month):
        if month == case.first_month or month.month == 1:
            balances = {c: b for c, b in balances.items() if c.startswith(CARRIED_PREFIXES)}
            year_dr = year_cr = 0
            for code in sorted(balances):
                if balances[code]:
                    rows.append(
                        dict(
                            kind="opening",
                            date=month,
                            summary="上年结转",
                            code=code,
                            balance=balances[code],
                        )
                    )
        month_dr = month_cr = 0
        for e in by_month.get((month.year, month.month), []):
            sign = 1 if _natural_debit(e["code"]) else -1
            balances[e["code"]] = balances.get(e["code"], 0) + sign * (e["debit"] - e["credit"])
            rows.append(dict(kind="entry", **e, balance=balances[e["code"]]))
            month_dr += e["debit"]
            month_cr += e["credit"]
        year_dr += month_dr
        year_cr += month_cr
        end = common.month_end(month)
        rows.append(
            dict(kind="total", date=end, summary="本月合计", debit=month_dr, credit=month_cr)
        )
        rows.append(dict(kind="total", date=end, summary="本年累计", debit=year_dr, credit=year_cr))
    return rows


def _direction(code: str, balance: int) -> str:
    if balance == 0:
        return "平"
    natural = "借" if _natural_debit(code) else "贷"
    other = "贷" if natural == "借" else "借"
    return natural if balance > 0 else other


def _cells(row: dict, amount, date_fn) -> list:
    """One display row → the 13 schema.LEDGER columns."""
    blank = None
    if row["kind"] == "opening":
        return [
            date_fn(row["date"]),
            blank,
            row["summary"],
            row["code"],
            ACCOUNTS[row["code"]],
            blank,
            blank,
            _direction(row["code"], row["balance"]),
            amount(abs(row["balance"])),
            blank,
            blank,
            blank,
            blank,
        ]
    if row["kind"] == "total":
        return [
            date_fn(row["date"]),
            blank,
            row["summary"],
            blank,
            blank,
            amount(row["debit"]),
            amount(row["credit"]),
            blank,
            blank,
            blank,
            blank,
            blank,
            blank,
        ]
    return [
        date_fn(row["date"]),
        row["voucher"],
        row["summary"],
        row["code"],
        ACCOUNTS[row["code"]],
        amount(row["debit"]) if row["debit"] else blank,
        amount(row["credit"]) if row["credit"] else blank,
        _direction(row["code"], row["balance"]),
        amount(abs(row["balance"])),
        row["project"] or blank,
        row["counterparty"] or blank,
        row["attachments"],
        row["preparer"],
    ]


def title_lines(spec: UnitSpec, case: LedgerCase) -> list[str]:
    return [
        "明细账",
        f"核算单位：{spec.unit}",
        f"期间：{case.first_month:%Y年%m月}-{case.last_month:%Y年%m月}",
        *spec.extra_title_lines,
    ]


DATE_STYLES = {
    "chinese": lambda d: f"{d.year}年{d.month}月{d.day}日",
    "dotted": lambda d: f"{d:%Y.%m.%d}",
}


def with_blank_rows(cells: list[list], n: int) -> list[list]:
    """``n`` empty lines after month totals spread evenly through the export (no randomness:
    the positions follow from the row count)."""
    if n <= 0:
        return cells
    ends = [i for i, row in enumerate(cells) if row[2] == "本年累计"]
    picks = {ends[(k + 1) * len(ends) // (n + 1)] for k in range(n)}
    out: list[list] = []
    for i, row in enumerate(cells):
        out.append(row)
        if i in picks:
            out.append([None] * len(row))
    return out


def write_unit_ledger(
    ledger: dict, case: LedgerCase, folder: Path, *, timestamp=common.DEFAULT_TIMESTAMP
) -> dict:
    spec: UnitSpec = ledger["spec"]
    rows = display_rows(ledger, case)
    aliases = dict(spec.header_aliases)
    header = [aliases.get(c.header, c.header) for c in schema.LEDGER.columns]
    titles = title_lines(spec, case)
    stem = case.file_stem.format(community=spec.community)
    styled_date = DATE_STYLES.get(spec.date_style)
    if spec.amount_style == "yen":
        amount = lambda fen: "￥" + common.yuan_text(fen)  # noqa: E731
    elif spec.amount_style == "text":
        amount = common.yuan_text
    elif spec.file_format == "csv":
        amount = lambda fen: f"{int(fen) / 100:.2f}"  # noqa: E731
    else:
        amount = common.yuan
    if spec.file_format == "csv":
        path = folder / f"{stem}.csv"
        pad = [""] * (len(header) - 1)
        lines = [[t, *pad] for t in titles] + [header]
        body = [_cells(r, amount, styled_date or (lambda d: d.isoformat())) for r in rows]
        lines += with_blank_rows(body, spec.blank_rows)
        common.write_csv(path, lines, encoding=spec.csv_encoding)
    else:
        path = folder / f"{stem}.xlsx"
        wb, ws = common.new_workbook(schema.LEDGER.sheet)
        common.title_row(ws, 1, titles[0], len(header), size=16)
        for i, text in enumerate(titles[1:], start=2):
            ws.cell(row=i, column=1, value=text)
        formats = {0: "yyyy-mm-dd", 3: "@"}
        if spec.amount_style == "number":
            formats.update({5: "#,##0.00", 6: "#,##0.00", 8: "#,##0.00"})
        body = [_cells(r, amount, styled_date or (lambda d: d)) for r in rows]
        common.write_table(
            ws,
            header,
            with_blank_rows(body, spec.blank_rows),
            start_row=len(titles) + 1,
            formats=formats,
        )
        common.set_widths(ws, (11, 9, 34, 11, 30, 13, 13, 6, 14, 22, 34, 9, 8))
        common.save_workbook(wb, path, timestamp=timestamp)
    return dict(
        file=path.name,
        rows=len(rows) + max(spec.blank_rows, 0),
        entries=len(ledger["entries"]),
        header_row=len(titles) + 1,
        format=spec.file_format,
        amount_style=spec.amount_style,
    )
