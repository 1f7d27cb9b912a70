"""`jixiao template --year N` writes blank workbooks the loaders accept once filled in."""

import datetime as dt

import openpyxl
import pytest

from jixiao import cli, ingest, schema, year_templates


def _fill(path, sheet, rows):
    workbook = openpyxl.load_workbook(path)
    for row in rows:
        workbook[sheet].append(row)
    workbook.save(path)


FILLED_PROFILE = (
    '[project]\nname = "测试项目"\ncommissioner = "某市财政局"\nevaluator = "某事务所"\n\n'
    '[[grant_types]]\nname = "公共服务站基础设施建设"\n\n[[grant_types]]\nname = "农村公路养护补助"\n'
)


@pytest.fixture
def filled_year(tmp_path):
    written = year_templates.write_year_templates(2031, folder=tmp_path)
    (tmp_path / "project.toml").write_text(FILLED_PROFILE, encoding="utf-8")
    assert {p.name for p in written} >= {
        "资金下达明细_2031.xlsx",
        "明细账_模板.xlsx",
        "问卷调查_2031.xlsx",
        "parameters.toml",
        "指标体系_2031.xlsx",
    }
    d = dt.datetime
    _fill(
        tmp_path / "资金下达明细_2031.xlsx",
        "资金下达",
        [
            [
                "G-01",
                "东宝区",
                "泉口街道",
                "浏河社区",
                "公共服务站基础设施建设",
                "荆财〔2031〕1号",
                d(2031, 3, 1),
                100000,
                d(2031, 4, 1),
                100000,
                "浏河社区居民委员会",
                None,
            ],
        ],
    )
    ledger = tmp_path / "明细账_浏河社区.xlsx"
    (tmp_path / "明细账_模板.xlsx").rename(ledger)
    _fill(
        ledger,
        "明细账",
        [
            [
                d(2031, 4, 1),
                "收-1",
                "收到公共服务站建设补助",
                "1002",
                "银行存款",
                100000,
                0,
                "借",
                100000,
                "公共服务站基础设施建设",
                None,
                1,
                "王某",
            ],
            [
                d(2031, 4, 1),
                "收-1",
                "收到公共服务站建设补助",
                "400102",
                "财政补助收入-项目支出",
                0,
                100000,
                "贷",
                100000,
                "公共服务站基础设施建设",
                None,
                1,
                "王某",
            ],
        ],
    )
    _fill(
        tmp_path / "产出完成情况_2031.xlsx",
        "产出指标",
        [["O-1", "服务站建成数", "数量", "个", 1, 1, "是", "是", "验收报告"]],
    )
    _fill(
        tmp_path / "问卷调查_2031.xlsx",
        "问卷数据",
        [
            [
                "R-1",
                "居民",
                "浏河社区",
                "张三",
                "13800000000",
                None,
                d(2031, 9, 1),
                "满意",
                "5",
                "非常满意",
            ]
        ],
    )
    _fill(
        tmp_path / "问卷调查_2031.xlsx",
        "题目",
        [
            ["Q1", "设施满意度", "否", "全部"],
            ["Q2", "服务满意度", "否", "全部"],
            ["Q3", "总体满意度", "否", "全部"],
        ],
    )
    _fill(tmp_path / "问卷调查_2031.xlsx", "抽样计划", [["居民", 5000, 357]])
    _fill(
        tmp_path / "电话访谈记录_2031.xlsx",
        "电话访谈",
        [
            [
                "T-1",
                d(2031, 9, 2),
                "浏河社区",
                "居民",
                "李四",
                "13900000000",
                "P1",
                "是否满意",
                "满意",
                "服务好",
            ]
        ],
    )
    _fill(
        tmp_path / "评价组观察记录_2031.xlsx",
        "观察记录",
        [
            [
                "OBS-02",
                "指标不全",
                "绩效指标不够细化",
                "投入",
                "绩效指标明确性",
                "浏河社区",
                "案卷研究",
                "查阅申报书",
                "中",
                "评价组",
                d(2031, 10, 1),
                "项目管理",
            ]
        ],
    )
    return tmp_path


