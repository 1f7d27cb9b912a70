"""Loaders: cell conversions worked out by hand, header detection, and each raw kind's loader."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from jixiao import schema
from jixiao.delimited import decode_bytes
from jixiao.errors import InputError
from jixiao.loading import (
    LoadResult,
    as_text,
    load_interviews,
    load_ledger,
    load_ledgers,
    load_observations,
    load_outputs,
    load_table,
    normalise_header,
    parse_dates,
    parse_money,
    parse_vouchers,
    unit_from_filename,
    unit_from_title,
)


def text(*values) -> pd.Series:
    return pd.Series(values, dtype="str")


def write_xlsx(path, sheet: str, rows: list[list]):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


# --------------------------------------------------------------------------- money


def test_money_rounds_half_to_even_at_the_fen_from_the_decimal_text():
    # 0.295 元 = 29.5 fen → 30 (even); 0.285 → 28.5 → 28; 1.005 → 100.5 → 100; 1.015 → 101.5 → 102;
    # 0.2851 → 28.51 → 29 (above half); -0.125 → -12.5 → -12.
    result = parse_money(
        text("0.295", "0.285", "1.005", "1.015", "0.2851", "-0.125"), blank_is_zero=False
    )
    assert result.values.tolist() == [30, 28, 100, 102, 29, -12]
    assert not result.bad.any()


def test_money_from_excel_floats_uses_their_shortest_decimal_form_not_binary_drift():
    cells = pd.Series([0.1 + 0.2, 1234.5, 0.295, 1e-05, 50000.0, -20.5], dtype=object)
    # 0.1 + 0.2 prints as 0.30000000000000004 → 30 fen; 0.295 * 100 in binary is 29.4999… but
    # Excel shows 0.295, which rounds half-even to 30; 1e-05 元 → 0 fen.
    assert parse_money(as_text(cells), blank_is_zero=False).values.tolist() == [
        30,
        123450,
        30,
        0,
        5000000,
        -2050,
    ]


def test_money_accepts_separators_currency_signs_full_width_and_red_ink():
    cells = text(
        "1,234,567.891",
        "¥1,234.50",
        "￥88",
        "１，２３４．５０",
        "(1,234.50)",
        "(¥12.00)",
        "-500",
        "12元",
    )
    result = parse_money(cells, blank_is_zero=False)
    assert result.values.tolist() == [123456789, 123450, 8800, 123450, -123450, -1200, -50000, 1200]


def test_money_rejects_misplaced_separators_words_double_signs_and_too_many_digits():
    cells = text("12,3.4", "12,34", "一千", "-(5.00)", "1.2.3", "1234567890123456", ".", None)
    result = parse_money(cells, blank_is_zero=False)
    assert result.bad.tolist() == [True, True, True, True, True, True, True, False]
    assert result.reason.iloc[5] == "「1234567890123456」金额位数过多"
    assert result.values.isna().tolist() == [True] * 8


def test_blank_debit_and_credit_count_as_zero_but_other_blank_amounts_stay_missing():
    assert parse_money(text(None, "5"), blank_is_zero=True).values.tolist() == [0, 500]
    assert parse_money(text(None, "5"), blank_is_zero=False).values.isna().tolist() == [True, False]


# --------------------------------------------------------------------------- dates


def test_dates_in_every_export_style_read_as_the_same_day():
    cells = text(
        "2017/5/3",
        "2017.05.03",
        "2017-5-3",
        "2017年5月3日",
        "20170503",
        "42858",
        "2017-05-03 00:00:00",
        "2017 年 5 月 3 日",
    )
    result = parse_dates(cells)
    assert not result.bad.any()
    assert (
        result.values == pd.Timestamp("2017-05-03")
    ).all()  # serial 42858 = 1899-12-30 + 42858 days


def test_impossible_or_unreadable_dates_are_bad_cells():
    result = parse_dates(text("2017-02-29", "2017-13-01", "下周一", "60", "201705", None))
    assert result.bad.tolist() == [True, True, True, True, True, False]


def test_date_cells_from_calamine_come_through_as_dates():
    cells = pd.Series(
        [dt.date(2017, 1, 5), dt.datetime(2018, 5, 16, 0, 0), 42740.0, ""], dtype=object
    )
    values = parse_dates(as_text(cells)).values
    assert values.dt.strftime("%Y-%m-%d").tolist()[:3] == ["2017-01-05", "2018-05-16", "2017-01-05"]
    assert pd.isna(values.iloc[3])


# --------------------------------------------------------------------------- vouchers, headers, units


def test_voucher_references_split_into_type_and_number():
    vtype, number, bad = parse_vouchers(
        text("记-12", "记12", "记 字 第12号", "付-0003", "收－7", "见附件")
    )
    assert vtype.tolist()[:5] == ["记", "记", "记", "付", "收"]
    assert number.tolist()[:5] == [12, 12, 12, 3, 7]
    assert bad.tolist() == [False] * 5 + [True]


def test_voucher_number_only_takes_its_type_from_a_separate_column():
    vtype, number, bad = parse_vouchers(text("12", "3"), type_text=text("记", "付字"))
    assert vtype.tolist() == ["记", "付"] and number.tolist() == [12, 3] and not bad.any()


def test_headers_compare_without_spaces_full_width_forms_or_yuan_suffix():
    assert (
        normalise_header("下达金额 (元)")
        == normalise_header("下达金额（元）")
        == normalise_header("下达金额")
    )
    assert normalise_header("借 方") == normalise_header("借方")
    assert normalise_header("Ｑ１") == normalise_header("q1")


def test_unit_is_read_from_the_ledger_file_name():
    assert unit_from_filename("明细账_浏河社区.xlsx") == "浏河社区"
    assert unit_from_filename("明细账-沿河社区.csv") == "沿河社区"
    assert unit_from_filename("ledger.xlsx") is None


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([["金额单位：元"]], None),
        ([["单位：元"]], None),
        ([["单位：万元"]], None),
        ([["单位:人民币元"]], None),
        ([["单位：人民币"]], None),
        ([["（单位：元）"]], None),
        ([["单位：", "", "元"]], None),  # label and value in separate cells
        ([["计量单位：个"]], None),
        ([["核算单位：元"]], None),  # a money unit is never a unit's name, whatever the label
        ([["编制单位：沿河社区"]], "沿河社区"),
        ([["单位：沿河社区居民委员会"]], "沿河社区居民委员会"),
        ([["单位名称：浏河社区"]], "浏河社区"),
        ([["核算单位：浏河社区\u3000\u3000期间：2017年"]], "浏河社区"),
        ([["金额单位：元  编制单位：泉口社区"]], "泉口社区"),
        ([["单位：元"], ["核算单位：", "", "浏河社区"]], "浏河社区"),
        ([["期间：2017年01月-2018年06月"]], None),
        ([["明细账—核算单位：浏河社区"]], "浏河社区"),
        ([["货币单位：人民币", "数量单位：个"]], None),
    ],
)
def test_unit_title_line_names_a_unit_never_a_money_or_measure_unit(lines, expected):
    width = max(len(line) for line in lines)
    title = pd.DataFrame([line + [""] * (width - len(line)) for line in lines], dtype=object)
    assert unit_from_title(title) == expected


def test_csv_encoding_detection_prefers_bom_then_utf8_then_gb18030():
    assert decode_bytes("日期".encode("utf-8-sig")) == ("日期", "utf-8-sig")
    assert decode_bytes("日期".encode()) == ("日期", "utf-8")
    assert decode_bytes("日期".encode("gbk")) == ("日期", "gb18030")


# --------------------------------------------------------------------------- loaders on small workbooks


LEDGER_HEADER = [c.header for c in schema.LEDGER.columns]


def ledger_row(date, voucher, summary, code, debit=None, credit=None):
    return [date, voucher, summary, code, "科目", debit, credit, None, None, None, None, None, None]


def test_unit_argument_wins_and_a_title_line_naming_the_file_unit_in_full_is_taken(tmp_path):
    path = write_xlsx(
        tmp_path / "明细账_文件名社区.xlsx",
        "明细账",
        [
            ["核算单位：文件名社区居民委员会"],
            LEDGER_HEADER,
            ledger_row(dt.datetime(2017, 3, 1), "记-1", "付电话费", "50010101", 100),
        ],
    )
    assert load_ledger(path).data["unit"].tolist() == ["文件名社区居民委员会"]
    assert load_ledger(path, unit="参数社区").data["unit"].tolist() == ["参数社区"]
    bare = write_xlsx(
        tmp_path / "明细账_文件名社区.xlsx",
        "明细账",
        [LEDGER_HEADER, ledger_row(dt.datetime(2017, 3, 1), "记-1", "付电话费", "50010101", 100)],
    )
    assert load_ledger(bare).data["unit"].tolist() == ["文件名社区"]


def test_ledger_rows_carry_provenance_and_canonical_dtypes(tmp_path):
    path = write_xlsx(
        tmp_path / "明细账_甲社区.xlsx",
        "明细账",
        [
            LEDGER_HEADER,
            ledger_row(dt.datetime(2017, 3, 1), "记-1", "付电话费", 50010101, 120.5),
            ledger_row("2017-03-01", "记-1", "付电话费", "1002", None, "120.50"),
        ],
    )
    data = load_ledger(path).data
    assert data["source_file"].tolist() == ["明细账_甲社区.xlsx"] * 2
    assert data["source_sheet"].tolist() == ["明细账"] * 2
    assert data["source_row"].tolist() == [2, 3]
    assert data["account_code"].tolist() == ["50010101", "1002"]
    assert str(data["debit_fen"].dtype) == "int64" and str(data["voucher_no"].dtype) == "Int64"
    assert data["date"].dtype.kind == "M" and data["summary"].dtype == "str"
    assert data["debit_fen"].sum() == data["credit_fen"].sum() == 12050


def test_several_ledgers_concatenate_with_summed_counts(tmp_path):
    rows = [
        LEDGER_HEADER,
        ledger_row(dt.datetime(2017, 3, 1), "记-1", "付电话费", "50010101", 100),
        [None, None, "本月合计", None, None, 100],
    ]
    a = write_xlsx(tmp_path / "明细账_甲社区.xlsx", "明细账", rows)
    b = write_xlsx(tmp_path / "明细账_乙社区.xlsx", "明细账", rows)
    result = load_ledgers([b, a])
    assert result.counts == {"read": 4, "loaded": 2, "rejected": 0, "dropped": 2}
    assert result.data["unit"].tolist() == ["乙社区", "甲社区"]  # files in name order
    assert len(result.sources) == 2


def test_load_table_reads_a_named_sheet_and_reports_a_missing_one(tmp_path):
    header = [c.header for c in schema.OUTPUTS.columns]
    path = write_xlsx(
        tmp_path / "产出.xlsx",
        "其他",
        [header, ["P1", "新建服务站", "数量", "个", 10, 10, "是", "是", "验收报告"]],
    )
    assert load_table(path, schema.OUTPUTS, sheet="其他").data["planned"].tolist() == [10.0]
    with pytest.raises(InputError, match="找不到工作表「产出指标」；工作簿中的工作表有：「其他」"):
        load_outputs(path)


def test_outputs_interviews_and_observations_load_with_their_types(tmp_path):
    outputs = write_xlsx(
        tmp_path / "产出.xlsx",
        "产出指标",
        [
            [c.header for c in schema.OUTPUTS.columns],
            ["P1", "持证社工", "数量", "人", "344", 344.0, "是", "是", None],
        ],
    )
    assert load_outputs(outputs).data[["planned", "actual"]].values.tolist() == [[344.0, 344.0]]
    interviews = write_xlsx(
        tmp_path / "访谈.xlsx",
        "电话访谈",
        [
            [c.header for c in schema.INTERVIEWS.columns],
            [
                "I01",
                "2019年9月5日",
                "浏河社区",
                "居民",
                "李四",
                "13900000000",
                "T1",
                "是否满意",
                "满意",
                "无",
            ],
        ],
    )
    data = load_interviews(interviews).data
    assert data["interview_date"].tolist() == [pd.Timestamp("2019-09-05")]
    assert data["phone"].tolist() == ["13900000000"]
    observations = write_xlsx(
        tmp_path / "观察.xlsx",
        "观察记录",
        [
            [c.header for c in schema.OBSERVATIONS.columns],
            [
                "OBS-04",
                "资料不全",
                "活动记录不完整",
                "过程",
                "制度执行有效性",
                "浏河社区",
                "座谈会、实地调研",
                None,
                "中",
                "评价组",
                None,
            ],
        ],
    )
    result = load_observations(observations)
    assert result.counts["loaded"] == 1  # two evidence sources, each one of the choices
    assert result.data["evidence_source"].tolist() == ["座谈会、实地调研"]


def test_missing_required_value_is_rejected_with_the_header_as_found(tmp_path):
    header = [c.header for c in schema.OUTPUTS.columns]
    header[4] = "目标值"  # alias of 计划数
    path = write_xlsx(
        tmp_path / "产出.xlsx",
        "产出指标",
        [header, ["P1", "服务中心", "数量", "个", None, 5, "是", "是", None]],
    )
    result = load_outputs(path)
    assert result.rejects[["row", "column", "reason"]].values.tolist() == [
        [2, "目标值", "必填项为空"]
    ]
    assert result.counts == {"read": 1, "loaded": 0, "rejected": 1, "dropped": 0}


def test_load_result_refuses_counts_that_do_not_reconcile():
    empty = pd.DataFrame()
    with pytest.raises(AssertionError, match="do not reconcile"):
        LoadResult(
            empty, empty, empty, empty, {"read": 3, "loaded": 0, "rejected": 1, "dropped": 1}
        )


def test_ledgers_loaded_together_equal_each_file_loaded_alone(tmp_path):
    """load_ledgers converts all files in one batch; every record must stay that file's own."""
    corpus = Path(__file__).parent / "bad_inputs"
    names = [
        "aliased_headers.xlsx", "bad_amount.xlsx", "bad_voucher.xlsx", "duplicate_lines.xlsx",
        "red_ink_negatives.xlsx", "serial_dates.xlsx", "subtotal_rows.xlsx",
        "明细账_沿河社区.xlsx",
    ]  # fmt: skip
    # files whose title line names their unit: the file name must name the same unit
    titled = {
        "ledger_gbk.csv": "明细账_天鹅社区.csv",
        "title_lines.xlsx": "明细账_浏河社区.xlsx",
        "legacy_biff8.xls": "明细账_旧账社区.xls",
        "two_row_header.xlsx": "明细账_白庙社区.xlsx",
    }
    files = []
    for name in names:  # named 明细账_<单位> so files without a 核算单位 line still have a unit
        target = tmp_path / (name if name.startswith("明细账_") else f"明细账_{name}")
        shutil.copyfile(corpus / name, target)
        files.append(target)
    for name, target_name in titled.items():
        target = tmp_path / target_name
        shutil.copyfile(corpus / name, target)
        files.append(target)
    files.sort(key=lambda p: p.name)
    # title lines naming a unit other than the file's, settled as parameters.toml [units] would
    mapping = {"沿河社区居民委员会": "天鹅社区", "浏河社区居民委员会": "白庙社区"}
    together = load_ledgers(files, unit_names=mapping)
    alone = LoadResult.concat(load_ledger(f, unit_names=mapping) for f in files)
    for part in ("data", "rejects", "dropped", "normalisations"):
        pd.testing.assert_frame_equal(getattr(together, part), getattr(alone, part))
    assert together.counts == alone.counts and together.sources == alone.sources
    # The batch really mixes files with different headers, encodings and problems.
    assert together.rejects["file"].nunique() >= 2 and together.normalisations[
        "file"
    ].nunique() == len(files)


