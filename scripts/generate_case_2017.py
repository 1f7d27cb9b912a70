"""Reconstruct the evaluator's raw files of the 2017 case (荆门市社区公共服务站和"三社联动"试点).

    python scripts/generate_case_2017.py [--out DIR] [--seed N]

Figures stated in the published report (amounts, grant counts, late arrivals, outputs,
problems) are fixed below; everything the report does not state (people, vouchers, amounts
per line, most community names) is drawn from one seeded generator, so the same seed
writes byte-identical files. Writes every raw file of data/raw/2017 (the filled-in sampling
sheet from the selection the committed parameters.toml gives) except the indicator workbook and
parameters.toml, which are maintained elsewhere.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass, replace
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
from make_indicator_workbooks import ROWS_2017, reconstruction_statement  # noqa: E402

YEAR = 2017
DEFAULT_SEED = 2017
TIMESTAMP = dt.datetime(2019, 10, 31, 9, 0, 0)  # evaluation date: stamped into every workbook
INFRA, SANSHE = "公共服务站基础设施建设", "三社联动试点"  # the case's grant types (project.toml)

# --------------------------------------------------------------------------- allocations
# (district, street, community). 浏河社区 and 沿河社区 are named in the report; the other
# names are illustrative stand-ins for the central-city communities it does not list.
INFRA_COMMUNITIES = (
    ("东宝区", "泉口街道", "浏河社区"),
    ("东宝区", "泉口街道", "沿河社区"),
    ("东宝区", "龙泉街道", "象山社区"),
    ("东宝区", "龙泉街道", "竹园社区"),
    ("东宝区", "泉口街道", "泉口社区"),
    ("东宝区", "龙泉街道", "文峰社区"),
    ("掇刀区", "掇刀石街道", "月亮湖社区"),
    ("掇刀区", "掇刀石街道", "虎牙关社区"),
    ("掇刀区", "白庙街道", "白庙社区"),
    ("掇刀区", "双喜街道", "双喜社区"),
)
SANSHE_COMMUNITIES = (
    ("东宝区", "泉口街道", "沿河社区"),
    ("东宝区", "龙泉街道", "龙井社区"),
    ("东宝区", "龙泉街道", "中天社区"),
    ("东宝区", "龙泉街道", "天鹅社区"),
    ("东宝区", "龙泉街道", "响岭社区"),
    ("东宝区", "龙泉街道", "海慧社区"),
    ("东宝区", "泉口街道", "金龙泉社区"),
    ("东宝区", "泉口街道", "杨家岭社区"),
    ("东宝区", "泉口街道", "名泉社区"),
    ("掇刀区", "掇刀石街道", "团林社区"),
    ("掇刀区", "掇刀石街道", "石化社区"),
    ("掇刀区", "掇刀石街道", "凤山社区"),
    ("掇刀区", "白庙街道", "荆南社区"),
    ("掇刀区", "白庙街道", "宋河社区"),
    ("掇刀区", "白庙街道", "培公社区"),
    ("掇刀区", "双喜街道", "望兵石社区"),
    ("掇刀区", "双喜街道", "凤凰社区"),
    ("掇刀区", "双喜街道", "兴隆社区"),
)
INFRA_AMOUNTS_FEN = {"浏河社区": 12_000_000, "沿河社区": 10_000_000}  # others 110,000 元
INFRA_DEFAULT_FEN = 11_000_000
SANSHE_AMOUNT_FEN = 5_000_000
INFRA_DOC = ("荆财社发〔2017〕86号", dt.date(2017, 9, 26))
SANSHE_DOC = ("荆财社发〔2017〕52号", dt.date(2017, 6, 20))
ARRIVAL_WINDOWS = {
    INFRA: (dt.date(2017, 10, 16), dt.date(2017, 12, 22)),
    SANSHE: (dt.date(2017, 7, 10), dt.date(2017, 9, 29)),
}
# Problem 1 of the report: these 2017 grants reached the communities only in May 2018.
LATE_ARRIVALS = {
    ("浏河社区", INFRA): dt.date(2018, 5, 16),
    ("沿河社区", INFRA): dt.date(2018, 5, 23),
    ("沿河社区", SANSHE): dt.date(2018, 5, 23),
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
                arrived_date=LATE_ARRIVALS.get((community, INFRA)),
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
                arrived_date=LATE_ARRIVALS.get((community, SANSHE)),
                note="以奖代补",
            )
        )
    return allocations.settle_arrivals(grants, rng, ARRIVAL_WINDOWS)


# --------------------------------------------------------------------------- big year
@dataclass(frozen=True)
class BigYear:
    """The 2017 case scaled up (issue 16, ``benchmarks/bench_big_year.py``): the 27 case
    communities and their 28 grants, plus made-up communities up to ``units`` holding
    ``grants`` grants in all (every new community one grant, the first few both types), and
    every unit busy enough for about ``lines`` ledger lines in all. The committed case is
    ``generate(out)`` without it, byte for byte."""

    units: int = 200
    lines: int = 1_500_000
    grants: int = 245

    def check(self) -> None:
        base_units, base_grants = len(ALL_COMMUNITIES), len(INFRA_COMMUNITIES + SANSHE_COMMUNITIES)
        extra_units, extra_grants = self.units - base_units, self.grants - base_grants
        if extra_units < 0 or not extra_units <= extra_grants <= 2 * extra_units:
            raise ValueError(
                f"a big year needs at least {base_units} units and 1–2 grants per added unit "
                f"(units {self.units}, grants {self.grants})"
            )


BIG_YEAR_SYLLABLES = "安宝北城春翠东丰福光广和河鸿湖华家建江金康乐林龙明南平青清瑞山胜书顺泰桃天望文西祥新兴阳怡永玉园长正中"
BASE_LINES_PER_UNIT = 240  # a 2017 case unit's own ledger lines, before the everyday payments


def big_year_grants(rng: np.random.Generator, big: BigYear) -> list[Grant]:
    """Grants of the communities a big year adds, in the case's districts and streets."""
    taken = set(ALL_COMMUNITIES)
    names = [
        f"{a}{b}社区"
        for a in BIG_YEAR_SYLLABLES
        for b in BIG_YEAR_SYLLABLES
        if a != b and f"{a}{b}社区" not in taken
    ]
    extra_units = big.units - len(ALL_COMMUNITIES)
    picked = [names[int(k)] for k in rng.choice(len(names), size=extra_units, replace=False)]
    places = list(dict.fromkeys((d, s) for d, s, _ in INFRA_COMMUNITIES + SANSHE_COMMUNITIES))
    both = big.grants - len(INFRA_COMMUNITIES + SANSHE_COMMUNITIES) - extra_units
    counters = {INFRA: len(INFRA_COMMUNITIES), SANSHE: len(SANSHE_COMMUNITIES)}
    grants = []
    for k, community in enumerate(picked):
        district, street = places[k % len(places)]
        kinds = (INFRA, SANSHE) if k < both else ((INFRA, SANSHE)[k % 2],)
        for kind in kinds:
            counters[kind] += 1
            prefix, doc = ("JS", INFRA_DOC) if kind == INFRA else ("SL", SANSHE_DOC)
            amount = INFRA_DEFAULT_FEN if kind == INFRA else SANSHE_AMOUNT_FEN
            grants.append(
                Grant(
                    f"{prefix}{YEAR}-{counters[kind]:03d}",
                    district,
                    street,
                    community,
                    kind,
                    doc[0],
                    doc[1],
                    amount,
                    note="先建后补、以奖代补" if kind == INFRA else "以奖代补",
                )
            )
    return allocations.settle_arrivals(grants, rng, ARRIVAL_WINDOWS)


