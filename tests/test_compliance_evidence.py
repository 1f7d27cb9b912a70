"""Voucher evidence from the filled-in 抽样清单 (EVD-01 … EVD-03), on a hand-made fieldwork frame
whose answers are worked out by hand."""

import openpyxl
import pandas as pd
import pytest

from jixiao.compliance import load_scope_rules, special_spending_in_basic, voucher_evidence_findings
from jixiao.errors import ParameterError
from jixiao.findings import build_register
from jixiao.sampling import export_fieldwork, read_fieldwork, select_sample
from jixiao.sampling.workflow import fieldwork_for_compliance

SHEET_FILE = "抽样清单_已填_2017.xlsx"
T, F, NA = True, False, pd.NA


def fieldwork() -> pd.DataFrame:
    """Five sampled vouchers, sheet rows 2–6. 沿河 has two vouchers numbered 付-1 (May and June)."""
    rows = [
        # unit, date, voucher, 摘要, booked 元, ledger row, 齐全, 审批, 合规, 差错 元, 备注
        (
            "沿河社区居民委员会",
            "2017-05-03",
            "付-1",
            "支付服务站装修工程款",
            12_000.00,
            40,
            T,
            T,
            F,
            0,
            "专项支出记入基本支出",
        ),
        (
            "沿河社区居民委员会",
            "2017-06-05",
            "付-1",
            "支付社工培训费",
            3_500.50,
            52,
            T,
            F,
            F,
            500.50,
            "",
        ),
        ("白庙居委会", "2017-06-20", "记-7", "购办公用品", 800.00, 9, F, NA, T, 0, ""),
        ("白庙居委会", "2017-07-01", "记-2", "缴电费", 1_000.00, 11, T, T, T, 0, ""),
        (
            "白庙居委会",
            "2017-07-02",
            "记-3",
            "缴水费",
            2_000.00,
            13,
            NA,
            NA,
            NA,
            0,
            "",
        ),  # not yet checked
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "unit",
            "date",
            "voucher",
            "summary",
            "amount",
            "row",
            "documents_complete",
            "approved",
            "compliant",
            "misstatement",
            "note",
        ],
    )
    return pd.DataFrame(
        {
            "unit": frame["unit"],
            "date": pd.to_datetime(frame["date"]),
            "voucher": frame["voucher"],
            "summary": frame["summary"],
            "amount_fen": pd.array((frame["amount"] * 100).round().astype("int64"), dtype="Int64"),
            "source_file": ["明细账_沿河社区.xlsx"] * 2 + ["明细账_白庙社区.xlsx"] * 3,
            "source_sheet": "明细账",
            "source_row": pd.array(frame["row"], dtype="Int64"),
            "fieldwork_file": SHEET_FILE,
            "fieldwork_sheet": "抽样清单",
            "fieldwork_row": range(2, 7),
            "documents_complete": pd.array(frame["documents_complete"], dtype="boolean"),
            "approved": pd.array(frame["approved"], dtype="boolean"),
            "compliant": pd.array(frame["compliant"], dtype="boolean"),
            "misstatement_fen": pd.array(
                (frame["misstatement"] * 100).round().astype("int64"), dtype="Int64"
            ),
            "note": frame["note"].replace("", None),
        }
    )


def allocations() -> pd.DataFrame:
    """沿河 is found by name inside the ledger unit; 白庙's ledger unit is the recipient unit."""
    return pd.DataFrame(
        {
            "grant_id": ["G1", "G2"],
            "community": ["沿河社区", "白庙社区"],
            "grant_type": ["公共服务站基础设施建设", "三社联动试点"],
            "recipient_unit": [None, "白庙居委会"],
            "amount_fen": [10_000_000, 5_000_000],
            "arrived_date": pd.to_datetime(["2017-07-05", "2017-07-03"]),
            "source_file": "资金下达明细_2017.xlsx",
            "source_sheet": "资金下达",
            "source_row": pd.array([3, 4], dtype="Int64"),
        }
    )


