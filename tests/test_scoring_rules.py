"""Each rule type scores by hand-worked values; grade bands follow 财预〔2020〕10号."""

from decimal import Decimal

import pytest

from jixiao.errors import ParameterError
from jixiao.scoring import grade
from jixiao.scoring.rules import Finding, MetricValue, RuleError, build_rule, parse_parameters

D = Decimal


def run(rule_type, params, weight, *, value=None, metric="x_rate", conclusion="", findings=()):
    rule = build_rule(rule_type, params, D(weight), conclusion)
    metrics = {} if value is None else {metric: MetricValue(metric, D(str(value)), label="测试率")}
    register = {f: Finding(f, f"问题{f}") for f in findings}
    return rule.evaluate(D(weight), metrics, register)


# --- parameter syntax -------------------------------------------------------------------------


def test_parameters_accept_full_width_punctuation_and_percent():
    params = parse_parameters("指标＝fund_timely_rate；目标＝100％； 每档=5%")
    assert params == {"指标": "fund_timely_rate", "目标": "100%", "每档": "5%"}


def test_parameter_without_equals_sign_is_named():
    with pytest.raises(RuleError, match="「目标100%」不是「键=值」"):
        parse_parameters("指标=x_rate; 目标100%")


def test_parameter_written_twice_is_an_error():
    with pytest.raises(RuleError, match="参数「目标」写了两次"):
        parse_parameters("目标=1; 目标=2")


def test_unknown_parameter_key_lists_the_allowed_keys():
    with pytest.raises(RuleError, match="不认识参数「门槛」.*指标、目标、取整"):
        build_rule("比例计分", "指标=x_rate; 门槛=1", D(5))


def test_non_numeric_parameter_names_the_parameter():
    with pytest.raises(RuleError, match="参数「每档」的值「五」不是数字"):
        build_rule("线性扣分", "指标=x_rate; 目标=1; 每档=五; 每档扣分=1", D(5))


def test_unknown_rule_type_lists_the_seven_types():
    with pytest.raises(RuleError, match="不认识的规则类型「比例记分」.*比例计分、分档计分") as info:
        build_rule("比例记分", "指标=x_rate", D(5))
    assert info.value.column == "规则类型"


# --- proportional -----------------------------------------------------------------------------


def test_proportional_scores_weight_times_actual_over_target():
    assert run("比例计分", "指标=x_rate; 目标=100%", 10, value=0.95).score == D("9.5")
    assert run("比例计分", "指标=x_rate; 目标=80%", 10, value=0.6).score == D("7.5")  # 10 × 0.6/0.8


def test_proportional_is_capped_at_the_weight():
    outcome = run("比例计分", "指标=x_rate; 目标=1", 10, value=1.2)
    assert outcome.score == D(10)
    assert outcome.reasons == ()


def test_proportional_rounds_half_up_to_the_quantum():
    # 5 × 0.333 = 1.665 → 1.67 at 0.01; → 1.5 at half points (1.665 / 0.5 = 3.33 → 3).
    assert run("比例计分", "指标=x_rate", 5, value=0.333).score == D("1.67")
    assert run("比例计分", "指标=x_rate; 取整=0.5", 5, value=0.333).score == D("1.5")


def test_proportional_reason_cites_the_metric_value_and_the_deduction():
    outcome = run("比例计分", "指标=x_rate", 10, value=0.95)
    assert outcome.reasons == ("测试率为95%（目标100%），按比例得9.5分，扣0.5分。",)


# --- banded -----------------------------------------------------------------------------------

BANDS = "指标=x_rate; 分档=90%:12, 85%:10, 80%:8, 70%:6, 0:3"


@pytest.mark.parametrize(
    ("value", "points"),
    [
        (0.93, "12"),
        (0.90, "12"),
        (0.8999, "10"),
        (0.85, "10"),
        (0.88, "10"),
        (0.80, "8"),
        (0.75, "6"),
        (0.5, "3"),
    ],
)
def test_banded_gives_the_points_of_the_highest_band_reached(value, points):
    assert run("分档计分", BANDS, 12, value=value).score == D(points)


def test_banded_value_below_every_threshold_scores_zero():
    outcome = run("分档计分", "指标=x_rate; 分档=90%:12, 70%:6", 12, value=0.6)
    assert outcome.score == D(0)
    assert "低于最低档70%" in outcome.reasons[0]