def big_year_spec(spec: ledgers.UnitSpec, sundries: float) -> ledgers.UnitSpec:
    """A unit of the big year: busy; an added community exports its ledger as GB18030 CSV,
    except one in eight (by name) that keeps the xlsx of the template."""
    added = spec.community not in ALL_COMMUNITIES
    as_xlsx = sum(spec.community.encode("utf-8")) % 8 == 0
    file_format = "csv" if added and not as_xlsx else spec.file_format
    return replace(spec, daily_sundries=sundries, file_format=file_format)


def daily_sundries(big: BigYear) -> float:
    """Everyday payments per working day that bring each unit to ``big.lines / big.units``
    lines (two lines each; about one line a month more for the funding receipts)."""
    days = len(
        common.working_days(LEDGER_CASE.first_month, common.month_end(LEDGER_CASE.last_month))
    )
    months = len(common.month_starts(LEDGER_CASE.first_month, LEDGER_CASE.last_month))
    extra = big.lines / big.units - BASE_LINES_PER_UNIT - 2 * months
    return max(extra, 0) / (2 * days)


# --------------------------------------------------------------------------- ledgers
LEDGER_CASE = ledgers.LedgerCase(
    first_month=dt.date(2017, 1, 1),
    last_month=dt.date(2018, 6, 1),
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
            receipt_summary="收到2017年社区公共服务站基础设施建设补助资金",
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
            receipt_summary="收到2017年“三社联动”试点以奖代补资金",
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
            payments=(4, 7),
            share_spent=(0.85, 0.98),
            days_after_arrival=(7, 200),
        ),
    },
)
# Problem 3 of the report (专项资金不单独核算) lives in exactly these three units.
NO_SEPARATE_ACCOUNTING = ("沿河社区",)
PARTLY_MIXED = {"中天社区": 2, "荆南社区": 2}  # project payments booked as basic expenditure
CSV_UNITS = ("龙井社区", "团林社区", "培公社区")  # GB18030 CSV exports
TEXT_AMOUNT_UNITS = ("象山社区", "宋河社区")  # amounts as '12,345.60' text cells
JI_VOUCHER_UNITS = (
    "浏河社区",
    "竹园社区",
    "文峰社区",
    "月亮湖社区",
    "白庙社区",
    "天鹅社区",
    "金龙泉社区",
    "名泉社区",
    "石化社区",
    "望兵石社区",
    "兴隆社区",
)
WEEKEND_POSTING_UNITS = ("竹园社区", "凤凰社区")  # one Saturday posting each
DUPLICATE_PAYMENT_UNIT = "文峰社区"  # one ordinary payment entered twice


