"""The scoring rules an indicator can use, and the little parameter language of the workbook.

The evaluator writes a rule in two cells of the indicator workbook: 规则类型 (one of the
Chinese names in :data:`RULE_TYPES`) and 规则参数, a list of ``键=值`` pairs separated by ``;``:

    指标=fund_timely_rate; 目标=100%; 每档=5%; 每档扣分=1; 不足一档=按一档

Full-width punctuation (；＝：，、％) is accepted because that is what a Chinese keyboard types.
Numbers may carry ``%``. Lists use ``,`` or ``、``; list items that carry points use ``:``
(``OBS-04:1, OBS-05:0.5``). The workbook's 说明 sheet documents every key.

Every rule is parsed once, when the workbook is loaded, together with the evaluator's own input
(评价结论): malformed input is a :class:`RuleError` that the loader turns into an InputError
naming the indicator, the row and the column. Evaluating a rule is pure: it takes the weight,
the metrics and the findings register and returns an exact Decimal score with Chinese reasons.

- :mod:`.parameters` — the 键=值 language and the exact number helpers.
- :mod:`.base` — :class:`ScoringRule`, :class:`MetricValue`, :class:`Finding`, :class:`Outcome`.
- :mod:`.metric_rules` — rules computed from a metric (比例计分, 分档计分, 线性扣分).
- :mod:`.judged_rules` — rules on the evaluator's conclusion or the findings (要素计分, 等级评定, 问题扣分, 专家评判).
"""

from __future__ import annotations

from decimal import Decimal

from .base import METHOD_LABELS, Finding, MetricValue, Outcome, ScoringRule
from .judged_rules import DEFAULT_GRADES, Checkpoints, DeductionList, Graded, Judgement
from .metric_rules import Banded, LinearDeduction, Proportional
from .parameters import (
    CENT,
    CONCLUSION_COLUMN,
    DEFAULT_QUANTUM,
    HUNDRED_PERCENT,
    PARAMETER_COLUMN,
    RuleError,
    fmt,
    fmt_percent,
    normalise_text,
    parse_number,
    parse_parameters,
    quantise,
    to_decimal,
)

# The one table of rule types: the Chinese name the workbook uses → the rule class.
RULE_TYPES: dict[str, type[ScoringRule]] = {
    cls.label: cls
    for cls in (
        Proportional,
        Banded,
        LinearDeduction,
        Checkpoints,
        Graded,
        DeductionList,
        Judgement,
    )
}


def build_rule(
    rule_type: str, parameters: object, weight: Decimal, conclusion: object = ""
) -> ScoringRule:
    """Parse a rule from its workbook cells (规则类型, 规则参数, 评价结论)."""
    label = normalise_text(rule_type)
    if not label:
        raise RuleError("未填写规则类型", "规则类型")
    by_id = {cls.rule_id: cls for cls in RULE_TYPES.values()}  # the code name works too
    cls = RULE_TYPES.get(label) or by_id.get(label)
    if cls is None:
        raise RuleError(
            f"不认识的规则类型「{rule_type}」；可用的规则类型有：{'、'.join(RULE_TYPES)}",
            "规则类型",
        )
    return cls.parse(
        parse_parameters(parameters), weight, "" if conclusion is None else str(conclusion)
    )


__all__ = [
    "Banded",
    "CENT",
    "CONCLUSION_COLUMN",
    "Checkpoints",
    "DEFAULT_GRADES",
    "DEFAULT_QUANTUM",
    "DeductionList",
    "Finding",
    "Graded",
    "HUNDRED_PERCENT",
    "Judgement",
    "LinearDeduction",
    "METHOD_LABELS",
    "MetricValue",
    "Outcome",
    "PARAMETER_COLUMN",
    "Proportional",
    "RULE_TYPES",
    "RuleError",
    "ScoringRule",
    "build_rule",
    "fmt",
    "fmt_percent",
    "normalise_text",
    "parse_number",
    "parse_parameters",
    "quantise",
    "to_decimal",
]
