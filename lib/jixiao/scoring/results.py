"""What the scoring hands on: score.json, the 评分表 frame, chart data and the sensitivity table."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from jixiao.errors import ParameterError

from .disclosure import team_set_loss
from .engine import GRADE_BANDS, METRIC_LABELS, IndicatorScore, ScoreResult, grade, score
from .rules import METHOD_LABELS, fmt, to_decimal
from .simulation import GradeSimulation

SCORING_TABLE_HEADERS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "分值",
    "评价标准",
    "计分方式",
    "得分",
    "扣分说明",
    "数据来源",
)


def _number(value: Decimal | None) -> int | float | None:
    """Exact 2-decimal Decimal → JSON number (20, 86.5); float repr of such values is exact to read."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def rule_in_words(s: IndicatorScore) -> str:
    """The indicator's rule and its parameters as a sentence (评分表, score.json, report)."""
    rule = s.indicator.rule
    label = METRIC_LABELS.get(rule.metric or "", rule.metric or "")
    labels = {m.name: m.label for m in s.metrics if m.label}
    return rule.describe(labels.get(rule.metric or "", label))


def score_to_json(
    result: ScoreResult, year: int | str | None = None, simulation: GradeSimulation | None = None
) -> dict:
    """The content of ``reports/<year>/score.json``; ``simulation`` adds how safe the grade is."""
    year = year if year is not None else result.system.year
    if year is None:
        raise ParameterError("score.json 需要评价年度：请传入 year")
    content = {
        "year": int(year),
        "framework": result.system.framework,
        "framework_label": result.system.framework_label,
        "indicator_workbook": result.system.file,
        "complete": result.complete,
        "total": _number(result.total),
        "max_total": _number(result.system.total_weight),
        "grade": result.grade,
        "summary": result.summary(),
        "dimensions": [
            {"dimension": row.dimension, "weight": _number(row.weight), "score": _number(row.score)}
            for row in result.subtotals().itertuples()
        ],
        "indicators": [
            {
                "code": s.indicator.code,
                "levels": [s.indicator.level1, s.indicator.level2, s.indicator.level3],
                "weight": _number(s.indicator.weight),
                "score": _number(s.score),
                "deduction": _number(s.deduction),
                "rule_type": s.indicator.rule.label,
                "basis": s.basis,
                "reasons": list(s.reasons),
                "data_source": s.indicator.data_source,
                "linked_findings": list(s.linked_findings),
                "metrics": [
                    {
                        "metric": m.name,
                        "value": float(m.value),
                        "label": m.label,
                        "source": m.source,
                    }
                    for m in s.metrics
                ],
                "notes": list(s.notes) + list(s.overlaps),
                "workbook_row": s.indicator.row,
                "method": s.indicator.rule.method,
                "method_label": METHOD_LABELS[s.indicator.rule.method],
                "rule_parameters": rule_in_words(s),
                "judgement_reason": (
                    s.indicator.rationale if s.indicator.rule.method == "judgement" else ""
                ),
                # Points lost that the team typed: judgement, or OBS-… observations' deductions.
                "team_set_loss": _number(team_set_loss(s)),
            }
            for s in result.indicators
        ],
        "double_deductions": [d.to_json() for d in result.double_deductions],
        "missing_metrics": [
            {
                "code": m.code,
                "indicator": m.indicator,
                "metric": m.metric,
                "step": m.step,
                "message": m.message,
            }
            for m in result.missing
        ],
    }
    if simulation is not None:
        content.update(simulation.to_json())
    return content


def write_score_json(
    result: ScoreResult,
    path: Path | str,
    *,
    year: int | str | None = None,
    simulation: GradeSimulation | None = None,
) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    content = json.dumps(score_to_json(result, year, simulation), ensure_ascii=False, indent=2)
    path.write_text(content + "\n", encoding="utf-8")
    return path