def unit_specs(grants: list[Grant], rng: np.random.Generator) -> list[ledgers.UnitSpec]:
    by_community: dict[str, list[Grant]] = {}
    district = {}
    for g in grants:
        by_community.setdefault(g.community, []).append(g)
        district[g.community] = g.district
    # Monthly payroll 6,000–60,000 元, spread evenly over the decade on a log scale (one
    # stratum per unit) so the books' first digits follow Benford's law as real ones do.
    strata = (rng.permutation(len(by_community)) + rng.random(len(by_community))) / len(
        by_community
    )
    payroll = np.round(6_000 * 10**strata) * 100
    specs = []
    for k, community in enumerate(by_community):  # allocation order: infrastructure list first
        booking = ledgers.BOOKING_SEPARATE
        if community in NO_SEPARATE_ACCOUNTING:
            booking = ledgers.BOOKING_NONE
        elif community in PARTLY_MIXED:
            booking = ledgers.BOOKING_PARTIAL
        specs.append(
            ledgers.UnitSpec(
                community=community,
                district=district[community],
                grants=tuple(by_community[community]),
                booking=booking,
                monthly_payroll_fen=int(payroll[k]),
                mixed_payments=PARTLY_MIXED.get(community, 0),
                voucher_style="记" if community in JI_VOUCHER_UNITS else "收付",
                file_format="csv" if community in CSV_UNITS else "xlsx",
                amount_style="text" if community in TEXT_AMOUNT_UNITS else "number",
                weekend_postings=int(community in WEEKEND_POSTING_UNITS),
                duplicate_payment=community == DUPLICATE_PAYMENT_UNIT,
            )
        )
    return specs


# --------------------------------------------------------------------------- outputs
OUTPUTS = (
    outputs.Output(
        "CC-01", "公共服务站基础设施建设项目建成数", "个", 10, 10, "项目申报及验收资料；实地调研"
    ),
    outputs.Output(
        "CC-02",
        "市级社会组织孵化基地建成数",
        "个",
        1,
        1,
        "《荆门市推进“三社联动”试点工作方案》；实地调研",
    ),
    outputs.Output(
        "CC-03", "街道（乡镇）社区社会组织服务中心建成数", "个", 5, 5, "市民政局工作总结；实地调研"
    ),
    outputs.Output("CC-04", "社区社会工作室建成数", "个", 25, 25, "市民政局工作总结；实地调研"),
    outputs.Output(
        "CC-05", "社区公益服务创投项目（创意策划）数", "个", 100, 100, "公益创投活动项目清单"
    ),
    outputs.Output(
        "CC-06",
        "全省社区公益服务项目创投大赛获奖数",
        "项",
        11,
        11,
        "获奖通报：一等奖1名、三等奖2名、优秀奖3名、优秀项目推介人奖2个、首批社区治理品牌项目奖2个、优秀组织奖1个",
    ),
    outputs.Output("CC-07", "新增专业社工人数", "人", 70, 70, "社工职业水平考试通过名单"),
    outputs.Output("CC-08", "全市持证社工总人数", "人", 344, 344, "市民政局社工人才统计"),
    outputs.Output("CC-09", "组织培训场次", "场", 3, 3, "培训通知、签到表"),
    outputs.Output("CC-10", "组织考察学习次数", "次", 2, 2, "考察学习通知及总结"),
)

