"""Charts of the score: dimension scores against weights, and the waterfall from 100 to the total.

Both take a :class:`ScoreResult` (through the tidy frames of :mod:`.report`) and return a
matplotlib Figure; saving is left to ``jixiao.charts.save_figure``.
"""

from __future__ import annotations

from .engine import ScoreResult
from .results import dimension_scores, waterfall_steps

_WEIGHT_COLOUR = "#c9d6e8"
_SCORE_COLOUR = "#2f5d9a"
_LOSS_COLOUR = "#c0504d"


def _chinese_font() -> None:
    # Imported here so that importing jixiao.scoring never touches matplotlib's font cache.
    from jixiao.charts import use_chinese_font

    use_chinese_font()


def plot_dimension_scores(result: ScoreResult):
    """Grouped bars: 分值 and 得分 for each 一级指标, each bar labelled with its value."""
    _chinese_font()
    from matplotlib.figure import Figure

    data = dimension_scores(result)
    fig = Figure(figsize=(7, 4.2), layout="tight")
    ax = fig.add_subplot()
    positions = range(len(data))
    width = 0.38
    weight_bars = ax.bar(
        [p - width / 2 for p in positions], data["分值"], width, label="分值", color=_WEIGHT_COLOUR
    )
    scores = data["得分"].fillna(0).astype("float64")
    score_bars = ax.bar(
        [p + width / 2 for p in positions], scores, width, label="得分", color=_SCORE_COLOUR
    )
    ax.bar_label(weight_bars, labels=[f"{v:g}" for v in data["分值"]], padding=2)
    ax.bar_label(score_bars, labels=[f"{v:g}" for v in scores], padding=2)
    ax.set_xticks(list(positions), list(data["一级指标"]))
    ax.set_ylabel("分")
    ax.set_ylim(0, float(data["分值"].max()) * 1.18)
    total = f"{float(result.total):g}"
    ax.set_title(f"各一级指标得分与分值（综合得分 {total} 分，{result.grade or '评分不完整'}）")
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def plot_waterfall(result: ScoreResult):
    """Waterfall: 满分 100, one falling step per indicator that lost points, then 综合得分."""
    _chinese_font()
    from matplotlib.figure import Figure

    steps = waterfall_steps(result)
    fig = Figure(figsize=(max(7.0, 0.75 * len(steps) + 2), 4.6), layout="tight")
    ax = fig.add_subplot()
    bottoms = steps[["起点", "终点"]].min(axis=1)
    heights = (steps["终点"] - steps["起点"]).abs()
    colours = steps["类型"].map(
        {"满分": _WEIGHT_COLOUR, "扣分": _LOSS_COLOUR, "得分": _SCORE_COLOUR}
    )
    bars = ax.bar(range(len(steps)), heights, bottom=bottoms, color=list(colours))
    ax.bar_label(
        bars,
        labels=[
            f"{v:+g}" if t == "扣分" else f"{v:g}"
            for v, t in zip(steps["变动"], steps["类型"], strict=True)
        ],
        padding=2,
    )
    ax.set_xticks(range(len(steps)), list(steps["项目"]), rotation=35, ha="right")
    low = float(steps["终点"].min())
    ax.set_ylim(max(0.0, low - 10), float(steps["终点"].max()) + 4)
    ax.set_ylabel("分")
    ax.set_title(f"从满分到综合得分：各指标扣分（{float(result.total):g} 分）")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


_BAND_COLOURS = {"优": "#d9ead3", "良": "#fff2cc", "中": "#fce5cd", "差": "#f4cccc"}


def plot_total_distribution(simulation):
    """Histogram of the simulated totals over the grade bands, the computed total and 90% interval marked."""
    _chinese_font()
    import numpy as np
    from matplotlib.figure import Figure

    from .engine import GRADE_BANDS

    totals = simulation.totals
    low, high = simulation.total_interval
    # Show the edges of the computed grade's band, so the distance to the next grade is visible.
    floors = sorted(float(floor) for floor, _ in GRADE_BANDS)
    below = max((f for f in floors if f <= simulation.total), default=0.0)
    above = min((f for f in floors if f > simulation.total), default=100.0)
    left = max(min(float(totals.min()), below) - 2, 0.0)
    right = min(max(float(totals.max()), above) + 2, 100.0)
    fig = Figure(figsize=(7, 3.8), layout="tight")
    ax = fig.add_subplot()
    ceiling = 100.0
    for floor, name in GRADE_BANDS:  # highest first
        lo, hi = max(float(floor), left), min(ceiling, right)
        if lo < hi:
            ax.axvspan(lo, hi, color=_BAND_COLOURS.get(name, "#eeeeee"), zorder=0)
            ax.text(
                (lo + hi) / 2,
                1.0,
                name,
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="bottom",
            )
        ceiling = float(floor)
    values, counts = np.unique(totals, return_counts=True)
    width = max(float(np.min(np.diff(values))) * 0.8, 0.1) if len(values) > 1 else 0.4
    ax.bar(values, counts / len(totals), width=width, color=_SCORE_COLOUR, zorder=2)
    ax.axvline(
        simulation.total,
        color=_LOSS_COLOUR,
        linestyle="--",
        zorder=3,
        label=f"计算得分 {simulation.total:g}",
    )
    ax.axvline(
        low,
        color="#555555",
        linestyle=":",
        zorder=3,
        label=f"{simulation.confidence:.0%} 区间 {low:g}–{high:g}",
    )
    ax.axvline(high, color="#555555", linestyle=":", zorder=3)
    ax.set_xlim(left, right)
    ax.set_xlabel("综合得分（分）")
    ax.set_ylabel("模拟频率")
    ax.legend(loc="upper left", frameon=False)
    return fig
