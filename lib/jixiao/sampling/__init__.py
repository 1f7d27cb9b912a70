"""Audit sampling (审计抽样): plan → select → evaluate, and the fieldwork round trip.

- :mod:`.plan` — sample sizes (attribute: binomial / hypergeometric; MUS: Poisson).
- :mod:`.select` — statistical and non-statistical selection, combined without double counting
  (the methods in :mod:`.statistical` and :mod:`.non_statistical`, the canonical frame in
  :mod:`.population`, the result in :mod:`.selection`).
- :mod:`.evaluate` — upper deviation limit; taintings, projected misstatement, Stringer bound.
- :mod:`.fieldwork` — the 抽样清单 workbook: export (:mod:`.fieldwork_export`), read back
  (validated), evaluate.

Method notes for evaluators: ``docs/sampling.md``.
"""

from .evaluate import (
    AttributeEvaluation,
    MonetaryEvaluation,
    evaluate_attributes,
    evaluate_misstatements,
    stringer_bound,
)
from .fieldwork import (
    FieldworkEvaluation,
    FieldworkResult,
    evaluate_fieldwork,
    export_fieldwork,
    read_fieldwork,
)
from .plan import (
    SamplingPlan,
    attribute_sample_size,
    attribute_upper_limit,
    mus_sample_size,
    plan_attribute,
    plan_mus,
    poisson_factor,
)
from .select import (
    Selection,
    allocate,
    combine_selections,
    item_ids,
    population_from_ledger,
    prepare_population,
    select_flagged,
    select_judgemental,
    select_key_items,
    select_mus,
    select_random,
    select_sample,
    select_stratified,
    select_systematic,
)

__all__ = [
    "AttributeEvaluation",
    "FieldworkEvaluation",
    "FieldworkResult",
    "MonetaryEvaluation",
    "SamplingPlan",
    "Selection",
    "allocate",
    "attribute_sample_size",
    "attribute_upper_limit",
    "combine_selections",
    "evaluate_attributes",
    "evaluate_fieldwork",
    "evaluate_misstatements",
    "export_fieldwork",
    "item_ids",
    "mus_sample_size",
    "plan_attribute",
    "plan_mus",
    "poisson_factor",
    "population_from_ledger",
    "prepare_population",
    "read_fieldwork",
    "select_flagged",
    "select_judgemental",
    "select_key_items",
    "select_mus",
    "select_random",
    "select_sample",
    "select_stratified",
    "select_systematic",
    "stringer_bound",
]
