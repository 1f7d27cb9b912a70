"""Reconstruct a second year's raw files (2018) of the same programme — a made-up case.

    python scripts/generate_case_2018.py [--out DIR] [--seed N]

There is no published 2018 evaluation report: every figure here is invented to exercise the
pipeline on a year with other numbers, other problems and messier inputs than 2017. The
problems are planted at fixed places (named below); everything else (people, vouchers,
amounts per line) comes from one seeded generator, so the same seed writes byte-identical
files. Writes every file of data/raw/2018, including parameters.toml, the indicator workbook
指标体系_2018.xlsx and the evaluators' filled-in sampling sheet.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from casegen import (  # noqa: E402
    allocations,
    common,
    fieldwork,
    interviews,
    ledgers,
    observations,
    outputs,
    survey,
)
from casegen.allocations import Grant  # noqa: E402
from jixiao import paths, schema  # noqa: E402
from jixiao.export import save_workbook  # noqa: E402
from make_indicator_workbooks import (  # noqa: E402
    ROWS_2017,
    build_workbook,
    reconstruction_statement,
)

YEAR = 2018
DEFAULT_SEED = 2018
TIMESTAMP = dt.datetime(2020, 6, 30, 9, 0, 0)  # evaluation date: stamped into every workbook
INFRA, SANSHE = "公共服务站基础设施建设", "三社联动试点"  # the case's grant types (project.toml)

# --------------------------------------------------------------------------- allocations
# 2018 money went to communities other than 2017's (new service stations; the 三社联动 pilot
# widened to further communities), so no 2018 ledger overlaps a 2017 one (the 2017 books run
# to 2018-06). Names are illustrative.
INFRA_COMMUNITIES = (
    ("东宝区", "泉口街道", "长宁社区"),
    ("东宝区", "泉口街道", "金虾社区"),
    ("东宝区", "龙泉街道", "南台社区"),
    ("东宝区", "龙泉街道", "东方社区"),
    ("掇刀区", "掇刀石街道", "麻城社区"),
    ("掇刀区", "白庙街道", "枣园社区"),
    ("掇刀区", "双喜街道", "培英社区"),
    ("掇刀区", "双喜街道", "金桥社区"),
)
SANSHE_COMMUNITIES = (
    ("东宝区", "泉口街道", "长宁社区"),
    ("东宝区", "泉口街道", "西苑社区"),
    ("东宝区", "泉口街道", "团结社区"),
    ("东宝区", "龙泉街道", "杨湾社区"),
    ("东宝区", "龙泉街道", "月亮湾社区"),
    ("东宝区", "龙泉街道", "子陵社区"),
    ("东宝区", "龙泉街道", "马河社区"),
    ("掇刀区", "掇刀石街道", "麻城社区"),
    ("掇刀区", "掇刀石街道", "金鹰社区"),
    ("掇刀区", "掇刀石街道", "鹏程社区"),
    ("掇刀区", "白庙街道", "城南社区"),
    ("掇刀区", "白庙街道", "响水社区"),
    ("掇刀区", "双喜街道", "双泉社区"),
    ("掇刀区", "双喜街道", "名桥社区"),
    ("掇刀区", "双喜街道", "虎山社区"),
)
INFRA_AMOUNTS_FEN = {"长宁社区": 15_000_000, "麻城社区": 15_000_000}  # others 100,000 元
INFRA_DEFAULT_FEN = 10_000_000
SANSHE_AMOUNT_FEN = 6_000_000
INFRA_DOC = ("荆财社发〔2018〕41号", dt.date(2018, 8, 20))
SANSHE_DOC = ("荆财社发〔2018〕19号", dt.date(2018, 4, 12))
# Every grant arrived within the budget year this time (2017's problem 1 does not recur).
ARRIVAL_WINDOWS = {
    INFRA: (dt.date(2018, 9, 3), dt.date(2018, 11, 30)),
    SANSHE: (dt.date(2018, 5, 2), dt.date(2018, 7, 31)),
}


def build_grants(rng: np.random.Generator) -> list[Grant]:
    grants = []
    for k, (district, street, community) in enumerate(INFRA_COMMUNITIES, start=1):
        grants.append(
            Grant(
                f"JS{YEAR}-{k:02d}",
                district,
                street,
                community,
                INFRA,
                INFRA_DOC[0],
                INFRA_DOC[1],
                INFRA_AMOUNTS_FEN.get(community, INFRA_DEFAULT_FEN),
                note="先建后补、以奖代补",
            )
        )
    for k, (district, street, community) in enumerate(SANSHE_COMMUNITIES, start=1):
        grants.append(
            Grant(
                f"SL{YEAR}-{k:02d}",
                district,
                street,
                community,
                SANSHE,
                SANSHE_DOC[0],
                SANSHE_DOC[1],
                SANSHE_AMOUNT_FEN,
                note="以奖代补（续建试点）",
            )
        )
    return allocations.settle_arrivals(grants, rng, ARRIVAL_WINDOWS)


# --------------------------------------------------------------------------- ledgers
GRANT_PERIOD_END = dt.date(2019, 3, 31)
LEDGER_CASE = ledgers.LedgerCase(
    first_month=dt.date(2018, 1, 1),
    last_month=dt.date(2019, 6, 1),
    scope_keywords=(
        "装修",
        "维修",
        "改造",
        "设施",
        "设备",
        "工程款",
        "服务站",
        "社会组织",
        "社工",
        "社会工作室",
        "公益创投",
        "培训",
        "活动",
        "孵化",
    ),
    grant_spending={
        INFRA: ledgers.GrantSpending(
            receipt_summary="收到2018年社区公共服务站基础设施建设补助资金",
            payment_summaries=(
                "支付社区公共服务站装修工程款",
                "支付服务站便民服务大厅改造工程款",
                "支付服务站办公设备购置款",
                "购置社区服务站便民服务设施",
                "支付服务站维修工程尾款",
            ),
            payee_trades=(
                "装饰工程有限公司",
                "建筑安装工程有限公司",
                "办公设备有限公司",
                "家具有限公司",
            ),
            payments=(2, 4),
            share_spent=(0.93, 1.0),
            days_after_arrival=(3, 45),
        ),
        SANSHE: ledgers.GrantSpending(
            receipt_summary="收到2018年“三社联动”试点以奖代补资金",
            payment_summaries=(
                "支付社会工作室办公家具购置款",
                "支付社区公益创投项目资助款",
                "支付社工专业服务费",
                "支付社区社会组织孵化培育费",
                "支付“三社联动”业务培训费",
                "支付社区社会组织活动物资采购款",
                "支付邻里互助志愿服务活动经费",
            ),
            payee_trades=("社会工作服务中心", "社工服务社", "文化传播有限公司", "培训中心"),
            # Latest arrival 2018-07-31 + 200 days = 2019-02-16: drawn payments stay inside the
            # grant period, so the only period breach is the planted one.
            payments=(4, 7),
            share_spent=(0.85, 0.98),
            days_after_arrival=(7, 200),
        ),
    },
)

# The 2018 problems, each in one unit (every unit books its grants separately).
OVERSPEND = (
    "金桥社区",
    INFRA,
    dt.date(2019, 1, 22),
    "支付服务站便民服务大厅改造增项工程款",
    1_268_000,
)
AFTER_PERIOD = ("杨湾社区", SANSHE, dt.date(2019, 4, 16), "支付社区公益创投项目结项评估费", 386_000)
OUT_OF_SCOPE = (
    "团结社区",
    SANSHE,
    dt.date(2018, 11, 14),
    "支付社会组织负责人座谈会招待餐费",
    238_000,
)
DUPLICATE_PAYMENT_UNIT = "子陵社区"  # one ordinary payment entered twice
WEEKEND_POSTING_UNITS = ("西苑社区",)

# Messier exports than 2017: GBK / GB18030 CSV, aliased headers, text amounts with ￥ and
# thousands separators, dates as 2018年5月3日 or 2018.05.03, extra title lines, blank lines.
SOFTWARE_ALIASES = (
    ("日期", "制单日期"),
    ("科目编码", "科目代码"),
    ("借方", "借方金额"),
    ("贷方", "贷方金额"),
)
EXPORT_STYLES = {
    "马河社区": dict(
        file_format="csv",
        csv_encoding="gbk",
        header_aliases=SOFTWARE_ALIASES,
        date_style="chinese",
        amount_style="yen",
        blank_rows=2,
    ),
    "金鹰社区": dict(
        file_format="csv",
        csv_encoding="gbk",
        header_aliases=SOFTWARE_ALIASES,
        date_style="dotted",
        amount_style="text",
    ),
    "鹏程社区": dict(
        file_format="csv",
        csv_encoding="gb18030",
        date_style="dotted",
        blank_rows=1,
        extra_title_lines=("币种：人民币",),
    ),
    "虎山社区": dict(
        file_format="csv",
        csv_encoding="gbk",
        amount_style="text",
        extra_title_lines=("打印日期：2020年5月18日",),
    ),
    "城南社区": dict(
        date_style="chinese", amount_style="text", extra_title_lines=("打印日期：2020年5月20日",)
    ),
    "响水社区": dict(header_aliases=SOFTWARE_ALIASES, amount_style="yen"),
    "双泉社区": dict(amount_style="text", blank_rows=2),
    "南台社区": dict(date_style="dotted", blank_rows=1),
}
JI_VOUCHER_UNITS = (
    "长宁社区",
    "南台社区",
    "麻城社区",
    "培英社区",
    "西苑社区",
    "马河社区",
    "鹏程社区",
    "响水社区",
    "名桥社区",
)


def planted_payments(rng: np.random.Generator) -> dict[str, tuple[ledgers.ExtraPayment, ...]]:
    """The three planted project payments, each to a payee of its own trade."""
    planted = {}
    for (community, grant_type, date, summary, fen), trade in (
        (OVERSPEND, "装饰工程有限公司"),
        (AFTER_PERIOD, "社会工作服务中心"),
        (OUT_OF_SCOPE, "酒店管理有限公司"),
    ):
        payee = common.fictional_companies(rng, 1, (trade,))[0]
        if community == OVERSPEND[0]:
            payment = ledgers.ExtraPayment(grant_type, date, summary, payee, over_grant_fen=fen)
        else:
            payment = ledgers.ExtraPayment(grant_type, date, summary, payee, amount_fen=fen)
        planted[community] = (payment,)
    return planted


def unit_specs(
    grants: list[Grant],
    rng: np.random.Generator,
    planted: dict[str, tuple[ledgers.ExtraPayment, ...]],
) -> list[ledgers.UnitSpec]:
    by_community: dict[str, list[Grant]] = {}
    district = {}
    for g in grants:
        by_community.setdefault(g.community, []).append(g)
        district[g.community] = g.district
    # Payroll spread over a decade on a log scale, one stratum per unit (Benford-like books).
    strata = (rng.permutation(len(by_community)) + rng.random(len(by_community))) / len(
        by_community
    )
    payroll = np.round(6_000 * 10**strata) * 100
    specs = []
    for k, community in enumerate(by_community):
        # Units with a planted payment spend less of the grant otherwise, so the planted line
        # is the only breach there (no accidental spending above the allocation).
        modest = community in planted and community != OVERSPEND[0]
        specs.append(
            ledgers.UnitSpec(
                community=community,
                district=district[community],
                grants=tuple(by_community[community]),
                monthly_payroll_fen=int(payroll[k]),
                voucher_style="记" if community in JI_VOUCHER_UNITS else "收付",
                weekend_postings=int(community in WEEKEND_POSTING_UNITS),
                duplicate_payment=community == DUPLICATE_PAYMENT_UNIT,
                share_spent=(0.78, 0.84) if modest else None,
                extra_payments=planted.get(community, ()),
                **EXPORT_STYLES.get(community, {}),
            )
        )
    return specs


# --------------------------------------------------------------------------- outputs
OUTPUTS = (
    outputs.Output(
        "CC-01",
        "公共服务站基础设施建设项目建成数",
        "个",
        8,
        8,
        "项目验收资料；实地调研（金桥社区增项工程2019年2月完工，晚于计划）",
        completed_on_time="否",
    ),
    outputs.Output(
        "CC-02", "街道（乡镇）社区社会组织服务中心建成数", "个", 3, 3, "市民政局工作总结；实地调研"
    ),
    outputs.Output(
        "CC-03", "社区社会工作室建成数", "个", 30, 27, "市民政局工作总结；实地调研（3个未建成）"
    ),
    outputs.Output("CC-04", "社区公益服务创投项目数", "个", 120, 120, "公益创投活动项目清单"),
    outputs.Output("CC-05", "培育孵化社区社会组织数", "个", 60, 60, "社会组织孵化登记台账"),
    outputs.Output("CC-06", "新增专业社工人数", "人", 80, 80, "社工职业水平考试通过名单"),
    outputs.Output("CC-07", "全市持证社工总人数", "人", 424, 424, "市民政局社工人才统计"),
    outputs.Output("CC-08", "组织培训场次", "场", 4, 4, "培训通知、签到表"),
    outputs.Output("CC-09", "组织考察学习次数", "次", 2, 2, "考察学习通知及总结"),
    outputs.Output("CC-10", "第三方评估覆盖的试点项目数", "个", 15, 15, "第三方评估报告"),
)

# --------------------------------------------------------------------------- survey
ALL_COMMUNITIES = tuple(dict.fromkeys(c for _, _, c in INFRA_COMMUNITIES + SANSHE_COMMUNITIES))
SANSHE_NAMES = tuple(c for _, _, c in SANSHE_COMMUNITIES)
SURVEY_CASE = survey.SurveyCase(
    items=(
        survey.Item("Q1", "您对社区公共服务站办事环境和服务设施的满意程度", shift=0.03),
        survey.Item("Q2", "您对社区公共服务站服务内容和办事效率的满意程度", shift=0.01),
        survey.Item("Q3", "您对社区工作人员服务态度的满意程度", shift=0.04),
        survey.Item("Q4", "您对社区社会组织开展的服务和活动的满意程度", shift=-0.05),
        survey.Item("Q5", "您对社区社会工作室（社工）提供的专业服务的满意程度", shift=-0.03),
        survey.Item(
            "Q6",
            "社区社会组织缺少固定活动场地、活动时有时无（1=非常不同意，5=非常同意）",
            reverse=True,
            shift=-0.04,
        ),
        survey.Item("Q7", "您对“三社联动”试点以来社区治理和居民参与变化的满意程度", shift=0.01),
        survey.Item("Q8", "您对社区公共服务站和“三社联动”试点项目的总体满意程度", shift=0.03),
    ),
    groups=(
        survey.Group(
            "居民",
            58_000,
            385,
            391,
            satisfied=0.85,
            very=0.45,
            born=(dt.date(1946, 1, 1), dt.date(2001, 12, 31)),
            communities=ALL_COMMUNITIES,
        ),
        survey.Group(
            "社区工作者",
            240,
            100,
            92,
            satisfied=0.88,
            very=0.5,
            born=(dt.date(1966, 1, 1), dt.date(1997, 12, 31)),
            communities=ALL_COMMUNITIES,
        ),
        survey.Group(
            "社会组织",
            160,
            60,
            54,
            satisfied=0.86,
            very=0.48,
            born=(dt.date(1956, 1, 1), dt.date(1996, 12, 31)),
            communities=SANSHE_NAMES,
        ),
    ),
    first_day=dt.date(2020, 5, 11),
    last_day=dt.date(2020, 6, 12),
    id_area_codes=("420801", "420802", "420804", "420821", "420822", "420881"),
    id_prefix="WJ18",
    digit_share=0.2,
    blanks=11,
    out_of_range=4,
    unclear=("满意吧", "还行", "4分", "说不清", "比较满意吧"),
    duplicates=3,
    untidy_valid=40,
)

# --------------------------------------------------------------------------- interviews
INTERVIEW_CASE = interviews.InterviewCase(
    questions=(
        interviews.Question(
            "T1",
            "您是否了解社区公共服务站和“三社联动”试点项目？",
            ("是", "否"),
            schema.RESPONDENT_GROUPS,
            {"居民": (0.75, 0.25), "社区工作者": (1.0, 0.0), "社会组织": (1.0, 0.0)},
            {
                "是": (
                    "社区微信群和宣传栏里看到过",
                    "参加过社工组织的活动",
                    "参与了项目申报和实施",
                ),
                "否": ("只知道服务站新装修了，不清楚项目名称",),
            },
        ),
        interviews.Question(
            "T2",
            "您对社区公共服务站提供的服务满意吗？",
            ("满意", "基本满意", "不满意"),
            schema.RESPONDENT_GROUPS,
            {"居民": (0.6, 0.3, 0.1), "社区工作者": (0.7, 0.3, 0.0), "社会组织": (0.6, 0.35, 0.05)},
            {
                "满意": ("新服务站宽敞，办事方便多了", "一个窗口就能办完"),
                "基本满意": ("午休时间窗口不开", "有的事项还要跑街道"),
                "不满意": ("装修拖了很久，期间办事不方便",),
            },
        ),
        interviews.Question(
            "T3",
            "您所在社区的社会组织是否经常开展活动？",
            ("是", "否"),
            schema.RESPONDENT_GROUPS,
            {"居民": (0.5, 0.5), "社区工作者": (0.6, 0.4), "社会组织": (0.55, 0.45)},
            {
                "是": ("社工每月组织一次老年人活动", "亲子活动和志愿服务比较多"),
                "否": ("没有固定地方，活动时有时无", "活动主要在节假日前后"),
            },
        ),
        interviews.Question(
            "T4",
            "社会组织的活动场地是否有稳定保障？",
            ("是", "否"),
            ("社区工作者", "社会组织"),
            {"社区工作者": (0.3, 0.7), "社会组织": (0.2, 0.8)},
            {
                "是": ("社区腾出一间活动室给社会组织固定使用",),
                "否": (
                    "借用社区会议室，要提前预约，经常冲突",
                    "社会工作室和社区办公室合用，地方太小",
                    "室外活动受天气影响，冬天基本停了",
                ),
            },
        ),
    ),
    group_counts={"居民": 26, "社区工作者": 12, "社会组织": 8},
    communities={"居民": ALL_COMMUNITIES, "社区工作者": ALL_COMMUNITIES, "社会组织": SANSHE_NAMES},
    first_day=dt.date(2020, 5, 25),
    last_day=dt.date(2020, 6, 19),
)


# --------------------------------------------------------------------------- observations
def build_observations(recorders: list[str]) -> list[observations.Observation]:
    o = observations.Observation
    return [
        o(
            "OBS-02a",
            "绩效目标已设置但部分指标不可量化",
            "2018年项目设置了绩效目标和产出指标，但“社区治理水平明显提升”“居民参与意识增强”等效益指标只有定性表述，"
            "没有目标值和评价标准，无法衡量完成程度；部分产出指标未明确完成时限。",
            "投入",
            "绩效目标合理性、绩效指标明确性",
            "荆门市民政局",
            "案卷研究",
            "查阅2018年项目绩效目标申报表及目标责任状：10项产出指标均已量化，5项效益指标中3项没有目标值。",
            "中",
            recorders[0],
            dt.date(2020, 6, 2),
            category="项目管理",
        ),
        o(
            "OBS-02b",
            "项目验收和活动资料归档不及时",
            "部分新建服务站的竣工验收资料和部分试点社区的活动台账未及时归档，签到表、照片、活动总结等过程资料不全。",
            "过程",
            "制度执行有效性",
            "金桥社区、马河社区、虎山社区",
            "实地调研",
            "实地调研抽查8个社区业务档案：金桥社区增项工程无验收单；马河社区、虎山社区2018年下半年活动无签到表和活动总结。",
            "中",
            recorders[1],
            dt.date(2020, 6, 9),
            category="项目管理",
        ),
        o(
            "OBS-04",
            "社会组织活动场地不足",
            "新培育的社区社会组织数量增加较快，但多数社区只能临时借用会议室、活动室，社会组织缺少固定活动场地；"
            "部分社区社会工作室与社区办公用房合用，活动难以经常开展。",
            "效果",
            "可持续影响",
            "城南社区、鹏程社区、响水社区、名桥社区",
            "实地调研",
            "实地调研8个试点社区：6个社区的社会组织没有固定活动场所；电话访谈中多数社会组织受访者表示活动场地无稳定保障。",
            "中",
            recorders[0],
            dt.date(2020, 6, 16),
            category="效益",
        ),
    ]


# --------------------------------------------------------------------------- parameters
PROJECT = """# 2018 年度项目概况（全部为重构的虚构案例）— what the evaluated project is. The suite reads every fact
# about the project from here, never from its code. No published report exists for 2018:
# the names below are the 2017 parties carried over for the fictional second year.