# --------------------------------------------------------------------------- survey
ALL_COMMUNITIES = tuple(dict.fromkeys(c for _, _, c in INFRA_COMMUNITIES + SANSHE_COMMUNITIES))
SANSHE_NAMES = tuple(c for _, _, c in SANSHE_COMMUNITIES)
SURVEY_CASE = survey.SurveyCase(
    items=(
        survey.Item("Q1", "您对社区公共服务站办事环境和服务设施的满意程度", shift=0.02),
        survey.Item("Q2", "您对社区公共服务站服务内容和办事效率的满意程度", shift=0.01),
        survey.Item("Q3", "您对社区工作人员服务态度的满意程度", shift=0.03),
        survey.Item("Q4", "您对社区社会组织开展的服务和活动的满意程度", shift=-0.04),
        survey.Item("Q5", "您对社区社会工作室（社工）提供的专业服务的满意程度", shift=-0.02),
        survey.Item(
            "Q6",
            "到社区公共服务站办事仍需多次往返、手续繁琐（1=非常不同意，5=非常同意）",
            reverse=True,
            shift=0.01,
        ),
        survey.Item("Q7", "您对“三社联动”试点以来社区治理和居民参与变化的满意程度", shift=-0.03),
        survey.Item("Q8", "您对社区公共服务站和“三社联动”试点项目的总体满意程度", shift=0.02),
    ),
    groups=(
        survey.Group(
            "居民",
            52_000,
            385,
            302,
            satisfied=0.92,
            very=0.52,
            born=(dt.date(1945, 1, 1), dt.date(2000, 12, 31)),
            communities=ALL_COMMUNITIES,
        ),
        survey.Group(
            "社区工作者",
            260,
            100,
            81,
            satisfied=0.955,
            very=0.6,
            born=(dt.date(1965, 1, 1), dt.date(1996, 12, 31)),
            communities=ALL_COMMUNITIES,
        ),
        survey.Group(
            "社会组织",
            150,
            60,
            46,
            satisfied=0.94,
            very=0.55,
            born=(dt.date(1955, 1, 1), dt.date(1995, 12, 31)),
            communities=SANSHE_NAMES,
        ),
    ),
    first_day=dt.date(2019, 9, 16),
    last_day=dt.date(2019, 10, 18),
    id_area_codes=("420801", "420802", "420804", "420821", "420822", "420881"),
)

# --------------------------------------------------------------------------- interviews
INTERVIEW_CASE = interviews.InterviewCase(
    questions=(
        interviews.Question(
            "T1",
            "您是否了解社区公共服务站和“三社联动”试点项目？",
            ("是", "否"),
            schema.RESPONDENT_GROUPS,
            {"居民": (0.8, 0.2), "社区工作者": (1.0, 0.0), "社会组织": (1.0, 0.0)},
            {
                "是": (
                    "通过社区宣传栏和网格员了解",
                    "参加过社区组织的活动，知道这个项目",
                    "参与了项目申报和实施",
                ),
                "否": ("不清楚项目名称，只知道社区服务站翻新了",),
            },
        ),
        interviews.Question(
            "T2",
            "您对社区公共服务站提供的服务满意吗？",
            ("满意", "基本满意", "不满意"),
            schema.RESPONDENT_GROUPS,
            {"居民": (0.7, 0.25, 0.05), "社区工作者": (0.8, 0.2, 0.0), "社会组织": (0.7, 0.3, 0.0)},
            {
                "满意": ("服务站办事比以前方便，环境也好了", "工作人员态度好，一次就办完了"),
                "基本满意": ("希望周末也能开放办事", "服务项目还可以再多一些"),
                "不满意": ("有时窗口没人，要等很久",),
            },
        ),
        interviews.Question(
            "T3",
            "您所在社区的社会组织是否经常开展活动？",
            ("是", "否"),
            schema.RESPONDENT_GROUPS,
            {"居民": (0.55, 0.45), "社区工作者": (0.6, 0.4), "社会组织": (0.5, 0.5)},
            {
                "是": ("广场舞队、志愿者队每周都有活动", "社工组织的老年人活动比较多"),
                "否": (
                    "活动多集中在检查前后，平时不多",
                    "参加的居民不多，主要是老年人",
                    "活动大多由社区工作人员和网格员组织",
                ),
            },
        ),
        interviews.Question(
            "T4",
            "社会组织的活动经费和场地是否有稳定保障？",
            ("是", "否"),
            ("社区工作者", "社会组织"),
            {"社区工作者": (0.3, 0.7), "社会组织": (0.25, 0.75)},
            {
                "是": ("项目资助到位，场地由社区提供",),
                "否": (
                    "经费主要靠上级资助，资助用完后活动难以为继",
                    "没有固定活动场地，借用社区会议室",
                    "缺少懂项目策划的人，创投申报材料多由社区代写",
                ),
            },
        ),
    ),
    group_counts={"居民": 24, "社区工作者": 10, "社会组织": 6},
    communities={"居民": ALL_COMMUNITIES, "社区工作者": ALL_COMMUNITIES, "社会组织": SANSHE_NAMES},
    first_day=dt.date(2019, 10, 8),
    last_day=dt.date(2019, 10, 25),
)