def test_each_no_answer_is_a_finding_with_the_booked_amount_and_the_sheet_row_as_evidence():
    flags = voucher_evidence_findings(fieldwork(), allocations())
    table = flags[["rule", "community", "amount_fen", "source_file", "source_sheet", "source_row"]]
    assert table.values.tolist() == [
        ["EVD-01", "白庙社区", 80_000, SHEET_FILE, "抽样清单", 4],
        ["EVD-02", "沿河社区", 1_200_000, SHEET_FILE, "抽样清单", 2],
        ["EVD-02", "沿河社区", 350_050, SHEET_FILE, "抽样清单", 3],
        ["EVD-03", "沿河社区", 350_050, SHEET_FILE, "抽样清单", 3],
    ]
    assert flags["unit"].tolist() == [
        "白庙居委会",
        "沿河社区居民委员会",
        "沿河社区居民委员会",
        "沿河社区居民委员会",
    ]
    assert flags["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2017-06-20",
        "2017-05-03",
        "2017-06-05",
        "2017-06-05",
    ]


def test_reasons_name_the_voucher_with_its_month_the_booked_amount_the_ledger_line_and_a_misstatement():
    reasons = voucher_evidence_findings(fieldwork(), allocations())["reason"].tolist()
    assert reasons == [
        "白庙居委会凭证2017-06 记-7（2017年6月20日“购办公用品”，记账金额800.00元，明细账_白庙社区.xlsx / 明细账 / 第9行）未附齐原始凭证。",
        "沿河社区居民委员会凭证2017-05 付-1（2017年5月3日“支付服务站装修工程款”，记账金额12,000.00元，明细账_沿河社区.xlsx / 明细账 / 第40行）"
        "经抽查不合规；评价组备注：专项支出记入基本支出。",
        "沿河社区居民委员会凭证2017-06 付-1（2017年6月5日“支付社工培训费”，记账金额3,500.50元，明细账_沿河社区.xlsx / 明细账 / 第52行）"
        "经抽查不合规，差错金额500.50元。",
        "沿河社区居民委员会凭证2017-06 付-1（2017年6月5日“支付社工培训费”，记账金额3,500.50元，明细账_沿河社区.xlsx / 明细账 / 第52行）"
        "未经审批，差错金额500.50元。",
    ]


def test_register_shows_yanhe_once_under_its_community_name_with_the_booked_total():
    rules = load_scope_rules(year=2017)
    ledger = pd.DataFrame(
        {
            "unit": "沿河社区居民委员会",
            "date": pd.to_datetime(["2017-05-03"]),
            "voucher": "付-1",
            "summary": "支付服务站装修工程款",
            "account_code": "50010101",
            "account_name": "",
            "debit_fen": [1_200_000],
            "credit_fen": [0],
            "project": pd.Series([None], dtype="str"),
            "source_file": "明细账_沿河社区.xlsx",
            "source_sheet": "明细账",
            "source_row": pd.array([40], dtype="Int64"),
        }
    )
    separate = special_spending_in_basic(ledger, rules, allocations=allocations())
    register = build_register(separate, voucher_evidence_findings(fieldwork(), allocations()))
    # In category order: 资金使用 (EVD-02), 会计核算 (SEP-01, EVD-01), 财务监控 (EVD-03).
    assert register[["rule", "units", "amount_fen"]].values.tolist() == [
        ["EVD-02", "沿河社区", 1_550_050],
        ["SEP-01", "沿河社区", 1_200_000],
        ["EVD-01", "白庙社区", 80_000],
        ["EVD-03", "沿河社区", 350_050],
    ]
    evd02 = register.set_index("rule").loc["EVD-02"]
    assert evd02["description"].startswith(
        "共2笔，合计15,500.50元：沿河社区居民委员会凭证2017-05 付-1（"
    )
    assert "凭证2017-06 付-1（" in evd02["description"]
    assert evd02["evidence"] == f"{SHEET_FILE} / 抽样清单 / 第2行；{SHEET_FILE} / 抽样清单 / 第3行"
    assert evd02["evidence_source"] == "数据核查（凭证抽查表）"
    assert register["problem_no"].isna().all()  # data findings carry no problem number


