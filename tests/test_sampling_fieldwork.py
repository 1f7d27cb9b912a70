"""Fieldwork round trip: export the 抽样清单, fill it in, read it back, evaluate — exact numbers."""

import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from jixiao.errors import InputError
from jixiao.sampling import evaluate_fieldwork, export_fieldwork, read_fieldwork, select_sample

YH, LH = "明细账_沿河社区.xlsx", "明细账_浏河社区.xlsx"
U0, U1 = 2.995732, 4.743865  # Poisson upper limits at 95 % after 0 and 1 errors
SUMMARIES = [
    "办公用品",
    "社工培训",
    "电话费",
    '=HYPERLINK("http://x","点我")',
    "水电费",
    "装修",
    "维修工程款",
    "物业费",
    "打印纸",
    "+86 电话费",
    "-冲销",
    "@社区活动",
]


def ledger_population() -> pd.DataFrame:
    amounts = [
        1_200_00,
        35_000_00,
        800_00,
        4_500_00,
        -300_00,
        9_999_99,
        60_000_00,
        2_000_00,
        0,
        15_000_00,
        700_00,
        5_600_00,
    ]
    return pd.DataFrame(
        {
            "source_file": [LH] * 6 + [YH] * 6,
            "source_sheet": "明细账",
            "source_row": [5, 6, 7, 8, 9, 10] * 2,
            "unit": ["浏河社区居民委员会"] * 6 + ["沿河社区居民委员会"] * 6,
            "date": pd.to_datetime(["2017-03-01"] * 12),
            "voucher": [f"付-{i}" for i in range(1, 13)],
            "summary": SUMMARIES,
            "account_code": "50010201",
            "account_name": "财政补助支出",
            "amount_fen": np.array(amounts, dtype="int64"),
        }
    )


def selection():
    # Sheet rows (canonical order): 2 沿河 r5 key item 60,000; 3 沿河 r8 15,000; 4 沿河 r10 5,600;
    # 5 浏河 r6 35,000 (≥ interval 18,699.9975 元); 6 浏河 r8 4,500; 7 浏河 r10 9,999.99 judgemental.
    return select_sample(
        ledger_population(),
        method="mus",
        sample_size=4,
        seed=42,
        key_threshold_fen=50_000_00,
        judgemental={f"{LH}|明细账|10": "大额支出抽查"},
    )


def fill(path, cells: dict[tuple[int, str], object]) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book["抽样清单"]
    headers = {cell.value: cell.column for cell in sheet[1]}
    for (row, header), value in cells.items():
        sheet.cell(row=row, column=headers[header], value=value)
    book.save(path)


def filled_workbook(tmp_path):
    path = export_fieldwork(selection(), tmp_path / "抽样清单_2017.xlsx")
    cells = {
        (row, column): "是"
        for row in range(2, 7)
        for column in ("原始凭证是否齐全", "是否经审批", "是否合规")
    }
    cells[(4, "原始凭证是否齐全")] = "否"  # statistical item without complete vouchers
    cells[(6, "审定金额（元）")] = 3_600.00  # 4,500.00 booked → 900.00 misstatement, tainting 0.2
    cells[(5, "差错金额（元）")] = 1_000.00  # item above the interval: actual, not projected
    cells[(2, "是否合规")] = "否"  # the key item
    cells[(2, "差错金额（元）")] = "2,000.00"
    fill(path, cells)  # row 7 (judgemental) is left blank on purpose
    return path