[project]
name = "荆门市社区公共服务站和“三社联动”试点建设项目"
code = ""
commissioner = "荆门市财政局"          # 委托方
evaluator = "荆门乾正资产评估事务所"   # 评价机构（第三方）
lead_evaluator = ""                    # 主评人：报告未载明，签字栏留空
team = []
period_start = 2018-01-01              # 评价期间
period_end = 2019-03-31
reference_date = 2020-06-30            # 评价基准日
report_date = 2020-08-31               # 报告日期（虚构）
framework = "2013"                     # 投入 / 过程 / 产出 / 效果

[workpapers]
prepared_by = ""                       # 编制人：未载明，底稿留签字栏
reviewed_by = ""                       # 复核人

[[grant_types]]
name = "公共服务站基础设施建设"
receipt_keywords = ["专项", "公共服务站", "基础设施"]
allowed_accounts = ["500102"]
allowed_keywords = ["装修", "维修", "改造", "设施", "设备", "工程款", "服务站"]
forbidden_keywords = ["工资", "奖金", "津贴", "福利", "招待", "宴请", "餐费", "烟酒", "礼品", "旅游", "罚款", "滞纳金"]
note = "先建后补、以奖代补：用于社区公共服务站场所的建设、改造、维修及设施设备购置"

[[grant_types]]
name = "三社联动试点"
receipt_keywords = ["专项", "以奖代补", "三社联动"]
allowed_accounts = ["500102"]
allowed_keywords = ["社会组织", "社工", "社会工作室", "公益创投", "培训", "活动", "孵化"]
forbidden_keywords = ["招待", "宴请", "烟酒", "礼品", "旅游", "罚款", "滞纳金"]
note = "以奖代补：用于社会组织培育孵化、社会工作室建设、社工队伍建设、公益创投及培训活动"

