"""The 2017 case: 86.5 / 良 computed from the metrics and the findings register, and moved by them.

Expected values are worked by hand from the rules in 指标体系_2017.xlsx:
投入 4 + (3−1) + (3−2) + 5 + (5−3) = 14;  过程 4 + (4−1) + 4 + 5×60% + (4−3×0.5) + (4−1) = 19.5
(财务监控有效性: deviation upper limit 12.42 % is 7.42 points above 5 %, one 10-point step → −1);
产出 10 + 5 + 5 + 5 = 25;  效果 10 + (8−1−0.5−0.5) + 12 = 28;  total 86.5.
"""

import importlib.util
import json
import sys
from decimal import Decimal

import pandas as pd
import pytest

from jixiao import paths
from jixiao.metrics import Metric, read_metrics, write_metrics
from jixiao.scoring import (
    SCORING_TABLE_HEADERS,
    dimension_scores,
    load_indicator_system,
    score,
    score_to_json,
    scoring_table,
    sensitivity,
    waterfall_steps,
    write_score_json,
)

D = Decimal
TEMPLATES = paths.PACKAGE_DIR / "templates"
REGISTER_COLUMNS = [
    "finding_id", "problem_no", "dimension", "indicator", "title", "description", "units",
    "amount_fen", "severity", "evidence_source", "evidence", "rule", "category",
]  # fmt: skip
# The data findings behind the workbook's 规则:ARR-01 and 类别:会计核算 links; data findings
# carry no problem number (only observations do).
RULE_OF = {"CMP-01-01": "ARR-01", "CMP-03-01": "SEP-01"}
CATEGORY_OF = {"CMP-01-01": "资金到位", "CMP-03-01": "会计核算"}


def metric_rows(**changes):
    values = {
        "fund_arrival_rate": ("资金到位率", "compliance", 1.0),
        "fund_timely_rate": ("到位及时率", "compliance", 0.865),
        "separate_accounting_units": ("专项资金未单独核算的核算单位数", "compliance", 3),
        "budget_execution_rate": ("预算执行率", "compliance", 0.85),
        "output_completion_rate": ("实际完成率", "outputs", 1.0),
        "output_timely_rate": ("完成及时率", "outputs", 1.0),
        "output_quality_rate": ("质量达标率", "outputs", 1.0),
        "satisfaction_rate": ("满意率", "survey", 0.9306),
        "voucher_deviation_upper_limit": ("凭证抽查偏差率上限", "sampling", 0.1242),
    }
    return [
        Metric(name, changes.get(name, value), label, step, "手工构造")
        for name, (label, step, value) in values.items()
    ]


@pytest.fixture
def metrics_2017(tmp_path):
    """The 2017 metrics written and read back the way the analysis steps hand them over."""

    def build(**changes):
        folder = tmp_path / f"metrics_{len(list(tmp_path.iterdir()))}"
        rows = metric_rows(**changes)
        for step in ("compliance", "outputs", "survey", "sampling"):
            write_metrics(2017, step, [m for m in rows if m.source == step], folder=folder)
        return read_metrics(2017, folder=folder)

    return build


def register_2017(*, without=()):
    rows = [
        (
            "CMP-01-01",
            None,
            "投入",
            "到位及时率",
            "财政专项资金拨付滞后",
            2,
            27000000,
            "中",
            "资金下达明细",
            "rule: late",
        ),
        (
            "CMP-03-01",
            None,
            "过程",
            "资金使用合规性",
            "专项资金不单独核算",
            3,
            0,
            "高",
            "明细账",
            "rule: separate",
        ),
        (
            "OBS-02a",
            2,
            "投入",
            "绩效目标合理性",
            "评价指标体系尚未形成",
            0,
            0,
            "中",
            "案卷研究",
            "",
        ),
        (
            "OBS-02b",
            2,
            "过程",
            "制度执行有效性",
            "实施资料不全面、活动记录不完整",
            0,
            0,
            "中",
            "实地调研",
            "",
        ),
        ("OBS-04", 4, "效果", "可持续影响", "社会组织缺乏发展后劲", 0, 0, "中", "座谈会", ""),
        ("OBS-05", 5, "效果", "可持续影响", "缺乏政策扶持推广困难", 0, 0, "低", "座谈会", ""),
        ("OBS-06", 6, "效果", "可持续影响", "组织成员能力有待提升", 0, 0, "低", "访谈", ""),
    ]
    frame = pd.DataFrame(
        [
            {
                "finding_id": fid, "problem_no": no, "dimension": dim, "indicator": ind, "title": title,
                "description": title, "units": units, "amount_fen": amount, "severity": sev,
                "evidence_source": src, "evidence": ev, "rule": RULE_OF.get(fid, "OBS"),
                "category": CATEGORY_OF.get(fid, ""),
            }
            for fid, no, dim, ind, title, units, amount, sev, src, ev in rows
        ],
        columns=REGISTER_COLUMNS,
    )  # fmt: skip
    return frame[~frame["finding_id"].isin(without)].reset_index(drop=True)


