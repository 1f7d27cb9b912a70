"""Per-unit charts stay readable for a province: at most MAX_CHART_ROWS rows, the rest counted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jixiao.chart_rows import MAX_CHART_ROWS, MAX_HEIGHT_INCHES, most_relevant
from jixiao.compliance import charts as compliance_charts
from jixiao.sampling import charts as sampling_charts
from jixiao.survey import charts as survey_charts

UNITS = [f"单位{i:03d}" for i in range(200)]


def _bar_labels(fig) -> list[str]:
    return [t.get_text() for t in fig.axes[0].get_yticklabels()]


def test_most_relevant_keeps_the_first_rows_by_the_order_in_the_data_order():
    data = pd.DataFrame({"name": list("abcdef"), "value": [5, 1, 9, 3, 7, 2]})
    shown, rest = most_relevant(data, by=["value"], ascending=False, limit=3)
    assert list(shown["name"]) == ["a", "c", "e"]  # data order, not ranking order
    assert sorted(rest["name"]) == ["b", "d", "f"]
    with pytest.raises(ValueError):
        most_relevant(data, by=["value"], ascending=False, limit=0)


def test_account_mixing_of_200_units_shows_the_largest_and_sums_the_rest():
    rng = np.random.default_rng(1)
    mixing = pd.DataFrame(
        {"community": UNITS, "basic_spending_fen": rng.integers(1, 10**7, len(UNITS))}
    )
    fig = compliance_charts.plot_account_mixing(mixing)
    labels = _bar_labels(fig)
    assert len(labels) == MAX_CHART_ROWS
    assert labels[-1] == f"其余{len(UNITS) - MAX_CHART_ROWS + 1}个单位（合计）"
    drawn = sum(p.get_width() for p in fig.axes[0].patches)
    assert drawn == pytest.approx(mixing["basic_spending_fen"].sum() / 100)
    largest = mixing.nlargest(MAX_CHART_ROWS - 1, "basic_spending_fen")["community"]
    assert set(largest) == set(labels[:-1])
    assert fig.get_figheight() <= MAX_HEIGHT_INCHES


def test_arrival_timeline_of_245_grants_draws_the_latest_and_counts_the_rest():
    n = 245
    issued = pd.Timestamp("2020-03-01") + pd.to_timedelta(np.arange(n) % 60, unit="D")
    days_late = np.where(np.arange(n) % 20 == 0, np.arange(n) // 4 + 1, 0)
    timeline = pd.DataFrame(
        {
            "grant_id": [f"G{i:03d}" for i in range(n)],
            "community": [UNITS[i % 200] for i in range(n)],
            "grant_type": "养护补助",
            "issued_date": issued,
            "due_date": issued + pd.Timedelta(days=30),
            "arrived_date": issued + pd.to_timedelta(30 + days_late, unit="D"),
            "days_late": days_late,
            "amount_fen": 100_000,
            "status": "到位",
        }
    )
    fig = compliance_charts.plot_arrival_timeline(timeline)
    labels = _bar_labels(fig)
    assert len(labels) == MAX_CHART_ROWS
    late = timeline[timeline["days_late"] > 0]
    assert len(late) < MAX_CHART_ROWS  # every late grant is among those drawn
    drawn = set(labels)
    assert all(f"{c}·养护补助" in drawn for c in late["community"])
    assert f"其余{n - MAX_CHART_ROWS}笔见工作底稿" in fig.axes[0].get_title()
    assert fig.get_figheight() <= MAX_HEIGHT_INCHES


def test_satisfaction_of_200_communities_draws_the_lowest():
    rate = np.linspace(0.70, 0.99, len(UNITS))
    data = pd.DataFrame(
        {
            "community": UNITS,
            "rate": rate,
            "lower": rate - 0.05,
            "upper": np.minimum(rate + 0.05, 1.0),
            "overall_rate": 0.9,
        }
    )
    fig = survey_charts.plot_satisfaction_by_community(data)
    assert _bar_labels(fig) == UNITS[:MAX_CHART_ROWS]
    assert "其余170个社区见工作底稿" in fig.axes[0].get_title()


def test_strata_of_200_units_keep_their_totals():
    population = pd.DataFrame(
        {"unit": np.repeat(UNITS, 3), "amount_fen": np.arange(600, dtype="int64") * 1_000 + 1}
    )
    table = sampling_charts.strata_table(population, population.iloc[::7])
    fig = sampling_charts.plot_strata(table)
    labels = _bar_labels(fig)
    assert len(labels) == MAX_CHART_ROWS
    assert "其余171个层（合计）" in labels
    widths = [p.get_width() for p in fig.axes[0].patches]
    assert sum(widths[:MAX_CHART_ROWS]) == pytest.approx(population["amount_fen"].sum() / 100)


def test_a_city_sized_chart_is_drawn_whole():
    mixing = pd.DataFrame({"community": UNITS[:27], "basic_spending_fen": range(1, 28)})
    fig = compliance_charts.plot_account_mixing(mixing)
    assert len(_bar_labels(fig)) == 27
    assert not any("其余" in label for label in _bar_labels(fig))
