"""Non-statistical selection: key items, items a check flagged, and judgemental picks.

Each returns a :class:`~.selection.Selection` whose method is 非统计抽样; the rows say why they
were chosen. Ids given by the caller must all be in the population.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from jixiao.distinct import text_in
from jixiao.errors import ParameterError

from ._common import check_count, yuan_short
from .population import AMOUNT_COLUMN, frame_ids, item_ids, prepare_population
from .selection import FLAGGED, JUDGEMENTAL, KEY_ITEMS, NON_STATISTICAL, Selection, selected_rows


def _non_statistical(
    frame: pd.DataFrame, mask: np.ndarray, method: str, reason, amount_column: str
) -> Selection:
    positions = np.flatnonzero(mask)
    reason_values = reason[positions] if isinstance(reason, np.ndarray) else reason
    return Selection(
        sample=selected_rows(frame, positions, method, reason_values, statistical=False),
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
    ids = frame_ids(frame)
    known = text_in(wanted, ids)
    if not known.all():
        unknown = ", ".join(wanted[~known][:5])
        raise ParameterError(
            f"{what}中的项目在抽样总体中不存在：{unknown} / item id(s) not in the population: {unknown}"
        )
    return text_in(ids, wanted)


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
    reasons = frame_ids(frame).map(
        {item: f"职业判断：{why.strip()}" for item, why in picks.items()}
    )
    return _non_statistical(frame, mask, JUDGEMENTAL, reasons.to_numpy(dtype=object), amount_column)
