"""Separate accounting (专款专用) and scope and amount rules, on small ledgers whose answers are
worked out by hand. (Voucher evidence from the fieldwork sheet: test_compliance_evidence.py.)"""

import pandas as pd
import pytest

from jixiao.compliance import (
    account_mixing_by_unit,
    check_separate_accounting,
    community_map,
    load_scope_rules,
    out_of_scope_spending,
    parse_scope_rules,
    project_receipts_in_basic_income,
    special_spending_in_basic,
    spending_above_allocation,
    spending_after_period,
    units_without_project_ledger,
    unreconciled_project_funds,
)
from jixiao.errors import InputError, ParameterError

INFRA = "公共服务站基础设施建设"
SSLD = "三社联动试点"


def ledger(unit: str, rows) -> pd.DataFrame:
    """Canonical ledger lines; rows are (date, voucher, 摘要, 科目, 借方元, 贷方元, 项目, 往来单位)."""
    frame = pd.DataFrame(
        rows,
        columns=[
            "date",
            "voucher",
            "summary",
            "account_code",
            "debit",
            "credit",
            "project",
            "counterparty",
        ],
    )
    return pd.DataFrame(
        {
            "unit": unit,
            "date": pd.to_datetime(frame["date"]),
            "voucher_type": frame["voucher"].str.split("-").str[0],
            "voucher_no": frame["voucher"].str.split("-").str[1].astype("Int64"),
            "voucher": frame["voucher"],
            "summary": frame["summary"],
            "account_code": frame["account_code"],
            "account_name": "",
            "debit_fen": (frame["debit"] * 100).round().astype("int64"),
            "credit_fen": (frame["credit"] * 100).round().astype("int64"),
            "project": frame["project"].replace("", None),
            "counterparty": frame["counterparty"].replace("", None),
            "source_file": f"明细账_{unit.replace('居民委员会', '')}.xlsx",
            "source_sheet": "明细账",
            "source_row": pd.array(range(5, 5 + len(frame)), dtype="Int64"),
        }
    )


def grants(rows) -> pd.DataFrame:
    """rows: (community, grant_type, amount 元, arrived date)."""
    frame = pd.DataFrame(rows, columns=["community", "grant_type", "amount", "arrived_date"])
    return pd.DataFrame(
        {
            "grant_id": [f"G{i}" for i in range(1, len(frame) + 1)],
            "community": frame["community"],
            "grant_type": frame["grant_type"],
            "issued_date": pd.Timestamp("2017-06-01"),
            "amount_fen": (frame["amount"] * 100).astype("int64"),
            "arrived_date": pd.to_datetime(frame["arrived_date"]),
            "arrived_fen": pd.array([None] * len(frame), dtype="Int64"),
            "source_file": "资金下达明细_2017.xlsx",
            "source_sheet": "资金下达",
            "source_row": pd.array(range(3, 3 + len(frame)), dtype="Int64"),
        }
    )


def receipt(date, voucher, amount, account="400102", project=INFRA, summary="收到专项资金"):
    return [
        (date, voucher, summary, "1002", amount, 0, "", ""),
        (date, voucher, summary, account, 0, amount, project, ""),
    ]


def payment(date, voucher, summary, amount, account="50010201", project=INFRA, payee=""):
    return [
        (date, voucher, summary, account, amount, 0, project, payee),
        (date, voucher, summary, "1002", 0, amount, "", ""),
    ]


@pytest.fixture(scope="module")
def rules():
    return load_scope_rules(year=2017)


@pytest.fixture(scope="module")
def case():
    """Four communities: one clean, one mixing spending into basic, one with no project ledger,
    one clean 三社联动 unit whose basic spending has no scope words."""
    alloc = grants(
        [
            ("月亮湖社区", INFRA, 110_000, "2017-07-03"),
            ("白庙社区", SSLD, 50_000, "2017-07-03"),
            ("沿河社区", INFRA, 100_000, "2017-07-05"),
            ("沿河社区", SSLD, 50_000, "2017-07-05"),
            ("东方社区", SSLD, 50_000, "2017-07-03"),
        ]
    )
    clean = ledger(
        "月亮湖社区居民委员会",
        receipt("2017-07-03", "收-1", 110_000)
        + payment("2017-08-01", "付-1", "服务站装修工程款", 90_000, payee="荆门装饰公司")
        + payment("2017-08-02", "付-2", "购办公用品", 800, account="50010101", project=""),
    )
    mixed = ledger(
        "白庙社区居民委员会",
        receipt("2017-07-03", "收-1", 50_000, project=SSLD)
        + payment("2017-08-01", "付-1", "社会组织孵化活动场地布置", 20_000, project=SSLD)
        + payment("2017-08-03", "付-2", "社工培训讲课费", 3_000, account="50010101", project="")
        + payment("2017-08-04", "付-3", "公益创投项目评审费", 4_500, account="50010101", project="")
        + payment("2017-08-05", "付-4", "缴电费", 600, account="50010101", project=""),
    )
    no_project = ledger(
        "沿河社区居民委员会",
        receipt("2017-07-05", "收-1", 100_000, account="400101", project="", summary="收到拨款")
        + receipt(
            "2017-07-05",
            "收-2",
            50_000,
            account="400101",
            project="",
            summary="收到三社联动试点资金",
        )
        + payment("2017-09-01", "付-1", "服务站维修", 60_000, account="50010101", project="")
        + payment("2017-09-02", "付-2", "工资", 8_000, account="50010101", project=""),
    )
    basic_only = ledger(
        "东方社区居民委员会",
        receipt("2017-07-03", "收-1", 50_000, project=SSLD)
        + payment("2017-08-01", "付-1", "社区社会组织公益活动", 30_000, project=SSLD)
        + payment("2017-08-02", "付-2", "电话费", 300, account="50010101", project=""),
    )
    return pd.concat([clean, mixed, no_project, basic_only], ignore_index=True), alloc