def scoring_table(result: ScoreResult, *, total_row: bool = True) -> pd.DataFrame:
    """The 评分表 in the workpaper layout (Chinese headers; scores as numbers for Excel)."""
    rows = [
        {
            "一级指标": s.indicator.level1,
            "二级指标": s.indicator.level2,
            "三级指标": s.indicator.level3,
            "分值": float(s.indicator.weight),
            "评价标准": s.indicator.criteria,
            "计分方式": METHOD_LABELS[s.indicator.rule.method],
            "得分": None if s.score is None else float(s.score),
            "扣分说明": "".join(s.reasons + s.overlaps),
            "数据来源": s.indicator.data_source,
        }
        for s in result.indicators
    ]
    if total_row:
        note = (
            f"评价等级：{result.grade}"
            if result.complete
            else f"尚缺{len(result.missing)}项指标数据，合计不完整"
        )
        rows.append(
            {
                "一级指标": "合计",
                "二级指标": "",
                "三级指标": "",
                "分值": float(result.system.total_weight),
                "评价标准": "",
                "计分方式": "",
                "得分": float(result.total),
                "扣分说明": note,
                "数据来源": "",
            }
        )
    table = pd.DataFrame(rows, columns=list(SCORING_TABLE_HEADERS))
    return table.astype({"分值": "float64", "得分": "Float64"})


# ---------------------------------------------------------------------------------------------
# Chart data


def dimension_scores(result: ScoreResult) -> pd.DataFrame:
    """Score against weight per 一级指标 (tidy, Chinese headers) for the bar chart."""
    sub = result.subtotals()
    frame = pd.DataFrame(
        {
            "一级指标": sub["dimension"].astype("string"),
            "分值": sub["weight"].map(float).astype("float64"),
            "得分": sub["score"].map(lambda v: None if v is None else float(v)).astype("Float64"),
        }
    )
    frame["得分率"] = (frame["得分"] / frame["分值"]).round(4)
    return frame


def _step_labels(result: ScoreResult) -> dict[str, str]:
    names = pd.Series([s.indicator.name for s in result.indicators])
    duplicated = set(names[names.duplicated(keep=False)])
    return {
        s.indicator.code: (
            f"{s.indicator.level2}·{s.indicator.name}"
            if s.indicator.name in duplicated
            else s.indicator.name
        )
        for s in result.indicators
    }


def waterfall_steps(result: ScoreResult) -> pd.DataFrame:
    """满分 → one step per indicator that lost points → 综合得分 (项目, 变动, 起点, 终点, 类型)."""
    labels = _step_labels(result)
    full = result.system.total_weight
    rows = [
        {
            "项目": "满分",
            "指标编码": "",
            "变动": float(full),
            "起点": 0.0,
            "终点": float(full),
            "类型": "满分",
        }
    ]
    level = full
    for s in result.indicators:
        if s.deduction is None or s.deduction == 0:
            continue
        after = level - s.deduction
        rows.append(
            {
                "项目": labels[s.indicator.code],
                "指标编码": s.indicator.code,
                "变动": -float(s.deduction),
                "起点": float(level),
                "终点": float(after),
                "类型": "扣分",
            }
        )
        level = after
    rows.append(
        {
            "项目": "综合得分",
            "指标编码": "",
            "变动": float(level),
            "起点": 0.0,
            "终点": float(level),
            "类型": "得分",
        }
    )
    return pd.DataFrame(rows, columns=["项目", "指标编码", "变动", "起点", "终点", "类型"])


# ---------------------------------------------------------------------------------------------
# Sensitivity


@dataclass(frozen=True)
class GradeMargins:
    total: Decimal
    grade: str
    next_grade: str | None  # the grade above, None at 优
    points_to_next: Decimal | None  # points needed to reach it
    lower_grade: str | None  # the grade below, None at 差
    margin_above_lower: Decimal | None  # points that can be lost and keep the grade

    def summary(self) -> str:
        parts = [f"综合得分{fmt(self.total)}分，等级「{self.grade}」"]
        if self.next_grade:
            parts.append(f"距「{self.next_grade}」还差{fmt(self.points_to_next)}分")
        if self.lower_grade:
            parts.append(
                f"再失{fmt(self.margin_above_lower)}分仍为「{self.grade}」，超过则降为「{self.lower_grade}」"
            )
        return "，".join(parts) + "。"


