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
