"""Possible 重复扣分: the same finding costing points under more than one indicator.

An indicator *deducts for* a finding when its rule took points for it (问题扣分) or when it
lost points and cites the finding as the basis (关联问题). A finding deducted under two or more
indicators is listed as a possible double deduction, unless the indicator workbook marks the
indicators as deliberately sharing it (column 共用问题扣分: either indicator names the other).
The evaluator then confirms or removes one of the deductions; the score itself is not changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any

# engine.IndicatorScore (engine imports this module, so it is not imported back).
IndicatorScore = Any

SHARED_COLUMN = "共用问题扣分"
DOUBLE_DEDUCTION_PREFIX = "可能的重复扣分："


@dataclass(frozen=True)
class DoubleDeduction:
    """Findings that cost points under the same set of indicators, not marked as shared."""

    finding_ids: tuple[str, ...]
    codes: tuple[str, ...]  # indicator codes, in workbook order
    names: tuple[str, ...]  # their names (三级指标, or 二级 when there is no 三级)

    def sentence(self, code: str | None = None) -> str:
        """The note an indicator (or, with ``code`` None, the whole scoring) carries."""
        others = [f"{c}「{n}」" for c, n in zip(self.codes, self.names, strict=True) if c != code]
        where = "同时在" if code else "在"
        return (
            f"{DOUBLE_DEDUCTION_PREFIX}问题 {'、'.join(self.finding_ids)} {where}{'、'.join(others)}下扣分，"
            f"请评价组确认是否有意分别扣分（如是，在指标体系「{SHARED_COLUMN}」列中注明）。"
        )

    def to_json(self) -> dict:
        return {
            "finding_ids": list(self.finding_ids),
            "indicators": list(self.codes),
            "names": list(self.names),
        }


def _shared(a: IndicatorScore, b: IndicatorScore) -> bool:
    return b.indicator.code in a.indicator.shared or a.indicator.code in b.indicator.shared


def deducted_for(s: IndicatorScore) -> tuple[str, ...]:
    """The findings ``s`` took points for: those its rule deducted, and, when it lost points,
    the findings it cites."""
    if s.score is None:
        return ()
    lost = s.score < s.indicator.weight
    return tuple(dict.fromkeys(s.deducted_findings + (s.linked_findings if lost else ())))


def double_deductions(scored: tuple[IndicatorScore, ...]) -> tuple[DoubleDeduction, ...]:
    """Possible double deductions, grouped by the indicators involved (workbook order)."""
    by_finding: dict[str, list[IndicatorScore]] = {}
    for s in scored:
        for fid in deducted_for(s):
            by_finding.setdefault(fid, []).append(s)
    groups: dict[tuple[str, ...], list[str]] = {}
    names: dict[str, str] = {}
    for fid, members in by_finding.items():
        involved: set[str] = set()
        for a, b in combinations(members, 2):
            if not _shared(a, b):
                involved |= {a.indicator.code, b.indicator.code}
        if involved:
            codes = tuple(m.indicator.code for m in members if m.indicator.code in involved)
            names.update({m.indicator.code: m.indicator.name for m in members})
            groups.setdefault(codes, []).append(fid)
    return tuple(
        DoubleDeduction(tuple(fids), codes, tuple(names[c] for c in codes))
        for codes, fids in groups.items()
    )
