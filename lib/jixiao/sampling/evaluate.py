"""Evaluation: what the examined sample says about the population (审计抽样第三步：评价样本结果).

Deviations → upper deviation limit and a conclusion against the tolerable rate.
Misstatements → taintings → projected misstatement and the Stringer upper bound, in fen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jixiao.errors import ParameterError
from jixiao.lazy import scipy_stats

from ._common import (
    check_confidence,
    check_count,
    check_rate,
    markdown_table,
    percent,
    round_fen,
    yuan,
)
from .plan import (
    attribute_upper_limit,
    check_population_size,
    poisson_factor,
    tolerable_rate_rejected,
)

MODELS = ("poisson", "binomial")


def _check_model(model: str) -> str:
    if model not in MODELS:
        raise ParameterError(
            f"模型 model 须为 poisson 或 binomial，收到 {model!r} / model must be 'poisson' or 'binomial', got {model!r}"
        )
    return model


def _taintings(sample_size: int, taintings: Iterable[float]) -> np.ndarray:
    values = np.asarray(list(taintings), dtype=float)
    if np.isnan(values).any():
        raise ParameterError("错报比例 taintings 中有空值 / taintings contain NaN")
    if values.size > sample_size:
        raise ParameterError(
            f"错报项目数（{values.size}）不能超过样本量 sample_size（{sample_size}） / more taintings than sample items"
        )
    ordered = np.sort(np.clip(values, 0.0, 1.0))[::-1]
    return ordered[ordered > 0]  # clean items add nothing to the bound


def upper_limit_factors(sample_size: int, errors: int, confidence: float, model: str) -> np.ndarray:
    """Upper limits, as fractions of book value, after 0, 1, …, ``errors`` full errors."""
    k = np.arange(errors + 1)
    if model == "poisson":
        return poisson_factor(k, confidence) / sample_size
    return np.where(
        k < sample_size,
        scipy_stats().beta.ppf(confidence, k + 1, np.maximum(sample_size - k, 1)),
        1.0,
    )


def stringer_bound(
    sample_size: int, taintings: Iterable[float], confidence: float = 0.95, model: str = "poisson"
) -> float:
    """Stringer upper misstatement limit as a fraction of book value.

    With taintings t₁ ≥ t₂ ≥ … (clipped to [0, 1]) and U(i) the upper limit after i errors
    (Poisson: gamma quantile / n; binomial: Beta(i + 1, n − i) quantile), the bound is
    U(0) + Σ (U(i) − U(i − 1)) · tᵢ.
    """
    n = check_count(sample_size, "sample_size", minimum=1)
    confidence = check_confidence(confidence)
    model = _check_model(model)
    ordered = _taintings(n, taintings)
    limits = upper_limit_factors(n, ordered.size, confidence, model)
    return float(limits[0] + np.sum(np.diff(limits) * ordered))


@dataclass(frozen=True)
class AttributeEvaluation:
    """Result of an attribute (deviation) sample."""

    sample_size: int
    deviations: int
    confidence: float
    tolerable_rate: float
    upper_limit: float
    acceptable: bool  # the sample rules out the tolerable rate: the control can be relied on
    population_size: int | None = None

    @property
    def sample_rate(self) -> float:
        return self.deviations / self.sample_size

    @property
    def distribution(self) -> str:
        return "binomial" if self.population_size is None else "hypergeometric"

    @property
    def conclusion(self) -> str:
        head = (
            f"样本 {self.sample_size} 项中发现偏差 {self.deviations} 项（样本偏差率 {percent(self.sample_rate)}），"
            f"在 {percent(self.confidence, 0)} 置信水平下总体偏差率上限为 {percent(self.upper_limit)}，"
        )
        if self.acceptable:
            return (
                head
                + f"不超过可容忍偏差率 {percent(self.tolerable_rate)}，该控制运行有效，可以信赖。"
            )
        return (
            head
            + f"达到或超过可容忍偏差率 {percent(self.tolerable_rate)}，不能信赖该控制，应扩大检查范围或执行替代程序。"
        )

    def rows(self) -> list[tuple[str, str]]:
        return [
            (
                "概率分布",
                "二项分布"
                if self.population_size is None
                else f"超几何分布（总体 {self.population_size:,} 项）",
            ),
            ("样本量", f"{self.sample_size} 项"),
            ("发现偏差", f"{self.deviations} 项"),
            ("样本偏差率", percent(self.sample_rate)),
            ("置信水平", percent(self.confidence, 0)),
            ("总体偏差率上限", percent(self.upper_limit)),
            ("可容忍偏差率", percent(self.tolerable_rate)),
            ("结论", "可以信赖" if self.acceptable else "不能信赖"),
        ]

    def __str__(self) -> str:
        return (
            "属性抽样评价\n"
            + "\n".join(f"  {label}：{value}" for label, value in self.rows())
            + f"\n  {self.conclusion}"
        )

    def _repr_markdown_(self) -> str:
        return "**属性抽样评价**\n\n" + markdown_table(self.rows()) + f"\n\n{self.conclusion}"


def evaluate_attributes(
    sample_size: int,
    deviations: int,
    *,
    tolerable_rate: float,
    confidence: float = 0.95,
    population_size: int | None = None,
) -> AttributeEvaluation:
    """Upper deviation limit and conclusion.

    The control is relied on when the sample rules out the tolerable rate — the test the
    sample size was planned with: binomial, upper limit ≤ tolerable rate; hypergeometric,
    the population holding ``ceil(tolerable_rate × N)`` deviations is ruled out.
    """
    tolerable = check_rate(tolerable_rate, "tolerable_rate", allow_zero=False)
    size = check_population_size(population_size)
    upper = attribute_upper_limit(sample_size, deviations, confidence, size)
    return AttributeEvaluation(
        sample_size=int(sample_size),
        deviations=int(deviations),
        confidence=float(confidence),
        tolerable_rate=tolerable,
        upper_limit=upper,
        acceptable=tolerable_rate_rejected(
            int(sample_size), int(deviations), tolerable, float(confidence), size
        ),
        population_size=size,
    )


@dataclass(frozen=True)
class MonetaryEvaluation:
    """Result of a monetary unit sample; money in fen."""

    sample_size: int
    population_amount_fen: int
    confidence: float
    model: str
    taintings: tuple[float, ...]  # largest first, one per hit on an item below the interval
    projected_misstatement_fen: int
    basic_precision_fen: int
    incremental_allowance_fen: int
    top_stratum_misstatement_fen: int  # actual misstatement in items ≥ the interval
    known_misstatement_fen: int  # found outside the statistical sample (key items examined 100 %)
    tolerable_misstatement_fen: int
    understatement_fen: int = 0  # not part of the overstatement bound; reported for follow-up

    @property
    def interval_fen(self) -> float:
        return self.population_amount_fen / self.sample_size

    @property
    def most_likely_misstatement_fen(self) -> int:
        return (
            self.projected_misstatement_fen
            + self.top_stratum_misstatement_fen
            + self.known_misstatement_fen
        )

    @property
    def upper_limit_fen(self) -> int:
        return (
            self.most_likely_misstatement_fen
            + self.basic_precision_fen
            + self.incremental_allowance_fen
        )

    @property
    def acceptable(self) -> bool:
        return self.upper_limit_fen <= self.tolerable_misstatement_fen

    @property
    def conclusion(self) -> str:
        head = (
            f"样本中 {len(self.taintings)} 项存在高估错报，推断错报 {yuan(self.projected_misstatement_fen)} 元"
            f"（另有大额项目及关键项目实际错报 {yuan(self.top_stratum_misstatement_fen + self.known_misstatement_fen)} 元），"
            f"在 {percent(self.confidence, 0)} 置信水平下错报上限为 {yuan(self.upper_limit_fen)} 元，"
        )
        if self.acceptable:
            return (
                head
                + f"不超过可容忍错报 {yuan(self.tolerable_misstatement_fen)} 元，可以认为总体不存在重大错报。"
            )
        return (
            head
            + f"超过可容忍错报 {yuan(self.tolerable_misstatement_fen)} 元，不能认为总体错报低于可容忍错报，应扩大样本或执行其他程序。"
        )

    def rows(self) -> list[tuple[str, str]]:
        return [
            ("模型", "泊松（Stringer 界）" if self.model == "poisson" else "二项（Stringer 界）"),
            ("总体账面金额", f"{yuan(self.population_amount_fen)} 元"),
            ("样本量（货币单位）", str(self.sample_size)),
            ("抽样区间", f"{yuan(self.interval_fen)} 元"),
            ("错报比例（由大到小）", "、".join(f"{t:.4f}" for t in self.taintings) or "无"),
            ("推断错报", f"{yuan(self.projected_misstatement_fen)} 元"),
            ("大额项目实际错报", f"{yuan(self.top_stratum_misstatement_fen)} 元"),
            ("关键项目等已知错报", f"{yuan(self.known_misstatement_fen)} 元"),
            ("基本精确度", f"{yuan(self.basic_precision_fen)} 元"),
            ("增量允许误差", f"{yuan(self.incremental_allowance_fen)} 元"),
            ("错报上限", f"{yuan(self.upper_limit_fen)} 元"),
            ("可容忍错报", f"{yuan(self.tolerable_misstatement_fen)} 元"),
            ("低估错报（未计入上限，需另行关注）", f"{yuan(self.understatement_fen)} 元"),
        ]

    def __str__(self) -> str:
        return (
            "货币单位抽样评价\n"
            + "\n".join(f"  {label}：{value}" for label, value in self.rows())
            + f"\n  {self.conclusion}"
        )

    def _repr_markdown_(self) -> str:
        return "**货币单位抽样评价**\n\n" + markdown_table(self.rows()) + f"\n\n{self.conclusion}"


def evaluate_misstatements(
    items: pd.DataFrame,
    *,
    population_amount_fen: int,
    sample_size: int,
    tolerable_misstatement_fen: int,
    confidence: float = 0.95,
    model: str = "poisson",
    known_misstatement_fen: int = 0,
    amount_column: str = "amount_fen",
    audited_column: str = "audited_fen",
    hits_column: str = "mus_hits",
) -> MonetaryEvaluation:
    """Stringer evaluation of a monetary unit sample.

    ``items``: the statistically selected items with book (``amount_column``) and audited
    (``audited_column``) values in fen and, optionally, their MUS hits (default 1). Items of at
    least one interval (population_amount_fen / sample_size) are the top stratum: their
    misstatement is counted as found, not projected. Below the interval each hit contributes
    the tainting (book − audited) / book. Understatements (audited > book) are left out of the
    overstatement bound and reported apart.
    """
    n = check_count(sample_size, "sample_size", minimum=1)
    book = check_count(population_amount_fen, "population_amount_fen", minimum=1)
    tolerable = check_count(tolerable_misstatement_fen, "tolerable_misstatement_fen", minimum=1)
    known = check_count(known_misstatement_fen, "known_misstatement_fen")
    confidence = check_confidence(confidence)
    model = _check_model(model)
    amounts = items[amount_column].to_numpy(dtype=np.int64)
    if (amounts <= 0).any():
        raise ParameterError(
            "货币单位抽样的样本项目金额必须为正 / sampled items must have positive book values"
        )
    misstatement = amounts - items[audited_column].to_numpy(dtype=np.int64)
    hits = (
        items[hits_column].to_numpy(dtype=np.int64)
        if hits_column in items.columns
        else np.ones(len(items), dtype=np.int64)
    )
    interval = book / n
    top = amounts >= interval
    taints = np.repeat(misstatement[~top] / amounts[~top], np.maximum(hits[~top], 1))
    ordered = _taintings(n, taints)
    limits = upper_limit_factors(n, ordered.size, confidence, model) * book
    steps = np.diff(limits)
    projected = ordered.sum() * interval
    return MonetaryEvaluation(
        sample_size=n,
        population_amount_fen=book,
        confidence=confidence,
        model=model,
        taintings=tuple(float(t) for t in ordered),
        projected_misstatement_fen=round_fen(projected),
        basic_precision_fen=round_fen(limits[0]),
        incremental_allowance_fen=round_fen(np.sum((steps - interval) * ordered)),
        top_stratum_misstatement_fen=int(np.clip(misstatement[top], 0, None).sum()),
        known_misstatement_fen=known,
        tolerable_misstatement_fen=tolerable,
        understatement_fen=int(-np.clip(misstatement, None, 0).sum()),
    )