# --------------------------------------------------------------------------- observations
def build_observations(recorders: list[str]) -> list[observations.Observation]:
    o = observations.Observation
    return [
        o(
            "OBS-02a",
            "评价指标体系尚未形成",
            "项目虽设置了工作目标任务指标，但绩效评价指标体系尚未形成。项目投入、过程、产出、绩效四个维度，"
            "未设置一套科学的评价指标体系和评价标准。考核工作目标任务指标不多、个别指标的代表性较小，"
            "不具有全面性，不能反映项目的主要业绩。",
            "投入",
            "绩效目标合理性、绩效指标明确性",
            "荆门市民政局",
            "案卷研究",
            "查阅项目立项、实施方案及目标责任状：只列工作目标任务，未设绩效目标和量化的绩效指标、评价标准。",
            "中",
            recorders[0],
            dt.date(2019, 10, 14),
            category="项目管理",
        ),
        o(
            "OBS-02b",
            "项目实施资料不全面、活动记录不完整",
            "有的项目执行单位实施资料不全面、活动记录不完整。",
            "过程",
            "制度执行有效性",
            "天鹅社区、团林社区、望兵石社区",
            "实地调研",
            "实地调研抽查试点社区业务档案：部分活动无签到表、照片和活动总结，创投项目过程资料缺失。",
            "中",
            recorders[1],
            dt.date(2019, 10, 17),
            category="项目管理",
        ),
        o(
            "OBS-04",
            "社会组织缺乏发展后劲",
            "社区社会组织普遍小、弱、散，存在经费不足、活动场地缺乏、活动难以经常化、队伍不稳定和服务水平不高等问题。"
            "一些社区社会组织自身没有造血功能，又不善于链接资源，一旦上级资助资金用完，这些社区社会组织就很容易出现运转困难。"
            "社区社会组织提供各种服务同社区实际需要之间有相当大的差距，很多方面还出现空白，社区社会组织“生易养难”。",
            "效果",
            "可持续影响",
            "中心城区试点社区",
            "座谈会",
            "座谈会上社区和社会组织负责人反映经费、场地不足；电话访谈中多数社会组织受访者表示经费和场地无稳定保障。",
            "中",
            recorders[0],
            dt.date(2019, 10, 22),
            category="效益",
        ),
        o(
            "OBS-05",
            "缺乏政策扶持推广困难",
            "从总体上看，由于观念、体制、环境等方面的因素，当前社区建设中各类社区社会组织的发展与管理还很不规范，"
            "导致社区社会组织发挥作用有很大的局限性。社区建设需要全社会的投入，民间的人力、物力的投入更是促进社区建设"
            "持续发展的支柱。同样社会组织的投入也需要政府的扶持，目前中央和省尚未出台推进“三社联动”的综合性文件，"
            "这使得基层推进“三社联动”工作缺乏基本遵循，在全市范围内统一推广困难。",
            "效果",
            "可持续影响",
            "荆门市民政局",
            "座谈会",
            "与市民政局座谈：除本市实施意见外无上级综合性政策文件可依；案卷中未见省级配套文件。",
            "低",
            recorders[1],
            dt.date(2019, 10, 22),
            category="效益",
        ),
        o(
            "OBS-06",
            "组织成员能力有待提升",
            "社区社会组织成员能力有待提升，少数项目单位缺乏公益项目创投的基本技术，不能熟练的掌握和合理的运用相关创投技术和工具，"
            "居民参与积极性不高、发掘居民领袖少。创投工作中存在社区工作人员、网格员包办现象，社团领袖能力未充分发挥，"
            "项目的可持续性让人担忧。",
            "效果",
            "可持续影响",
            "杨家岭社区、宋河社区、兴隆社区",
            "访谈",
            "电话访谈中有受访者表示活动多由社区工作人员和网格员组织、创投申报材料由社区代写。",
            "中",
            recorders[0],
            dt.date(2019, 10, 25),
            category="效益",
        ),
    ]


