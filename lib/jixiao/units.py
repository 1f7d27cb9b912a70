"""Which ledger belongs to which grant recipient, checked before any compliance check runs.

A ledger's unit is the accounting unit named by its title line or file name (often the
community's 居民委员会); a grant in the allocation records names a community and maybe the
recipient unit. The compliance checks pair them with :func:`jixiao.compliance.attribution.community_map`;
this module lists what that pairing leaves alone — a ledger whose unit matches no grant, a grant
recipient with no ledger — with the closest names on the other side, so a spelling difference
(社区 vs 社区居民委员会, 居委会 vs 居民委员会) is settled in ``parameters.toml`` ``[units]``
instead of becoming a false 「未提供其明细账」 finding.
"""

from __future__ import annotations

import difflib

import pandas as pd

from jixiao.readers import nfkc

UNIT_CHECK_COLUMNS = ("kind", "name", "closest", "advice")
UNIT_CHECK_HEADERS = {
    "kind": "核对结果",
    "name": "名称",
    "closest": "最接近的名称",
    "advice": "处理建议",
}
LEDGER_WITHOUT_GRANT = "明细账核算单位未对应任何资金下达记录"
GRANT_WITHOUT_LEDGER = "资金下达单位没有对应的明细账"
# Words that differ between a community's name and its committee's, ignored when ranking names.
_COMMON_SUFFIXES = ("居民委员会", "居委会", "委员会")
MAX_CLOSEST = 3


def comparison_key(name: str) -> str:
    """A name as compared: NFKC, no whitespace, without the committee suffix."""
    key = "".join(nfkc(str(name)).split())
    for suffix in _COMMON_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


def same_unit(first: str, second: str) -> bool:
    """True when two spellings name one unit: equal, or one contains the other once compared.

    明细账_浏河社区.xlsx with the title line 核算单位：浏河社区居民委员会 is one unit;
    中天社区 and 兴隆社区 are two.
    """
    return same_keys(comparison_key(first), comparison_key(second))


def same_keys(a: str, b: str) -> bool:
    """:func:`same_unit` of two names' :func:`comparison_key`."""
    return bool(a) and bool(b) and (a == b or a in b or b in a)


def closest_names(name: str, candidates, limit: int = MAX_CLOSEST) -> list[str]:
    """Up to ``limit`` candidates most like ``name`` (difflib ratio ≥ 0.6: 星隆社区 ~ 兴隆社区)."""
    keyed = {comparison_key(c): c for c in candidates}
    hits = difflib.get_close_matches(comparison_key(name), list(keyed), n=limit, cutoff=0.6)
    return [keyed[h] for h in hits]


def _grant_names(allocations: pd.DataFrame) -> pd.Series:
    """One name per grant recipient: the recipient unit when given, else the community."""
    community = allocations["community"].astype("str")
    if "recipient_unit" in allocations.columns:
        unit = allocations["recipient_unit"].astype("str").str.strip()
        return unit.where(unit.notna() & (unit != ""), community)
    return community


def unit_check(ledger_units, allocations: pd.DataFrame) -> pd.DataFrame:
    """Ledger units matching no grant and grant recipients with no ledger, closest names offered.

    Pairs by the rule the compliance checks use (recipient unit equal to the ledger unit, else
    the community's name inside the unit's); works on distinct names only. An empty frame means
    every ledger and every grant found its other half.
    """
    from jixiao.compliance.attribution import community_map

    units = pd.Series(pd.unique(pd.Series(ledger_units, dtype="str").dropna()), dtype="str")
    rows: list[dict] = []
    if allocations is None or allocations.empty:
        return pd.DataFrame(columns=list(UNIT_CHECK_COLUMNS), dtype="str")
    mapping = community_map(units, allocations)
    grants = allocations.assign(_name=_grant_names(allocations))
    grant_names = list(pd.unique(grants["_name"].dropna()))
    for unit in mapping.loc[mapping["community"].isna(), "unit"]:
        closest = closest_names(unit, grant_names)
        rows.append(
            {
                "kind": LEDGER_WITHOUT_GRANT,
                "name": unit,
                "closest": "、".join(closest),
                "advice": _advice(unit, closest),
            }
        )
    covered = set(mapping["community"].dropna())
    missing = grants.loc[~grants["community"].isin(covered)].drop_duplicates("community")
    for name in missing["_name"]:
        closest = closest_names(name, units.tolist())
        rows.append(
            {
                "kind": GRANT_WITHOUT_LEDGER,
                "name": name,
                "closest": "、".join(closest),
                "advice": _advice(closest[0], [name]) if closest else "确认该单位是否提供了明细账",
            }
        )
    return pd.DataFrame(rows, columns=list(UNIT_CHECK_COLUMNS)).astype("str")


def _advice(written: str, closest: list[str]) -> str:
    if not closest:
        return "核对资金下达记录中的单位名称，或确认该明细账是否属于本项目"
    return (
        f"如果「{written}」就是「{closest[0]}」，在 parameters.toml 的 [units] 中写 "
        f'"{written}" = "{closest[0]}"，或将明细账文件改名'
    )


def unit_check_table(check: pd.DataFrame) -> pd.DataFrame:
    """:func:`unit_check` with Chinese headers, for the evaluator to read."""
    return check.rename(columns=UNIT_CHECK_HEADERS)
