"""What every compliance check shares: the rule catalogue, the shape of a flagged row, and
small vectorised helpers (money and date text, unit ↔ community mapping, grant-type lookup).

A check returns *flagged rows*: one row per piece of evidence, with the rule that fired, a
Chinese sentence saying why, the amount at stake and the place in the raw files
(``source_file`` / ``source_sheet`` / ``source_row``). The findings register groups them.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from jixiao.account_codes import on_accounts
from jixiao.compliance.rules import RULES, CheckRule  # noqa: F401  (re-exported)
from jixiao.errors import ParameterError

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


def make_flags(rows: pd.DataFrame, rule: str, reason: pd.Series | str, amount_fen) -> pd.DataFrame:
    """Flagged rows in the standard shape, taking whatever context columns ``rows`` has."""
    info = RULES[rule]
    n = len(rows)
    if n == 0:
        return empty_flags()

    def take(name: str, dtype: str) -> pd.Series:
        if name in rows.columns:
            return rows[name].reset_index(drop=True).astype(dtype)
        return pd.Series(pd.NA, index=range(n), dtype=dtype)

    def aligned(values, dtype: str) -> pd.Series:
        # A Series built from ``rows`` is matched by label, anything else by position.
        if isinstance(values, pd.Series):
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
            "rule": pd.Series(rule, index=range(n), dtype="str"),
            "rule_name": pd.Series(info.name, index=range(n), dtype="str"),
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


def yuan_text(fen) -> pd.Series:
    """Integer fen → "1,234,567.89" (exact: no float on the way)."""
    values = pd.Series(fen).astype("int64").reset_index(drop=True)
    whole = values.abs() // 100
    cents = (values.abs() % 100).astype("str").str.zfill(2)

    def group(g: pd.Series, higher: pd.Series) -> pd.Series:
        # A group of three digits is zero-padded only when a higher group precedes it.
        text = g.astype("str")
        return text.where(~(higher > 0), text.str.zfill(3))

    rest = whole // 1000
    text = group(whole % 1000, rest)
    # One pass per group of three digits (at most seven for int64), not per row.
    while bool((rest > 0).any()):
        higher = rest // 1000
        text = text.where(~(rest > 0), group(rest % 1000, higher) + "," + text)
        rest = higher
    sign = pd.Series(np.where(values < 0, "-", ""), dtype="str")
    return sign + text + "." + cents


def date_text(dates) -> pd.Series:
    """Dates → "2018年5月16日" (blank for missing)."""
    d = pd.Series(pd.to_datetime(pd.Series(dates).reset_index(drop=True)))
    text = (
        d.dt.year.astype("Int64").astype("str")
        + "年"
        + d.dt.month.astype("Int64").astype("str")
        + "月"
    )
    text = text + d.dt.day.astype("Int64").astype("str") + "日"
    return text.fillna("").astype("str")


def blank(series: pd.Series) -> pd.Series:
    """True where a text cell is missing or whitespace only."""
    return series.isna() | (series.astype("str").str.strip() == "")


def keyword_pattern(keywords) -> str | None:
    words = [str(k).strip() for k in keywords if str(k).strip()]
    return "|".join(re.escape(w) for w in words) if words else None


def contains_any(text: pd.Series, keywords) -> pd.Series:
    pattern = keyword_pattern(keywords)
    if pattern is None:
        return pd.Series(False, index=text.index)
    return text.astype("str").str.contains(pattern, regex=True).fillna(False).astype(bool)


def first_match(text: pd.Series, keywords) -> pd.Series:
    """The first keyword (by list order of appearance in the text) found in each cell, or NA."""
    pattern = keyword_pattern(keywords)
    if pattern is None:
        return pd.Series(pd.NA, index=text.index, dtype="str")
    return text.astype("str").str.extract(f"({pattern})", expand=False).astype("str")


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


# ---------------------------------------------------------------- units and communities

UNIT_SUFFIXES = ("社区居民委员会", "居民委员会", "居委会", "村民委员会", "村委会")


def community_map(units, allocations: pd.DataFrame) -> pd.DataFrame:
    """Which community each ledger unit belongs to.

    A ledger unit is the community's 居委会 ("浏河社区居民委员会"), the allocation names the
    community ("浏河社区") and maybe the recipient unit. A unit matches when it equals the
    recipient unit, else when it contains the community name; the longest name wins so that a
    short name inside a longer one cannot steal the match. Work is over unique unit × community
    pairs, never over ledger rows.
    """
    unit_values = pd.Series(pd.unique(pd.Series(units, dtype="str").dropna()), dtype="str")
    result = pd.DataFrame(
        {"unit": unit_values, "community": pd.Series(pd.NA, index=unit_values.index, dtype="str")}
    )
    if allocations is None or allocations.empty or unit_values.empty:
        return result
    communities = pd.Series(pd.unique(allocations["community"].dropna().astype("str")), dtype="str")

    if "recipient_unit" in allocations.columns:
        direct = (
            allocations.loc[~blank(allocations["recipient_unit"]), ["recipient_unit", "community"]]
            .drop_duplicates("recipient_unit")
            .set_index("recipient_unit")["community"]
        )
        result["community"] = result["unit"].map(direct).astype("str")

    pairs = pd.merge(
        pd.DataFrame({"unit": unit_values}), pd.DataFrame({"candidate": communities}), how="cross"
    )
    hit = np.fromiter(
        (c in u for u, c in zip(pairs["unit"], pairs["candidate"], strict=True)), bool, len(pairs)
    )
    pairs = pairs.loc[hit].assign(length=lambda f: f["candidate"].str.len())
    best = pairs.sort_values(
        ["unit", "length", "candidate"], ascending=[True, False, True], kind="stable"
    )
    best = best.drop_duplicates("unit").set_index("unit")["candidate"]
    result["community"] = (
        result["community"].fillna(result["unit"].map(best).astype("str")).astype("str")
    )
    return result


def with_community(ledger: pd.DataFrame, allocations: pd.DataFrame | None) -> pd.DataFrame:
    """The ledger with a ``community`` column (kept as it is if already present)."""
    if "community" in ledger.columns:
        return ledger
    if allocations is None:
        return ledger.assign(community=pd.Series(pd.NA, index=ledger.index, dtype="str"))
    # Each distinct unit is matched once; the rows take their unit's community by code.
    codes, uniques = pd.factorize(ledger["unit"], use_na_sentinel=True)
    mapping = community_map(pd.Series(uniques, dtype="str"), allocations)
    per_unique = (
        mapping.set_index("unit")["community"].reindex(pd.Index(uniques, dtype="str")).to_numpy()
    )
    community = np.where(codes >= 0, per_unique[np.maximum(codes, 0)], None)
    return ledger.assign(community=pd.Series(community, index=ledger.index, dtype="str"))


def grant_type_of_project(project: pd.Series, grant_types) -> pd.Series:
    """Map the ledger's 项目 aux text to a grant type: exact name, or one name containing the other.

    Looked up over unique project texts only.
    """
    grant_types = [str(g) for g in grant_types]
    uniques = pd.Series(pd.unique(project.dropna().astype("str").str.strip()), dtype="str")
    lookup: dict[str, str] = {}
    for g in sorted(grant_types, key=len, reverse=True):  # a handful of grant types
        exact = uniques == g
        loose = uniques.str.contains(g, regex=False) | pd.Series(
            [p in g and p != "" for p in uniques], dtype=bool
        )
        for p in uniques[exact | loose]:
            lookup.setdefault(p, g)
    return project.astype("str").str.strip().map(lookup).astype("str")


def resolve_grant_type(
    ledger: pd.DataFrame, allocations: pd.DataFrame | None, grant_types, project_prefixes
) -> pd.Series:
    """The grant type each ledger line belongs to, or NA.

    From the 项目 aux first; a line on a project account (``project_prefixes``, e.g. 400102 /
    500102) with the aux left blank is attributed to the community's grant type when the
    community received only one type, since then there is nothing to confuse it with.
    """
    project = (
        ledger["project"]
        if "project" in ledger.columns
        else pd.Series(pd.NA, index=ledger.index, dtype="str")
    )
    resolved = grant_type_of_project(project, grant_types)
    if allocations is None or allocations.empty or "community" not in ledger.columns:
        return resolved
    types = allocations.groupby("community", sort=True)["grant_type"].agg(["nunique", "first"])
    single = types.loc[types["nunique"] == 1, "first"].astype("str")
    fallback = ledger["community"].map(single).astype("str")
    on_project_account = on_accounts(ledger, project_prefixes)
    return resolved.where(resolved.notna() | ~on_project_account, fallback).astype("str")