# --------------------------------------------------------------------------- README
README = """# 2017 年案例原始资料 / Raw case file, 2017

荆门市 2017 年社区公共服务站和“三社联动”试点建设项目绩效评价的原始资料（重构）。
Raw files of the 2017 evaluation of Jingmen's community service stations and "三社联动" pilot (reconstructed).

## 来源 / Where the content comes from

取自已公开的评价报告（荆门市财政局，2020-03-25 发布）的事实 / facts taken from the published report:
- 市财政下达专项资金 200 万元：公共服务站基础设施建设资金 110 万元（10 个社区），“三社联动”试点以奖代补资金 90 万元（18 个社区）。
- 东宝区泉口街道浏河社区公共服务站基础设施建设补助资金，泉口街道沿河社区公共服务站基础设施建设及“三社联动”试点补助资金，2018 年 5 月方才拨付到位（问题 1）。
- 部分单位专项资金不单独核算、混淆基本支出与项目支出（问题 3）。
- 产出：10 个基础设施项目建成；1 个市级社会组织孵化基地；5 个街道（乡镇）社区社会组织服务中心；25 个社区社会工作室；创投项目 100 个；全省大赛 11 个奖项；新增专业社工 70 名；持证社工 344 人；3 场培训；2 次考察学习。
- 问题 2、4、5、6 的文字（观察记录中的“问题描述”）。

重构的内容 / reconstructed (not in the report):
- 浏河、沿河以外的社区名称、街道归属，下达文号与日期，到账日期，单笔金额的分配（浏河 12 万元、沿河 10 万元、其余 8 个各 11 万元；三社联动每个 5 万元）。
- 明细账的全部凭证、金额、摘要、往来单位；不单独核算的单位选为沿河社区（完全不分）和中天社区、荆南社区（部分项目支出记入基本支出）。
- 问卷、电话访谈的全部答卷；观察记录的证据说明、涉及单位、记录人。
- 人名、手机号、身份证号、凭证明细、每行金额、公司名称均为虚构 / people's names, phone and ID numbers, voucher details, amounts per line and company names are fictional.
- 有意保留的小瑕疵 / deliberate minor blemishes: {blemishes}

## 文件 / Files

{files}

## 指标体系与评价组判断是重构的 / What of the scoring is reconstructed

公开报告只给出综合得分 86.5 分、等级“良”和主要问题，没有公布指标体系、分值、评分规则和逐项得分。
`指标体系_2017.xlsx` 中的下列内容因此全部是重构：系为使评价流程按明确的规则复现公开的 86.5 分而选定，
不是原评价的底稿 / the indicator system, its weights and rules, and the team's judgement points are
a reconstruction chosen so that the pipeline reproduces the published 86.5; they are not the
original evaluation's working papers:

{reconstruction}

评分时这些判断在评分表和 score.json 中标为“评价组判断”或注明其依据的观察记录；评价报告“七、其他需要说明的问题”
也说明了这一点 / the report's part seven repeats this notice.

另有文件 / maintained elsewhere: `指标体系_2017.xlsx`（评价组的指标体系、评分规则与判断，由 `scripts/make_indicator_workbooks.py` 写出）、`parameters.toml`（本年度各步骤的默认参数）、`project.toml`（项目概况）、`report_text.toml`（评价报告中取自已公开报告的文字，如主要经验及做法）、`recommendations.csv`（已公开报告的五条建议，每条写明针对的问题类别或观察记录编号）。

## 重新生成 / Regenerate

    .venv/bin/python scripts/generate_case_2017.py            # 写入 data/raw/2017（种子 {seed}）
    .venv/bin/python scripts/generate_case_2017.py --out /tmp/case --seed 7

相同种子逐字节相同 / the same seed gives byte-identical files. 各文件的 SHA-256 见导入步骤写出的 manifest
(`data/processed/2017/manifest.json`) / file hashes are in the manifest written by ingest.

问卷总体满意率（非常满意+满意，有效答案，反向题已还原，重复问卷只计一次）/ overall satisfaction
rate: {satisfied} / {valid} = {rate:.1%}.
"""


def write_readme(
    out: Path, seed: int, lines: list[str], blemishes: str, rate: tuple[int, int]
) -> None:
    text = README.format(
        reconstruction=reconstruction_statement(ROWS_2017, published_total="86.5"),
        files="\n".join(lines),
        seed=seed,
        blemishes=blemishes,
        satisfied=rate[0],
        valid=rate[1],
        rate=rate[0] / rate[1],
    )
    (out / "README.md").write_text(text, encoding="utf-8", newline="\n")


