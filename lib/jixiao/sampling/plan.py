"""Planning: how many items to examine (审计抽样第一步：确定样本量).

Attribute sampling (tests of controls / compliance) uses the binomial distribution, or the
hypergeometric one when the population size is known; the number of deviations the sample
may contain is ``ceil(expected_rate × n)``, the convention of the AICPA *Audit Sampling* guide
(Tables A-1, A-2). Monetary unit sampling uses the Poisson distribution with the expected
errors kept fractional (``n × expected / book``), the convention of the guide's Table C-1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jixiao.errors import ParameterError
from jixiao.lazy import scipy_stats

from ._common import (
    check_confidence,
    check_count,
    check_nonnegative,
    check_rate,
    exact_ceil,
    markdown_table,
    percent,
    yuan,
)

# Beyond this the plan is not a sample any more; the evaluator should rethink the parameters.
MAX_SAMPLE_SIZE = 1_000_000
_FIRST_BLOCK = 2_048


def _first_passing(test, limit: int) -> int | None:
    """Smallest n in 1..limit with test(n_array) true, scanning in growing vectorised blocks."""
    start, block = 1, _FIRST_BLOCK
    while start <= limit:
        n = np.arange(start, min(start + block, limit + 1), dtype=np.int64)
        ok = test(n)
        if ok.any():
            return int(n[np.argmax(ok)])
        start += block
        block *= 4
    return None


def _check_tolerable_above_expected(
    tolerable: float, expected: float, what: str, what_en: str
) -> None:
    if tolerable <= expected:
        raise ParameterError(
            f"可容忍{what}（{tolerable!r}）必须大于预期{what}（{expected!r}），否则任何样本量都无法得出可信赖的结论 / "
            f"tolerable {what_en} ({tolerable!r}) must exceed the expected one ({expected!r})"
        )


def check_population_size(population_size: int | None) -> int | None:
    if population_size is None:
        return None
    size = check_count(population_size, "population_size")
    if size == 0:
        raise ParameterError(
            "总体为空（population_size = 0），无法抽样 / population_size is 0: the population is empty"
        )
    return size


def attribute_sample_size(
    confidence: float,
    tolerable_rate: float,
    expected_rate: float = 0.0,
    population_size: int | None = None,
) -> int:
    """Smallest n with P(X ≤ ceil(expected_rate·n)) ≤ 1 − confidence at the tolerable rate.

    Binomial without ``population_size``; hypergeometric with it, the population then holding
    ``ceil(tolerable_rate × N)`` deviations (the smallest count whose rate reaches the
    tolerable rate). A hypergeometric sample never exceeds the population.
    """
    confidence = check_confidence(confidence)
    tolerable = check_rate(tolerable_rate, "tolerable_rate", allow_zero=False)
    expected = check_rate(expected_rate, "expected_rate")
    size = check_population_size(population_size)
    _check_tolerable_above_expected(tolerable, expected, "偏差率", "deviation rate")
    alpha = 1.0 - confidence

    def allowed(n: np.ndarray) -> np.ndarray:
        return np.ceil(expected * n - 1e-9)

    if size is None:
        found = _first_passing(
            lambda n: scipy_stats().binom.cdf(allowed(n), n, tolerable) <= alpha, MAX_SAMPLE_SIZE
        )
    else:
        deviant = exact_ceil(tolerable * size)
        found = _first_passing(
            lambda n: scipy_stats().hypergeom.cdf(allowed(n), size, deviant, n) <= alpha, size
        )
    if found is None:
        where = (
            f"总体 {size} 项全部检查也"
            if size is not None
            else f"样本量超过 {MAX_SAMPLE_SIZE:,} 仍"
        )
        raise ParameterError(
            f"{where}无法在 {percent(confidence, 0)} 置信水平下把偏差率上限控制在可容忍偏差率 "
            f"{percent(tolerable)} 以内（预期偏差率 {percent(expected)} 太接近可容忍偏差率）/ no sample size reaches "
            f"the tolerable_rate {tolerable!r} with expected_rate {expected!r}"
        )
    return found


def attribute_upper_limit(
    sample_size: int, deviations: int, confidence: float = 0.95, population_size: int | None = None
) -> float:
    """One-sided upper limit of the population deviation rate, as a fraction.

    Binomial (no population size): the exact Clopper–Pearson bound, the ``confidence``
    quantile of Beta(k + 1, n − k); 1.0 when every item deviates.
    Hypergeometric (population of N): K_max / N, where K_max is the largest number of
    deviations in the population that the sample cannot rule out, i.e. the largest K with
    P(X ≤ k | N, K, n) > 1 − confidence. Examining the whole population without a deviation
    therefore gives 0.
    """
    n = check_count(sample_size, "sample_size", minimum=1)
    k = check_count(deviations, "deviations")
    confidence = check_confidence(confidence)
    size = check_population_size(population_size)
    if k > n:
        raise ParameterError(
            f"偏差数 deviations（{k}）不能大于样本量 sample_size（{n}） / deviations ({k}) cannot exceed sample_size ({n})"
        )
    if size is None:
        return 1.0 if k == n else float(scipy_stats().beta.ppf(confidence, k + 1, n - k))
    if size < n:
        raise ParameterError(
            f"总体数量 population_size（{size}）小于样本量 sample_size（{n}） / "
            f"population_size ({size}) is smaller than sample_size ({n})"
        )
    candidates = np.arange(k, size - (n - k) + 1, dtype=np.int64)
    plausible = scipy_stats().hypergeom.cdf(k, size, candidates, n) > 1.0 - confidence
    return float(candidates[plausible].max()) / size


def tolerable_rate_rejected(
    sample_size: int,
    deviations: int,
    tolerable_rate: float,
    confidence: float,
    population_size: int | None,
) -> bool:
    """True when the sample rules out a deviation rate at the tolerable rate (the control is reliable).

    The same test the sample size was planned with, so a planned sample with no more than the
    expected deviations always passes.
    """
    alpha = 1.0 - confidence
    if population_size is None:
        return bool(scipy_stats().binom.cdf(deviations, sample_size, tolerable_rate) <= alpha)
    deviant = exact_ceil(tolerable_rate * population_size)
    return bool(
        scipy_stats().hypergeom.cdf(deviations, population_size, deviant, sample_size) <= alpha
    )


def poisson_factor(errors: float | np.ndarray, confidence: float) -> float | np.ndarray:
    """Upper confidence limit of a Poisson mean after ``errors`` errors (3.00 at 95 % and 0 errors).

    Defined for fractional errors through the gamma distribution, as the AICPA tables do.
    """
    return scipy_stats().gamma.ppf(confidence, np.asarray(errors, dtype=float) + 1.0)


def mus_sample_size(
    book_value: float,
    tolerable_misstatement: float,
    expected_misstatement: float = 0.0,
    confidence: float = 0.95,
) -> int:
    """Smallest n with Poisson upper limit(n × expected / book) / n ≤ tolerable / book.

    Any money unit works (元 or fen) as long as the three amounts share it.
    """
    book = check_nonnegative(book_value, "book_value", positive=True)
    tolerable = check_nonnegative(tolerable_misstatement, "tolerable_misstatement", positive=True)
    expected = check_nonnegative(expected_misstatement, "expected_misstatement")
    confidence = check_confidence(confidence)
    _check_tolerable_above_expected(tolerable, expected, "错报", "misstatement")
    tolerable_share, expected_share = tolerable / book, expected / book
    found = _first_passing(
        lambda n: poisson_factor(n * expected_share, confidence) <= n * tolerable_share,
        MAX_SAMPLE_SIZE,
    )
    if found is None:
        raise ParameterError(
            f"样本量超过 {MAX_SAMPLE_SIZE:,} 仍无法达到可容忍错报，请调整参数 / no sample size up to "
            f"{MAX_SAMPLE_SIZE:,} reaches tolerable_misstatement {tolerable_misstatement!r}"
        )
    return found


@dataclass(frozen=True)
class SamplingPlan:
    """The planned sample: its size and the parameters that produced it."""

    kind: str  # "attribute" or "mus"
    distribution: str  # "binomial", "hypergeometric" or "poisson"
    confidence: float
    sample_size: int
    expected_errors: (
        float  # deviations (attribute, whole) or errors (MUS, fractional) the plan tolerates
    )
    tolerable_rate: float | None = None
    expected_rate: float | None = None
    population_size: int | None = None
    book_value_fen: int | None = None
    tolerable_misstatement_fen: int | None = None
    expected_misstatement_fen: int | None = None

    @property
    def interval_fen(self) -> float | None:
        """MUS sampling interval (book value / n), in fen."""
        if self.book_value_fen is None:
            return None
        return self.book_value_fen / self.sample_size

    def rows(self) -> list[tuple[str, str]]:
        names = {"binomial": "二项分布", "hypergeometric": "超几何分布", "poisson": "泊松分布"}
        rows = [
            (
                "抽样类型",
                "属性抽样（控制测试）" if self.kind == "attribute" else "货币单位抽样（细节测试）",
            ),
            ("概率分布", names[self.distribution]),
            ("置信水平", percent(self.confidence, 0)),
        ]
        if self.kind == "attribute":
            rows += [
                ("可容忍偏差率", percent(self.tolerable_rate)),
                ("预期偏差率", percent(self.expected_rate)),
            ]
            if self.population_size is not None:
                rows.append(("总体数量", f"{self.population_size:,} 项"))
            rows.append(("样本中允许的偏差数", f"{self.expected_errors:g}"))
        else:
            rows += [
                ("总体账面金额", f"{yuan(self.book_value_fen)} 元"),
                ("可容忍错报", f"{yuan(self.tolerable_misstatement_fen)} 元"),
                ("预期错报", f"{yuan(self.expected_misstatement_fen)} 元"),
                ("样本中预期错误（可为小数）", f"{self.expected_errors:.2f}"),
                ("抽样区间", f"{yuan(self.interval_fen)} 元"),
            ]
        rows.append(("样本量", f"{self.sample_size} 项"))
        return rows

    def __str__(self) -> str:
        return "抽样计划\n" + "\n".join(f"  {label}：{value}" for label, value in self.rows())

    def _repr_markdown_(self) -> str:
        return "**抽样计划**\n\n" + markdown_table(self.rows())


def plan_attribute(
    confidence: float,
    tolerable_rate: float,
    expected_rate: float = 0.0,
    population_size: int | None = None,
) -> SamplingPlan:
    """Plan an attribute sample (see :func:`attribute_sample_size`)."""
    n = attribute_sample_size(confidence, tolerable_rate, expected_rate, population_size)
    return SamplingPlan(
        kind="attribute",
        distribution="binomial" if population_size is None else "hypergeometric",
        confidence=float(confidence),
        sample_size=n,
        expected_errors=float(exact_ceil(expected_rate * n)),
        tolerable_rate=float(tolerable_rate),
        expected_rate=float(expected_rate),
        population_size=population_size,
    )


def plan_mus(
    book_value_fen: int,
    tolerable_misstatement_fen: int,
    expected_misstatement_fen: int = 0,
    confidence: float = 0.95,
) -> SamplingPlan:
    """Plan a monetary unit sample, amounts in fen (see :func:`mus_sample_size`)."""
    for name, value in (
        ("book_value_fen", book_value_fen),
        ("tolerable_misstatement_fen", tolerable_misstatement_fen),
        ("expected_misstatement_fen", expected_misstatement_fen),
    ):
        check_count(value, name)
    n = mus_sample_size(
        book_value_fen, tolerable_misstatement_fen, expected_misstatement_fen, confidence
    )
    return SamplingPlan(
        kind="mus",
        distribution="poisson",
        confidence=float(confidence),
        sample_size=n,
        expected_errors=n * expected_misstatement_fen / book_value_fen,
        book_value_fen=int(book_value_fen),
        tolerable_misstatement_fen=int(tolerable_misstatement_fen),
        expected_misstatement_fen=int(expected_misstatement_fen),
    )