def grade_margins(total: Decimal | float | int) -> GradeMargins:
    value = to_decimal(total)
    current = grade(value)
    bands = list(GRADE_BANDS)  # highest first
    idx = next(i for i, (_, name) in enumerate(bands) if name == current)
    floor = bands[idx][0]
    above = bands[idx - 1] if idx > 0 else None
    below = bands[idx + 1] if idx + 1 < len(bands) else None
    return GradeMargins(
        total=value,
        grade=current,
        next_grade=above[1] if above else None,
        points_to_next=(above[0] - value) if above else None,
        lower_grade=below[1] if below else None,
        margin_above_lower=(value - floor) if below else None,
    )


SENSITIVITY_HEADERS = (
    "类型",
    "指标编码",
    "指标",
    "问题编号",
    "扣分",
    "恢复后总分",
    "恢复后等级",
    "改变等级",
)


@dataclass(frozen=True, eq=False)
class Sensitivity:
    margins: GradeMargins
    table: pd.DataFrame  # one row per indicator deduction and per finding that costs points

    @property
    def grade_changers(self) -> pd.DataFrame:
        return self.table[self.table["改变等级"] == "是"]

    def summary(self) -> str:
        text = self.margins.summary()
        changers = self.grade_changers
        if changers.empty:
            return text + "任何单项扣分或单个问题的影响都不足以改变等级。"
        items = "、".join(
            f"{row.问题编号 or row.指标}（{fmt(Decimal(str(row.扣分)))}分）"
            for row in changers.itertuples()
        )
        return text + f"单独恢复以下扣分即可改变等级：{items}。"


def sensitivity(result: ScoreResult) -> Sensitivity:
    """For each deduction and each finding: the total and grade if it were restored / removed.

    An indicator's row restores that indicator to full marks. A finding's row re-scores the
    whole system without that finding in the register, so a finding that costs points on two
    indicators (OBS-02a) is counted on both, and caps (扣完为止) are respected.
    """
    if not result.complete:
        raise ParameterError(
            "评分不完整（缺少指标数据），无法做敏感性分析："
            + "；".join(m.message for m in result.missing)
        )
    margins = grade_margins(result.total)
    labels = _step_labels(result)
    rows = []
    for s in result.indicators:
        if not s.deduction:
            continue
        restored = result.total + s.deduction
        rows.append(
            ("指标扣分", s.indicator.code, labels[s.indicator.code], "", s.deduction, restored)
        )
    deducting = dict.fromkeys(
        fid
        for s in result.indicators
        if s.indicator.rule.rule_id == "deduction_list"
        for fid in s.linked_findings
        if s.indicator.rule.covers(fid)
    )
    for fid in deducting:
        register = result.register[result.register["finding_id"].astype("string") != fid]
        rescored = score(result.system, result.metrics, register).total
        if rescored == result.total:
            continue
        codes = "、".join(
            s.indicator.code
            for s in result.indicators
            if s.indicator.rule.covers(fid) and fid in s.linked_findings
        )
        title = result.findings[fid].title
        rows.append(("问题", codes, title, fid, rescored - result.total, rescored))
    table = pd.DataFrame(
        rows, columns=["类型", "指标编码", "指标", "问题编号", "扣分", "恢复后总分"]
    )
    table["恢复后等级"] = [grade(t) for t in table["恢复后总分"]]
    table["改变等级"] = ["是" if g != margins.grade else "否" for g in table["恢复后等级"]]
    table["扣分"] = table["扣分"].map(float).astype("float64")
    table["恢复后总分"] = table["恢复后总分"].map(float).astype("float64")
    table = table.sort_values("扣分", ascending=False, kind="stable", ignore_index=True)
    return Sensitivity(margins=margins, table=table.reindex(columns=list(SENSITIVITY_HEADERS)))
