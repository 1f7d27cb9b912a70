"""The indicator workbook is validated on load; every error names the indicator, row and column."""

from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

from jixiao import paths
from jixiao.errors import InputError
from jixiao.scoring import (
    HEADERS,
    ScoringError,
    indicator_system_from_frame,
    load_indicator_system,
    score,
)

WORKBOOK_2017 = paths.raw_dir(2017) / "指标体系_2017.xlsx"


def row(
    code,
    name,
    weight,
    rule_type,
    params,
    *,
    level1="投入",
    level2="资金落实",
    conclusion="",
    rationale="",
    links="",
):
    return {
        "指标编码": code,
        "一级指标": level1,
        "二级指标": level2,
        "三级指标": name,
        "分值": weight,
        "规则类型": rule_type,
        "规则参数": params,
        "评价结论": conclusion,
        "评分理由": rationale,
        "关联问题": links,
    }


def small_system(**overrides):
    """Three indicators worth 50 + 30 + 20 = 100 (the last row can be replaced)."""
    rows = [
        row("A1", "资金到位率", 50, "比例计分", "指标=fund_arrival_rate"),
        row(
            "A2",
            "到位及时率",
            30,
            "线性扣分",
            "指标=fund_timely_rate; 目标=100%; 每档=5%; 每档扣分=1",
        ),
        row(
            "B1",
            "财务监控有效性",
            20,
            "专家评判",
            "",
            level1="过程",
            level2="财务管理",
            conclusion="15",
            rationale="监管不足",
        ),
    ]
    rows[-1].update(overrides)
    return pd.DataFrame(rows)


def test_frame_loads_into_a_tree_in_workbook_order():
    system = indicator_system_from_frame(small_system(), file="指标体系_2017.xlsx")
    assert [i.code for i in system.indicators] == ["A1", "A2", "B1"]
    assert system.dimensions == ("投入", "过程")
    assert system.total_weight == Decimal(100)
    assert system.year == 2017
    assert system.indicator("A2").row == 3  # header in row 1, first indicator in row 2


def test_weights_not_summing_to_100_are_an_error_with_the_subtotals():
    with pytest.raises(InputError, match=r"各指标分值合计99.5分，应为100分（投入 80，过程 19.5）"):
        indicator_system_from_frame(small_system(分值=19.5))


def test_weight_with_more_than_two_decimals_names_the_row():
    with pytest.raises(
        InputError,
        match=r"row 4, column 分值: 指标 B1「财务监控有效性」：分值「19.999」最多保留两位小数",
    ):
        indicator_system_from_frame(small_system(分值="19.999"), file="指标体系.xlsx")


def test_unknown_rule_type_names_code_name_row_and_column():
    with pytest.raises(InputError) as info:
        indicator_system_from_frame(small_system(规则类型="打分"), file="指标体系_2017.xlsx")
    message = str(info.value)
    assert message.startswith(
        "指标体系_2017.xlsx, sheet 指标体系, row 4, column 规则类型: 指标 B1「财务监控有效性」"
    )
    assert "不认识的规则类型「打分」" in message


def test_leaf_without_a_rule_is_an_error():
    with pytest.raises(
        InputError, match="row 4, column 规则类型: 指标 B1「财务监控有效性」：未填写规则类型"
    ):
        indicator_system_from_frame(small_system(规则类型=""))


def test_judgement_without_rationale_is_an_error():
    with pytest.raises(
        InputError, match="column 评分理由: 指标 B1「财务监控有效性」：专家评判必须填写评分理由"
    ):
        indicator_system_from_frame(small_system(评分理由=""))


def test_graded_below_full_without_rationale_is_an_error():
    with pytest.raises(InputError, match="等级评定的评价结论低于满分，必须填写评分理由"):
        indicator_system_from_frame(
            small_system(规则类型="等级评定", 规则参数="", 评价结论="基本健全", 评分理由="")
        )


def test_judged_score_above_the_weight_is_an_error():
    with pytest.raises(
        InputError,
        match="column 评价结论: 指标 B1「财务监控有效性」：「评价结论」中的得分25超出 0–20 分",
    ):
        indicator_system_from_frame(small_system(评价结论="25"))