# ------------------------------------------------------------------ units and communities


def test_unit_maps_to_the_longest_community_name_it_contains():
    alloc = grants([("沿河社区", INFRA, 1, "2017-07-01"), ("新沿河社区", INFRA, 1, "2017-07-01")])
    mapping = community_map(
        ["新沿河社区居民委员会", "沿河社区居民委员会", "市民政局"], alloc
    ).set_index("unit")["community"]
    assert mapping["新沿河社区居民委员会"] == "新沿河社区"
    assert mapping["沿河社区居民委员会"] == "沿河社区"
    assert pd.isna(mapping["市民政局"])


def test_recipient_unit_equal_to_ledger_unit_wins_over_name_containment():
    alloc = grants([("沿河社区", INFRA, 1, "2017-07-01")]).assign(recipient_unit="泉口街道办事处")
    mapping = community_map(["泉口街道办事处"], alloc).set_index("unit")["community"]
    assert mapping["泉口街道办事处"] == "沿河社区"


# ------------------------------------------------------------------ separate accounting


def test_scope_worded_spending_in_basic_expenditure_is_flagged_with_its_grant_type(case, rules):
    led, alloc = case
    flags = special_spending_in_basic(led, rules, allocations=alloc)
    by_row = flags.set_index(["unit", "source_row"])
    # 白庙: 社工培训讲课费 (3,000) and 公益创投项目评审费 (4,500); 沿河: 服务站维修 (60,000).
    assert set(by_row.index) == {
        ("白庙社区居民委员会", 9),
        ("白庙社区居民委员会", 11),
        ("沿河社区居民委员会", 9),
    }
    assert flags["amount_fen"].sum() == 6_750_000
    assert by_row.loc[("白庙社区居民委员会", 9), "grant_type"] == SSLD
    assert by_row.loc[("沿河社区居民委员会", 9), "grant_type"] == INFRA
    assert "摘要含“社工”" in by_row.loc[("白庙社区居民委员会", 9), "reason"]


def test_scope_words_in_a_unit_without_grants_are_not_flagged_by_default(rules):
    alloc = grants([("沿河社区", INFRA, 1, "2017-07-01")])
    led = ledger(
        "市民政局",
        payment("2017-08-03", "付-1", "社工培训讲课费", 3_000, account="50010101", project=""),
    )
    assert special_spending_in_basic(led, rules, allocations=alloc).empty
    assert (
        len(special_spending_in_basic(led, rules, allocations=alloc, grant_units_only=False)) == 1
    )


def test_grant_receipt_in_basic_income_is_found_by_words_or_by_matching_amount_and_date():
    alloc = grants(
        [("沿河社区", INFRA, 100_000, "2017-07-05"), ("沿河社区", SSLD, 50_000, "2017-07-05")]
    )
    led = ledger(
        "沿河社区居民委员会",
        receipt(
            "2017-07-06", "收-1", 100_000, account="400101", project="", summary="收到拨款"
        )  # amount, 1 day
        + receipt(
            "2017-03-01", "收-1", 50_000, account="400101", project="", summary="收到人员经费"
        )  # amount, 126 days
        + receipt(
            "2017-12-01",
            "收-1",
            1_000,
            account="400101",
            project="",
            summary="收到三社联动工作经费",
        ),  # words
    )
    # the receipt words are the project's own (project.toml receipt_keywords)
    flags = project_receipts_in_basic_income(led, alloc, receipt_keywords=("三社联动",))
    flags = flags.set_index("source_row")
    assert set(flags.index) == {6, 10}
    without_words = project_receipts_in_basic_income(led, alloc).set_index("source_row")
    assert set(without_words.index) == {6}  # found by amount and date alone
    assert flags.loc[6, "grant_type"] == INFRA
    assert flags.loc[6, "amount_fen"] == 10_000_000
    assert flags.loc[10, "amount_fen"] == 100_000