def test_banded_points_above_the_weight_are_rejected():
    with pytest.raises(RuleError, match="门槛0.9对应15分，超出 0–12 分"):
        build_rule("分档计分", "指标=x_rate; 分档=90%:15, 0:3", D(12))


# --- linear deduction -------------------------------------------------------------------------

TIMELY = "指标=x_rate; 目标=100%; 每档=5%; 每档扣分=1; 不足一档=按一档"


@pytest.mark.parametrize(
    ("value", "points"),
    [
        (1.0, "5"),
        (0.95, "4"),  # exactly one step: no float artefact turns 0.05/0.05 into 2 steps
        (0.925, "3"),  # 7.5 points short → 2 steps
        (0.865, "2"),  # 13.5 points short → 3 steps
        (0.70, "0"),  # 6 steps = 6 points > 5 → 扣完为止
    ],
)
def test_linear_deduction_counts_a_partial_step_as_a_full_step(value, points):
    assert run("线性扣分", TIMELY, 5, value=value).score == D(points)


def test_linear_deduction_partial_step_options():
    floor = "指标=x_rate; 目标=100%; 每档=5%; 每档扣分=1; 不足一档=不扣"
    proportional = "指标=x_rate; 目标=100%; 每档=5%; 每档扣分=1; 不足一档=按比例"
    assert run("线性扣分", floor, 5, value=0.865).score == D(3)  # 2 whole steps
    assert run("线性扣分", proportional, 5, value=0.865).score == D("2.3")  # 2.7 steps


def test_linear_deduction_on_a_count_that_should_stay_at_zero():
    units = "指标=x_units; 目标=0; 每档=1; 每档扣分=0.5; 方向=不高于目标; 单位=个"
    outcome = run("线性扣分", units, 4, value=3, metric="x_units")
    assert outcome.score == D("2.5")
    assert "为3个，比目标0个高3个，每1个扣0.5分" in outcome.reasons[0]
    assert run("线性扣分", units, 4, value=9, metric="x_units").score == D(0)


def test_linear_deduction_reason_states_gap_steps_and_points():
    outcome = run("线性扣分", TIMELY, 5, value=0.865)
    assert outcome.reasons == (
        "测试率为86.5%，比目标100%低13.5个百分点，每5个百分点扣1分（不足一档按一档），计3档，扣3分，得2分。",
    )


def test_linear_deduction_rejects_an_unknown_partial_step_option():
    with pytest.raises(RuleError, match="「不足一档」的值「四舍五入」无效"):
        build_rule("线性扣分", "指标=x_rate; 目标=1; 每档=5%; 每档扣分=1; 不足一档=四舍五入", D(5))


# --- checkpoints ------------------------------------------------------------------------------

ITEMS = "要素=①立项依据充分, ②申报程序规范, ③资料齐全, ④集体决策"


def test_checkpoints_each_worth_an_equal_share():
    outcome = run("要素计分", ITEMS, 4, conclusion="①②④")
    assert outcome.score == D(3)
    assert outcome.reasons == ("未满足要素：③资料齐全，扣1分。",)
    assert run("要素计分", ITEMS, 10, conclusion="①②③④").score == D(10)


def test_checkpoints_with_explicit_points_and_none_met():
    params = "要素=①验收、②评估、③档案; 要素分值=1、1、2"
    assert run("要素计分", params, 4, conclusion="①③").score == D(3)
    assert run("要素计分", params, 4, conclusion="无").score == D(0)


def test_checkpoint_points_must_add_up_to_the_weight():
    with pytest.raises(RuleError, match="要素分值」合计3分，应等于分值4分"):
        build_rule("要素计分", "要素=①a, ②b; 要素分值=1, 2", D(4), "①")


def test_checkpoint_conclusion_naming_an_unknown_element_is_an_error():
    with pytest.raises(RuleError, match="要素⑤不在参数「要素」中") as info:
        build_rule("要素计分", ITEMS, D(4), "①⑤")
    assert info.value.column == "评价结论"


# --- graded -----------------------------------------------------------------------------------


def test_graded_default_levels_give_100_60_0_percent():
    assert run("等级评定", "", 5, conclusion="健全").score == D(5)
    assert run("等级评定", "", 5, conclusion="基本健全").score == D(3)
    assert run("等级评定", "", 5, conclusion="不健全").score == D(0)