@pytest.fixture(scope="module")
def system_2017():
    return load_indicator_system(paths.raw_dir(2017) / "指标体系_2017.xlsx")


@pytest.fixture
def result_2017(system_2017, metrics_2017):
    return score(system_2017, metrics_2017(), register_2017())


def test_2017_total_is_exactly_86_5_and_good(result_2017):
    assert result_2017.total == D("86.5")
    assert str(result_2017.total) == "86.50"  # exact two-decimal Decimal, no 86.49999
    assert result_2017.grade == "良"
    subtotals = dict(
        zip(result_2017.subtotals()["dimension"], result_2017.subtotals()["score"], strict=True)
    )
    assert subtotals == {"投入": D(14), "过程": D("19.5"), "产出": D(25), "效果": D(28)}


def test_2017_indicator_scores_follow_their_rules(result_2017):
    scores = {s.indicator.code: s.score for s in result_2017.indicators}
    assert scores["A2.2"] == D(2)  # 86.5% → 13.5 points short → 3 steps
    assert scores["B2.1"] == D(3)  # 基本健全 → 60% of 5
    assert scores["B2.2"] == D("2.5")  # 3 units × 0.5
    assert scores["B2.3"] == D(3)  # judgement
    assert scores["D1.2"] == D(6)  # OBS-04 1 + OBS-05 0.5 + OBS-06 0.5
    assert scores["D1.3"] == D(12)  # 93.06% ≥ 90%


def test_late_allocation_arriving_on_time_adds_one_point(system_2017, metrics_2017):
    # 浏河社区 (120,000 元) on time: (1,730,000 + 120,000) / 2,000,000 = 92.5% → 2 steps instead of 3.
    result = score(system_2017, metrics_2017(fund_timely_rate=0.925), register_2017())
    assert result.total == D("87.5")
    assert result.get("A2.2").score == D(3)


def test_removing_a_finding_from_the_register_restores_its_points(system_2017, metrics_2017):
    result = score(system_2017, metrics_2017(), register_2017(without=("OBS-04",)))
    assert result.total == D("87.5")
    assert "问题 OBS-04 不在问题清单中，未扣分。" in result.get("D1.2").notes


def test_lower_satisfaction_drops_a_band(system_2017, metrics_2017):
    result = score(system_2017, metrics_2017(satisfaction_rate=0.88), register_2017())
    assert result.get("D1.3").score == D(10)
    assert result.total == D("84.5")
    assert result.grade == "良"


def test_every_lost_point_is_explained_with_its_evidence(result_2017):
    lost = [s for s in result_2017.indicators if s.deduction]
    assert [s.indicator.code for s in lost] == [
        "A1.2",
        "A1.3",
        "A2.2",
        "B1.2",
        "B2.1",
        "B2.2",
        "B2.3",
        "D1.2",
    ]
    assert all(s.reasons for s in lost)
    reasons = {s.indicator.code: "".join(s.reasons) for s in lost}
    assert reasons["A2.2"].startswith("到位及时率为86.5%，比目标100%低13.5个百分点")
    assert "关联问题：CMP-01-01「财政专项资金拨付滞后」" in reasons["A2.2"]
    assert "OBS-02a「评价指标体系尚未形成」扣2分" in reasons["A1.3"]
    assert "专项资金未单独核算的核算单位数为3个" in reasons["B2.2"]
    assert "理由：财务管理制度不够健全" in reasons["B2.1"]
    assert reasons["B2.3"].startswith(
        "凭证抽查偏差率上限为12.42%，比目标5%高7.42个百分点"
    )  # computed, no typed 3
    assert "OBS-04「社会组织缺乏发展后劲」扣1分" in reasons["D1.2"]
    assert result_2017.get("B2.3").linked_findings == ("CMP-03-01",)


