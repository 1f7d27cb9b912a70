"""The :class:`Selection` every selection method returns, and the rows it is made of.

The method labels below are what the 抽样清单 and the workpapers show under 抽样方法, and
reading a filled-in sheet back tells statistical items by them: renaming one would make
sheets already out in the field read as non-statistical.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._common import markdown_table, yuan
from .population import AMOUNT_COLUMN, ID_COLUMN, item_ids

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


def _as_array(value, length: int) -> np.ndarray:
    return (
        np.full(length, value, dtype=object)
        if np.isscalar(value) or value is None
        else np.asarray(value, dtype=object)
    )


def selected_rows(
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
