"""Which community and which grant type each ledger line belongs to.

A ledger names its unit (the community's 居委会, a village committee, a social organisation);
the allocation records name the community that received the money and maybe the recipient
unit; a line's 项目 aux column names (or abbreviates) the grant type. These functions pair them,
always over the few distinct units, communities and project texts, never row by row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jixiao.account_codes import on_accounts
from jixiao.distinct import spread_text

from .common import blank
from .keys import code_keys, is_coded

_PAIRS_PER_BLOCK = 1 << 20  # unit × community tests per numpy call (bounded memory)


def _containing_pairs(units: pd.Series, names: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(unit, name) positions where the unit's text contains the name: every distinct pair
    tested once, in numpy's C loop, a block of units at a time."""
    unit_text = units.to_numpy(dtype=str)
    name_text = names.to_numpy(dtype=str)
    if not len(unit_text) or not len(name_text):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    step = max(1, _PAIRS_PER_BLOCK // len(name_text))
    found = []
    for start in range(0, len(unit_text), step):
        block = unit_text[start : start + step]
        hit = np.char.find(block[:, None], name_text[None, :]) >= 0
        rows, cols = np.nonzero(hit)
        found.append((rows + start, cols))
    return np.concatenate([r for r, _ in found]), np.concatenate([c for _, c in found])


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

    unit_index, community_index = _containing_pairs(unit_values, communities)
    pairs = pd.DataFrame(
        {
            "unit": unit_values.to_numpy()[unit_index],
            "candidate": communities.to_numpy()[community_index],
        }
    ).assign(length=lambda f: f["candidate"].str.len())
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
    community = spread_text(np.asarray(codes, dtype=np.int64), per_unique, index=ledger.index)
    return ledger.assign(community=community)


def prepare_ledger(ledger: pd.DataFrame, allocations: pd.DataFrame | None) -> pd.DataFrame:
    """The ledger as every check works on it: with each line's community, and its text keys
    coded once (:func:`.keys.code_keys`). A ledger already prepared is returned as it is, so a
    notebook prepares it once and every check it calls reuses the codes."""
    if "community" in ledger.columns or allocations is None:
        return code_keys(with_community(ledger, allocations))
    coded = code_keys(ledger)
    if not is_coded(coded["unit"]):  # a unit column that is not text: matched as with_community
        return code_keys(with_community(coded, allocations))
    # Each unit (a category) is matched once; the lines take their community's code straight
    # from their unit's code, without spelling out the community on every line first.
    units = pd.Series(coded["unit"].cat.categories, dtype="str")
    mapping = community_map(units, allocations)
    per_unit = mapping.set_index("unit")["community"].reindex(pd.Index(units)).to_numpy()
    unit_community, communities = pd.factorize(pd.Series(per_unit, dtype="str"), sort=True)
    codes = np.append(unit_community, -1)[coded["unit"].cat.codes.to_numpy()]
    community = pd.Categorical.from_codes(
        codes, dtype=pd.CategoricalDtype(pd.Index(communities, dtype="str"))
    )
    return coded.assign(community=pd.Series(community, index=coded.index))


def _project_lookup(distinct: pd.Series, grant_types) -> pd.Series:
    """Each distinct 项目 aux text's grant type: exact name, or one name containing the other."""
    grant_types = [str(g) for g in grant_types]
    texts = pd.Series(distinct, dtype="str").str.strip()
    uniques = pd.Series(pd.unique(texts.dropna()), dtype="str")
    lookup: dict[str, str] = {}
    for g in sorted(grant_types, key=len, reverse=True):  # a handful of grant types
        exact = uniques == g
        inside = np.char.find(g, uniques.to_numpy(dtype=str)) >= 0  # the text inside the name
        loose = uniques.str.contains(g, regex=False) | (pd.Series(inside) & (uniques != ""))
        for p in uniques[exact | loose]:
            lookup.setdefault(p, g)
    return texts.map(lookup).astype("str")


def _codes_into(values: pd.Series, categories: pd.Index) -> np.ndarray:
    """Positions of ``values`` among ``categories`` (-1 for missing or absent)."""
    return categories.get_indexer(pd.Index(values, dtype="str"))


def resolve_grant_type(
    ledger: pd.DataFrame, allocations: pd.DataFrame | None, grant_types, project_prefixes
) -> pd.Series:
    """The grant type each ledger line belongs to, or missing, as a categorical (the grant
    types in text order): worked out once per distinct 项目 text and per community.

    From the 项目 aux first; a line on a project account (``project_prefixes``, e.g. 400102 /
    500102) with the aux left blank is attributed to the community's grant type when the
    community received only one type, since then there is nothing to confuse it with.
    """
    project = (
        ledger["project"]
        if "project" in ledger.columns
        else pd.Series(pd.NA, index=ledger.index, dtype="str")
    )
    project_codes, projects = _distinct_codes(project)
    by_project = _project_lookup(pd.Series(projects, dtype="str"), grant_types)
    single = pd.Series(dtype="str")
    community_codes, communities = None, None
    if allocations is not None and not allocations.empty and "community" in ledger.columns:
        types = allocations.groupby("community", sort=True)["grant_type"].agg(["nunique", "first"])
        single = types.loc[types["nunique"] == 1, "first"].astype("str")
        community_codes, communities = _distinct_codes(ledger["community"])
    by_community = pd.Series(communities, dtype="str").map(single).astype("str")
    names = pd.concat([by_project, by_community]).dropna()
    categories = pd.Index(sorted(set(names)), dtype="str")
    codes = np.append(_codes_into(by_project, categories), -1)[project_codes]
    if community_codes is not None:
        fallback = np.append(_codes_into(by_community, categories), -1)[community_codes]
        take_fallback = (codes < 0) & on_accounts(ledger, project_prefixes).to_numpy(dtype=bool)
        codes = np.where(take_fallback, fallback, codes)
    resolved = pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories))
    return pd.Series(resolved, index=ledger.index)


def _distinct_codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Each value's position among the distinct values (-1 for missing): a coded column's own
    codes, else factorised."""
    if is_coded(values):
        return values.cat.codes.to_numpy().astype(np.int64), values.cat.categories
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), pd.Index(distinct)
