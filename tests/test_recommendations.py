"""有关建议 come from an editable table by the findings' category, rule or id, never by searching
the findings' text, and each cites exactly the findings it answers."""

import pandas as pd
import pytest

from jixiao import paths
from jixiao.errors import InputError
from jixiao.report.recommendations import (
    RECOMMENDATIONS_TEMPLATE,
    load_recommendations,
    recommendations,
    recommendations_file,
)


def _register() -> pd.DataFrame:
    rows = [
        ("ARR-01-甲", "ARR-01", "资金到位", pd.NA, "资金拨付滞后，专项资金单独核算"),
        ("SEP-01-乙", "SEP-01", "会计核算", pd.NA, "专项支出记入基本支出"),
        ("OBS-02a", "OBS", "项目管理", 2, "绩效指标不可量化"),
        ("OBS-04", "OBS", "效益", 4, "社会组织缺乏发展后劲"),
        ("GL-01-乙", "GL-01", "财务监控", pd.NA, "疑似重复支付"),
    ]
    frame = pd.DataFrame(rows, columns=["finding_id", "rule", "category", "problem_no", "title"])
    return frame.assign(problem_no=frame["problem_no"].astype("Int64"))


def _table(*rows) -> pd.DataFrame:
    return pd.DataFrame(
        [(str(i), t, f"{t}的内容", links) for i, (t, links) in enumerate(rows, start=1)],
        columns=["序号", "建议标题", "建议内容", "针对问题"],
    )


def test_each_recommendation_cites_exactly_the_findings_of_its_links():
    table = _table(
        ("加快拨付", "类别:资金到位"),
        ("单独核算", "规则:SEP-01"),
        ("完善目标", "问题2"),
        ("巩固效益", "OBS-04, 类别:产出"),
    )
    advice = recommendations(_register(), table)
    assert advice.to_dict("list") == {
        "建议": ["加快拨付", "单独核算", "完善目标", "巩固效益"],
        "内容": ["加快拨付的内容", "单独核算的内容", "完善目标的内容", "巩固效益的内容"],
        "依据问题": ["ARR-01-甲", "SEP-01-乙", "OBS-02a", "OBS-04"],
    }


def test_no_finding_of_its_category_means_no_recommendation_and_text_is_never_searched():
    # ARR-01's title mentions 单独核算, but only the category decides.
    advice = recommendations(
        _register(), _table(("提高产出", "类别:产出"), ("核算", "类别:会计核算"))
    )
    assert advice["建议"].tolist() == ["核算"]
    assert advice["依据问题"].tolist() == ["SEP-01-乙"]


def test_analytical_red_flags_alone_call_for_no_recommendation():
    advice = recommendations(_register(), _table(("内控", "类别:财务监控")))
    assert advice.empty and list(advice.columns) == ["建议", "内容", "依据问题"]


def test_the_shipped_template_answers_every_category_once():
    from jixiao.finding_categories import CATEGORIES

    table = load_recommendations(RECOMMENDATIONS_TEMPLATE)
    assert sorted(table["针对问题"]) == sorted(f"类别:{c}" for c in CATEGORIES)


def test_a_year_folder_table_replaces_the_template():
    assert recommendations_file(2017) == paths.raw_dir(2017) / "recommendations.csv"
    assert recommendations_file(2018) == RECOMMENDATIONS_TEMPLATE
    assert recommendations_file(None) == RECOMMENDATIONS_TEMPLATE


def _write(tmp_path, text: str):
    file = tmp_path / "recommendations.csv"
    file.write_text(text, encoding="utf-8-sig")
    return file


def test_an_unknown_category_names_file_row_and_column(tmp_path):
    file = _write(
        tmp_path,
        "序号,建议标题,建议内容,针对问题\n1,甲,甲的内容,类别:资金到位\n2,乙,乙的内容,类别:资金管理\n",
    )
    with pytest.raises(
        InputError, match=r"recommendations.csv, row 3, column 针对问题: .*资金管理"
    ):
        load_recommendations(file)


def test_a_metric_or_blank_link_is_refused_naming_the_row(tmp_path):
    file = _write(tmp_path, "序号,建议标题,建议内容,针对问题\n1,甲,甲的内容,fund_arrival_rate\n")
    with pytest.raises(InputError, match=r"row 2, column 针对问题: .*指标数据"):
        load_recommendations(file)
    file = _write(tmp_path, "序号,建议标题,建议内容,针对问题\n1,甲,甲的内容,\n")
    with pytest.raises(InputError, match=r"row 2, column 针对问题: 「针对问题」为空"):
        load_recommendations(file)


def test_an_old_keyword_table_is_refused_with_what_to_write_instead(tmp_path):
    file = _write(tmp_path, "序号,建议标题,建议内容,触发关键词\n1,甲,甲的内容,专项资金；核算\n")
    with pytest.raises(InputError, match=r"缺少列：针对问题.*触发关键词」已停用"):
        load_recommendations(file)


def test_a_table_saved_by_excel_on_chinese_windows_reads_as_gbk(tmp_path):
    file = tmp_path / "recommendations.csv"
    file.write_bytes(
        "序号,建议标题,建议内容,针对问题\n1,加快拨付,及时拨付。,类别:资金到位\n".encode("gbk")
    )
    table = load_recommendations(file)
    assert table["建议标题"].tolist() == ["加快拨付"] and table["针对问题"].tolist() == [
        "类别:资金到位"
    ]


def test_a_byte_no_encoding_reads_names_file_and_line(tmp_path):
    file = tmp_path / "recommendations.csv"
    file.write_bytes("序号,建议标题,建议内容,针对问题\n".encode() + b"1,\xff\xfe\x00\x80,x,y\n")
    with pytest.raises(
        InputError, match=r"recommendations.csv, row 2: CSV 文件第 2 行有无法解码的字节"
    ):
        load_recommendations(file)