def test_without_fieldwork_rows_or_allocations_the_ledger_line_is_cited_under_the_unit_name():
    frame = fieldwork().drop(
        columns=["fieldwork_file", "fieldwork_sheet", "fieldwork_row", "approved", "note"]
    )
    flags = voucher_evidence_findings(frame)
    assert flags[["rule", "source_file", "source_row"]].values.tolist() == [
        ["EVD-01", "明细账_白庙社区.xlsx", 9],
        ["EVD-02", "明细账_沿河社区.xlsx", 40],
        ["EVD-02", "明细账_沿河社区.xlsx", 52],
    ]  # no 是否经审批 column (an older sheet): no EVD-03
    assert flags["community"].isna().all()
    # EVD-02 (资金使用) comes before EVD-01 (会计核算): the register follows the categories.
    register = build_register(flags)
    assert list(register["units"]) == ["沿河社区居民委员会", "白庙居委会"]
    assert list(register["rule"]) == ["EVD-02", "EVD-01"]


def test_fieldwork_frame_missing_a_column_is_refused_naming_it():
    with pytest.raises(ParameterError, match="documents_complete"):
        voucher_evidence_findings(pd.DataFrame({"unit": [], "voucher": []}))
    with pytest.raises(ParameterError, match="amount_fen"):
        voucher_evidence_findings(fieldwork().drop(columns="amount_fen"))


def test_the_filled_sheet_read_back_keeps_amount_date_and_sheet_row_for_the_findings(tmp_path):
    population = pd.DataFrame(
        {
            "source_file": "明细账_沿河社区.xlsx",
            "source_sheet": "明细账",
            "source_row": [225, 227],
            "unit": "沿河社区居民委员会",
            "date": pd.to_datetime(["2018-06-04", "2018-07-02"]),
            "voucher": ["付-1", "付-1"],  # numbers restart every month
            "summary": ["支付社区社会组织孵化培育费", "支付社工专业服务费"],
            "account_code": "50010101",
            "account_name": "事业支出-基本支出",
            "amount_fen": [736_712, 223_969],
        }
    )
    selection = select_sample(
        population, method="random", sample_size=2, seed=1
    )  # the whole population
    path = export_fieldwork(selection, tmp_path / "抽样清单_已填_2017.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["抽样清单"]
    header = {cell.value: cell.column for cell in sheet[1]}
    for row, answers in ((2, ("是", "是", "否")), (3, ("是", "否", "是"))):
        for name, value in zip(
            ("原始凭证是否齐全", "是否经审批", "是否合规"), answers, strict=True
        ):
            sheet.cell(row=row, column=header[name], value=value)
    book.save(path)

    frame = fieldwork_for_compliance(read_fieldwork(path).data)
    flags = voucher_evidence_findings(frame, allocations())
    assert flags[
        ["rule", "community", "amount_fen", "source_file", "source_row"]
    ].values.tolist() == [
        ["EVD-02", "沿河社区", 736_712, "抽样清单_已填_2017.xlsx", 2],
        ["EVD-03", "沿河社区", 223_969, "抽样清单_已填_2017.xlsx", 3],
    ]
    assert flags["reason"].str.contains("凭证2018-06 付-1（2018年6月4日").tolist() == [True, False]
    assert flags["reason"].str.contains(
        "凭证2018-07 付-1（2018年7月2日“支付社工专业服务费”，记账金额2,239.69元，"
        "明细账_沿河社区.xlsx / 明细账 / 第227行）未经审批"
    ).tolist() == [False, True]