def test_unit_with_grant_but_no_project_lines_or_aux_is_flagged_per_grant(case):
    led, alloc = case
    flags = units_without_project_ledger(led, alloc)
    assert list(flags["rule"]) == ["SEP-03", "SEP-03"]
    assert set(flags["community"]) == {"沿河社区"}
    assert flags["amount_fen"].sum() == 15_000_000
    assert set(flags["source_row"]) == {5, 6}  # the allocation rows of 沿河社区's two grants


def test_community_with_grant_but_no_ledger_is_reported_as_missing_ledger(case):
    led, alloc = case
    extra = pd.concat(
        [alloc, grants([("龙泉社区", SSLD, 50_000, "2017-07-03")])], ignore_index=True
    )
    flags = units_without_project_ledger(led, extra)
    missing = flags.loc[flags["rule"] == "SEP-00"]
    assert list(missing["community"]) == ["龙泉社区"]
    assert "未提供其明细账" in missing["reason"].iloc[0]


def test_project_spending_above_booked_receipts_is_flagged_with_the_difference():
    alloc = grants([("东方社区", SSLD, 50_000, "2017-07-03")])
    led = ledger(
        "东方社区居民委员会",
        receipt("2017-07-03", "收-1", 50_000, project=SSLD)
        + payment("2017-08-01", "付-1", "公益创投活动", 35_000, project=SSLD)
        + payment("2017-09-01", "付-2", "社工培训", 25_000, project=SSLD),
    )
    flags = unreconciled_project_funds(led, alloc)
    assert len(flags) == 1
    assert flags["amount_fen"].iloc[0] == 1_000_000  # 60,000 − 50,000
    assert "超过账面项目收入50,000.00元，差额10,000.00元" in flags["reason"].iloc[0]


def test_money_arrived_but_only_partly_booked_as_project_receipt_is_flagged():
    alloc = grants([("东方社区", SSLD, 50_000, "2017-07-03")])
    led = ledger("东方社区居民委员会", receipt("2017-07-03", "收-1", 30_000, project=SSLD))
    flags = unreconciled_project_funds(led, alloc)
    assert flags["amount_fen"].tolist() == [2_000_000]
    assert "账面项目收入仅30,000.00元，20,000.00元未作项目收入核算" in flags["reason"].iloc[0]


def test_money_arriving_after_the_ledger_period_is_not_expected_in_the_books():
    alloc = grants([("东方社区", SSLD, 50_000, "2018-07-03")])
    led = ledger(
        "东方社区居民委员会",
        payment("2017-08-02", "付-1", "电话费", 300, account="50010101", project=""),
    )
    assert unreconciled_project_funds(led, alloc).empty
    assert units_without_project_ledger(led, alloc).empty


def test_separate_accounting_flags_exactly_the_two_problem_units(case, rules):
    led, alloc = case
    flags = check_separate_accounting(led, alloc, rules)
    assert sorted(flags["community"].unique()) == ["沿河社区", "白庙社区"]
    per_unit = account_mixing_by_unit(flags).set_index("community")
    assert per_unit.loc["白庙社区", "basic_spending_fen"] == 750_000
    assert per_unit.loc["白庙社区", "basic_income_fen"] == 0
    assert per_unit.loc["沿河社区", "basic_spending_fen"] == 6_000_000
    assert per_unit.loc["沿河社区", "basic_income_fen"] == 15_000_000
    assert per_unit.loc["沿河社区", "no_project_ledger_fen"] == 15_000_000
    assert per_unit.loc["沿河社区", "unreconciled_fen"] == 15_000_000


# ------------------------------------------------------------------ scope rules


def test_default_scope_rules_cover_both_grant_types_with_keywords(rules):
    by_type = rules.set_index("grant_type")
    assert list(rules["grant_type"]) == [INFRA, SSLD]
    assert by_type.loc[INFRA, "account_prefixes"] == ("500102",)
    assert "装修" in by_type.loc[INFRA, "allowed_keywords"]
    assert "孵化" in by_type.loc[SSLD, "allowed_keywords"]


def test_scope_rules_missing_a_column_name_it():
    raw = pd.DataFrame({"资金类型": [INFRA], "允许科目编码前缀": ["500102"]})
    with pytest.raises(InputError, match="允许摘要关键词"):
        parse_scope_rules(raw, file="范围规则.csv")


def test_scope_rules_with_a_repeated_grant_type_name_the_row():
    raw = pd.DataFrame(
        {
            "资金类型": [INFRA, INFRA],
            "允许科目编码前缀": ["500102", "500102"],
            "允许摘要关键词": ["装修", "维修"],
        }
    )
    with pytest.raises(InputError, match="row 3") as err:
        parse_scope_rules(raw, file="范围规则.csv")
    assert err.value.file == "范围规则.csv" and err.value.column == "资金类型"


