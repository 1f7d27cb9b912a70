"""Which points of an indicator workbook the evaluation team set itself, read from the workbook.

Two kinds: indicators scored by the team's judgement (要素计分, 等级评定, 专家评判: the points lost
follow from the 评价结论 typed in), and 问题扣分 entries for the team's own observations
(OBS-…: the finding comes from file review or interviews and the points per finding are typed
in the 规则参数). A case README or a report states them, so a reader can tell typed points from
points computed on the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .indicators import IndicatorSystem
from .rules import fmt

OBSERVATION_PREFIX = "OBS"


@dataclass(frozen=True)
class TeamSetPoints:
    code: str
    name: str
    weight: Decimal
    lost: Decimal
    how: str  # one Chinese phrase: the rule and what the team typed

    def line(self) -> str:
        return f"{self.code}「{self.name}」（分值{fmt(self.weight)}分）：{self.how}，失{fmt(self.lost)}分"


def team_set_points(system: IndicatorSystem) -> tuple[TeamSetPoints, ...]:
    """Indicators whose lost points the team typed in (judgement, or deductions for OBS-…
    observations, assuming each observation is in the findings register); workbook order."""
    found = []
    for ind in system.indicators:
        rule = ind.rule
        if rule.method == "judgement":
            outcome = rule.evaluate(ind.weight, {}, {})
            lost = ind.weight - outcome.score
            how = f"{rule.label}，评价结论“{ind.conclusion}”"
        elif hasattr(rule, "deductions"):
            typed = [(f, p) for f, p in rule.deductions if f.startswith(OBSERVATION_PREFIX)]
            lost = min(sum((p for _, p in typed), Decimal(0)), ind.weight)
            how = "问题扣分，评价组观察记录" + "、".join(f"{f}扣{fmt(p)}分" for f, p in typed)
        else:
            continue
        if lost > 0:
            found.append(TeamSetPoints(ind.code, ind.name, ind.weight, lost, how))
    return tuple(found)


def team_set_loss(scored) -> Decimal:
    """Points this scored indicator lost that the team set itself: the whole deduction of a
    judgement rule, or the typed points for the team's own observations (OBS-…) a 问题扣分 rule
    deducted for, capped by the deduction."""
    deduction = scored.deduction
    if deduction is None or deduction <= 0:
        return Decimal(0)
    rule = scored.indicator.rule
    if rule.method == "judgement":
        return deduction
    if not hasattr(rule, "deductions"):
        return Decimal(0)
    deducted = set(scored.deducted_findings)
    typed = sum(
        (
            points
            for entry, points in rule.deductions
            if entry.startswith(OBSERVATION_PREFIX) and entry in deducted
        ),
        Decimal(0),
    )
    return min(typed, deduction)
