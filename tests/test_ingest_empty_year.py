"""A year of blank templates is not data: ingest stops with one message naming the empty tables."""

import shutil

import openpyxl
import pytest

from jixiao import ingest, paths, year_templates
from jixiao import run as runner
from jixiao.errors import InputError


@pytest.fixture
def blank_year(tmp_path):
    folder = tmp_path / "raw" / "2019"
    year_templates.write_year_templates(2019, folder=folder)
    return folder


@pytest.fixture
def year_with_blank_outputs(tmp_path, blank_year):
    """The 2017 case files, except that 产出完成情况 is the blank 2019 template."""
    folder = tmp_path / "case"
    shutil.copytree(paths.raw_dir(2017), folder)
    next(folder.glob("产出完成情况*.xlsx")).unlink()
    shutil.copy(blank_year / "产出完成情况_2019.xlsx", folder / "产出完成情况_2019.xlsx")
    return folder


def test_blank_templates_are_one_error_naming_every_empty_required_table(blank_year):
    with pytest.raises(InputError) as info:
        ingest.load_year(2019, blank_year)
    message = str(info.value)
    assert message.startswith(f"{blank_year}: 以下必需的数据表没有可用的数据行")
    for expected in (
        "资金下达及到位记录（资金下达明细_2019.xlsx",
        "明细账（明细账_模板.xlsx",
        "产出完成情况（产出完成情况_2019.xlsx",
        "问卷调查（问卷调查_2019.xlsx",
        "问卷题目（问卷调查_2019.xlsx，工作表 题目）",
    ):
        assert expected in message
    assert "电话访谈" not in message and "观察记录" not in message  # optional tables may be empty


def test_only_the_empty_table_is_named_when_the_rest_is_filled_in(year_with_blank_outputs):
    with pytest.raises(InputError) as info:
        ingest.load_year(2017, year_with_blank_outputs)
    message = str(info.value)
    assert "产出完成情况（产出完成情况_2019.xlsx，工作表 产出指标）：没有数据行" in message
    assert "明细账" not in message and "问卷" not in message


def test_a_table_whose_every_row_was_rejected_says_so_with_the_first_reason(
    year_with_blank_outputs,
):
    outputs = year_with_blank_outputs / "产出完成情况_2019.xlsx"
    book = openpyxl.load_workbook(outputs)
    book["产出指标"].append(
        ["O-1", "服务站建成数", "数量", "个", "很多", 1, "是", "是", "验收报告"]
    )
    book.save(outputs)
    with pytest.raises(
        InputError,
        match=r"产出完成情况（.*）：读取 1 行，全部被拒收或剔除（例如 row \d+, column 计划数: ",
    ):
        ingest.load_year(2017, year_with_blank_outputs)


def test_running_a_blank_year_stops_in_ingest_with_that_message(blank_year, tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "RAW_DIR", blank_year.parent)
    monkeypatch.setattr(paths, "DATA_DIR", tmp_path)  # the blank year lives under tmp_path
    with pytest.raises(runner.NotebookFailed) as failure:
        runner.run_year(
            2019,
            {"ingest.raw_folder": str(blank_year)},
            reports_root=tmp_path / "reports",
            processed_root=tmp_path / "processed",
            log=lambda *_: None,
        )
    message = str(failure.value)
    assert "01_ingest.ipynb" in message and "InputError" in message
    assert "以下必需的数据表没有可用的数据行" in message and "资金下达明细_2019.xlsx" in message
    assert not (tmp_path / "processed" / "2019").exists()  # nothing half-built took its place