def test_export_writes_the_agreed_headers_formats_and_drop_downs(tmp_path):
    path = export_fieldwork(selection(), tmp_path / "清单.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["抽样清单"]
    headers = [cell.value for cell in sheet[1]]
    assert headers == [
        "序号",
        "核算单位",
        "日期",
        "凭证字号",
        "摘要",
        "科目编码",
        "科目名称",
        "金额（元）",
        "抽样方法",
        "选取理由",
        "命中次数",
        "来源文件",
        "来源工作表",
        "来源行号",
        "原始凭证是否齐全",
        "是否经审批",
        "是否合规",
        "审定金额（元）",
        "差错金额（元）",
        "备注",
        "纳入总体依据",
    ]
    assert sheet.freeze_panes == "A2"
    assert sheet["H2"].value == 60_000 and sheet["H2"].number_format == "#,##0.00"
    assert sheet["R2"].number_format == sheet["S2"].number_format == "#,##0.00"
    validations = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert validations == {"O2:O7": '"是,否"', "P2:P7": '"是,否"', "Q2:Q7": '"是,否"'}
    assert sheet["J2"].value == "关键项目：金额≥50,000元"
    assert sheet.column_dimensions["J"].width == 40
    assert book["抽样参数"]["B5"].value == pytest.approx(74_799.99)


def test_ledger_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    path = export_fieldwork(selection(), tmp_path / "清单.xlsx")
    with zipfile.ZipFile(path) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    sheet = openpyxl.load_workbook(path)["抽样清单"]
    summaries = {
        sheet.cell(row=r, column=5).value: sheet.cell(row=r, column=5) for r in range(2, 8)
    }
    for text in ('=HYPERLINK("http://x","点我")', "+86 电话费", "@社区活动"):
        assert summaries[text].data_type == "s" and summaries[text].quotePrefix
    read = read_fieldwork(path)
    assert '=HYPERLINK("http://x","点我")' in read.data["summary"].tolist()


def test_round_trip_reads_back_what_was_filled_in(tmp_path):
    result = read_fieldwork(filled_workbook(tmp_path))
    assert result.counts == {"read": 6, "loaded": 6, "rejected": 0, "dropped": 0}
    data = result.data
    assert data["source_row"].tolist() == [5, 8, 10, 6, 8, 10]
    assert data["amount_fen"].tolist() == [
        6_000_000,
        1_500_000,
        560_000,
        3_500_000,
        450_000,
        999_999,
    ]
    assert data["misstatement_fen"].fillna(-1).tolist() == [
        200_000,
        -1,
        -1,
        100_000,
        90_000,
        -1,
    ]  # -1: left blank
    assert data.loc[4, "misstatement_fen"] == 90_000 and data.loc[4, "audited_fen"] == 360_000
    assert data.loc[3, "audited_fen"] == 3_400_000
    assert data["statistical"].tolist() == [False, True, True, True, True, False]
    assert data["fieldwork_row"].tolist() == [2, 3, 4, 5, 6, 7]
    assert data["approved"].tolist() == [True, True, True, True, True, pd.NA]  # row 7 left blank
    assert (
        result.parameters["sample_size"] == 4
        and result.parameters["population_amount_fen"] == 7_479_999
    )
    assert set(result.normalisations["action"]) == {
        "由金额减审定金额推算差错金额",
        "由金额减差错金额推算审定金额",
    }


def test_round_trip_evaluation_gives_the_hand_worked_numbers(tmp_path):
    evaluation = evaluate_fieldwork(
        read_fieldwork(filled_workbook(tmp_path)),
        tolerable_rate=0.05,
        tolerable_misstatement_fen=10_000_000,
    )
    attribute = evaluation.attribute
    assert (attribute.sample_size, attribute.deviations) == (4, 1)
    u = attribute.upper_limit  # Clopper-Pearson, 1 deviation in 4: (1−u)^4 + 4u(1−u)^3 = 0.05
    assert (1 - u) ** 4 + 4 * u * (1 - u) ** 3 == pytest.approx(0.05, abs=1e-9)
    assert not attribute.acceptable
    assert (
        evaluation.other_items == 2 and evaluation.other_deviations == 2
    )  # non-compliant key item, blank row
    assert evaluation.other_misstatement_fen == 200_000
    assert evaluation.total_misstatement_fen == 390_000
    assert len(evaluation.deviations) == 3
    assert any("1 项未填写检查结果" in note for note in evaluation.notes)
    assert any("1 项未填写“是否经审批”" in note for note in evaluation.notes)
    money = evaluation.monetary
    interval = 7_479_999 / 4
    assert money.taintings == (0.2,)
    assert money.projected_misstatement_fen == 374_000  # 0.2 × 1,869,999.75 fen
    assert money.top_stratum_misstatement_fen == 100_000
    assert money.known_misstatement_fen == 200_000
    assert abs(money.basic_precision_fen - U0 * interval) <= 1
    assert abs(money.incremental_allowance_fen - (U1 - U0 - 1) * 0.2 * interval) <= 1
    expected_limit = 374_000 + 100_000 + 200_000 + U0 * interval + (U1 - U0 - 1) * 0.2 * interval
    assert abs(money.upper_limit_fen - expected_limit) <= 2
    assert money.acceptable
    assert (
        "现场检查结果评价" in str(evaluation) and "货币单位抽样评价" in evaluation._repr_markdown_()
    )


def test_bad_cells_are_rejected_with_file_sheet_row_and_column(tmp_path):
    path = filled_workbook(tmp_path)
    fill(path, {(3, "是否合规"): "对", (4, "差错金额（元）"): "abc", (6, "差错金额（元）"): 500})
    result = read_fieldwork(path)
    rejects = result.rejects[["file", "sheet", "row", "column"]].itertuples(index=False, name=None)
    assert list(rejects) == [
        ("抽样清单_2017.xlsx", "抽样清单", 3, "是否合规"),
        ("抽样清单_2017.xlsx", "抽样清单", 4, "差错金额（元）"),
        ("抽样清单_2017.xlsx", "抽样清单", 6, "差错金额（元）"),
    ]
    assert result.rejects["reason"].tolist() == [
        "应填“是”或“否”",
        "不是有效金额",
        "差错金额应等于金额减审定金额",
    ]
    assert result.counts == {"read": 6, "loaded": 3, "rejected": 3, "dropped": 0}
    evaluation = evaluate_fieldwork(result, tolerable_misstatement_fen=10_000_000)
    assert any("3 行填写有误" in note for note in evaluation.notes)


def test_missing_sheet_or_column_is_an_input_error_naming_it(tmp_path):
    path = export_fieldwork(selection(), tmp_path / "清单.xlsx")
    book = openpyxl.load_workbook(path)
    book["抽样清单"].delete_cols(17)  # 是否合规
    book.save(path)
    with pytest.raises(InputError, match=r"清单\.xlsx, sheet 抽样清单, row 1, column 是否合规"):
        read_fieldwork(path)
    book["抽样清单"].title = "Sheet1"
    book.save(path)
    with pytest.raises(InputError, match="sheet 抽样清单"):
        read_fieldwork(path)
    with pytest.raises(InputError, match="找不到"):
        read_fieldwork(tmp_path / "none.xlsx")


def test_a_voucher_without_approval_is_a_deviation(tmp_path):
    path = filled_workbook(tmp_path)
    fill(path, {(3, "是否经审批"): "否"})  # statistical item 沿河 r8, documents and compliance fine
    result = read_fieldwork(path)
    assert result.data["approved"].tolist()[:2] == [True, False]
    evaluation = evaluate_fieldwork(result, tolerable_misstatement_fen=10_000_000)
    # Statistical items: row 4 lacks documents, row 3 lacks approval → 2 deviations in 4.
    assert (evaluation.attribute.sample_size, evaluation.attribute.deviations) == (4, 2)
    assert len(evaluation.deviations) == 4  # plus the non-compliant key item and the blank row


def test_approval_answer_other_than_yes_or_no_is_rejected_naming_the_column(tmp_path):
    path = filled_workbook(tmp_path)
    fill(path, {(5, "是否经审批"): "已审批"})
    result = read_fieldwork(path)
    assert result.rejects[["row", "column", "value", "reason"]].values.tolist() == [
        [5, "是否经审批", "已审批", "应填“是”或“否”"]
    ]


def test_a_sheet_exported_before_the_approval_column_still_reads_with_approval_not_filled(tmp_path):
    path = filled_workbook(tmp_path)
    book = openpyxl.load_workbook(path)
    book["抽样清单"].delete_cols(16)  # 是否经审批: the layout of sheets exported before it existed
    book.save(path)
    result = read_fieldwork(path)
    assert result.counts == {"read": 6, "loaded": 6, "rejected": 0, "dropped": 0}
    assert result.data["approved"].isna().all()
    assert result.data["compliant"].tolist() == [False, True, True, True, True, pd.NA]
    evaluation = evaluate_fieldwork(result, tolerable_misstatement_fen=10_000_000)
    assert (evaluation.attribute.sample_size, evaluation.attribute.deviations) == (
        4,
        1,
    )  # as before the column
    assert any("6 项未填写“是否经审批”" in note for note in evaluation.notes)
