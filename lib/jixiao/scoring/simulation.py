"""How safe the grade is: a seeded simulation of the total through the same scoring rules.

The total rests on figures that carry sampling error — the satisfaction rate (a sample of
respondents) and the voucher deviation rate's upper limit (a sample of vouchers) — and on the
evaluator's judgements. ``simulate_grade`` draws each uncertain figure many times, re-scores
the indicators that read it with the rule the indicator workbook gives, and reports the
total's interval and the probability of each grade:

- ``SatisfactionSource``: respondents resampled with replacement (the cluster bootstrap of
  :mod:`jixiao.survey.clusters`), the rate recomputed over each resample;
- ``DeviationSource``: the population deviation rate drawn from its Beta(k + 1, n − k + 1)
  posterior (uniform prior), a repeat sample of n vouchers drawn at that rate, and the upper
  limit the sampling step would then state (``sampling.attribute_upper_limit``);
- ``judgement_shift``: optionally each evaluator-judged indicator (等级评定, 要素计分,
  专家评判) moves one step down or up with that probability each.

Draws are vectorised: each metric rule is evaluated on an array with the same arithmetic
as its exact Decimal version; the simulated total is the computed total plus each
indicator's change from its computed score, so a draw without uncertainty gives exactly the
computed total. Same seed, same inputs → identical results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

import numpy as np
import pandas as pd

from jixiao.errors import ParameterError
from jixiao.sampling.plan import attribute_upper_limit
from jixiao.survey.clusters import bootstrap_rates

from .engine import GRADE_BANDS, ScoreResult
from .rules import (
    Banded,
    Checkpoints,
    Graded,
    Judgement,
    LinearDeduction,
    Proportional,
    quantise,
)

GRADE_NAMES = tuple(name for _, name in GRADE_BANDS)  # 优 良 中 差
DEFAULT_DRAWS = 10_000
DEFAULT_SEED = 20240615
_EPS = 1e-9  # float noise must not move a value across a band edge or a whole step


@dataclass(frozen=True)
class SatisfactionSource:
    """Per-respondent satisfied (``y``) and valid (``m``) answer counts behind a rate metric."""

    y: np.ndarray
    m: np.ndarray
    metric: str = "satisfaction_rate"

    def draw(self, draws: int, rng: np.random.Generator) -> np.ndarray:
        return bootstrap_rates(self.y, self.m, draws, rng)

    def describe(self) -> str:
        return f"{self.metric}：{len(self.y)} 名受访者按受访者重抽（整群自助法）"


@dataclass(frozen=True)
class DeviationSource:
    """An attribute sample of ``sample_size`` items with ``deviations`` found, evaluated at ``confidence``."""

    sample_size: int
    deviations: int
    confidence: float = 0.95
    population_size: int | None = None
    metric: str = "voucher_deviation_upper_limit"

    def draw(self, draws: int, rng: np.random.Generator) -> np.ndarray:
        n, k = int(self.sample_size), int(self.deviations)
        if not 0 <= k <= n or n < 1:
            raise ParameterError(f"偏差数 {k} 应在 0 到样本量 {n} 之间")
        rates = rng.beta(k + 1, n - k + 1, size=draws)
        repeats = rng.binomial(n, rates)
        found = np.unique(repeats)
        limits = np.array(
            [attribute_upper_limit(n, int(x), self.confidence, self.population_size) for x in found]
        )
        return limits[np.searchsorted(found, repeats)]

    def describe(self) -> str:
        return (
            f"{self.metric}：样本 {self.sample_size} 项、偏差 {self.deviations} 项，"
            "偏差率按 Beta 后验抽取后重复抽样"
        )


def simulation_sources(
    metrics: pd.DataFrame | None, respondents: pd.DataFrame | None
) -> list[SatisfactionSource | DeviationSource]:
    """The uncertain metrics the earlier steps handed over, ready for ``simulate_grade``.

    ``respondents``: the ``survey_respondents`` table (its ``service`` rows, the ones
    ``satisfaction_rate`` counts); ``metrics``: ``read_metrics`` output, where sampling's
    ``voucher_sample_size`` / ``voucher_deviations`` / ``voucher_confidence`` (and
    ``voucher_population_size``) describe the attribute sample. Missing pieces give no source.
    """
    sources: list[SatisfactionSource | DeviationSource] = []
    if respondents is not None and not respondents.empty:
        counted = respondents[respondents["service"].astype(bool)]
        if len(counted):
            sources.append(
                SatisfactionSource(
                    counted["n_satisfied"].to_numpy(dtype=float),
                    counted["n_valid"].to_numpy(dtype=float),
                )
            )
    values = {} if metrics is None else dict(zip(metrics["metric"], metrics["value"], strict=True))
    if {"voucher_sample_size", "voucher_deviations"} <= values.keys():
        population = values.get("voucher_population_size")
        sources.append(
            DeviationSource(
                sample_size=int(values["voucher_sample_size"]),
                deviations=int(values["voucher_deviations"]),
                confidence=float(values.get("voucher_confidence", 0.95)),
                population_size=None if population is None else int(population),
            )
        )
    return sources


def _round_half_up(values: np.ndarray, quantum: Decimal) -> np.ndarray:
    q = float(quantum)
    return np.round(np.floor(values / q + 0.5 + _EPS) * q, 2)


def rule_scores(rule, weight: Decimal, values: np.ndarray) -> np.ndarray:
    """Vectorised score of a metric rule (比例计分, 分档计分, 线性扣分) for each metric value."""
    w = float(weight)
    values = np.asarray(values, dtype=float)
    if isinstance(rule, Proportional):
        share = np.minimum(np.maximum(values, 0) / float(rule.target), 1.0)
        return _round_half_up(w * share, rule.quantum)
    if isinstance(rule, Banded):
        out = np.zeros_like(values)
        reached = np.zeros(values.shape, dtype=bool)
        for threshold, points in rule.bands:  # highest threshold first
            hit = ~reached & (values >= float(threshold) - _EPS)
            out[hit] = float(_quantised(points, rule.quantum))
            reached |= hit
        return out
    if isinstance(rule, LinearDeduction):
        target = float(rule.target)
        if rule.direction == "不低于目标":
            gap = np.maximum(target - values, 0)
        else:
            gap = np.maximum(values - target, 0)
        steps = gap / float(rule.step)
        if rule.partial == "按一档":
            steps = np.ceil(steps - _EPS)
        elif rule.partial == "不扣":
            steps = np.floor(steps + _EPS)
        deduction = np.minimum(steps * float(rule.per_step), w)
        return _round_half_up(w - deduction, rule.quantum)
    raise ParameterError(f"规则「{rule.label}」不读指标数据，无法按指标抽样重算")


def _quantised(points: Decimal, quantum: Decimal) -> Decimal:
    return quantise(points, quantum)


def judgement_neighbours(rule, weight: Decimal) -> tuple[Decimal, Decimal] | None:
    """Scores one step down and one step up of an evaluator's judgement (the same where at an end)."""
    no_metrics: dict = {}
    if isinstance(rule, Graded):
        ordered = sorted(rule.levels, key=lambda level: level[1])
        names = [name for name, _ in ordered]
        at = names.index(rule.chosen)
        down = replace(rule, chosen=names[max(at - 1, 0)])
        up = replace(rule, chosen=names[min(at + 1, len(names) - 1)])
    elif isinstance(rule, Checkpoints):
        met = sorted((pts, mk) for mk, _, pts in rule.items if mk in rule.met)
        unmet = sorted((pts, mk) for mk, _, pts in rule.items if mk not in rule.met)
        down = replace(rule, met=rule.met - {met[0][1]}) if met else rule
        up = replace(rule, met=rule.met | {unmet[0][1]}) if unmet else rule
    elif isinstance(rule, Judgement):
        step = max(rule.quantum, Decimal(1))
        down = replace(rule, given=max(rule.given - step, Decimal(0)))
        up = replace(rule, given=min(rule.given + step, weight))
    else:
        return None
    return (
        down.evaluate(weight, no_metrics, {}).score,
        up.evaluate(weight, no_metrics, {}).score,
    )