[survey]
groups = ["居民", "社区工作者", "社会组织"]  # 受访者类别（问卷、电话访谈、抽样计划）

[accounts]
preset = "事业单位会计制度"            # 各社区居委会按事业单位会计制度科目记账（重构假设）
"""

PARAMETERS = """# 2018 年度评价参数（重构案例）— defaults for `jixiao run --year 2018`.
# Top-level keys go to every notebook that declares them; a [step] table only to that step's
# notebook (02_sampling → [sampling]). Override on the command line: -p name value, or
# -p step.name value.

seed = 20181231  # 抽样随机种子：同一种子、同一数据，抽样结果在任何机器上一致

# 本年度案例为重构数据，人员姓名、手机号、身份证号均为虚构：受访者代码可用公开的默认盐值生成。
# 真实数据不要写这一行，而要设置环境变量 JIXIAO_PRIVACY_SALT（见 README「Data handling promises」）。
reconstructed_case = true

[survey]
satisfied_levels = [5, 4]
confidence = 0.95
interval_method = "wilson"
margin = 0.05

[sampling]
population = "专项资金相关"  # 抽样总体：专项资金的支出（项目支出科目、项目辅助核算，以及合规检查认定记入基本支出的专项支出）
method = "mus"  # 统计抽样方法：货币单位抽样
confidence = 0.95
tolerable_rate = 0.05
expected_rate = 0.0
tolerable_misstatement_ratio = 0.05
key_item_threshold_yuan = 50000  # 5 万元以上的支出全部检查（关键项目）
include_flagged = true  # 合规检查标记的支出全部检查（重点关注项目）

