"""Scoring an indicator system on the metrics and the findings register.

``score(system, metrics, findings)`` evaluates every leaf rule and returns a
:class:`ScoreResult`: exact Decimal scores (sums are exact, never 86.49999), the 扣分说明
sentences for every point lost, the findings and metrics behind each indicator, and — when a
metric no step has produced yet — which indicator needs it and which step makes it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

import pandas as pd

from jixiao.errors import ParameterError

from .indicators import Indicator, IndicatorSystem
from .overlaps import DoubleDeduction, double_deductions
from .rules import CENT, Finding, MetricValue, fmt, to_decimal


class ScoringError(ValueError):
    """The indicator system cannot be scored on the evidence given (e.g. a metric is missing)."""


# Which audit step produces each metric the shipped indicator systems use (docs/contracts.md).
METRIC_PRODUCERS = {
    "fund_arrival_rate": ("compliance", "合规性检查"),
    "fund_timely_rate": ("compliance", "合规性检查"),
    "separate_accounting_units": ("compliance", "合规性检查"),
    "output_completion_rate": ("outputs", "产出统计（jixiao.output_completion）"),
    "output_timely_rate": ("outputs", "产出统计（jixiao.output_completion）"),
    "output_quality_rate": ("outputs", "产出统计（jixiao.output_completion）"),
    "cost_saving_rate": ("outputs", "产出统计（jixiao.output_completion）"),
    "satisfaction_rate": ("survey", "问卷分析"),
    "voucher_deviation_upper_limit": ("sampling", "审计抽样"),
}

# Chinese names used in 扣分说明 when a metric arrives without its label.
METRIC_LABELS = {
    "fund_arrival_rate": "资金到位率",
    "fund_timely_rate": "到位及时率",
    "separate_accounting_units": "专项资金未单独核算的核算单位数",
    "output_completion_rate": "实际完成率",
    "output_timely_rate": "完成及时率",
    "output_quality_rate": "质量达标率",
    "cost_saving_rate": "成本节约率",
    "satisfaction_rate": "满意率",
    "voucher_deviation_upper_limit": "凭证抽查偏差率上限",
}

# 财预〔2020〕10号: lower bounds inclusive. Highest first.
GRADE_BANDS = ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"), (Decimal(0), "差"))


def grade(score: Decimal | float | int) -> str:
    """优 ≥ 90, 良 80–<90, 中 60–<80, 差 < 60; a score outside 0–100 is a ParameterError."""
    try:
        value = to_decimal(score)
    except (TypeError, ValueError, ArithmeticError):
        raise ParameterError(f"评分应为 0–100 之间的数，收到「{score!r}」") from None
    if not value.is_finite() or value < 0 or value > 100:
        raise ParameterError(f"评分应为 0–100 之间的数，收到「{score!r}」")
    return next(name for floor, name in GRADE_BANDS if value >= floor)


@dataclass(frozen=True)
class MissingMetric:
    code: str
    indicator: str
    row: int
    metric: str
    step: str  # producing step id, "" when no known step makes it

    @property
    def message(self) -> str:
        known = METRIC_PRODUCERS.get(self.metric)
        made_by = (
            f"由{known[1]}步骤（{known[0]}）生成，请先运行该步骤"
            if known
            else "没有任何分析步骤生成该指标数据，请检查「规则参数」中的指标名"
        )
        return f"指标 {self.code}「{self.indicator}」（第{self.row}行）需要指标数据 {self.metric}，尚未找到；{made_by}。"


@dataclass(frozen=True)
class IndicatorScore:
    indicator: Indicator
    score: Decimal | None  # None when a metric it needs is missing
    basis: str  # how the score was reached, one sentence
    reasons: tuple[str, ...]  # 扣分说明 sentences, empty at full marks
    linked_findings: tuple[str, ...]  # finding ids behind the indicator (deducted or linked)
    metrics: tuple[MetricValue, ...]  # metrics the rule used or the workbook links to
    notes: tuple[str, ...] = ()
    deducted_findings: tuple[str, ...] = ()  # finding ids the rule itself took points for
    overlaps: tuple[str, ...] = ()  # possible 重复扣分 notes (:mod:`.overlaps`)

    @property
    def deduction(self) -> Decimal | None:
        return None if self.score is None else (self.indicator.weight - self.score).quantize(CENT)


@dataclass(frozen=True, eq=False)
class ScoreResult:
    system: IndicatorSystem
    indicators: tuple[IndicatorScore, ...]
    missing: tuple[MissingMetric, ...]
    metrics: Mapping[str, MetricValue] = field(repr=False)
    findings: Mapping[str, Finding] = field(repr=False)
    register: pd.DataFrame = field(repr=False)
    double_deductions: tuple[DoubleDeduction, ...] = ()  # possible 重复扣分

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def total(self) -> Decimal:
        """Sum of the scored indicators (all of them when ``complete``)."""
        return sum((s.score for s in self.indicators if s.score is not None), Decimal(0)).quantize(
            CENT
        )

    @property
    def grade(self) -> str | None:
        return grade(self.total) if self.complete else None

    def subtotals(self) -> pd.DataFrame:
        """One row per 一级指标: dimension, weight, score (exact Decimals), in workbook order."""
        rows = []
        for dimension in self.system.dimensions:
            members = [s for s in self.indicators if s.indicator.level1 == dimension]
            scored = [s.score for s in members if s.score is not None]
            rows.append(
                {
                    "dimension": dimension,
                    "weight": sum((s.indicator.weight for s in members), Decimal(0)),
                    "score": sum(scored, Decimal(0)).quantize(CENT)
                    if len(scored) == len(members)
                    else None,
                }
            )
        return pd.DataFrame(rows, columns=["dimension", "weight", "score"])

    def subtotal(self, dimension: str) -> Decimal | None:
        table = self.subtotals().set_index("dimension")
        return table.loc[dimension, "score"]

    def get(self, code: str) -> IndicatorScore:
        for s in self.indicators:
            if s.indicator.code == code:
                return s
        raise KeyError(code)

    def summary(self) -> str:
        parts = "，".join(
            f"{row.dimension}{fmt(row.score) if row.score is not None else '—'}分（满分{fmt(row.weight)}）"
            for row in self.subtotals().itertuples()
        )
        if not self.complete:
            return f"尚缺{len(self.missing)}项指标数据，已评部分合计{fmt(self.total)}分：{parts}。"
        return f"综合得分{fmt(self.total)}分，评价等级为「{self.grade}」：{parts}。"


def metric_values(metrics: pd.DataFrame | Mapping[str, object] | None) -> dict[str, MetricValue]:
    """Metrics from ``jixiao.metrics.read_metrics`` (or a plain {name: value}) as exact Decimals."""
    if metrics is None:
        return {}
    if isinstance(metrics, pd.DataFrame):
        records = metrics.to_dict("records")
        out = {}
        for r in records:
            if r.get("value") is None or (isinstance(r["value"], float) and math.isnan(r["value"])):
                continue
            out[str(r["metric"])] = MetricValue(
                name=str(r["metric"]),
                value=to_decimal(r["value"]),
                label=str(r.get("label") or METRIC_LABELS.get(str(r["metric"]), "")),
                source=str(r.get("source") or ""),
                evidence=str(r.get("evidence") or ""),
            )
        return out
    return {
        name: value
        if isinstance(value, MetricValue)
        else MetricValue(name=name, value=to_decimal(value), label=METRIC_LABELS.get(name, ""))
        for name, value in metrics.items()
    }


REGISTER_COLUMNS = ("finding_id", "problem_no", "title")


def finding_map(register: pd.DataFrame | None) -> dict[str, Finding]:
    """The findings register (docs/contracts.md) keyed by finding_id; one entry per id."""
    if register is None or register.empty:
        return {}
    missing = [c for c in REGISTER_COLUMNS if c not in register.columns]
    if missing:
        raise ScoringError(f"问题清单缺少列：{'、'.join(missing)}")
    unique = register.drop_duplicates("finding_id", keep="first")
    problem_no = (
        unique["problem_no"].astype("string").fillna("").str.replace(r"\.0$", "", regex=True)
    )
    blank = pd.Series("", index=unique.index, dtype="str")
    rule = unique["rule"].fillna("").astype("str") if "rule" in unique.columns else blank
    category = (
        unique["category"].fillna("").astype("str") if "category" in unique.columns else blank
    )
    return {
        str(fid): Finding(
            finding_id=str(fid), title=str(title), problem_no=str(no), rule=r, category=c
        )
        for fid, title, no, r, c in zip(
            unique["finding_id"],
            unique["title"].fillna(""),
            problem_no,
            rule,
            category,
            strict=True,
        )
    }


def _linked(
    indicator: Indicator, findings: Mapping[str, Finding], metrics: Mapping[str, MetricValue]
) -> tuple[list[str], list[MetricValue], list[str]]:
    ids: list[str] = []
    used_metrics: list[MetricValue] = []
    notes: list[str] = []
    for link in indicator.links:
        if link.kind == "finding":
            if link.key in findings:
                ids.append(link.key)
            else:
                notes.append(f"关联问题 {link.key} 不在问题清单中。")
        elif link.kind == "problem":
            matched = [f.finding_id for f in findings.values() if f.problem_no == link.key]
            if matched:
                ids.extend(matched)
            else:
                notes.append(f"问题清单中没有报告问题{link.key}的记录。")
        elif link.kind in ("rule", "category"):
            matched = [f.finding_id for f in findings.values() if getattr(f, link.kind) == link.key]
            if matched:
                ids.extend(matched)
            else:
                notes.append(f"问题清单中没有{link.text}的记录。")
        elif link.key in metrics:
            used_metrics.append(metrics[link.key])
        else:
            notes.append(f"关联指标数据 {link.key} 尚未生成。")
    return ids, used_metrics, notes


def score(
    system: IndicatorSystem,
    metrics: pd.DataFrame | Mapping[str, object] | None = None,
    findings: pd.DataFrame | None = None,
    *,
    strict: bool = True,
) -> ScoreResult:
    """Score every indicator; ``strict`` raises a ScoringError listing every missing metric.

    With ``strict=False`` indicators whose metric is missing stay unscored (score None), the
    result is incomplete (``grade`` None) and ``missing`` says what to run.
    """
    values = metric_values(metrics)
    register = findings if findings is not None else pd.DataFrame(columns=list(REGISTER_COLUMNS))
    found = finding_map(register)
    missing = tuple(
        MissingMetric(
            code=ind.code,
            indicator=ind.name,
            row=ind.row,
            metric=ind.rule.metric,
            step=METRIC_PRODUCERS.get(ind.rule.metric, ("", ""))[0],
        )
        for ind in system.indicators
        if ind.rule.metric is not None and ind.rule.metric not in values
    )
    if missing and strict:
        lines = "\n".join(
            f"- {system.file}, sheet {system.sheet}, row {m.row}: {m.message}" for m in missing
        )
        raise ScoringError(f"缺少{len(missing)}项指标数据，无法评分：\n{lines}")

    scored = []
    for ind in system.indicators:
        linked_ids, linked_metrics, link_notes = _linked(ind, found, values)
        notes = list(link_notes)
        if ind.is_placeholder:
            notes.append("评价结论为模板占位值，请评价组改写。")
        if ind.rule.metric is not None and ind.rule.metric not in values:
            m = next(x for x in missing if x.code == ind.code)
            scored.append(
                IndicatorScore(
                    ind,
                    None,
                    m.message,
                    (m.message,),
                    tuple(linked_ids),
                    tuple(linked_metrics),
                    tuple(notes),
                )
            )
            continue
        outcome = ind.rule.evaluate(ind.weight, values, found)
        if outcome.score < 0 or outcome.score > ind.weight:
            raise ScoringError(
                f"{system.where(ind)}: 指标 {ind.label} 得分{fmt(outcome.score)}超出 0–{fmt(ind.weight)} 分（分值）"
            )
        reasons = list(outcome.reasons)
        if outcome.score < ind.weight and ind.rationale:
            reasons.append(f"理由：{ind.rationale}")
        cited = [fid for fid in linked_ids if fid not in outcome.findings]
        if outcome.score < ind.weight and cited:
            reasons.append(
                "关联问题：" + "；".join(f"{fid}「{found[fid].title}」" for fid in cited) + "。"
            )
        rule_metrics = [values[ind.rule.metric]] if ind.rule.metric else []
        all_metrics = tuple(dict.fromkeys(rule_metrics + linked_metrics))
        all_findings = tuple(dict.fromkeys(list(outcome.findings) + linked_ids))
        scored.append(
            IndicatorScore(
                indicator=ind,
                score=outcome.score,
                basis=outcome.basis,
                reasons=tuple(reasons),
                linked_findings=all_findings,
                metrics=all_metrics,
                notes=tuple(list(outcome.notes) + notes),
                deducted_findings=tuple(outcome.findings),
            )
        )
    overlaps = double_deductions(tuple(scored))
    scored = [
        replace(
            s,
            overlaps=tuple(
                o.sentence(s.indicator.code) for o in overlaps if s.indicator.code in o.codes
            ),
        )
        for s in scored
    ]
    return ScoreResult(
        system=system,
        indicators=tuple(scored),
        double_deductions=overlaps,
        missing=missing,
        metrics=values,
        findings=found,
        register=register,
    )
