"""Write the indicator workbooks: the two shipped templates and the 2017 case's 指标体系.

    python scripts/make_indicator_workbooks.py            # write all three
    python scripts/make_indicator_workbooks.py --out DIR  # write them into DIR instead

Output is byte-identical on every run: fixed document timestamps and fixed ZIP entry times.

- lib/jixiao/templates/指标体系模板_2013.xlsx — 投入/过程/产出/效果 (财预〔2013〕53号)
- lib/jixiao/templates/指标体系模板_2020.xlsx — 决策/过程/产出/效益 (财预〔2020〕10号)
- data/raw/2017/指标体系_2017.xlsx — the 2017 evaluation: the 2013 framework with the evaluator's
  conclusions, rationales and the findings each deduction rests on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from jixiao import paths
from jixiao.export import save_workbook
from jixiao.scoring.indicators import HEADERS, NOTES_SHEET, PLACEHOLDER_MARK, SHEET
from jixiao.scoring.rules import DEFAULT_GRADES, RULE_TYPES

FIXED_TIME = dt.datetime(2019, 10, 31, 0, 0, 0)
PLACEHOLDER = f"【{PLACEHOLDER_MARK}】请评价组根据核查情况改写得分和理由。"


@dataclass(frozen=True)
class Row:
    code: str
    level1: str
    level2: str
    level3: str
    weight: float | int
    explanation: str
    criteria: str
    rule_type: str
    parameters: str
    data_source: str
    conclusion: str = ""
    rationale: str = ""
    links: str = ""
    shared: str = ""  # 共用问题扣分: indicators that deliberately deduct for the same findings

    def cells(self) -> list:
        values = [getattr(self, field) for field in HEADERS.values()]
        if self.rule_type == "专家评判" and self.conclusion:
            # A judged score is a number in Excel, not text that looks like one.
            values[list(HEADERS.values()).index("conclusion")] = (
                float(self.conclusion) if "." in self.conclusion else int(self.conclusion)
            )
        return values


CHECK_ALL = "①②③④"
GRADES = f"等级={DEFAULT_GRADES}"

# ---------------------------------------------------------------------------------------------
# 2017: the 2013 framework as the evaluator filled it in.

ROWS_2017 = (
    Row(
        "A1.1",
        "投入",
        "项目立项",
        "项目立项规范性",
        4,
        "项目申请、设立过程是否符合相关要求，用以反映和考核项目立项的规范情况。",
        "①立项依据充分；②申报程序规范；③审批文件、资料齐全；④经过集体决策。每项1分。",
        "要素计分",
        "要素=①立项依据充分, ②申报程序规范, ③资料齐全, ④集体决策",
        "案卷研究：项目申报书、市民政局和市财政局的立项及资金下达文件",
        CHECK_ALL,
    ),
    Row(
        "A1.2",
        "投入",
        "项目立项",
        "绩效目标合理性",
        3,
        "项目所设定的绩效目标是否依据充分，是否符合客观实际。",
        "绩效目标明确、依据充分、符合客观实际得满分；按发现的问题扣分（每项问题扣分见规则参数）。",
        "问题扣分",
        "扣分=OBS-02a:1",
        "案卷研究、座谈会（评价组观察记录）",
        links="OBS-02a",
    ),
    Row(
        "A1.3",
        "投入",
        "项目立项",
        "绩效指标明确性",
        3,
        "依据绩效目标设定的绩效指标是否清晰、细化、可衡量。",
        "绩效指标细化、量化、可衡量得满分；按发现的问题扣分。",
        "问题扣分",
        "扣分=OBS-02a:2",
        "案卷研究、座谈会（评价组观察记录）",
        links="OBS-02a",
    ),
    Row(
        "A2.1",
        "投入",
        "资金落实",
        "资金到位率",
        5,
        "实际到位资金与计划投入资金的比率（截至评价日）。",
        "资金到位率=实际到位资金/计划投入资金×100%；得分=分值×到位率。",
        "比例计分",
        "指标=fund_arrival_rate; 目标=100%",
        "资金下达明细、各社区明细账到账记录（合规性检查）",
        links="fund_arrival_rate",
    ),
    Row(
        "A2.2",
        "投入",
        "资金落实",
        "到位及时率",
        5,
        "及时到位资金与应到位资金的比率（应在预算年度内到位）。",
        "到位及时率=及时到位资金/应到位资金×100%；每低5个百分点扣1分，不足5个百分点按5个百分点计，扣完为止。",
        "线性扣分",
        "指标=fund_timely_rate; 目标=100%; 每档=5%; 每档扣分=1; 不足一档=按一档",
        "资金下达明细、各社区明细账到账记录（合规性检查）",
        links="fund_timely_rate, 规则:ARR-01",
    ),
    Row(
        "B1.1",
        "过程",
        "业务管理",
        "管理制度健全性",
        4,
        "项目实施单位的业务管理制度是否健全。",
        "制度健全得100%，基本健全得60%，不健全不得分。",
        "等级评定",
        GRADES,
        "案卷研究：项目管理办法、实施方案、目标责任状",
        "健全",
    ),
    Row(
        "B1.2",
        "过程",
        "业务管理",
        "制度执行有效性",
        4,
        "项目实施是否符合相关业务管理规定。",
        "执行有效得满分；按发现的问题扣分。",
        "问题扣分",
        "扣分=OBS-02b:1",
        "案卷研究、实地调研（评价组观察记录）",
        links="OBS-02b",
    ),
    Row(
        "B1.3",
        "过程",
        "业务管理",
        "项目质量可控性",
        4,
        "项目实施单位是否为达到项目质量要求而采取了必需的措施。",
        "①组织验收；②第三方评估；③档案管理规范；④督办检查。每项1分。",
        "要素计分",
        "要素=①验收, ②第三方评估, ③档案管理, ④督办检查",
        "案卷研究：验收资料、第三方评估报告（东宝区德正社会工作服务中心）、督办记录",
        CHECK_ALL,
    ),
    Row(
        "B2.1",
        "过程",
        "财务管理",
        "管理制度健全性",
        5,
        "项目实施单位的财务和会计制度是否健全。",
        "制度健全得100%，基本健全得60%，不健全不得分。",
        "等级评定",
        GRADES,
        "案卷研究：财务管理制度；明细账（合规性检查）",
        "基本健全",
        "财务管理制度不够健全（主要问题3）：有的单位混淆会计科目，不区分基本支出、项目支出和财政补助支出的核算内容，"
        "专项资金未单独核算，缺少专项资金管理的具体办法。",
        "类别:会计核算",
    ),
    Row(
        "B2.2",
        "过程",
        "财务管理",
        "资金使用合规性",
        4,
        "项目资金使用是否符合相关的财务管理制度规定（专款专用、单独核算）。",
        "每发现1个核算单位专项资金未单独核算扣0.5分，扣完为止。",
        "线性扣分",
        "指标=separate_accounting_units; 目标=0; 每档=1; 每档扣分=0.5; 方向=不高于目标; 单位=个",
        "各社区明细账（合规性检查：专项资金单独核算）",
        links="separate_accounting_units, 类别:会计核算, 规则:EVD-02",
    ),
    Row(
        "B2.3",
        "过程",
        "财务管理",
        "财务监控有效性",
        4,
        "项目实施单位是否为保障资金的安全、规范运行而采取了必要的监控措施。",
        "以记账凭证抽查的偏差率上限衡量：不超过可容忍偏差率5%得满分；超过的，每超过10个百分点扣1分，"
        "不足10个百分点按10个百分点计，扣完为止。",
        "线性扣分",
        "指标=voucher_deviation_upper_limit; 目标=5%; 每档=10%; 每档扣分=1; 方向=不高于目标; 不足一档=按一档",
        "记账凭证抽查（审计抽样：抽样评价）、案卷研究",
        links="voucher_deviation_upper_limit, 类别:会计核算, 规则:EVD-02",
    ),
    Row(
        "C1.1",
        "产出",
        "产出数量",
        "实际完成率",
        10,
        "项目实施的实际产出数与计划产出数的比率。",
        "实际完成率=各项产出min(实际产出数/计划产出数,1)的平均值；得分=分值×完成率。",
        "比例计分",
        "指标=output_completion_rate; 目标=100%",
        "产出完成情况表、实地调研",
        links="output_completion_rate",
    ),
    Row(
        "C2.1",
        "产出",
        "产出时效",
        "完成及时率",
        5,
        "按期完成的产出占全部产出的比例。",
        "完成及时率=按期完成的产出项数/产出项数；得分=分值×及时率。",
        "比例计分",
        "指标=output_timely_rate; 目标=100%",
        "产出完成情况表",
        links="output_timely_rate",
    ),
    Row(
        "C3.1",
        "产出",
        "产出质量",
        "质量达标率",
        5,
        "达到质量标准的产出占全部产出的比例。",
        "质量达标率=质量达标的产出项数/产出项数；得分=分值×达标率。",
        "比例计分",
        "指标=output_quality_rate; 目标=100%",
        "产出完成情况表、验收资料",
        links="output_quality_rate",
    ),
    Row(
        "C4.1",
        "产出",
        "产出成本",
        "成本控制",
        5,
        "项目是否按核定标准控制成本、未超预算。",
        "按标准补助、未超预算得满分；由评价组评判，须写明理由。",
        "专家评判",
        "",
        "资金下达文件、补助标准、明细账",
        "5",
        "先建后补、以奖代补，按核定标准补助，未超预算。",
    ),
    Row(
        "D1.1",
        "效果",
        "项目效益",
        "社会效益",
        10,
        "项目实施对社会发展所带来的直接或间接影响。",
        "①社区基础设施改善；②“三社联动”机制建立；③社会组织发展；④社工队伍壮大。每项2.5分。",
        "要素计分",
        "要素=①基础设施改善, ②三社联动机制建立, ③社会组织发展, ④社工队伍壮大",
        "实地调研、座谈会、产出完成情况表",
        CHECK_ALL,
    ),
    Row(
        "D1.2",
        "效果",
        "项目效益",
        "可持续影响",
        8,
        "项目完成后，后续政策、资金、人员机构安排和管理措施等影响项目持续发展的因素。",
        "可持续发展条件具备得满分；按发现的问题扣分。",
        "问题扣分",
        "扣分=OBS-04:1, OBS-05:0.5, OBS-06:0.5",
        "座谈会、实地调研、问卷调查、电话访谈（评价组观察记录）",
        links="OBS-04, OBS-05, OBS-06",
    ),
    Row(
        "D1.3",
        "效果",
        "项目效益",
        "社会公众或服务对象满意度",
        12,
        "社会公众或服务对象对项目实施效果的满意程度。",
        "满意率=（非常满意+满意）/有效回答；≥90%得12分，85%–90%得10分，80%–85%得8分，70%–80%得6分，70%以下得3分。",
        "分档计分",
        "指标=satisfaction_rate; 分档=90%:12, 85%:10, 80%:8, 70%:6, 0:3",
        "问卷调查（居民、社区工作者、社会组织）",
        links="satisfaction_rate",
    ),
)


# The templates name no project: elements a project rewrites, data sources in general words.
GENERIC_BENEFITS = "要素=①服务对象状况改善, ②公共服务水平提升, ③相关制度机制建立, ④社会影响积极"
GENERIC_BENEFITS_TEXT = (
    "①服务对象状况改善；②公共服务水平提升；③相关制度机制建立；④社会影响积极。每项2.5分"
    "（要素按项目实际改写）。"
)


def _generic(row: Row) -> Row:
    source = row.data_source.replace("各社区明细账", "各单位明细账")
    if row.parameters.startswith("要素=①基础设施改善"):
        return replace(
            row, parameters=GENERIC_BENEFITS, criteria=GENERIC_BENEFITS_TEXT, data_source=source
        )
    return replace(row, data_source=source)


def as_template(row: Row) -> Row:
    """The 2013 template: the 2017 tree with the evaluator's inputs reset to placeholders."""
    row = _generic(row)
    links = ", ".join(part.strip() for part in row.links.split(",") if part.strip().islower())
    if row.rule_type == "问题扣分":
        return replace(
            row,
            parameters="扣分=无",
            conclusion="",
            rationale="",
            links="",
            data_source=row.data_source,
        )
    if row.rule_type == "要素计分":
        return replace(row, conclusion=CHECK_ALL, rationale="", links=links)
    if row.rule_type == "等级评定":
        return replace(row, conclusion="健全", rationale="", links=links)
    if row.rule_type == "专家评判":
        return replace(row, conclusion=str(row.weight), rationale=PLACEHOLDER, links=links)
    return replace(row, conclusion="", rationale="", links=links)


