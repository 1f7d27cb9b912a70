"""Selection: which items to examine (审计抽样第二步：选取样本).

Statistical methods (simple random, systematic, monetary unit / PPS, stratified) and
non-statistical ones (key items, items a compliance check flagged, judgemental picks with a
written reason) each return a :class:`Selection`; :func:`combine_selections` merges them
without double counting and every selected row says why it was chosen. :func:`select_sample`
is the whole step.

This module is the public face of selection; the parts live in
:mod:`.population` (the canonical frame and item ids), :mod:`.selection` (the result),
:mod:`.statistical` and :mod:`.non_statistical`. How random draws stay reproducible is
described in :mod:`.statistical`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

import pandas as pd

from jixiao.errors import ParameterError
from jixiao.schema import PROVENANCE_COLUMNS

from ._common import yuan_short
from .non_statistical import select_flagged, select_judgemental, select_key_items
from .population import (
    AMOUNT_COLUMN,
    ID_COLUMN,
    item_ids,
    population_from_ledger,
    prepare_population,
)
from .selection import (
    FLAGGED,
    JUDGEMENTAL,
    KEY_ITEMS,
    MUS,
    MUS_CELL,
    NON_STATISTICAL,
    RANDOM,
    SELECTION_COLUMNS,
    STATISTICAL_METHODS,
    STRATIFIED,
    SYSTEMATIC,
    Selection,
)
from .statistical import (
    ALLOCATIONS,
    allocate,
    select_mus,
    select_random,
    select_stratified,
    select_systematic,
)

__all__ = [
    "ALLOCATIONS",
    "AMOUNT_COLUMN",
    "FLAGGED",
    "ID_COLUMN",
    "JUDGEMENTAL",
    "KEY_ITEMS",
    "MUS",
    "MUS_CELL",
    "NON_STATISTICAL",
    "RANDOM",
    "SELECTION_COLUMNS",
    "STATISTICAL_METHODS",
    "STRATIFIED",
    "SYSTEMATIC",
    "Selection",
    "allocate",
    "combine_selections",
    "item_ids",
    "population_from_ledger",
    "prepare_population",
    "select_flagged",
    "select_judgemental",
    "select_key_items",
    "select_mus",
    "select_random",
    "select_sample",
    "select_stratified",
    "select_systematic",
]


def combine_selections(*parts: Selection) -> Selection:
    """Merge selections; an item chosen twice appears once.

    It keeps the method of the first part that chose it, the reasons of all parts (joined with
    '；'), ``statistical`` if any statistical part drew it and the MUS hits of that part. The
    result carries the statistical part's sample size, interval and records.
    """
    if not parts:
        raise ParameterError("没有可合并的样本 / nothing to combine")
    stacked = pd.concat([part.sample for part in parts], ignore_index=True)
    grouped = stacked.groupby(ID_COLUMN, sort=False)
    first = stacked.drop_duplicates(ID_COLUMN).set_index(ID_COLUMN)
    reasons = (
        stacked.drop_duplicates([ID_COLUMN, "selection_reason"])
        .groupby(ID_COLUMN, sort=False)["selection_reason"]
        .agg("；".join)
    )
    merged = first.assign(
        selection_reason=reasons.reindex(first.index).astype("str"),
        statistical=grouped["statistical"].any().reindex(first.index),
        mus_hits=grouped["mus_hits"].sum().reindex(first.index).astype("int64"),
        stratum=stacked.dropna(subset=["stratum"])
        .groupby(ID_COLUMN, sort=False)["stratum"]
        .first()
        .reindex(first.index)
        .astype("str"),
    ).reset_index()
    merged = merged.sort_values(list(PROVENANCE_COLUMNS), kind="stable", ignore_index=True)
    statistical = [part for part in parts if part.method != NON_STATISTICAL]
    base = statistical[0] if statistical else parts[0]
    excluded = pd.concat([part.excluded for part in parts], ignore_index=True).drop_duplicates(
        ID_COLUMN
    )
    notes = tuple(dict.fromkeys(note for part in parts for note in part.notes))
    return Selection(
        sample=merged,
        method=base.method,
        seed=base.seed,
        sample_size=base.sample_size,
        population_count=base.population_count,
        population_amount_fen=base.population_amount_fen,
        amount_column=base.amount_column,
        interval_fen=base.interval_fen,
        excluded=excluded.reset_index(drop=True),
        large_items=base.large_items,
        strata=base.strata,
        notes=notes,
    )


def select_sample(
    population: pd.DataFrame,
    *,
    method: str,
    sample_size: int,
    seed: int,
    key_threshold_fen: int | None = None,
    flagged_ids: Iterable[str] | pd.DataFrame = (),
    flagged_reason: str = "合规检查标记",
    exclude_flagged: bool = False,
    judgemental: Mapping[str, str] | None = None,
    strata_by: str | None = None,
    bands_fen: Iterable[int] | None = None,
    allocation: str = "proportional",
    amount_column: str = AMOUNT_COLUMN,
) -> Selection:
    """The whole selection step: key items first (examined 100 %, so removed from the sampled
    population), a statistical sample from the rest, then flagged items and judgemental picks.

    ``method``: ``random``, ``systematic``, ``mus``, ``mus_cell`` or ``stratified``.
    ``exclude_flagged``: flagged items are examined in full too, so they leave the sampled
    population like key items (the statistical result is then projected to the rest only).
    """
    frame = prepare_population(population, amount_column)
    parts: list[Selection] = []
    rest = frame
    if key_threshold_fen is not None:
        key = select_key_items(frame, key_threshold_fen, amount_column=amount_column)
        parts.append(key)
        rest = frame[frame[amount_column].to_numpy() < key_threshold_fen]
    flagged = list(flagged_ids) if not isinstance(flagged_ids, pd.DataFrame) else flagged_ids
    flagged_part = (
        select_flagged(frame, flagged, flagged_reason, amount_column=amount_column)
        if len(flagged)
        else None
    )
    if exclude_flagged and flagged_part is not None and len(flagged_part.sample):
        rest = rest[~item_ids(rest).isin(flagged_part.sample[ID_COLUMN]).to_numpy()]
    runners = {
        "random": lambda: select_random(rest, sample_size, seed, amount_column=amount_column),
        "systematic": lambda: select_systematic(
            rest, sample_size, seed, amount_column=amount_column
        ),
        "mus": lambda: select_mus(rest, sample_size, seed, amount_column=amount_column),
        "mus_cell": lambda: select_mus(
            rest, sample_size, seed, cell=True, amount_column=amount_column
        ),
        "stratified": lambda: select_stratified(
            rest,
            sample_size,
            seed,
            by=strata_by,
            bands_fen=bands_fen,
            allocation=allocation,
            amount_column=amount_column,
        ),
    }
    if method not in runners:
        raise ParameterError(
            f"抽样方法 method 须为 {', '.join(runners)} 之一，收到 {method!r} / unknown method {method!r}"
        )
    statistical = runners[method]()
    if key_threshold_fen is not None and len(parts[0].sample):
        statistical = _with_note(
            statistical,
            f"{len(parts[0].sample)} 项关键项目（金额≥{yuan_short(key_threshold_fen)}元）全部检查，已从统计抽样总体中剔除。",
        )
    if exclude_flagged and flagged_part is not None and len(flagged_part.sample):
        statistical = _with_note(
            statistical,
            f"{len(flagged_part.sample)} 项重点关注项目（合规检查标记）全部检查，已从统计抽样总体中剔除。",
        )
    parts.append(statistical)
    if flagged_part is not None:
        parts.append(flagged_part)
    if judgemental:
        parts.append(select_judgemental(frame, judgemental, amount_column=amount_column))
    return combine_selections(*parts)


def _with_note(selection: Selection, note: str) -> Selection:
    return replace(selection, notes=(note, *selection.notes))
