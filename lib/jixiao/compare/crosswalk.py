"""Comparing a 2013-framework year with a 2020-framework year: like with like.

The crosswalk is data, not code: ``lib/jixiao/templates/框架对照_2013_2020.csv`` maps the 2013
dimensions (投入 / 过程 / 产出 / 效果) to the 2020 ones (决策 / 过程 / 产出 / 效益) and each
indicator (一级 / 二级 / 三级) to its counterpart, with the relation (相同 / 相近 / 无对应) and a
note. Scores are compared as a share of each dimension's or indicator's weight (得分率), since
the weights differ between the frameworks; an indicator without a counterpart is listed with
the reason. Two years on the same framework are matched indicator by indicator.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..delimited import read_settings_csv
from ..errors import InputError, ParameterError
from .load import YearSummary

CROSSWALK_FILE = Path(__file__).resolve().parent.parent / "templates" / "框架对照_2013_2020.csv"
FRAMEWORKS = ("2013", "2020")
LEVELS = ("一级指标", "三级指标")
RELATIONS = ("相同", "相近", "无对应")
NAME_LEVELS = ("一级指标", "二级指标", "三级指标")
COLUMNS = (
    "层级",
    *(f"{f}{level}" for f in FRAMEWORKS for level in NAME_LEVELS),
    "对应关系",
    "说明",
)


def load_crosswalk(path: str | Path | None = None) -> pd.DataFrame:
    """The crosswalk table (UTF-8 or, as Excel saves it, GBK), checked row by row.

    A bad value names the file, its row (as a spreadsheet shows it, header = row 1) and column.
    """
    file = Path(path) if path is not None else CROSSWALK_FILE
    if not file.is_file():
        raise InputError("找不到框架对照表 / crosswalk table not found", file=file.name)
    table = read_settings_csv(file)
    table.columns = [str(c).strip() for c in table.columns]
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise InputError(f"缺少列：{'、'.join(missing)}", file=file.name, row=1, column=missing[0])
    table = table.loc[:, list(COLUMNS)].apply(lambda column: column.str.strip())

    def fail(index: int, column: str, message: str):
        raise InputError(
            f"{message}，收到 {table.at[index, column]!r}",
            file=file.name,
            row=index + 2,
            column=column,
        )

    for column, allowed in (("层级", LEVELS), ("对应关系", RELATIONS)):
        bad = ~table[column].isin(allowed)
        if bad.any():
            fail(int(bad.idxmax()), column, f"应为 {'、'.join(allowed)} 之一")
    # Which names a row must give: the dimension always, the indicator on 三级指标 rows.
    for framework in FRAMEWORKS:
        dimension, indicator = f"{framework}一级指标", f"{framework}三级指标"
        named = table[dimension] != ""
        needs_indicator = named & (table["层级"] == "三级指标") & (table[indicator] == "")
        if needs_indicator.any():
            fail(int(needs_indicator.idxmax()), indicator, "三级指标行须写明指标名称")
    sides = (table["2013一级指标"] != "").astype(int) + (table["2020一级指标"] != "").astype(int)
    matched = table["对应关系"] != "无对应"
    wrong = (matched & (sides != 2)) | (~matched & (sides != 1))
    if wrong.any():
        index = int(wrong.idxmax())
        fail(index, "对应关系", "相同、相近须两个框架都写明指标，无对应只写一个框架")
    return table


def _framework(summary: YearSummary) -> str:
    framework = str(summary.score.get("framework", ""))
    if framework not in FRAMEWORKS:
        raise ParameterError(
            f"{summary.year}年 score.json 的指标框架 {framework!r} 不在对照表的 {'、'.join(FRAMEWORKS)} 之中"
        )
    return framework


def indicator_shares(summary: YearSummary) -> pd.DataFrame:
    """One row per indicator of the year: 一级 / 二级 / 三级指标, 分值, 得分, 得分率."""
    records = [
        dict(zip(NAME_LEVELS, (list(i.get("levels", [])) + ["", "", ""])[:3], strict=True))
        | {"分值": i.get("weight"), "得分": i.get("score")}
        for i in summary.score.get("indicators", [])
    ]
    frame = pd.DataFrame.from_records(records, columns=[*NAME_LEVELS, "分值", "得分"])
    frame = frame.astype({"分值": "Float64", "得分": "Float64"})
    return frame.assign(得分率=frame["得分"] / frame["分值"])


def _dimension_shares(summary: YearSummary) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(
        [
            {"一级指标": d["dimension"], "分值": d.get("weight"), "得分": d.get("score")}
            for d in summary.score.get("dimensions", [])
        ],
        columns=["一级指标", "分值", "得分"],
    ).astype({"分值": "Float64", "得分": "Float64"})
    return frame.assign(得分率=frame["得分"] / frame["分值"])


def _identity(first: YearSummary, last: YearSummary, level: str) -> pd.DataFrame:
    """Two years on one framework: each name matched with itself (the crosswalk's shape)."""
    framework = _framework(first)
    keys = ["一级指标"] if level == "一级指标" else list(NAME_LEVELS)
    shares = _dimension_shares if level == "一级指标" else indicator_shares
    names = pd.concat([shares(first)[keys], shares(last)[keys]]).drop_duplicates()
    return pd.DataFrame(
        {f"{framework}{k}": names[k].to_numpy() for k in keys}
        | {"层级": level, "对应关系": "相同", "说明": ""}
    )


def _attach(
    pairs: pd.DataFrame, summary: YearSummary, framework: str, level: str, tag: str
) -> pd.DataFrame:
    """The year's 分值 / 得分 / 得分率 on the pairs' ``framework`` side, columns tagged ``tag``."""
    keys = ["一级指标"] if level == "一级指标" else list(NAME_LEVELS)
    shares = (_dimension_shares if level == "一级指标" else indicator_shares)(summary)
    side = pairs.loc[:, [f"{framework}{k}" for k in keys]].set_axis(keys, axis=1)
    joined = side.merge(shares, how="left", on=keys)
    named = side["一级指标"].fillna("") != ""
    label = side["一级指标"] if level == "一级指标" else side["一级指标"] + "—" + side["三级指标"]
    absent = named.to_numpy() & joined["分值"].isna().to_numpy()
    return pd.DataFrame(
        {
            f"{tag}指标": label.where(named, "").to_numpy(),
            f"{tag}分值": joined["分值"].to_numpy(),
            f"{tag}得分": joined["得分"].to_numpy(),
            f"{tag}得分率": joined["得分率"].to_numpy(),
            "_absent": absent,
        }
    )


def crosswalk_comparison(
    summaries: Sequence[YearSummary],
    crosswalk: pd.DataFrame | None = None,
    *,
    level: str = "三级指标",
) -> pd.DataFrame:
    """The earliest and the latest year like with like, at the 一级指标 or 三级指标 level.

    Columns: 对应关系, for each year its 指标 (一级—三级), 分值, 得分, 得分率, then 得分率变化
    (latest − earliest, only where both sides exist) and 说明 (the crosswalk's note; an indicator
    the crosswalk lists but the year's indicator system lacks, or one the crosswalk does not
    list, says so). Years on the same framework are matched name by name.
    """
    if level not in LEVELS:
        raise ParameterError(f"level 应为 {'、'.join(LEVELS)} 之一，收到 {level!r}")
    first, last = summaries[0], summaries[-1]
    f0, f1 = _framework(first), _framework(last)
    if f0 == f1:
        pairs = _identity(first, last, level)
    else:
        table = load_crosswalk() if crosswalk is None else crosswalk
        pairs = table[table["层级"] == level].reset_index(drop=True)
    a = _attach(pairs, first, f0, level, f"{first.year}年")
    b = _attach(pairs, last, f1, level, f"{last.year}年")
    notes = pairs["说明"].astype("str").to_numpy()
    relation = pairs["对应关系"].astype("str").to_numpy().copy()
    for part, year in ((a, first.year), (b, last.year)):
        absent = part.pop("_absent").to_numpy()
        notes = [
            "；".join(x for x in (n, f"{year}年指标体系没有此指标" if gone else "") if x)
            for n, gone in zip(notes, absent, strict=True)
        ]
        relation[absent] = "无对应"
    result = pd.concat([pd.DataFrame({"对应关系": relation}), a, b], axis=1)
    result["得分率变化"] = (result[f"{last.year}年得分率"] - result[f"{first.year}年得分率"]).round(
        4
    )
    result["说明"] = notes
    unlisted = [_unlisted(s, fw, pairs, level) for s, fw in ((first, f0), (last, f1))]
    return pd.concat([result, *unlisted], ignore_index=True)


def _unlisted(
    summary: YearSummary, framework: str, pairs: pd.DataFrame, level: str
) -> pd.DataFrame:
    """The year's indicators the crosswalk does not list: no counterpart, said so."""
    keys = ["一级指标"] if level == "一级指标" else list(NAME_LEVELS)
    shares = (_dimension_shares if level == "一级指标" else indicator_shares)(summary)
    listed = pairs.loc[:, [f"{framework}{k}" for k in keys]].set_axis(keys, axis=1)
    extra = shares.merge(listed.drop_duplicates(), how="left", on=keys, indicator=True)
    extra = extra[extra["_merge"] == "left_only"]
    tag = f"{summary.year}年"
    label = (
        extra["一级指标"] if level == "一级指标" else extra["一级指标"] + "—" + extra["三级指标"]
    )
    return pd.DataFrame(
        {
            "对应关系": "无对应",
            f"{tag}指标": label.to_numpy(),
            f"{tag}分值": extra["分值"].to_numpy(),
            f"{tag}得分": extra["得分"].to_numpy(),
            f"{tag}得分率": extra["得分率"].to_numpy(),
            "说明": "框架对照表未列出此指标",
        }
    )


def describe_crosswalk(comparison: pd.DataFrame) -> list[str]:
    """Chinese sentences: how many indicators match, and which have no counterpart."""
    counts = comparison["对应关系"].value_counts()
    lines = [
        f"指标对照：相同 {int(counts.get('相同', 0))} 项、相近 {int(counts.get('相近', 0))} 项、"
        f"无对应 {int(counts.get('无对应', 0))} 项；得分按各自分值的得分率比较。"
    ]
    names = [c for c in comparison.columns if c.endswith("年指标")]
    alone = comparison[comparison["对应关系"] == "无对应"]
    for row in alone.to_dict("records"):
        which = next((row[c] for c in names if isinstance(row[c], str) and row[c]), "")
        lines.append(f"无对应：{which}（{row['说明']}）。")
    return lines
