"""Survey charts with Chinese labels, drawn from the tidy frames of :mod:`.chart_data`.

Figures are built with ``matplotlib.figure.Figure`` (no pyplot global state), so a notebook
shows them by returning them and ``jixiao.charts.save_figure`` writes them to
``reports/<year>/figures/``.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ..chart_rows import MAX_CHART_ROWS, chart_height, left_out_note, most_relevant

# Diverging palette: reds for dissatisfied, grey for neutral, blues for satisfied (code 1 … 5).
LEVEL_COLOURS = {1: "#b2182b", 2: "#ef8a62", 3: "#bababa", 4: "#67a9cf", 5: "#2166ac"}


def _chinese_font() -> None:
    """Use the shipped CJK font when the charts module is available (it is in a full install)."""
    try:
        from ..charts import use_chinese_font
    except ImportError:
        return
    try:
        use_chinese_font()
    except FileNotFoundError:
        return


def _percent(x, _pos) -> str:
    return f"{abs(x) * 100:.0f}%"


def plot_likert(
    data: pd.DataFrame, *, title: str = "各题满意度分布", label: str = "label"
) -> Figure:
    """Diverging stacked bars, one per item: dissatisfied left of zero, 一般 split across it.

    ``data`` is ``survey.likert_chart_data(answers)``; ``label`` names the column used for the
    bar labels (by default the item label, where a reverse item reads …（反向题，已转换）
    because its bar shows recoded answers; falling back to the item text, then the item id).
    """
    _chinese_font()
    key = next(c for c in (label, "item", "item_id") if c in data)
    bars = list(dict.fromkeys(data[key].astype(str)))
    fig = Figure(figsize=(10, 0.55 * len(bars) + 1.8), layout="tight")
    ax = fig.add_subplot()
    positions = {name: i for i, name in enumerate(reversed(bars))}
    levels = data[["code", "level"]].drop_duplicates().sort_values("code", kind="stable")
    for code, level in zip(levels["code"], levels["level"], strict=True):
        part = data[data["code"] == code]
        ax.barh(
            [positions[str(v)] for v in part[key]],
            part["end"] - part["start"],
            left=part["start"],
            color=LEVEL_COLOURS.get(int(code), "#999999"),
            edgecolor="white",
            linewidth=0.5,
            label=str(level),
        )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(bars)), list(reversed(bars)))
    ax.xaxis.set_major_formatter(FuncFormatter(_percent))
    ax.set_xlabel("答案占比（左侧为不满意方向，“一般”居中平分）")
    ax.set_title(title)
    ax.legend(
        ncols=len(levels),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12 - 0.3 / max(len(bars), 1)),
        frameon=False,
    )
    return fig


def plot_satisfaction_by_community(
    data: pd.DataFrame,
    *,
    title: str | None = None,
    limit: int = MAX_CHART_ROWS,
    place: str = "社区",
) -> Figure:
    """Satisfaction rate per community as a dot with its interval; dashed line = overall rate.

    ``data`` is ``survey.community_chart_data(answers)``. With more than ``limit`` communities,
    the lowest rates are drawn (the ones an evaluator follows up) and the title counts the rest.
    """
    _chinese_font()
    attrs = dict(data.attrs)
    data, rest = most_relevant(data, by=["rate", "upper"], ascending=[True, True], limit=limit)
    data.attrs = attrs
    title = title if title is not None else f"各{place}满意率及置信区间"
    title += left_out_note(rest, what=f"个{place}", shown_as=f"满意率最低的{len(data)}个{place}")
    fig = Figure(
        figsize=(8, chart_height(len(data), per_row=0.32, base=1.8, minimum=2.5)), layout="tight"
    )
    ax = fig.add_subplot()
    y = range(len(data))
    rate = data["rate"].to_numpy()
    errors = [rate - data["lower"].to_numpy(), data["upper"].to_numpy() - rate]
    ax.errorbar(
        rate, y, xerr=errors, fmt="o", color="#2166ac", ecolor="#67a9cf", capsize=3, markersize=4
    )
    if "overall_rate" in data and len(data):
        overall = float(data["overall_rate"].iloc[0])
        ax.axvline(
            overall,
            color="#b2182b",
            linestyle="--",
            linewidth=1,
            label=f"总体满意率 {overall * 100:.1f}%",
        )
        ax.legend(loc="lower left", frameon=False)
    ax.set_yticks(list(y), list(data["community"].astype(str)))
    ax.xaxis.set_major_formatter(FuncFormatter(_percent))
    ax.set_xlim(min(0.5, float(data["lower"].min()) - 0.05) if len(data) else 0, 1.0)
    method = data.attrs.get("method_label", "")
    confidence = data.attrs.get("confidence")
    note = f"（{confidence * 100:g}% {method}）" if confidence else ""
    ax.set_xlabel(f"满意率（非常满意 + 满意）{note}")
    ax.set_title(title)
    return fig
