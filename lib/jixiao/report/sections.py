"""The evaluation report's text, in the order of the published report, written from the data.

Sections: 基本情况 (money and grants from the allocation records) and 项目成效 (outputs against
plan, satisfaction); the problems and recommendations are in :mod:`.model` and
:mod:`.recommendations`. Every number is read from the year's processed
tables and score; nothing here is specific to one year.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from jixiao.errors import InputError
from jixiao.untrusted import escape_markdown as md


def yuan(fen: int | float) -> str:
    return f"{fen / 100:,.2f}"


def wan_yuan(fen: int | float) -> str:
    """Amount in 万元 as the report writes it (200万元, 110万元, 12.5万元)."""
    value = fen / 100 / 10_000
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def plain_number(value) -> str:
    """A score as the report writes it: 4.0 → "4", 86.50 → "86.5", 0.25 → "0.25"; blank if missing."""
    if value is None or value is pd.NA or pd.isna(value):
        return ""
    text = f"{float(value):.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def scoring_table_styler(table: pd.DataFrame):
    """The 评分表 for the HTML report: scores and weights without trailing zeros, blanks for
    missing values, no index."""
    numbers = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])]
    styler = (
        table.style.format(na_rep="", escape="html")
        .format(plain_number, subset=numbers)
        .hide(axis="index")
    )
    return styler.set_uuid(
        "scoring"
    )  # fixed element ids (pandas picks random ones): same report, same bytes


def read_score(path: Path) -> dict:
    if not Path(path).is_file():
        raise InputError("没有找到 score.json：请先运行 05_scoring", file=path)
    return json.loads(Path(path).read_text(encoding="utf-8"))


def overall_conclusion(score: dict) -> str:
    dims = "、".join(md(d["dimension"]) for d in score["dimensions"])
    if not score.get("complete", True) or score.get("grade") is None:
        return f"评分尚不完整（{md(score.get('summary', ''))}），暂不能给出综合结论。"
    return (
        f"本次绩效评价从项目{dims}{len(score['dimensions'])}个维度开展，总分{score['max_total']}分，"
        f"项目综合得分{score['total']}分，评价等级为“{score['grade']}”。"
    )


def basic_situation(
    allocations: pd.DataFrame, year: int | str, place: str = "社区", escape=md
) -> str:
    """基本情况: the special funds issued, by grant type, with the places funded (``place``: the
    profile's word for the place column, 社区 / 乡镇 / 村 …). ``escape`` as in :func:`effects_text`."""
    total = int(allocations["amount_fen"].sum())
    by_type = allocations.groupby("grant_type", sort=False).agg(
        grants=("grant_id", "size"),
        amount=("amount_fen", "sum"),
        communities=("community", "nunique"),
    )
    parts = [
        f"{escape(row.Index)}资金（{row.communities}个{escape(place)}，{row.grants}笔）共{wan_yuan(row.amount)}万元"
        for row in by_type.itertuples()
    ]
    communities = allocations["community"].nunique()
    return (
        f"{year}年，下达专项资金{wan_yuan(total)}万元（{yuan(total)}元），其中"
        + "，".join(parts)
        + "。"
        f"共涉及{communities}个{escape(place)}、{len(allocations)}笔资金。"
    )


def outputs_table(outputs: pd.DataFrame) -> pd.DataFrame:
    """产出完成情况 with the completion rate per output."""
    table = pd.DataFrame(
        {
            "产出指标": outputs["indicator"],
            "计量单位": outputs["measure_unit"],
            "计划数": outputs["planned"],
            "实际完成数": outputs["actual"],
        }
    )
    planned = pd.to_numeric(outputs["planned"], errors="coerce")
    table["完成率"] = (
        pd.to_numeric(outputs["actual"], errors="coerce") / planned.where(planned > 0)
    ).round(4)
    return table


def outputs_table_styler(outputs: pd.DataFrame):
    """产出完成情况 for the HTML report: counts with thousands separators, completion as %."""
    styler = (
        outputs_table(outputs)
        .style.format({"计划数": "{:,.0f}", "实际完成数": "{:,.0f}", "完成率": "{:.0%}"}, na_rep="")
        .format(escape="html", na_rep="", subset=["产出指标", "计量单位"])
    )
    return styler.hide(axis="index").set_uuid("outputs")


def effects_text(
    outputs: pd.DataFrame,
    satisfaction: pd.DataFrame | None,
    coverage: pd.DataFrame | None,
    escape=md,
) -> str:
    """项目成效: outputs against plan and the satisfaction rate. ``escape`` makes the texts from
    the data safe for where the sentence goes (Markdown by default; the report model keeps them
    plain and each renderer escapes them)."""
    planned = pd.to_numeric(outputs["planned"], errors="coerce")
    actual = pd.to_numeric(outputs["actual"], errors="coerce")
    met = int((actual >= planned).sum())
    text = f"产出指标{len(outputs)}项，其中{met}项达到或超过计划数"
    short = [escape(t) for t in outputs.loc[actual < planned, "indicator"].tolist()]
    text += f"，未完成计划的有：{'、'.join(short)}。" if short else "，全部完成计划。"
    if satisfaction is not None and not satisfaction.empty:
        row = satisfaction.iloc[0]
        # The respondent is the sampling unit: quote its interval when the survey step gave it.
        clustered = "cluster_lower" in row.index and pd.notna(row["cluster_lower"])
        low, high = (
            (row["cluster_lower"], row["cluster_upper"])
            if clustered
            else (row["lower"], row["upper"])
        )
        who = f"，受访者{int(row['n_respondents'])}人" if clustered else ""
        text += (
            f"问卷调查有效答案{int(row['n_valid'])}个{who}，满意率（非常满意＋满意）{row['rate']:.1%}"
            f"（95%置信区间{low:.1%}–{high:.1%}{'，按受访者计算' if clustered else ''}）。"
        )
    if coverage is not None and not coverage.empty:
        short_groups = (
            coverage.loc[~coverage["sufficient"].astype(bool), "statement"].astype(str).tolist()
        )
        if short_groups:
            text += "样本量说明：" + "；".join(escape(g) for g in short_groups) + "。"
    return text