ROWS_2013_TEMPLATE = tuple(as_template(row) for row in ROWS_2017)

# ---------------------------------------------------------------------------------------------
# 2020 framework (财预〔2020〕10号): 决策 20 / 过程 20 / 产出 30 / 效益 30, placeholders filled in.

ROWS_2020_TEMPLATE = (
    Row(
        "A1.1",
        "决策",
        "项目立项",
        "立项依据充分性",
        3,
        "项目立项是否符合法律法规、相关政策、发展规划以及部门职责。",
        "①符合国家法律法规和发展政策；②符合行业发展规划；③与部门职责范围相符；④属于公共财政支持范围。每项0.75分。",
        "要素计分",
        "要素=①符合法律法规和政策, ②符合行业发展规划, ③与部门职责相符, ④属于公共财政支持范围",
        "案卷研究：立项文件",
        CHECK_ALL,
    ),
    Row(
        "A1.2",
        "决策",
        "项目立项",
        "立项程序规范性",
        3,
        "项目申请、设立过程是否符合相关要求。",
        "①按规定程序申请设立；②审批文件、材料符合要求；③事前经过必要的论证和集体决策。每项1分。",
        "要素计分",
        "要素=①按规定程序申请设立, ②审批文件材料符合要求, ③事前论证和集体决策",
        "案卷研究：申报及审批文件",
        "①②③",
    ),
    Row(
        "A2.1",
        "决策",
        "绩效目标",
        "绩效目标合理性",
        3,
        "项目所设定的绩效目标是否依据充分，是否符合客观实际。",
        "合理得100%，基本合理得60%，不合理不得分。",
        "等级评定",
        "等级=合理:100%, 基本合理:60%, 不合理:0",
        "案卷研究：绩效目标申报表",
        "合理",
    ),
    Row(
        "A2.2",
        "决策",
        "绩效目标",
        "绩效指标明确性",
        3,
        "依据绩效目标设定的绩效指标是否清晰、细化、可衡量。",
        "明确得100%，基本明确得60%，不明确不得分。",
        "等级评定",
        "等级=明确:100%, 基本明确:60%, 不明确:0",
        "案卷研究：绩效目标申报表",
        "明确",
    ),
    Row(
        "A3.1",
        "决策",
        "资金投入",
        "预算编制科学性",
        4,
        "项目预算编制是否经过科学论证、有明确标准，资金额度与年度目标是否相适应。",
        "科学得100%，基本科学得60%，不科学不得分。",
        "等级评定",
        "等级=科学:100%, 基本科学:60%, 不科学:0",
        "案卷研究：预算编制资料",
        "科学",
    ),
    Row(
        "A3.2",
        "决策",
        "资金投入",
        "资金分配合理性",
        4,
        "项目预算资金分配是否有测算依据，与补助单位或地方实际是否相适应。",
        "合理得100%，基本合理得60%，不合理不得分。",
        "等级评定",
        "等级=合理:100%, 基本合理:60%, 不合理:0",
        "资金下达文件、分配测算表",
        "合理",
    ),
    Row(
        "B1.1",
        "过程",
        "资金管理",
        "资金到位率",
        2,
        "实际到位资金与预算资金的比率。",
        "资金到位率=实际到位资金/预算资金×100%；得分=分值×到位率。",
        "比例计分",
        "指标=fund_arrival_rate; 目标=100%",
        "资金下达明细、明细账（合规性检查）",
        links="fund_arrival_rate",
    ),
    Row(
        "B1.2",
        "过程",
        "资金管理",
        "到位及时率",
        2,
        "及时到位资金与应到位资金的比率。",
        "每低5个百分点扣0.5分，不足5个百分点按5个百分点计，扣完为止。",
        "线性扣分",
        "指标=fund_timely_rate; 目标=100%; 每档=5%; 每档扣分=0.5; 不足一档=按一档",
        "资金下达明细、明细账（合规性检查）",
        links="fund_timely_rate",
    ),
    Row(
        "B1.3",
        "过程",
        "资金管理",
        "预算执行率",
        2,
        "项目预算资金是否按照计划执行。",
        "预算执行率=实际支出/实际到位资金×100%（按项目概况的科目体系从明细账计算）；得分=分值×执行率。",
        "比例计分",
        "指标=budget_execution_rate; 目标=100%",
        "明细账、资金下达明细（合规性检查）",
        links="budget_execution_rate",
    ),
    Row(
        "B1.4",
        "过程",
        "资金管理",
        "资金使用合规性",
        4,
        "项目资金使用是否符合相关的财务管理制度规定（专款专用、单独核算）。",
        "每发现1个核算单位专项资金未单独核算扣0.5分，扣完为止。",
        "线性扣分",
        "指标=separate_accounting_units; 目标=0; 每档=1; 每档扣分=0.5; 方向=不高于目标; 单位=个",
        "明细账（合规性检查）",
        links="separate_accounting_units",
    ),
    Row(
        "B2.1",
        "过程",
        "组织实施",
        "管理制度健全性",
        5,
        "项目实施单位的财务和业务管理制度是否健全。",
        "健全得100%，基本健全得60%，不健全不得分。",
        "等级评定",
        GRADES,
        "案卷研究：管理制度",
        "健全",
    ),
    Row(
        "B2.2",
        "过程",
        "组织实施",
        "制度执行有效性",
        5,
        "项目实施是否符合相关管理规定。",
        "执行有效得100%，基本有效得60%，无效不得分。",
        "等级评定",
        "等级=有效:100%, 基本有效:60%, 无效:0",
        "案卷研究、实地调研",
        "有效",
    ),
    Row(
        "C1.1",
        "产出",
        "产出数量",
        "实际完成率",
        10,
        "项目实施的实际产出数与计划产出数的比率。",
        "实际完成率=各项产出min(实际产出数/计划产出数,1)的平均值；得分=分值×完成率。",
        "比例计分",
        "指标=output_completion_rate; 目标=100%",
        "产出完成情况表",
        links="output_completion_rate",
    ),
    Row(
        "C2.1",
        "产出",
        "产出质量",
        "质量达标率",
        8,
        "达到质量标准的产出占全部产出的比例。",
        "得分=分值×质量达标率。",
        "比例计分",
        "指标=output_quality_rate; 目标=100%",
        "产出完成情况表、验收资料",
        links="output_quality_rate",
    ),
    Row(
        "C3.1",
        "产出",
        "产出时效",
        "完成及时率",
        6,
        "按期完成的产出占全部产出的比例。",
        "得分=分值×完成及时率。",
        "比例计分",
        "指标=output_timely_rate; 目标=100%",
        "产出完成情况表",
        links="output_timely_rate",
    ),
    Row(
        "C4.1",
        "产出",
        "产出成本",
        "成本节约率",
        6,
        "完成项目计划工作目标的实际节约成本与计划成本的比率。",
        "成本节约率=（计划成本－实际成本）/计划成本×100%（产出完成情况表填写计划成本和实际成本的产出）；"
        "不低于0得满分，超支的每5个百分点扣1分，不足5个百分点按5个百分点计，扣完为止。"
        "没有成本资料时，可改为专家评判并写明理由。",
        "线性扣分",
        "指标=cost_saving_rate; 目标=0; 每档=5%; 每档扣分=1; 不足一档=按一档",
        "产出完成情况表（计划成本、实际成本）、预算及决算资料",
        links="cost_saving_rate",
    ),
    Row(
        "D1.1",
        "效益",
        "实施效益",
        "社会效益",
        10,
        "项目实施对社会发展所带来的直接或间接影响。",
        GENERIC_BENEFITS_TEXT,
        "要素计分",
        GENERIC_BENEFITS,
        "实地调研、座谈会",
        CHECK_ALL,
    ),
    Row(
        "D1.2",
        "效益",
        "实施效益",
        "可持续影响",
        8,
        "影响项目持续发展的政策、资金、人员和管理因素。",
        "按问题清单中的问题扣分（在规则参数中列出问题编号和扣分）。",
        "问题扣分",
        "扣分=无",
        "座谈会、实地调研、问卷调查、电话访谈",
    ),
    Row(
        "D2.1",
        "效益",
        "满意度",
        "服务对象满意度",
        12,
        "社会公众或服务对象对项目实施效果的满意程度。",
        "≥90%得12分，85%–90%得10分，80%–85%得8分，70%–80%得6分，70%以下得3分。",
        "分档计分",
        "指标=satisfaction_rate; 分档=90%:12, 85%:10, 80%:8, 70%:6, 0:3",
        "问卷调查",
        links="satisfaction_rate",
    ),
)

