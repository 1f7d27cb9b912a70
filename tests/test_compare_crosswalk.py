"""The 2013 ↔ 2020 crosswalk: the shipped table covers both templates, a 2013 year and a
synthetic 2020 year are compared like with like as shares of their weights, and bad rows name
the file, row and column."""

import pandas as pd
import pytest

from jixiao.compare.crosswalk import (
    CROSSWALK_FILE,
    crosswalk_comparison,
    describe_crosswalk,
    load_crosswalk,
)
from jixiao.compare.load import YearSummary
from jixiao.errors import InputError
from jixiao.paths import ROOT

TEMPLATES = ROOT / "lib" / "jixiao" / "templates"

# The 2017 case's 2013 tree with its weights and scores (score.json of the 2017 run).
TREE_2013 = [
    ("投入", "项目立项", "项目立项规范性", 4, 4),
    ("投入", "项目立项", "绩效目标合理性", 3, 2),
    ("投入", "项目立项", "绩效指标明确性", 3, 1),
    ("投入", "资金落实", "资金到位率", 5, 5),
    ("投入", "资金落实", "到位及时率", 5, 2),
    ("过程", "业务管理", "管理制度健全性", 4, 4),
    ("过程", "业务管理", "制度执行有效性", 4, 3),
    ("过程", "业务管理", "项目质量可控性", 4, 4),
    ("过程", "财务管理", "管理制度健全性", 5, 3),
    ("过程", "财务管理", "资金使用合规性", 4, 2.5),
    ("过程", "财务管理", "财务监控有效性", 4, 3),
    ("产出", "产出数量", "实际完成率", 10, 10),
    ("产出", "产出时效", "完成及时率", 5, 5),
    ("产出", "产出质量", "质量达标率", 5, 5),
    ("产出", "产出成本", "成本控制", 5, 5),
    ("效果", "项目效益", "社会效益", 10, 10),
    ("效果", "项目效益", "可持续影响", 8, 6),
    ("效果", "项目效益", "社会公众或服务对象满意度", 12, 12),
]
# A synthetic 2020 year: 10/50/30/10, a few indicators only.
TREE_2020 = [
    ("决策", "项目立项", "立项依据充分性", 5, 5),
    ("决策", "项目立项", "立项程序规范性", 5, 4),
    ("过程", "资金管理", "资金到位率", 20, 20),
    ("过程", "资金管理", "到位及时率", 10, 5),
    ("过程", "资金管理", "预算执行率", 20, 18),
    ("产出", "产出数量", "实际完成率", 30, 27),
    ("效益", "满意度", "服务对象满意度", 10, 9),
]


def summary(year: int, framework: str, tree) -> YearSummary:
    dimensions: dict[str, list[float]] = {}
    for dim, _, _, weight, score in tree:
        dimensions.setdefault(dim, [0, 0])
        dimensions[dim][0] += weight
        dimensions[dim][1] += score
    score = {
        "year": year,
        "framework": framework,
        "total": sum(t[4] for t in tree),
        "indicators": [{"levels": list(t[:3]), "weight": t[3], "score": t[4]} for t in tree],
        "dimensions": [
            {"dimension": d, "weight": w, "score": s} for d, (w, s) in dimensions.items()
        ],
    }
    empty = pd.DataFrame()
    return YearSummary(year, score, empty, empty, empty, empty)


def rows_by(frame: pd.DataFrame, column: str) -> dict:
    return {
        r[column]: r for r in frame.to_dict("records") if isinstance(r[column], str) and r[column]
    }


def test_every_indicator_of_both_shipped_templates_is_in_the_crosswalk():
    table = load_crosswalk()
    for framework in ("2013", "2020"):
        template = pd.read_excel(
            TEMPLATES / f"指标体系模板_{framework}.xlsx", sheet_name="指标体系", engine="openpyxl"
        )
        names = set(
            zip(
                template["一级指标"].ffill(),
                template["二级指标"].ffill(),
                template["三级指标"],
                strict=True,
            )
        )
        listed = set(
            zip(
                table[f"{framework}一级指标"],
                table[f"{framework}二级指标"],
                table[f"{framework}三级指标"],
                strict=True,
            )
        )
        assert names <= listed, names - listed


