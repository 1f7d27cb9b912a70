"""The findings register: grouping, numbering, evidence references, observations, metrics."""

import pandas as pd
import pytest

from jixiao.compliance import FLAG_COLUMNS, check_arrival
from jixiao.findings import (
    REGISTER_COLUMNS,
    build_register,
    compliance_metrics,
    register_to_chinese,
    save_register,
)

INFRA = "公共服务站基础设施建设"
SSLD = "三社联动试点"


def allocations() -> pd.DataFrame:
    rows = [
        ("G1", "浏河社区", INFRA, 120_000, "2018-05-16"),
        ("G2", "沿河社区", INFRA, 100_000, "2018-05-23"),
        ("G3", "沿河社区", SSLD, 50_000, "2018-05-23"),
        ("G4", "月亮湖社区", INFRA, 110_000, "2017-08-15"),
    ]
    frame = pd.DataFrame(
        rows, columns=["grant_id", "community", "grant_type", "amount", "arrived_date"]
    )
    return frame.assign(
        doc_number="荆财社〔2017〕1号",
        issued_date=pd.Timestamp("2017-06-01"),
        amount_fen=(frame["amount"] * 100).astype("int64"),
        arrived_date=pd.to_datetime(frame["arrived_date"]),
        arrived_fen=pd.array([None] * 4, dtype="Int64"),
        source_file="资金下达明细_2017.xlsx",
        source_sheet="资金下达",
        source_row=pd.array([3, 4, 5, 6], dtype="Int64"),
    ).drop(columns="amount")


def flag(
    rule,
    unit,
    community,
    amount_fen,
    row,
    reason="原因。",
    file="明细账_白庙社区.xlsx",
    sheet="明细账",
):
    return {
        "rule": rule,
        "rule_name": "",
        "reason": reason,
        "amount_fen": amount_fen,
        "unit": unit,
        "community": community,
        "grant_type": None,
        "date": pd.Timestamp("2017-08-01"),
        "voucher": "付-1",
        "source_file": file,
        "source_sheet": sheet,
        "source_row": row,
    }


def flags(records) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records, columns=list(FLAG_COLUMNS))
    return frame.astype({"amount_fen": "int64", "source_row": "Int64"})


def observations() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "observation_id": ["OBS-04", "OBS-02a", "OBS-02b"],
            "title": ["社会组织缺乏发展后劲", "评价指标体系尚未形成", "实施资料不全面"],
            "description": [
                "社区社会组织普遍小、弱、散。",
                "未设置绩效评价指标体系。",
                "活动记录不完整。",
            ],
            "dimension": ["效果", "投入", "过程"],
            "indicator": ["可持续影响", "绩效指标明确性", "制度执行有效性"],
            "units": ["", "", "白庙社区"],
            "evidence_source": ["座谈会", "案卷研究", "实地调研"],
            "evidence_detail": ["2019年9月座谈会记录", "", "实地查看活动台账"],
            "severity": ["中", "中", "低"],
            "category": ["效益", "项目管理", "项目管理"],
        }
    )


SEP = flags(
    [
        flag("SEP-01", "白庙社区居民委员会", "白庙社区", 300_000, 9),
        flag("SEP-01", "白庙社区居民委员会", "白庙社区", 450_000, 11),
        flag(
            "SEP-03",
            "沿河社区居民委员会",
            "沿河社区",
            10_000_000,
            4,
            file="资金下达明细_2017.xlsx",
            sheet="资金下达",
        ),
        flag("GL-03", "白庙社区居民委员会", None, 50_000, 20),
    ]
)


