"""Evaluation: upper deviation limits, the Stringer bound and its parts in fen, conclusions."""

import math

import pandas as pd
import pytest

from jixiao.errors import ParameterError
from jixiao.sampling import evaluate_attributes, evaluate_misstatements, stringer_bound

# Poisson upper limits at 95 % after 0, 1, 2 errors (the 3.00 / 4.75 / 6.30 of the MUS factor
# tables, to six decimals): e^-λ Σ_{i≤k} λ^i / i! = 0.05.
U0, U1, U2 = 2.995732, 4.743865, 6.295794


def test_poisson_factors_used_below_solve_the_defining_equation():
    assert math.exp(-U0) == pytest.approx(0.05, abs=1e-7)
    assert math.exp(-U1) * (1 + U1) == pytest.approx(0.05, abs=1e-7)
    assert math.exp(-U2) * (1 + U2 + U2**2 / 2) == pytest.approx(0.05, abs=1e-7)


def test_stringer_bound_orders_taintings_largest_first():
    expected = (U0 + (U1 - U0) * 1.0 + (U2 - U1) * 0.5) / 100
    assert stringer_bound(100, [0.5, 1.0]) == pytest.approx(expected, abs=1e-7)
    assert stringer_bound(100, [1.0, 0.5]) == stringer_bound(100, [0.5, 1.0])


def test_stringer_bound_clips_taintings_to_zero_one():
    assert stringer_bound(100, [1.7, -0.3]) == stringer_bound(100, [1.0])


def test_stringer_bound_without_errors_is_the_basic_precision():
    assert stringer_bound(60, []) == pytest.approx(U0 / 60, abs=1e-8)
    assert stringer_bound(100, [], model="binomial") == pytest.approx(1 - 0.05 ** (1 / 100))


def test_binomial_stringer_bound_uses_beta_quantiles():
    # Beta(2, 99) at 95 % is the Clopper-Pearson bound for 1 in 100: (1 − p)^100 + 100p(1 − p)^99 = 0.05.
    one = stringer_bound(100, [1.0], model="binomial")
    assert (1 - one) ** 100 + 100 * one * (1 - one) ** 99 == pytest.approx(0.05, abs=1e-9)


def test_stringer_bound_rejects_bad_input():
    with pytest.raises(ParameterError, match="sample_size"):
        stringer_bound(2, [0.1, 0.2, 0.3])
    with pytest.raises(ParameterError, match="model"):
        stringer_bound(10, [], model="normal")
    with pytest.raises(ParameterError, match="confidence"):
        stringer_bound(10, [], confidence=1.2)


def test_monetary_evaluation_in_fen_with_top_stratum_and_understatement():
    # Book 1,000,000.00 元, 100 units → interval 10,000.00 元 (1,000,000 fen).
    items = pd.DataFrame(
        {
            "amount_fen": [500_000, 200_000, 3_000_000, 100_000, 400_000],
            "audited_fen": [400_000, 0, 2_900_000, 100_000, 450_000],
            "mus_hits": [1, 1, 3, 1, 1],
        }
    )
    result = evaluate_misstatements(
        items,
        population_amount_fen=100_000_000,
        sample_size=100,
        tolerable_misstatement_fen=6_000_000,
    )
    assert result.taintings == (1.0, 0.2)
    assert result.projected_misstatement_fen == 1_200_000  # (1.0 + 0.2) × 1,000,000
    assert result.top_stratum_misstatement_fen == 100_000  # 3,000,000 − 2,900,000, not projected
    assert abs(result.basic_precision_fen - 2_995_732) <= 1  # U0 × interval
    assert (
        abs(result.incremental_allowance_fen - 858_519) <= 1
    )  # ((U1−U0−1)·1.0 + (U2−U1−1)·0.2) × interval
    assert abs(result.upper_limit_fen - 5_154_251) <= 2
    assert result.understatement_fen == 50_000
    assert result.acceptable
    assert "不超过可容忍错报 60,000.00 元" in result.conclusion
    tighter = evaluate_misstatements(
        items,
        population_amount_fen=100_000_000,
        sample_size=100,
        tolerable_misstatement_fen=5_000_000,
    )
    assert not tighter.acceptable and "超过可容忍错报 50,000.00 元" in tighter.conclusion


def test_known_misstatement_outside_the_sample_is_added_to_the_limit():
    items = pd.DataFrame({"amount_fen": [100_000], "audited_fen": [100_000]})
    base = evaluate_misstatements(
        items, population_amount_fen=6_000_000, sample_size=60, tolerable_misstatement_fen=400_000
    )
    more = evaluate_misstatements(
        items,
        population_amount_fen=6_000_000,
        sample_size=60,
        tolerable_misstatement_fen=400_000,
        known_misstatement_fen=12_345,
    )
    assert base.upper_limit_fen == base.basic_precision_fen == 299_573  # U0 × 100,000 fen interval
    assert more.upper_limit_fen == base.upper_limit_fen + 12_345


def test_attribute_evaluation_agrees_with_the_planned_sample():
    clean = evaluate_attributes(59, 0, tolerable_rate=0.05)
    assert clean.acceptable
    assert clean.upper_limit == pytest.approx(1 - 0.05 ** (1 / 59))
    assert "不超过可容忍偏差率 5.00%" in clean.conclusion
    one = evaluate_attributes(59, 1, tolerable_rate=0.05)
    assert not one.acceptable and "不能信赖" in one.conclusion


def test_hypergeometric_attribute_evaluation_matches_hypergeometric_planning():
    assert evaluate_attributes(45, 0, tolerable_rate=0.05, population_size=100).acceptable
    assert not evaluate_attributes(44, 0, tolerable_rate=0.05, population_size=100).acceptable


def test_attribute_evaluation_prints_a_chinese_summary():
    result = evaluate_attributes(100, 2, tolerable_rate=0.08, confidence=0.9)
    assert "样本 100 项中发现偏差 2 项" in str(result)
    assert "| 总体偏差率上限 |" in result._repr_markdown_()
    assert result.sample_rate == 0.02
