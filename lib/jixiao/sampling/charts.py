"""Charts of the sampling step: the population and the selection by stratum."""

from __future__ import annotations

import pandas as pd

from jixiao.chart_rows import MAX_CHART_ROWS, chart_height, most_relevant, with_rest_total


def strata_table(population: pd.DataFrame, sample: pd.DataFrame, by: str = "unit") -> pd.DataFrame:
    """Per stratum: population items and amount, selected items and amount (fen), coverage."""
    pop = population.groupby(by, sort=True)["amount_fen"].agg(
        population_items="size", population_fen="sum"
    )
    sel = sample.groupby(by, sort=True)["amount_fen"].agg(selected_items="size", selected_fen="sum")
    table = pop.join(sel, how="left").fillna({"selected_items": 0, "selected_fen": 0})
    table = table.astype({"selected_items": "int64", "selected_fen": "int64"})
    table["coverage"] = table["selected_fen"] / table["population_fen"].where(
        table["population_fen"] > 0
    )
    return table.reset_index().rename(columns={by: "stratum"})


def plot_strata(
    table: pd.DataFrame,
    *,
    title: str = "抽样总体与选取样本（按核算单位）",
    limit: int = MAX_CHART_ROWS,
):
    """Horizontal bars per stratum: population amount, with the selected amount overlaid (元).

    With more than ``limit`` strata, the largest are drawn and the others summed in one bar.
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    from jixiao.charts import use_chinese_font, yuan_tick

    use_chinese_font()
    if len(table) > limit:
        shown, rest = most_relevant(table, by=["population_fen"], ascending=False, limit=limit - 1)
        counts = ["population_items", "population_fen", "selected_items", "selected_fen"]
        table = with_rest_total(
            shown, rest, label_column="stratum", sum_columns=counts, what="层"
        ).astype({c: "int64" for c in counts})
    data = table.sort_values("population_fen", ascending=True, kind="stable")
    labels = data["stratum"].astype(str).str.replace("居民委员会", "", regex=False)
    fig = Figure(figsize=(9, chart_height(len(data), per_row=0.3, base=1.5, minimum=4.0)))
    ax = fig.add_subplot()
    ax.barh(labels, data["population_fen"] / 100, color="#c9d7ea", label="抽样总体金额")
    ax.barh(labels, data["selected_fen"] / 100, color="#2e6da4", height=0.5, label="选取样本金额")
    for y, (items, selected) in enumerate(
        zip(data["population_items"], data["selected_items"], strict=True)
    ):
        ax.annotate(
            f"{selected}/{items} 笔",
            (0, y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
            color="white",
        )
    ax.set_xlabel("金额（元）")
    ax.xaxis.set_major_formatter(FuncFormatter(yuan_tick))
    ax.set_title(title)
    ax.legend(loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    return fig
