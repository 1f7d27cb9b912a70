"""What every scoring rule shares: the metric and finding it reads, the outcome it returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from .parameters import fmt, fmt_percent


@dataclass(frozen=True)
class MetricValue:
    """One figure handed over by an analysis step, as an exact Decimal."""

    name: str
    value: Decimal
    label: str = ""
    source: str = ""
    evidence: str = ""


@dataclass(frozen=True)
class Finding:
    finding_id: str
    title: str
    problem_no: str = ""
    rule: str = ""  # the compliance rule that raised it (OBS for an observation)
    category: str = ""  # 问题类别


@dataclass(frozen=True)
class Outcome:
    """What a rule concluded for one indicator."""

    score: Decimal
    reasons: tuple[str, ...]  # Chinese 扣分说明 sentences (empty when nothing was lost)
    basis: str  # one Chinese sentence saying how the score was reached
    findings: tuple[str, ...] = ()  # finding ids the rule deducted for
    notes: tuple[str, ...] = ()  # things the evaluator should know that cost no points


@dataclass(frozen=True)
class ScoringRule:
    """Base of every rule: parsed parameters plus, for evaluator-judged rules, the parsed conclusion."""

    rule_id: ClassVar[str]  # the name in code (score.json, tests)
    label: ClassVar[str]  # the name the indicator workbook's 规则类型 column uses
    # "computed" (from a metric or the findings register) or "judgement" (set by the team);
    # the 评分表 and the report show which, so a reader can tell data from opinion.
    method: ClassVar[str]
    quantum: Decimal

    def describe(self, metric_label: str = "") -> str:
        """The rule's parameters in words (Chinese), for score.json and the 评分表."""
        raise NotImplementedError

    @property
    def metric(self) -> str | None:
        """The metric this rule needs, or None when it needs none."""
        return None

    def below_full_by_judgement(self, weight: Decimal) -> bool:
        """True when the evaluator's own conclusion already costs points (a rationale is then due)."""
        return False

    def finding_ids(self) -> tuple[str, ...]:
        return ()

    def covers(self, finding_id: str) -> bool:
        """Whether this rule deducts points for the finding (by id or by an ``ID-*`` pattern)."""
        return False

    def evaluate(
        self,
        weight: Decimal,
        metrics: Mapping[str, MetricValue],
        findings: Mapping[str, Finding],
    ) -> Outcome:
        raise NotImplementedError


METHOD_LABELS = {"computed": "数据计算", "judgement": "评价组判断"}


def metric_text(metric: MetricValue, percent: bool, name: str) -> str:
    label = metric.label or name
    shown = fmt_percent(metric.value) if percent else fmt(metric.value)
    return f"{label}为{shown}"
