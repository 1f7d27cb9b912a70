"""One test per file of tests/bad_inputs/: the exact outcome of loading each broken or unusual export.

The corpus is written by tests/bad_inputs/make_corpus.py (deterministic); the expected values
below are read off that script by hand: three ledger lines per file unless stated — a receipt
of 50,000.00 元 (记-1, two sides) and a 1,234.50 元 payment (付-1).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest
import python_calamine

from jixiao.errors import InputError
from jixiao.loading import load_allocations, load_ledger, load_survey
from jixiao.readers import detect_format

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
RECEIPT, PAYMENT = 5_000_000, 123_450  # fen


def corpus(name: str) -> Path:
    return CORPUS / name


def counts(read, loaded, rejected, dropped) -> dict:
    return {"read": read, "loaded": loaded, "rejected": rejected, "dropped": dropped}


def actions(result, column: str | None = None) -> dict[str, int]:
    notes = result.normalisations
    if column is not None:
        notes = notes[notes["column"] == column]
    return dict(zip(notes["action"], notes["count"], strict=False))


def test_corpus_has_at_least_45_files_and_each_is_tested_here_or_in_the_second_part():
    files = sorted(p for p in CORPUS.rglob("*") if p.suffix != ".py" and p.is_file())
    here = Path(__file__).resolve().parent
    source = "".join(
        (here / name).read_text(encoding="utf-8")
        for name in ("test_bad_inputs.py", "test_bad_inputs_more.py")
    )
    assert len(files) >= 45
    # a file in a subfolder (a year folder of several files) is tested through its folder
    named = [p.relative_to(CORPUS).parts[0] for p in files]
    assert [n for n in named if f'"{n}"' not in source] == []


# --------------------------------------------------------------------------- structural errors


def test_missing_sheet_names_the_sheet_wanted_and_the_sheets_found():
    with pytest.raises(InputError) as err:
        load_ledger(corpus("missing_sheet.xlsx"), unit="测试", sheet="明细账")
    assert (
        str(err.value)
        == "missing_sheet.xlsx, sheet 明细账: 找不到工作表「明细账」；工作簿中的工作表有：「Sheet1」、「汇总」"
    )
    assert err.value.sheet == "明细账"


def test_without_a_ledger_named_sheet_the_one_sheet_with_a_ledger_header_is_read_and_recorded():
    result = load_ledger(
        corpus("missing_sheet.xlsx"), unit="测试"
    )  # Sheet1 has the ledger, 汇总 does not
    assert result.counts == counts(3, 3, 0, 0)
    assert result.data["source_sheet"].tolist() == ["Sheet1"] * 3
    assert result.data["debit_fen"].tolist() == [RECEIPT, 0, PAYMENT]
    notes = result.normalisations
    used = notes[notes["action"].str.startswith("明细账读自工作表")]
    assert used[["sheet", "action"]].values.tolist() == [
        [
            "Sheet1",
            "明细账读自工作表「Sheet1」（工作簿中没有「明细账」工作表，只有这一张工作表的表头与明细账相符）",
        ]
    ]


def test_one_sheet_export_named_sheet1_loads_and_records_the_sheet_used():
    result = load_ledger(corpus("sheet1_export.xlsx"))
    assert result.counts == counts(3, 3, 0, 0)
    assert result.data["source_sheet"].tolist() == ["Sheet1"] * 3
    assert result.data["source_row"].tolist() == [4, 5, 6]
    assert result.data["unit"].tolist() == ["沿河社区居民委员会"] * 3
    assert result.data["credit_fen"].tolist() == [0, RECEIPT, 0]
    assert actions(result)["明细账读自工作表「Sheet1」（工作簿只有这一张工作表）"] == 1


def test_workbook_without_any_ledger_sheet_lists_its_sheets():
    with pytest.raises(InputError) as err:
        load_ledger(corpus("no_ledger_sheet.xlsx"), unit="测试")
    assert str(err.value) == (
        "no_ledger_sheet.xlsx: 找不到明细账：工作簿中没有名为「明细账」的工作表，"
        "也没有前 15 行中有明细账表头（日期、凭证字号、科目编码、借方、贷方）的工作表；"
        "工作簿中的工作表有：「封面」、「科目汇总」；请在调用时用 sheet 指定工作表"
    )


def test_two_ledger_sheets_and_none_named_ledger_need_the_sheet_argument():
    with pytest.raises(InputError) as err:
        load_ledger(corpus("two_ledger_sheets.xlsx"), unit="测试")
    assert str(err.value) == (
        "two_ledger_sheets.xlsx: 无法确定明细账在哪张工作表：工作簿中没有名为「明细账」的工作表，"
        "而 2 张工作表的表头都与明细账相符：「2017年」、「2018年」；工作簿中的工作表有：「2017年」、「2018年」；"
        "请在调用时用 sheet 指定工作表"
    )
    result = load_ledger(corpus("two_ledger_sheets.xlsx"), unit="测试", sheet="2018年")
    assert result.counts == counts(2, 2, 0, 0)
    assert result.data["date"].dt.strftime("%Y-%m-%d").tolist() == ["2018-01-05", "2018-01-05"]
    assert result.data["source_sheet"].tolist() == ["2018年", "2018年"]
    assert actions(result)["明细账读自工作表「2018年」（调用时指定）"] == 1


def test_ledger_read_from_its_ledger_named_sheet_records_no_sheet_choice():
    result = load_ledger(corpus("title_lines.xlsx"))
    assert not result.normalisations["action"].str.startswith("明细账读自工作表").any()


def test_missing_required_column_names_it_with_aliases_and_lists_headers_found():
    with pytest.raises(InputError) as err:
        load_ledger(corpus("missing_column.xlsx"), unit="测试")
    assert err.value.column == "贷方"
    message = str(err.value)
    assert "缺少必需的列：贷方（也可写作：贷方金额、贷方发生额）" in message
    assert "第 1 行找到的表头是：日期、凭证字号、摘要、科目编码、科目名称、借方、方向" in message


def test_text_file_named_xlsx_is_reported_as_not_a_workbook():
    with pytest.raises(
        InputError, match=r"^text_named\.xlsx: 文件扩展名是 \.xlsx，但内容不是 Excel 工作簿"
    ):
        load_ledger(corpus("text_named.xlsx"), unit="测试")


def test_empty_file_of_zero_bytes_is_reported():
    with pytest.raises(InputError, match=r"^empty\.xlsx: 文件为空（0 字节）$"):
        load_ledger(corpus("empty.xlsx"), unit="测试")


def test_truncated_xlsx_is_reported_as_corrupt():
    with pytest.raises(InputError, match=r"^truncated\.xlsx: 文件已损坏（ZIP 结构不完整"):
        load_ledger(corpus("truncated.xlsx"), unit="测试")


def test_password_protected_workbook_is_recognised_by_its_ole2_encryption_stream():
    with pytest.raises(InputError) as err:
        load_ledger(corpus("encrypted.xlsx"), unit="测试")
    assert (
        str(err.value)
        == "encrypted.xlsx: 工作簿设置了打开密码（已加密），无法读取；请去除密码后重新导出"
    )
    assert err.value.file == "encrypted.xlsx"


def test_encrypted_corpus_file_is_a_real_password_encrypted_workbook():
    # Made by make_external.py with msoffcrypto-tool, not a stand-in carrying the marker names.
    data = corpus("encrypted.xlsx").read_bytes()
    assert data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # OLE2 container
    assert (
        b'<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption"' in data
    )  # agile EncryptionInfo
    assert b'cipherAlgorithm="AES"' in data and b"keyEncryptor/password" in data
    with pytest.raises(python_calamine.PasswordError):  # an independent reader agrees
        python_calamine.CalamineWorkbook.from_path(str(corpus("encrypted.xlsx")))


def test_png_renamed_xlsx_is_reported_as_a_picture():
    with pytest.raises(InputError, match=r"^picture_named\.xlsx: .*内容是PNG 图片"):
        load_ledger(corpus("picture_named.xlsx"), unit="测试")


def test_word_document_renamed_xlsx_is_reported_as_word():
    with pytest.raises(InputError, match=r"^word_named\.xlsx: .*内容是Word 文档"):
        load_ledger(corpus("word_named.xlsx"), unit="测试")


def test_text_file_named_xls_is_reported_as_not_a_workbook():
    with pytest.raises(
        InputError, match=r"^text_named\.xls: 文件扩展名是 \.xls，但内容不是 Excel 工作簿"
    ):
        load_ledger(corpus("text_named.xls"), unit="测试")


def test_ole2_xls_is_routed_to_calamine_and_an_unreadable_one_gets_a_clear_error():
    assert detect_format(corpus("ole2_without_workbook.xls")) == "xls"
    with pytest.raises(InputError, match=r"^ole2_without_workbook\.xls: 无法读取工作簿（"):
        load_ledger(corpus("ole2_without_workbook.xls"), unit="测试")


def test_legacy_xls_export_loads_with_exact_counts_dates_and_amounts():
    # Excel 97–2003 file written by xlwt (make_external.py): title lines, date cells, the code
    # 1002 typed as a number, 1,234.50 typed as text, an opening balance and a month total.
    assert detect_format(corpus("legacy_biff8.xls")) == "xls"
    result = load_ledger(corpus("legacy_biff8.xls"))
    assert result.counts == counts(5, 3, 0, 2)
    data = result.data
    assert data["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2017-01-05",
        "2017-01-05",
        "2017-01-20",
    ]
    assert data["voucher"].tolist() == ["记-1", "记-1", "付-1"]
    assert data["account_code"].tolist() == ["1002", "400102", "50010201"]
    assert data["debit_fen"].tolist() == [RECEIPT, 0, PAYMENT]
    assert data["credit_fen"].tolist() == [0, RECEIPT, 0]
    assert data["balance_fen"].tolist() == [5_100_000, 5_000_000, 123_450]
    assert data["attachments"].tolist() == [1, 1, 2]
    assert (
        data["unit"].tolist() == ["旧账社区居民委员会"] * 3
    )  # 金额单位：元 below it is not the unit
    assert data["source_sheet"].tolist() == ["明细账"] * 3
    assert data["source_row"].tolist() == [6, 7, 8]
    assert result.dropped[["row", "kind"]].values.tolist() == [
        [5, "期初/结转余额行"],
        [9, "合计行"],
    ]
    assert actions(result, "借方")["去除千位分隔符"] == 1
    assert result.rejects.empty


def test_ledger_without_title_line_or_unit_file_name_needs_the_unit_argument():
    with pytest.raises(InputError, match="无法确定核算单位"):
        load_ledger(corpus("aliased_headers.xlsx"))


# --------------------------------------------------------------------------- headers


def test_aliased_headers_map_to_canonical_columns_and_are_recorded():
    result = load_ledger(corpus("aliased_headers.xlsx"), unit="测试")
    assert result.counts == counts(3, 3, 0, 0)
    assert result.data["debit_fen"].tolist() == [RECEIPT, 0, PAYMENT]
    assert result.data["credit_fen"].tolist() == [0, RECEIPT, 0]
    assert result.data["account_code"].tolist() == ["1002", "400102", "50010201"]
    notes = actions(result)
    for found, target in (
        ("制单日期", "日期"),
        ("借方金额", "借方"),
        ("贷方金额", "贷方"),
        ("科目代码", "科目编码"),
        ("凭证号", "凭证字号"),
    ):
        assert any(a.startswith(f"表头「{found}」识别为「{target}」") for a in notes), found


def test_two_row_merged_header_reads_debit_credit_and_voucher_type_number():
    result = load_ledger(corpus("two_row_header.xlsx"))
    assert result.counts == counts(3, 3, 0, 0)
    assert result.data["voucher"].tolist() == ["记-1", "记-1", "付-1"]
    assert result.data["voucher_type"].tolist() == ["记", "记", "付"]
    assert result.data["voucher_no"].tolist() == [1, 1, 1]
    assert result.data["debit_fen"].tolist() == [RECEIPT, 0, PAYMENT]
    assert result.data["source_row"].tolist() == [4, 5, 6]  # title row 1, header rows 2–3
    assert "第 2–3 行为两行合并表头，已合并识别" in actions(result)


def test_title_lines_above_header_are_skipped_and_unit_read_from_split_title_cell():
    result = load_ledger(corpus("title_lines.xlsx"))
    assert result.counts == counts(3, 3, 0, 0)
    assert result.data["unit"].unique().tolist() == ["泉口街道浏河社区居民委员会"]
    assert result.data["source_row"].tolist() == [6, 7, 8]
    assert "表头位于第 5 行，上方 4 行标题已跳过" in actions(result)


def test_money_unit_title_lines_are_not_the_accounting_unit_so_the_file_name_gives_it():
    # Title lines 金额单位：元 and 单位：/元 (split over two cells) above the header.
    result = load_ledger(corpus("明细账_沿河社区.xlsx"))
    assert result.counts == counts(3, 3, 0, 0)
    assert result.data["unit"].tolist() == ["沿河社区"] * 3
    assert result.data["source_row"].tolist() == [5, 6, 7]
    assert actions(result)["核算单位取自文件名：沿河社区"] == 1


def test_compiled_by_title_line_names_the_unit_and_the_money_unit_beside_it_is_ignored():
    result = load_ledger(corpus("title_compiled_by.xlsx"))
    assert result.counts == counts(3, 3, 0, 0)
    assert result.data["unit"].tolist() == ["泉口社区居民委员会"] * 3
    assert actions(result)["核算单位取自标题行「编制单位」：泉口社区居民委员会"] == 1


def test_header_with_spaces_full_width_brackets_and_yuan_suffix_is_recognised():
    result = load_allocations(corpus("allocations_fullwidth_header.xlsx"))
    assert result.counts == counts(3, 2, 0, 1)  # the 合计 row is dropped
    assert result.data["amount_fen"].tolist() == [12_000_000, 5_000_000]
    assert result.data["arrived_fen"].tolist() == [12_000_000, pd.NA]
    assert result.data["grant_id"].tolist() == ["JX-01", "JX-02"]
    assert result.dropped[["row", "kind"]].values.tolist() == [[5, "合计行"]]
    notes = actions(result)
    assert "表头「下达金额 (元)」识别为「下达金额（元）」（amount_fen）" in notes
    assert "表头「到账金额（ 元 ）」识别为「到账金额（元）」（arrived_fen）" in notes


def test_header_only_sheet_loads_zero_rows_with_canonical_columns():
    result = load_ledger(corpus("header_only.xlsx"), unit="测试")
    assert result.counts == counts(0, 0, 0, 0)
    assert len(result.data) == 0
    assert result.data["debit_fen"].dtype == "int64"
    assert "voucher_no" in result.data.columns


# --------------------------------------------------------------------------- CSV encodings


@pytest.mark.parametrize(
    ("name", "encoding", "separator"),
    [
        ("ledger_gbk.csv", "gb18030（兼容 GBK）", "逗号"),
        ("ledger_gb18030.csv", "gb18030（兼容 GBK）", "逗号"),
        ("ledger_utf8_bom.csv", "utf-8-sig", "逗号"),
        ("ledger_tab.csv", "utf-8", "制表符"),
    ],
)
def test_csv_exports_decode_and_drop_the_month_total(name, encoding, separator):
    result = load_ledger(corpus(name))
    assert result.counts == counts(3, 2, 0, 1)
    assert f"CSV 编码识别为 {encoding}，分隔符为{separator}" in actions(result)
    assert result.data["unit"].unique().tolist() == ["沿河社区居民委员会"]
    assert result.data["debit_fen"].tolist() == [RECEIPT, 0]
    assert result.data["summary"].tolist() == ["收到补助", "收到补助"]
    assert result.dropped[["row", "kind"]].values.tolist() == [[6, "合计行"]]  # CSV line numbers


def test_gb18030_only_character_survives_decoding():
    result = load_ledger(corpus("ledger_gb18030.csv"))
    assert result.data["counterparty"].iloc[0] == "𠮷祥社工服务社"


# --------------------------------------------------------------------------- amounts, dates, codes


def test_text_amounts_with_commas_and_yuan_signs_become_fen():
    result = load_ledger(corpus("text_amounts.xlsx"), unit="测试")
    assert result.counts == counts(3, 3, 0, 0)
    assert result.data["debit_fen"].tolist() == [RECEIPT, 0, PAYMENT]
    assert result.data["credit_fen"].tolist() == [0, RECEIPT, 0]
    assert actions(result, "借方")["去除货币符号（¥/元）"] == 1  # ￥1,234.50
    assert actions(result, "借方")["去除千位分隔符"] == 2


def test_full_width_digits_in_amount_and_account_code_are_converted():
    result = load_ledger(corpus("fullwidth_digits.xlsx"), unit="测试")
    assert result.data["debit_fen"].iloc[2] == PAYMENT
    assert result.data["account_code"].iloc[2] == "50010201"
    assert actions(result, "科目编码") == {"全角字符转为半角": 1}


def test_excel_serial_numbers_become_dates():
    result = load_ledger(corpus("serial_dates.xlsx"), unit="测试")
    assert result.data["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2017-01-05",
        "2017-01-05",
        "2017-01-20",
    ]
    assert actions(result, "日期") == {"Excel 日期序列号转换为日期": 3}


def test_chinese_slash_dot_dash_and_compact_date_strings_all_read_as_3_may_2017():
    result = load_ledger(corpus("chinese_dates.xlsx"), unit="测试")
    assert result.counts == counts(5, 5, 0, 0)
    assert (result.data["date"] == pd.Timestamp("2017-05-03")).all()


def test_red_ink_negatives_in_parentheses_and_with_minus_sign_are_negative_fen():
    result = load_ledger(corpus("red_ink_negatives.xlsx"), unit="测试")
    assert result.data["debit_fen"].tolist() == [-123_450, 0, -2_050]
    assert result.data["credit_fen"].tolist() == [0, -50_000, 0]
    assert actions(result, "借方")["括号红字转为负数"] == 1


def test_account_codes_keep_leading_zeros_and_numbers_lose_the_float_suffix():
    result = load_ledger(corpus("account_code_leading_zeros.xlsx"), unit="测试")
    assert result.data["account_code"].tolist() == ["0101", "1002", "00123"]


# --------------------------------------------------------------------------- dropped and rejected rows


def test_opening_balance_and_month_and_year_totals_are_dropped_not_loaded():
    result = load_ledger(corpus("subtotal_rows.xlsx"), unit="测试")
    assert result.counts == counts(6, 3, 0, 3)
    assert result.dropped[["row", "kind"]].values.tolist() == [
        [2, "期初/结转余额行"],
        [6, "合计行"],
        [7, "合计行"],
    ]
    assert result.dropped["text"].str.contains("本年累计").tolist() == [False, False, True]
    assert result.data["debit_fen"].sum() == RECEIPT + PAYMENT


def test_a_dropped_row_s_text_shows_whole_numbers_without_the_float_suffix_and_keeps_the_rest():
    from jixiao.loading.frames import _row_text

    body = pd.DataFrame(
        {
            0: pd.Series([" 12.0 ", "\u300012.0", "12.05", None], dtype=object),
            1: pd.Series([7.0, "1.0.0", "-3.0", "合计"], dtype=object),
            2: pd.Series(["本月合计", "a.0", "", "0.0"], dtype="str"),
        }
    )
    assert _row_text(body).tolist() == ["12 7 本月合计", "12 1.0.0 a.0", "12.05 -3", "合计 0"]


def test_blank_rows_are_dropped_with_their_row_numbers():
    result = load_ledger(corpus("blank_rows.xlsx"), unit="测试")
    assert result.counts == counts(6, 3, 0, 3)
    assert result.dropped["row"].tolist() == [3, 5, 6]
    assert set(result.dropped["kind"]) == {"空行"}


def test_exact_duplicate_lines_are_kept_and_counted():
    result = load_ledger(corpus("duplicate_lines.xlsx"), unit="测试")
    assert result.counts == counts(4, 4, 0, 0)
    assert actions(result)["发现完全相同的分录行（未删除，由合规检查标记）"] == 1


def test_unparseable_amount_rejects_the_row_naming_file_sheet_row_and_column():
    result = load_ledger(corpus("bad_amount.xlsx"), unit="测试")
    assert result.counts == counts(3, 2, 1, 0)
    assert result.rejects.to_dict("records") == [
        {
            "file": "bad_amount.xlsx",
            "sheet": "明细账",
            "row": 4,
            "column": "借方",
            "value": "12,3.4",
            "reason": "「12,3.4」不是有效金额",
        }
    ]


def test_unparseable_and_impossible_dates_reject_their_rows():
    result = load_ledger(corpus("bad_date.xlsx"), unit="测试")
    assert result.counts == counts(3, 1, 2, 0)
    assert result.rejects[["row", "column", "value"]].values.tolist() == [
        [3, "日期", "2017-02-30"],
        [4, "日期", "下周一"],
    ]


def test_row_with_three_bad_cells_is_one_rejected_row_listing_each_cell():
    result = load_ledger(corpus("one_row_three_bad_cells.xlsx"), unit="测试")
    assert result.counts == counts(3, 2, 1, 0)
    assert result.rejects[["row", "column", "reason"]].values.tolist() == [
        [4, "日期", "「2017-13-01」不是有效日期"],
        [4, "科目编码", "必填项为空"],
        [4, "借方", "「一千元」不是有效金额"],
    ]


def test_unreadable_voucher_reference_rejects_the_row():
    result = load_ledger(corpus("bad_voucher.xlsx"), unit="测试")
    assert result.counts == counts(3, 2, 1, 0)
    assert result.rejects[["row", "column", "value"]].values.tolist() == [[4, "凭证字号", "见附件"]]


def test_grant_type_outside_the_schema_choices_is_rejected():
    result = load_allocations(
        corpus("allocations_unknown_grant_type.xlsx"),
        grant_types=("公共服务站基础设施建设", "三社联动试点"),
    )
    assert result.counts == counts(2, 1, 1, 0)
    assert result.rejects[["row", "column", "value"]].values.tolist() == [
        [3, "资金类型", "三社联动"]
    ]


# --------------------------------------------------------------------------- questionnaire


def test_survey_answers_typed_as_text_or_numbers_are_kept_as_stripped_text():
    tables = load_survey(corpus("survey_mixed_answers.xlsx"))
    survey = tables["survey"]
    assert survey.counts == counts(4, 4, 0, 0)
    assert survey.data["Q1"].tolist()[:3] == ["满意", "5", "满意吧"]
    assert survey.data["Q1"].isna().tolist() == [False, False, False, True]
    assert survey.data["Q2"].tolist() == ["4", "非常满意", "6", "一般"]
    assert survey.data["phone"].iloc[1] == "13800000002"  # a number cell, without ".0"
    assert tables["survey_plan"].data["population"].tolist() == [52_000, 260, 150]
    assert tables["survey_items"].data["item_id"].tolist() == ["Q1", "Q2"]


def test_loading_never_modifies_the_raw_file():
    path = corpus("subtotal_rows.xlsx")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    load_ledger(path, unit="测试")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
