"""Sample design: what the survey sample needed and what it achieved, judged on respondents.

``sample_size`` for a stated margin of error, ``achieved_margin`` for the sample taken, and
``response_coverage`` per respondent group against the 抽样计划, with a plain statement when a
group falls short.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..schema import RESPONDENT_GROUPS
from ._common import _pct, _pct_tidy, _z

COVERAGE_HEADERS = {
    "group": "受访者类别",
    "population": "总体数量",
    "planned": "计划样本量",
    "achieved": "实际样本量",
    "completion": "计划完成率",
    "required": "所需样本量",
    "achieved_margin": "实际误差",
    "sufficient": "样本充足",
    "statement": "说明",
}


def _unrounded_sample_size(confidence: float, margin: float, p: float, population) -> float:
    if not 0 < margin < 1:
        raise ParameterError(f"margin must be between 0 and 1 (e.g. 0.05 for ±5%), got {margin!r}")
    if not 0 < p < 1:
        raise ParameterError(f"p must be between 0 and 1 (0.5 is the most cautious), got {p!r}")
    n0 = _z(confidence) ** 2 * p * (1 - p) / margin**2
    if population is None:
        return n0
    if population < 1:
        raise ParameterError(f"population must be at least 1, got {population!r}")
    return n0 / (1 + (n0 - 1) / population)


def sample_size(
    confidence: float = 0.95, margin: float = 0.05, p: float = 0.5, population: int | None = None
) -> int:
    """n = z²·p(1−p)/e², with the finite-population correction n/(1 + (n−1)/N) when N is given; rounded up."""
    n = _unrounded_sample_size(confidence, margin, p, population)
    # The tolerance keeps float noise (384.0000000001) from adding a respondent.
    return int(math.ceil(n - 1e-9))


def achieved_margin(n, population=None, confidence: float = 0.95, p: float = 0.5):
    """Margin of error z·√(p(1−p)/n · (N−n)/(N−1)) a sample of n gives (NaN for n = 0)."""
    z = _z(confidence)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        margin = z * np.sqrt(p * (1 - p) / n)
        if population is not None:
            N = np.asarray(population, dtype=float)
            fpc = np.where(np.isnan(N), 1.0, np.sqrt(np.clip((N - n) / (N - 1), 0, None)))
            margin = margin * fpc
    return np.where(n > 0, margin, np.nan)


def response_coverage(
    responses: pd.DataFrame, plan: pd.DataFrame, *, margin: float = 0.05, confidence: float = 0.95
) -> pd.DataFrame:
    """Achieved respondents per group against the plan and the sample the stated margin needs.

    ``responses``: the responses frame or the valid answers (distinct 问卷编号 per group are
    counted, so duplicates and long format do not inflate it). Required sample and achieved
    margin use p = 0.5 and the finite-population correction.
    """
    achieved = (
        responses.drop_duplicates("respondent_id")
        .groupby("group", sort=False)
        .size()
        .rename("achieved")
    )
    plan_table = plan[["group", "population", "planned"]].copy()
    table = plan_table.merge(achieved.reset_index(), on="group", how="outer", sort=False)
    order = {
        g: i
        for i, g in enumerate(
            list(plan_table["group"])
            + [g for g in RESPONDENT_GROUPS if g not in set(plan_table["group"])]
        )
    }
    table = (
        table.assign(_order=table["group"].map(order).fillna(len(order)))
        .sort_values(["_order", "group"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    table["achieved"] = table["achieved"].fillna(0).astype("int64")
    table["population"] = table["population"].astype("Int64")
    table["planned"] = table["planned"].astype("Int64")
    population = table["population"].astype("float64")
    table["completion"] = table["achieved"] / table["planned"].astype("float64")
    n0 = _unrounded_sample_size(confidence, margin, 0.5, None)
    required = n0 / (1 + (n0 - 1) / population)
    table["required"] = np.ceil(required.fillna(n0) - 1e-9).astype("int64")
    table["achieved_margin"] = achieved_margin(table["achieved"], population, confidence)
    table["sufficient"] = table["achieved"] >= table["required"]
    stated = _pct_tidy(margin)
    statements = []
    for row in table.itertuples(index=False):  # a handful of groups
        head = f"{row.group}样本 {row.achieved} 份"
        if pd.isna(row.population):
            statements.append(f"{head}；抽样计划未列此类受访者，无法判断代表性")
            continue
        plan_note = ""
        if pd.notna(row.planned) and row.planned < row.required:
            plan_note = f"（计划样本量 {row.planned} 份本身也低于所需）"
        if row.achieved == 0:
            statements.append(f"{head}，未取得样本：无法评价此类受访者的满意度{plan_note}")
        elif row.sufficient:
            statements.append(
                f"{head}，达到 ±{stated} 误差所需的 {row.required} 份，实际误差约 ±{_pct(row.achieved_margin)}"
            )
        else:
            statements.append(
                f"{head}，少于 ±{stated} 误差所需的 {row.required} 份{plan_note}，实际误差约 ±{_pct(row.achieved_margin)}：样本不足，结论代表性有限"
            )
    table["statement"] = pd.Series(statements, index=table.index, dtype="string")
    table.attrs.update({"margin": margin, "confidence": confidence, "p": 0.5})
    return table