def test_spending_outside_the_allowed_accounts_words_or_with_forbidden_words_is_flagged(rules):
    alloc = grants([("月亮湖社区", INFRA, 110_000, "2017-07-03")])
    led = ledger(
        "月亮湖社区居民委员会",
        payment("2017-08-01", "付-1", "服务站装修工程款", 50_000)  # fine
        + payment("2017-08-02", "付-2", "工作人员奖金", 2_000)  # no allowed word, forbidden 奖金
        + payment("2017-08-03", "付-3", "服务站维修", 1_500, account="5101"),  # account not allowed
    )
    flags = out_of_scope_spending(led, rules, allocations=alloc).set_index("source_row")
    assert set(flags.index) == {7, 9}  # each payment is two lines from row 5 on
    assert (
        "摘要未体现允许的用途" in flags.loc[7, "reason"]
        and "摘要含禁止用途“奖金”" in flags.loc[7, "reason"]
    )
    assert "科目5101不属于允许的科目（500102）" in flags.loc[9, "reason"]


def test_spending_beyond_the_allocation_flags_the_excess_from_the_crossing_line_on(rules):
    alloc = grants([("东方社区", SSLD, 50_000, "2017-07-03")])
    led = ledger(
        "东方社区居民委员会",
        payment("2017-08-01", "付-1", "社工培训", 30_000, project=SSLD)
        + payment("2017-08-02", "付-2", "公益创投", 15_000, project=SSLD)
        + payment(
            "2017-08-03", "付-3", "孵化活动", 10_000, project=SSLD
        )  # cumulative 55,000: 5,000 over
        + payment("2017-08-04", "付-4", "社会组织活动", 5_000, project=SSLD),  # all 5,000 over
    )
    flags = spending_above_allocation(led, alloc, rules)
    assert flags["source_row"].tolist() == [9, 11]
    assert flags["amount_fen"].tolist() == [500_000, 500_000]


def test_project_spending_of_a_unit_without_a_community_is_all_beyond_its_allocation(rules):
    # A unit no allocation names (a social organisation) spending on a project: nothing was
    # allocated to it, so all of it is flagged under its own name (this used to crash).
    alloc = grants([("东方社区", SSLD, 50_000, "2017-07-03")])
    led = pd.concat(
        [
            ledger(
                "东方社区居民委员会",
                payment("2017-08-01", "付-1", "社工培训", 30_000, project=SSLD),
            ),
            ledger(
                "青年志愿者协会", payment("2017-08-02", "付-1", "公益创投", 2_000, project=SSLD)
            ),
        ],
        ignore_index=True,
    )
    flags = spending_above_allocation(led, alloc, rules)
    assert flags["unit"].tolist() == ["青年志愿者协会"]
    assert flags["amount_fen"].tolist() == [200_000]
    assert flags["reason"].str.startswith("青年志愿者协会三社联动试点项目下达0.00元").all()


def test_spending_after_the_grant_period_is_flagged(rules):
    alloc = grants([("东方社区", SSLD, 50_000, "2017-07-03")])
    led = ledger(
        "东方社区居民委员会",
        payment("2018-06-30", "付-1", "社工培训", 3_000, project=SSLD)
        + payment("2018-07-02", "付-1", "孵化活动", 2_000, project=SSLD),
    )
    flags = spending_after_period(led, rules, period_end="2018-06-30", allocations=alloc)
    assert flags["source_row"].tolist() == [7]
    assert "晚于项目期限2018年6月30日" in flags["reason"].iloc[0]
    by_type = spending_after_period(
        led, rules, period_end={SSLD: "2018-12-31", INFRA: "2018-12-31"}, allocations=alloc
    )
    assert by_type.empty


def test_period_end_per_grant_type_must_cover_every_type_spent(rules):
    alloc = grants([("东方社区", SSLD, 50_000, "2017-07-03")])
    led = ledger(
        "东方社区居民委员会", payment("2018-07-02", "付-1", "孵化活动", 2_000, project=SSLD)
    )
    with pytest.raises(ParameterError, match=SSLD):
        spending_after_period(led, rules, period_end={INFRA: "2018-12-31"}, allocations=alloc)


def test_blank_project_aux_on_a_project_account_belongs_to_the_communitys_only_grant_type(rules):
    alloc = grants([("东方社区", SSLD, 10_000, "2017-07-03")])
    led = ledger(
        "东方社区居民委员会", payment("2017-08-01", "付-1", "社工培训", 12_000, project="")
    )
    flags = spending_above_allocation(led, alloc, rules)
    assert flags["amount_fen"].tolist() == [200_000]
    assert flags["grant_type"].tolist() == [SSLD]