[compliance]
evaluation_date = "2020-06-30"  # 评价基准日
due_rule = "budget_year_end"
grant_period_end = "2019-03-31"  # 2018 年专项资金使用期限
use_holiday_calendar = true
duplicate_window_days = 7
round_amount_yuan = 1000
round_min_yuan = 10000
approval_threshold_yuan = 10000
"""

# --------------------------------------------------------------------------- indicator workbook
# The 2013 framework of 2017 (same tree and weights); the evaluator's 2018 judgements, and
# deductions tied to the 2018 observations. Scores of the metric rules come from the data.
_BY_CODE = {row.code: row for row in ROWS_2017}
INDICATOR_CHANGES = {
    "A1.2": dict(parameters="扣分=OBS-02a:1", links="OBS-02a"),
    "A1.3": dict(parameters="扣分=OBS-02a:1.5", links="OBS-02a"),
    "B1.2": dict(parameters="扣分=OBS-02b:1", links="OBS-02b"),
    "B2.1": dict(
        data_source="案卷研究：财务管理制度、专项资金管理办法；明细账（合规性检查）",
        conclusion="基本健全",
        rationale="财务制度已建立，各社区专项资金均设项目辅助核算，但缺少项目支出的预算控制和审批要求："
        "出现超过下达金额支出、项目期外支出、超范围列支招待费和重复付款（合规性检查）。",
        links="类别:资金使用, 类别:会计核算",
    ),
    # The 2018 evaluator judged financial monitoring as a whole (overspending, out-of-period and
    # out-of-scope spending, duplicate payments), not by the voucher sample alone.
    "B2.3": dict(
        rule_type="专家评判",
        parameters="",
        criteria="监控措施有效得满分；由评价组依据凭证抽查、合规性检查和案卷研究评判，须写明理由。",
        conclusion="2",
        rationale="监控措施未能发现和阻止超支、期外支出、超范围列支和重复付款（合规性检查）；"
        "凭证抽查中有原始凭证不齐、发票金额与记账金额不符的情况。",
        links="类别:资金使用, 类别:会计核算, voucher_deviation_upper_limit",
    ),
    "C4.1": dict(
        conclusion="4",
        rationale="按核定标准补助，但金桥社区服务站增项工程未经审批，项目支出超过下达金额（合规性检查）。",
        links="类别:资金使用, 类别:会计核算",
    ),
    "D1.1": dict(
        conclusion="①②④",
        rationale="社会组织数量增加，但多数缺少固定活动场地，活动难以经常开展（OBS-04），“社会组织发展”要素未达到。",
        links="OBS-04",
    ),
    "D1.2": dict(parameters="扣分=OBS-04:1.5", links="OBS-04"),
}
ROWS_2018 = tuple(replace(_BY_CODE[code], **INDICATOR_CHANGES.get(code, {})) for code in _BY_CODE)


def write_indicator_workbook(path: Path) -> Path:
    """指标体系_2018.xlsx in the same layout as 2017's (the jixiao.scoring sheet and notes)."""
    workbook = build_workbook(
        ROWS_2018, "2018年社区公共服务站和“三社联动”试点建设项目绩效评价指标体系（重构案例）"
    )
    return save_workbook(workbook, path, timestamp=TIMESTAMP)