# ---------------------------------------------------------------------------------------------
# 说明 sheet

NOTES = (
    (
        "用途",
        "本工作簿是绩效评价指标体系：每行一个末级指标。jixiao.scoring 读取本表，按规则和各分析步骤生成的指标数据、问题清单计算得分，并逐项说明扣分原因。",
    ),
    ("指标编码", "每个指标唯一，如 A2.2；报错信息和评分表用它定位指标。"),
    (
        "一级/二级/三级指标",
        "指标名称。一级、二级指标可以合并单元格或只在第一行填写，下方空白行沿用上一行的名称（二级指标只在同一一级指标内沿用）。",
    ),
    ("分值", "该指标的满分，最多两位小数；全部指标分值合计必须正好为100分。"),
    ("指标解释 / 评价标准及评分规则", "写给人看的说明，原样进入评分表。"),
    ("规则类型", "以下七种之一：" + "、".join(RULE_TYPES) + "。"),
    (
        "规则参数",
        "若干「键=值」，用分号分隔，如：指标=fund_timely_rate; 目标=100%; 每档=5%; 每档扣分=1。中文标点（；＝：，、％）同样可用；数字可写百分数。列表项用逗号或顿号分隔，带分数的项写成「名称:分值」。",
    ),
    (
        "　比例计分",
        "得分=分值×实际值/目标值，不超过分值。参数：指标（必填，指标数据名）、目标（默认100%）、取整。",
    ),
    (
        "　分档计分",
        "实际值≥门槛即得该档分数，取达到的最高一档；低于所有门槛得0分。参数：指标、分档（如 90%:12, 85%:10, 0:3，分数不得超过分值）、取整。",
    ),
    (
        "　线性扣分",
        "每相差「每档」扣「每档扣分」分，扣完为止。参数：指标、目标、每档、每档扣分（均必填）；不足一档=按一档（默认）/不扣/按比例；方向=不低于目标（默认，如到位率）/不高于目标（如问题单位数）；单位（计数的量词，如 个）；取整。",
    ),
    (
        "　要素计分",
        "参数：要素（如 ①立项依据充分, ②申报程序规范），要素分值（可选，默认平均分配，合计须等于分值）；「评价结论」写已满足的要素编号，如 ①②④，都不满足写「无」。低于满分须填写评分理由。",
    ),
    (
        "　等级评定",
        f"参数：等级（默认 {DEFAULT_GRADES}，即健全100%、基本健全60%、不健全0）；「评价结论」写其中一个等级。低于满分须填写评分理由。",
    ),
    (
        "　问题扣分",
        "参数：扣分（如 OBS-04:1, OBS-05:0.5；尚未列出问题时写「无」）。数据核查发现的问题编号为「规则-单位」，如 SCP-01-团结社区；以 * 结尾表示该前缀的每一项问题，如 SCP-*:0.5 即每发现一项超范围支出扣0.5分。只对问题清单中确实存在的问题扣分，清单中没有的问题不扣分并在结果中注明；合计扣分以分值为限。",
    ),
    (
        "　专家评判",
        "「评价结论」写评价组给出的得分（0至分值之间），「评分理由」必须填写。参数可留空或写取整。",
    ),
    ("　取整（各规则通用）", "得分取整的单位，默认0.01分，可写0.5表示按半分取整（四舍五入）。"),
    ("数据来源", "指标数据或证据的来源，原样进入评分表。"),
    (
        "评价结论 / 评分理由",
        "评价组的判断：要素计分、等级评定、专家评判使用。专家评判必须写评分理由；要素计分、等级评定低于满分时必须写评分理由。",
    ),
    (
        "关联问题",
        "逗号分隔：问题清单中的问题编号（如 OBS-02a）、某条检查规则的全部问题（如 规则:SEP-01）、某一问题类别的全部问题（如 类别:资金使用；类别为 资金到位、资金使用、会计核算、财务监控、项目管理、产出、效益 之一）、评价组观察记录的问题序号（如 问题2，即 OBS-02a、OBS-02b 等编号中的数字）或指标数据名（如 fund_timely_rate），用于追溯扣分依据。",
    ),
    (
        "共用问题扣分",
        "可选。同一问题在两个或多个指标下都扣了分时，评分结果把它列为“可能的重复扣分”（score.json、评分表的扣分说明、评价报告七），请评价组确认。若评价组有意让这几个指标就同一问题分别扣分，在其中一个指标的本列填写其他指标的编码（如 A1.3，多个用顿号分隔），这几个指标之间的共同扣分就不再列为可能的重复扣分。编码必须是本表中其他指标的编码。",
    ),
    (
        "指标数据名",
        "fund_arrival_rate 资金到位率、fund_timely_rate 到位及时率、budget_execution_rate 预算执行率、separate_accounting_units 专项资金未单独核算单位数（合规性检查）；output_completion_rate 实际完成率、output_timely_rate 完成及时率、output_quality_rate 质量达标率、cost_saving_rate 成本节约率（产出统计）；satisfaction_rate 满意率（问卷分析）；voucher_deviation_upper_limit 凭证抽查偏差率上限（审计抽样）。",
    ),
    (
        "模板占位",
        f"模板中的评价结论（要素全部满足、等级为最高、专家评判为满分）和带「【{PLACEHOLDER_MARK}】」的评分理由只是占位值，使模板可以直接试算；正式评价时必须由评价组改写。评分结果会对仍带占位标记的指标给出提示。",
    ),
)