@pytest.mark.parametrize("with_numbers", [False, True])
def test_workbook_pieces_judged_while_read_stack_as_when_judged_at_stacking(with_numbers):
    from jixiao.loading.columns import as_text_piece, stack_pieces

    csv_piece = pd.Series(["付-1", "", "记-3"], dtype="str")
    text_piece = pd.Series(["付-2", "", "收-7"], dtype=object)
    other = pd.Series([12.0, "记-9", None] if with_numbers else ["记-9", "", "记-10"], dtype=object)
    missing = pd.Series([None, None], dtype=object)  # a file without the column
    pieces = [csv_piece, text_piece, missing, other]
    judged = [None, as_text_piece(text_piece), None, as_text_piece(other)]
    at_stacking = stack_pieces(pieces)
    assert at_stacking.dtype == (object if with_numbers else "str")
    pd.testing.assert_series_equal(stack_pieces(pieces, judged), at_stacking)


@pytest.mark.parametrize("blank_is_zero", [False, True])
def test_amount_pieces_of_csv_text_and_workbook_cells_convert_as_their_stack(blank_is_zero):
    from jixiao.loading.columns import as_text_piece, money_column, money_pieces, stack_pieces

    csv_a = pd.Series(
        ["1,234.50", "", " 12.30 ", "¥8.00", "(5.00)", "１２", "abc", "0.295", "7", "-3.10"],
        dtype="str",
    )
    workbook = pd.Series(
        [12.5, 0.295, 1e-05, 3, True, "", None, "  45.60", float("nan"), 1e14, -0.0, "=A1"],
        dtype=object,
    )
    text_only = pd.Series(["2,000.00", "", "9.99"], dtype=object)  # judged text while read
    missing = pd.Series([None, None], dtype=object)  # a file without the column
    csv_b = pd.Series(["100", "1,00", "", "12.345"], dtype="str")
    pieces = [csv_a, workbook, text_only, missing, csv_b]
    judged = [None, as_text_piece(workbook), as_text_piece(text_only), None, None]
    stacked = stack_pieces(pieces, judged)
    assert stacked.dtype == object  # workbook numbers beside CSV text: a stack of objects
    expected, expected_empty = money_column(stacked, blank_is_zero=blank_is_zero)
    converted, empty, text = money_pieces(pieces, judged, blank_is_zero)
    pd.testing.assert_series_equal(converted.values, expected.values)
    pd.testing.assert_series_equal(converted.bad, expected.bad)
    if isinstance(expected.reason, str):
        assert converted.reason == expected.reason
    else:
        pd.testing.assert_series_equal(converted.reason, expected.reason)
    assert list(converted.actions) == list(expected.actions)
    for action, mask in expected.actions.items():
        pd.testing.assert_series_equal(converted.actions[action], mask, check_names=False)
    assert (empty == expected_empty).all()
    assert converted.bad.any() and converted.values.isna().any()  # the case holds bad cells
    from jixiao.loading.cells import as_text

    pd.testing.assert_series_equal(text(), as_text(stacked))
