"""workpapers.xlsx carries the data behind the score waterfall and the Likert chart."""

import openpyxl
import pandas as pd
import pytest

from jixiao import workpapers

LEVELS = {5: "非常满意", 4: "满意", 3: "一般", 2: "不满意", 1: "非常不满意"}


def _survey_tables():
    """Four residents answer Q1 非常满意 / 满意 / 一般 / 非常不满意; Q2 (reverse) 1, 1, 2, 5."""
    prov = {
        "source_file": "问卷调查_2030.xlsx",
        "source_sheet": "问卷数据",
        "source_row": [3, 4, 5, 6],
    }
    responses = pd.DataFrame(
        {
            "respondent_id": ["R1", "R2", "R3", "R4"],
            "group": ["居民"] * 4,
            "community": ["浏河社区", "浏河社区", "沿河社区", "沿河社区"],
            "Q1": ["非常满意", "满意", "一般", "非常不满意"],
            "Q2": ["1", "1", "2", "5"],
            **prov,
        }
    ).astype({"Q1": "string", "Q2": "string"})
    items = pd.DataFrame(
        {
            "item_id": ["Q1", "Q2"],
            "item": ["服务设施满意程度", "办事需多次往返"],
            "reverse": ["否", "是"],
            "groups": ["居民", "居民"],
            "source_file": "问卷调查_2030.xlsx",
            "source_sheet": "题目",
            "source_row": [2, 3],
        }
    )
    return responses, items


@pytest.fixture
def processed_folder(tmp_path):
    responses, items = _survey_tables()
    responses.to_parquet(tmp_path / "survey.parquet", index=False)
    items.to_parquet(tmp_path / "survey_items.parquet", index=False)
    waterfall = pd.DataFrame(
        {
            "项目": ["满分", "到位及时率", "综合得分"],
            "指标编码": ["", "B21", ""],
            "变动": [100.0, -2.0, 98.0],
            "起点": [0.0, 100.0, 0.0],
            "终点": [100.0, 98.0, 98.0],
            "类型": ["满分", "扣分", "得分"],
        }
    )
    waterfall.to_parquet(tmp_path / "scoring_waterfall.parquet", index=False)
    return tmp_path


def test_waterfall_steps_written_by_scoring_become_a_sheet(processed_folder):
    sheets, missing = workpapers.workpaper_sheets(2030, processed_folder)
    frame = sheets["图表数据_得分瀑布"].frame
    assert list(frame["项目"]) == ["满分", "到位及时率", "综合得分"]
    assert list(frame["终点"]) == [100.0, 98.0, 98.0]
    assert "图表数据_得分瀑布" not in missing


def test_likert_sheet_gives_each_items_shares_worked_out_by_hand(processed_folder):
    sheets, _ = workpapers.workpaper_sheets(2030, processed_folder)
    likert = sheets["图表数据_各题满意度"]
    frame = likert.frame
    assert list(frame.columns) == [
        "题号",
        "题目",
        "等级分值",
        "满意程度",
        "答案数",
        "占比",
        "条形起点",
        "条形终点",
    ]
    q1 = frame[frame["题号"] == "Q1"].set_index("等级分值")
    assert q1["答案数"].to_dict() == {1: 1, 2: 0, 3: 1, 4: 1, 5: 1}
    assert q1["占比"].to_dict() == {1: 0.25, 2: 0.0, 3: 0.25, 4: 0.25, 5: 0.25}
    # Dissatisfied left of zero, 一般 split across it: 非常不满意 spans −0.375 … −0.125.
    assert (q1.loc[1, "条形起点"], q1.loc[1, "条形终点"]) == (-0.375, -0.125)
    assert (q1.loc[3, "条形起点"], q1.loc[3, "条形终点"]) == (-0.125, 0.125)
    assert q1.loc[5, "满意程度"] == "非常满意"
    # Q2 is a reverse item: answers 1, 1, 2, 5 recode to 5, 5, 4, 1.
    q2 = frame[frame["题号"] == "Q2"].set_index("等级分值")["答案数"].to_dict()
    assert q2 == {1: 1, 2: 0, 3: 0, 4: 1, 5: 2}
    assert set(likert.percent) == {"占比", "条形起点", "条形终点"}


def test_chart_data_sheets_reach_the_workbook_and_are_listed_when_missing(
    processed_folder, tmp_path
):
    book_path = workpapers.build_workpapers(
        2030, tmp_path / "out" / "workpapers.xlsx", processed_folder=processed_folder
    )
    book = openpyxl.load_workbook(book_path)
    assert {"图表数据_得分瀑布", "图表数据_各题满意度"} <= set(book.sheetnames)
    first_row = workpapers.TABLE_HEADER_ROW + 1
    assert book["图表数据_各题满意度"][f"F{first_row}"].number_format == "0.0%"
    (processed_folder / "scoring_waterfall.parquet").unlink()
    (processed_folder / "survey_items.parquet").unlink()
    _, missing = workpapers.workpaper_sheets(2030, processed_folder)
    assert {"图表数据_得分瀑布", "图表数据_各题满意度"} <= set(missing)