def test_register_has_one_finding_per_rule_and_unit_ordered_by_category():
    """Categories in the vocabulary's order (资金到位, 会计核算, 项目管理, 效益), data findings
    before observations, analytical red flags last; only observations carry a problem number."""
    late = check_arrival(allocations(), as_of="2019-10-31")
    register = build_register(late, SEP, observations=observations())
    assert list(register.columns) == list(REGISTER_COLUMNS)
    assert register["finding_id"].tolist() == [
        "ARR-01-沿河社区", "ARR-01-浏河社区", "SEP-01-白庙社区", "SEP-03-沿河社区", "OBS-02a", "OBS-02b", "OBS-04", "GL-03-白庙社区居民委员会",
    ]  # fmt: skip
    assert register["category"].tolist() == [
        "资金到位", "资金到位", "会计核算", "会计核算", "项目管理", "项目管理", "效益", "财务监控",
    ]  # fmt: skip
    assert register["problem_no"].tolist() == [pd.NA] * 4 + [2, 2, 4, pd.NA]
    assert register["rule"].tolist() == [
        "ARR-01",
        "ARR-01",
        "SEP-01",
        "SEP-03",
        "OBS",
        "OBS",
        "OBS",
        "GL-03",
    ]


def test_an_observation_without_category_follows_the_categorised_findings():
    obs = observations().assign(category=["", "项目管理", "项目管理"])
    register = build_register(SEP, observations=obs)
    assert register["finding_id"].tolist() == [
        "SEP-01-白庙社区", "SEP-03-沿河社区", "OBS-02a", "OBS-02b", "OBS-04", "GL-03-白庙社区居民委员会",
    ]  # fmt: skip


def test_late_arrival_findings_name_community_grant_types_may_2018_and_270000_yuan():
    register = build_register(check_arrival(allocations(), as_of="2019-10-31"))
    problem1 = register.loc[register["rule"] == "ARR-01"].set_index("units")
    assert sorted(problem1.index) == ["沿河社区", "浏河社区"]
    assert problem1["amount_fen"].sum() == 27_000_000
    assert set(problem1["dimension"]) == {"投入"} and set(problem1["indicator"]) == {"到位及时率"}
    yanhe = problem1.loc["沿河社区", "description"]
    assert yanhe.startswith("共2笔，合计150,000.00元：")
    assert INFRA in yanhe and SSLD in yanhe and "2018年5月23日方才到位" in yanhe
    assert (
        problem1.loc["沿河社区", "evidence"]
        == "资金下达明细_2017.xlsx / 资金下达 / 第4行；资金下达明细_2017.xlsx / 资金下达 / 第5行"
    )


def test_separate_accounting_findings_sum_amounts_and_cite_every_row():
    register = build_register(SEP).set_index("rule")
    assert register.loc["SEP-01", "amount_fen"] == 750_000
    assert register.loc["SEP-01", "units"] == "白庙社区"
    assert (
        register.loc["SEP-01", "evidence"]
        == "明细账_白庙社区.xlsx / 明细账 / 第9行；明细账_白庙社区.xlsx / 明细账 / 第11行"
    )
    assert register.loc["SEP-01", "evidence_source"] == "数据核查（明细账）"
    assert (register.loc["SEP-01", "dimension"], register.loc["SEP-01", "indicator"]) == (
        "过程",
        "资金使用合规性",
    )
    assert (
        register.loc["GL-03", "units"] == "白庙社区居民委员会"
    )  # no community known: the ledger unit


def test_observations_keep_their_ids_and_evidence_source():
    register = build_register(observations=observations()).set_index("finding_id")
    assert register.loc["OBS-02b", "problem_no"] == 2
    assert register.loc["OBS-02b", "evidence_source"] == "实地调研"
    assert register.loc["OBS-02b", "evidence"] == "实地查看活动台账"
    assert pd.isna(register.loc["OBS-04", "amount_fen"])


def test_register_is_the_same_whatever_the_order_of_input_rows():
    late = check_arrival(allocations(), as_of="2019-10-31").flags
    shuffled = pd.concat([late, SEP], ignore_index=True).sample(frac=1, random_state=7)
    assert build_register(late, SEP).equals(build_register(shuffled))