# --------------------------------------------------------------------------- main
def generate(out: Path, seed: int = DEFAULT_SEED, big: BigYear | None = None) -> dict:
    """Write every reconstructed raw file into ``out``; returns counts per file.

    ``big``: the case scaled up to a big year (:class:`BigYear`); its added communities and
    everyday payments come from streams of their own, so the case's files are drawn as without.
    """
    # One independent stream per file kind: changing how ledgers are drawn leaves the
    # questionnaire (and its satisfaction rate) as it was, and vice versa.
    streams = np.random.SeedSequence(seed).spawn(5)
    rng_grants, rng_ledgers, rng_survey, rng_interviews, rng_observations = (
        np.random.default_rng(s) for s in streams
    )
    out.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    summary: dict = {}

    grants = build_grants(rng_grants)
    sundries = 0.0
    if big is not None:
        big.check()
        rng_big = np.random.default_rng(np.random.SeedSequence([seed, big.units, big.grants]))
        grants += big_year_grants(rng_big, big)
        sundries = daily_sundries(big)
    n_infra = sum(g.grant_type == INFRA for g in grants)
    name = f"资金下达明细_{YEAR}.xlsx"
    n = allocations.write_allocations(
        grants,
        out / name,
        timestamp=TIMESTAMP,
        title="2017年荆门市中心城区社区公共服务站和“三社联动”试点建设专项资金下达及到位明细",
    )
    lines.append(
        f"- `{name}` — 工作表 `资金下达`：第 1 行标题，第 2 行表头，{n} 行拨款（{n_infra} 笔基础设施 + {n - n_infra} 笔三社联动）/ grants issued and arrived."
    )
    summary[name] = n

    suppliers_trades = ("物业管理有限公司", "办公用品经营部", "广告印务有限公司", "商贸有限公司")
    payees = {
        t: common.fictional_companies(rng_ledgers, 8, s.payee_trades)
        for t, s in LEDGER_CASE.grant_spending.items()
    }
    total_entries = 0
    for spec in unit_specs(grants, rng_ledgers):
        if sundries:
            spec = big_year_spec(spec, sundries)
        suppliers = [
            common.fictional_companies(rng_ledgers, 1, (trade,))[0] for trade in suppliers_trades
        ]
        ledger = ledgers.build_unit_ledger(rng_ledgers, spec, LEDGER_CASE, suppliers, payees)
        info = ledgers.write_unit_ledger(ledger, LEDGER_CASE, out, timestamp=TIMESTAMP)
        total_entries += info["entries"]
        where = (
            "CSV（GB18030），前 3 行标题"
            if info["format"] == "csv"
            else "工作表 `明细账`，前 3 行标题"
        )
        amounts = "，金额为带千分位的文本" if info["amount_style"] == "text" else ""
        lines.append(
            f"- `{info['file']}` — {where}，第 {info['header_row']} 行表头，{info['rows']} 行"
            f"（分录 {info['entries']} 行，其余为上年结转/本月合计/本年累计）{amounts}。"
        )
        summary[info["file"]] = info["entries"]
    summary["ledger_entries"] = total_entries

    name = f"产出完成情况_{YEAR}.xlsx"
    n = outputs.write_outputs(
        list(OUTPUTS),
        out / name,
        timestamp=TIMESTAMP,
        title="2017年社区公共服务站和“三社联动”试点建设项目产出完成情况",
    )
    lines.append(
        f"- `{name}` — 工作表 `产出指标`：第 1 行标题，第 2 行表头，{n} 个产出指标（计划数 = 实际完成数）/ planned vs actual outputs."
    )
    summary[name] = n

    result = survey.build_survey(rng_survey, SURVEY_CASE)
    name = f"问卷调查_{YEAR}.xlsx"
    counts = survey.write_survey(
        result,
        out / name,
        timestamp=TIMESTAMP,
        applies_to="、".join(schema.RESPONDENT_GROUPS),
        title="2017年社区公共服务站和“三社联动”试点建设项目满意度调查问卷录入表",
    )
    rate = survey.satisfaction_rate(result)
    achieved = "、".join(f"{g.name} {g.achieved}" for g in SURVEY_CASE.groups)
    lines.append(
        f"- `{name}` — 工作表 `问卷数据`：第 1 行标题，第 2 行表头，{counts['问卷数据']} 行答卷（{achieved} 份，"
        f"另有 {SURVEY_CASE.duplicates} 份重复录入；少量无效答案：空白、6、“满意吧”）；"
        f"`题目`：{counts['题目']} 题（Q6 为反向题）；`抽样计划`：{counts['抽样计划']} 类受访者。"
    )
    summary[name] = counts
    summary["satisfaction"] = rate

    rows = interviews.build_interviews(rng_interviews, INTERVIEW_CASE)
    name = f"电话访谈记录_{YEAR}.xlsx"
    n = interviews.write_interviews(
        rows,
        out / name,
        timestamp=TIMESTAMP,
        title="2017年社区公共服务站和“三社联动”试点建设项目电话访谈记录",
    )
    n_interviews = sum(INTERVIEW_CASE.group_counts.values())
    lines.append(
        f"- `{name}` — 工作表 `电话访谈`：第 1 行标题，第 2 行表头，{n} 行（{n_interviews} 次访谈 × 3–4 个问题）。"
    )
    summary[name] = n

    recorders = common.fictional_names(rng_observations, 2)
    name = f"评价组观察记录_{YEAR}.xlsx"
    n = observations.write_observations(
        build_observations(recorders),
        out / name,
        timestamp=TIMESTAMP,
        title="评价组观察记录（案卷研究、座谈会、实地调研、问卷、访谈）",
    )
    lines.append(
        f"- `{name}` — 工作表 `观察记录`：第 1 行标题，第 2 行表头，{n} 条（OBS-02a、OBS-02b、OBS-04、OBS-05、OBS-06；"
        "问题 1、3 不录入，由检查从数据中发现）。"
    )
    summary[name] = n

    name = f"抽样清单_已填_{YEAR}.xlsx"
    filled = fieldwork.write_filled_fieldwork(out, YEAR, out / name, seed=seed, timestamp=TIMESTAMP)
    population = filled["population"]
    lines.append(
        f"- `{name}` — 工作表 `抽样清单`：评价组填写后的凭证抽查表，{filled['items']} 个项目（按 parameters.toml 的抽样参数"
        f"与种子选取，与 02_sampling 的选取一致）；{filled['non_compliant']} 项为专项支出记入基本支出（不合规），"
        f"{filled['missing_documents']} 项缺少原始凭证（{filled['missing_kinds']}），第 {filled['misstated_item']} 项"
        f"（{filled['misstated_kind']}类）发票金额与记账金额不符；"
        "是否经审批均为“是”（报告未指出凭证缺少审批）；每项按凭证类别核对应附单据（工程：合同、验收单、发票；采购：发票、验收入库单；"
        "培训：培训通知、签到表、发票；服务：服务协议、服务记录、发票；工资：工资表、签领单，不附发票），备注写明核对的或缺少的单据；"
        "`抽样参数`：抽样总体的口径、笔数、金额和样本覆盖率，以及抽样参数。\n"
        f"  抽样总体为“{population.name}”（parameters.toml `[sampling] population`）：{population.description}，"
        f"共 {population.lines} 笔、{population.amount_fen / 100:,.2f} 元，选取 {population.selected_lines} 笔，"
        f"覆盖金额的 {population.amount_share:.1%}。为什么 / why: 评价对象是 200 万元专项资金，不是各社区居委会的全部经费"
        f"（全部支出 {filled['whole_ledger_lines']} 笔、{filled['whole_ledger_fen'] / 100:,.2f} 元，多为工资、水电、物业等与本项目无关的基本支出），"
        "从全部支出中抽样，结论说的是居委会的日常经费而不是专项资金；只取项目支出科目又会漏掉记入基本支出的专项支出（问题 3），"
        "总体不完整。因此总体取专项资金的全部支出，合规检查认定的专项支出一并纳入；关键项目（5 万元以上）和合规检查标记的项目全部检查，"
        "不进入统计抽样总体，统计结论只推断到其余部分。"
    )
    summary[name] = filled

    blemishes = (
        f"{DUPLICATE_PAYMENT_UNIT}同一笔日常付款重复记账一次（两张凭证，日期、摘要、金额相同）；"
        f"{'、'.join(WEEKEND_POSTING_UNITS)}各有一笔周六记账的日常支出；除此之外没有其他异常。"
    )
    write_readme(out, seed, lines, blemishes, rate)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the reconstructed 2017 raw case files.")
    parser.add_argument(
        "--out",
        type=Path,
        default=paths.raw_dir(YEAR),
        help="target folder (default data/raw/2017)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default 2017)")
    args = parser.parse_args(argv)
    summary = generate(args.out, args.seed)
    satisfied, valid = summary["satisfaction"]
    print(
        f"wrote {args.out}: {summary['ledger_entries']} ledger entries in 27 units, "
        f"satisfaction {satisfied}/{valid} = {satisfied / valid:.2%}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
