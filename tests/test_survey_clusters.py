"""Respondent-level satisfaction: the ratio estimator, its linearised interval, design effect."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from jixiao import survey
from jixiao.errors import InputError
from jixiao.survey.clusters import ratio_variance


def answers_of(codes_by_respondent: dict[str, list[int]], group="居民", community="浏河社区"):
    rows = [
        {"respondent_id": rid, "code": code, "group": group, "community": community}
        for rid, codes in codes_by_respondent.items()
        for code in codes
    ]
    return pd.DataFrame(rows)


def test_three_respondents_give_the_hand_computed_linearised_interval():
    # R1 answers 5, 4 (y=2 of m=2), R2 5, 1 (1 of 2), R3 2, 4 (1 of 2): r = 4/6 = 2/3.
    # Residuals yᵢ − r·mᵢ: 2 − 4/3 = 2/3, 1 − 4/3 = −1/3, −1/3; squares sum to 6/9 = 2/3.
    # v(r) = n/(n−1) · Σ e² / (Σ m)² = 3/2 · (2/3) / 36 = 1/36, so se = 1/6.
    # Simple-random variance of 6 answers r(1−r)/(6−1) = (2/9)/5 = 2/45: deff = (1/36)/(2/45) = 0.625.
    answers = answers_of({"R1": [5, 4], "R2": [5, 1], "R3": [2, 4]})
    row = survey.cluster_satisfaction(answers).iloc[0]
    assert (row["n_respondents"], row["n_valid"], row["n_satisfied"]) == (3, 6, 4)
    assert row["rate"] == pytest.approx(2 / 3)
    z = 1.959963984540054
    assert row["cluster_lower"] == pytest.approx(2 / 3 - z / 6)
    assert row["cluster_upper"] == pytest.approx(2 / 3 + z / 6)
    assert row["cluster_margin"] == pytest.approx(z / 6)
    assert row["design_effect"] == pytest.approx(0.625)
    assert row["effective_n"] == pytest.approx(6 / 0.625)


def test_unequal_clusters_and_a_clipped_interval():
    # y = 3, 1, 0 of m = 3, 3, 2: r = 4/8 = 0.5; residuals 1.5, −0.5, −1 → Σ e² = 3.5.
    # v = 3/2 · 3.5 / 64 = 0.08203125; srs = 0.25 / 7; deff = 2.296875.
    answers = answers_of({"a": [5, 5, 4], "b": [5, 2, 1], "c": [1, 1]})
    rate, variance, deff = ratio_variance([3, 1, 0], [3, 3, 2])
    assert (rate, variance, deff) == pytest.approx((0.5, 0.08203125, 2.296875))
    row = survey.cluster_satisfaction(answers).iloc[0]
    assert row["design_effect"] == pytest.approx(2.296875)
    assert (row["cluster_lower"], row["cluster_upper"]) == (0.0, 1.0)  # 0.5 ± 0.561 clipped


def test_identical_answers_within_each_respondent_give_a_design_effect_near_the_cluster_size():
    # 40 respondents, 8 answers each, every respondent all satisfied or all not (half and half):
    # deff = (n·M − 1)/(n − 1) = 319/39 ≈ 8.18 — about the mean cluster size.
    codes = {f"R{i:02d}": [5] * 8 if i % 2 else [1] * 8 for i in range(40)}
    row = survey.cluster_satisfaction(answers_of(codes)).iloc[0]
    assert row["design_effect"] == pytest.approx(319 / 39)
    assert row["design_effect"] == pytest.approx(8, rel=0.03)
    assert row["effective_n"] == pytest.approx(320 * 39 / 319)


def test_one_answer_per_respondent_gives_a_design_effect_of_one():
    codes = {f"R{i:02d}": [5 if i % 3 else 2] for i in range(30)}
    row = survey.cluster_satisfaction(answers_of(codes)).iloc[0]
    assert row["design_effect"] == pytest.approx(1.0)
    assert row["effective_n"] == pytest.approx(30)


def test_per_group_and_community_rows_use_their_own_respondents():
    answers = pd.concat(
        [
            answers_of({"R1": [5, 4], "R2": [5, 1], "R3": [2, 4]}, "居民", "浏河社区"),
            answers_of({"W1": [1, 1], "W2": [5, 5]}, "社区工作者", "沿河社区"),
        ],
        ignore_index=True,
    )
    by_group = survey.cluster_satisfaction(answers, "group").set_index("group")
    assert list(by_group.index) == ["居民", "社区工作者"]  # schema order
    assert by_group.loc["居民", "design_effect"] == pytest.approx(0.625)
    assert by_group.loc["社区工作者", "n_respondents"] == 2
    table = survey.with_cluster_columns(
        survey.satisfaction(answers, "community"), answers, "community"
    )
    assert {"n_respondents", "design_effect", "cluster_lower", "lower", "upper"} <= set(table)
    assert table.set_index("community").loc["浏河社区", "n_respondents"] == 3


def test_everyone_agreeing_leaves_the_design_effect_undefined_not_infinite():
    row = survey.cluster_satisfaction(answers_of({"R1": [5, 5], "R2": [4, 4]})).iloc[0]
    assert row["rate"] == 1.0 and math.isnan(row["design_effect"])
    assert (row["cluster_lower"], row["cluster_upper"]) == (1.0, 1.0)


def test_the_cluster_bootstrap_agrees_with_the_linearised_interval_and_repeats_with_its_seed():
    codes = {f"R{i:03d}": [5, 4, 2, 5][: 1 + i % 4] if i % 5 else [1, 2, 1] for i in range(300)}
    answers = answers_of(codes)
    row = survey.cluster_satisfaction(answers).iloc[0]
    boot = survey.cluster_bootstrap(answers, draws=4000, seed=7)
    assert boot.rate == pytest.approx(row["rate"])
    assert boot.lower == pytest.approx(row["cluster_lower"], abs=0.01)
    assert boot.upper == pytest.approx(row["cluster_upper"], abs=0.01)
    again = survey.cluster_bootstrap(answers, draws=4000, seed=7)
    assert (again.lower, again.upper) == (boot.lower, boot.upper)


def test_service_groups_choose_who_counts_for_the_satisfaction_rate():
    answers = pd.concat(
        [
            answers_of({"R1": [5, 4], "R2": [5, 1]}, "居民"),
            answers_of({"W1": [5, 5], "W2": [5, 5]}, "社区工作者"),
        ],
        ignore_index=True,
    ).assign(item_id="Q1")
    everyone = {m.metric: m for m in survey.satisfaction_metrics(answers)}
    residents = {m.metric: m for m in survey.satisfaction_metrics(answers, service_groups=["居民"])}
    assert everyone["satisfaction_rate"].value == pytest.approx(7 / 8)
    assert residents["satisfaction_rate"].value == pytest.approx(3 / 4)
    assert residents["satisfaction_rate"].evidence.startswith("居民有效答案 4 个")
    assert "受访者 2 人" in residents["satisfaction_rate"].evidence
    assert residents["satisfaction_rate_workers"].value == 1.0  # group rates unchanged
    with pytest.raises(InputError, match="社会组织"):
        survey.satisfaction_metrics(answers, service_groups=["社会组织"])


def test_the_respondent_table_marks_who_counts_as_service_users():
    answers = pd.concat(
        [
            answers_of({"R1": [5, 4], "R2": [5, 1]}, "居民"),
            answers_of({"W1": [5, 5, 2]}, "社区工作者", "沿河社区"),
        ],
        ignore_index=True,
    )
    everyone = survey.respondent_table(answers)
    assert everyone["service"].all()
    assert everyone.set_index("respondent_id")[["n_valid", "n_satisfied"]].to_dict("index") == {
        "R1": {"n_valid": 2, "n_satisfied": 2},
        "R2": {"n_valid": 2, "n_satisfied": 1},
        "W1": {"n_valid": 3, "n_satisfied": 2},
    }
    residents = survey.respondent_table(answers, service_groups=["居民"])
    assert residents.set_index("respondent_id")["service"].to_dict() == {
        "R1": True,
        "R2": True,
        "W1": False,
    }


def test_the_report_quotes_the_respondent_interval_when_the_survey_step_gave_it():
    from jixiao.report.sections import effects_text

    outputs = pd.DataFrame({"indicator": ["社工站"], "planned": [1], "actual": [1]})
    answers = answers_of({"R1": [5, 4], "R2": [5, 1], "R3": [2, 4]})
    overall = survey.with_cluster_columns(survey.satisfaction(answers), answers)
    text = effects_text(outputs, overall, None)
    low, high = overall.loc[0, ["cluster_lower", "cluster_upper"]]
    assert "受访者3人" in text and f"95%置信区间{low:.1%}–{high:.1%}，按受访者计算" in text
    answer_level = effects_text(outputs, survey.satisfaction(answers), None)
    assert "按受访者计算" not in answer_level and "受访者" not in answer_level
