"""Statistical selection: simple random, systematic, monetary unit (PPS) and stratified.

Reproducibility: the population is first put in a canonical order (source file, sheet, row,
all unique), and every random draw is a vector of ``Generator.random()`` values from
``np.random.default_rng(seed)`` applied to that order. The same population, parameters and
seed therefore give the same selection on any machine and pandas version; nothing depends
on ``DataFrame.sample`` or on the order rows happened to arrive in.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from jixiao.errors import InputError, ParameterError
from jixiao.schema import PROVENANCE_COLUMNS

from ._common import check_count, yuan, yuan_short
from .population import AMOUNT_COLUMN, ID_COLUMN, frame_ids, prepare_population
from .selection import (
    MUS,
    MUS_CELL,
    RANDOM,
    STRATIFIED,
    SYSTEMATIC,
    Selection,
    selected_rows,
)

ALLOCATIONS = ("proportional", "equal", "neyman")
_ALLOCATION_NAMES = {
    "proportional": "按规模比例分配",
    "equal": "各层等量分配",
    "neyman": "内曼分配（按金额标准差）",
}
_BLANK_STRATUM = "（空白）"


def _rng(seed: int) -> np.random.Generator:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError(
            f"随机种子 seed 必须是非负整数（否则样本无法重现），收到 {seed!r} / seed must be a non-negative integer, got {seed!r}"
        )
    return np.random.default_rng(int(seed))


def _require_rows(frame: pd.DataFrame) -> None:
    if frame.empty:
        raise ParameterError("抽样总体为空（0 项），无法抽样 / the population is empty")


def _item_selection(
    frame: pd.DataFrame,
    positions: np.ndarray,
    method: str,
    reason: str,
    seed: int,
    amount_column: str,
) -> Selection:
    """A selection of items by position (random and systematic sampling): one row per item."""
    return Selection(
        sample=selected_rows(frame, positions, method, reason, statistical=True),
        method=method,
        seed=seed,
        sample_size=len(positions),
        population_count=len(frame),
        population_amount_fen=int(frame[amount_column].sum()),
        amount_column=amount_column,
    )


def _all_items(
    frame: pd.DataFrame, n: int, method: str, seed: int, amount_column: str
) -> Selection:
    sample = selected_rows(
        frame,
        np.arange(len(frame)),
        method,
        f"统计抽样：{method}，总体仅 {len(frame)} 项，不足样本量 {n}，全部选取",
        statistical=True,
    )
    return Selection(
        sample=sample,
        method=method,
        seed=seed,
        sample_size=len(frame),
        population_count=len(frame),
        population_amount_fen=int(frame[amount_column].sum()),
        amount_column=amount_column,
        notes=(f"总体仅 {len(frame)} 项，少于样本量 {n}，已全部选取（100% 检查）。",),
    )


def select_random(
    population: pd.DataFrame, sample_size: int, seed: int, *, amount_column: str = AMOUNT_COLUMN
) -> Selection:
    """Simple random sample without replacement: the n items with the smallest random keys."""
    frame = prepare_population(population, amount_column)
    n = check_count(sample_size, "sample_size", minimum=1)
    rng = _rng(seed)
    _require_rows(frame)
    if n >= len(frame):
        return _all_items(frame, n, RANDOM, seed, amount_column)
    keys = rng.random(len(frame))
    positions = np.argsort(keys, kind="stable")[:n]
    reason = f"统计抽样：简单随机抽样，总体 {len(frame):,} 项中随机抽取 {n} 项"
    return _item_selection(frame, positions, RANDOM, reason, seed, amount_column)


def select_systematic(
    population: pd.DataFrame, sample_size: int, seed: int, *, amount_column: str = AMOUNT_COLUMN
) -> Selection:
    """Systematic sample: every (N / n)-th item from a random start, in canonical order."""
    frame = prepare_population(population, amount_column)
    n = check_count(sample_size, "sample_size", minimum=1)
    rng = _rng(seed)
    _require_rows(frame)
    if n >= len(frame):
        return _all_items(frame, n, SYSTEMATIC, seed, amount_column)
    step = len(frame) / n
    start = rng.random() * step
    positions = np.floor(start + np.arange(n) * step).astype(np.int64)
    reason = f"统计抽样：系统抽样，间隔 {step:.2f} 项，随机起点第 {int(start) + 1} 项"
    return _item_selection(frame, positions, SYSTEMATIC, reason, seed, amount_column)


def select_mus(
    population: pd.DataFrame,
    sample_size: int,
    seed: int,
    *,
    cell: bool = False,
    amount_column: str = AMOUNT_COLUMN,
) -> Selection:
    """Monetary unit (PPS) sample of ``sample_size`` money units.

    Fixed interval (default): units ``ceil((i + u) × B / n)``, one random start u ∈ (0, 1].
    Cell method (``cell=True``): one random unit in each of the n cells of width B / n.
    Items of zero or negative amount cannot be hit and are listed in ``excluded``; items of at
    least one interval are always selected and listed in ``large_items``.
    """
    frame = prepare_population(population, amount_column)
    n = check_count(sample_size, "sample_size", minimum=1)
    rng = _rng(seed)
    _require_rows(frame)
    amounts = frame[amount_column].to_numpy()
    positive = amounts > 0
    excluded = frame.loc[~positive, [*PROVENANCE_COLUMNS, amount_column]]
    excluded = excluded.assign(
        **{ID_COLUMN: frame_ids(excluded)},
        exclusion_reason=np.where(
            amounts[~positive] < 0,
            "金额为负数，货币单位抽样无法选中，需另行检查",
            "金额为零，货币单位抽样无法选中，需另行检查",
        ),
    )[[ID_COLUMN, *PROVENANCE_COLUMNS, amount_column, "exclusion_reason"]].reset_index(drop=True)
    positions = np.flatnonzero(positive)
    if positions.size == 0:
        raise ParameterError(
            "总体中没有正金额项目，无法进行货币单位抽样 / no positive amounts to sample by monetary unit"
        )
    cumulative = np.cumsum(amounts[positions])
    book = int(cumulative[-1])
    if n > book:
        raise ParameterError(
            f"样本量 {n} 超过总体金额的货币单位数 {book} / sample_size exceeds the monetary units in the population"
        )
    interval = book / n
    offsets = 1.0 - rng.random(n if cell else 1)  # (0, 1], so no point falls on unit 0
    points = np.clip(np.ceil((np.arange(n) + offsets) * interval).astype(np.int64), 1, book)
    hits = np.bincount(np.searchsorted(cumulative, points, side="left"), minlength=positions.size)
    large = amounts[positions] >= interval
    chosen = (hits > 0) | large
    method = MUS_CELL if cell else MUS
    reason = np.where(
        large[chosen],
        f"统计抽样：{method}，金额≥抽样区间 {yuan(interval)} 元，必然选取",
        f"统计抽样：{method}，区间 {yuan(interval)} 元",
    )
    sample = selected_rows(
        frame, positions[chosen], method, reason, statistical=True, hits=hits[chosen]
    )
    large_items = sample.loc[
        sample[amount_column] >= interval,
        [ID_COLUMN, *PROVENANCE_COLUMNS, amount_column, "mus_hits"],
    ]
    return Selection(
        sample=sample,
        method=method,
        seed=seed,
        sample_size=n,
        population_count=int(positions.size),
        population_amount_fen=book,
        amount_column=amount_column,
        interval_fen=interval,
        excluded=excluded,
        large_items=large_items.reset_index(drop=True),
        notes=(f"{len(excluded)} 项负数或零金额项目不参与货币单位抽样，已列入排除清单。",)
        if len(excluded)
        else (),
    )


def _strata_codes(
    frame: pd.DataFrame, by: str | None, bands_fen, amount_column: str
) -> tuple[np.ndarray, list[str]]:
    if (by is None) == (bands_fen is None):
        raise ParameterError(
            "分层抽样须且只须指定 by（按列分层）或 bands_fen（按金额区间分层）之一 / give exactly one of by, bands_fen"
        )
    if by is not None:
        if by not in frame.columns:
            raise InputError(
                f"抽样总体中没有分层列 {by} / the population has no column {by!r}", column=by
            )
        values = frame[by].astype("str").fillna(_BLANK_STRATUM)
        codes, uniques = pd.factorize(values, sort=True)
        return codes.astype(np.int64), [str(u) for u in uniques]
    bands = np.asarray(list(bands_fen), dtype=np.int64)
    if bands.size == 0 or np.any(np.diff(bands) <= 0):
        raise ParameterError(
            f"金额分层界限 bands_fen 必须严格递增且非空，收到 {list(bands_fen)!r} / bands_fen must be strictly increasing"
        )
    codes = np.searchsorted(bands, frame[amount_column].to_numpy(), side="right").astype(np.int64)
    labels = [f"金额<{yuan_short(bands[0])}元"]
    labels += [
        f"{yuan_short(low)}元≤金额<{yuan_short(high)}元"
        for low, high in zip(bands[:-1], bands[1:], strict=False)
    ]
    labels.append(f"金额≥{yuan_short(bands[-1])}元")
    return codes, labels


def allocate(sample_size: int, sizes: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split n over strata in proportion to weights: at least one per non-empty stratum, at most its size.

    Largest-remainder rounding with ties broken by stratum order, so the split is deterministic.
    When the bounds force it, the total moves to the nearest feasible value (≥ one per
    stratum, ≤ the population).
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    weights = np.asarray(weights, dtype=float)
    nonempty = sizes > 0
    n = int(min(max(sample_size, int(nonempty.sum())), int(sizes.sum())))
    allocation = np.zeros(sizes.size, dtype=np.int64)
    fixed = ~nonempty
    while not fixed.all():
        free = np.flatnonzero(~fixed)
        remaining = n - int(allocation[fixed].sum())
        share = weights[free] if weights[free].sum() > 0 else sizes[free].astype(float)
        quota = remaining * share / share.sum()
        trial = np.floor(quota).astype(np.int64)
        extra = remaining - int(trial.sum())
        trial[np.argsort(-(quota - trial), kind="stable")[:extra]] += 1
        low, high = trial < 1, trial > sizes[free]
        if not (low.any() or high.any()):
            allocation[free] = trial
            break
        allocation[free[low]] = 1
        allocation[free[high]] = sizes[free[high]]
        fixed[free[low | high]] = True
    # Bounds fixed in the same pass can leave the total off by a few: settle it in stratum order.
    gap = n - int(allocation.sum())
    for index in range(sizes.size):
        if gap == 0:
            break
        step = (
            min(gap, sizes[index] - allocation[index])
            if gap > 0
            else -min(-gap, allocation[index] - 1)
        )
        if nonempty[index]:
            allocation[index] += step
            gap -= step
    return allocation


def select_stratified(
    population: pd.DataFrame,
    sample_size: int,
    seed: int,
    *,
    by: str | None = None,
    bands_fen: Iterable[int] | None = None,
    allocation: str = "proportional",
    amount_column: str = AMOUNT_COLUMN,
) -> Selection:
    """Stratified random sample, strata by a column (``by``) or by amount bands (``bands_fen``).

    ``allocation``: ``proportional`` (to stratum size), ``equal``, or ``neyman`` (size × standard
    deviation of amounts); every non-empty stratum gets at least one item.
    """
    frame = prepare_population(population, amount_column)
    n = check_count(sample_size, "sample_size", minimum=1)
    rng = _rng(seed)
    if allocation not in ALLOCATIONS:
        raise ParameterError(
            f"分配方式 allocation 须为 {', '.join(ALLOCATIONS)} 之一，收到 {allocation!r} / unknown allocation"
        )
    _require_rows(frame)
    codes, labels = _strata_codes(frame, by, bands_fen, amount_column)
    amounts = pd.Series(frame[amount_column].to_numpy(), dtype="int64")
    grouped = amounts.groupby(codes)
    sizes = np.zeros(len(labels), dtype=np.int64)
    totals = np.zeros(len(labels), dtype=np.int64)
    spread = np.zeros(len(labels))
    present = grouped.size().index.to_numpy()
    sizes[present] = grouped.size().to_numpy()
    totals[present] = grouped.sum().to_numpy()
    spread[present] = grouped.std(ddof=0).fillna(0.0).to_numpy()
    weights = {
        "proportional": sizes.astype(float),
        "equal": (sizes > 0).astype(float),
        "neyman": sizes * spread,
    }[allocation]
    counts = allocate(n, sizes, weights)
    keys = rng.random(len(frame))
    order = np.lexsort((keys, codes))
    ordered_codes = codes[order]
    rank = np.arange(len(order)) - np.searchsorted(ordered_codes, ordered_codes, side="left")
    positions = order[rank < counts[ordered_codes]]
    stratum_labels = np.asarray(labels, dtype=object)
    reasons = np.asarray(
        [
            f"统计抽样：分层随机抽样，{label}层（总体 {size} 项，抽取 {count} 项）"
            for label, size, count in zip(labels, sizes, counts, strict=False)
        ],
        dtype=object,
    )
    positions = np.sort(positions)  # reasons and labels below must line up with the rows taken
    chosen_codes = codes[positions]
    sample = selected_rows(
        frame,
        positions,
        STRATIFIED,
        reasons[chosen_codes],
        statistical=True,
        stratum=stratum_labels[chosen_codes],
    )
    strata = pd.DataFrame(
        {
            "stratum": pd.array(labels, dtype="str"),
            "population_count": sizes,
            "population_amount_fen": totals,
            "amount_std_fen": spread,
            "sample_count": counts,
        }
    )
    notes = [f"分配方式：{_ALLOCATION_NAMES[allocation]}，每个非空层至少抽取 1 项。"]
    if int(counts.sum()) != n:
        notes.append(
            f"按分层约束（每层至少 1 项、不超过该层项目数），样本量由 {n} 调整为 {int(counts.sum())}。"
        )
    return Selection(
        sample=sample,
        method=STRATIFIED,
        seed=seed,
        sample_size=int(counts.sum()),
        population_count=len(frame),
        population_amount_fen=int(totals.sum()),
        amount_column=amount_column,
        strata=strata,
        notes=tuple(notes),
    )