def test_filled_in_templates_load_without_rejects(filled_year):
    results = ingest.load_year(2031, raw_folder=filled_year)
    loaded = {kind: r.counts["loaded"] for kind, r in results.items()}
    assert loaded == {
        "allocations": 1,
        "ledger": 2,
        "outputs": 1,
        "survey": 1,
        "survey_items": 3,
        "survey_plan": 1,
        "interviews": 1,
        "observations": 1,
    }
    assert all(r.counts["rejected"] == 0 for r in results.values())
    assert results["ledger"].data["unit"].iloc[0] == "浏河社区"
    assert results["allocations"].data["amount_fen"].iloc[0] == 10_000_000
    assert results["observations"].data["category"].tolist() == ["项目管理"]


def test_columns_with_fixed_values_carry_drop_down_validation(tmp_path):
    year_templates.write_year_templates(2031, folder=tmp_path)
    outputs = openpyxl.load_workbook(tmp_path / "产出完成情况_2031.xlsx")["产出指标"]
    assert any('"是,否"' == v.formula1 for v in outputs.data_validations.dataValidation)
    sheet = openpyxl.load_workbook(tmp_path / "资金下达明细_2031.xlsx")["资金下达"]
    assert sheet.data_validations.dataValidation == []  # grant types are the project's own
    # once project.toml names them, rewriting the blank workbooks offers them as a drop-down
    (tmp_path / "project.toml").write_text(FILLED_PROFILE, encoding="utf-8")
    year_templates.write_year_templates(2031, folder=tmp_path, overwrite=True)
    sheet = openpyxl.load_workbook(tmp_path / "资金下达明细_2031.xlsx")["资金下达"]
    lists = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert lists == ['"公共服务站基础设施建设,农村公路养护补助"']
    assert [c.value for c in sheet[1]] == [c.header for c in schema.ALLOCATIONS.columns]
    assert sheet.freeze_panes == "A2"


def test_parameters_template_names_the_year(tmp_path):
    year_templates.write_year_templates(2031, folder=tmp_path)
    text = (tmp_path / "parameters.toml").read_text(encoding="utf-8")
    assert "seed = 20311231" in text and "{year}" not in text


def test_existing_workbooks_are_never_overwritten_without_force(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(year_templates.paths, "RAW_DIR", tmp_path)
    assert cli.main(["template", "--year", "2031"]) == 0
    book = tmp_path / "2031" / "资金下达明细_2031.xlsx"
    _fill(book, "资金下达", [["G-01"]])
    filled = book.read_bytes()
    assert cli.main(["template", "--year", "2031"]) == 2
    assert "already exist" in capsys.readouterr().err
    assert book.read_bytes() == filled
    assert cli.main(["template", "--year", "2031", "--force"]) == 0
    assert book.read_bytes() == filled  # a workbook holding data is never overwritten
    assert "left untouched: 资金下达明细_2031.xlsx（已填有数据）" in capsys.readouterr().out


def test_force_rewrites_blank_files_but_leaves_data_edited_profiles_and_case_folders(tmp_path):
    first = year_templates.write_year_templates(2031, folder=tmp_path)
    outputs = next(p for p in first if p.name.startswith("产出"))
    book = openpyxl.load_workbook(outputs)
    book.worksheets[0]["A2"] = "O-01"
    book.save(outputs)
    parameters = tmp_path / schema.PARAMETERS_FILE
    parameters.write_text(parameters.read_text(encoding="utf-8") + "\n# 已编辑\n", encoding="utf-8")
    edited = parameters.read_bytes()
    kept: dict = {}
    written = year_templates.write_year_templates(
        2031, folder=tmp_path, overwrite=True, kept_out=kept
    )
    assert set(kept) == {outputs, parameters}
    assert "已填有数据" in kept[outputs] and "已修改" in kept[parameters]
    assert openpyxl.load_workbook(outputs).worksheets[0]["A2"].value == "O-01"
    assert parameters.read_bytes() == edited
    assert written and outputs not in written and parameters not in written

    case = tmp_path / "case"
    year_templates.write_year_templates(2031, folder=case)
    (case / schema.PARAMETERS_FILE).write_text("reconstructed_case = true\n", encoding="utf-8")
    kept = {}
    assert (
        year_templates.write_year_templates(2031, folder=case, overwrite=True, kept_out=kept) == []
    )
    assert all("reconstructed_case" in reason for reason in kept.values()) and len(kept) > 3
