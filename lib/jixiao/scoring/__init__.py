"""Scoring: the indicator system (指标体系) evaluated on the evidence, every point traceable.

Typical use, in the order an evaluator works::

    system = load_indicator_system(paths.raw_dir(2017) / "指标体系_2017.xlsx")
    result = score(system, read_metrics(2017), findings)   # exact Decimals
    result.total, result.grade                              # Decimal('86.50'), '良'
    scoring_table(result)                                   # the 评分表 frame
    sensitivity(result).table                               # what would change the grade
    simulate_grade(result, sources).grade_probabilities     # how safe the grade is
"""

from .engine import (
    GRADE_BANDS,
    METRIC_PRODUCERS,
    IndicatorScore,
    MissingMetric,
    ScoreResult,
    ScoringError,
    grade,
    score,
)
from .indicators import (
    HEADERS,
    SHEET,
    Indicator,
    IndicatorSystem,
    indicator_system_from_frame,
    load_indicator_system,
)
from .results import (
    SCORING_TABLE_HEADERS,
    GradeMargins,
    Sensitivity,
    dimension_scores,
    grade_margins,
    score_to_json,
    scoring_table,
    sensitivity,
    waterfall_steps,
    write_score_json,
)
from .rules import RULE_TYPES, RuleError, build_rule, parse_parameters
from .simulation import (
    DeviationSource,
    GradeSimulation,
    SatisfactionSource,
    simulate_grade,
    simulation_sources,
)

__all__ = [
    "GRADE_BANDS",
    "HEADERS",
    "METRIC_PRODUCERS",
    "RULE_TYPES",
    "SCORING_TABLE_HEADERS",
    "SHEET",
    "GradeMargins",
    "Indicator",
    "IndicatorScore",
    "IndicatorSystem",
    "MissingMetric",
    "RuleError",
    "ScoreResult",
    "ScoringError",
    "Sensitivity",
    "DeviationSource",
    "GradeSimulation",
    "SatisfactionSource",
    "build_rule",
    "dimension_scores",
    "grade",
    "grade_margins",
    "indicator_system_from_frame",
    "load_indicator_system",
    "parse_parameters",
    "score",
    "score_to_json",
    "scoring_table",
    "sensitivity",
    "simulate_grade",
    "simulation_sources",
    "waterfall_steps",
    "write_score_json",
]
