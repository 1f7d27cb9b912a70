"""Tidy frames behind the survey charts (plotting is in :mod:`.charts`).

``likert_chart_data`` lays the level shares out for diverging stacked bars, with item labels
that say when a reverse item's answers were recoded; ``community_chart_data`` gives the
satisfaction by community with intervals and the overall rate.
"""

from __future__ import annotations

import re

import pandas as pd

from ..schema import LIKERT_LEVELS
from ._common import _by_list, _codes, _level_labels
from .estimators import satisfaction

REVERSE_NOTE = "（反向题，已转换）"
# An answer-scale hint in the item text, e.g. （1=非常不同意，5=非常同意）, and a bare （反向题） mark.
_SCALE_HINT = re.compile(r"\s*[（(]\s*\d\s*[=＝:：][^（）()]*[）)]")
_REVERSE_MARK = re.compile(r"\s*[（(]\s*反向题?\s*[）)]")


def item_label(text: str, reverse: bool) -> str:
    """An item's label next to recoded answers.

    A reverse-worded item is shown with recoded codes (5 = the answer most favourable to the
    project), so its own answer-scale hint (（1=非常不同意，5=非常同意）) would mislead: it is
    dropped, with any bare （反向题） mark, and ``（反向题，已转换）`` is appended. Other items
    keep their text.
    """
    text = str(text)
    if not reverse:
        return text
    return _REVERSE_MARK.sub("", _SCALE_HINT.sub("", text)).strip() + REVERSE_NOTE


def likert_chart_data(
    answers: pd.DataFrame, by: str = "item_id", *, scale: dict[str, int] = LIKERT_LEVELS
) -> pd.DataFrame:
    """Shares of each level per ``by`` laid out for a diverging stacked bar chart.

    Levels below the midpoint sit left of zero, the midpoint (一般) is split evenly across
    zero, levels above it sit right. ``start`` / ``end`` are the bar segment's edges as
    shares (−1 … 1). Codes are the recoded ones: for a reverse item 非常满意 means the
    answer most favourable to the project, and its ``label`` (:func:`item_label`) says so.
    """
    codes = _codes(scale)
    labels = _level_labels(scale)
    mid = (codes[0] + codes[-1]) / 2
    keys = _by_list(by)
    counts = answers.groupby(keys + ["code"], sort=True).size().rename("n")
    full = pd.MultiIndex.from_product(
        [sorted(answers[k].dropna().unique()) for k in keys] + [list(codes)], names=keys + ["code"]
    )
    table = counts.reindex(full, fill_value=0).reset_index()
    table["n"] = table["n"].astype("int64")
    totals = table.groupby(keys, sort=False)["n"].transform("sum")
    table["share"] = table["n"] / totals.where(totals > 0)
    left = (
        table["share"].where(table["code"] < mid, 0)
        + table["share"].where(table["code"] == mid, 0) / 2
    )
    offset = left.groupby([table[k] for k in keys], sort=False).transform("sum")
    cumulative = table.groupby(keys, sort=False)["share"].cumsum()
    table["start"] = cumulative - table["share"] - offset
    table["end"] = cumulative - offset
    table["level"] = table["code"].map(labels).astype("string")
    if "item" in answers and keys == ["item_id"]:
        first = answers.drop_duplicates("item_id").set_index("item_id")
        reverse = (
            first["reverse"].astype(bool)
            if "reverse" in first
            else pd.Series(False, index=first.index)
        )
        labels = {
            i: item_label(first.at[i, "item"], bool(reverse.at[i])) for i in first.index
        }  # a few dozen items
        table.insert(1, "item", table["item_id"].map(first["item"]).astype("string"))
        table.insert(2, "label", table["item_id"].map(labels).astype("string"))
    return table


def community_chart_data(answers: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """Satisfaction by community with intervals, lowest rate first, plus the overall rate."""
    table = satisfaction(answers, "community", **kwargs)
    overall = satisfaction(answers, **kwargs)
    table = table.sort_values(["rate", "community"], kind="stable", ignore_index=True)
    table["overall_rate"] = float(overall["rate"].iloc[0])
    return table
