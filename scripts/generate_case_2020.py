"""Reconstruct a third case, year 2020, of another kind of fund — a wholly made-up case.

    python scripts/generate_case_2020.py [--out DIR] [--seed N]

青禾县2020年基本公共卫生服务补助资金: a fictional county's public-health subsidy, paid to six
township health centres (乡镇卫生院, books under 政府会计制度 with 财务会计 and 预算会计 entries
side by side) and one private non-profit hospital (民办非企业单位, books under 民间非营利组织会计制度)
that serves one urban community. The 2020 framework (决策 / 过程 / 产出 / 效益) is scored.

Every figure that matters is planted here: what each grant allocated and when (and how much of
it) arrived, how much of it each unit spent, the problems, the outputs against their targets and
the survey's answers. The expected figures (资金到位率, 到位及时率, 预算执行率 per unit and overall,
实际完成率, 满意率, the findings and the resulting score and grade) are worked out below from this
plan (:func:`expected_figures`), never read from a run of the suite, and written into the README;
tests/test_run_2020.py checks the suite's run against them. The same seed writes byte-identical
files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from casegen import common, interviews, observations, outputs, survey  # noqa: E402
from casegen import gov_ledgers as gl  # noqa: E402
from casegen.allocations import Grant, write_allocations  # noqa: E402
from jixiao import paths  # noqa: E402
from jixiao.export import save_workbook  # noqa: E402
from make_indicator_workbooks import ROWS_2020_TEMPLATE, build_workbook  # noqa: E402

YEAR = 2020
DEFAULT_SEED = 2020
TIMESTAMP = dt.datetime(2021, 6, 30, 9, 0, 0)
COUNTY = "青禾县"  # fictional
PAYER = "青禾县财政局"
BASIC, FAMILY = (
    "基本公共卫生服务补助",
    "家庭医生签约服务补助",
)  # the case's grant types (project.toml)
FIRST_MONTH, LAST_MONTH = dt.date(2020, 1, 1), dt.date(2021, 6, 1)
EVALUATION_DATE = dt.date(2021, 6, 30)
DUE_DATE = dt.date(2020, 12, 31)  # budget_year_end of the 2020 budget
GRANT_PERIOD_END = dt.date(2021, 3, 31)
UNSPENT_THRESHOLD = 0.2  # EXE-01 above 20% of the arrived money left unspent
PLACE = "乡镇"  # the header of the place column (project.toml community_header)
RESIDENTS, DOCTORS = "辖区居民", "乡村医生"  # respondent groups (project.toml [survey] groups)


# --------------------------------------------------------------------------- the plan
@dataclass(frozen=True)
class Unit:
    community: str  # 社区 column of the allocation records: the township (or urban community)
    street: str  # 乡镇街道
    unit: str  # the accounting unit (recipient, ledger)
    chart: str
    shape: str
    payroll_fen: int


UNITS = (
    Unit("城关镇", "城关镇", "城关镇卫生院", gl.GOV, "utf16_txt", 18_600_000),
    Unit("桃源镇", "桃源镇", "桃源镇卫生院", gl.GOV, "titled_xlsx", 11_200_000),
    Unit("石门乡", "石门乡", "石门乡卫生院", gl.GOV, "plain_xlsx", 6_400_000),
    Unit("白鹤镇", "白鹤镇", "白鹤镇卫生院", gl.GOV, "utf8bom_csv", 9_300_000),
    Unit("双河乡", "双河乡", "双河乡卫生院", gl.GOV, "utf16_txt", 5_700_000),
    Unit("清溪镇", "清溪镇", "清溪镇卫生院", gl.GOV, "plain_xlsx", 7_800_000),
    Unit("城东社区", "城关镇", "青禾县仁济医院", gl.NPO, "titled_xlsx", 4_900_000),
)
BY_COMMUNITY = {u.community: u for u in UNITS}


@dataclass(frozen=True)
class PlannedGrant:
    community: str
    grant_type: str
    amount_fen: int
    issued: dt.date
    arrived: dt.date | None  # None: drawn inside the on-time window
    arrived_fen: int | None  # None: in full
    spent_share: Fraction  # of the arrived money, spent on project lines by the ledger's end


BASIC_DOC = ("青禾财社〔2020〕12号", dt.date(2020, 3, 16))
FAMILY_DOC = ("青禾财社〔2020〕37号", dt.date(2020, 6, 8))
GRANTS = (
    PlannedGrant("城关镇", BASIC, 125_000_000, *BASIC_DOC[1:], None, None, Fraction(96, 100)),
    PlannedGrant("桃源镇", BASIC, 86_000_000, *BASIC_DOC[1:], None, None, Fraction(62, 100)),
    PlannedGrant("石门乡", BASIC, 54_000_000, *BASIC_DOC[1:], None, 43_200_000, Fraction(93, 100)),
    PlannedGrant("白鹤镇", BASIC, 72_000_000, *BASIC_DOC[1:], None, None, Fraction(95, 100)),
    PlannedGrant("双河乡", BASIC, 46_000_000, *BASIC_DOC[1:], None, None, Fraction(90, 100)),
    PlannedGrant("清溪镇", BASIC, 61_000_000, *BASIC_DOC[1:], None, None, Fraction(90, 100)),
    PlannedGrant("城东社区", BASIC, 38_000_000, *BASIC_DOC[1:], None, None, Fraction(1)),
    PlannedGrant("城关镇", FAMILY, 18_000_000, *FAMILY_DOC[1:], None, None, Fraction(92, 100)),
    PlannedGrant("桃源镇", FAMILY, 12_000_000, *FAMILY_DOC[1:], None, None, Fraction(70, 100)),
    PlannedGrant(
        "白鹤镇", FAMILY, 10_000_000, *FAMILY_DOC[1:], dt.date(2021, 1, 18), None, Fraction(88, 100)
    ),
)
ARRIVAL_WINDOWS = {
    BASIC: (dt.date(2020, 4, 1), dt.date(2020, 6, 30)),
    FAMILY: (dt.date(2020, 7, 1), dt.date(2020, 9, 30)),
}

# The planted problems (each found by the suite's checks from the data alone):
# 清溪镇卫生院 books one 基本公卫 payment as basic spending (7201.01) without the 项目 aux: SEP-01.
MISBOOKED = ("清溪镇", BASIC, dt.date(2020, 9, 15), "支付辖区老年人健康体检费", 2_365_000)
# 双河乡卫生院 pays staff bonuses out of the grant: SCP-01 (forbidden use 奖金).
OUT_OF_SCOPE = (
    "双河乡",
    BASIC,
    dt.date(2020, 12, 21),
    "发放基本公共卫生服务人员年终奖金",
    1_860_000,
)
# 青禾县仁济医院 (城东社区) spends 15,320.00 元 above its allocation: SCP-02, and SEP-04 (project
# spending above the booked project income).
OVERSPEND = (
    "城东社区",
    BASIC,
    dt.date(2020, 12, 10),
    "支付城东社区慢性病随访服务外包费",
    1_532_000,
)
# 石门乡卫生院 pays a 基本公卫 bill after the grant period (2021-03-31): SCP-03.
AFTER_PERIOD = (
    "石门乡",
    BASIC,
    dt.date(2021, 5, 12),
    "支付2020年度公共卫生服务项目考核专家劳务费",
    648_000,
)

SPENDING = {
    BASIC: (
        ("支付居民健康档案信息系统维护费", "信息技术有限公司"),
        ("支付老年人健康体检检验试剂采购款", "医疗器械有限公司"),
        ("支付健康教育宣传资料印制费", "广告印务有限公司"),
        ("支付慢性病随访交通补助", "运输服务有限公司"),
        ("购置公共卫生服务随访设备", "医疗设备有限公司"),
        ("支付0-6岁儿童健康体检费", "健康管理有限公司"),
        ("支付孕产妇健康管理服务费", "健康管理有限公司"),
    ),
    FAMILY: (
        ("支付家庭医生签约服务团队服务费", "医疗服务有限公司"),
        ("支付家庭医生签约居民上门随访费", "医疗服务有限公司"),
        ("购置家庭医生签约服务包用品", "医疗器械有限公司"),
    ),
}
PAYMENTS_PER_GRANT = (4, 7)
PAY_DAYS_AFTER_ARRIVAL = (10, 230)


def planned_grants(rng: np.random.Generator) -> list[tuple[PlannedGrant, dt.date, int]]:
    """Each grant with its arrival date and arrived amount (fen)."""
    out = []
    for g in GRANTS:
        if g.arrived is not None:
            arrived = g.arrived
        else:
            days = common.working_days(*ARRIVAL_WINDOWS[g.grant_type])
            arrived = days[int(rng.integers(len(days)))]
        out.append((g, arrived, g.amount_fen if g.arrived_fen is None else g.arrived_fen))
    return out


def planted_spending(g: PlannedGrant, arrived_fen: int) -> int:
    """What the unit spends of one grant on its project lines (fen), planted problems aside."""
    return int(arrived_fen * g.spent_share)


def unit_payments(
    rng: np.random.Generator, settled, payees: dict[str, list[str]]
) -> dict[str, tuple[list[gl.Receipt], list[gl.Payment]]]:
    """Receipts and payments per community: the drawn payments of each grant plus the planted ones."""
    books: dict[str, tuple[list, list]] = {u.community: ([], []) for u in UNITS}
    last_day = common.month_end(LAST_MONTH)
    for g, arrived, arrived_fen in settled:
        receipts, payments = books[g.community]
        receipts.append(
            gl.Receipt(arrived, f"收到2020年{g.grant_type}资金", PAYER, arrived_fen, g.grant_type)
        )
        spent = planted_spending(g, arrived_fen)
        n = int(rng.integers(PAYMENTS_PER_GRANT[0], PAYMENTS_PER_GRANT[1] + 1))
        weights = rng.dirichlet(np.full(n, 3.0))
        amounts = np.floor(weights * spent).astype(np.int64)
        amounts[-1] += spent - int(amounts.sum())
        lo = arrived + dt.timedelta(days=PAY_DAYS_AFTER_ARRIVAL[0])
        hi = min(arrived + dt.timedelta(days=PAY_DAYS_AFTER_ARRIVAL[1]), GRANT_PERIOD_END, last_day)
        days = common.working_days(lo, hi)
        dates = sorted(days[int(i)] for i in rng.choice(len(days), size=n, replace=False))
        kinds = SPENDING[g.grant_type]
        picks = rng.integers(0, len(kinds), size=n)
        who = rng.permutation(len(payees[g.grant_type]))[:n]
        for i in range(n):  # never a round sum by accident (the total stays as planned)
            if amounts[i] % 100_000 == 0:
                amounts[i] -= 1_300
                amounts[(i + 1) % n] += 1_300
        for date, amount, k, w in zip(dates, amounts, picks, who, strict=True):
            payments.append(
                gl.Payment(
                    date, kinds[int(k)][0], payees[g.grant_type][int(w)], int(amount), g.grant_type
                )
            )
    for community, grant_type, date, summary, fen in (MISBOOKED, OUT_OF_SCOPE, AFTER_PERIOD):
        payee = common.fictional_companies(rng, 1, ("服务有限公司",), city=COUNTY)[0]
        books[community][1].append(
            gl.Payment(date, summary, payee, fen, grant_type, basic=(summary == MISBOOKED[3]))
        )
    community, grant_type, date, summary, fen = OVERSPEND
    arrived_fen = next(
        a for g, _, a in settled if g.community == community and g.grant_type == grant_type
    )
    payee = common.fictional_companies(rng, 1, ("社会工作服务中心",), city=COUNTY)[0]
    books[community][1].append(gl.Payment(date, summary, payee, fen, grant_type))
    # the overspend is this payment's amount: spending planned at 100% of the arrived money
    assert planted_spending(GRANTS[6], arrived_fen) == arrived_fen
    return books


# --------------------------------------------------------------------------- outputs
OUTPUTS = (
    outputs.Output(
        "PH-01",
        "居民电子健康档案建档数",
        "份",
        168_000,
        161_280,
        "基本公共卫生服务管理信息系统年报；抽查健康档案",
        planned_cost_fen=600_000_00,
        actual_cost_fen=612_000_00,
    ),
    outputs.Output(
        "PH-02",
        "65岁及以上老年人健康管理人数",
        "人",
        21_500,
        19_350,
        "老年人健康体检花名册；实地调研（部分卫生院体检项目不全）",
        quality_passed="否",
        # 21,500 people at 60 元 planned; the outsourced check-ups cost more in some 卫生院
        planned_cost_fen=1_290_000_00,
        actual_cost_fen=1_354_500_00,
    ),
    outputs.Output("PH-03", "高血压患者规范管理人数", "人", 13_800, 13_110, "慢性病随访记录"),
    outputs.Output("PH-04", "2型糖尿病患者规范管理人数", "人", 4_200, 4_410, "慢性病随访记录"),
    outputs.Output("PH-05", "0-6岁儿童健康管理人数", "人", 9_600, 9_600, "儿童保健手册及系统记录"),
    outputs.Output(
        "PH-06",
        "孕产妇系统管理人数",
        "人",
        1_850,
        1_776,
        "孕产妇保健手册；产后访视于2021年2月才完成",
        completed_on_time="否",
    ),
    outputs.Output(
        "PH-07",
        "家庭医生签约服务人数",
        "人",
        12_000,
        17_520,
        "家庭医生签约服务协议汇总表（目标值低于上年实际签约人数，完成数为目标的146%）",
    ),
    outputs.Output("PH-08", "健康教育讲座次数", "次", 280, 280, "健康教育活动记录、签到表"),
)

# --------------------------------------------------------------------------- survey of service users
COMMUNITIES = tuple(u.community for u in UNITS)
SURVEY_CASE = survey.SurveyCase(
    items=(
        survey.Item("Q1", "您对家庭医生（村医）上门随访服务的满意程度", shift=0.02),
        survey.Item("Q2", "您对免费健康体检服务的满意程度", shift=-0.03),
        survey.Item("Q3", "您对高血压、糖尿病等慢性病随访管理的满意程度", shift=0.01),
        survey.Item("Q4", "您对健康教育讲座和健康咨询活动的满意程度", shift=-0.02),
        survey.Item("Q5", "您对乡镇卫生院医务人员服务态度的满意程度", shift=0.03),
        survey.Item(
            "Q6",
            "体检结果没有人向我解释、反馈（1=非常不同意，5=非常同意）",
            reverse=True,
            shift=-0.04,
        ),
        survey.Item("Q7", "您对居民健康档案查询和使用便利程度的满意程度", shift=-0.05),
        survey.Item("Q8", "您对本地基本公共卫生服务的总体满意程度", shift=0.02),
    ),
    groups=(
        survey.Group(
            RESIDENTS,
            236_000,
            384,
            402,
            satisfied=0.875,
            very=0.42,
            born=(dt.date(1938, 1, 1), dt.date(2002, 12, 31)),
            communities=COMMUNITIES,
        ),
        survey.Group(
            DOCTORS,
            186,
            60,
            57,
            satisfied=0.93,
            very=0.5,
            born=(dt.date(1958, 1, 1), dt.date(1995, 12, 31)),
            communities=COMMUNITIES[:-1],
        ),
    ),
    first_day=dt.date(2021, 5, 10),
    last_day=dt.date(2021, 6, 11),
    id_area_codes=("429001", "429004", "429005"),  # fictional county codes
    id_prefix="WJ20",
    digit_share=0.3,
    blanks=9,
    out_of_range=3,
    unclear=("还可以", "5分", "不清楚"),
    duplicates=2,
    untidy_valid=25,
)

INTERVIEW_CASE = interviews.InterviewCase(
    questions=(
        interviews.Question(
            "T1",
            "您是否知道可以免费享受基本公共卫生服务（健康档案、体检、慢病随访等）？",
            ("是", "否"),
            (RESIDENTS,),
            {RESIDENTS: (0.78, 0.22)},
            {"是": ("村医上门时讲过", "卫生院贴了宣传栏"), "否": ("不知道是免费的",)},
        ),
        interviews.Question(
            "T2",
            "过去一年家庭医生或村医是否为您提供过随访或体检？",
            ("是", "否"),
            (RESIDENTS,),
            {RESIDENTS: (0.82, 0.18)},
            {
                "是": ("每季度来量一次血压", "去年秋天在卫生院做了体检"),
                "否": ("只签了协议，没人来过",),
            },
        ),
        interviews.Question(
            "T3",
            "体检后是否有人向您解释体检结果？",
            ("是", "否"),
            (RESIDENTS,),
            {RESIDENTS: (0.55, 0.45)},
            {"是": ("医生打电话说了结果",), "否": ("体检单拿回来看不懂", "没有人反馈结果")},
        ),
        interviews.Question(
            "T4",
            "基本公共卫生服务补助是否按考核结果及时拨付到村卫生室？",
            ("是", "否"),
            (DOCTORS,),
            {DOCTORS: (0.75, 0.25)},
            {"是": ("按季度拨付",), "否": ("下半年的补助到第二年才拿到",)},
        ),
    ),
    group_counts={RESIDENTS: 40, DOCTORS: 12},
    communities={RESIDENTS: COMMUNITIES, DOCTORS: COMMUNITIES[:-1]},
    first_day=dt.date(2021, 5, 24),
    last_day=dt.date(2021, 6, 18),
)


def build_observations(recorders: list[str]) -> list[observations.Observation]:
    o = observations.Observation
    return [
        o(
            "OBS-02",
            "家庭医生签约服务目标值设置偏低",
            "2020年绩效目标中家庭医生签约服务人数目标为12,000人，低于2019年实际签约人数（16,870人），"
            "实际完成17,520人、为目标的146%；目标值未依据上年实际和服务能力测算，属《项目支出绩效评价管理办法》"
            "第十六条所说的目标设定偏低、超额完成。",
            "决策",
            "绩效目标合理性",
            "青禾县卫生健康局",
            "案卷研究",
            "查阅2020年绩效目标申报表、2019年家庭医生签约服务年报：目标12,000人，2019年实际16,870人。",
            "中",
            recorders[0],
            dt.date(2021, 6, 3),
            category="项目管理",
        ),
        o(
            "OBS-04",
            "健康档案利用率低，体检结果反馈不到位",
            "抽查的居民电子健康档案中，相当一部分建档后无任何更新（“死档”）；老年人体检后多数未收到结果解释，"
            "体检与慢病管理衔接不够，影响项目的持续效果。",
            "效益",
            "可持续影响",
            "石门乡卫生院、双河乡卫生院、清溪镇卫生院",
            "实地调研",
            "实地抽查3个卫生院健康档案240份：97份建档后无更新记录；电话访谈中近半数受访居民表示体检结果无人解释。",
            "中",
            recorders[1],
            dt.date(2021, 6, 10),
            category="效益",
        ),
    ]


# --------------------------------------------------------------------------- indicator workbook
_BY_CODE = {row.code: row for row in ROWS_2020_TEMPLATE}
INDICATOR_CHANGES = {
    "A1.1": dict(rationale="项目属于国家基本公共卫生服务项目，立项依据充分。"),
    "A1.2": dict(rationale="县卫健局会同财政局按规定程序申报、审批，资料齐全。"),
    "A2.1": dict(
        conclusion="基本合理",
        rationale="家庭医生签约服务人数目标12,000人低于上年实际，完成146%，目标设定偏低（OBS-02）。",
        links="OBS-02",
    ),
    "A2.2": dict(rationale="产出指标均已量化，有目标值和完成时限。"),
    "A3.1": dict(rationale="按服务人口和人均补助标准编制预算，标准明确。"),
    "A3.2": dict(rationale="按各卫生院服务人口和绩效考核结果分配，测算依据充分。"),
    "B2.1": dict(rationale="县级制定了基本公共卫生服务项目资金管理办法和绩效考核办法。"),
    "B2.2": dict(
        conclusion="基本有效",
        rationale="合规性检查发现专项资金发放奖金、超过下达金额支出和项目期外支出（类别：资金使用）。",
        links="类别:资金使用",
    ),
    "D1.1": dict(
        criteria="按要素计分，每项2.5分。",
        parameters="要素=①居民健康档案动态使用, ②慢性病患者规范管理成效, ③老年人健康管理覆盖面扩大, ④居民健康素养提升",
        conclusion="②③④",
        rationale="健康档案建档后更新少、利用率低（OBS-04），“健康档案动态使用”要素未达到。",
        links="OBS-04",
    ),
    "D1.2": dict(parameters="扣分=OBS-04:2", links="OBS-04"),
    "D2.1": dict(data_source="问卷调查（服务对象：辖区居民）"),
}
ROWS_2020 = tuple(replace(_BY_CODE[code], **INDICATOR_CHANGES.get(code, {})) for code in _BY_CODE)


def write_indicator_workbook(path: Path) -> Path:
    workbook = build_workbook(
        ROWS_2020, "青禾县2020年基本公共卫生服务补助资金绩效评价指标体系（重构案例）"
    )
    return save_workbook(workbook, path, timestamp=TIMESTAMP)


# --------------------------------------------------------------------------- expected figures
# Worked out from the plan above with the published rules (10号 and the 2020 template's own
# 评分规则), independently of the suite: each indicator is rounded to 0.01 (half up).
GRADE_BANDS = ((90, "优"), (80, "良"), (60, "中"), (0, "差"))


def _round(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _params(text: str) -> dict[str, str]:
    out = {}
    for part in text.split(";"):
        if "=" in part:
            key, _, value = part.partition("=")
            out[key.strip()] = value.strip()
    return out


def _pct(text: str) -> Fraction:
    text = text.strip()
    return Fraction(text[:-1]) / 100 if text.endswith("%") else Fraction(text)


def score_indicator(row, metrics: dict[str, Fraction], findings: set[str]) -> Decimal:
    """One indicator's score by the rule its row states (the seven rule types of the template)."""
    weight = Fraction(str(row.weight))
    p = _params(row.parameters)
    if row.rule_type == "要素计分":
        elements = [e for e in p["要素"].split(",") if e.strip()]
        met = sum(1 for e in elements if e.strip()[0] in row.conclusion)
        return _round(float(weight * met / len(elements)))
    if row.rule_type == "等级评定":
        grades = dict(
            g.split(":")
            for g in p.get("等级", "健全:100%, 基本健全:60%, 不健全:0").replace(" ", "").split(",")
        )
        return _round(float(weight * _pct(grades[row.conclusion])))
    if row.rule_type == "专家评判":
        return _round(row.conclusion)
    if row.rule_type == "问题扣分":
        deductions = [d.split(":") for d in p["扣分"].split(",") if ":" in d]
        lost = sum(Fraction(v) for k, v in deductions if k.strip() in findings)
        return _round(float(max(weight - lost, 0)))
    value = metrics[p["指标"]]
    if row.rule_type == "比例计分":
        target = _pct(p.get("目标", "100%"))
        return _round(float(weight * min(value / target, 1)))
    if row.rule_type == "分档计分":
        bands = [b.split(":") for b in p["分档"].replace(" ", "").split(",")]
        return _round(max((Fraction(s) for t, s in bands if value >= _pct(t)), default=0))
    if row.rule_type == "线性扣分":
        target, step, per = _pct(p["目标"]), _pct(p["每档"]), Fraction(p["每档扣分"])
        gap = (value - target) if p.get("方向") == "不高于目标" else (target - value)
        steps = -(-gap // step) if gap > 0 else 0  # 不足一档按一档
        return _round(float(max(weight - steps * per, 0)))
    raise ValueError(row.rule_type)


def expected_figures(settled, satisfaction: tuple[int, int]) -> dict:
    """Every figure the suite should compute, from the plan."""
    allocated = sum(g.amount_fen for g in GRANTS)
    arrived_by_eval = sum(a for g, d, a in settled if d <= EVALUATION_DATE)
    on_time = sum(a for g, d, a in settled if d <= DUE_DATE)
    per_unit = {}
    for u in UNITS:
        mine = [(g, d, a) for g, d, a in settled if g.community == u.community]
        arrived = sum(a for _, d, a in mine if d <= common.month_end(LAST_MONTH))
        spent = sum(planted_spending(g, a) for g, _, a in mine)
        # planted project payments on top; the misbooked one is basic spending (not a project line)
        for community, _, _, _, fen in (OUT_OF_SCOPE, AFTER_PERIOD, OVERSPEND):
            spent += fen if community == u.community else 0
        per_unit[u.community] = (arrived, spent)
    total_arrived = sum(a for a, _ in per_unit.values())
    total_spent = sum(s for _, s in per_unit.values())
    ratios = [min(Fraction(o.actual) / Fraction(o.planned), 1) for o in OUTPUTS]
    metrics = {
        "fund_arrival_rate": Fraction(arrived_by_eval, allocated),
        "fund_timely_rate": Fraction(
            on_time, allocated
        ),  # every grant is due by the evaluation date
        "budget_execution_rate": Fraction(total_spent, total_arrived),
        "output_completion_rate": sum(ratios) / len(ratios),
        "output_quality_rate": Fraction(
            sum(o.quality_passed == "是" for o in OUTPUTS), len(OUTPUTS)
        ),
        "output_timely_rate": Fraction(
            sum(o.completed_on_time == "是" for o in OUTPUTS), len(OUTPUTS)
        ),
        "satisfaction_rate": Fraction(*satisfaction),
    }
    costed = [
        o for o in OUTPUTS if o.planned_cost_fen is not None and o.actual_cost_fen is not None
    ]
    planned_cost = sum(o.planned_cost_fen for o in costed)
    metrics["cost_saving_rate"] = Fraction(
        planned_cost - sum(o.actual_cost_fen for o in costed), planned_cost
    )
    unit_of = {u.community: u.unit for u in UNITS}
    findings = {f"ARR-01-{g.community}" for g, d, a in settled if d > DUE_DATE or a < g.amount_fen}
    findings |= {
        f"SEP-01-{MISBOOKED[0]}",
        f"SEP-04-{OVERSPEND[0]}",
        f"SCP-01-{OUT_OF_SCOPE[0]}",
        f"SCP-02-{OVERSPEND[0]}",
        f"SCP-03-{AFTER_PERIOD[0]}",
        "OBS-02",
        "OBS-04",
    }
    # Outputs short of plan, and any at 1.5 times its plan or more (03's over_achievement_ratio),
    # are one finding each per rule: they name no unit.
    if any(o.actual < o.planned for o in OUTPUTS):
        findings.add("OUT-02-全部")
    if any(Fraction(o.actual) >= Fraction(3, 2) * Fraction(o.planned) for o in OUTPUTS):
        findings.add("OUT-01-全部")
    findings |= {
        f"EXE-01-{c}"
        for c, (a, s) in per_unit.items()
        if a and Fraction(a - s, a) > Fraction(str(UNSPENT_THRESHOLD))
    }
    metrics["separate_accounting_units"] = Fraction(
        len({f.split("-", 2)[2] for f in findings if f.startswith("SEP-")})
    )
    scores = {row.code: score_indicator(row, metrics, findings) for row in ROWS_2020}
    dims = {}
    for row in ROWS_2020:
        dims[row.level1] = dims.get(row.level1, Decimal(0)) + scores[row.code]
    total = sum(scores.values())
    grade = next(g for low, g in GRADE_BANDS if total >= low)
    return dict(
        metrics=metrics,
        per_unit=per_unit,
        unit_of=unit_of,
        findings=sorted(findings),
        scores=scores,
        dimensions=dims,
        total=total,
        grade=grade,
        total_arrived=total_arrived,
        total_spent=total_spent,
        allocated=allocated,
        arrived_by_eval=arrived_by_eval,
        on_time=on_time,
    )


# --------------------------------------------------------------------------- profile and parameters
PROJECT = f"""# 2020 年度项目概况（全部为重构的虚构案例）— what the evaluated project is. The suite reads every fact
# about the project from here, never from its code. The county, the units and the people are fictional.

[project]
name = "{COUNTY}2020年基本公共卫生服务补助资金"
code = "QH-WJ-2020-03"
commissioner = "{COUNTY}财政局"                # 委托方
evaluator = "青禾正信会计师事务所"            # 评价机构（第三方，虚构）
lead_evaluator = "周明远"                      # 主评人（虚构）
team = ["周明远", "许静", "韩立新"]
period_start = 2020-01-01                      # 评价期间
period_end = 2021-03-31                        # 资金使用期限
reference_date = 2021-06-30                    # 评价基准日
report_date = 2021-08-20                       # 报告日期（虚构）
framework = "2020"                             # 决策 / 过程 / 产出 / 效益（财预〔2020〕10号）
community_header = "{PLACE}"                         # 资金下达、问卷、访谈中受助地点一列的表头

[workpapers]
prepared_by = "许静"
reviewed_by = "周明远"

[[grant_types]]
name = "{BASIC}"
receipt_keywords = ["基本公共卫生", "公卫"]
allowed_accounts = ["720102", "5101"]          # 事业支出-项目支出（卫生院）；业务活动成本（民非医院）
allowed_keywords = ["健康档案", "体检", "健康教育", "宣传", "慢性病", "随访", "公共卫生", "儿童", "孕产妇", "老年人"]
forbidden_keywords = ["奖金", "津贴", "招待", "餐费", "烟酒", "礼品", "旅游", "罚款", "滞纳金"]
note = "按服务人口和人均补助标准安排，用于居民健康档案、健康教育、预防接种、老年人和慢性病患者健康管理等基本公共卫生服务"

[[grant_types]]
name = "{FAMILY}"
receipt_keywords = ["家庭医生"]
allowed_accounts = ["720102", "5101"]
allowed_keywords = ["家庭医生", "签约"]
forbidden_keywords = ["奖金", "招待", "餐费", "烟酒", "礼品", "旅游", "罚款", "滞纳金"]
note = "用于家庭医生签约服务团队的签约、随访和上门服务"

[survey]
groups = ["{RESIDENTS}", "{DOCTORS}"]              # 受访者类别：服务对象和实施人员（乡村医生）

[accounts]
preset = "政府会计制度"                        # 乡镇卫生院：财务会计与预算会计平行记账，预算执行按预算会计读取

[accounts.units]                               # 记账制度不同于上面预设的单位
"青禾县仁济医院" = "民间非营利组织会计制度"    # 民办非企业单位：4501 政府补助收入 / 5101 业务活动成本
"""

PARAMETERS = f"""# 2020 年度评价参数（重构案例）— defaults for `jixiao run --year 2020`.
# Top-level keys go to every notebook that declares them; a [step] table only to that step's
# notebook (02_sampling → [sampling]). Override on the command line: -p name value.

seed = 20201231  # 抽样随机种子

# 本年度案例为重构数据，人员姓名、手机号、身份证号均为虚构：受访者代码可用公开的默认盐值生成。
# 真实数据不要写这一行，而要设置环境变量 JIXIAO_PRIVACY_SALT（见 README「Data handling promises」）。
reconstructed_case = true

[survey]
service_groups = ["{RESIDENTS}"]  # 服务对象满意度只计辖区居民（乡村医生是实施人员）
satisfied_levels = [5, 4]
confidence = 0.95
interval_method = "wilson"
margin = 0.05

[sampling]
population = "专项资金相关"
method = "mus"
confidence = 0.95
tolerable_rate = 0.05
expected_rate = 0.0
tolerable_misstatement_ratio = 0.05
key_item_threshold_yuan = 100000  # 10 万元以上的支出全部检查（关键项目）
include_flagged = true

[compliance]
evaluation_date = "{EVALUATION_DATE.isoformat()}"  # 评价基准日
due_rule = "budget_year_end"  # 2020 年预算资金应于 2020-12-31 前到位
grant_period_end = "{GRANT_PERIOD_END.isoformat()}"  # 资金使用期限
unspent_threshold = {UNSPENT_THRESHOLD}  # 结余超过到位资金 20% 的单位列为问题（EXE-01）
use_holiday_calendar = true
duplicate_window_days = 7
round_amount_yuan = 1000
round_min_yuan = 10000
approval_threshold_yuan = 10000
"""


# --------------------------------------------------------------------------- README
def _yuan(fen: int) -> str:
    return common.yuan_text(int(fen))


def _rate(value: Fraction) -> str:
    return f"{float(value):.2%}"


def readme(seed: int, files: list[str], facts: dict, satisfaction: tuple[int, int]) -> str:
    m = facts["metrics"]
    units = "\n".join(
        f"  | {c} | {facts['unit_of'][c]} | {_yuan(a)} | {_yuan(s)} | {_rate(Fraction(s, a))} |"
        for c, (a, s) in facts["per_unit"].items()
    )
    scores = "\n".join(
        f"  | {row.code} | {row.level1} | {row.level3} | {row.weight} | {row.rule_type} | {facts['scores'][row.code]} |"
        for row in ROWS_2020
    )
    dims = "、".join(f"{d} {v}" for d, v in facts["dimensions"].items())
    return f"""# 2020 年案例原始资料（重构，虚构案例）/ Raw case file, 2020 (reconstructed, fictional)

**本文件夹的全部内容都是虚构的。** 青禾县、各卫生院、医院、公司、人名、手机号、身份证号、凭证和金额均为编造，
用来检验评价流程能否评价另一种资金（不是民政项目）、另一个年度、另一种指标框架和会计制度，不代表任何真实的评价结论。
Everything here is made up: a third case of another kind (a county's public-health subsidy), to show that
the suite evaluates a new project from its profile and data alone. Written by `scripts/generate_case_2020.py`.

## 案例设定 / The story

- {COUNTY}2020年基本公共卫生服务补助资金 {_yuan(facts["allocated"])} 元，两种资金类型：{BASIC}（7 个单位）和
  {FAMILY}（3 个卫生院），共 10 笔下达记录。资金拨付给 6 个乡镇卫生院（事业单位，**政府会计制度**：每笔收支同时记
  财务会计 1002/4001/5001 和预算会计 8001/6001/7201，事业支出分 7201.01 基本支出 / 7201.02 项目支出，项目资金挂「项目」辅助核算）
  和 1 个民办非企业单位（青禾县仁济医院，承担城东社区的基本公卫服务，**民间非营利组织会计制度**：4501 政府补助收入、
  5101 业务活动成本、5201 管理费用）。项目概况 `project.toml` 的 `[accounts.units]` 写明医院按民非制度记账。
- 指标框架：2020 年共性框架（决策 20 / 过程 20 / 产出 30 / 效益 30），等级：90 分（含）以上优、80（含）–90 良、60（含）–80 中、60 以下差。
- 评价基准日 {EVALUATION_DATE}；应到位日期为预算年度末 {DUE_DATE}；资金使用期限至 {GRANT_PERIOD_END}；明细账期间 2020-01 至 2021-06。
- 各单位 2020-12-31 有年末「期末结转」凭证：政府会计制度单位把 6001 / 6101 预算收入和 7201 事业支出结转到 8101 / 8201，
  把 4001 / 4101 收入和 5001 费用结转到 3301 本期盈余；民非医院把收入结转到 3101 / 3102 净资产、费用从 3101 结转。
  结转分录保留项目辅助核算，借贷方向与平时相反：按借方减贷方计算会把全年的收支冲为零，评价流程按项目概况各会计制度的
  结转科目（`[accounts] closing`）把这些凭证排除在收支之外。
- 简化：民非医院的日常医疗成本记入 5201 管理费用，5101 业务活动成本只记本项目支出。

### 埋设的问题（由合规性检查从数据中发现）/ Planted problems

- 石门乡基本公卫资金下达 {_yuan(54_000_000)} 元，截至基准日只到位 {_yuan(43_200_000)} 元（县级配套未拨付）：资金到位率、到位及时率下降，ARR-01。
- 白鹤镇家庭医生签约服务补助 {_yuan(10_000_000)} 元 2021-01-18 才到账，晚于 {DUE_DATE}：ARR-01。
- {MISBOOKED[0]}卫生院 {MISBOOKED[2]}「{MISBOOKED[3]}」{_yuan(MISBOOKED[4])} 元记入 7201.01 基本支出，未挂项目：SEP-01（专项资金未单独核算），不计入项目支出。
- {OUT_OF_SCOPE[0]}卫生院 {OUT_OF_SCOPE[2]}「{OUT_OF_SCOPE[3]}」{_yuan(OUT_OF_SCOPE[4])} 元（禁止用途「奖金」）：SCP-01。
- 青禾县仁济医院（{OVERSPEND[0]}）{OVERSPEND[2]}「{OVERSPEND[3]}」{_yuan(OVERSPEND[4])} 元使支出超过下达金额：SCP-02；项目支出超过账面项目收入：SEP-04。
- {AFTER_PERIOD[0]}卫生院 {AFTER_PERIOD[2]}「{AFTER_PERIOD[3]}」{_yuan(AFTER_PERIOD[4])} 元晚于资金使用期限：SCP-03。
- 桃源镇卫生院两项资金共执行 {_rate(Fraction(facts["per_unit"]["桃源镇"][1], facts["per_unit"]["桃源镇"][0]))}，结余超过到位资金的 {UNSPENT_THRESHOLD:.0%}：EXE-01。
- 产出未达计划的 {sum(o.actual < o.planned for o in OUTPUTS)} 项合为 OUT-02（产出未完成计划数）；家庭医生签约完成 146%，低于 03 的 `over_achievement_ratio`（1.5 倍），不列 OUT-01，由评价组记为 OBS-02。
- PH-01、PH-02 填写了计划成本和实际成本（老年人体检外包单价高于计划）：成本节约率 {_rate(facts["metrics"]["cost_saving_rate"])}，C4.1 按线性扣分（超支每 5 个百分点扣 1 分，不足一档按一档）计算。
- 评价组观察记录 2 条：OBS-02 家庭医生签约服务目标值设置偏低（目标 12,000 人、完成 17,520 人，146%，10号第十六条）；
  OBS-04 健康档案利用率低、体检结果反馈不到位（观察记录的「问题类别」：项目管理、效益）。报告「存在的问题」按问题类别分组排列。
- 产出 {len(OUTPUTS)} 项，目标与实际不同：{sum(o.actual < o.planned for o in OUTPUTS)} 项未达目标，1 项（2型糖尿病规范管理 4,410 / 4,200）略超，1 项（家庭医生签约）因目标偏低大幅超额；
  1 项质量未达标（老年人体检项目不全），1 项未按期完成（产后访视）。
- 问卷：服务对象（辖区居民）{SURVEY_CASE.groups[0].achieved} 份（另有 {SURVEY_CASE.duplicates} 份重复录入），8 题（Q6 为反向题）；乡村医生（实施人员）{SURVEY_CASE.groups[1].achieved} 份，
  服务对象满意度只计辖区居民（`parameters.toml` 的 `service_groups`）；电话访谈 {INTERVIEW_CASE.group_counts[RESIDENTS]} 位居民、{INTERVIEW_CASE.group_counts[DOCTORS]} 位乡村医生。
- 项目概况写明本项目的受访者类别（`[survey] groups = ["{RESIDENTS}", "{DOCTORS}"]`）和受助地点一列的表头（`community_header = "{PLACE}"`）：
  资金下达、问卷和访谈记录的这一列表头都是「{PLACE}」。

## 预期结果（由生成脚本按埋设的数字独立推算，不取自评价流程的运行结果）/ Expected figures

Worked out in `expected_figures()` of the generator from the planted amounts, dates, outputs and answers,
with the 2020 template's own rules; `tests/test_run_2020.py` checks the suite's run against them.

- 资金到位率 = {_yuan(facts["arrived_by_eval"])} / {_yuan(facts["allocated"])} = {_rate(m["fund_arrival_rate"])}
- 到位及时率 = {_yuan(facts["on_time"])} / {_yuan(facts["allocated"])} = {_rate(m["fund_timely_rate"])}（全部资金于基准日前应到位）
- 预算执行率（项目支出 ÷ 实际到位；政府会计制度单位只读预算会计 7201 项目支出，民非医院读 5101）：
  总体 {_yuan(facts["total_spent"])} / {_yuan(facts["total_arrived"])} = {_rate(m["budget_execution_rate"])}；分单位：

  | 社区（单位） | 核算单位 | 到位（元） | 项目支出（元） | 预算执行率 |
  |---|---|---|---|---|
{units}

- 实际完成率（各项 min(实际/计划, 1) 的平均）= {_rate(m["output_completion_rate"])}；质量达标率 {_rate(m["output_quality_rate"])}；完成及时率 {_rate(m["output_timely_rate"])}
- 满意率（非常满意+满意，有效答案，反向题还原，重复问卷只计一次）= {satisfaction[0]} / {satisfaction[1]} = {_rate(m["satisfaction_rate"])}
- 专项资金未单独核算的单位 {int(m["separate_accounting_units"])} 个
- 问题清单：{"、".join(facts["findings"])}
- 评分（每项四舍五入到 0.01 分）：

  | 指标 | 一级 | 三级指标 | 分值 | 规则 | 预期得分 |
  |---|---|---|---|---|---|
{scores}

- 各维度：{dims}；**总分 {facts["total"]}，等级 {facts["grade"]}**。

## 明细账的导出格式 / Ledger export shapes

2017、2018 年案例用的是带 3 行标题的 .xlsx 和 GBK / GB18030 编码的 CSV。本年度另有三种：

- Excel「Unicode 文本」.txt：UTF-16（带 BOM）、制表符分隔，「凭证字」「凭证号」分两列，科目编码带点（7201.02），表头为记账日期 / 借方金额 / 贷方金额；
- 用友风格的单表工作簿：工作表名 Sheet1，第 1 行即表头、没有标题行（核算单位取自文件名），表头为 制单日期 / 凭证号数 / 科目代码 / 核算项目 / 对方单位，凭证号补零（记-0007），科目编码用短横线（7201-02）；
- UTF-8（带 BOM）CSV，2 行标题。

未采用的格式（目前的读入程序不支持）：「方向 + 金额」合为一列的导出（只有借方、贷方两列的才可读）、科目编码与名称写在同一格（「5001.01 业务活动费用-商品和服务费用」）、每月一个工作表的工作簿。

## 文件 / Files

{chr(10).join(files)}

## 重新生成 / Regenerate

    .venv/bin/python scripts/generate_case_2020.py            # 写入 data/raw/2020（种子 {seed}）
    .venv/bin/python scripts/generate_case_2020.py --out /tmp/case --seed 7

相同种子逐字节相同 / the same seed gives byte-identical files.
"""


# --------------------------------------------------------------------------- main
def generate(out: Path, seed: int = DEFAULT_SEED) -> dict:
    """Write every raw file of the 2020 case into ``out``; returns the expected figures."""
    streams = np.random.SeedSequence(seed).spawn(6)
    rng_grants, rng_ledgers, rng_survey, rng_interviews, rng_obs, rng_pay = (
        np.random.default_rng(s) for s in streams
    )
    out.mkdir(parents=True, exist_ok=True)
    files = []
    (out / "parameters.toml").write_text(PARAMETERS, encoding="utf-8", newline="\n")
    files.append(
        "- `parameters.toml` — 本年度各步骤的默认参数（评价基准日、资金使用期限、结余问题门槛、抽样种子）。"
    )
    (out / "project.toml").write_text(PROJECT, encoding="utf-8", newline="\n")
    files.append(
        "- `project.toml` — 项目概况：委托方、评价机构、2020 框架、两种资金类型及使用范围、科目体系（政府会计制度，民非医院另列）。"
    )

    settled = planned_grants(rng_grants)
    grants = []
    for k, (g, arrived, arrived_fen) in enumerate(settled, start=1):
        u = BY_COMMUNITY[g.community]
        doc = BASIC_DOC if g.grant_type == BASIC else FAMILY_DOC
        grants.append(
            _Grant(
                f"GW{YEAR}-{k:02d}",
                COUNTY,
                u.street,
                g.community,
                g.grant_type,
                doc[0],
                doc[1],
                g.amount_fen,
                arrived,
                arrived_fen,
                note="县级配套部分未拨付" if arrived_fen < g.amount_fen else "",
                unit=u.unit,
            )
        )
    name = f"资金下达明细_{YEAR}.xlsx"
    n = write_allocations(
        grants,
        out / name,
        timestamp=TIMESTAMP,
        title=f"{COUNTY}2020年基本公共卫生服务补助资金下达及到位明细",
        subtitle="填报单位：青禾县卫生健康局　　金额单位：元　　城东社区的服务由仁济医院承担",
        community_header=PLACE,
    )
    files.append(
        f"- `{name}` — 工作表 `资金下达`：第 1–2 行标题和说明，第 3 行表头，{n} 行拨款（7 笔基本公卫 + 3 笔家庭医生签约）。"
    )

    payees = {
        t: common.fictional_companies(rng_pay, 8, tuple(p for _, p in SPENDING[t]), city=COUNTY)
        for t in SPENDING
    }
    planned = unit_payments(rng_pay, settled, payees)
    period = f"{FIRST_MONTH:%Y年%m月}-{LAST_MONTH:%Y年%m月}"
    shapes = {
        "titled_xlsx": "工作表 `明细账`，3 行标题（含核算单位），第 4 行表头，每月有「本月合计」行",
        "utf16_txt": "Excel Unicode 文本（UTF-16、制表符分隔），2 行标题，第 3 行表头；凭证字与凭证号分列，科目编码带点",
        "plain_xlsx": "单表工作簿 Sheet1，第 1 行表头、无标题行；用友式表头，凭证号补零，科目编码用短横线",
        "utf8bom_csv": "UTF-8（带 BOM）CSV，2 行标题，第 3 行表头",
    }
    entries_total = 0
    for u in UNITS:
        receipts, payments = planned[u.community]
        suppliers = tuple(
            common.fictional_companies(rng_ledgers, 1, (t,), city=COUNTY)[0]
            for t in (
                "供水供电有限公司",
                "办公用品经营部",
                "通信服务有限公司",
                "医疗设备维修有限公司",
            )
        )
        books = gl.UnitBooks(
            u.unit,
            u.chart,
            tuple(receipts),
            tuple(payments),
            u.payroll_fen,
            PAYER,
            suppliers,
            tuple(common.fictional_names(rng_ledgers, 2)),
            shape=u.shape,
        )
        rows = gl.entries(rng_ledgers, books, FIRST_MONTH, LAST_MONTH)
        info = gl.write_ledger(books, rows, out, period=period, timestamp=TIMESTAMP)
        entries_total += info["entries"]
        files.append(
            f"- `{info['file']}` — {u.chart}；{shapes[u.shape]}；分录 {info['entries']} 行。"
        )

    name = f"产出完成情况_{YEAR}.xlsx"
    n = outputs.write_outputs(
        list(OUTPUTS),
        out / name,
        timestamp=TIMESTAMP,
        title=f"{COUNTY}2020年基本公共卫生服务项目产出完成情况",
    )
    files.append(
        f"- `{name}` — 工作表 `产出指标`：{n} 个产出指标（计划数与实际完成数不同，见上）。"
    )

    result = survey.build_survey(rng_survey, SURVEY_CASE)
    name = f"问卷调查_{YEAR}.xlsx"
    counts = survey.write_survey(
        result,
        out / name,
        timestamp=TIMESTAMP,
        applies_to="全部",
        community_header=PLACE,
        title=f"{COUNTY}基本公共卫生服务满意度调查问卷录入表（服务对象）",
    )
    # 服务对象满意度: the residents only (parameters.toml [survey] service_groups)
    residents = [r for r in result["records"] if r[1] == RESIDENTS]
    satisfaction = survey.satisfaction_rate(dict(result, records=residents))
    files.append(
        f"- `{name}` — `问卷数据` {counts['问卷数据']} 行答卷、`题目` {counts['题目']} 题、`抽样计划` {counts['抽样计划']} 类受访者。"
    )

    rows = interviews.build_interviews(rng_interviews, INTERVIEW_CASE)
    name = f"电话访谈记录_{YEAR}.xlsx"
    n = interviews.write_interviews(
        rows,
        out / name,
        timestamp=TIMESTAMP,
        title=f"{COUNTY}基本公共卫生服务电话访谈记录",
        community_header=PLACE,
    )
    files.append(
        f"- `{name}` — 工作表 `电话访谈`：{n} 行（{sum(INTERVIEW_CASE.group_counts.values())} 次访谈：居民 3 个问题、乡村医生 1 个问题）。"
    )

    obs = build_observations(common.fictional_names(rng_obs, 2))
    name = f"评价组观察记录_{YEAR}.xlsx"
    n = observations.write_observations(
        obs, out / name, timestamp=TIMESTAMP, title="评价组观察记录（案卷研究、实地调研）"
    )
    files.append(f"- `{name}` — 工作表 `观察记录`：{n} 条（OBS-02、OBS-04）。")

    name = f"指标体系_{YEAR}.xlsx"
    write_indicator_workbook(out / name)
    files.append(
        f"- `{name}` — 2020 年共性框架模板（`lib/jixiao/templates/指标体系模板_2020.xlsx` 的指标和分值），评价组的结论、理由和扣分依据。"
    )

    facts = expected_figures(settled, satisfaction)
    facts["ledger_entries"] = entries_total
    (out / "README.md").write_text(
        readme(seed, files, facts, satisfaction), encoding="utf-8", newline="\n"
    )
    return facts


@dataclass(frozen=True)
class _Grant(Grant):
    """A grant whose recipient is a health centre or a hospital, not a residents' committee."""

    unit: str = ""

    @property
    def recipient_unit(self) -> str:
        return self.unit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the reconstructed 2020 raw case files.")
    parser.add_argument(
        "--out",
        type=Path,
        default=paths.raw_dir(YEAR),
        help="target folder (default data/raw/2020)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default 2020)")
    args = parser.parse_args(argv)
    facts = generate(args.out, args.seed)
    print(
        f"wrote {args.out}: {facts['ledger_entries']} ledger entries; expected total {facts['total']} "
        f"({facts['grade']}), satisfaction {float(facts['metrics']['satisfaction_rate']):.2%}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
