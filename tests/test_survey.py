"""Questionnaire validation, satisfaction with intervals, sample size, interviews, metrics."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import pytest

from jixiao import paths, privacy, survey
from jixiao.errors import InputError, ParameterError

FILE = "问卷调查_2017.xlsx"


def items_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "item_id": ["Q1", "Q2", "Q3"],
            "item": ["对服务站设施是否满意", "对社工服务是否满意", "办事是否不便（反向题）"],
            "reverse": ["否", "否", "是"],
            "groups": [None, "居民、社会组织", ""],
            "source_file": FILE,
            "source_sheet": "题目",
            "source_row": [2, 3, 4],
        }
    )


def responses_frame() -> pd.DataFrame:
    """Six sheet rows (Excel rows 2–7); worked out by hand in the comments."""
    return pd.DataFrame(
        {
            "respondent_id": ["R001", "R002", "R003", "R002", "R004", "R005"],
            "group": ["居民", "居民", "社区工作者", "居民", "社会组织", "社区工作者"],
            "community": ["浏河社区", "沿河社区", "浏河社区", "沿河社区", "沿河社区", "沿河社区"],
            "person_key": ["P-a", "P-b", "P-c", "P-b", "P-d", "P-e"],
            "source_file": FILE,
            "source_sheet": "问卷数据",
            "source_row": [2, 3, 4, 5, 6, 7],
            # R003 "６" is full-width six: out of scale. R004 "满意吧" is unrecognised.
            "Q1": pd.Series(["非常满意", 4, "６", "满意", "满意吧", "  一般 "], dtype=object),
            # R003 and R005 are 社区工作者, to whom Q2 does not apply: blank is fine, an answer is not.
            "Q2": pd.Series(["满意", None, None, "满意", "0", "满意"], dtype=object),
            # Reverse item: codes become 6 − code.
            "Q3": pd.Series(["1", "不满意", "一般", "满意", "5.0", 4.0], dtype=object),
        }
    )


@pytest.fixture(scope="module")
def validated() -> survey.SurveyValidation:
    return survey.validate_responses(responses_frame(), items_frame())


def test_every_cell_is_accounted_for_exactly(validated):
    assert validated.counts == {
        "rows_read": 6,
        "rows_duplicate": 1,
        "rows_same_person": 0,
        "respondents": 5,
        "cells_read": 18,
        "valid": 9,
        "blank": 1,
        "out_of_scale": 2,
        "unrecognised": 1,
        "not_applicable_answered": 1,
        "not_applicable": 1,
        "duplicate_cells": 3,
    }
    assert "有效答案" in validated.counts_table()["项目"].tolist()
    assert "有效问卷 5 份" in validated.summary()


def test_each_invalid_answer_is_rejected_with_file_sheet_row_column_and_reason(validated):
    rejects = validated.rejects
    assert list(rejects.columns) == ["file", "sheet", "row", "column", "value", "reason"]
    assert set(rejects["file"]) == {FILE} and set(rejects["sheet"]) == {"问卷数据"}
    assert list(zip(rejects["row"], rejects["column"], rejects["reason"], strict=True)) == [
        (3, "Q2", "空白"),
        (4, "Q1", "超出量表"),
        (5, "问卷编号", "重复问卷编号"),
        (6, "Q1", "无法识别"),
        (6, "Q2", "超出量表"),
        (7, "Q2", "该题不适用于此类受访者"),
    ]
    assert rejects["value"].tolist()[1:5] == ["６", "R002", "满意吧", "0"]


def test_text_digits_floats_and_full_width_answers_are_all_read(validated):
    codes = validated.answers.set_index(["respondent_id", "item_id"])["raw_code"]
    assert codes[("R001", "Q1")] == 5  # 非常满意
    assert codes[("R002", "Q1")] == 4  # the number 4
    assert codes[("R004", "Q3")] == 5  # "5.0"
    assert codes[("R005", "Q3")] == 4  # the float 4.0
    assert codes[("R005", "Q1")] == 3  # "  一般 " with spaces


def test_full_width_digit_inside_the_scale_is_accepted():
    parsed = survey.parse_answers(pd.Series(["４", "５.0", "+3", "4.5", "6", "-1"]))
    assert parsed["code"].tolist()[:3] == [4, 5, 3]
    assert parsed["reason"].tolist()[3:] == ["无法识别", "超出量表", "超出量表"]


def test_reverse_items_are_recoded_six_minus_code(validated):
    q3 = validated.answers[validated.answers["item_id"] == "Q3"].set_index("respondent_id")
    assert q3["raw_code"].tolist() == [1, 2, 3, 5, 4]
    assert q3["code"].tolist() == [5, 4, 3, 1, 2]
    assert q3["reverse"].all()


def test_duplicate_respondent_keeps_the_first_row_only(validated):
    r002 = validated.answers[validated.answers["respondent_id"] == "R002"]
    assert set(r002["source_row"]) == {3}
    assert r002["item_id"].tolist() == ["Q1", "Q3"]


def people(**columns) -> pd.DataFrame:
    """Four questionnaires with one item, as the ingest step writes them (masked, with person_key)."""
    raw = pd.DataFrame(
        {
            "respondent_id": ["R1", "R2", "R3", "R4"],
            "group": "居民",
            "community": "浏河社区",
            "name": ["张三", "李四", "王五", "张三"],
            "source_file": FILE,
            "source_sheet": "问卷数据",
            "source_row": [2, 3, 4, 5],
            "Q1": ["满意", "一般", "满意", "非常满意"],
            **columns,
        }
    )
    return privacy.mask_personal_data(raw, salt="s")


ONE_ITEM = pd.DataFrame(
    {"item_id": ["Q1"], "item": ["总体满意度"], "reverse": ["否"], "groups": [None]}
)


def test_the_same_phone_under_another_questionnaire_number_is_rejected_whole_naming_the_first_row():
    # R4 (row 5) is 张三 again, same mobile written differently, under a new number.
    responses = people(phone=["13812345678", "13900000001", "13900000002", "138-1234-5678"])
    result = survey.validate_responses(responses, ONE_ITEM)
    assert result.answers["respondent_id"].tolist() == ["R1", "R2", "R3"]
    assert (
        result.counts["rows_same_person"],
        result.counts["respondents"],
        result.counts["duplicate_cells"],
    ) == (1, 3, 1)
    reject = result.rejects.iloc[0]
    assert (reject["file"], reject["sheet"], reject["row"], reject["column"]) == (
        FILE,
        "问卷数据",
        5,
        "联系电话",
    )
    assert reject["reason"] == "同一受访者以不同问卷编号重复作答"
    assert reject["value"] == "138****5678（与第 2 行问卷 R1 为同一人）"
    assert "同一受访者以不同编号重复作答 1 份" in result.summary()


def test_the_same_id_number_without_a_phone_is_the_same_person_too():
    responses = people(
        id_number=["420802199001011234", None, "420802199203034321", "420802199001011234"]
    )
    result = survey.validate_responses(responses, ONE_ITEM)
    assert list(
        zip(result.rejects["row"], result.rejects["column"], result.rejects["value"], strict=True)
    ) == [(5, "身份证号", "420802********1234（与第 2 行问卷 R1 为同一人）")]


def test_the_same_name_in_the_same_community_is_not_taken_for_the_same_person():
    # 张三 twice in 浏河社区 with no phone or ID: two people may share a name, nothing is rejected.
    result = survey.validate_responses(people(), ONE_ITEM)
    assert result.rejects.empty and result.counts["respondents"] == 4


def test_a_repeated_questionnaire_number_is_reported_once_not_also_as_the_same_person():
    responses = people(phone=["13812345678", "13900000001", "13900000002", "13812345678"])
    responses.loc[3, "respondent_id"] = "R1"
    result = survey.validate_responses(responses, ONE_ITEM)
    assert result.rejects["reason"].tolist() == ["重复问卷编号"]
    assert (result.counts["rows_duplicate"], result.counts["rows_same_person"]) == (1, 0)


def test_validation_runs_on_the_masked_frame_the_ingest_step_writes():
    raw = responses_frame().assign(
        name="张三",
        # Rows 3 and 5 are the same questionnaire R002 entered twice, so the same phone.
        phone=[
            "13812340001",
            "13812340002",
            "13812340003",
            "13812340002",
            "13812340004",
            "13812340005",
        ],
    )
    masked = privacy.mask_personal_data(raw, salt="s")
    result = survey.validate_responses(masked, items_frame())
    assert result.counts["valid"] == 9
    assert result.answers["person_key"].str.fullmatch(r"P-[0-9a-f]{10}").all()


def test_answers_carry_provenance_and_pseudonym_not_names(validated):
    answers = validated.answers
    assert {"source_file", "source_sheet", "source_row", "person_key"} <= set(answers.columns)
    assert not {"name", "phone", "id_number"} & set(answers.columns)


def test_missing_item_column_names_the_file_and_sheet():
    with pytest.raises(
        InputError, match=r"问卷调查_2017\.xlsx, sheet 问卷数据: 问卷数据缺少题目列 Q3"
    ):
        survey.validate_responses(responses_frame().drop(columns="Q3"), items_frame())


def test_unknown_group_in_item_applicability_names_the_items_sheet_row():
    items = items_frame()
    items.loc[1, "groups"] = "居民、志愿者"
    with pytest.raises(InputError, match=r"sheet 题目, row 3, column 适用对象.*志愿者"):
        survey.validate_responses(responses_frame(), items)


def test_satisfaction_counts_very_satisfied_and_satisfied_among_valid_answers(validated):
    # Valid codes after recoding: 5 4 5 | 4 4 | 3 | 1 | 3 2 → 5 of 9 are 4 or 5.
    overall = survey.satisfaction(validated.answers)
    assert (overall["n_valid"].iloc[0], overall["n_satisfied"].iloc[0]) == (9, 5)
    assert overall["rate"].iloc[0] == pytest.approx(5 / 9)
    by_group = survey.satisfaction(validated.answers, "group").set_index("group")
    assert list(by_group.index) == [
        "居民",
        "社区工作者",
        "社会组织",
    ]  # schema order, not character order
    assert by_group.loc["居民", ["n_valid", "n_satisfied"]].tolist() == [5, 5]
    assert by_group.loc["社区工作者", ["n_valid", "n_satisfied"]].tolist() == [3, 0]
    assert by_group.loc["社会组织", ["n_valid", "n_satisfied"]].tolist() == [1, 0]
    by_item = survey.satisfaction(validated.answers, "item_id").set_index("item_id")
    assert by_item["n_satisfied"].tolist() == [2, 1, 2]
    assert by_item["n_valid"].tolist() == [3, 1, 5]


def test_satisfied_levels_are_a_parameter(validated):
    strict = survey.satisfaction(validated.answers, satisfied_levels=(5,))
    assert strict["n_satisfied"].iloc[0] == 2


def test_wilson_interval_matches_the_published_example():
    # 81 successes in 263 trials at 95%: Wilson (0.2553, 0.3662).
    table = survey.satisfaction(pd.DataFrame({"code": [5] * 81 + [2] * 182}))
    assert table["lower"].iloc[0] == pytest.approx(0.2553, abs=5e-5)
    assert table["upper"].iloc[0] == pytest.approx(0.3662, abs=5e-5)
    assert table["margin"].iloc[0] == pytest.approx((0.36621 - 0.25529) / 2, abs=5e-5)
    assert table.attrs["method"] == "wilson"


@pytest.mark.parametrize(
    ("successes", "lower", "upper"),
    [
        (0, 0.0, 1 - 0.025 ** (1 / 10)),  # 0.3085
        (10, 0.025 ** (1 / 10), 1.0),  # 0.6915
        (5, 0.1871, 0.8129),
    ],
)
def test_clopper_pearson_interval_for_ten_trials(successes, lower, upper):
    answers = pd.DataFrame({"code": [4] * successes + [1] * (10 - successes)})
    table = survey.satisfaction(answers, method="exact")
    assert table["lower"].iloc[0] == pytest.approx(lower, abs=5e-5)
    assert table["upper"].iloc[0] == pytest.approx(upper, abs=5e-5)
    assert table.attrs["method_label"] == "Clopper–Pearson 精确区间"


def test_interval_is_empty_when_there_are_no_valid_answers():
    lower, upper = survey.wilson_interval(np.array([0]), np.array([0]))
    assert np.isnan(lower[0]) and np.isnan(upper[0])
    lower, upper = survey.exact_interval(np.array([0]), np.array([0]))
    assert np.isnan(lower[0]) and np.isnan(upper[0])


@pytest.mark.parametrize(
    "kwargs", [{"method": "bayes"}, {"confidence": 1.2}, {"satisfied_levels": ()}]
)
def test_satisfaction_refuses_bad_parameters(validated, kwargs):
    with pytest.raises(ParameterError):
        survey.satisfaction(validated.answers, **kwargs)


def test_weighted_index_uses_the_given_weights(validated):
    # 100+80+100 + 80+80 + 60 + 20 + 60+40 = 620 over 9 answers.
    overall = survey.weighted_index(validated.answers)
    assert overall["index"].iloc[0] == pytest.approx(620 / 9)
    flat = survey.weighted_index(
        validated.answers, {5: 1, 4: 1, 3: 0, 2: 0, 1: 0}, by="group"
    ).set_index("group")
    assert flat.loc["居民", "index"] == 1.0
    assert flat.loc["社区工作者", "index"] == 0.0


def test_weighted_index_refuses_weights_missing_a_code(validated):
    with pytest.raises(ParameterError, match=r"\[1\]"):
        survey.weighted_index(validated.answers, {5: 100, 4: 80, 3: 60, 2: 40})


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, 385),  # 1.96² × 0.25 / 0.05² = 384.15
        ({"population": 52_000}, 382),  # 384.15 / (1 + 383.15 / 52000) = 381.34
        ({"population": 260}, 156),  # 384.15 / (1 + 383.15 / 260) = 155.30
        ({"margin": 0.03}, 1068),  # 1067.07
        ({"confidence": 0.90}, 271),  # 1.6449² × 0.25 / 0.0025 = 270.55
        ({"p": 0.9}, 139),  # 3.8415 × 0.09 / 0.0025 = 138.29
    ],
)
def test_sample_size_with_finite_population_correction(kwargs, expected):
    assert survey.sample_size(**kwargs) == expected


@pytest.mark.parametrize("kwargs", [{"margin": 0}, {"confidence": 1}, {"p": 1}, {"population": 0}])
def test_sample_size_refuses_impossible_parameters(kwargs):
    with pytest.raises(ParameterError):
        survey.sample_size(**kwargs)


def plan_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group": ["居民", "社区工作者", "社会组织"],
            "population": [52_000, 260, 150],
            "planned": [385, 100, 60],
        }
    )


def test_coverage_states_plainly_when_the_resident_sample_is_too_small():
    ids = [f"J{i}" for i in range(300)] + ["J0", "J1"]  # two duplicates must not count
    responses = pd.DataFrame({"respondent_id": ids, "group": "居民"})
    others = pd.DataFrame({"respondent_id": [f"S{i}" for i in range(120)], "group": "社会组织"})
    table = survey.response_coverage(pd.concat([responses, others]), plan_frame()).set_index(
        "group"
    )
    residents = table.loc["居民"]
    assert (residents["achieved"], residents["required"]) == (300, 382)
    # 1.96 × √(0.25/300 × 51700/51999) = 0.05642
    assert residents["achieved_margin"] == pytest.approx(0.05642, abs=5e-5)
    assert residents["completion"] == pytest.approx(300 / 385)
    assert (
        residents["statement"]
        == "居民样本 300 份，少于 ±5% 误差所需的 382 份，实际误差约 ±5.6%：样本不足，结论代表性有限"
    )
    # 120 of 150 ≥ 109 required: 1.96 × √(0.25/120 × 30/149) = 0.0401
    assert bool(table.loc["社会组织", "sufficient"])
    assert (
        table.loc["社会组织", "statement"]
        == "社会组织样本 120 份，达到 ±5% 误差所需的 109 份，实际误差约 ±4.0%"
    )
    assert table.loc["社区工作者", "achieved"] == 0
    assert "未取得样本" in table.loc["社区工作者", "statement"]
    assert "计划样本量 100 份本身也低于所需" in table.loc["社区工作者", "statement"]


def test_coverage_lists_a_group_missing_from_the_plan():
    responses = pd.DataFrame({"respondent_id": ["X1"], "group": ["志愿者"]})
    table = survey.response_coverage(responses, plan_frame()).set_index("group")
    assert "抽样计划未列此类受访者" in table.loc["志愿者", "statement"]
    assert list(table.index[:3]) == ["居民", "社区工作者", "社会组织"]


def wilson_by_hand(x: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5
    return centre - half, centre + half


def test_reading_states_the_overall_rate_with_its_interval_and_method(validated):
    text = survey.results_reading(validated.answers, plan_frame())
    lower, upper = wilson_by_hand(5, 9)  # 0.2667, 0.8113
    assert (
        f"全部 9 个有效答案中，“非常满意”或“满意” 5 个，满意率 **55.6%**，95% 置信区间 {lower:.1%}–{upper:.1%}（Wilson 得分区间）"
        in text
    )
    assert "每份问卷最多 3 个" in text
    exact = survey.results_reading(validated.answers, plan_frame(), method="exact", confidence=0.9)
    assert "90% 置信区间" in exact and "（Clopper–Pearson 精确区间）" in exact


def test_reading_gives_each_group_and_the_groups_short_of_plan_and_margin(validated):
    text = survey.results_reading(validated.answers, plan_frame())
    assert "- 居民：满意率 100.0%" in text and "有效答案 5 个，问卷 2 份）" in text
    assert "- 社区工作者：满意率 0.0%" in text
    # Achieved 2 / 2 / 1 questionnaires against 385 / 100 / 60 planned and 382 / 156 / 109 required.
    assert (
        "未达到计划样本量：居民（实际 2 份 / 计划 385 份，完成 0.5%）、社区工作者（实际 2 份 / 计划 100 份，完成 2.0%）、社会组织（实际 1 份 / 计划 60 份，完成 1.7%）。"
        in text
    )
    assert (
        "未达到 ±5% 误差所需样本量：居民（实际 2 份，所需 382 份" in text
        and "社会组织（实际 1 份，所需 109 份" in text
    )
    assert (
        "居民、社区工作者、社会组织的样本未达到 ±5% 误差所需的样本量，满意度结论的代表性有限"
        in text
    )


def test_reading_flags_communities_wider_than_the_margin_and_reads_the_indicator(validated):
    text = survey.results_reading(validated.answers, plan_frame())
    # 浏河社区 3 of 4, 沿河社区 2 of 5: both intervals far wider than ±5%, neither wholly below 55.6%.
    assert (
        "2 个社区的满意率在 40.0%（沿河社区）至 75.0%（浏河社区）之间，每个社区有效答案 4–5 个"
        in text
    )
    assert "区间半宽超过 ±5% 的社区 2 个（沿河社区、浏河社区）" in text
    assert "没有社区的满意率区间整体低于总体满意率" in text
    lower, upper = wilson_by_hand(5, 9)
    assert "以总体满意率 55.6%（`satisfaction_rate`）为“社会公众或服务对象满意度”指标计分" in text
    assert f"真实满意率大致在 {lower:.1%}–{upper:.1%} 之间" in text
    # Weighted by population: (52000 × 5/5 + 260 × 0/3 + 150 × 0/1) / 52410 = 99.2%, 43.7 points above 5/9.
    assert "若按各类受访者的总体数量加权，满意率为 99.2%（相差 43.7 个百分点）" in text


def test_reading_names_a_group_and_a_community_clearly_below_the_overall_rate():
    answers = pd.DataFrame(
        {
            "respondent_id": [f"R{i}" for i in range(200)],
            "group": ["居民"] * 100 + ["社会组织"] * 100,
            "community": ["浏河社区"] * 100 + ["沿河社区"] * 100,
            "code": [5] * 90 + [2] * 10 + [4] * 10 + [1] * 90,  # 90/100 and 10/100: overall 50%
        }
    )
    plan = pd.DataFrame(
        {"group": ["居民", "社会组织"], "population": [100, 100], "planned": [100, 100]}
    )
    text = survey.results_reading(answers, plan)
    assert "社会组织的满意率区间上限低于总体满意率 50.0%" in text
    assert "满意率区间整体低于总体满意率的社区：沿河社区" in text
    # Every questionnaire of a population of 100 was obtained: plan and margin are both met.
    assert (
        "各类受访者均达到计划样本量" in text
        and "各类受访者的样本均达到 ±5% 误差所需的样本量" in text
    )
    assert "代表性有限" not in text


def test_reading_refuses_a_survey_without_valid_answers(validated):
    with pytest.raises(InputError, match="没有有效答案"):
        survey.results_reading(validated.answers.iloc[0:0], plan_frame())


def interviews_frame() -> pd.DataFrame:
    rows = [
        ("I1", "浏河社区", "A", "满意", "服务站环境好"),
        ("I1", "浏河社区", "B", "是", None),
        ("I2", "浏河社区", "A", "不满意", "活动少"),
        ("I2", "浏河社区", "B", "否", None),
        ("I3", "沿河社区", "A", "满意", ""),
        ("I3", "沿河社区", "B", "是", None),
        ("I4", "沿河社区", "A", "基本满意", None),
        ("I4", "沿河社区", "B", "是", None),
    ]
    frame = pd.DataFrame(
        rows, columns=["interview_id", "community", "question_id", "answer_code", "note"]
    )
    frame["question"] = frame["question_id"].map({"A": "您对项目是否满意", "B": "是否知晓服务站"})
    frame["interview_date"] = pd.Timestamp("2019-09-10")
    frame["group"] = "居民"
    frame["name"] = "张**"
    frame["phone"] = "138****5678"
    frame["person_key"] = frame["interview_id"].map(lambda i: f"P-{i}")
    return frame


def test_interview_answers_are_counted_by_question_and_community():
    result = survey.summarise_interviews(interviews_frame())
    a = result.by_question[result.by_question["question_id"] == "A"]
    assert list(zip(a["answer_code"], a["n"], a["share"], strict=True)) == [
        ("满意", 2, 0.5),
        ("基本满意", 1, 0.25),
        ("不满意", 1, 0.25),
    ]
    b = result.by_question[result.by_question["question_id"] == "B"].set_index("answer_code")
    assert b["n"].to_dict() == {"是": 3, "否": 1}
    cell = result.by_community.set_index(["question_id", "community", "answer_code"])
    assert cell.loc[("A", "沿河社区", "基本满意"), "share"] == 0.5
    assert cell.loc[("B", "浏河社区", "否"), "n"] == 1
    assert result.interviews == 4


def test_interview_notes_are_kept_with_the_pseudonym_and_without_names():
    notes = survey.summarise_interviews(interviews_frame()).notes
    assert notes["note"].tolist() == ["服务站环境好", "活动少"]
    assert notes["person_key"].tolist() == ["P-I1", "P-I2"]
    assert not {"name", "phone"} & set(notes.columns)


def test_interview_counts_by_community_read_as_one_row_per_community():
    table = survey.summarise_interviews(interviews_frame()).community_table()
    # 浏河社区: I1 (A 满意, B 是), I2 (A 不满意, B 否); 沿河社区: I3 (满意, 是), I4 (基本满意, 是).
    assert table.columns.tolist() == ["社区", "A 满意", "A 基本满意", "A 不满意", "B 是", "B 否"]
    assert table.set_index("社区").loc["浏河社区"].tolist() == [1, 0, 1, 1, 1]
    assert table.set_index("社区").loc["沿河社区"].tolist() == [1, 1, 0, 2, 0]


def test_interview_notes_of_an_unmasked_log_still_carry_no_name_or_phone():
    raw = interviews_frame().assign(name="李小红", phone="13912345678")
    raw.loc[0, "note"] = "李小红说服务好，回电 139-1234-5678"
    notes = survey.summarise_interviews(raw).notes
    assert notes["note"].iloc[0] == "李**说服务好，回电 139****5678"
    assert notes["question"].iloc[0] == "您对项目是否满意"
    assert privacy.find_personal_data(notes, names=["李小红"]) == []


def test_metrics_give_the_overall_rate_per_group_rates_and_index(validated):
    metrics = {m.metric: m for m in survey.satisfaction_metrics(validated.answers)}
    rate = metrics["satisfaction_rate"]
    assert rate.value == pytest.approx(5 / 9)
    assert rate.label == "社会公众或服务对象满意度"
    assert rate.source == "survey"
    assert "有效答案 9 个" in rate.evidence and "Wilson" in rate.evidence and "Q3" in rate.evidence
    assert metrics["satisfaction_rate_residents"].value == 1.0
    assert metrics["satisfaction_rate_workers"].value == 0.0
    assert metrics["satisfaction_rate_organisations"].value == 0.0
    assert metrics["satisfaction_index"].value == pytest.approx(620 / 9)


def test_likert_chart_data_centres_the_neutral_share_on_zero():
    # Codes 1, 2, 3, 3, 4, 5, 5, 5: left of zero 1/8 + 1/8 + half of 2/8 = 3/8.
    answers = pd.DataFrame({"item_id": "Q1", "item": "题目一", "code": [1, 2, 3, 3, 4, 5, 5, 5]})
    data = survey.likert_chart_data(answers)
    assert data["level"].tolist() == ["非常不满意", "不满意", "一般", "满意", "非常满意"]
    assert data["n"].tolist() == [1, 1, 2, 1, 3]
    assert data["start"].tolist() == pytest.approx([-0.375, -0.25, -0.125, 0.125, 0.25])
    assert data["end"].tolist() == pytest.approx([-0.25, -0.125, 0.125, 0.25, 0.625])
    assert data["item"].iloc[0] == "题目一"


@pytest.mark.parametrize(
    ("text", "reverse", "label"),
    [
        (
            "到社区公共服务站办事仍需多次往返、手续繁琐（1=非常不同意，5=非常同意）",
            True,
            "到社区公共服务站办事仍需多次往返、手续繁琐（反向题，已转换）",
        ),
        ("办事是否不便(反向题)", True, "办事是否不便（反向题，已转换）"),
        ("活动时有时无 (1：完全不同意，5：完全同意)", True, "活动时有时无（反向题，已转换）"),
        (
            "您对社工服务的满意程度（1=非常不满意，5=非常满意）",
            False,
            "您对社工服务的满意程度（1=非常不满意，5=非常满意）",
        ),
        (
            "您对社区社会工作室（社工）提供的专业服务的满意程度",
            False,
            "您对社区社会工作室（社工）提供的专业服务的满意程度",
        ),
    ],
)
def test_reverse_items_are_labelled_as_recoded_without_their_misleading_scale_hint(
    text, reverse, label
):
    assert survey.item_label(text, reverse) == label


def test_likert_chart_of_the_2017_case_labels_the_reverse_item_as_recoded():
    from jixiao import loading
    from jixiao.survey import charts as survey_charts

    loaded = loading.load_survey(CASE_FILE)
    result = survey.validate_responses(
        privacy.mask_personal_data(loaded["survey"].data, salt="s"), loaded["survey_items"].data
    )
    data = survey.likert_chart_data(result.answers)
    q6 = data.loc[data["item_id"] == "Q6"]
    assert set(q6["label"]) == {"到社区公共服务站办事仍需多次往返、手续繁琐（反向题，已转换）"}
    assert set(q6["item"]) == {
        "到社区公共服务站办事仍需多次往返、手续繁琐（1=非常不同意，5=非常同意）"
    }  # the question as asked
    labels = [t.get_text() for t in survey_charts.plot_likert(data).axes[0].get_yticklabels()]
    assert "到社区公共服务站办事仍需多次往返、手续繁琐（反向题，已转换）" in labels
    assert not any("非常同意" in text for text in labels)
    # Recoded bars: 非常满意 on Q6 counts the answers 1 = 非常不同意 with the complaint.
    raw_ones = int((result.answers.loc[result.answers["item_id"] == "Q6", "raw_code"] == 1).sum())
    assert int(q6.loc[q6["level"] == "非常满意", "n"].iloc[0]) == raw_ones


def test_community_chart_data_orders_by_rate_and_carries_the_overall_rate(validated):
    data = survey.community_chart_data(validated.answers)
    # 浏河社区: 5 4 5 3 → 3/4; 沿河社区: 4 4 1 3 2 → 2/5.
    assert data["community"].tolist() == ["沿河社区", "浏河社区"]
    assert data["rate"].tolist() == pytest.approx([0.4, 0.75])
    assert data["overall_rate"].iloc[0] == pytest.approx(5 / 9)


def test_charts_draw_one_bar_segment_per_item_and_level(validated):
    from jixiao.survey import charts as survey_charts

    fig = survey_charts.plot_likert(survey.likert_chart_data(validated.answers))
    ax = fig.axes[0]
    assert len(ax.patches) == 3 * 5
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "办事是否不便（反向题，已转换）",
        "对社工服务是否满意",
        "对服务站设施是否满意",
    ]
    fig = survey_charts.plot_satisfaction_by_community(
        survey.community_chart_data(validated.answers)
    )
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["沿河社区", "浏河社区"]


CASE_FILE = paths.raw_dir(2017) / "问卷调查_2017.xlsx"


def test_2017_case_overall_satisfaction_is_about_93_percent():
    from jixiao import loading

    loaded = loading.load_survey(CASE_FILE)
    responses = privacy.mask_personal_data(loaded["survey"].data, salt="test")
    result = survey.validate_responses(responses, loaded["survey_items"].data)
    counts = result.counts
    whole_rows = (
        counts["rows_duplicate"] + counts["rows_same_person"]
    )  # one reject row each, their cells under duplicate_cells
    assert (
        counts["cells_read"]
        == counts["valid"]
        + len(result.rejects)
        - whole_rows
        + counts["duplicate_cells"]
        + counts["not_applicable"]
    )
    assert set(result.rejects["reason"]) >= {"空白", "超出量表", "无法识别", "重复问卷编号"}
    overall = survey.satisfaction(result.answers)
    # The committed case file: 3,178 of 3,418 valid answers are 非常满意 or 满意 (92.98%).
    assert (overall["n_satisfied"].iloc[0], overall["n_valid"].iloc[0]) == (3178, 3418)
    assert 0.91 < overall["rate"].iloc[0] < 0.95
    coverage = survey.response_coverage(result.answers, loaded["survey_plan"].data).set_index(
        "group"
    )
    assert not coverage.loc["居民", "sufficient"]


def test_workbook_through_loader_masking_and_validation(tmp_path):
    from jixiao import loading

    path = tmp_path / "问卷调查_2099.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame(
            {
                "问卷编号": ["R1", "R2", "R2"],
                "受访者类别": ["居民", "社区工作者", "居民"],
                "社区": ["浏河社区"] * 3,
                "姓名": ["张三", "李四", "王五"],
                "联系电话": ["13812345678", "13912345678", "13712345678"],
                "Q1": ["满意", 4, 6],
                "Q2": ["非常满意", "满意吧", None],
            }
        ).to_excel(writer, sheet_name="问卷数据", index=False)
        pd.DataFrame({"题号": ["Q1", "Q2"], "题目": ["甲", "乙"], "反向题": ["否", "是"]}).to_excel(
            writer, sheet_name="题目", index=False
        )
        pd.DataFrame({"受访者类别": ["居民"], "总体数量": [52000], "计划样本量": [385]}).to_excel(
            writer, sheet_name="抽样计划", index=False
        )
    loaded = loading.load_survey(path)
    masked = privacy.mask_personal_data(loaded["survey"].data, salt="s")
    result = survey.validate_responses(masked, loaded["survey_items"].data)
    # R1: 满意 4, 非常满意 reversed → 1; R2: 4 valid, 满意吧 rejected; second R2 (row 4) rejected whole.
    assert result.answers["code"].tolist() == [4, 1, 4]
    assert list(
        zip(result.rejects["row"], result.rejects["column"], result.rejects["reason"], strict=True)
    ) == [
        (3, "Q2", "无法识别"),
        (4, "问卷编号", "重复问卷编号"),
    ]
    assert privacy.find_personal_data(result.answers, names=["张三", "李四", "王五"]) == []


def test_metrics_refuse_a_survey_without_valid_answers(validated):
    with pytest.raises(InputError, match="没有有效答案"):
        survey.satisfaction_metrics(validated.answers.iloc[0:0])


def test_reading_names_the_projects_places_and_escapes_their_names(validated):
    answers = validated.answers.assign(
        community=validated.answers["community"]
        .astype(str)
        .str.replace(r"^.*$", "[甲镇](javascript:alert(1))", regex=True, n=1)
    )
    text = survey.results_reading(answers, plan_frame(), place="乡镇")
    assert "**各乡镇。**" in text and "个乡镇的满意率" in text and "社区的满意率" not in text
    import mistune

    rendered = mistune.html(text)
    assert "<a " not in rendered and "href" not in rendered
    assert "[甲镇](javascript:alert(1))" in html.unescape(rendered)  # shown as typed