def test_malformed_parameter_names_indicator_and_parameter():
    with pytest.raises(
        InputError, match="column 规则参数: 指标 B1「财务监控有效性」：线性扣分缺少参数「每档扣分」"
    ):
        indicator_system_from_frame(
            small_system(规则类型="线性扣分", 规则参数="指标=x_rate; 目标=1; 每档=5%")
        )


def test_duplicate_codes_and_several_problems_are_reported_together():
    frame = small_system(指标编码="A1", 评分理由="")
    with pytest.raises(InputError) as info:
        indicator_system_from_frame(frame)
    message = str(info.value)
    assert "指标编码与第2行重复" in message
    assert "另有1处问题" in message and "专家评判必须填写评分理由" in message
    assert len(info.value.problems) == 2


def test_missing_required_column_is_named():
    with pytest.raises(InputError, match="缺少列「规则参数」"):
        indicator_system_from_frame(small_system().drop(columns=["规则参数"]))


def test_blank_dimension_cells_from_merged_cells_carry_down():
    frame = small_system()
    frame.loc[1, ["一级指标", "二级指标"]] = ""
    system = indicator_system_from_frame(frame)
    assert (system.indicator("A2").level1, system.indicator("A2").level2) == ("投入", "资金落实")


def test_missing_metric_names_indicator_metric_row_and_producing_step():
    system = indicator_system_from_frame(small_system(), file="指标体系_2017.xlsx")
    with pytest.raises(ScoringError) as info:
        score(system, {"fund_arrival_rate": 1.0})
    message = str(info.value)
    assert "缺少1项指标数据" in message
    assert "row 3" in message
    assert "指标 A2「到位及时率」（第3行）需要指标数据 fund_timely_rate" in message
    assert "由合规性检查步骤（compliance）生成" in message


def test_without_strict_the_missing_metric_leaves_the_result_incomplete():
    system = indicator_system_from_frame(small_system())
    result = score(system, {"fund_arrival_rate": 1.0}, strict=False)
    assert not result.complete
    assert result.grade is None
    assert result.get("A2").score is None
    assert result.total == Decimal(65)  # 50 + 15 of the indicators that could be scored
    assert [m.metric for m in result.missing] == ["fund_timely_rate"]


def test_a_metric_no_step_produces_is_called_out_as_such():
    system = indicator_system_from_frame(
        small_system(规则类型="比例计分", 规则参数="指标=budget_rate", 评价结论="")
    )
    with pytest.raises(ScoringError, match="没有任何分析步骤生成该指标数据"):
        score(system, {"fund_arrival_rate": 1.0, "fund_timely_rate": 1.0})


def test_error_in_the_real_workbook_points_at_the_excel_row(tmp_path):
    wb = openpyxl.load_workbook(WORKBOOK_2017)
    ws = wb["指标体系"]
    headers = [c.value for c in ws[1]]
    rule_col = headers.index("规则类型") + 1
    code_col = headers.index("指标编码") + 1
    target = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, code_col).value == "D1.3")
    ws.cell(target, rule_col).value = "分档记分"
    broken = tmp_path / "指标体系_2017.xlsx"
    wb.save(broken)
    with pytest.raises(InputError) as info:
        load_indicator_system(broken)
    assert str(info.value).startswith(
        f"指标体系_2017.xlsx, sheet 指标体系, row {target}, column 规则类型: 指标 D1.3「社会公众或服务对象满意度」"
    )


def test_workbook_headers_are_the_documented_chinese_headers():
    wb = openpyxl.load_workbook(WORKBOOK_2017, read_only=True)
    assert wb.sheetnames == ["指标体系", "说明"]
    assert [c.value for c in next(wb["指标体系"].iter_rows(max_row=1))] == list(HEADERS)
    notes = "\n".join(str(r[1]) for r in wb["说明"].iter_rows(min_row=2, values_only=True))
    for rule_type in (
        "比例计分",
        "分档计分",
        "线性扣分",
        "要素计分",
        "等级评定",
        "问题扣分",
        "专家评判",
    ):
        assert rule_type in notes
    wb.close()
