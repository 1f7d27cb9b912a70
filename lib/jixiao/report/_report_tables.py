"""The report's annexes (评分表, 问题清单, 满意度调查分析, 资金到位与执行明细, 图表) as blocks,
and the number formats the report writes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jixiao import processed
from jixiao.scoring.overlaps import DOUBLE_DEDUCTION_PREFIX

from ._blocks import Block
from ._citations import FIGURE_SHEETS, Citations
from .sections import yuan

NO_CITATIONS = Citations()

# The charts 05_scoring, 04_survey, 03_compliance and 02_sampling draw, in annex order.
FIGURES = (
    ("score_by_dimension", "各维度得分"),
    ("score_waterfall", "得分瀑布图"),
    ("arrival_timeline", "资金到位时间线"),
    ("account_mixing", "科目混用情况"),
    ("sampling_strata", "抽样分层"),
    ("survey_likert_items", "各题满意度分布"),
    ("survey_satisfaction_by_community", "各{place}满意率"),
)


def number(value) -> str:
    """4.0 → "4", 86.50 → "86.5"; blank when missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = f"{float(value):.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def percent(value) -> str:
    return "" if value is None or pd.isna(value) else f"{float(value):.2%}"


def _cell(value) -> str:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float) and pd.isna(value):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


def _table(title: str, headers, rows, citation: str = "") -> list:
    """An annex: its heading, the working paper it comes from (when cited), the table."""
    source = [Block("paragraph", text=f"本附件数据见工作底稿{citation}。")] if citation else []
    return [
        Block("heading", text=title, level=2),
        *source,
        Block(
            "table",
            headers=tuple(headers),
            rows=tuple(tuple(_cell(v) for v in row) for row in rows),
        ),
    ]


def _overlap_notes(ind: dict) -> str:
    """The possible 重复扣分 the scoring noted on this indicator (score.json notes)."""
    return "".join(n for n in ind.get("notes", ()) if n.startswith(DOUBLE_DEDUCTION_PREFIX))


def scoring_annex(score: dict, cite: Citations = NO_CITATIONS) -> list:
    rows = []
    for ind in score["indicators"]:
        rows.append(
            (
                "／".join(x for x in ind["levels"] if x),
                number(ind["weight"]),
                ind["rule_parameters"],
                ind["method_label"],
                "".join(ind["reasons"]) + _overlap_notes(ind) or "无扣分",
                number(ind["score"]),
            )
        )
    rows.append(
        (
            "合计",
            number(score["max_total"]),
            "",
            "",
            f"评价等级：{score['grade']}",
            number(score["total"]),
        )
    )
    headers = ("指标", "分值", "评分标准", "计分方式", "评价意见/扣分说明", "得分")
    return _table("附件1  评分表", headers, rows, cite("评分表"))


def findings_annex(register: pd.DataFrame, cite: Citations = NO_CITATIONS) -> list:
    rows = [
        (
            n,
            row.finding_id,
            row.title,
            row.units if isinstance(row.units, str) else "",
            yuan(int(row.amount_fen)) if pd.notna(row.amount_fen) else "",
            row.description,
            f"{row.evidence_source}：{row.evidence}" if row.evidence else row.evidence_source,
        )
        for n, row in enumerate(register.itertuples(), start=1)
    ]
    headers = ("序号", "问题编号", "问题", "涉及单位", "金额（元）", "问题描述", "证据")
    return _table("附件2  问题清单", headers, rows, cite("问题清单"))


def _interval(row) -> str:
    """The respondent-level (cluster) interval when the survey step gave it, else the answers'."""
    low, high = getattr(row, "cluster_lower", None), getattr(row, "cluster_upper", None)
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        low, high = row.lower, row.upper
    return f"{percent(low)}–{percent(high)}"


def survey_annex(year: int, cite: Citations = NO_CITATIONS, place: str = "社区") -> list:
    """Satisfaction overall, per respondent group and per community, with the interval computed
    over respondents (each respondent's answers a cluster), as the report's text quotes it."""
    rows = []
    for label, name, key in (
        ("总体", "survey_satisfaction_overall", None),
        ("受访者类别", "survey_satisfaction_group", "group"),
        (place, "survey_satisfaction_community", "community"),
    ):
        table = processed.read_optional_table(year, name)
        if table is None:
            continue
        for row in table.itertuples():
            respondents = getattr(row, "n_respondents", None)
            effect = getattr(row, "design_effect", None)
            rows.append(
                (
                    label,
                    getattr(row, key) if key else "全部",
                    "" if respondents is None or pd.isna(respondents) else int(respondents),
                    int(row.n_valid),
                    int(row.n_satisfied),
                    percent(row.rate),
                    _interval(row),
                    "" if effect is None or pd.isna(effect) else f"{float(effect):.2f}",
                )
            )
    headers = (
        "统计口径",
        "类别",
        "受访者",
        "有效答案",
        "满意",
        "满意率",
        "95%置信区间（按受访者）",
        "设计效应",
    )
    return _table("附件3  满意度调查分析", headers, rows, cite("问卷统计", "样本量检查"))


def arrival_annex(year: int, cite: Citations = NO_CITATIONS, place: str = "社区") -> list:
    table = processed.read_optional_table(year, "arrival_grants")
    rows = []
    if table is not None:
        for row in table.itertuples():
            rows.append(
                (
                    row.community,
                    row.grant_type,
                    row.doc_number,
                    yuan(int(row.amount_fen)),
                    row.arrived_date,
                    yuan(int(row.arrived_fen)) if pd.notna(row.arrived_fen) else "",
                    row.days_late if pd.notna(row.days_late) else "",
                    row.status,
                )
            )
    headers = (
        place,
        "资金类型",
        "文号",
        "下达金额（元）",
        "到位日期",
        "到位金额（元）",
        "逾期天数",
        "到位状态",
    )
    return _table("附件4  资金到位与执行明细", headers, rows, cite("资金到位"))


def figures_annex(figures: Path, cite: Citations = NO_CITATIONS, place: str = "社区") -> list:
    blocks = [Block("heading", text="附件5  图表", level=2)]
    for n, (name, caption) in enumerate(
        [(f, c) for f, c in FIGURES if (Path(figures) / f"{f}.png").is_file()], start=1
    ):
        blocks.append(
            Block(
                "figure",
                text=f"图{n}  {caption.format(place=place)}{cite(*FIGURE_SHEETS.get(name, ()))}",
                path=str(Path(figures) / f"{name}.png"),
            )
        )
    return blocks


def annex_blocks(
    year: int,
    score: dict,
    register: pd.DataFrame,
    figures: Path,
    cite: Citations = NO_CITATIONS,
    place: str = "社区",
) -> list:
    """The annexes; ``place`` is the profile's word for the place column (社区, 乡镇 …)."""
    return [
        Block("page_break"),
        Block("heading", text="附件", level=1),
        *scoring_annex(score, cite),
        *findings_annex(register, cite),
        *survey_annex(year, cite, place),
        *arrival_annex(year, cite, place),
        *figures_annex(figures, cite, place),
    ]