# ---------------------------------------------------------------------------------------------
# Writing

WIDTHS = {
    "指标编码": 9,
    "一级指标": 9,
    "二级指标": 11,
    "三级指标": 16,
    "分值": 6,
    "指标解释": 34,
    "评价标准及评分规则": 40,
    "规则类型": 10,
    "规则参数": 42,
    "数据来源": 28,
    "评价结论": 10,
    "评分理由": 40,
    "关联问题": 20,
    "共用问题扣分": 14,
}
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # the evaluator's own input
THIN = Side(style="thin", color="BFBFBF")


def build_workbook(rows: tuple[Row, ...], title: str) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    headers = list(HEADERS)
    ws.append(headers)
    for row in rows:
        ws.append(row.cells())
    input_columns = {
        headers.index(h) + 1 for h in ("评价结论", "评分理由", "关联问题", "共用问题扣分")
    }
    for cells in ws.iter_rows(min_row=1, max_row=len(rows) + 1):
        for cell in cells:
            cell.border = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if cell.row == 1:
                cell.font = Font(bold=True)
                cell.fill = HEADER_FILL
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            elif cell.column in input_columns:
                cell.fill = INPUT_FILL
    for idx, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(idx)].width = WIDTHS[header]
    ws.freeze_panes = "B2"
    rule_column = get_column_letter(headers.index("规则类型") + 1)
    validation = DataValidation(
        type="list", formula1='"' + ",".join(RULE_TYPES) + '"', allow_blank=False
    )
    validation.error = "请从列表中选择规则类型"
    validation.add(f"{rule_column}2:{rule_column}200")
    ws.add_data_validation(validation)

    notes = wb.create_sheet(NOTES_SHEET)
    notes.append(["项目", "说明"])
    for item in NOTES:
        notes.append(list(item))
    for cell in notes[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for (cell,) in notes.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 100

    wb.properties.title = title
    wb.properties.creator = "jixiao"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    return wb


def system_of(rows: tuple[Row, ...]):
    """The rows as jixiao.scoring loads them (validated like the written workbook)."""
    import pandas as pd

    from jixiao.scoring import indicator_system_from_frame

    return indicator_system_from_frame(
        pd.DataFrame([r.cells() for r in rows], columns=list(HEADERS))
    )


def reconstruction_statement(rows: tuple[Row, ...], published_total: str | None = None) -> str:
    """The case README's statement of what in the indicator system is reconstructed and which
    points the evaluation team set, computed from the rows the workbook is written from."""
    from jixiao.scoring.disclosure import team_set_points
    from jixiao.scoring.rules import fmt

    system = system_of(rows)
    weights: dict[str, Decimal] = {}
    for ind in system.indicators:
        weights[ind.level1] = weights.get(ind.level1, Decimal(0)) + ind.weight
    team = team_set_points(system)
    typed = sum(p.lost for p in team)
    dims = "、".join(f"{d} {fmt(w)} 分" for d, w in weights.items())
    lost = (
        f"公开报告的失分 {fmt(100 - Decimal(published_total))} 分（综合得分 {published_total} 分）中，"
        if published_total is not None
        else ""
    )
    lines = "\n".join(f"  - {p.line()}" for p in team)
    return (
        f"- 指标体系：{len(system.indicators)} 个末级指标及其分值（{dims}）、指标解释和评价标准；\n"
        "- 评分规则及其参数（`规则类型`、`规则参数` 两列，如到位及时率“每相差5个百分点扣1分”、"
        "满意度的分档）；\n"
        f"- 评价组判断：{lost}下列 {len(team)} 项指标的 {fmt(typed)} 分由评价组在工作簿中直接设定"
        "（定性指标的评价结论，或对评价组观察记录 OBS-… 的每项扣分分值），其余失分由指标数据和"
        "数据核查发现的问题按上述规则计算：\n"
        f"{lines}"
    )


def targets(out: Path | None = None) -> dict[Path, tuple[tuple[Row, ...], str]]:
    template_dir = out or paths.PACKAGE_DIR / "templates"
    raw_2017 = out or paths.raw_dir(2017)
    return {
        template_dir / "指标体系模板_2013.xlsx": (
            ROWS_2013_TEMPLATE,
            "绩效评价指标体系模板（2013共性框架）",
        ),
        template_dir / "指标体系模板_2020.xlsx": (
            ROWS_2020_TEMPLATE,
            "绩效评价指标体系模板（2020共性框架）",
        ),
        raw_2017 / "指标体系_2017.xlsx": (
            ROWS_2017,
            "2017年社区公共服务站和“三社联动”试点建设项目绩效评价指标体系",
        ),
    }


def write_all(out: Path | None = None) -> list[Path]:
    written = []
    for path, (rows, title) in targets(out).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        save_workbook(build_workbook(rows, title), path, timestamp=FIXED_TIME)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=None, help="write all workbooks into this folder instead"
    )
    args = parser.parse_args(argv)
    for path in write_all(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
