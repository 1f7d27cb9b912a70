"""有关建议: recommendations answering the findings, from an editable table.

The table (``recommendations.csv``: 序号, 建议标题, 建议内容, 针对问题) lives in the year's folder
next to ``project.toml`` (``data/raw/<year>/recommendations.csv``); without one the shipped
template (one recommendation per finding category) is used. 针对问题 says which findings a
recommendation answers, in the indicator workbook's link language: ``类别:资金使用`` (every
finding of a category), ``规则:SEP-01`` (every finding of a check rule), ``OBS-04`` (one
finding), ``问题2`` (an observation's problem number). A recommendation is given when at least
one finding the report states answers to it, and cites exactly those findings. Nothing is
chosen by searching the findings' text.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jixiao import paths
from jixiao.delimited import read_settings_csv
from jixiao.errors import InputError
from jixiao.finding_categories import CATEGORIES
from jixiao.findings import reported_findings
from jixiao.scoring.indicators import parse_links

RECOMMENDATIONS_FILE = "recommendations.csv"
RECOMMENDATIONS_TEMPLATE = paths.PACKAGE_DIR / "templates" / RECOMMENDATIONS_FILE
COLUMNS = ("序号", "建议标题", "建议内容", "针对问题")
RESULT_COLUMNS = ["建议", "内容", "依据问题"]


def recommendations_file(year: int | str | None = None) -> Path:
    """The year's own table when there is one, else the shipped template."""
    if year is not None:
        own = paths.raw_dir(year) / RECOMMENDATIONS_FILE
        if own.is_file():
            return own
    return RECOMMENDATIONS_TEMPLATE


def load_recommendations(
    path: Path | None = None, *, year: int | str | None = None
) -> pd.DataFrame:
    """The recommendations table, checked: every column present, every 针对问题 link one the
    register can answer (a category of the vocabulary, a rule, a finding id, 问题N)."""
    file = Path(path) if path is not None else recommendations_file(year)
    if not file.is_file():
        raise InputError("找不到工作建议表", file=file)
    table = read_settings_csv(file)
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        hint = (
            "（「触发关键词」已停用：请改用「针对问题」，写问题类别、规则或问题编号，如 类别:资金使用）"
            if "触发关键词" in table.columns
            else ""
        )
        raise InputError(f"工作建议表缺少列：{'、'.join(missing)}{hint}", file=file)
    for row, value in zip(range(2, len(table) + 2), table["针对问题"], strict=True):
        links = parse_links(value)
        if not links:
            raise InputError(
                "「针对问题」为空：请写明本条建议针对的问题", file=file, row=row, column="针对问题"
            )
        for link in links:
            if link.kind == "metric":
                raise InputError(
                    f"「针对问题」中的「{link.key}」是指标数据，不是问题",
                    file=file,
                    row=row,
                    column="针对问题",
                )
            if link.kind == "category" and link.key not in CATEGORIES:
                raise InputError(
                    f"「针对问题」中的问题类别「{link.key}」不在类别表中（可选：{'、'.join(CATEGORIES)}）",
                    file=file,
                    row=row,
                    column="针对问题",
                )
    return table


def _answered(register: pd.DataFrame, links) -> pd.Series:
    hit = pd.Series(False, index=register.index)
    for link in links:
        if link.kind == "finding":
            hit |= register["finding_id"].astype("str") == link.key
        elif link.kind == "rule":
            hit |= register["rule"].astype("str") == link.key
        elif link.kind == "category":
            hit |= register["category"].fillna("").astype("str") == link.key
        elif link.kind == "problem":
            hit |= register["problem_no"].astype("Int64").astype("string") == link.key
    return hit


def recommendations(
    register: pd.DataFrame, table: pd.DataFrame | None = None, *, year: int | str | None = None
) -> pd.DataFrame:
    """The table's recommendations that findings the report states answer to, each with the
    ids of those findings (register order), in the table's order."""
    table = table if table is not None else load_recommendations(year=year)
    reported = reported_findings(register) if not register.empty else pd.Series(dtype=bool)
    rows = []
    for rec in table.itertuples(index=False):
        hit = reported & _answered(register, parse_links(rec.针对问题))
        if hit.any():
            rows.append(
                {
                    "建议": rec.建议标题,
                    "内容": rec.建议内容,
                    "依据问题": "、".join(register.loc[hit, "finding_id"].astype(str)),
                }
            )
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)
