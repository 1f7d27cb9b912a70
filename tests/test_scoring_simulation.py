"""Grade simulation: hand-computed binomial case, no uncertainty, determinism, same rules as the engine."""

from __future__ import annotations

import json
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from jixiao import paths
from jixiao.errors import ParameterError
from jixiao.sampling.plan import attribute_upper_limit
from jixiao.scoring import (
    DeviationSource,
    SatisfactionSource,
    indicator_system_from_frame,
    load_indicator_system,
    score,
    score_to_json,
    simulate_grade,
    simulation_sources,
)
from jixiao.scoring.simulation import grades_of, judgement_neighbours, rule_scores


def one_indicator_system(rule_type: str, parameters: str, conclusion: str = ""):
    frame = pd.DataFrame(
        [
            {
                "指标编码": "D1.1",
                "一级指标": "效果",
                "二级指标": "满意度",
                "三级指标": "服务对象满意度",
                "分值": 100,
                "评价标准及评分规则": "按满意率分档",
                "规则类型": rule_type,
                "规则参数": parameters,
                "数据来源": "问卷",
                "评价结论": conclusion,
                "评分理由": "评价组按现场核查判断" if conclusion else "",
            }
        ]
    )
    return indicator_system_from_frame(frame)


def test_one_banded_indicator_on_a_binomial_rate_matches_the_hand_computed_grade_probability():
    # 10 respondents with one answer each, 9 satisfied. A respondent resample counts X ~ Bin(10, 0.9)
    # satisfied; the rate reaches the 90% band (100 points, 优) when X ≥ 9:
    # P = 0.9¹⁰ + 10 · 0.9⁹ · 0.1 = 0.34868 + 0.38742 = 0.73610; otherwise 85 points (良).
    system = one_indicator_system("分档计分", "指标=satisfaction_rate; 分档=90%:100, 0:85")
    result = score(system, {"satisfaction_rate": 0.9})
    assert (result.total, result.grade) == (Decimal("100.00"), "优")
    source = SatisfactionSource(np.array([1.0] * 9 + [0.0]), np.ones(10))
    simulation = simulate_grade(result, [source], draws=40_000, seed=1)
    probabilities = simulation.grade_probabilities
    assert probabilities["优"] == pytest.approx(0.7361, abs=0.01)
    assert probabilities["良"] == pytest.approx(1 - 0.7361, abs=0.01)
    assert probabilities["中"] == probabilities["差"] == 0
    assert sum(probabilities.values()) == pytest.approx(1)
    assert simulation.total_interval == (85.0, 100.0)  # 5% and 95% quantiles of {85, 100}


def test_without_uncertainty_the_computed_grade_has_probability_one():
    system = load_indicator_system(paths.raw_dir(2017) / "指标体系_2017.xlsx")
    metrics = {
        "fund_arrival_rate": 1.0,
        "fund_timely_rate": 0.865,
        "separate_accounting_units": 3,
        "output_completion_rate": 1.0,
        "output_timely_rate": 1.0,
        "output_quality_rate": 1.0,
        "satisfaction_rate": 0.93,
        "voucher_deviation_upper_limit": 0.1242,
    }
    result = score(system, metrics)
    simulation = simulate_grade(result, draws=500, seed=3)
    assert simulation.grade_probabilities[result.grade] == 1.0
    assert simulation.total_interval == (float(result.total),) * 2
    # Every respondent gives 93 satisfied answers of 100: every resample has the computed rate.
    flat = SatisfactionSource(np.full(50, 93.0), np.full(50, 100.0))
    again = simulate_grade(result, [flat], draws=500, seed=3)
    assert set(again.totals) == {float(result.total)}
    assert again.grade_probabilities[result.grade] == 1.0


def test_the_same_seed_gives_identical_results_and_another_seed_other_draws():
    system = one_indicator_system(
        "线性扣分",
        "指标=voucher_deviation_upper_limit; 目标=5%; 每档=5%; 每档扣分=10; 方向=不高于目标",
    )
    result = score(system, {"voucher_deviation_upper_limit": attribute_upper_limit(60, 3)})
    source = DeviationSource(60, 3)
    first = simulate_grade(result, [source], draws=2000, seed=11)
    second = simulate_grade(result, [source], draws=2000, seed=11)
    other = simulate_grade(result, [source], draws=2000, seed=12)
    assert np.array_equal(first.totals, second.totals)
    assert first.to_json() == second.to_json()
    assert not np.array_equal(first.totals, other.totals)
    json.dumps(first.to_json(), ensure_ascii=False)  # plain JSON types


def test_deviation_draws_are_upper_limits_the_sampling_step_could_state():
    draws = DeviationSource(60, 3).draw(5000, np.random.default_rng(5))
    possible = {attribute_upper_limit(60, k) for k in range(61)}
    assert set(np.unique(draws)) <= possible
    # Repeat samples find on average n·(k+1)/(n+2) = 60·4/62 ≈ 3.87 deviations.
    limits = {attribute_upper_limit(60, k): k for k in range(61)}
    found = np.array([limits[v] for v in draws])
    assert found.mean() == pytest.approx(60 * 4 / 62, abs=0.15)


