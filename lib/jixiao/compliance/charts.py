"""Charts of the compliance step: the fund arrival timeline and account mixing per unit."""

from __future__ import annotations

import pandas as pd

from jixiao.chart_rows import (
    MAX_CHART_ROWS,
    chart_height,
    left_out_note,
    most_relevant,
    with_rest_total,
)

MIXING_LABELS = {
    "basic_spending_fen": "项目支出记入基本支出",
    "basic_income_fen": "专项收入记入基本支出收入",
    "no_project_ledger_fen": "未设项目明细账（下达金额）",
    "unreconciled_fen": "专项资金收支不符",
}


def plot_arrival_timeline(
    timeline: pd.DataFrame, *, title: str = "专项资金下达与到位时间", limit: int = MAX_CHART_ROWS
):
    """One line per grant from the allocation date to the arrival date; late grants in red.

    ``timeline`` is ``arrival_timeline(check_arrival(...).grants)``. With more than ``limit``
    grants, the latest (most days late, then largest) are drawn and the title counts the rest.
    """
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from jixiao.charts import use_chinese_font

    use_chinese_font()
    ranked = timeline.assign(_late=timeline["days_late"].fillna(0))
    shown, rest = most_relevant(
        ranked, by=["_late", "amount_fen"], ascending=[False, False], limit=limit
    )
    title += left_out_note(rest, what="笔", shown_as=f"滞后天数最多的{len(shown)}笔")
    data = shown.sort_values(
        ["arrived_date", "issued_date", "grant_id"], kind="stable", ignore_index=True
    )
    labels = data["community"].astype(str) + "·" + data["grant_type"].astype(str)
    late = data["days_late"].fillna(0).astype("int64") > 0
    fig = Figure(
        figsize=(9, chart_height(len(data), per_row=0.28, base=1.5, minimum=4.0)), layout="tight"
    )
    ax = fig.add_subplot()
    y = list(range(len(data)))
    colors = ["#c0392b" if is_late else "#2e86c1" for is_late in late]
    ends = data["arrived_date"].where(data["arrived_date"].notna(), data["due_date"])
    # One call per mark type (not one per grant): hundreds of grants stay fast to draw.
    ax.hlines(y, data["issued_date"], ends, colors=colors, linewidth=2.2)
    ax.scatter(data["issued_date"], y, marker="o", c=colors, s=16, zorder=3)
    arrived = data["arrived_date"].notna().to_numpy()
    ax.scatter(
        data.loc[arrived, "arrived_date"],
        [p for p, a in zip(y, arrived, strict=False) if a],
        marker="s",
        c=[c for c, a in zip(colors, arrived, strict=False) if a],
        s=25,
        zorder=3,
    )
    ax.scatter(data["due_date"], y, marker="|", c="#555555", s=100, zorder=3)
    ax.set_yticks(list(y), labels)
    ax.invert_yaxis()
    ax.set_xlabel("日期（圆点：下达；方块：到位；竖线：应到位日期）")
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(
        handles=[
            Line2D([0], [0], color="#2e86c1", linewidth=2.2, label="按时到位"),
            Line2D([0], [0], color="#c0392b", linewidth=2.2, label="到位滞后"),
        ],
        loc="upper right",
    )
    fig.autofmt_xdate()
    return fig


def plot_account_mixing(
    mixing: pd.DataFrame,
    *,
    title: str = "专项资金未单独核算金额（按社区）",
    limit: int = MAX_CHART_ROWS,
):
    """Stacked horizontal bars per community, in 元, one colour per kind of mixing.

    ``mixing`` is ``account_mixing_by_unit(flags)``. With more than ``limit`` units, the largest
    are drawn and the others summed in one last bar.
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    from jixiao.charts import use_chinese_font, yuan_tick

    use_chinese_font()
    amounts = [c for c in MIXING_LABELS if c in mixing]
    if len(mixing) > limit:
        # One bar is kept for the rest's total.
        ranked = mixing.assign(_total=mixing[amounts].sum(axis=1))
        shown, rest = most_relevant(ranked, by=["_total"], ascending=False, limit=limit - 1)
        mixing = with_rest_total(
            shown.drop(columns="_total"),
            rest,
            label_column="community",
            sum_columns=amounts,
            what="单位",
        )
    fig = Figure(
        figsize=(9, chart_height(len(mixing), per_row=0.6, base=1.6, minimum=3.0)), layout="tight"
    )
    ax = fig.add_subplot()
    if mixing.empty:
        ax.text(
            0.5,
            0.5,
            "未发现专项资金未单独核算的情况",
            ha="center",
            va="center",
            transform=ax.transAxes,
        )
        ax.set_axis_off()
        return fig
    left = pd.Series(0.0, index=mixing.index)
    mixing = mixing.fillna({c: 0 for c in amounts})
    for column, label in MIXING_LABELS.items():
        if column not in mixing:
            continue
        values = mixing[column].astype("float64") / 100
        if not values.any():
            continue
        ax.barh(mixing["community"].astype(str), values, left=left, label=label)
        left = left + values
    ax.invert_yaxis()
    ax.set_xlabel("金额（元）")
    ax.set_title(title)
    ax.xaxis.set_major_formatter(FuncFormatter(yuan_tick))
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return fig
