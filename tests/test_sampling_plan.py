"""Sample sizes and upper deviation limits against the AICPA Audit Sampling guide tables.

Published values: AICPA Audit Guide *Audit Sampling* (2017), Appendix A — Table A-1
(sample sizes, 5 % risk of overreliance), Table A-2 (10 % risk), Tables A-3 / A-4 (upper
deviation limits, 5 % / 10 % risk, percent rounded up to 0.1); Appendix C — Table C-1
(monetary unit sample sizes by risk of incorrect acceptance and ratio of expected to
tolerable misstatement).
"""

import math

import pytest

from jixiao.errors import ParameterError
from jixiao.sampling import (
    attribute_sample_size,
    attribute_upper_limit,
    mus_sample_size,
    plan_attribute,
    plan_mus,
)

# (tolerable rate, expected rate, sample size) — Table A-1, 5 % risk of overreliance.
TABLE_A1 = [
    (0.02, 0.0, 149),
    (0.02, 0.0025, 236),
    (0.02, 0.0125, 1030),
    (0.03, 0.0, 99),
    (0.03, 0.0075, 208),
    (0.03, 0.0175, 562),
    (0.04, 0.01, 156),
    (0.04, 0.015, 192),
    (0.04, 0.02, 294),
    (0.05, 0.0075, 93),
    (0.05, 0.0125, 124),
    (0.05, 0.0175, 153),
    (0.05, 0.025, 234),
    (0.05, 0.04, 1348),
    (0.06, 0.03, 195),
    (0.07, 0.035, 167),
    (0.08, 0.02, 77),
    (0.09, 0.0, 32),
    (0.10, 0.0, 29),
    (0.10, 0.0225, 61),
    (0.10, 0.05, 116),
    (0.10, 0.07, 298),
    (0.15, 0.05, 40),
    (0.15, 0.09, 110),
    (0.20, 0.0, 14),
    (0.20, 0.08, 37),
    (0.20, 0.175, 720),
]
# Table A-2, 10 % risk of overreliance.
TABLE_A2 = [
    (0.02, 0.0, 114),
    (0.02, 0.0075, 265),
    (0.03, 0.01, 176),
    (0.04, 0.0125, 132),
    (0.05, 0.0, 45),
    (0.05, 0.01, 77),
    (0.05, 0.015, 105),
    (0.05, 0.0275, 209),
    (0.06, 0.025, 110),
    (0.08, 0.0, 28),
    (0.10, 0.0, 22),
    (0.10, 0.03, 52),
    (0.10, 0.08, 424),
    (0.15, 0.05, 34),
    (0.20, 0.0, 11),
    (0.20, 0.125, 63),
]
# (sample size, deviations, upper limit in percent, rounded up to 0.1) — Tables A-3 (95 %) and A-4 (90 %).
TABLE_A3 = [
    (20, 0, 14.0),
    (20, 3, 34.4),
    (25, 1, 17.7),
    (50, 0, 5.9),
    (50, 2, 12.1),
    (60, 1, 7.7),
    (100, 0, 3.0),
    (100, 1, 4.7),
    (100, 4, 9.0),
    (150, 2, 4.2),
    (200, 10, 8.4),
    (500, 5, 2.1),
]
TABLE_A4 = [(20, 0, 10.9), (45, 1, 8.4), (100, 0, 2.3), (100, 3, 6.6), (300, 10, 5.1)]
# (risk of incorrect acceptance, expected/tolerable ratio, tolerable share of book, sample size) — Table C-1.
TABLE_C1 = [
    (0.05, 0.0, 0.50, 6),
    (0.05, 0.0, 0.05, 60),
    (0.05, 0.0, 0.01, 300),
    (0.05, 0.1, 0.08, 46),
    (0.05, 0.2, 0.05, 93),
    (0.05, 0.2, 0.02, 232),
    (0.05, 0.3, 0.03, 200),
    (0.05, 0.4, 0.06, 135),
    (0.05, 0.5, 0.10, 116),
    (0.05, 0.5, 0.005, 2308),
    (0.10, 0.0, 0.05, 47),
    (0.10, 0.2, 0.04, 86),
    (0.10, 0.5, 0.01, 799),
    (0.20, 0.3, 0.06, 47),
    (0.50, 0.6, 0.02, 85),
]


@pytest.mark.parametrize(("tolerable", "expected", "size"), TABLE_A1)
def test_attribute_sample_size_matches_aicpa_table_a1_at_95_percent(tolerable, expected, size):
    assert attribute_sample_size(0.95, tolerable, expected) == size


@pytest.mark.parametrize(("tolerable", "expected", "size"), TABLE_A2)
def test_attribute_sample_size_matches_aicpa_table_a2_at_90_percent(tolerable, expected, size):
    assert attribute_sample_size(0.90, tolerable, expected) == size


@pytest.mark.parametrize(("n", "k", "percent"), TABLE_A3)
def test_upper_deviation_limit_matches_aicpa_table_a3_at_95_percent(n, k, percent):
    assert math.ceil(round(attribute_upper_limit(n, k, 0.95) * 1000, 6)) / 10 == percent


@pytest.mark.parametrize(("n", "k", "percent"), TABLE_A4)
def test_upper_deviation_limit_matches_aicpa_table_a4_at_90_percent(n, k, percent):
    assert math.ceil(round(attribute_upper_limit(n, k, 0.90) * 1000, 6)) / 10 == percent


