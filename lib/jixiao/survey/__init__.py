"""Questionnaires and phone interviews: validate, measure satisfaction, judge the sample.

The audit step in the order an evaluator works:

1. ``validate_responses`` — every answer cell of the 问卷数据 sheet checked against the Likert
   scale; text (非常满意 …) and digits (1–5, "4", 4.0, full-width ４) accepted; blanks,
   out-of-scale numbers, unrecognised text, duplicate 问卷编号 and the same person answering
   again under another 问卷编号 (same ``person_key`` from phone or ID number) go to the
   rejects table with file, sheet, row and column. Reverse-worded items are recoded (6 − code) so that 5
   always means the most satisfied.
2. ``satisfaction`` / ``weighted_index`` — rate of (非常满意 + 满意) among valid answers with a
   confidence interval, and a weighted score, per item, community, group or overall.
3. ``sample_size`` / ``response_coverage`` — the sample an evaluator needed for the stated
   margin of error, what was achieved, and a plain statement when it falls short.
4. ``summarise_interviews`` — the phone interview log's coded answers counted by question
   and community; free-text notes kept with the pseudonym, never a name.
5. ``satisfaction_metrics`` — what scoring consumes (``satisfaction_rate`` …).
6. ``results_reading`` — the results in words (Chinese Markdown), computed from the answers.

Chart data for the notebook: ``likert_chart_data`` (diverging stacked bars per item) and
``community_chart_data`` (satisfaction by community with intervals); the plots themselves
are in :mod:`jixiao.survey.charts`, which is not imported here so that reading the survey's
constants does not load matplotlib.

A caution on the intervals: ``satisfaction`` treats every answer as an independent draw.
The eight answers of one respondent are correlated, so :mod:`.clusters` estimates the rate
over respondents (clusters) with a linearised interval, the design effect and the effective
sample size (``cluster_satisfaction``; ``cluster_bootstrap`` cross-checks it); that interval
is the one the reading and the indicator go by. ``response_coverage`` judges the sample on
respondents.

Submodules:

- :mod:`.validation` — reject reasons, answer parsing, ``validate_responses`` (step 1).
- :mod:`.estimators` — intervals, ``satisfaction``, ``satisfaction_overview``,
  ``weighted_index`` (step 2).
- :mod:`.clusters` — ``cluster_satisfaction``, ``cluster_bootstrap``, ``with_cluster_columns``
  (step 2 at the respondent level).
- :mod:`.design` — ``sample_size``, ``achieved_margin``, ``response_coverage`` (step 3).
- :mod:`.interviews` — ``summarise_interviews`` (step 4).
- :mod:`.reading` — ``satisfaction_metrics`` and ``results_reading`` (steps 5 and 6).
- :mod:`.chart_data` — the tidy frames behind the charts.
- :mod:`.charts` — the matplotlib figures (import it explicitly).
"""

from ._common import STEP
from .chart_data import REVERSE_NOTE, community_chart_data, item_label, likert_chart_data
from .clusters import (
    CLUSTER_HEADERS,
    CLUSTER_METHOD,
    BootstrapResult,
    cluster_bootstrap,
    cluster_satisfaction,
    respondent_table,
    with_cluster_columns,
)
from .design import COVERAGE_HEADERS, achieved_margin, response_coverage, sample_size
from .estimators import (
    DEFAULT_SATISFIED,
    DEFAULT_WEIGHTS,
    INDEX_HEADERS,
    METHODS,
    SATISFACTION_HEADERS,
    exact_interval,
    satisfaction,
    satisfaction_overview,
    weighted_index,
    wilson_interval,
)
from .interviews import (
    INTERVIEW_CODE_ORDER,
    INTERVIEW_HEADERS,
    InterviewSummary,
    summarise_interviews,
)
from .reading import GROUP_METRICS, results_reading, satisfaction_metrics, service_answers
from .validation import (
    ANSWER_COLUMNS,
    ANSWER_HEADERS,
    COUNT_LABELS,
    REASON_BLANK,
    REASON_DUPLICATE,
    REASON_NOT_APPLICABLE,
    REASON_OUT_OF_SCALE,
    REASON_SAME_PERSON,
    REASON_UNRECOGNISED,
    SurveyValidation,
    item_groups,
    parse_answers,
    validate_responses,
)

__all__ = [
    "ANSWER_COLUMNS",
    "ANSWER_HEADERS",
    "CLUSTER_HEADERS",
    "CLUSTER_METHOD",
    "COUNT_LABELS",
    "COVERAGE_HEADERS",
    "DEFAULT_SATISFIED",
    "DEFAULT_WEIGHTS",
    "GROUP_METRICS",
    "INDEX_HEADERS",
    "INTERVIEW_CODE_ORDER",
    "INTERVIEW_HEADERS",
    "METHODS",
    "REASON_BLANK",
    "REASON_DUPLICATE",
    "REASON_NOT_APPLICABLE",
    "REASON_OUT_OF_SCALE",
    "REASON_SAME_PERSON",
    "REASON_UNRECOGNISED",
    "REVERSE_NOTE",
    "SATISFACTION_HEADERS",
    "STEP",
    "BootstrapResult",
    "InterviewSummary",
    "SurveyValidation",
    "achieved_margin",
    "cluster_bootstrap",
    "cluster_satisfaction",
    "community_chart_data",
    "exact_interval",
    "item_groups",
    "item_label",
    "likert_chart_data",
    "parse_answers",
    "respondent_table",
    "response_coverage",
    "results_reading",
    "sample_size",
    "satisfaction",
    "satisfaction_metrics",
    "satisfaction_overview",
    "service_answers",
    "summarise_interviews",
    "validate_responses",
    "weighted_index",
    "wilson_interval",
    "with_cluster_columns",
]
