"""The comparison tables: years side by side with Chinese headers, the change, the workbook.

Pure functions of the :class:`~.load.YearSummary` list. "Change" always means the latest year
minus the earliest one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from ..export import Sheet, fen_to_yuan
from ._common import ALL_RESPONDENTS, ARRIVAL_PERCENT, first_seen_order, year_label
from .load import YearSummary

TOTAL_ROW = "合计"
UNKNOWN_DIMENSION = "未标明"
ARRIVAL_MONEY = ("下达金额（元）", "到位金额（元）", "未按时到位金额（元）")
SATISFACTION_PERCENT = ("满意率", "区间下限", "区间上限")


def change_label(first: int, last: int) -> str:
    return f"变化（{last}年−{first}年）"


def score_overview(summaries: Sequence[YearSummary]) -> pd.DataFrame:
    """One row per year: 综合得分, 满分, 评价等级, whether every indicator could be scored."""
    return pd.DataFrame(
        {
            "年度": [s.year for s in summaries],
            "综合得分": pd.array([s.score.get("total") for s in summaries], dtype="Float64"),
            "满分": pd.array([s.score.get("max_total") for s in summaries], dtype="Float64"),
            "评价等级": pd.array(
                [s.score.get("grade") or "评分不完整" for s in summaries], dtype="string"
            ),
            "评分完整": pd.array(
                ["是" if s.score.get("complete") else "否" for s in summaries], dtype="string"
            ),
        }
    )


def dimension_scores(summaries: Sequence[YearSummary]) -> pd.DataFrame:
    """Long frame, one row per year and 一级指标: 分值, 得分, 得分率 (得分 ÷ 分值)."""
    records = [
        {
            "年度": s.year,
            "一级指标": d["dimension"],
            "分值": d.get("weight"),
            "得分": d.get("score"),
        }
        for s in summaries
        for d in s.score.get("dimensions", [])
    ]
    frame = pd.DataFrame.from_records(records, columns=["年度", "一级指标", "分值", "得分"])
    frame = frame.astype(
        {"年度": "int64", "一级指标": "string", "分值": "Float64", "得分": "Float64"}
    )
    return frame.assign(得分率=frame["得分"] / frame["分值"])


def by_year(
    long: pd.DataFrame, index: str, value: str, *, order: Sequence[str] | None = None
) -> pd.DataFrame:
    """Pivot a long frame to one column per year (``2017年`` …) plus the change last − first."""
    years = sorted(long["年度"].unique().tolist())
    order = list(order) if order is not None else first_seen_order(long[index])
    wide = long.pivot_table(
        index=index, columns="年度", values=value, aggfunc="first", dropna=False, observed=True
    )
    wide = wide.reindex(index=order, columns=years).rename(columns=year_label)
    wide.columns.name = None
    wide[change_label(years[0], years[-1])] = (
        wide[year_label(years[-1])] - wide[year_label(years[0])]
    ).round(4)
    return wide.rename_axis(index).reset_index()


def dimension_comparison(summaries: Sequence[YearSummary]) -> pd.DataFrame:
    """一级指标 × year: 分值 (one column when the years agree), 得分 per year, change, and 合计."""
    long = dimension_scores(summaries)
    order = first_seen_order(long["一级指标"])
    wide = by_year(long, "一级指标", "得分", order=order)
    weights = long.pivot_table(
        index="一级指标", columns="年度", values="分值", aggfunc="first"
    ).reindex(order)
    years = [s.year for s in summaries]
    if weights.nunique(axis=1, dropna=True).le(1).all():
        wide.insert(1, "分值", weights.bfill(axis=1).iloc[:, 0].to_numpy())
    else:
        for position, year in enumerate(years, start=1):
            wide.insert(position, f"{year}年分值", weights[year].to_numpy())
    total = {
        column: wide[column].sum(min_count=1) for column in wide.columns if column != "一级指标"
    }
    # The total comes from score.json, the authority, rather than from re-adding rounded subtotals.
    for s in summaries:
        total[year_label(s.year)] = s.score.get("total")
    first_total, last_total = total[year_label(years[0])], total[year_label(years[-1])]
    complete = first_total is not None and last_total is not None
    total[change_label(years[0], years[-1])] = (
        round(last_total - first_total, 4) if complete else math.nan
    )
    total["一级指标"] = TOTAL_ROW
    result = pd.concat([wide, pd.DataFrame([total])], ignore_index=True)
    return result.rename(columns={year_label(y): f"{y}年得分" for y in years})


def _metric_value(summary: YearSummary, name: str) -> float:
    hit = summary.metrics.loc[summary.metrics["metric"] == name, "value"]
    return float(hit.iloc[0]) if len(hit) else math.nan


def arrival_rates(summaries: Sequence[YearSummary]) -> pd.DataFrame:
    """One row per year: 资金到位率 and 到位及时率 (the metrics scoring used), with the amounts behind them."""
    rows = []
    for s in summaries:
        grants = s.grants
        late = grants["late_fen"] > 0
        rows.append(
            {
                "年度": s.year,
                "资金到位率": _metric_value(s, "fund_arrival_rate"),
                "到位及时率": _metric_value(s, "fund_timely_rate"),
                "拨款笔数": len(grants),
                "下达金额_fen": int(grants["amount_fen"].sum()),
                "到位金额_fen": int(grants["arrived_by_as_of_fen"].sum()),
                "未按时到位笔数": int(late.sum()),
                "未按时到位金额_fen": int(grants["late_fen"].sum()),
            }
        )
    frame = pd.DataFrame(rows)
    for column in ("下达金额", "到位金额", "未按时到位金额"):
        frame[f"{column}_fen"] = fen_to_yuan(frame[f"{column}_fen"].astype("int64"))
    return frame.rename(columns=lambda c: c.replace("_fen", "（元）"))


def satisfaction_by_group(summaries: Sequence[YearSummary]) -> pd.DataFrame:
    """Long frame: year × respondent group (全部受访者 first) with its rate and interval."""
    frame = pd.concat([s.satisfaction.assign(年度=s.year) for s in summaries], ignore_index=True)
    order = first_seen_order(frame["group"])
    frame["group"] = pd.Categorical(frame["group"].astype(str), categories=order)
    frame = frame.sort_values(["group", "年度"], kind="stable", ignore_index=True)
    frame["group"] = frame["group"].astype("string")
    return frame.rename(
        columns={
            "group": "受访者类别",
            "n_valid": "有效答案数",
            "n_satisfied": "满意答案数",
            "rate": "满意率",
            "lower": "区间下限",
            "upper": "区间上限",
        }
    )[["年度", "受访者类别", "有效答案数", "满意答案数", "满意率", "区间下限", "区间上限"]]


def rate_difference_interval(
    p_new: float,
    lower_new: float,
    upper_new: float,
    p_old: float,
    lower_old: float,
    upper_old: float,
) -> tuple[float, float, float]:
    """Change p_new − p_old and its interval by Newcombe's square-and-add method.

    It combines the two years' own intervals (Wilson in the survey step), so the change is judged
    at the same confidence level and with the same method as each year's rate.
    """
    diff = p_new - p_old
    low = diff - math.sqrt((p_new - lower_new) ** 2 + (upper_old - p_old) ** 2)
    high = diff + math.sqrt((upper_new - p_new) ** 2 + (p_old - lower_old) ** 2)
    return diff, low, high


def satisfaction_change(satisfaction: pd.DataFrame) -> pd.DataFrame:
    """Per respondent group: the earliest and latest year's rate, the change and its interval.

    ``satisfaction`` is :func:`satisfaction_by_group`. A change whose interval excludes 0 is
    called 上升 / 下降; otherwise 变化不明显. Answers of one respondent are correlated, so the
    true uncertainty is somewhat larger than the interval says.
    """
    years = sorted(satisfaction["年度"].unique().tolist())
    first, last = years[0], years[-1]
    keyed = satisfaction.set_index(["受访者类别", "年度"])
    groups = first_seen_order(satisfaction["受访者类别"])
    rows = []
    for group in groups:  # a handful of respondent groups
        if (group, first) not in keyed.index or (group, last) not in keyed.index:
            continue
        old, new = keyed.loc[(group, first)], keyed.loc[(group, last)]
        diff, low, high = rate_difference_interval(
            float(new["满意率"]),
            float(new["区间下限"]),
            float(new["区间上限"]),
            float(old["满意率"]),
            float(old["区间下限"]),
            float(old["区间上限"]),
        )
        verdict = "上升" if low > 0 else "下降" if high < 0 else "变化不明显（区间含 0）"
        rows.append(
            {
                "受访者类别": group,
                f"{first}年满意率": float(old["满意率"]),
                f"{last}年满意率": float(new["满意率"]),
                "满意率变化": diff,
                "变化区间下限": low,
                "变化区间上限": high,
                "判断": verdict,
            }
        )
    return pd.DataFrame(rows)


def findings_by_dimension(
    summaries: Sequence[YearSummary], *, order: Sequence[str] | None = None
) -> pd.DataFrame:
    """Long frame: how many findings each year registered under each 一级指标 (0 where none)."""
    counts = pd.concat(
        [
            s.findings["dimension"]
            .astype("string")
            .fillna(UNKNOWN_DIMENSION)
            .value_counts(sort=False)
            .rename_axis("一级指标")
            .rename("问题数量")
            .reset_index()
            .assign(年度=s.year)
            for s in summaries
        ],
        ignore_index=True,
    )
    if order is None:
        order = first_seen_order(dimension_scores(summaries)["一级指标"])
    labels = list(dict.fromkeys([*order, *sorted(counts["一级指标"].astype(str))]))
    grid = pd.MultiIndex.from_product(
        [[s.year for s in summaries], labels], names=["年度", "一级指标"]
    )
    full = (
        counts.set_index(["年度", "一级指标"])["问题数量"].reindex(grid, fill_value=0).reset_index()
    )
    return full.astype({"年度": "int64", "一级指标": "string", "问题数量": "int64"})[
        ["年度", "一级指标", "问题数量"]
    ]


def findings_comparison(findings_long: pd.DataFrame) -> pd.DataFrame:
    """一级指标 × year counts with the change and a 合计 row."""
    wide = by_year(findings_long, "一级指标", "问题数量")
    total = wide.drop(columns="一级指标").sum().to_dict() | {"一级指标": TOTAL_ROW}
    return pd.concat([wide, pd.DataFrame([total])], ignore_index=True).astype(
        {c: "int64" for c in wide.columns if c != "一级指标"}
    )


def _signed(value: float, unit: str = "分") -> str:
    if abs(value) < 1e-9:
        return "持平"
    return f"{'上升' if value > 0 else '下降'}{abs(value):g}{unit}"


def _pct(value: float) -> str:
    return "—" if math.isnan(value) else f"{value * 100:.1f}%"


def describe_changes(summaries: Sequence[YearSummary]) -> list[str]:
    """Chinese sentences on what changed from the earliest to the latest year, for the notebook."""
    first, last = summaries[0], summaries[-1]
    lines = []
    t0, t1 = first.score.get("total"), last.score.get("total")
    if t0 is not None and t1 is not None:
        lines.append(
            f"综合得分：{first.year}年{t0:g}分（{first.score.get('grade')}）→ {last.year}年{t1:g}分"
            f"（{last.score.get('grade')}），"
            f"{_signed(round(t1 - t0, 4))}。"
        )
    dims = dimension_comparison(summaries)
    dims = dims[dims["一级指标"] != TOTAL_ROW]
    change = change_label(first.year, last.year)
    parts = [
        f"{row['一级指标']} {row[f'{first.year}年得分']:g}→{row[f'{last.year}年得分']:g}（{_signed(row[change])}）"
        for row in dims.to_dict("records")
        if not (pd.isna(row[f"{first.year}年得分"]) or pd.isna(row[f"{last.year}年得分"]))
    ]
    if parts:
        lines.append("一级指标：" + "；".join(parts) + "。")
    arrival = arrival_rates([first, last]).set_index("年度")
    a0, a1 = arrival.loc[first.year], arrival.loc[last.year]
    lines.append(
        f"资金到位：资金到位率 {_pct(a0['资金到位率'])}→{_pct(a1['资金到位率'])}，到位及时率 "
        f"{_pct(a0['到位及时率'])}→{_pct(a1['到位及时率'])}；未按时到位 {a0['未按时到位笔数']:.0f}笔"
        f"{a0['未按时到位金额（元）']:,.2f}元 → {a1['未按时到位笔数']:.0f}笔{a1['未按时到位金额（元）']:,.2f}元。"
    )
    change_table = satisfaction_change(satisfaction_by_group([first, last]))
    overall = change_table[change_table["受访者类别"] == ALL_RESPONDENTS]
    if len(overall):
        row = overall.iloc[0]
        level = (
            f"{first.confidence * 100:g}%"
            if first.confidence and first.confidence == last.confidence
            else ""
        )
        lines.append(
            f"满意度：总体满意率 {_pct(row[f'{first.year}年满意率'])}→{_pct(row[f'{last.year}年满意率'])}，"
            f"变化 {row['满意率变化'] * 100:+.1f} 个百分点（{level}置信区间 {row['变化区间下限'] * 100:+.1f} 至 "
            f"{row['变化区间上限'] * 100:+.1f}），{row['判断']}。"
        )
    counts = findings_by_dimension([first, last])
    n0 = int(counts.loc[counts["年度"] == first.year, "问题数量"].sum())
    n1 = int(counts.loc[counts["年度"] == last.year, "问题数量"].sum())
    lines.append(f"问题清单：{n0}项 → {n1}项（{_signed(n1 - n0, '项')}）。")
    return lines


# --------------------------------------------------------------------------- workbook


def workbook_sheets(
    overview: pd.DataFrame,
    dimensions: pd.DataFrame,
    arrival: pd.DataFrame,
    satisfaction: pd.DataFrame,
    satisfaction_delta: pd.DataFrame,
    findings: pd.DataFrame,
    crosswalk: Sequence[pd.DataFrame] = (),
) -> Mapping[str, object]:
    """The comparison workbook's sheets, with 元 and % columns marked for ``export.write_workbook``.

    ``crosswalk``: the like-with-like tables (一级指标, 三级指标) of :mod:`.crosswalk`."""
    delta_percent = tuple(
        c for c in satisfaction_delta.columns if "满意率" in c or c.startswith("变化区间")
    )
    return {
        "综合得分": Sheet(overview),
        "一级指标得分": Sheet(dimensions),
        "资金到位": Sheet(
            arrival,
            money=ARRIVAL_MONEY,
            percent=ARRIVAL_PERCENT,
            integer=("拨款笔数", "未按时到位笔数"),
        ),
        "满意度": Sheet(
            satisfaction, percent=SATISFACTION_PERCENT, integer=("有效答案数", "满意答案数")
        ),
        "满意率变化": Sheet(satisfaction_delta, percent=delta_percent),
        "问题数量": Sheet(findings, integer=tuple(c for c in findings.columns if c != "一级指标")),
    } | {
        name: Sheet(table, percent=tuple(c for c in table.columns if "得分率" in c))
        for name, table in zip(("一级指标对照", "指标对照"), crosswalk, strict=False)
    }
