"""Account codes (科目编码) as the checks compare them.

Ledgers write the same account in several ways: ``500102`` (用友), ``5001.02`` (金蝶),
``5001-02`` or ``5001 02``. The loader keeps the code as the export shows it in
``account_code`` (evidence quotes it) and adds ``account_key``, the code with its separators
removed; every rule that selects accounts by prefix compares keys with keys, so a rule written
``500102`` finds ``5001.02`` and the other way round.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from jixiao.distinct import per_distinct

# Separators between the levels of an account code: . - _ / · and spaces (after NFKC, so the
# full-width forms are already half-width).
CODE_SEPARATORS = r"[.\-_/·\s]"


def _keys_of_distinct(codes: pd.Series) -> pd.Series:
    return codes.astype("str").str.replace(CODE_SEPARATORS, "", regex=True)


def account_key(codes: pd.Series) -> pd.Series:
    """The comparison key of each code: separators removed (NA stays NA).

    A ledger has a few hundred distinct codes over up to millions of lines: the key is worked
    out once per distinct code and spread back by the codes' positions.
    """
    return per_distinct(codes, _keys_of_distinct)


def key_of_prefix(prefix: object) -> str:
    return _key_of_text(str(prefix))


@functools.lru_cache(maxsize=4096)
def _key_of_text(text: str) -> str:
    # A rule names a few prefixes and every check asks for them again: worked out once, the
    # same way as the ledger's keys (so the two always compare alike).
    return account_key(pd.Series([text])).iloc[0]


class ChartPrefixes(tuple):
    """One account role's prefixes when the units keep different charts (会计制度).

    Read as a tuple it is the union of every chart's prefixes (what a message lists); to
    :func:`on_accounts` each line is compared with its own unit's chart only, so an operator on
    民间非营利组织会计制度 (5101 业务活动成本) and a unit on 政府会计制度 (whose 5001 / 5101 are the
    财务会计 side, never budget spending) are each read right. ``by_chart`` maps a chart to its
    prefixes, ``unit_charts`` a unit (as the ledgers name it) to its chart; a unit not listed
    keeps ``default``. ``same(a, b)`` says whether two spellings name one unit (the profile
    passes :func:`jixiao.units.same_unit`; equality by default).
    """

    by_chart: dict[str, tuple[str, ...]]
    unit_charts: dict[str, str]
    default: str

    def __new__(cls, by_chart: dict, unit_charts: dict, default: str, same=None):
        union = tuple(dict.fromkeys(p for own in by_chart.values() for p in own))
        made = super().__new__(cls, union)
        made.by_chart = {name: tuple(own) for name, own in by_chart.items()}
        made.unit_charts = dict(unit_charts)
        made.default = default
        made.same = same or (lambda a, b: a == b)
        return made

    def __add__(self, other):
        """Two roles together (project income + project expense), chart by chart."""
        other_by = getattr(other, "by_chart", {self.default: tuple(other)})
        charts = dict.fromkeys([*self.by_chart, *other_by])
        merged = {
            c: self.by_chart.get(c, ())
            + tuple(p for p in other_by.get(c, ()) if p not in self.by_chart.get(c, ()))
            for c in charts
        }
        return ChartPrefixes(merged, self.unit_charts, self.default, self.same)

    def __reduce__(self):
        return (ChartPrefixes, (self.by_chart, self.unit_charts, self.default, self.same))

    def charts_of(self, ledger: pd.DataFrame) -> pd.Series:
        """The chart of each line, from its ``unit`` (once per distinct unit)."""
        if "unit" not in ledger.columns:
            return pd.Series(self.default, index=ledger.index, dtype="str")

        def chart(units: pd.Series) -> pd.Series:
            found = []
            for unit in units.astype("str"):  # distinct units: a handful
                hits = [c for u, c in self.unit_charts.items() if self.same(unit, u)]
                found.append(hits[0] if hits else self.default)
            return pd.Series(found, dtype="object")

        return per_distinct(ledger["unit"], chart).fillna(self.default)


def closing_lines(ledger: pd.DataFrame, closing_prefixes) -> pd.Series:
    """True for every line of a closing voucher (期末结转): a voucher with a line on one of
    ``closing_prefixes`` (the 结转结余 / 净资产 accounts the year-end entries close income and
    expense into). Such a voucher credits each expense account with the year's spending and
    debits each income account with the year's receipts; counted as debit minus credit it would
    cancel the year. A voucher is one unit's voucher reference on one date."""
    none = pd.Series(False, index=ledger.index)
    if not len(as_prefixes(closing_prefixes)) or ledger.empty:
        return none
    on_closing = on_accounts(ledger, closing_prefixes)
    if not on_closing.any():
        return none
    keys = [c for c in ("unit", "voucher", "date") if c in ledger.columns]
    if not keys:
        return on_closing
    return on_closing.groupby([ledger[k] for k in keys], sort=False, dropna=False).transform("any")


def as_prefixes(value) -> tuple:
    """Account prefixes as a tuple, a :class:`ChartPrefixes` kept whole."""
    if isinstance(value, ChartPrefixes):
        return value
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def on_accounts(ledger: pd.DataFrame, prefixes) -> pd.Series:
    """True for the lines whose account starts with one of ``prefixes`` (compared as keys).

    Uses the ledger's ``account_key`` column when the loader made one, else derives it.
    ``prefixes`` is one code or several, or a :class:`ChartPrefixes` (each line compared with
    its own unit's chart).
    """
    if isinstance(prefixes, ChartPrefixes):
        charts = prefixes.charts_of(ledger).to_numpy(dtype=object)
        on = np.zeros(len(ledger), dtype=bool)
        for chart, own in prefixes.by_chart.items():
            mine = charts == chart
            if mine.any():
                on |= mine & on_accounts(ledger, tuple(own)).to_numpy(dtype=bool)
        return pd.Series(on, index=ledger.index)
    if isinstance(prefixes, str):
        prefixes = (prefixes,)
    keys = tuple(k for k in (key_of_prefix(p) for p in prefixes if str(p).strip()) if k)
    if not keys:
        return pd.Series(False, index=ledger.index)
    has_keys = "account_key" in ledger.columns
    codes = ledger["account_key" if has_keys else "account_code"]
    if isinstance(codes.dtype, pd.CategoricalDtype):  # coded once per run: test each category
        positions, distinct = codes.cat.codes.to_numpy(), codes.cat.categories
    else:
        positions, distinct = pd.factorize(codes, use_na_sentinel=True)
    distinct = pd.Series(distinct, dtype="str")
    if not has_keys:
        distinct = _keys_of_distinct(distinct)
    hit = distinct.str.startswith(keys).fillna(False).to_numpy(dtype=bool)
    on = np.zeros(len(positions), dtype=bool)
    known = positions >= 0
    on[known] = hit[positions[known]]
    return pd.Series(on, index=ledger.index)