# --------------------------------------------------------------------------- README
README = """# 2018 年案例原始资料（重构，非真实资料）/ Raw case file, 2018 (reconstructed)

**没有公开发布的 2018 年评价报告。** 本文件夹的全部内容都是为检验评价流程而虚构的第二年案例：
同一项目（荆门市社区公共服务站和“三社联动”试点）的第二年，金额、单位、问题均为编造，
不代表任何真实的评价结论。
There is no published 2018 evaluation report: everything here is a made-up second year of the
same programme, to show that the pipeline runs for another year with no code change.

## 案例设定 / The story

- 2018 年专项资金 180 万元：公共服务站基础设施建设 90 万元（8 个新建服务站的社区，长宁、麻城各 15 万元，其余各 10 万元），
  “三社联动”试点以奖代补 90 万元（15 个社区，各 6 万元）；长宁、麻城社区两类资金都有，共 21 个社区。
  获得资金的社区与 2017 年不同，因此两年的明细账没有重叠期间（2017 年明细账截至 2018 年 6 月）。
- 资金全部在 2018 年内到位（不再出现 2017 年的拨付滞后）。项目期限截至 2019-03-31；明细账期间 2018-01 至 2019-06。
  为便于两年比较，2019 年的分录仍按事业单位会计制度科目记账（简化处理）。
- 所有单位都按项目单独核算。本年的问题（由合规性检查从数据中发现，不录入观察记录）：
  - {overspend}
  - {after_period}
  - {out_of_scope}
  - {duplicate}
- 产出：社区社会工作室计划 30 个、建成 27 个；基础设施项目 8 个全部建成，但金桥社区增项工程晚于计划完工（按期完成 = 否）。
- 问卷：居民样本 {residents} 份，达到 ±5% 误差所需的 382 份；总体满意率（非常满意+满意，有效答案，反向题已还原，
  重复问卷只计一次）{satisfied} / {valid} = {rate:.1%}，低于 2017 年。
- 评价组观察记录 3 条：OBS-02a 绩效目标已设置但部分指标不可量化（案卷研究）、OBS-02b 项目验收和活动资料归档不及时（实地调研）、
  OBS-04 社会组织活动场地不足（实地调研）。编号沿用 2017 年报告的问题序号（2 = 评价指标体系，4 = 社会组织发展后劲）。
- 其他小瑕疵 / other blemishes: {blemishes}
- 人名、手机号、身份证号、凭证、金额、公司名称、社区名称均为虚构 / all names, numbers and companies are fictional.

## 指标体系与评价组判断是构造的 / What of the scoring is made up

`指标体系_2018.xlsx` 沿用 2017 年重构的指标体系（见 `data/raw/2017/README.md`），并按本年的问题改写了部分指标的评价结论、
评分理由和扣分；与 2017 年一样，下列内容全部是构造，不代表任何实际评价 / the indicator system is 2017's
reconstruction with this year's judgements; all of it is made up:

{reconstruction}

## 比 2017 年更“乱”的原始文件 / Messier inputs than 2017

- 资金下达明细：标题下多一行填报说明（表头在第 3 行）；“到账日期”一列是没有日期格式的 Excel 序列号；表中有 1 个空行。
- 明细账：{csv_count} 个单位为 CSV 导出（GBK 或 GB18030 编码）；部分单位的表头为财务软件的别名（制单日期、科目代码、借方金额、贷方金额）；
  金额为带千分位或“￥”的文本；日期写作“2018年5月3日”或“2018.05.03”；表头上方多出打印日期、币种等标题行；月份之间有空行。
- 问卷：数字答案有的按文本、有的为全角数字，文字答案夹有空格；无效答案更多（空白、6、“还行”“4分”“说不清”等），3 份重复录入。

## 文件 / Files

{files}

## 重新生成 / Regenerate

    .venv/bin/python scripts/generate_case_2018.py            # 写入 data/raw/2018（种子 {seed}）
    .venv/bin/python scripts/generate_case_2018.py --out /tmp/case --seed 7

相同种子逐字节相同 / the same seed gives byte-identical files. 抽样清单按 `data/raw/2018/parameters.toml`
的抽样参数选取（与 02_sampling 一致）。
"""


