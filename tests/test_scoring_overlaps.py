"""A finding deducted under more than one indicator is flagged as a possible 重复扣分 in the
scoring notes (score.json, 评分表), unless the workbook's 共用问题扣分 marks the indicators as
deliberately sharing it; the score itself never changes."""

import pandas as pd
import pytest

from jixiao.errors import InputError
from jixiao.scoring import indicator_system_from_frame, score, score_to_json, scoring_table


def _row(code, name, weight, params, *, links="", shared=None, rule="问题扣分", **extra):
    record = {
        "指标编码": code,
        "一级指标": "过程",
        "二级指标": "财务管理",
        "三级指标": name,
        "分值": weight,
        "规则类型": rule,
        "规则参数": params,
        "关联问题": links,
    }
    if shared is not None:
        record["共用问题扣分"] = shared
    record.update(extra)
    return record


def _system(shared_a=None, shared_b=None):
    """A and B both deduct for F-1; C deducts for F-2 only; D is judged, full marks."""
    return indicator_system_from_frame(
        pd.DataFrame(
            [
                _row("A", "资金使用合规性", 40, "扣分=F-1:1", shared=shared_a),
                _row("B", "财务监控有效性", 30, "扣分=F-1:2", shared=shared_b),
                _row("C", "制度执行有效性", 20, "扣分=F-2:1"),
                _row(
                    "D",
                    "管理制度健全性",
                    10,
                    "",
                    rule="专家评判",
                    评价结论="10",
                    评分理由="制度健全",
                ),
            ]
        )
    )


REGISTER = pd.DataFrame(
    {
        "finding_id": ["F-1", "F-2"],
        "problem_no": [3, 3],
        "title": ["专项资金未单独核算", "凭证缺少审批"],
    }
)


def test_a_finding_deducted_under_two_indicators_is_noted_on_both_and_nowhere_else():
    result = score(_system(), {}, REGISTER)
    assert result.total == 100 - 1 - 2 - 1  # flagged, not changed
    [overlap] = result.double_deductions
    assert (overlap.finding_ids, overlap.codes) == (("F-1",), ("A", "B"))
    notes = {s.indicator.code: s.overlaps for s in result.indicators}
    assert "F-1" in notes["A"][0] and "B「财务监控有效性」" in notes["A"][0]
    assert "A「资金使用合规性」" in notes["B"][0]
    assert notes["C"] == notes["D"] == ()


def test_score_json_and_the_scoring_table_carry_the_note():
    result = score(_system(), {}, REGISTER)
    content = score_to_json(result, 2017)
    by_code = {i["code"]: i for i in content["indicators"]}
    assert any(n.startswith("可能的重复扣分") for n in by_code["A"]["notes"])
    assert not any(n.startswith("可能的重复扣分") for n in by_code["C"]["notes"])
    assert content["double_deductions"] == [
        {
            "finding_ids": ["F-1"],
            "indicators": ["A", "B"],
            "names": ["资金使用合规性", "财务监控有效性"],
        }
    ]
    table = scoring_table(result).set_index("三级指标")
    assert "可能的重复扣分" in table.loc["财务监控有效性", "扣分说明"]
    assert "可能的重复扣分" not in table.loc["制度执行有效性", "扣分说明"]


@pytest.mark.parametrize(("shared_a", "shared_b"), [("B", None), (None, "A"), ("B、C", "")])
def test_indicators_marked_as_sharing_the_finding_are_not_flagged(shared_a, shared_b):
    result = score(_system(shared_a, shared_b), {}, REGISTER)
    assert result.double_deductions == ()
    assert all(s.overlaps == () for s in result.indicators)
    assert score_to_json(result, 2017)["double_deductions"] == []
    assert result.total == 96


def test_an_indicator_that_lost_points_citing_a_finding_counts_as_deducting_for_it():
    system = indicator_system_from_frame(
        pd.DataFrame(
            [
                _row("A", "资金使用合规性", 40, "扣分=F-1:1"),
                _row(
                    "B",
                    "管理制度健全性",
                    30,
                    "",
                    rule="等级评定",
                    links="F-1",
                    评价结论="基本健全",
                    评分理由="缺少专项资金管理办法",
                ),
                _row("C", "制度执行有效性", 30, "扣分=F-2:1"),
            ]
        )
    )
    [overlap] = score(system, {}, REGISTER).double_deductions
    assert overlap.codes == ("A", "B")


def test_a_full_marks_indicator_that_only_links_the_finding_is_not_flagged():
    system = indicator_system_from_frame(
        pd.DataFrame(
            [
                _row("A", "资金使用合规性", 40, "扣分=F-1:1"),
                _row(
                    "B",
                    "管理制度健全性",
                    30,
                    "",
                    rule="等级评定",
                    links="F-1",
                    评价结论="健全",
                ),
                _row("C", "制度执行有效性", 30, "扣分=F-2:1"),
            ]
        )
    )
    assert score(system, {}, REGISTER).double_deductions == ()


def test_an_unknown_code_in_shared_deductions_names_the_row_and_column():
    with pytest.raises(InputError) as caught:
        _system(shared_a="Z9")
    assert caught.value.column == "共用问题扣分" and caught.value.row == 2
    assert "Z9" in str(caught.value) and "不在指标体系中" in str(caught.value)
    with pytest.raises(InputError, match="本指标自己"):
        _system(shared_b="B")