def grades_of(totals: np.ndarray) -> np.ndarray:
    """The grade name of each total under ``GRADE_BANDS`` (lower bounds inclusive)."""
    totals = np.round(np.asarray(totals, dtype=float), 2)
    out = np.full(totals.shape, GRADE_NAMES[-1], dtype=object)
    for floor, name in reversed(GRADE_BANDS):
        out[totals >= float(floor)] = name
    return out


@dataclass(frozen=True, eq=False)
class GradeSimulation:
    """The simulated totals and what they say about the grade."""

    total: float
    grade: str
    totals: np.ndarray = field(repr=False)
    indicator_draws: dict[str, np.ndarray] = field(repr=False)  # simulated scores by code
    computed_scores: dict[str, float] = field(repr=False)  # the engine's score of each of them
    seed: int
    confidence: float
    sources: tuple[str, ...]

    @property
    def draws(self) -> int:
        return len(self.totals)

    @property
    def total_interval(self) -> tuple[float, float]:
        alpha = 1 - self.confidence
        low, high = np.quantile(self.totals, [alpha / 2, 1 - alpha / 2])
        return round(float(low), 2), round(float(high), 2)

    @property
    def grade_probabilities(self) -> dict[str, float]:
        grades = grades_of(self.totals)
        counts = {name: int((grades == name).sum()) for name in GRADE_NAMES}
        return {name: counts[name] / self.draws for name in GRADE_NAMES}

    def sensitivity(self) -> pd.DataFrame:
        """Indicators whose simulated score varies, the widest first (指标编码, 5%–95% range, P(grade kept))."""
        rows = []
        for code, scores in self.indicator_draws.items():
            low, high = np.quantile(scores, [0.05, 0.95])
            alone = self.total + (scores - self.computed_scores[code])
            rows.append(
                {
                    "指标编码": code,
                    "得分下限": round(float(low), 2),
                    "得分上限": round(float(high), 2),
                    "得分标准差": round(float(np.std(scores)), 4),
                    "仅此项变动时等级不变的概率": float((grades_of(alone) == self.grade).mean()),
                }
            )
        table = pd.DataFrame(
            rows,
            columns=[
                "指标编码",
                "得分下限",
                "得分上限",
                "得分标准差",
                "仅此项变动时等级不变的概率",
            ],
        )
        return table.sort_values(
            ["仅此项变动时等级不变的概率", "得分标准差"],
            ascending=[True, False],
            kind="stable",
            ignore_index=True,
        )

    def summary(self) -> str:
        low, high = self.total_interval
        probabilities = self.grade_probabilities
        shown = "、".join(
            f"「{name}」{probabilities[name]:.1%}"
            for name in GRADE_NAMES
            if probabilities[name] > 0
        )
        return (
            f"按 {self.draws:,} 次模拟（随机种子 {self.seed}），综合得分的 {self.confidence:.0%} 区间为 "
            f"{low:g}–{high:g} 分，各等级的概率为{shown}；计算得分 {self.total:g} 分，等级「{self.grade}」。"
        )

    def to_json(self) -> dict:
        """The keys score.json gains: ``total_interval``, ``grade_probabilities``, ``grade_simulation``."""
        return {
            "total_interval": list(self.total_interval),
            "grade_probabilities": self.grade_probabilities,
            "grade_simulation": {
                "draws": self.draws,
                "seed": self.seed,
                "confidence": self.confidence,
                "sources": list(self.sources),
                "summary": self.summary(),
            },
        }