def test_score_json_carries_totals_subtotals_and_reasons(result_2017, tmp_path):
    path = write_score_json(result_2017, tmp_path / "score.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["year"], data["framework"], data["total"], data["grade"]) == (
        2017,
        "2013",
        86.5,
        "良",
    )
    assert data["dimensions"] == [
        {"dimension": "投入", "weight": 20, "score": 14},
        {"dimension": "过程", "weight": 25, "score": 19.5},
        {"dimension": "产出", "weight": 25, "score": 25},
        {"dimension": "效果", "weight": 30, "score": 28},
    ]
    a22 = next(i for i in data["indicators"] if i["code"] == "A2.2")
    assert (a22["weight"], a22["score"], a22["deduction"]) == (5, 2, 3)
    assert a22["levels"] == ["投入", "资金落实", "到位及时率"]
    assert a22["linked_findings"] == ["CMP-01-01"]
    assert a22["metrics"][0]["metric"] == "fund_timely_rate"
    assert data["missing_metrics"] == []
    assert score_to_json(result_2017, 2017) == data


def test_scoring_table_has_the_workpaper_headers_and_a_total_row(result_2017):
    table = scoring_table(result_2017)
    assert tuple(table.columns) == SCORING_TABLE_HEADERS
    assert len(table) == 19  # 18 indicators + 合计
    assert table["得分"].iloc[:-1].sum() == 86.5
    assert table.iloc[-1][["一级指标", "分值", "得分"]].tolist() == ["合计", 100.0, 86.5]
    full_marks = table[table["得分"] == table["分值"]]
    assert (full_marks["扣分说明"].iloc[:-1] == "").all()


def test_chart_frames_show_dimensions_and_the_waterfall(result_2017):
    dims = dimension_scores(result_2017)
    assert dims["得分"].tolist() == [14.0, 19.5, 25.0, 28.0]
    assert dims["分值"].tolist() == [20.0, 25.0, 25.0, 30.0]
    steps = waterfall_steps(result_2017)
    assert steps["项目"].iloc[0] == "满分" and steps["项目"].iloc[-1] == "综合得分"
    assert steps["终点"].iloc[-1] == 86.5
    assert steps.loc[steps["类型"] == "扣分", "变动"].sum() == -13.5
    assert "财务管理·管理制度健全性" in steps["项目"].tolist()  # disambiguated from 业务管理's


def test_sensitivity_gives_margins_and_the_effect_of_each_finding(result_2017):
    result = sensitivity(result_2017)
    assert (result.margins.next_grade, result.margins.points_to_next) == ("优", D("3.5"))
    assert (result.margins.lower_grade, result.margins.margin_above_lower) == ("中", D("6.5"))
    table = result.table
    obs_02a = table[table["问题编号"] == "OBS-02a"].iloc[0]
    assert (obs_02a["扣分"], obs_02a["恢复后总分"], obs_02a["指标编码"]) == (
        3.0,
        89.5,
        "A1.2、A1.3",
    )
    timely = table[table["指标编码"] == "A2.2"].iloc[0]
    assert (timely["恢复后总分"], timely["恢复后等级"]) == (89.5, "良")
    assert result.grade_changers.empty


def test_sensitivity_finds_the_deductions_that_would_reach_excellent(system_2017, metrics_2017):
    # All money on time: 86.5 + 3 = 89.5, so any deduction of 0.5 or more lifts the grade to 优.
    result = sensitivity(score(system_2017, metrics_2017(fund_timely_rate=1.0), register_2017()))
    assert result.margins.points_to_next == D("0.5")
    assert len(result.grade_changers) == len(result.table)
    assert set(result.grade_changers["恢复后等级"]) == {"优"}
    assert "OBS-05" in result.summary()


def test_2013_template_loads_and_scores_with_placeholders_flagged(metrics_2017):
    system = load_indicator_system(TEMPLATES / "指标体系模板_2013.xlsx")
    result = score(system, metrics_2017(), register_2017())
    assert system.year is None and system.framework == "2013"
    # Only the metric rules bite: 到位及时率 −3, 资金使用合规性 −1.5, 财务监控有效性 −1 → 94.5.
    assert result.total == D("94.5")
    assert "评价结论为模板占位值，请评价组改写。" in result.get("C4.1").notes


