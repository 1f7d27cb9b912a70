"""The comparison charts: grouped bars per year and satisfaction intervals.

matplotlib is imported inside the functions, so importing :mod:`jixiao.compare` stays light.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from ._common import ARRIVAL_PERCENT, first_seen_order, year_label

# Earlier years lighter, the latest year darkest; cycled when more years are compared.
YEAR_COLOURS = ("#9db4d3", "#2f5d9a", "#c0504d", "#8064a2", "#4bacc6", "#f79646")


def _chinese_font() -> None:
    # Imported here so that importing jixiao.compare never touches matplotlib's font cache.
    from ..charts import use_chinese_font

    use_chinese_font()


def _year_colours(years: Sequence[int]) -> dict[int, str]:
    return {year: YEAR_COLOURS[i % len(YEAR_COLOURS)] for i, year in enumerate(sorted(years))}


def _percent_axis(axis) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{x * 100:.0f}%"))


def _grouped_bars(ax, long: pd.DataFrame, category: str, value: str, label_format) -> list[str]:
    """Bars for each category, one per year side by side; returns the category order."""
    categories = first_seen_order(long[category])
    years = sorted(long["年度"].unique().tolist())
    colours = _year_colours(years)
    width = 0.8 / len(years)
    for i, year in enumerate(years):
        part = long[long["年度"] == year].set_index(category).reindex(categories)
        values = part[value].astype("Float64").fillna(0).astype("float64")
        offsets = [c - 0.4 + width * (i + 0.5) for c in range(len(categories))]
        bars = ax.bar(offsets, values, width * 0.92, color=colours[year], label=year_label(year))
        ax.bar_label(bars, labels=[label_format(v) for v in values], padding=2, fontsize=8.5)
    ax.set_xticks(range(len(categories)), categories)
    ax.spines[["top", "right"]].set_visible(False)
    return categories


def plot_dimension_scores(long: pd.DataFrame, overview: pd.DataFrame | None = None):
    """Grouped bars: each 一级指标's score per year, with its 分值 drawn as a grey outline behind.

    ``long`` is :func:`dimension_scores`; ``overview`` (:func:`score_overview`) adds each year's
    综合得分 and 等级 to the legend.
    """
    _chinese_font()
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4.6))
    ax = fig.add_subplot()
    weights = long.groupby("一级指标", sort=False)["分值"].max()
    categories = first_seen_order(long["一级指标"])
    ax.bar(
        range(len(categories)),
        weights.reindex(categories).astype("float64"),
        0.9,
        color="none",
        edgecolor="#a6a6a6",
        linestyle="--",
        linewidth=1,
        label="分值",
    )
    _grouped_bars(ax, long, "一级指标", "得分", lambda v: f"{v:g}")
    handles, labels = ax.get_legend_handles_labels()
    if overview is not None:
        notes = {
            year_label(int(y)): f"（综合 {t:g} 分，{g}）"
            for y, t, g in zip(
                overview["年度"], overview["综合得分"], overview["评价等级"], strict=True
            )
        }
        labels = [label + notes.get(label, "") for label in labels]
    ax.legend(
        handles,
        labels,
        frameon=False,
        loc="upper left",
        ncols=len(labels),
        bbox_to_anchor=(0, -0.08),
    )
    ax.set_ylim(0, float(weights.max()) * 1.15)
    ax.set_ylabel("分")
    ax.set_title("各一级指标得分年度对比（虚线框为分值）")
    fig.tight_layout()
    return fig


def plot_arrival_rates(arrival: pd.DataFrame):
    """Grouped bars: 资金到位率 and 到位及时率 per year against the 100% target."""
    _chinese_font()
    from matplotlib.figure import Figure

    long = arrival.melt(
        id_vars="年度", value_vars=list(ARRIVAL_PERCENT), var_name="指标", value_name="比率"
    )
    fig = Figure(figsize=(8, 4.2))
    ax = fig.add_subplot()
    _grouped_bars(ax, long, "指标", "比率", lambda v: f"{v * 100:.1f}%")
    ax.axhline(1.0, color="#7f7f7f", linestyle="--", linewidth=1, label="目标 100%")
    ax.set_ylim(0, 1.1)  # bars start at zero so the gap to the target is not exaggerated
    _percent_axis(ax.yaxis)
    late = "；".join(
        f"{y}年未按时到位 {n:.0f} 笔 {amount:,.2f} 元" if n else f"{y}年全部按时到位"
        for y, n, amount in zip(
            arrival["年度"], arrival["未按时到位笔数"], arrival["未按时到位金额（元）"], strict=True
        )
    )
    ax.set_xlabel(late, fontsize=9)
    ax.set_title("资金到位率与到位及时率年度对比")
    # Outside the axes: inside, a swatch would sit on a bar of its own colour and vanish.
    ax.legend(frameon=False, loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout()
    return fig


def plot_satisfaction(satisfaction: pd.DataFrame, *, confidence: float | None = None):
    """Dot and interval per respondent group, one row of dots per year (全部受访者 on top)."""
    _chinese_font()
    from matplotlib.figure import Figure

    groups = first_seen_order(satisfaction["受访者类别"])
    years = sorted(satisfaction["年度"].unique().tolist())
    colours = _year_colours(years)
    fig = Figure(figsize=(8, 0.75 * len(groups) * max(len(years), 2) / 2 + 1.9))
    ax = fig.add_subplot()
    step = 0.7 / len(years)
    positions = {g: len(groups) - 1 - i for i, g in enumerate(groups)}
    for i, year in enumerate(years):
        part = satisfaction[satisfaction["年度"] == year]
        y = part["受访者类别"].map(positions).astype("float64") + 0.35 - step * (i + 0.5)
        rate = part["满意率"].astype("float64")
        errors = [
            rate - part["区间下限"].astype("float64"),
            part["区间上限"].astype("float64") - rate,
        ]
        ax.errorbar(
            rate,
            y,
            xerr=errors,
            fmt="o",
            color=colours[year],
            ecolor=colours[year],
            capsize=3,
            markersize=5,
            label=year_label(year),
        )
        for x, yy in zip(rate, y, strict=True):
            ax.annotate(
                f"{x * 100:.1f}%",
                (x, yy),
                textcoords="offset points",
                xytext=(0, 5),
                ha="center",
                fontsize=8,
            )
    ax.set_yticks([positions[g] for g in groups], groups)
    ax.set_ylim(-0.6, len(groups) - 0.4)
    low = float(satisfaction["区间下限"].min())
    ax.set_xlim(max(0.0, math.floor((low - 0.03) * 20) / 20), 1.0)
    _percent_axis(ax.xaxis)
    level = f"{confidence * 100:g}% " if confidence else ""
    ax.set_xlabel(f"满意率（非常满意＋满意 ÷ 有效答案），横线为{level}置信区间")
    ax.set_title("满意率年度对比（按受访者类别）")
    ax.legend(frameon=False, loc="lower left")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def plot_findings_by_dimension(findings_long: pd.DataFrame):
    """Grouped bars: how many findings each year under each 一级指标."""
    _chinese_font()
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(7, 4.2))
    ax = fig.add_subplot()
    _grouped_bars(ax, findings_long, "一级指标", "问题数量", lambda v: f"{v:.0f}")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max(1.0, float(findings_long["问题数量"].max())) * 1.18)
    totals = findings_long.groupby("年度")["问题数量"].sum()
    ax.legend(
        ax.get_legend_handles_labels()[0],
        [f"{year_label(int(y))}（共 {n} 项）" for y, n in totals.items()],
        frameon=False,
    )
    ax.set_ylabel("问题数量（项）")
    ax.set_title("问题清单按一级指标分布年度对比")
    fig.tight_layout()
    return fig
