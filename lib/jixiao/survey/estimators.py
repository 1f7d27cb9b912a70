"""Satisfaction estimators: rates with Wilson / Clopper–Pearson intervals, the weighted index.

The intervals treat every answer as an independent draw; the answers of one respondent are
correlated, so the true uncertainty of an all-items rate is larger than the interval says.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..lazy import scipy_stats
from ..schema import RESPONDENT_GROUPS
from ._common import _by_list, _check_confidence, _check_levels, _z

DEFAULT_SATISFIED = (5, 4)
DEFAULT_WEIGHTS = {5: 100, 4: 80, 3: 60, 2: 40, 1: 20}
METHODS = {"wilson": "Wilson 得分区间", "exact": "Clopper–Pearson 精确区间"}

SATISFACTION_HEADERS = {
    "item_id": "题号",
    "item": "题目",
    "community": "社区",
    "group": "受访者类别",
    "n_valid": "有效答案数",
    "n_satisfied": "满意答案数",
    "rate": "满意率",
    "lower": "区间下限",
    "upper": "区间上限",
    "margin": "误差（半宽）",
    # Respondent-level columns (jixiao.survey.clusters).
    "n_respondents": "受访者数",
    "design_effect": "设计效应",
    "effective_n": "有效样本量",
    "cluster_lower": "按受访者区间下限",
    "cluster_upper": "按受访者区间上限",
    "cluster_margin": "按受访者误差（半宽）",
}
INDEX_HEADERS = {"n_valid": "有效答案数", "index": "加权满意度指数"}


def wilson_interval(successes, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial proportion (NaN where n = 0)."""
    z = _z(confidence)
    x = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def exact_interval(successes, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Clopper–Pearson interval from beta quantiles; 0 and n successes give the one-sided ends 0 and 1."""
    _check_confidence(confidence)
    alpha = 1 - confidence
    x = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = np.where(
            x > 0,
            scipy_stats().beta.ppf(alpha / 2, np.maximum(x, 1), np.maximum(n - x + 1, 1)),
            0.0,
        )
        upper = np.where(
            x < n, scipy_stats().beta.ppf(1 - alpha / 2, x + 1, np.maximum(n - x, 1)), 1.0
        )
    empty = n == 0
    return np.where(empty, np.nan, lower), np.where(empty, np.nan, upper)


def _schema_group_order(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Respondent groups in the schema's order (居民, 社区工作者, 社会组织), not character order."""
    if "group" not in keys:
        return table
    rank = {g: i for i, g in enumerate(RESPONDENT_GROUPS)}
    ranked = table.assign(_rank=table["group"].map(rank).fillna(len(rank)))
    order = ["_rank" if k == "group" else k for k in keys]
    return ranked.sort_values(order, kind="stable").drop(columns="_rank").reset_index(drop=True)


def satisfaction(
    answers: pd.DataFrame,
    by=None,
    *,
    satisfied_levels=DEFAULT_SATISFIED,
    confidence: float = 0.95,
    method: str = "wilson",
) -> pd.DataFrame:
    """Rate of satisfied answers (codes in ``satisfied_levels``) among valid answers, with an interval.

    ``by``: None (one overall row), a column name or a list (``"item_id"``, ``"community"``,
    ``"group"`` …). ``method``: ``"wilson"`` (Wilson score interval, the default: good coverage
    even near 0 % or 100 %) or ``"exact"`` (Clopper–Pearson, conservative). ``margin`` is half
    the interval's width. The method, confidence and levels are recorded in ``.attrs``.
    """
    if method not in METHODS:
        raise ParameterError(f"method must be one of {sorted(METHODS)}, got {method!r}")
    levels = _check_levels(satisfied_levels)
    keys = _by_list(by)
    missing = [k for k in keys if k not in answers]
    if missing:
        raise ParameterError(f"answers have no column(s) {missing} to group by")
    work = answers[keys + ["code"]].assign(satisfied=answers["code"].isin(levels).astype("int64"))
    if keys:
        table = (
            work.groupby(keys, dropna=False, sort=True)
            .agg(n_valid=("code", "size"), n_satisfied=("satisfied", "sum"))
            .reset_index()
        )
        table = _schema_group_order(table, keys)
    else:
        table = pd.DataFrame(
            {"n_valid": [len(work)], "n_satisfied": [int(work["satisfied"].sum())]}
        )
    table["n_valid"] = table["n_valid"].astype("int64")
    table["n_satisfied"] = table["n_satisfied"].astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        table["rate"] = table["n_satisfied"] / table["n_valid"].where(table["n_valid"] > 0)
    interval = wilson_interval if method == "wilson" else exact_interval
    lower, upper = interval(
        table["n_satisfied"].to_numpy(), table["n_valid"].to_numpy(), confidence
    )
    table["lower"] = lower
    table["upper"] = upper
    table["margin"] = (table["upper"] - table["lower"]) / 2
    table.attrs.update(
        {
            "method": method,
            "method_label": METHODS[method],
            "confidence": confidence,
            "satisfied_levels": levels,
        }
    )
    return table


def satisfaction_overview(answers: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """Overall, per group, per community and per item in one table (分组维度 / 分组 columns)."""
    parts = []
    for label, key in (
        ("总体", None),
        ("受访者类别", "group"),
        ("社区", "community"),
        ("题目", "item_id"),
    ):
        table = satisfaction(answers, key, **kwargs)
        names = (
            pd.Series("全部", index=table.index, dtype="string")
            if key is None
            else table[key].astype("string")
        )
        parts.append(
            table.drop(columns=[key] if key else []).assign(dimension=label, level=names.to_numpy())
        )
    out = pd.concat(parts, ignore_index=True)
    out = out[["dimension", "level", "n_valid", "n_satisfied", "rate", "lower", "upper", "margin"]]
    out.attrs.update(parts[0].attrs)
    return out


def weighted_index(
    answers: pd.DataFrame, weights: dict[int, float] | None = None, by=None
) -> pd.DataFrame:
    """Mean of ``weights[code]`` over valid answers (e.g. 非常满意 100 … 非常不满意 20), per ``by``."""
    weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
    present = set(answers["code"].dropna().astype(int).unique().tolist())
    uncovered = sorted(present - set(int(k) for k in weights))
    if uncovered:
        raise ParameterError(
            f"weights give no value for answer code(s) {uncovered}; weights = {weights}"
        )
    keys = _by_list(by)
    scores = (
        answers["code"]
        .astype("Int64")
        .map({int(k): float(v) for k, v in weights.items()})
        .astype("float64")
    )
    work = answers[keys].assign(score=scores.to_numpy())
    if keys:
        table = (
            work.groupby(keys, dropna=False, sort=True)
            .agg(n_valid=("score", "size"), index=("score", "mean"))
            .reset_index()
        )
        table = _schema_group_order(table, keys)
    else:
        table = pd.DataFrame(
            {"n_valid": [len(work)], "index": [work["score"].mean() if len(work) else np.nan]}
        )
    table["n_valid"] = table["n_valid"].astype("int64")
    table.attrs["weights"] = weights
    return table