def test_a_2013_year_and_a_2020_year_are_compared_as_shares_of_their_weights():
    years = [summary(2017, "2013", TREE_2013), summary(2021, "2020", TREE_2020)]
    dims = rows_by(crosswalk_comparison(years, level="一级指标"), "2017年指标")
    # 投入 14 of 20 = 70 %; 决策 9 of 10 = 90 %: +20 points, 相近 (资金落实 moved to 过程).
    assert dims["投入"]["2021年指标"] == "决策" and dims["投入"]["对应关系"] == "相近"
    assert dims["投入"]["2017年得分率"] == pytest.approx(0.7)
    assert dims["投入"]["2021年得分率"] == pytest.approx(0.9)
    assert dims["投入"]["得分率变化"] == pytest.approx(0.2)
    # 过程 19.5 / 25 = 78 %; 过程 43 / 50 = 86 %.
    assert dims["过程"]["得分率变化"] == pytest.approx(0.08)
    # 效果 28 / 30 → 效益 9 / 10.
    assert dims["效果"]["2021年指标"] == "效益" and dims["效果"]["对应关系"] == "相同"

    table = crosswalk_comparison(years)
    by_2013 = rows_by(table, "2017年指标")
    # 到位及时率: 2 of 5 = 40 % (投入) ↔ 5 of 10 = 50 % (过程): like with like across dimensions.
    timely = by_2013["投入—到位及时率"]
    assert timely["2021年指标"] == "过程—到位及时率" and timely["对应关系"] == "相同"
    assert timely["得分率变化"] == pytest.approx(0.1)
    assert "一级指标不同" in timely["说明"]
    # 财务监控有效性 has no 2020 counterpart: listed, with the reason, and no change computed.
    monitoring = by_2013["过程—财务监控有效性"]
    assert monitoring["对应关系"] == "无对应" and pd.isna(monitoring["得分率变化"])
    assert "并入资金使用合规性" in monitoring["说明"]
    # A 2020 indicator of the crosswalk this synthetic year does not score says so.
    compliance = by_2013["过程—资金使用合规性"]
    assert compliance["对应关系"] == "无对应" and "2021年指标体系没有此指标" in compliance["说明"]
    by_2020 = rows_by(table, "2021年指标")
    assert by_2020["过程—预算执行率"]["对应关系"] == "无对应"
    assert by_2020["过程—预算执行率"]["2021年得分率"] == pytest.approx(0.9)
    lines = describe_crosswalk(table)
    assert lines[0].startswith("指标对照：相同") and any("财务监控有效性" in line for line in lines)


def test_two_years_on_one_framework_match_name_by_name():
    later = [t if t[2] != "成本控制" else (*t[:3], 5, 4) for t in TREE_2013 if t[2] != "可持续影响"]
    table = crosswalk_comparison([summary(2017, "2013", TREE_2013), summary(2018, "2013", later)])
    rows = rows_by(table, "2017年指标")
    assert rows["产出—成本控制"]["得分率变化"] == pytest.approx(-0.2)
    assert rows["效果—可持续影响"]["对应关系"] == "无对应"
    assert "2018年指标体系没有此指标" in rows["效果—可持续影响"]["说明"]
    # The two 管理制度健全性 (业务管理 and 财务管理) stay apart.
    assert (table["2017年指标"] == "过程—管理制度健全性").sum() == 2


def test_an_indicator_outside_the_crosswalk_is_listed_as_without_counterpart():
    extra = [*TREE_2020, ("效益", "实施效益", "生态效益", 0.5, 0.5)]
    table = crosswalk_comparison([summary(2017, "2013", TREE_2013), summary(2021, "2020", extra)])
    row = rows_by(table, "2021年指标")["效益—生态效益"]
    assert row["对应关系"] == "无对应" and row["说明"] == "框架对照表未列出此指标"


@pytest.mark.parametrize(
    "change, column, message",
    [
        ({"对应关系": "差不多"}, "对应关系", "应为 相同、相近、无对应"),
        ({"2020三级指标": ""}, "2020三级指标", "须写明指标名称"),
        (
            {"2020一级指标": "", "2020二级指标": "", "2020三级指标": ""},
            "对应关系",
            "无对应只写一个框架",
        ),
    ],
)
def test_a_bad_crosswalk_row_names_file_row_and_column(tmp_path, change, column, message):
    table = pd.read_csv(CROSSWALK_FILE, encoding="utf-8-sig", dtype="str", keep_default_na=False)
    index = int((table["2013三级指标"] == "绩效目标合理性").idxmax())
    for key, value in change.items():
        table.loc[index, key] = value
    path = tmp_path / "框架对照.csv"
    table.to_csv(path, index=False, encoding="utf-8-sig")
    with pytest.raises(InputError, match=message) as error:
        load_crosswalk(path)
    assert error.value.file == "框架对照.csv" and error.value.row == index + 2
    assert error.value.column == column