@pytest.mark.parametrize(
    ("rule_type", "parameters", "values"),
    [
        (
            "分档计分",
            "指标=satisfaction_rate; 分档=90%:100, 85%:90, 80%:70, 0:40",
            [0.79, 0.8, 0.85, 0.8999, 0.9, 1.0],
        ),
        ("比例计分", "指标=output_completion_rate; 目标=95%", [0.0, 0.5, 0.9312, 0.95, 1.2]),
        (
            "线性扣分",
            "指标=fund_timely_rate; 目标=100%; 每档=5%; 每档扣分=10",
            [1.0, 0.95, 0.949, 0.865, 0.1],
        ),
        (
            "线性扣分",
            "指标=x_count; 目标=0; 每档=1; 每档扣分=15; 方向=不高于目标; 不足一档=不扣",
            [0, 1, 2.5, 7],
        ),
        (
            "线性扣分",
            "指标=x_rate; 目标=100%; 每档=3%; 每档扣分=7; 不足一档=按比例",
            [1.0, 0.97, 0.955, 0.5],
        ),
    ],
)
def test_vectorised_rules_score_exactly_as_the_engine_does(rule_type, parameters, values):
    system = one_indicator_system(rule_type, parameters)
    indicator = system.indicators[0]
    expected = [float(score(system, {indicator.rule.metric: v}).total) for v in values]
    got = rule_scores(indicator.rule, indicator.weight, np.array(values, dtype=float))
    assert got.tolist() == pytest.approx(expected, abs=1e-9)


def test_judgements_move_one_step_through_their_own_rule():
    graded = one_indicator_system("等级评定", "等级=健全:100%, 基本健全:60%, 不健全:0", "基本健全")
    assert judgement_neighbours(graded.indicators[0].rule, Decimal(100)) == (
        Decimal("0.00"),
        Decimal("100.00"),
    )
    judged = one_indicator_system("专家评判", "", "95")
    assert judgement_neighbours(judged.indicators[0].rule, Decimal(100)) == (
        Decimal("94.00"),
        Decimal("96.00"),
    )
    result = score(graded)
    simulation = simulate_grade(result, draws=4000, seed=2, judgement_shift=0.25)
    shares = simulation.grade_probabilities  # 60 → 中 (stay, 50%), 0 → 差 (25%), 100 → 优 (25%)
    assert shares["中"] == pytest.approx(0.5, abs=0.03)
    assert shares["差"] == pytest.approx(0.25, abs=0.03)
    assert shares["优"] == pytest.approx(0.25, abs=0.03)


def test_score_json_gains_the_interval_and_probabilities_and_keeps_every_other_key():
    system = one_indicator_system("分档计分", "指标=satisfaction_rate; 分档=90%:100, 0:85")
    result = score(system, {"satisfaction_rate": 0.9})
    plain = score_to_json(result, 2017)
    simulation = simulate_grade(
        result, [SatisfactionSource(np.array([1.0] * 9 + [0.0]), np.ones(10))], draws=1000, seed=4
    )
    extended = score_to_json(result, 2017, simulation)
    assert {k: extended[k] for k in plain} == plain
    assert set(extended) - set(plain) == {
        "total_interval",
        "grade_probabilities",
        "grade_simulation",
    }
    assert list(extended["grade_probabilities"]) == ["优", "良", "中", "差"]
    assert sum(extended["grade_probabilities"].values()) == pytest.approx(1)
    low, high = extended["total_interval"]
    assert low <= float(result.total) <= high


def test_sources_come_from_the_respondent_table_and_the_sampling_metrics():
    respondents = pd.DataFrame(
        {
            "respondent_id": ["R1", "R2", "W1"],
            "group": ["居民", "居民", "社区工作者"],
            "n_valid": [8, 8, 8],
            "n_satisfied": [8, 6, 2],
            "service": [True, True, False],
        }
    )
    metrics = pd.DataFrame(
        {
            "metric": [
                "voucher_deviation_upper_limit",
                "voucher_sample_size",
                "voucher_deviations",
                "voucher_confidence",
            ],
            "value": [0.1242, 60.0, 3.0, 0.95],
        }
    )
    survey_source, deviation_source = simulation_sources(metrics, respondents)
    assert survey_source.y.tolist() == [8, 6] and survey_source.m.tolist() == [8, 8]
    assert (deviation_source.sample_size, deviation_source.deviations) == (60, 3)
    assert deviation_source.population_size is None
    assert simulation_sources(None, None) == []


def test_grade_bands_include_their_lower_bound_and_refuse_an_incomplete_result():
    assert grades_of(np.array([90.0, 89.995, 80.0, 79.99, 60.0, 59.99])).tolist() == [
        "优",
        "优",
        "良",
        "中",
        "中",
        "差",
    ]
    system = one_indicator_system("分档计分", "指标=satisfaction_rate; 分档=90%:100, 0:85")
    incomplete = score(system, {}, strict=False)
    with pytest.raises(ParameterError, match="评分不完整"):
        simulate_grade(incomplete)
