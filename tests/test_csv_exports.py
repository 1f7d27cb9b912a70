"""The hand-on tables also go out as CSV: UTF-8 with BOM, Chinese headers, no live formulas."""

import csv
import io

import openpyxl
import pandas as pd
import pytest

from jixiao import findings, workpapers

FORMULA = '=HYPERLINK("http://example.invalid","点击查看")'


def _observations():
    return pd.DataFrame(
        {
            "observation_id": ["OBS-01", "OBS-02"],
            "dimension": ["过程", "投入"],
            "indicator": ["制度执行有效性", "绩效指标明确性"],
            "title": ["+会计核算不规范", "评价指标体系尚未形成"],
            "description": [FORMULA, "绩效指标不够细化"],
            "units": ["浏河社区", ""],
            "severity": ["中", "低"],
            "evidence_source": ["@座谈会", "案卷研究"],
            "evidence_detail": ["-见记录", ""],
        }
    )


@pytest.fixture
def processed_folder(tmp_path):
    folder = tmp_path / "processed"
    findings.save_register(findings.observations_to_findings(_observations()), 2030, folder=folder)
    pd.DataFrame(
        {
            "一级指标": ["投入", "合计"],
            "三级指标": ["项目立项规范性", ""],
            "分值": [4.0, 100.0],
            "得分": [4.0, 86.5],
        }
    ).to_parquet(folder / "scoring_table.parquet", index=False)
    pd.DataFrame(
        {
            "group": ["全部"],
            "n_valid": [400],
            "n_satisfied": [372],
            "rate": [0.93],
            "lower": [0.9],
            "upper": [0.95],
        }
    ).to_parquet(folder / "survey_satisfaction_overall.parquet", index=False)
    return folder


def _read(path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8 Chinese
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_formula_like_text_in_the_register_is_prefixed_in_the_csv(processed_folder, tmp_path):
    sheets, _ = workpapers.workpaper_sheets(2030, processed_folder)
    written = workpapers.write_csv_sheets(sheets, tmp_path / "csv")
    assert [p.name for p in written] == [
        "评分表.csv",
        "问题清单.csv",
        "问卷统计.csv",
    ]  # no selection yet
    rows = _read(tmp_path / "csv" / "问题清单.csv")
    header, first = rows[0], dict(zip(rows[0], rows[1], strict=False))
    assert header[:4] == ["问题编号", "对应报告问题", "问题类别", "评价维度"]
    assert first["问题描述"] == "'" + FORMULA
    assert first["问题标题"] == "'+会计核算不规范"
    assert first["证据来源"] == "'@座谈会" and first["证据"] == "'-见记录"
    assert (
        dict(zip(rows[0], rows[2], strict=False))["问题描述"] == "绩效指标不够细化"
    )  # ordinary text untouched


def test_scores_and_survey_statistics_keep_their_numbers(processed_folder, tmp_path):
    sheets, _ = workpapers.workpaper_sheets(2030, processed_folder)
    workpapers.write_csv_sheets(sheets, tmp_path / "csv")
    scores = _read(tmp_path / "csv" / "评分表.csv")
    assert scores[0] == ["一级指标", "三级指标", "分值", "得分"]
    assert scores[2] == ["合计", "", "100.0", "86.5"]
    survey = _read(tmp_path / "csv" / "问卷统计.csv")
    assert survey[0][0] == "统计口径" and survey[1][0] == "总体"


def test_build_workpapers_writes_the_csv_folder_and_drops_a_table_no_longer_produced(
    processed_folder, tmp_path
):
    out = tmp_path / "reports"
    workpapers.build_workpapers(
        2030, out / "workpapers.xlsx", processed_folder=processed_folder, csv_folder=out / "csv"
    )
    assert sorted(p.name for p in (out / "csv").iterdir()) == sorted(
        ["评分表.csv", "问题清单.csv", "问卷统计.csv"]
    )
    (processed_folder / "survey_satisfaction_overall.parquet").unlink()
    workpapers.build_workpapers(
        2030, out / "workpapers.xlsx", processed_folder=processed_folder, csv_folder=out / "csv"
    )
    assert sorted(p.name for p in (out / "csv").iterdir()) == sorted(["评分表.csv", "问题清单.csv"])


def test_money_and_rates_are_written_rounded_for_display(tmp_path):
    from jixiao.export import Sheet, write_csv, write_workbook

    frame = pd.DataFrame(
        {"金额（元）": [70822.14999999999, 0.1 + 0.2], "满意率": [0.9297834991222937, 1 / 3]}
    )
    write_csv(frame, tmp_path / "t.csv")
    text = (tmp_path / "t.csv").read_text(encoding="utf-8-sig")
    assert "70822.15" in text and "0.3," in text and "0.929783" in text and "0.333333" in text
    assert "0.9297834991" not in text and "70822.1499" not in text
    write_workbook(tmp_path / "t.xlsx", {"表": Sheet(frame, money=("金额（元）",))})
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx")["表"]
    assert [sheet["A2"].value, sheet["A3"].value] == [70822.15, 0.3]
    assert [sheet["B2"].value, sheet["B3"].value] == [0.929783, 0.333333]


def test_workbook_styles_hold_only_the_number_formats_the_cells_use(tmp_path):
    """A date column is written with the date format only: no date-time format is registered
    on the way (the writer sets each column's format before its values)."""
    import zipfile

    from jixiao.export import Sheet, write_workbook

    frame = pd.DataFrame(
        {
            "日期": pd.to_datetime(["2017-05-02", "2017-06-30", None]),
            "金额（元）": [1.5, 2.25, None],
            "摘要": ["=SUM(A1)", "购买办公用品", None],
        }
    )
    path = write_workbook(tmp_path / "w.xlsx", {"表": Sheet(frame, money=("金额（元）",))})
    styles = zipfile.ZipFile(path).read("xl/styles.xml").decode("utf-8")
    assert 'formatCode="yyyy-mm-dd"' in styles
    assert "h:mm:ss" not in styles
    from openpyxl import load_workbook

    sheet = load_workbook(path)["表"]
    assert [c.number_format for c in sheet["A"][1:3]] == ["yyyy-mm-dd", "yyyy-mm-dd"]
    assert sheet["B2"].number_format == sheet["B3"].number_format != "General"
    assert sheet["C2"].value == "=SUM(A1)" and sheet["C2"].data_type == "s"