def simulate_grade(
    result: ScoreResult,
    sources: Sequence[SatisfactionSource | DeviationSource] = (),
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    confidence: float = 0.90,
    judgement_shift: float = 0.0,
) -> GradeSimulation:
    """Simulate the total ``draws`` times; ``sources`` give the uncertain metrics.

    A source whose metric no indicator reads is ignored. ``judgement_shift`` (0–0.5) is the
    probability that a judged indicator moves one step down, and the same one step up.
    """
    if not result.complete:
        raise ParameterError("评分不完整（缺少指标数据），无法模拟等级的稳健性")
    if draws < 1:
        raise ParameterError(f"draws must be at least 1, got {draws!r}")
    if not 0 < confidence < 1:
        raise ParameterError(f"confidence must be between 0 and 1, got {confidence!r}")
    if not 0 <= judgement_shift <= 0.5:
        raise ParameterError(f"judgement_shift must be between 0 and 0.5, got {judgement_shift!r}")
    rng = np.random.default_rng(seed)
    metric_draws = {}
    described = []
    for source in sources:
        metric_draws[source.metric] = source.draw(draws, rng)
        described.append(source.describe())
    total = float(result.total)
    totals = np.full(draws, total)
    per_indicator: dict[str, np.ndarray] = {}
    computed: dict[str, float] = {}
    for s in result.indicators:
        rule, weight = s.indicator.rule, s.indicator.weight
        scored = float(s.score)
        if rule.metric is not None and rule.metric in metric_draws:
            values = metric_draws[rule.metric]
            at_computed = float(
                rule_scores(rule, weight, np.array([float(result.metrics[rule.metric].value)]))[0]
            )
            scores = rule_scores(rule, weight, values) - at_computed + scored
        elif judgement_shift > 0 and (steps := judgement_neighbours(rule, weight)) is not None:
            down, up = (float(v) for v in steps)
            u = rng.random(draws)
            scores = np.where(
                u < judgement_shift, down, np.where(u >= 1 - judgement_shift, up, scored)
            )
        else:
            continue
        totals = totals + (scores - scored)
        per_indicator[s.indicator.code] = scores
        computed[s.indicator.code] = scored
    if judgement_shift > 0:
        described.append(f"定性评判：每项以 {judgement_shift:.0%} 的概率下调一档、同样概率上调一档")
    return GradeSimulation(
        total=total,
        grade=str(result.grade),
        totals=np.round(totals, 2),
        indicator_draws=per_indicator,
        computed_scores=computed,
        seed=int(seed),
        confidence=float(confidence),
        sources=tuple(described),
    )
