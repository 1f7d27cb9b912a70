"""Selection: which items to examine (审计抽样第二步：选取样本).

Statistical methods (simple random, systematic, monetary unit / PPS, stratified) and
non-statistical ones (key items, items a compliance check flagged, judgemental picks with a
written reason) each return a :class:`Selection`; :func:`combine_selections` merges them
without double counting and every selected row says why it was chosen.

Reproducibility: the population is first put in a canonical order (source file, sheet, row,
all unique), and every random draw is a vector of ``Generator.random()`` values from
``np.random.default_rng(seed)`` applied to that order. The same population, parameters and
seed therefore give the same selection on any machine and pandas version; nothing depends
on ``DataFrame.sample`` or on the order rows happened to arrive in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from jixiao.errors import InputError, ParameterError
from jixiao.schema import PROVENANCE_COLUMNS

from ._common import check_count, markdown_table, yuan, yuan_short

ID_COLUMN = "item_id"
AMOUNT_COLUMN = "amount_fen"
SELECTION_COLUMNS = ("selection_method", "selection_reason", "statistical", "mus_hits", "stratum")

RANDOM = "简单随机抽样"
SYSTEMATIC = "系统抽样"
MUS = "货币单位抽样"
MUS_CELL = "货币单位抽样（单元法）"
STRATIFIED = "分层随机抽样"
KEY_ITEMS = "关键项目"
FLAGGED = "重点关注项目"
JUDGEMENTAL = "职业判断"
NON_STATISTICAL = "非统计抽样"
STATISTICAL_METHODS = (RANDOM, SYSTEMATIC, MUS, MUS_CELL, STRATIFIED)
ALLOCATIONS = ("proportional", "equal", "neyman")
_ALLOCATION_NAMES = {
    "proportional": "按规模比例分配",
    "equal": "各层等量分配",
    "neyman": "内曼分配（按金额标准差）",
}
_BLANK_STRATUM = "（空白）"


def _empty_items(extra: dict[str, str]) -> pd.DataFrame:
    columns = {ID_COLUMN: "str", "source_file": "str", "source_sheet": "str", "source_row": "int64"}
    return pd.DataFrame(
        {name: pd.Series(dtype=dtype) for name, dtype in {**columns, **extra}.items()}
    )


@dataclass(frozen=True)
class Selection:
    """Selected items (``sample``) and how they were chosen.

    ``sample`` holds the population columns plus ``item_id``, ``selection_method``,
    ``selection_reason``, ``statistical`` (drawn by the statistical method), ``mus_hits``
    (monetary units that landed on the item) and ``stratum``, in canonical order.
    """

    sample: pd.DataFrame
    method: str  # statistical method, or 非统计抽样 when there is none
    seed: int | None
    sample_size: int  # statistical draws: MUS points, or items for the other methods
    population_count: int  # items in the frame the statistical method drew from
    population_amount_fen: int  # book value of that frame (positive amounts only for MUS)
    amount_column: str = AMOUNT_COLUMN
    interval_fen: float | None = None  # MUS: population_amount_fen / sample_size
    excluded: pd.DataFrame = field(
        default_factory=lambda: _empty_items({AMOUNT_COLUMN: "int64", "exclusion_reason": "str"})
    )
    large_items: pd.DataFrame = field(
        default_factory=lambda: _empty_items({AMOUNT_COLUMN: "int64", "mus_hits": "int64"})
    )
    strata: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()

    @property
    def statistical_sample(self) -> pd.DataFrame:
        return self.sample[self.sample["statistical"]]

    def summary(self) -> pd.DataFrame:
        """Items and amounts by selection method (Chinese headers, amounts in 元)."""
        grouped = self.sample.groupby("selection_method", sort=False)[self.amount_column].agg(
            ["size", "sum"]
        )
        return pd.DataFrame(
            {
                "选取方法": grouped.index,
                "项目数": grouped["size"].to_numpy(),
                "金额（元）": grouped["sum"].to_numpy() / 100,
            }
        )

    def rows(self) -> list[tuple[str, str]]:
        rows = [
            ("统计抽样方法", self.method),
            ("随机种子", "—" if self.seed is None else str(self.seed)),
            (
                "抽样总体",
                f"{self.population_count:,} 项，金额 {yuan(self.population_amount_fen)} 元",
            ),
            (
                "统计样本量",
                f"{self.sample_size} {'个货币单位' if self.interval_fen is not None else '项'}",
            ),
        ]
        if self.interval_fen is not None:
            rows.append(("抽样区间", f"{yuan(self.interval_fen)} 元"))
            rows.append(("金额≥区间的大额项目", f"{len(self.large_items)} 项（全部选取）"))
        if len(self.excluded):
            rows.append(
                ("排除于货币单位抽样之外", f"{len(self.excluded)} 项（负数或零金额，另行检查）")
            )
        total = int(self.sample[self.amount_column].sum())
        rows.append(("选取项目合计", f"{len(self.sample)} 项，金额 {yuan(total)} 元"))
        for method, count in self.sample["selection_method"].value_counts(sort=False).items():
            rows.append((f"　其中：{method}", f"{count} 项"))
        return rows

    def __str__(self) -> str:
        lines = ["样本选取结果"] + [f"  {label}：{value}" for label, value in self.rows()]
        lines += [f"  说明：{note}" for note in self.notes]
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        text = "**样本选取结果**\n\n" + markdown_table(self.rows())
        if self.notes:
            text += "\n\n" + "\n".join(f"- {note}" for note in self.notes)
        return text


# --------------------------------------------------------------------------- population


def item_ids(frame: pd.DataFrame) -> pd.Series:
    """Stable item id from provenance: ``<source_file>|<source_sheet>|<source_row>``."""
    missing = [c for c in PROVENANCE_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(
            f"缺少来源列 {', '.join(missing)}，无法识别项目 / missing provenance column(s) {missing}"
        )
    sheet = frame["source_sheet"].astype("str").fillna("")
    return (
        frame["source_file"].astype("str")
        + "|"
        + sheet
        + "|"
        + frame["source_row"].astype("int64").astype("str")
    )


def prepare_population(
    population: pd.DataFrame, amount_column: str = AMOUNT_COLUMN
) -> pd.DataFrame:
    """Validate a population and put it in canonical order (source file, sheet, row).

    Amounts must be whole fen (an integer column without blanks) and no source row may appear
    twice. Item ids are added to the selected rows only (building a million id strings would
    cost more than the whole selection).
    """
    missing = [c for c in (*PROVENANCE_COLUMNS, amount_column) if c not in population.columns]
    if missing:
        raise InputError(
            f"抽样总体缺少列：{', '.join(missing)} / the population lacks column(s) {missing}"
        )
    amounts = population[amount_column]
    if not pd.api.types.is_integer_dtype(amounts.dtype) or amounts.isna().any():
        raise InputError(
            f"金额列必须是不含空值的整数（分），实际类型 {amounts.dtype} / amounts must be whole fen without blanks",
            column=amount_column,
        )
    # Sorting on factorised codes (few distinct files and sheets) is several times faster than
    # sort_values on the strings, and gives the same code-point order.
    file_codes = pd.factorize(population["source_file"], sort=True)[0]
    sheet_codes = pd.factorize(population["source_sheet"], sort=True)[0]
    rows = population["source_row"].to_numpy(dtype=np.int64)
    order = np.lexsort((rows, sheet_codes, file_codes))
    file_codes, sheet_codes, rows = file_codes[order], sheet_codes[order], rows[order]
    repeated = (
        (file_codes[1:] == file_codes[:-1])
        & (sheet_codes[1:] == sheet_codes[:-1])
        & (rows[1:] == rows[:-1])
    )
    if repeated.any():
        first = population.iloc[order[int(np.argmax(repeated)) + 1]]
        raise InputError(
            "同一来源行在抽样总体中出现多次 / the same source row appears twice in the population",
            file=first["source_file"],
            sheet=first["source_sheet"],
            row=int(first["source_row"]),
        )
    frame = population.take(order).reset_index(drop=True)
    frame[amount_column] = frame[amount_column].astype("int64")
    return frame


def _ids(frame: pd.DataFrame) -> pd.Series:
    return frame[ID_COLUMN] if ID_COLUMN in frame.columns else item_ids(frame)


def population_from_ledger(
    ledger: pd.DataFrame,
    account_prefixes: Iterable[str] = ("5001",),
    *,
    amount_column: str = AMOUNT_COLUMN,
) -> pd.DataFrame:
    """Ledger lines whose account code starts with one of the prefixes, amount = debit − credit (fen).

    The default (5001 事业支出) is the expenditure population the evaluators vouch.
    """
    prefixes = tuple(account_prefixes)
    codes = ledger["account_code"].astype("str").fillna("")
    lines = ledger[codes.str.startswith(prefixes)]
    return lines.assign(
        **{amount_column: (lines["debit_fen"] - lines["credit_fen"]).astype("int64")}
    )


def _rng(seed: int) -> np.random.Generator:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError(
            f"随机种子 seed 必须是非负整数（否则样本无法重现），收到 {seed!r} / seed must be a non-negative integer, got {seed!r}"
        )
    return np.random.default_rng(int(seed))


def _require_rows(frame: pd.DataFrame) -> None:
    if frame.empty:
        raise ParameterError("抽样总体为空（0 项），无法抽样 / the population is empty")


def _as_array(value, length: int) -> np.ndarray:
    return (
        np.full(length, value, dtype=object)
        if np.isscalar(value) or value is None
        else np.asarray(value, dtype=object)
    )


def _selected(
    frame: pd.DataFrame,
    positions: np.ndarray,
    method: str,
    reason,
    *,
    statistical: bool,
    hits=None,
    stratum=None,
) -> pd.DataFrame:
    """Rows at ``positions`` of a prepared frame with the selection columns filled in."""
    positions = np.sort(np.asarray(positions, dtype=np.int64))
    rows = frame.take(positions).reset_index(drop=True)
    if ID_COLUMN not in rows.columns:
        rows.insert(0, ID_COLUMN, item_ids(rows))
    size = len(positions)
    columns = {
        "selection_method": pd.array(_as_array(method, size), dtype="str"),
        "selection_reason": pd.array(_as_array(reason, size), dtype="str"),
        "statistical": np.full(size, statistical),
        "mus_hits": np.zeros(size, dtype=np.int64)
        if hits is None
        else np.asarray(hits, dtype=np.int64),
        "stratum": pd.array(_as_array(stratum, size), dtype="str"),
    }
    return rows.assign(**columns)


# --------------------------------------------------------------------------- statistical methods


def _all_items(
    frame: pd.DataFrame, n: int, method: str, seed: int, amount_column: str
) -> Selection:
    sample = _selected(
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
    return Selection(
        sample=_selected(frame, positions, RANDOM, reason, statistical=True),
        method=RANDOM,
        seed=seed,
        sample_size=n,
        population_count=len(frame),
        population_amount_fen=int(frame[amount_column].sum()),
        amount_column=amount_column,
    )


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
    return Selection(
        sample=_selected(frame, positions, SYSTEMATIC, reason, statistical=True),
        method=SYSTEMATIC,
        seed=seed,
        sample_size=n,
        population_count=len(frame),
        population_amount_fen=int(frame[amount_column].sum()),
        amount_column=amount_column,
    )


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
        **{ID_COLUMN: _ids(excluded)},
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
    sample = _selected(
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
    sample = _selected(
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


# --------------------------------------------------------------------------- non-statistical methods


def _non_statistical(
    frame: pd.DataFrame, mask: np.ndarray, method: str, reason, amount_column: str
) -> Selection:
    positions = np.flatnonzero(mask)
    reason_values = reason[positions] if isinstance(reason, np.ndarray) else reason
    return Selection(
        sample=_selected(frame, positions, method, reason_values, statistical=False),
        method=NON_STATISTICAL,
        seed=None,
        sample_size=0,
        population_count=len(frame),
        population_amount_fen=int(frame[amount_column].sum()),
        amount_column=amount_column,
    )


def select_key_items(
    population: pd.DataFrame, threshold_fen: int, *, amount_column: str = AMOUNT_COLUMN
) -> Selection:
    """Every item of at least ``threshold_fen`` (关键项目, examined 100 %)."""
    threshold = check_count(threshold_fen, "threshold_fen", minimum=1)
    frame = prepare_population(population, amount_column)
    mask = frame[amount_column].to_numpy() >= threshold
    return _non_statistical(
        frame, mask, KEY_ITEMS, f"关键项目：金额≥{yuan_short(threshold)}元", amount_column
    )


def _lookup(frame: pd.DataFrame, ids: Iterable[str], what: str) -> np.ndarray:
    wanted = pd.Index(pd.array(list(ids), dtype="str")).drop_duplicates()
    ids = _ids(frame)
    known = wanted.isin(ids)
    if not known.all():
        unknown = ", ".join(wanted[~known][:5])
        raise ParameterError(
            f"{what}中的项目在抽样总体中不存在：{unknown} / item id(s) not in the population: {unknown}"
        )
    return ids.isin(wanted).to_numpy()


def select_flagged(
    population: pd.DataFrame,
    ids: Iterable[str] | pd.DataFrame,
    reason: str = "合规检查标记",
    *,
    amount_column: str = AMOUNT_COLUMN,
) -> Selection:
    """Every item a check flagged: ``ids`` are item ids, or a frame with provenance columns (e.g. findings evidence)."""
    frame = prepare_population(population, amount_column)
    wanted = item_ids(ids) if isinstance(ids, pd.DataFrame) else ids
    mask = _lookup(frame, wanted, "重点关注清单")
    return _non_statistical(frame, mask, FLAGGED, f"重点关注：{reason}", amount_column)


def select_judgemental(
    population: pd.DataFrame, picks: Mapping[str, str], *, amount_column: str = AMOUNT_COLUMN
) -> Selection:
    """Items the evaluator picks by judgement; ``picks`` maps item id → the written reason (mandatory)."""
    frame = prepare_population(population, amount_column)
    blank = [item for item, why in picks.items() if not isinstance(why, str) or not why.strip()]
    if blank:
        raise ParameterError(
            f"职业判断选取必须写明理由，以下项目没有理由：{', '.join(map(str, blank[:5]))} / "
            f"judgemental picks need a written reason: {blank[:5]}"
        )
    mask = _lookup(frame, picks.keys(), "职业判断清单")
    reasons = _ids(frame).map({item: f"职业判断：{why.strip()}" for item, why in picks.items()})
    return _non_statistical(frame, mask, JUDGEMENTAL, reasons.to_numpy(dtype=object), amount_column)


# --------------------------------------------------------------------------- combining


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
    judgemental: Mapping[str, str] | None = None,
    strata_by: str | None = None,
    bands_fen: Iterable[int] | None = None,
    allocation: str = "proportional",
    amount_column: str = AMOUNT_COLUMN,
) -> Selection:
    """The whole selection step: key items first (examined 100 %, so removed from the sampled
    population), a statistical sample from the rest, then flagged items and judgemental picks.

    ``method``: ``random``, ``systematic``, ``mus``, ``mus_cell`` or ``stratified``.
    """
    frame = prepare_population(population, amount_column)
    parts: list[Selection] = []
    rest = frame
    if key_threshold_fen is not None:
        key = select_key_items(frame, key_threshold_fen, amount_column=amount_column)
        parts.append(key)
        rest = frame[frame[amount_column].to_numpy() < key_threshold_fen]
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
    parts.append(statistical)
    flagged = list(flagged_ids) if not isinstance(flagged_ids, pd.DataFrame) else flagged_ids
    if len(flagged):
        parts.append(select_flagged(frame, flagged, flagged_reason, amount_column=amount_column))
    if judgemental:
        parts.append(select_judgemental(frame, judgemental, amount_column=amount_column))
    return combine_selections(*parts)


def _with_note(selection: Selection, note: str) -> Selection:
    return replace(selection, notes=(note, *selection.notes))
