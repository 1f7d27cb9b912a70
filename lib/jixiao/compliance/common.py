"""What every compliance check shares: the shape of a flagged row and small vectorised helpers
(money and date text, keyword matches). The rule catalogue is :mod:`.rules`; which community
and grant type a line belongs to is :mod:`.attribution`.

A check returns *flagged rows*: one row per piece of evidence, with the rule that fired, a
Chinese sentence saying why, the amount at stake and the place in the raw files
(``source_file`` / ``source_sheet`` / ``source_row``). The findings register groups them.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jixiao.compliance.rules import RULES, CheckRule  # noqa: F401  (re-exported)
from jixiao.distinct import per_distinct, spread_text
from jixiao.errors import ParameterError

from .keys import blank_text, is_coded, text_of

FLAG_COLUMNS = (
    "rule",
    "rule_name",
    "reason",
    "amount_fen",
    "unit",
    "community",
    "grant_type",
    "date",
    "voucher",
    "source_file",
    "source_sheet",
    "source_row",
)


def empty_flags() -> pd.DataFrame:
    # Most rules find nothing: a copy of one empty frame costs a fraction of building it.
    return _EMPTY_FLAGS.copy()


def _empty_flags() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rule": pd.Series(dtype="str"),
            "rule_name": pd.Series(dtype="str"),
            "reason": pd.Series(dtype="str"),
            "amount_fen": pd.Series(dtype="int64"),
            "unit": pd.Series(dtype="str"),
            "community": pd.Series(dtype="str"),
            "grant_type": pd.Series(dtype="str"),
            "date": pd.Series(dtype="datetime64[us]"),
            "voucher": pd.Series(dtype="str"),
            "source_file": pd.Series(dtype="str"),
            "source_sheet": pd.Series(dtype="str"),
            "source_row": pd.Series(dtype="Int64"),
        }
    )


_EMPTY_FLAGS = _empty_flags()


def _repeated(text: str, n: int) -> pd.Series:
    """``text`` on ``n`` rows, filled by Arrow (no Python object per row)."""
    return pd.Series(pd.array(pa.repeat(pa.scalar(text, pa.large_string()), n), dtype="str"))


def make_flags(rows: pd.DataFrame, rule: str, reason: pd.Series | str, amount_fen) -> pd.DataFrame:
    """Flagged rows in the standard shape, taking whatever context columns ``rows`` has."""
    info = RULES[rule]
    n = len(rows)
    if n == 0:
        return empty_flags()

    def take(name: str, dtype: str) -> pd.Series:
        if name in rows.columns:
            column = rows[name].reset_index(drop=True)
            return text_of(column) if dtype == "str" else column.astype(dtype)
        return pd.Series(pd.NA, index=range(n), dtype=dtype)

    def aligned(values, dtype: str) -> pd.Series:
        # A Series built from ``rows`` is matched by label, anything else by position.
        if isinstance(values, pd.Series):
            if values.index.equals(rows.index):
                return values.reset_index(drop=True).astype(dtype)
            if (
                values.index.is_unique
                and rows.index.is_unique
                and values.index.isin(rows.index).all()
                and len(values) == n
            ):
                values = values.reindex(rows.index)
            return values.reset_index(drop=True).astype(dtype)
        if np.isscalar(values):
            return pd.Series(values, index=range(n), dtype=dtype)
        return pd.Series(np.asarray(values)).astype(dtype)

    out = pd.DataFrame(
        {
            "rule": _repeated(rule, n),
            "rule_name": _repeated(info.name, n),
            "reason": aligned(reason, "str"),
            "amount_fen": aligned(amount_fen, "int64"),
            "unit": take("unit", "str"),
            "community": take("community", "str"),
            "grant_type": take("grant_type", "str"),
            "date": take("date", "datetime64[us]"),
            "voucher": take("voucher", "str"),
            "source_file": take("source_file", "str"),
            "source_sheet": take("source_sheet", "str"),
            "source_row": take("source_row", "Int64"),
        }
    )
    return out


def concat_flags(frames) -> pd.DataFrame:
    frames = [f for f in frames if f is not None and len(f)]
    if not frames:
        return empty_flags()
    return pd.concat([f.loc[:, list(FLAG_COLUMNS)] for f in frames], ignore_index=True)


# ---------------------------------------------------------------- text helpers (vectorised)


def yuan_text(fen, *, repeating: bool = False) -> pd.Series:
    """Integer fen → "1,234,567.89" (exact: no float on the way). With ``repeating`` (a few
    amounts over many lines, such as a grant's allocation) each distinct amount is written once."""
    values = pd.Series(fen).astype("int64").to_numpy()
    if repeating:
        positions, distinct = pd.factorize(values)
        return pd.Series(yuan_text(distinct).array.take(positions))
    magnitude = np.abs(values)
    whole, cents = magnitude // 100, magnitude % 100

    def digits(numbers: np.ndarray, width: int = 1) -> pa.Array:
        text = pc.cast(pa.array(numbers), pa.string())
        return pc.utf8_lpad(text, width=width, padding="0") if width > 1 else text

    # Groups of three digits, lowest first; one Arrow pass per group (at most seven), not per row.
    groups = [whole % 1000]
    rest = whole // 1000
    while rest.any():
        groups.append(rest % 1000)
        rest = rest // 1000
    count = np.ones(len(values), dtype=np.int64)
    above = whole // 1000
    while above.any():
        count += above > 0
        above = above // 1000
    empty = pa.scalar("", pa.string())
    pieces = [pa.array(np.where(values < 0, "-", ""), pa.string())]
    for level in range(len(groups) - 1, -1, -1):
        leading = pc.if_else(pa.array(count == level + 1), digits(groups[level]), empty)
        inner = pc.binary_join_element_wise(",", digits(groups[level], 3), empty)
        pieces.append(pc.if_else(pa.array(count > level + 1), inner, leading))
    pieces += [pa.scalar(".", pa.string()), digits(cents, 2)]
    joined = pc.binary_join_element_wise(*pieces, empty)
    return pd.Series(pd.array(joined, dtype="str"))


def _date_text_distinct(d: pd.Series) -> pd.Series:
    d = pd.Series(pd.to_datetime(d))
    return (
        d.dt.year.astype("Int64").astype("str")
        + "年"
        + d.dt.month.astype("Int64").astype("str")
        + "月"
        + d.dt.day.astype("Int64").astype("str")
        + "日"
    )


_MICROSECONDS_A_DAY = 86_400_000_000
# Past this many calendar days between the earliest and the latest date, the dates are written
# once per distinct date instead of once per calendar day.
_MAX_DAY_SPAN = 100_000


def date_text(dates) -> pd.Series:
    """Dates → "2018年5月16日" (blank for missing).

    A ledger's dates lie within a few years: each calendar day from the earliest to the
    latest is written once and the lines take their day's text by position (no hashing)."""
    d = pd.Series(pd.to_datetime(pd.Series(dates).reset_index(drop=True)))
    stamps = d.to_numpy("datetime64[us]")
    missing = np.isnat(stamps)
    days = stamps.view(np.int64) // _MICROSECONDS_A_DAY
    known = days[~missing]
    if not len(known) or known.max() - known.min() > _MAX_DAY_SPAN:
        return per_distinct(d, _date_text_distinct).fillna("").astype("str")
    first, last = int(known.min()), int(known.max())
    texts = _calendar_text(first, last)
    return spread_text(np.where(missing, len(texts) - 1, days - first), texts)


@functools.lru_cache(maxsize=64)
def _calendar_text(first: int, last: int) -> np.ndarray:
    """The text of every day from ``first`` to ``last`` (days since 1970), then "" (missing).
    Every check writes dates over the same ledger period: the calendar is written once."""
    calendar = np.arange(first, last + 1).astype("datetime64[D]")
    texts = np.append(_date_text_distinct(pd.Series(calendar)).to_numpy(dtype=object), "")
    texts.flags.writeable = False
    return texts


def line_opening(lines: pd.DataFrame, amount_fen) -> tuple:
    """The opening of a line's flag sentence, as :func:`.keys.join_text` parts:
    "浏河社区居民委员会2017年3月5日“购办公用品”1,234.00" (unit, date, 摘要, amount in 元)."""
    return (
        lines["unit"],
        date_text(lines["date"]),
        "“",
        text_of(lines["summary"]).fillna(""),
        "”",
        yuan_text(amount_fen),
    )


def blank(series: pd.Series) -> pd.Series:
    """True where a text cell is missing or whitespace only."""
    return blank_text(series)


def keyword_pattern(keywords) -> str | None:
    words = [str(k).strip() for k in keywords if str(k).strip()]
    return "|".join(re.escape(w) for w in words) if words else None


def contains_any(text: pd.Series, keywords) -> pd.Series:
    pattern = keyword_pattern(keywords)
    if pattern is None:
        return pd.Series(False, index=text.index)
    return per_distinct(
        text if is_coded(text) else text.astype("str"),
        lambda t: t.astype("str").str.contains(pattern, regex=True).fillna(False),
        missing=False,
        dtype=bool,
    )


def first_match(text: pd.Series, keywords) -> pd.Series:
    """The first keyword (by list order of appearance in the text) found in each cell, or NA."""
    pattern = keyword_pattern(keywords)
    if pattern is None:
        return pd.Series(pd.NA, index=text.index, dtype="str")
    return per_distinct(
        text if is_coded(text) else text.astype("str"),
        lambda t: t.astype("str").str.extract(f"({pattern})", expand=False).astype("str"),
    )


def require_columns(frame: pd.DataFrame, columns, what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(
            f"{what}缺少列：{'、'.join(missing)}（应为规范化后的表，见 jixiao.schema）"
        )


def as_timestamp(value, name: str) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"参数 {name} 不是日期：{value!r}") from exc
    if pd.isna(stamp):
        raise ParameterError(f"参数 {name} 不能为空")
    return stamp.normalize()