def test_graded_with_custom_levels():
    params = "等级=合理:100%, 基本合理:50%, 不合理:0"
    assert run("等级评定", params, 3, conclusion="基本合理").score == D("1.5")


def test_graded_conclusion_outside_the_levels_is_an_error():
    with pytest.raises(
        RuleError, match="「评价结论」为「较健全」，应为以下等级之一：健全、基本健全、不健全"
    ):
        build_rule("等级评定", "", D(5), "较健全")


# --- deduction list ---------------------------------------------------------------------------

LIST = "扣分=OBS-04:1, OBS-05:0.5, OBS-06:0.5"


def test_deduction_list_deducts_only_for_findings_in_the_register():
    outcome = run("问题扣分", LIST, 8, findings=("OBS-04", "OBS-05"))
    assert outcome.score == D("6.5")
    assert outcome.findings == ("OBS-04", "OBS-05")
    assert outcome.reasons == ("OBS-04「问题OBS-04」扣1分。", "OBS-05「问题OBS-05」扣0.5分。")
    assert outcome.notes == ("问题 OBS-06 不在问题清单中，未扣分。",)


def test_deduction_list_stops_at_zero():
    outcome = run("问题扣分", "扣分=F1:2, F2:2", 3, findings=("F1", "F2"))
    assert outcome.score == D(0)
    assert "合计应扣4分，超过分值，扣完为止" in outcome.reasons[-1]


def test_deduction_list_with_none_listed_scores_full():
    assert run("问题扣分", "扣分=无", 8, findings=("OBS-04",)).score == D(8)


def test_deduction_list_pattern_deducts_for_every_finding_of_a_rule():
    register = ("SCP-01-团结社区", "SCP-03-杨湾社区", "SEP-04-金桥社区", "OBS-04")
    outcome = run("问题扣分", "扣分=SCP-*:0.5, SEP-04-金桥社区:1", 4, findings=register)
    assert outcome.score == D("2")  # 4 − 0.5 − 0.5 − 1
    assert outcome.findings == ("SCP-01-团结社区", "SCP-03-杨湾社区", "SEP-04-金桥社区")


def test_deduction_list_pattern_with_no_match_costs_nothing_and_says_so():
    outcome = run("问题扣分", "扣分=GL-*:0.5", 4, findings=("OBS-04",))
    assert outcome.score == D(4) and outcome.notes == (
        "编号以 GL- 开头的问题不在问题清单中，未扣分。",
    )


def test_a_finding_named_by_id_and_by_pattern_is_deducted_once():
    outcome = run(
        "问题扣分",
        "扣分=SCP-01-团结社区:1, SCP-*:0.5",
        4,
        findings=("SCP-01-团结社区", "SCP-02-金桥社区"),
    )
    assert outcome.score == D("2.5")  # 1 for the named finding, 0.5 for the other


# --- judgement --------------------------------------------------------------------------------


def test_judgement_takes_the_evaluators_score():
    outcome = run("专家评判", "", 4, conclusion="3")
    assert outcome.score == D(3)
    assert outcome.reasons == ("评价组评判得3分（满分4分），扣1分。",)


def test_judgement_above_the_weight_is_an_error():
    with pytest.raises(RuleError, match="得分4.5超出 0–4 分"):
        build_rule("专家评判", "", D(4), "4.5")


def test_judgement_not_on_the_quantum_is_an_error():
    with pytest.raises(RuleError, match="得分3.3不是0.5分的整数倍"):
        build_rule("专家评判", "取整=0.5", D(4), "3.3")


# --- grade ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0, "差"),
        (59.99, "差"),
        (60, "中"),
        (79.99, "中"),
        (80, "良"),
        (Decimal("86.5"), "良"),
        (89.99, "良"),
        (90, "优"),
        (Decimal("90.00"), "优"),
        (100, "优"),
    ],
)
def test_grade_bands_have_inclusive_lower_bounds(score, expected):
    assert grade(score) == expected


@pytest.mark.parametrize("score", [-0.01, 100.01, float("nan"), "良"])
def test_grade_outside_0_to_100_is_a_parameter_error(score):
    with pytest.raises(ParameterError, match="评分应为 0–100 之间的数"):
        grade(score)