@pytest.mark.parametrize(("risk", "ratio", "tolerable", "size"), TABLE_C1)
def test_mus_sample_size_matches_aicpa_table_c1(risk, ratio, tolerable, size):
    assert mus_sample_size(1.0, tolerable, ratio * tolerable, 1 - risk) == size


def test_brief_examples_hold():
    assert attribute_sample_size(0.95, 0.05) == 59
    assert attribute_sample_size(0.95, 0.05, 0.01) == 93
    assert attribute_sample_size(0.90, 0.05) == 45
    assert attribute_upper_limit(100, 0) == pytest.approx(1 - 0.05 ** (1 / 100))  # = 0.0295…
    assert mus_sample_size(2_000_000, 100_000) == 60


def test_sample_size_59_is_the_first_where_no_deviation_has_at_most_5_percent_chance():
    # 0.95^58 = 0.0510 > 0.05 and 0.95^59 = 0.0485 ≤ 0.05.
    assert 0.95**58 > 0.05 >= 0.95**59
    assert attribute_sample_size(0.95, 0.05) == 59


def test_expected_deviations_use_the_exact_decimal_product():
    # 0.07 × 100 is 7.000000000000001 in floating point; the table counts 7 deviations.
    plan = plan_attribute(0.95, 0.10, 0.07)
    assert plan.sample_size == 298
    assert plan.expected_errors == math.ceil(0.07 * 298 - 1e-9) == 21


def test_hypergeometric_sample_size_for_a_population_of_100_is_45():
    # 5 deviant items among 100: P(none in 45) = 55·54·53·52·51 / (100·99·98·97·96) = 0.0462 ≤ 0.05,
    # P(none in 44) = 0.0507 > 0.05.
    assert attribute_sample_size(0.95, 0.05, population_size=100) == 45


def test_hypergeometric_sample_size_approaches_binomial_for_a_large_population():
    assert attribute_sample_size(0.95, 0.05, population_size=1_000_000) == 59


def test_small_population_needs_at_most_every_item():
    # N = 10 holds ceil(0.05 × 10) = 1 deviation; a sample of n misses it with probability
    # (10 − n) / 10, which is ≤ 5 % only for n = 10: every item must be examined.
    assert attribute_sample_size(0.95, 0.05, population_size=10) == 10
    # N = 20 holds 1 deviation: (20 − n) / 20 ≤ 0.05 → n ≥ 19.
    assert attribute_sample_size(0.95, 0.05, population_size=20) == 19


def test_hypergeometric_upper_limit_is_the_largest_count_the_sample_cannot_rule_out():
    # N = 10, n = 5, no deviation: P(0 | K) = C(10−K, 5) / C(10, 5) = 0.5, 0.222, 0.083, 0.024 for K = 1…4.
    assert attribute_upper_limit(5, 0, 0.95, population_size=10) == pytest.approx(0.3)


def test_whole_population_examined_without_deviation_has_zero_upper_limit():
    assert attribute_upper_limit(20, 0, 0.95, population_size=20) == 0.0


def test_every_item_deviating_gives_upper_limit_one():
    assert attribute_upper_limit(10, 10) == 1.0


def test_mus_plan_reports_interval_and_fractional_expected_errors():
    plan = plan_mus(
        100_000_000, 5_000_000, 1_000_000
    )  # 1,000,000 元 book, 5 % tolerable, 1 % expected
    assert plan.sample_size == 93  # Table C-1, ratio 0.2, tolerable 5 %
    assert plan.expected_errors == pytest.approx(0.93)
    assert plan.interval_fen == pytest.approx(100_000_000 / 93)
    assert "样本量：93 项" in str(plan) and "泊松分布" in plan._repr_markdown_()


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: attribute_sample_size(1.2, 0.05), "confidence"),
        (lambda: attribute_sample_size(0.95, -0.05), "tolerable_rate"),
        (lambda: attribute_sample_size(0.95, 0.05, -0.01), "expected_rate"),
        (lambda: attribute_upper_limit(100, 1, confidence=1.2), "confidence"),
        (lambda: attribute_upper_limit(100, -1), "deviations"),
        (lambda: mus_sample_size(-1, 5), "book_value"),
        (lambda: mus_sample_size(100, 5, -1), "expected_misstatement"),
        (lambda: mus_sample_size(100, 5, confidence=1.2), "confidence"),
    ],
)
def test_bad_parameters_raise_parameter_error_naming_the_parameter(call, name):
    with pytest.raises(ParameterError, match=name) as info:
        call()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(info.value))  # Chinese and English


def test_tolerable_not_above_expected_is_a_clear_error():
    with pytest.raises(ParameterError, match="必须大于预期偏差率"):
        attribute_sample_size(0.95, 0.05, 0.05)
    with pytest.raises(ParameterError, match="必须大于预期错报"):
        mus_sample_size(100, 5, 6)


def test_population_smaller_than_the_sample_is_rejected_by_the_upper_limit():
    with pytest.raises(ParameterError, match="population_size"):
        attribute_upper_limit(50, 0, population_size=20)


def test_empty_population_is_rejected():
    with pytest.raises(ParameterError, match="population_size"):
        attribute_sample_size(0.95, 0.05, population_size=0)
