"""Satisfaction at the respondent level: a ratio estimator over respondents with its design effect.

Each respondent answers several items, and the answers of one person move together, so the
answers are not independent draws: the respondent (``respondent_id``) is the sampling unit.
The rate is the ratio estimator r = Σ yᵢ / Σ mᵢ over respondents i (yᵢ satisfied answers out
of mᵢ valid answers), which equals the answer-level rate. Its variance is the linearised
(Taylor) variance of a ratio for clusters drawn with replacement:

    v(r) = n / (n − 1) · Σ (yᵢ − r·mᵢ)² / (Σ mᵢ)²

with n respondents. The design effect compares it with the variance the same answers would
have as a simple random sample, r(1 − r) / (Σ mᵢ − 1) (unbiased form, so that one answer per
respondent gives exactly 1); the effective sample size is the number of answers divided by
it. ``cluster_bootstrap`` resamples respondents as a cross-check of the linearised interval.

Per group or per community, the respondents of that domain are treated as its own sample
(a respondent belongs to one group and one community), which is how the evaluator's
stratified questionnaire plan reads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ._common import _by_list, _check_confidence, _check_levels, _z
from .estimators import DEFAULT_SATISFIED, SATISFACTION_HEADERS, _schema_group_order

CLUSTER = "respondent_id"
CLUSTER_METHOD = "按受访者（整群）线性化区间"

CLUSTER_HEADERS = {
    name: SATISFACTION_HEADERS[name]
    for name in (
        "n_respondents",
        "design_effect",
        "effective_n",
        "cluster_lower",
        "cluster_upper",
        "cluster_margin",
    )
}


def respondent_totals(
    answers: pd.DataFrame, by=None, *, satisfied_levels=DEFAULT_SATISFIED, cluster: str = CLUSTER
) -> pd.DataFrame:
    """One row per respondent (and ``by`` key): ``m`` valid answers and ``y`` satisfied ones."""
    levels = _check_levels(satisfied_levels)
    keys = _by_list(by)
    missing = [k for k in keys + [cluster] if k not in answers]
    if missing:
        raise ParameterError(f"answers have no column(s) {missing} to group by")
    work = answers[keys + [cluster]].assign(
        y=answers["code"].isin(levels).astype("int64"), m=np.int64(1)
    )
    return work.groupby(keys + [cluster], dropna=False, sort=True)[["m", "y"]].sum().reset_index()


def ratio_variance(y, m) -> tuple[float, float, float]:
    """Rate, linearised cluster variance and design effect for one sample of respondents.

    ``y`` and ``m`` are per-respondent satisfied and valid counts. With fewer than two
    respondents the variance is NaN; where every answer agrees (r = 0 or 1) the design
    effect is NaN because the simple-random variance is 0.
    """
    y = np.asarray(y, dtype=float)
    m = np.asarray(m, dtype=float)
    n = len(y)
    total = m.sum()
    if n == 0 or total == 0:
        return np.nan, np.nan, np.nan
    r = y.sum() / total
    if n < 2:
        return r, np.nan, np.nan
    variance = n / (n - 1) * float(((y - r * m) ** 2).sum()) / total**2
    srs = r * (1 - r) / (total - 1) if total > 1 else 0.0
    deff = variance / srs if srs > 0 else np.nan
    return r, variance, deff


def cluster_satisfaction(
    answers: pd.DataFrame,
    by=None,
    *,
    satisfied_levels=DEFAULT_SATISFIED,
    confidence: float = 0.95,
    cluster: str = CLUSTER,
) -> pd.DataFrame:
    """Respondent-level satisfaction per ``by`` (None: one overall row) with a cluster-robust interval.

    Columns: the ``by`` keys, ``n_respondents``, ``n_valid``, ``n_satisfied``, ``rate``,
    ``design_effect``, ``effective_n`` and ``cluster_lower`` / ``cluster_upper`` /
    ``cluster_margin`` (normal interval r ± z·√v(r), clipped to 0–1).
    """
    z = _z(confidence)
    keys = _by_list(by)
    totals = respondent_totals(answers, keys, satisfied_levels=satisfied_levels, cluster=cluster)
    groups = totals.groupby(keys, dropna=False, sort=True) if keys else [((), totals)]
    rows = []
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        rate, variance, deff = ratio_variance(part["y"], part["m"])
        se = np.sqrt(variance)
        n_valid = int(part["m"].sum())
        rows.append(
            dict(zip(keys, key, strict=True))
            | {
                "n_respondents": len(part),
                "n_valid": n_valid,
                "n_satisfied": int(part["y"].sum()),
                "rate": rate,
                "design_effect": deff,
                "effective_n": n_valid / deff if deff > 0 else np.nan,
                "cluster_lower": max(rate - z * se, 0.0) if np.isfinite(se) else np.nan,
                "cluster_upper": min(rate + z * se, 1.0) if np.isfinite(se) else np.nan,
            }
        )
    columns = keys + [
        "n_respondents",
        "n_valid",
        "n_satisfied",
        "rate",
        "design_effect",
        "effective_n",
        "cluster_lower",
        "cluster_upper",
    ]
    table = pd.DataFrame(rows, columns=columns)
    table = _schema_group_order(table, keys)
    for name in ("n_respondents", "n_valid", "n_satisfied"):
        table[name] = table[name].astype("int64")
    table["cluster_margin"] = (table["cluster_upper"] - table["cluster_lower"]) / 2
    table.attrs.update(
        {
            "cluster": cluster,
            "cluster_method": CLUSTER_METHOD,
            "confidence": confidence,
            "satisfied_levels": _check_levels(satisfied_levels),
        }
    )
    return table


def with_cluster_columns(
    table: pd.DataFrame,
    answers: pd.DataFrame,
    by=None,
    *,
    satisfied_levels=DEFAULT_SATISFIED,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """``table`` (a ``satisfaction`` result) with the respondent-level columns added, rows kept."""
    keys = _by_list(by)
    extra = cluster_satisfaction(
        answers, keys, satisfied_levels=satisfied_levels, confidence=confidence
    )
    added = extra[keys + list(CLUSTER_HEADERS)]
    if keys:
        out = table.merge(added, on=keys, how="left", sort=False)
    else:
        out = pd.concat([table.reset_index(drop=True), added.reset_index(drop=True)], axis=1)
    out.attrs.update(table.attrs)
    out.attrs.update({"cluster_method": CLUSTER_METHOD})
    return out


@dataclass(frozen=True)
class BootstrapResult:
    """Percentile interval of the rate over respondent resamples, and the draws themselves."""

    rate: float
    lower: float
    upper: float
    se: float
    draws: np.ndarray
    confidence: float


def bootstrap_rates(y, m, draws: int, rng: np.random.Generator) -> np.ndarray:
    """``draws`` rates, each over n respondents drawn with replacement from the n given."""
    y = np.asarray(y, dtype=float)
    m = np.asarray(m, dtype=float)
    n = len(y)
    if n == 0:
        raise ParameterError("no respondents to resample")
    picks = rng.integers(0, n, size=(int(draws), n))
    with np.errstate(invalid="ignore", divide="ignore"):
        return y[picks].sum(axis=1) / m[picks].sum(axis=1)


def cluster_bootstrap(
    answers: pd.DataFrame,
    *,
    satisfied_levels=DEFAULT_SATISFIED,
    confidence: float = 0.95,
    draws: int = 2000,
    seed: int = 20170,
    cluster: str = CLUSTER,
) -> BootstrapResult:
    """Cross-check of the linearised interval: resample whole respondents, take percentiles."""
    _check_confidence(confidence)
    if draws < 1:
        raise ParameterError(f"draws must be at least 1, got {draws!r}")
    totals = respondent_totals(answers, satisfied_levels=satisfied_levels, cluster=cluster)
    rates = bootstrap_rates(totals["y"], totals["m"], draws, np.random.default_rng(seed))
    alpha = 1 - confidence
    lower, upper = np.nanquantile(rates, [alpha / 2, 1 - alpha / 2])
    return BootstrapResult(
        rate=float(totals["y"].sum() / totals["m"].sum()),
        lower=float(lower),
        upper=float(upper),
        se=float(np.nanstd(rates, ddof=1)) if draws > 1 else np.nan,
        draws=rates,
        confidence=confidence,
    )


def respondent_table(
    answers: pd.DataFrame, *, satisfied_levels=DEFAULT_SATISFIED, service_groups=None
) -> pd.DataFrame:
    """The ``survey_respondents`` table: each respondent's valid and satisfied answer counts.

    ``service`` marks the respondents of the groups counted as 服务对象 (all when
    ``service_groups`` is None or empty); scoring resamples these rows to simulate the grade.
    """
    totals = respondent_totals(answers, ["group", "community"], satisfied_levels=satisfied_levels)
    table = totals.rename(columns={"m": "n_valid", "y": "n_satisfied"})
    chosen = {str(g) for g in service_groups} if service_groups else None
    table["service"] = (
        table["group"].astype(str).isin(chosen).to_numpy(dtype=bool)
        if chosen is not None
        else np.ones(len(table), dtype=bool)
    )
    return table[["group", "community", CLUSTER, "n_valid", "n_satisfied", "service"]]
