"""General ledger analytics, the tests an auditor runs on any 明细账: duplicate payments,
voucher number gaps, postings on days off, round amounts, payments split under an approval
threshold, unbalanced vouchers. (Benford's first-digit test lives in :mod:`.benford`;
:func:`run_ledger_analytics` runs it too and adds its GL-07 flags.)

These are red flags for follow-up rather than findings in themselves; every threshold is a
parameter. All work is done with sorts, group-bys and merges over the whole ledger at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jixiao.account_codes import on_accounts
from jixiao.concurrency import side_by_side
from jixiao.distinct import spread_text
from jixiao.errors import ParameterError

from .attribution import prepare_ledger
from .benford import Z_CRITICAL, BenfordResult, benford_flags, benford_test, ledger_amounts
from .common import (
    blank,
    concat_flags,
    date_text,
    empty_flags,
    make_flags,
    require_columns,
    yuan_text,
)
from .digits import (
    POPULATIONS,
    DigitTestResult,
    last_two_digits_test,
    one_side_amounts,
    second_digit_test,
)
from .keys import (
    coalesced_codes,
    code_keys,
    combined_key,
    group_ids,
    group_totals,
    join_text,
    order_codes,
    sort_order,
    text_of,
)
from .workdays import day_kinds

EXPENSE_PREFIXES = ("5",)


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column in frame.columns:
        return text_of(frame[column]).fillna("")
    return pd.Series("", index=frame.index, dtype="str")


def _label_parts(lines: pd.DataFrame) -> tuple:
    return (
        lines["unit"],
        date_text(lines["date"]),
        _text(lines, "voucher"),
        "“",
        _text(lines, "summary"),
        "”",
    )


def _numbered_by_appearance(ids: np.ndarray) -> bool:
    """Whether ``ids`` already count 0, 1, 2, … in order of first appearance (then numbering
    them again in order of appearance gives the same numbers)."""
    if not len(ids):
        return True
    seen_before = np.maximum.accumulate(ids)
    return bool(ids[0] == 0 and (np.diff(seen_before) <= 1).all())


def _voucher_key(ledger: pd.DataFrame) -> pd.Series:
    """An integer id per voucher, numbered in order of first appearance. Numbers restart every
    month, so the date is part of the key. :func:`run_ledger_analytics` works the ids out once
    (``_voucher_id``) for all its tests."""
    if "_voucher_id" in ledger.columns:  # renumbered in order of appearance in these lines
        ids = ledger["_voucher_id"].to_numpy()
        if _numbered_by_appearance(ids):  # all the lines the ids were worked out on
            return ledger["_voucher_id"]
        return pd.Series(pd.factorize(ids)[0], index=ledger.index)
    cols = [
        c for c in ("unit", "voucher_type", "voucher_no", "voucher", "date") if c in ledger.columns
    ]
    return pd.Series(
        group_ids(*(ledger[c] for c in cols), missing_is_value=True), index=ledger.index
    )


# What a line-level test reads or cites: the filtered copy leaves the other columns behind.
_LINE_COLUMNS = (
    "unit",
    "community",
    "grant_type",
    "date",
    "voucher",
    "summary",
    "counterparty",
    "debit_fen",
    "source_file",
    "source_sheet",
    "source_row",
    "_voucher_id",
    "voucher_type",  # with voucher_no, the voucher key when _voucher_id is not worked out
    "voucher_no",
)


def _payments(ledger: pd.DataFrame, account_prefixes, also=(), amount_test=None) -> pd.DataFrame:
    """The payment lines (debits to the accounts), with only the columns the tests use;
    ``amount_test`` (a function of the debit column) narrows them before anything is copied."""
    require_columns(ledger, ("unit", "date", "account_code", "debit_fen"), "明细账")
    debit = ledger["debit_fen"]
    chosen = (debit > 0) & on_accounts(ledger, account_prefixes)
    if amount_test is not None:
        chosen &= amount_test(debit)
    return _lines(ledger, chosen, also)


def _lines(ledger: pd.DataFrame, chosen, also=()) -> pd.DataFrame:
    """The chosen lines with only the columns the tests read or cite."""
    wanted = dict.fromkeys((*_LINE_COLUMNS, *also))
    return ledger.loc[chosen, [c for c in wanted if c in ledger.columns]]


def duplicate_payments(
    ledger: pd.DataFrame,
    *,
    window_days: int = 7,
    account_prefixes=EXPENSE_PREFIXES,
    keys=("counterparty", "summary"),
) -> pd.DataFrame:
    """GL-01: two payments of the same amount to the same payee (or with the same 摘要) within
    ``window_days`` days, on different vouchers. Both lines are flagged."""
    if window_days < 0:
        raise ParameterError(f"window_days 不能为负：{window_days}")
    pay = _payments(ledger, account_prefixes, also=keys)
    voucher_ids = _voucher_key(pay).to_numpy()
    labels = {"counterparty": "往来单位", "summary": "摘要"}
    parts = []
    seen = pd.Index([])
    for key in keys:  # at most two passes
        if key not in pay.columns:
            continue
        # Positions of the lines with the key filled: arrays are taken, not a copy of the lines.
        keep = np.flatnonzero(~blank(pay[key]).to_numpy(dtype=bool))
        if len(keep) < 2:
            continue
        # Sorted by unit, key, amount, date and voucher on integer codes (text order).
        unit, text = order_codes(pay["unit"])[keep], order_codes(pay[key])[keep]
        amount, dates = pay["debit_fen"].to_numpy()[keep], pay["date"].to_numpy()[keep]
        day = np.where(np.isnat(dates), np.iinfo(np.int64).max, dates.view(np.int64))  # NaT last
        day = pd.factorize(day, sort=True)[0]  # dense day ranks keep the merged keys small
        order = sort_order(unit, text, amount, day, voucher_ids[keep])
        unit, text, amount, dates = unit[order], text[order], amount[order], dates[order]
        vouchers = voucher_ids[keep][order]
        same_prev = np.r_[
            False, (unit[1:] == unit[:-1]) & (text[1:] == text[:-1]) & (amount[1:] == amount[:-1])
        ]
        gap_prev = (
            np.r_[np.timedelta64(0, "D"), dates[1:] - dates[:-1]]
            .astype("timedelta64[D]")
            .astype("int64")
        )
        hit_prev = (
            same_prev & (gap_prev <= window_days) & np.r_[False, vouchers[1:] != vouchers[:-1]]
        )
        hit_next = np.r_[hit_prev[1:], False]
        hit = hit_prev | hit_next
        # The partner of each flagged line: the previous line if that one matched, else the next.
        partner = np.where(hit_prev, np.arange(len(keep)) - 1, np.arange(len(keep)) + 1)[hit]
        lines = pay.iloc[keep[order[hit]]]  # only the flagged lines are taken from the frame
        other = pay.iloc[keep[order[partner]]]
        fresh = ~lines.index.isin(seen)
        lines, other = lines.loc[fresh], other.loc[fresh]
        if lines.empty:
            continue
        seen = seen.append(lines.index)
        days = (
            (lines["date"].to_numpy() - other["date"].to_numpy())
            .astype("timedelta64[D]")
            .astype("int64")
        )
        reason = join_text(
            *_label_parts(lines),
            yuan_text(lines["debit_fen"]),
            "元，与",
            date_text(other["date"]),
            _text(other, "voucher"),
            "金额相同、",
            labels.get(key, key),
            "相同（“",
            lines[key],
            "”），相隔",
            pd.Series(np.abs(days)).astype("str"),
            "天，疑似重复支付。",
            index=lines.index,
        )
        parts.append(make_flags(lines, "GL-01", reason, lines["debit_fen"]))
    return concat_flags(parts)


def voucher_gaps(ledger: pd.DataFrame, *, start: int = 1) -> pd.DataFrame:
    """GL-02: missing voucher numbers per unit, voucher type and month (numbers run from
    ``start`` each month). One flagged row per run of missing numbers, citing the voucher just
    before the gap (or just after, for a gap at the start)."""
    require_columns(ledger, ("unit", "date", "voucher_type", "voucher_no"), "明细账")
    start = int(start)
    dates = ledger["date"].to_numpy("datetime64[us]")
    usable = (
        ledger["voucher_no"].notna().to_numpy()
        & ledger["unit"].notna().to_numpy()
        & ledger["voucher_type"].notna().to_numpy()
        & ~np.isnat(dates)
    )
    at = np.flatnonzero(usable)  # ledger positions; a line missing a key is in no sequence
    if not len(at):
        return empty_flags()
    unit = order_codes(ledger["unit"])[at]
    kind = order_codes(ledger["voucher_type"])[at]
    month = dates[at].astype("datetime64[M]").astype(np.int64)
    number = ledger["voucher_no"].to_numpy()[at].astype(np.int64)
    order = sort_order(unit, kind, month, number)  # stable: first occurrence first
    unit, kind, month, number, at = unit[order], kind[order], month[order], number[order], at[order]
    new_group = np.r_[True, (unit[1:] != unit[:-1]) | (kind[1:] != kind[:-1])]
    new_group[1:] |= month[1:] != month[:-1]
    first_seen = new_group | np.r_[True, number[1:] != number[:-1]]
    # One row per voucher number of a sequence (its first line in the ledger).
    unit, kind, month, number, at = (
        unit[first_seen],
        kind[first_seen],
        month[first_seen],
        number[first_seen],
        at[first_seen],
    )
    group = np.cumsum(new_group[first_seen]) - 1
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    count = np.diff(np.r_[starts, len(group)])
    largest = number[np.r_[starts[1:], len(group)] - 1]
    expected = largest - start + 1
    # Numbers below ``start`` would make expected < count; they are not gaps, just odd numbering.
    holes = np.flatnonzero(expected > count)
    if not len(holes):
        return empty_flags()
    lengths = expected[holes]
    owner = np.repeat(holes, lengths)
    candidate = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths) + start
    low = min(int(number.min()), start)
    width = int(max(int(number.max()), int(candidate.max()))) - low + 1
    present_key = group * width + (number - low)  # sorted: by group, then number
    wanted_key = owner * width + (candidate - low)
    found = np.searchsorted(present_key, wanted_key)
    found = np.minimum(found, len(present_key) - 1)
    gap = present_key[found] != wanted_key
    owner, candidate = owner[gap], candidate[gap]
    run_start = np.r_[True, (owner[1:] != owner[:-1]) | (np.diff(candidate) != 1)]
    first = candidate[run_start]
    last = candidate[np.r_[np.flatnonzero(run_start)[1:], len(candidate)] - 1]
    run_group = owner[run_start]
    cite = np.where(first > start, first - 1, last + 1)
    cited_at = at[np.searchsorted(present_key, run_group * width + (cite - low))]
    columns = [
        c
        for c in ("unit", "voucher_type", "voucher", "date", "source_file", "source_sheet")
        + ("source_row",)
        if c in ledger.columns
    ]
    cited = ledger.iloc[cited_at][columns]
    run_month = month[starts][run_group]
    kind_text = text_of(cited["voucher_type"]).reset_index(drop=True)
    first_text = pd.Series(first).astype("str")
    last_text = pd.Series(last).astype("str")
    n_missing = pd.Series(last - first + 1)
    span = kind_text + "-" + first_text
    span = span.where(n_missing == 1, span + "至" + kind_text + "-" + last_text)
    reason = join_text(
        cited["unit"],
        pd.Series(run_month // 12 + 1970).astype("str"),
        "年",
        pd.Series(run_month % 12 + 1).astype("str"),
        "月",
        kind_text,
        "字凭证缺号：",
        span,
        "（共",
        n_missing.astype("str"),
        "张）。",
        index=cited.index,
    )
    return make_flags(cited, "GL-02", reason, 0)


def off_day_postings(ledger: pd.DataFrame, *, use_holidays: bool = True) -> pd.DataFrame:
    """GL-03: lines dated on a weekend or public holiday that was not a make-up workday.

    With ``use_holidays`` off only Saturdays and Sundays count (no 调休 knowledge).
    """
    require_columns(ledger, ("unit", "date", "debit_fen"), "明细账")
    kinds = day_kinds(ledger["date"], use_holidays=use_holidays).set_index("date")
    off_dates = kinds.index[kinds["is_off"].to_numpy()]
    lines = _lines(ledger, ledger["date"].isin(off_dates))
    if lines.empty:
        return empty_flags()
    # The day's words, once per distinct date, spread to its lines.
    said = (
        "记账日为"
        + kinds["day_kind"].astype("str")
        + "（非工作日）"
        + ("；" + kinds["calendar_note"].astype("str")).where(kinds["calendar_note"] != "", "")
        + "。"
    )
    day = pd.Index(said.index).get_indexer(lines["date"])
    reason = join_text(
        *_label_parts(lines), spread_text(day, said.to_numpy(dtype=object)), index=lines.index
    )
    # Debits only, so a voucher's lines add up to its total once rather than twice.
    return make_flags(lines, "GL-03", reason, lines["debit_fen"])


def round_amounts(
    ledger: pd.DataFrame,
    *,
    multiple_fen: int = 100_000,
    min_fen: int = 1_000_000,
    account_prefixes=EXPENSE_PREFIXES,
) -> pd.DataFrame:
    """GL-04: payments of at least ``min_fen`` that are exact multiples of ``multiple_fen``
    (defaults: multiples of 1,000 元 from 10,000 元)."""
    if multiple_fen <= 0 or min_fen < 0:
        raise ParameterError(f"整数金额参数应为正：multiple_fen={multiple_fen}, min_fen={min_fen}")
    lines = _payments(
        ledger,
        account_prefixes,
        amount_test=lambda debit: (debit >= min_fen) & (debit % multiple_fen == 0),
    )
    if lines.empty:
        return empty_flags()
    reason = join_text(
        *_label_parts(lines),
        "金额",
        yuan_text(lines["debit_fen"]),
        "元，为" + yuan_text([multiple_fen]).iloc[0] + "元的整数倍。",
        index=lines.index,
    )
    return make_flags(lines, "GL-04", reason, lines["debit_fen"])


def split_payments(
    ledger: pd.DataFrame,
    *,
    threshold_fen: int = 1_000_000,
    account_prefixes=EXPENSE_PREFIXES,
    payee_period: str = "M",
) -> pd.DataFrame:
    """GL-05: payments each below the approval threshold that together exceed it.

    Two groupings, each needing at least two vouchers: the same day and the same payee (往来单位,
    or the 摘要 when the payee is blank); and the same payee within one ``payee_period``
    (pandas period alias, default a calendar month).
    """
    if threshold_fen <= 0:
        raise ParameterError(f"审批限额 threshold_fen 应为正数：{threshold_fen}")
    pay = _payments(ledger, account_prefixes, amount_test=lambda debit: debit < threshold_fen)
    if pay.empty:
        return empty_flags()
    payee, has_payee, names = coalesced_codes(pay, "counterparty", "summary")
    # Any number per voucher will do for telling vouchers apart: no renumbering needed.
    vouchers = pay["_voucher_id"] if "_voucher_id" in pay.columns else _voucher_key(pay)
    pay = pay.assign(
        _voucher=vouchers,
        _payee=payee,
        _period=pay["date"].dt.to_period(payee_period),
    )
    named = np.append(~names.str.strip().eq("").to_numpy(dtype=bool), False)[payee]
    hits = []
    amounts, voucher_ids = pay["debit_fen"].to_numpy(), pay["_voucher"].to_numpy()
    for keys, label, mask in (
        (["unit", "date", "_payee"], "同日同一对象", named),
        (["unit", "_payee", "_period"], "同一往来单位同期", has_payee),
    ):
        rows = np.flatnonzero(mask)  # positions: only the flagged lines are copied
        key, missing = combined_key(*(pay[k].iloc[rows] for k in keys))
        rows, key = rows[~missing], key[~missing]  # a missing key is no group
        total, count, several = group_totals(key, amounts[rows], voucher_ids[rows])
        hit = (total > threshold_fen) & several  # on at least two vouchers
        hits.append(pay.iloc[rows[hit]].assign(_label=label, _total=total[hit], _count=count[hit]))
    lines = pd.concat(hits).loc[lambda f: ~f.index.duplicated(keep="first")]
    if lines.empty:
        return empty_flags()
    lines = lines.assign(
        _payee=spread_text(lines["_payee"].to_numpy(), names.to_numpy(), lines.index)
    )
    lines = lines.sort_values(["unit", "date", "source_file", "source_row"], kind="stable")
    reason = join_text(
        *_label_parts(lines),
        yuan_text(lines["debit_fen"]),
        "元低于审批限额" + yuan_text([threshold_fen]).iloc[0] + "元，但",
        lines["_label"],
        "（“",
        lines["_payee"],
        "”）共",
        lines["_count"].astype("str"),
        "笔合计",
        yuan_text(lines["_total"]),
        "元，超过限额，疑似拆分支付。",
        index=lines.index,
    )
    return make_flags(lines, "GL-05", reason, lines["debit_fen"])


def unbalanced_vouchers(ledger: pd.DataFrame) -> pd.DataFrame:
    """GL-06: vouchers (per unit, type, number and date) whose debits and credits differ.
    One flagged row per voucher, citing its first line."""
    require_columns(ledger, ("unit", "date", "debit_fen", "credit_fen"), "明细账")
    voucher = _voucher_key(ledger).to_numpy()  # numbered in order of first appearance
    sums = (
        pd.DataFrame({"d": ledger["debit_fen"].to_numpy(), "c": ledger["credit_fen"].to_numpy()})
        .groupby(voucher, sort=True)
        .sum()
    )
    off = np.flatnonzero(sums["d"].to_numpy() != sums["c"].to_numpy())
    if not len(off):
        return empty_flags()
    first = np.r_[True, voucher[1:] > np.maximum.accumulate(voucher)[:-1]]
    at = np.flatnonzero(first & np.isin(voucher, off))
    lines = ledger.iloc[at]
    debit = pd.Series(sums["d"].to_numpy()[voucher[at]], index=lines.index)
    credit = pd.Series(sums["c"].to_numpy()[voucher[at]], index=lines.index)
    reason = join_text(
        lines["unit"],
        date_text(lines["date"]),
        _text(lines, "voucher"),
        "借方合计",
        yuan_text(debit),
        "元，贷方合计",
        yuan_text(credit),
        "元，相差",
        yuan_text((debit - credit).abs()),
        "元。",
        index=lines.index,
    )
    return make_flags(lines, "GL-06", reason, (debit - credit).abs())


@dataclass(frozen=True)
class LedgerAnalytics:
    flags: pd.DataFrame  # GL-01 … GL-07
    benford: BenfordResult
    second_digit: DigitTestResult | None = None
    last_two_digits: DigitTestResult | None = None
    benford_population: str = "all_lines"  # a key of digits.POPULATIONS

    @property
    def population_label(self) -> str:
        return POPULATIONS[self.benford_population]


def run_ledger_analytics(
    ledger: pd.DataFrame,
    *,
    window_days: int = 7,
    use_holidays: bool = True,
    round_multiple_fen: int = 100_000,
    round_min_fen: int = 1_000_000,
    approval_threshold_fen: int = 1_000_000,
    payee_period: str = "M",
    benford_min_count: int = 1000,
    benford_z_critical: float = Z_CRITICAL,
    account_prefixes=EXPENSE_PREFIXES,
    allocations: pd.DataFrame | None = None,
    benford_population: str = "all_lines",
    period: tuple | None = None,
) -> LedgerAnalytics:
    """Every general-ledger test with the given parameters. With ``allocations`` the flags
    carry each unit's community, so the register groups them with the other checks.

    The Benford test runs on every line's amount (debit, else credit); when it does not conform
    and there were at least ``benford_min_count`` amounts, the lines with a significantly
    over-represented first digit are GL-07 flags (a population too small gives no flag).

    ``benford_population="expense_debits"`` tests one side of each entry instead: the debits
    to the ``account_prefixes`` accounts (within ``period`` when given), so no amount is
    counted twice; the second-digit and last-two-digits tests run on the same amounts.
    """
    if benford_population not in POPULATIONS:
        raise ParameterError(
            f"benford_population 应为 {'、'.join(POPULATIONS)} 之一，收到 {benford_population!r}"
        )
    ledger = prepare_ledger(ledger, allocations) if allocations is not None else code_keys(ledger)
    ledger = ledger.assign(_voucher_id=_voucher_key(ledger))
    if benford_population == "expense_debits":
        amounts = one_side_amounts(ledger, account_prefixes=account_prefixes, period=period)
    else:
        amounts = ledger_amounts(ledger)
    # Every line is tested unless the population is one side: no copy of the ledger then.
    tested_lines = ledger if amounts.index.equals(ledger.index) else ledger.loc[amounts.index]
    benford = benford_test(amounts, min_count=benford_min_count)
    # Independent tests of the same lines, side by side; results in rule order.
    *tests, second, last_two = side_by_side(
        lambda: duplicate_payments(
            ledger, window_days=window_days, account_prefixes=account_prefixes
        ),
        lambda: voucher_gaps(ledger),
        lambda: off_day_postings(ledger, use_holidays=use_holidays),
        lambda: round_amounts(
            ledger,
            multiple_fen=round_multiple_fen,
            min_fen=round_min_fen,
            account_prefixes=account_prefixes,
        ),
        lambda: split_payments(
            ledger,
            threshold_fen=approval_threshold_fen,
            account_prefixes=account_prefixes,
            payee_period=payee_period,
        ),
        lambda: unbalanced_vouchers(ledger),
        lambda: benford_flags(
            benford, tested_lines, amounts=amounts, z_critical=benford_z_critical
        ),
        lambda: second_digit_test(amounts, min_count=benford_min_count),
        lambda: last_two_digits_test(amounts, min_count=benford_min_count),
    )
    flags = concat_flags(tests)
    return LedgerAnalytics(
        flags,
        benford,
        second_digit=second,
        last_two_digits=last_two,
        benford_population=benford_population,
    )
