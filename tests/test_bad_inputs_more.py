"""The second part of the bad-input corpus (tests/bad_inputs/make_corpus_more.py): units, account
codes, hidden sheets, names written twice, UTF-16 exports, stray bytes and value-less formulas.

Three ledger lines per file unless stated: a receipt of 50,000.00 元 (记-1, accounts 1002 and
400102) and a 1,234.50 元 payment (付-1, 50010201).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from jixiao import case, ingest, units
from jixiao.account_codes import account_key, on_accounts
from jixiao.errors import InputError, ParameterError
from jixiao.loading import load_allocations, load_ledger, load_ledgers

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
RECEIPT, PAYMENT = 5_000_000, 123_450  # fen


def corpus(name: str) -> Path:
    return CORPUS / name


def counts(read, loaded, rejected, dropped) -> dict:
    return {"read": read, "loaded": loaded, "rejected": rejected, "dropped": dropped}


def actions(result) -> dict[str, int]:
    notes = result.normalisations
    return dict(zip(notes["action"], notes["count"], strict=False))


# --------------------------------------------------------------------------- which unit a ledger is


def test_a_title_line_naming_another_unit_than_the_file_stops_with_both_names_and_the_remedies():
    with pytest.raises(InputError) as err:
        load_ledger(corpus("明细账_中天社区.xlsx"))
    message = str(err.value)
    assert message.startswith("明细账_中天社区.xlsx, column 核算单位: ")
    assert (
        "标题行「核算单位：兴隆社区居民委员会」与文件名中的单位「中天社区」不是同一个单位"
        in message
    )
    assert "把文件改名为「明细账_兴隆社区居民委员会.xlsx」" in message
    assert "[units] 一节" in message and '"兴隆社区居民委员会" = "中天社区"' in message


def test_a_units_mapping_settles_the_conflict_and_is_recorded():
    result = load_ledger(
        corpus("明细账_中天社区.xlsx"), unit_names={"兴隆社区居民委员会": "中天社区"}
    )
    assert result.data["unit"].unique().tolist() == ["中天社区"]
    assert (
        actions(result)[
            "核算单位取自标题行「核算单位」「兴隆社区居民委员会」按 [units] 对应，与文件名一致：中天社区"
        ]
        == 1
    )


def test_a_title_line_giving_the_file_units_full_name_agrees_and_its_name_is_taken():
    result = load_ledger(corpus("明细账_浏河社区.xlsx"))
    assert result.counts == counts(3, 3, 0, 0)
    assert result.data["unit"].unique().tolist() == ["浏河社区居民委员会"]
    assert (
        actions(result)[
            "核算单位取自标题行「核算单位」，与文件名「浏河社区」相符：浏河社区居民委员会"
        ]
        == 1
    )


def test_two_files_of_one_unit_are_refused_naming_both_never_counted_twice():
    with pytest.raises(InputError) as err:
        load_ledgers(sorted(corpus("duplicate_unit").iterdir()))
    message = str(err.value)
    assert "两个明细账文件属于同一个核算单位「中天社区居民委员会」" in message
    assert "「明细账_中天社区 - 副本.xlsx」和「明细账_中天社区.xlsx」" in message


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("明细账_中天社区 - 副本.xlsx", "中天社区"),
        ("明细账_中天社区_副本.xlsx", "中天社区"),
        ("明细账_中天社区 (2).xlsx", "中天社区"),
        ("明细账_中天社区 - Copy.xlsx", "中天社区"),
    ],
)
def test_a_copy_suffix_is_not_part_of_the_unit_name(name, unit):
    from jixiao.loading import unit_from_filename

    assert unit_from_filename(Path(name)) == unit


def test_ledgers_and_grants_that_do_not_pair_up_are_listed_with_the_closest_names():
    year = corpus("unit_check_year")
    ledger = load_ledgers(sorted(year.glob("明细账_*.xlsx"))).data
    grants = load_allocations(year / "资金下达_2017.xlsx").data
    check = units.unit_check(ledger["unit"], grants)
    assert check[["kind", "name", "closest"]].values.tolist() == [
        [units.LEDGER_WITHOUT_GRANT, "星隆社区", "兴隆社区"],
        [units.GRANT_WITHOUT_LEDGER, "兴隆社区", "星隆社区"],
    ]
    assert check["advice"].iloc[0] == (
        '如果「星隆社区」就是「兴隆社区」，在 parameters.toml 的 [units] 中写 "星隆社区" = "兴隆社区"，'
        "或将明细账文件改名"
    )
    # 中天社区居委会 is the committee of the grant's 中天社区: paired, not listed
    assert "中天社区居委会" not in check["name"].tolist()


def test_the_units_mapping_of_a_year_pairs_the_ledger_with_its_grant(tmp_path):
    year = tmp_path / "2017"
    shutil.copytree(corpus("unit_check_year"), year)
    (year / "parameters.toml").write_text('[units]\n"星隆社区" = "兴隆社区"\n', encoding="utf-8")
    mapping = case.unit_names(year)
    ledger = load_ledgers(sorted(year.glob("明细账_*.xlsx")), unit_names=mapping).data
    grants = load_allocations(year / "资金下达_2017.xlsx").data
    assert sorted(ledger["unit"].unique()) == ["中天社区居委会", "兴隆社区"]
    assert units.unit_check(ledger["unit"], grants).empty


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('units = "中天社区"\n', r"\[units\] 应为一节"),
        ('[units]\n"星隆社区" = 3\n', r"\[units\] 中「星隆社区」的值应为单位名称"),
        ('[units]\n"星隆社区" = ""\n', r"\[units\] 中「星隆社区」的值应为单位名称"),
    ],
)
def test_a_malformed_units_table_is_a_parameter_error_naming_the_entry(tmp_path, text, message):
    (tmp_path / "parameters.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError, match=message):
        case.unit_names(tmp_path)


def test_the_units_table_is_never_passed_to_a_notebook():
    from jixiao import run as runner

    assert "units" in case.CASE_FILE_KEYS
    resolved = runner.resolve_parameters(2017)
    assert all("units" not in params for params in resolved.values())


# --------------------------------------------------------------------------- files no step reads


def test_every_file_of_the_year_folder_that_no_step_reads_is_listed_with_why():
    unread = ingest.unread_files(corpus("unread_year"))
    assert unread["file"].tolist() == ["~$明细账_甲社区.xlsx", "会议纪要.txt", "明细账_乙社区.pdf"]
    reasons = dict(zip(unread["file"], unread["reason"], strict=True))
    assert reasons["~$明细账_甲社区.xlsx"] == "Excel/WPS 打开文件时生成的临时锁定文件，已跳过"
    assert reasons["明细账_乙社区.pdf"].startswith("文件名像明细账，但格式「.pdf」无法读取")
    assert reasons["会议纪要.txt"].startswith("文件名不符合任何一类原始数据的命名规则")


def test_the_case_year_folders_leave_no_file_unread():
    from jixiao import paths

    for year in (2017, 2018):
        assert ingest.unread_files(paths.raw_dir(year)).empty, year


# --------------------------------------------------------------------------- account codes


def test_codes_typed_as_numbers_read_as_excel_shows_them_and_each_format_is_recorded():
    result = load_ledger(corpus("account_code_number_formats.xlsx"), unit="甲社区")
    assert result.counts == counts(3, 3, 0, 0)
    assert result.data["account_code"].tolist() == ["1002", "0101", "5001.10"]
    assert result.data["account_key"].tolist() == ["1002", "0101", "500110"]
    notes = actions(result)
    assert notes["编码为数字单元格，按 Excel 显示格式「0000」读取为文本"] == 1
    assert notes["编码为数字单元格，按 Excel 显示格式「0.00」读取为文本"] == 1
    assert notes["编码为数字单元格，按 Excel 显示格式「General」读取为文本"] == 1


def test_dotted_codes_keep_their_text_and_match_undotted_rule_prefixes():
    result = load_ledger(corpus("account_code_dotted.xlsx"), unit="甲社区")
    data = result.data
    assert data["account_code"].tolist() == ["1002", "4001.02", "5001.02"]
    assert data["account_key"].tolist() == ["1002", "400102", "500102"]
    assert on_accounts(data, ["500102"]).tolist() == [False, False, True]
    assert on_accounts(data, ["4001.02", "5001-02"]).tolist() == [False, True, True]
    # without the loader's key column the checks derive the same key
    assert on_accounts(data.drop(columns="account_key"), ["500102"]).tolist() == [
        False,
        False,
        True,
    ]


def test_account_key_removes_every_separator_and_keeps_missing_codes_missing():
    codes = pd.Series(["5001.02", "5001-02", "5001 02", "5001_02", "5001/02", None], dtype="str")
    assert account_key(codes).tolist()[:5] == ["500102"] * 5
    assert account_key(codes).isna().tolist()[5]


# --------------------------------------------------------------------------- sheets and headers


def test_a_hidden_old_sheet_is_skipped_and_the_visible_one_read():
    result = load_ledger(corpus("hidden_old_sheet.xlsx"), unit="甲社区")
    assert result.counts == counts(3, 3, 0, 0)
    assert actions(result)["跳过隐藏的工作表 「旧明细账」"] == 1


def test_a_hidden_sheet_named_like_the_ledger_loses_to_the_visible_sheet_holding_it():
    result = load_ledger(corpus("hidden_named_sheet.xlsx"), unit="甲社区")
    assert result.counts == counts(
        3, 3, 0, 0
    )  # the visible sheet's three lines, not the hidden one
    notes = actions(result)
    assert notes["跳过隐藏的工作表 「明细账」"] == 1
    assert notes["明细账读自工作表「2017年明细账」（工作簿中只有这一张未隐藏的工作表）"] == 1


def test_two_sheets_whose_names_differ_only_by_a_space_are_refused_naming_both():
    with pytest.raises(InputError) as err:
        load_ledger(corpus("two_sheets_same_name.xlsx"), unit="甲社区")
    assert "工作簿中有 2 张工作表都叫「明细账」" in str(err.value)
    assert "「明细账」、「明细账 」" in str(err.value)


@pytest.mark.parametrize(
    ("name", "label", "columns"),
    [
        ("duplicate_header_debit.xlsx", "借方", "F、H"),
        ("duplicate_header_summary.xlsx", "摘要", "C、J"),
    ],
)
def test_a_header_written_twice_is_one_error_naming_both_columns(name, label, columns):
    with pytest.raises(InputError) as err:
        load_ledger(corpus(name), unit="甲社区")
    first, second = columns.split("、")
    assert (
        f"表头中有两列都对应「{label}」：第 {first} 列「{label}」和第 {second} 列「{label}」"
        in str(err.value)
    )
    assert err.value.column == columns
    assert err.value.row == 1


# --------------------------------------------------------------------------- text exports


@pytest.mark.parametrize("name", ["ledger_utf16.txt", "ledger_utf16.csv"])
def test_excels_unicode_text_export_is_read_as_utf16_with_tabs(name):
    result = load_ledger(corpus(name))
    assert result.counts == counts(3, 2, 0, 1)  # the 本月合计 line is dropped
    assert result.data["debit_fen"].tolist() == [RECEIPT, 0]
    assert result.data["unit"].unique().tolist() == ["沿河社区居民委员会"]
    assert actions(result)["CSV 编码识别为 utf-16，分隔符为制表符"] == 1


def test_a_unicode_text_ledger_is_found_in_a_year_folder(tmp_path):
    shutil.copy(corpus("ledger_utf16.txt"), tmp_path / "明细账_沿河社区.txt")
    ledger_kind = next(k for k in ingest.RAW_KINDS if k.kind == "ledger")
    assert [p.name for p in ingest.find_files(tmp_path, ledger_kind)] == ["明细账_沿河社区.txt"]


def test_a_stray_byte_names_the_line_it_is_on():
    with pytest.raises(InputError) as err:
        load_ledger(corpus("ledger_stray_byte.csv"))
    assert err.value.row == 5
    assert "CSV 文件第 5 行有无法解码的字节（FF 35 2C BC）" in str(err.value)


# --------------------------------------------------------------------------- formulas


def test_a_formula_saved_without_its_value_is_a_reject_naming_the_cell_never_a_zero():
    result = load_ledger(corpus("formula_no_cached_value.xlsx"), unit="甲社区")
    assert result.counts == counts(3, 2, 1, 0)
    reject = result.rejects.iloc[0]
    assert (reject["row"], reject["column"], reject["value"]) == (4, "借方", "=F2*0+800")
    assert reject["reason"].startswith("公式单元格 F4 =F2*0+800 没有保存计算结果")


def test_a_formula_with_its_calculated_value_loads_that_value():
    result = load_ledger(corpus("formula_with_cached_value.xlsx"), unit="甲社区")
    assert result.counts == counts(3, 3, 0, 0)
    assert result.data["debit_fen"].tolist() == [RECEIPT, 0, 80_000]