def test_long_evidence_lists_are_cut_with_a_count():
    many = flags(
        [flag("GL-03", "白庙社区居民委员会", "白庙社区", 100, row) for row in range(5, 30)]
    )
    finding = build_register(many, max_evidence=20, max_reasons=3).iloc[0]
    assert finding["evidence"].count("第") == 20
    assert finding["evidence"].endswith("……等共25处")
    assert finding["description"] == "共25笔，合计25.00元：原因。"  # one sentence, said once


def test_long_descriptions_are_cut_with_a_count_of_distinct_reasons():
    many = flags(
        [
            flag("GL-03", "白庙社区居民委员会", "白庙社区", 100, row, reason=f"第{row}行。")
            for row in range(5, 30)
        ]
    )
    finding = build_register(many, max_reasons=3).iloc[0]
    assert finding["description"] == "共25笔，合计25.00元：第5行。第6行。第7行。……等共25条"


def test_rows_without_a_file_count_in_the_total_but_are_not_cited():
    rows = flags(
        [
            flag("SEP-01", "白庙社区居民委员会", "白庙社区", 100, 9),
            flag("SEP-01", "白庙社区居民委员会", "白庙社区", 200, None, file=None, sheet=None),
            flag("SEP-01", "白庙社区居民委员会", "白庙社区", 300, 7),
            flag(
                "GL-07",
                "全部单位",
                "全部单位",
                0,
                None,
                reason="首位数字分布不符合本福特定律。",
                file=None,
                sheet=None,
            ),
        ]
    )
    register = build_register(rows, max_evidence=1).set_index("rule")
    assert (
        register.loc["SEP-01", "evidence"] == "明细账_白庙社区.xlsx / 明细账 / 第7行……等共2处"
    )  # row 7 sorts first
    assert register.loc["SEP-01", "description"] == "共3笔，合计6.00元：原因。"
    assert register.loc["GL-07", "evidence"] == ""  # a population-level flag cites no row
    assert register.loc["GL-07", "description"] == "首位数字分布不符合本福特定律。"


def test_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="XYZ"):
        build_register(flags([flag("XYZ", "u", "c", 1, 2)]))


def test_chinese_export_has_chinese_headers_and_amounts_in_yuan():
    out = register_to_chinese(build_register(SEP))
    assert list(out.columns[:4]) == ["问题编号", "对应报告问题", "问题类别", "评价维度"]
    assert out.set_index("规则").loc["SEP-01", "涉及金额（元）"] == 7_500.0


def test_register_round_trips_through_parquet(tmp_path):
    register = build_register(
        check_arrival(allocations(), as_of="2019-10-31"), SEP, observations=observations()
    )
    path = save_register(register, 2017, folder=tmp_path)
    assert path.name == "findings.parquet"
    assert pd.read_parquet(path)["finding_id"].tolist() == register["finding_id"].tolist()


def test_metrics_give_rates_and_number_of_separate_accounting_units():
    arrival = check_arrival(allocations(), as_of="2019-10-31").summary
    metrics = {m.metric: m for m in compliance_metrics(arrival, SEP)}
    assert metrics["fund_arrival_rate"].value == 1.0
    assert metrics["fund_timely_rate"].value == pytest.approx(110_000 / 380_000)
    assert (
        metrics["separate_accounting_units"].value == 2.0
    )  # GL-03 is not a separate-accounting rule
    assert metrics["separate_accounting_units"].evidence == "沿河社区、白庙社区"
    assert "逾期3笔270,000.00元" in metrics["fund_timely_rate"].evidence


def test_a_finding_keeps_its_id_when_other_findings_come_and_go():
    late = check_arrival(allocations(), as_of="2019-10-31")
    with_all = build_register(late, SEP, observations=observations())
    without_sep = build_register(late, observations=observations())
    ids = with_all.set_index("finding_id")["description"]
    for finding_id, description in without_sep.set_index("finding_id")["description"].items():
        assert ids[finding_id] == description
