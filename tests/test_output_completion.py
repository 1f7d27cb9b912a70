"""Output metrics: 实际完成率 caps each output at its plan; 及时率 / 达标率 count 是 among answered rows."""

import pandas as pd
import pytest

from jixiao.errors import InputError
from jixiao.metrics import Metric
from jixiao.output_completion import output_metrics


def outputs(planned, actual, on_time, quality):
    n = len(planned)
    return pd.DataFrame(
        {
            "output_id": [f"P{i + 1}" for i in range(n)],
            "indicator": [f"产出{i + 1}" for i in range(n)],
            "planned": planned,
            "actual": actual,
            "completed_on_time": pd.array(on_time, dtype="string"),
            "quality_passed": pd.array(quality, dtype="string"),
            "source_file": "产出完成情况_2017.xlsx",
            "source_sheet": "产出指标",
            "source_row": [i + 3 for i in range(n)],  # a title row and the header above
        }
    )


def by_name(metrics: list[Metric]) -> dict[str, Metric]:
    return {m.metric: m for m in metrics}


def test_completion_rate_is_the_mean_of_capped_ratios():
    # 10/10 = 1, 6/5 capped to 1, 2/4 = 0.5 → (1 + 1 + 0.5) / 3.
    metrics = by_name(
        output_metrics(outputs([10, 5, 4], [10, 6, 2], ["是", "是", "否"], ["是", "是", "是"]))
    )
    completion = metrics["output_completion_rate"]
    assert completion.value == pytest.approx(2.5 / 3)
    assert (completion.label, completion.source) == ("实际完成率", "outputs")
    assert "未达计划：产出3" in completion.evidence


def test_timely_and_quality_rates_count_only_answered_rows():
    metrics = by_name(
        output_metrics(
            outputs([1, 1, 1, 1], [1, 1, 1, 1], ["是", "否", "", None], ["是", "是", "是", "否"])
        )
    )
    assert metrics["output_timely_rate"].value == 0.5  # 1 是 of 2 answered
    assert metrics["output_quality_rate"].value == 0.75
    assert metrics["output_timely_rate"].evidence == "填写「按期完成」的2项产出指标中1项为「是」"


def test_all_outputs_met_give_rates_of_one():
    metrics = output_metrics(outputs([10, 1, 5, 25], [10, 1, 5, 25], ["是"] * 4, ["是"] * 4))
    assert [(m.metric, m.value) for m in metrics] == [
        ("output_completion_rate", 1.0),
        ("output_timely_rate", 1.0),
        ("output_quality_rate", 1.0),
    ]


def test_a_rate_nobody_answered_is_not_produced():
    metrics = by_name(output_metrics(outputs([1, 1], [1, 1], ["", ""], ["是", "是"])))
    assert "output_timely_rate" not in metrics
    assert metrics["output_quality_rate"].value == 1.0


def test_zero_plan_is_an_error_naming_the_row_and_column():
    with pytest.raises(InputError) as info:
        output_metrics(outputs([10, 0], [10, 3], ["是", "是"], ["是", "是"]))
    assert (
        str(info.value)
        == "产出完成情况_2017.xlsx, sheet 产出指标, row 4, column 计划数: 产出指标「产出2」：计划数应为大于 0 的数（共1行）"
    )


def test_answer_other_than_yes_or_no_is_an_error():
    with pytest.raises(
        InputError, match="row 3, column 质量达标: 产出指标「产出1」：应填「是」或「否」"
    ):
        output_metrics(outputs([1], [1], ["是"], ["合格"]))


def test_empty_outputs_table_is_an_error():
    with pytest.raises(InputError, match="产出表中没有产出指标"):
        output_metrics(outputs([], [], [], []))


def test_outputs_short_of_plan_and_far_above_a_low_target_become_flags_on_their_rows():
    from jixiao.output_completion import output_flags

    # 10/10 met; 3/5 short (60%); 40/10 is four times the plan: the target was probably too low.
    frame = outputs([10, 5, 10], [10, 3, 40], ["是"] * 3, ["是"] * 3).assign(measure_unit="个")
    flags = output_flags(frame, over_achievement_ratio=1.5)
    assert flags[["rule", "source_row"]].values.tolist() == [["OUT-02", 4], ["OUT-01", 5]]
    assert flags["reason"].tolist() == [
        "产出指标「产出2」计划5个，实际完成3个（60%），未完成计划。",
        "产出指标「产出3」计划10个，实际完成40个（400%），超过计划的1.5倍，应分析绩效目标是否设定偏低。",
    ]
    assert (flags["source_file"] == "产出完成情况_2017.xlsx").all()
    assert output_flags(frame, over_achievement_ratio=None)["rule"].tolist() == ["OUT-02"]
    metric = by_name(output_metrics(frame))["output_completion_rate"]
    assert "超额完成较多（目标可能偏低）：产出3" in metric.evidence


def test_all_outputs_met_within_range_give_no_flag():
    from jixiao.output_completion import output_flags

    frame = outputs([10, 5], [10, 6], ["是", "是"], ["是", "是"])
    assert output_flags(frame).empty


def test_cost_saving_rate_sums_the_outputs_that_state_both_costs():
    frame = outputs([1, 1, 1], [1, 1, 1], ["是"] * 3, ["是"] * 3).assign(
        planned_cost_fen=pd.array([100_000_00, 50_000_00, None], dtype="Int64"),
        actual_cost_fen=pd.array([90_000_00, 55_000_00, 10_000_00], dtype="Int64"),
    )
    cost = by_name(output_metrics(frame))["cost_saving_rate"]
    # (150,000 - 145,000) / 150,000; the third output states no plan and is left out.
    assert cost.value == pytest.approx(5_000 / 150_000)
    assert cost.evidence.startswith(
        "2项产出填写了计划成本和实际成本：计划150,000.00元，实际145,000.00元"
    )


def test_no_cost_columns_or_no_complete_pair_gives_no_cost_metric():
    frame = outputs([1], [1], ["是"], ["是"])
    assert "cost_saving_rate" not in by_name(output_metrics(frame))
    half = frame.assign(
        planned_cost_fen=pd.array([100], dtype="Int64"),
        actual_cost_fen=pd.array([None], dtype="Int64"),
    )
    assert "cost_saving_rate" not in by_name(output_metrics(half))


def test_a_zero_planned_cost_is_refused_naming_the_row():
    frame = outputs([1], [1], ["是"], ["是"]).assign(
        planned_cost_fen=pd.array([0], dtype="Int64"), actual_cost_fen=pd.array([5], dtype="Int64")
    )
    with pytest.raises(InputError, match=r"row 3, column 计划成本（元）"):
        output_metrics(frame)