def test_2020_template_loads_and_scores_on_the_same_metrics(metrics_2017):
    system = load_indicator_system(TEMPLATES / "指标体系模板_2020.xlsx")
    result = score(system, metrics_2017(), register_2017())
    assert system.framework == "2020"
    subtotals = result.subtotals()
    assert subtotals["dimension"].tolist() == ["决策", "过程", "产出", "效益"]
    assert subtotals["weight"].tolist() == [D(20), D(20), D(30), D(30)]
    # 过程: 到位及时率 2 − 3 steps × 0.5 = 0.5; 预算执行率 2 × 85% = 1.7;
    # 资金使用合规性 4 − 1.5 = 2.5 → 20 − 1.5 − 0.3 − 1.5 = 16.7.
    assert subtotals["score"].tolist() == [D(20), D("16.7"), D(30), D(30)]
    assert (result.total, result.grade) == (D("96.7"), "优")


def _load_script():
    spec = importlib.util.spec_from_file_location(
        "make_indicator_workbooks", paths.ROOT / "scripts" / "make_indicator_workbooks.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_shipped_workbooks_are_exactly_what_the_script_writes(tmp_path):
    script = _load_script()
    first = {p.name: p.read_bytes() for p in script.write_all(tmp_path / "a")}
    second = {p.name: p.read_bytes() for p in script.write_all(tmp_path / "b")}
    assert first == second
    shipped = {
        "指标体系模板_2013.xlsx": TEMPLATES / "指标体系模板_2013.xlsx",
        "指标体系模板_2020.xlsx": TEMPLATES / "指标体系模板_2020.xlsx",
        "指标体系_2017.xlsx": paths.raw_dir(2017) / "指标体系_2017.xlsx",
    }
    assert {name: path.read_bytes() for name, path in shipped.items()} == first


def test_charts_draw_the_dimension_bars_and_the_waterfall(result_2017):
    pytest.importorskip("jixiao.charts")
    from jixiao import charts

    if not charts.FONT_FILE.is_file():
        pytest.skip("shipped Chinese font missing")
    from jixiao.scoring.charts import plot_dimension_scores, plot_waterfall

    bars = plot_dimension_scores(result_2017)
    heights = [round(p.get_height(), 2) for p in bars.axes[0].patches]
    assert heights == [20, 25, 25, 30, 14, 19.5, 25, 28]
    assert "86.5" in bars.axes[0].get_title()
    waterfall = plot_waterfall(result_2017)
    ax = waterfall.axes[0]
    assert len(ax.patches) == 10  # 满分 + 8 deductions + 综合得分
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "综合得分"
    last = ax.patches[-1]
    assert (last.get_y(), last.get_height()) == (0, 86.5)


def test_every_indicator_says_whether_its_points_were_computed_or_judged(result_2017):
    data = score_to_json(result_2017, 2017)
    methods = {i["code"]: i["method"] for i in data["indicators"]}
    assert set(methods.values()) == {"computed", "judgement"}
    by_code = {i["code"]: i for i in data["indicators"]}
    a22 = by_code["A2.2"]
    assert a22["method"] == "computed" and a22["method_label"] == "数据计算"
    assert "到位及时率" in a22["rule_parameters"]
    for item in data["indicators"]:
        rule = next(s for s in result_2017.indicators if s.indicator.code == item["code"])
        expected = "judgement" if rule.indicator.rule.rule_id in JUDGED else "computed"
        assert item["method"] == expected
        assert item["rule_parameters"]
        if expected == "judgement":
            assert item["method_label"] == "评价组判断"
            if item["deduction"]:  # points the team took away always carry its reason
                assert item["judgement_reason"]
    table = scoring_table(result_2017)
    assert table["计分方式"].iloc[:-1].isin(["数据计算", "评价组判断"]).all()
    # 2017's lost points split between the data and the team's judgement; the total holds.
    lost = {"computed": D(0), "judgement": D(0)}
    for s in result_2017.indicators:
        lost[s.indicator.rule.method] += s.deduction
    assert lost["computed"] + lost["judgement"] == D("13.5")


JUDGED = {"checkpoints", "graded", "judgement"}