def write_readme(out: Path, seed: int, lines: list[str], facts: dict) -> None:
    text = README.format(
        files="\n".join(lines),
        seed=seed,
        reconstruction=reconstruction_statement(ROWS_2018),
        **facts,
    )
    (out / "README.md").write_text(text, encoding="utf-8", newline="\n")


# --------------------------------------------------------------------------- main
def generate(out: Path, seed: int = DEFAULT_SEED) -> dict:
    """Write every reconstructed raw file of 2018 into ``out``; returns counts per file."""
    streams = np.random.SeedSequence(seed).spawn(6)
    rng_grants, rng_ledgers, rng_survey, rng_interviews, rng_observations, rng_planted = (
        np.random.default_rng(s) for s in streams
    )
    out.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    summary: dict = {}

    (out / "parameters.toml").write_text(PARAMETERS, encoding="utf-8", newline="\n")
    lines.append(
        "- `parameters.toml` — 本年度各步骤的默认参数（评价基准日 2020-06-30，项目期限 2019-03-31，抽样种子）。"
    )
    (out / "project.toml").write_text(PROJECT, encoding="utf-8", newline="\n")
    lines.append(
        "- `project.toml` — 项目概况：委托方、评价机构、评价期间、指标框架、两种资金类型（到账关键词与使用范围）、"
        "科目体系（事业单位会计制度）。"
    )

    grants = build_grants(rng_grants)
    name = f"资金下达明细_{YEAR}.xlsx"
    n = allocations.write_allocations(
        grants,
        out / name,
        timestamp=TIMESTAMP,
        title="2018年荆门市中心城区社区公共服务站和“三社联动”试点建设专项资金下达及到位明细",
        subtitle="填报单位：荆门市民政局　　金额单位：元　　到账日期据各区财政局拨款回单填列",
        serial_arrival_dates=True,
        blank_after=(len(INFRA_COMMUNITIES),),
    )
    lines.append(
        f"- `{name}` — 工作表 `资金下达`：第 1–2 行标题和填报说明，第 3 行表头，{n} 行拨款"
        f"（{len(INFRA_COMMUNITIES)} 笔基础设施 + {len(SANSHE_COMMUNITIES)} 笔三社联动，中间 1 个空行；到账日期为 Excel 序列号）。"
    )
    summary[name] = n

    planted = planted_payments(rng_planted)
    suppliers_trades = ("物业管理有限公司", "办公用品经营部", "广告印务有限公司", "商贸有限公司")
    payees = {
        t: common.fictional_companies(rng_ledgers, 8, s.payee_trades)
        for t, s in LEDGER_CASE.grant_spending.items()
    }
    total_entries = 0
    csv_count = 0
    for spec in unit_specs(grants, rng_ledgers, planted):
        suppliers = [
            common.fictional_companies(rng_ledgers, 1, (trade,))[0] for trade in suppliers_trades
        ]
        ledger = ledgers.build_unit_ledger(rng_ledgers, spec, LEDGER_CASE, suppliers, payees)
        info = ledgers.write_unit_ledger(ledger, LEDGER_CASE, out, timestamp=TIMESTAMP)
        total_entries += info["entries"]
        csv_count += info["format"] == "csv"
        titles = 3 + len(spec.extra_title_lines)
        where = (
            f"CSV（{spec.csv_encoding.upper()}），前 {titles} 行标题"
            if info["format"] == "csv"
            else f"工作表 `明细账`，前 {titles} 行标题"
        )
        extras = []
        if spec.header_aliases:
            extras.append("表头为软件别名")
        if spec.amount_style in ("text", "yen"):
            extras.append(
                "金额为带千分位" + ("和“￥”" if spec.amount_style == "yen" else "") + "的文本"
            )
        if spec.date_style != "date":
            extras.append(
                "日期写作" + ("“2018年5月3日”" if spec.date_style == "chinese" else "“2018.05.03”")
            )
        if spec.blank_rows:
            extras.append(f"{spec.blank_rows} 个空行")
        lines.append(
            f"- `{info['file']}` — {where}，第 {info['header_row']} 行表头，{info['rows']} 行"
            f"（分录 {info['entries']} 行）" + ("；" + "、".join(extras) if extras else "") + "。"
        )
        summary[info["file"]] = info["entries"]
    summary["ledger_entries"] = total_entries

    name = f"产出完成情况_{YEAR}.xlsx"
    n = outputs.write_outputs(
        list(OUTPUTS),
        out / name,
        timestamp=TIMESTAMP,
        title="2018年社区公共服务站和“三社联动”试点建设项目产出完成情况",
    )
    lines.append(
        f"- `{name}` — 工作表 `产出指标`：第 1 行标题，第 2 行表头，{n} 个产出指标（社会工作室 30/27；1 项未按期完成）。"
    )
    summary[name] = n

    result = survey.build_survey(rng_survey, SURVEY_CASE)
    name = f"问卷调查_{YEAR}.xlsx"
    counts = survey.write_survey(
        result,
        out / name,
        timestamp=TIMESTAMP,
        applies_to="、".join(schema.RESPONDENT_GROUPS),
        title="2018年社区公共服务站和“三社联动”试点建设项目满意度调查问卷录入表",
    )
    rate = survey.satisfaction_rate(result)
    achieved = "、".join(f"{g.name} {g.achieved}" for g in SURVEY_CASE.groups)
    lines.append(
        f"- `{name}` — 工作表 `问卷数据`：第 1 行标题，第 2 行表头，{counts['问卷数据']} 行答卷（{achieved} 份，"
        f"另有 {SURVEY_CASE.duplicates} 份重复录入）；`题目`：{counts['题目']} 题（Q6 为反向题）；"
        f"`抽样计划`：{counts['抽样计划']} 类受访者。"
    )
    summary[name] = counts
    summary["satisfaction"] = rate

    rows = interviews.build_interviews(rng_interviews, INTERVIEW_CASE)
    name = f"电话访谈记录_{YEAR}.xlsx"
    n = interviews.write_interviews(
        rows,
        out / name,
        timestamp=TIMESTAMP,
        title="2018年社区公共服务站和“三社联动”试点建设项目电话访谈记录",
    )
    lines.append(
        f"- `{name}` — 工作表 `电话访谈`：第 1 行标题，第 2 行表头，{n} 行"
        f"（{sum(INTERVIEW_CASE.group_counts.values())} 次访谈 × 3–4 个问题）。"
    )
    summary[name] = n

    recorders = common.fictional_names(rng_observations, 2)
    obs = build_observations(recorders)
    name = f"评价组观察记录_{YEAR}.xlsx"
    n = observations.write_observations(
        obs,
        out / name,
        timestamp=TIMESTAMP,
        title="评价组观察记录（案卷研究、座谈会、实地调研、问卷、访谈）",
    )
    lines.append(
        f"- `{name}` — 工作表 `观察记录`：第 1 行标题，第 2 行表头，{n} 条（"
        + "、".join(o.observation_id for o in obs)
        + "）。"
    )
    summary[name] = n

    name = f"指标体系_{YEAR}.xlsx"
    write_indicator_workbook(out / name)
    lines.append(
        f"- `{name}` — 2013 年共性框架（与 2017 年相同的指标和分值），评价组 2018 年的结论、理由和扣分依据。"
    )

    name = f"抽样清单_已填_{YEAR}.xlsx"
    # The overspend (增项工程) was paid without approval: 是否经审批 = 否 if the sample holds it.
    filled = fieldwork.write_filled_fieldwork(
        out,
        YEAR,
        out / name,
        seed=seed,
        timestamp=TIMESTAMP,
        parameters_file=out / "parameters.toml",
        unapproved=((OVERSPEND[0], OVERSPEND[2], OVERSPEND[3]),),
    )
    approval = (
        f"{filled['unapproved']} 项未经审批（{OVERSPEND[0]}增项工程款）"
        if filled["unapproved"]
        else f"抽中的凭证均经审批（未经审批的{OVERSPEND[0]}增项工程款未被抽中）"
    )
    lines.append(
        f"- `{name}` — 工作表 `抽样清单`：评价组填写后的凭证抽查表，{filled['items']} 个项目（与 02_sampling 的选取一致）；"
        f"{filled['missing_documents']} 项缺少原始凭证（{filled['missing_kinds']}），第 {filled['misstated_item']} 项"
        f"（{filled['misstated_kind']}类）发票金额与记账金额不符；{approval}；每项按凭证类别核对应附单据（工资不附发票），"
        f"备注写明核对的或缺少的单据。抽样总体为“{filled['population'].name}”：{filled['population'].description}，"
        f"共 {filled['population'].lines} 笔、{filled['population'].amount_fen / 100:,.2f} 元"
        f"（全部支出 {filled['whole_ledger_lines']} 笔、{filled['whole_ledger_fen'] / 100:,.2f} 元），"
        f"样本覆盖金额的 {filled['population'].amount_share:.1%}。"
    )
    summary[name] = filled

    yuan = common.yuan_text
    facts = dict(
        overspend=f"{OVERSPEND[0]}{OVERSPEND[1]}资金 {OVERSPEND[2]:%Y-%m-%d}“{OVERSPEND[3]}”，项目支出超过下达金额 "
        f"{yuan(OVERSPEND[4])} 元（超支部分由基本经费垫付）；",
        after_period=f"{AFTER_PERIOD[0]}{AFTER_PERIOD[2]:%Y-%m-%d}“{AFTER_PERIOD[3]}” {yuan(AFTER_PERIOD[4])} 元，"
        f"晚于项目期限 {GRANT_PERIOD_END:%Y-%m-%d}；",
        out_of_scope=f"{OUT_OF_SCOPE[0]}{OUT_OF_SCOPE[2]:%Y-%m-%d}“{OUT_OF_SCOPE[3]}” {yuan(OUT_OF_SCOPE[4])} 元记入三社联动项目（招待费，超范围）；",
        duplicate=f"{DUPLICATE_PAYMENT_UNIT}同一笔日常付款重复记账一次（两张凭证，日期、摘要、金额相同）。",
        residents=SURVEY_CASE.groups[0].achieved,
        satisfied=rate[0],
        valid=rate[1],
        rate=rate[0] / rate[1],
        blemishes=f"{'、'.join(WEEKEND_POSTING_UNITS)}有一笔周六记账的日常支出；除此之外没有其他异常。",
        csv_count=csv_count,
    )
    write_readme(out, seed, lines, facts)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the reconstructed 2018 raw case files.")
    parser.add_argument(
        "--out",
        type=Path,
        default=paths.raw_dir(YEAR),
        help="target folder (default data/raw/2018)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default 2018)")
    args = parser.parse_args(argv)
    summary = generate(args.out, args.seed)
    satisfied, valid = summary["satisfaction"]
    print(
        f"wrote {args.out}: {summary['ledger_entries']} ledger entries, "
        f"satisfaction {satisfied}/{valid} = {satisfied / valid:.2%}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
