"""A project's own words in project.toml: the respondent groups ([survey] groups) and the header
of the place column ([project] community_header) reach the templates and the loaders."""

from __future__ import annotations

import openpyxl
import pytest

from jixiao import ingest, schema, year_templates
from jixiao.errors import ParameterError
from jixiao.project_profile import load_profile

PROFILE = """[project]
name = "某县基本公共卫生服务补助"
commissioner = "某县财政局"
evaluator = "某会计师事务所"
framework = "2020"
community_header = "乡镇"

[[grant_types]]
name = "基本公共卫生服务补助"

[survey]
groups = ["服务对象", "乡村医生"]

[accounts]
preset = "政府会计制度"
"""


def _headers(path, sheet):
    ws = openpyxl.load_workbook(path)[sheet]
    return [c.value for c in next(r for r in ws.iter_rows() if any(c.value for c in r))]


def test_the_profile_defaults_to_the_template_groups_and_the_community_header(tmp_path):
    text = PROFILE.replace('community_header = "乡镇"\n', "").split("[survey]")[0]
    (tmp_path / "project.toml").write_text(text + '[accounts]\npreset = "政府会计制度"\n', "utf-8")
    profile = load_profile(tmp_path)
    assert profile.survey_groups == schema.RESPONDENT_GROUPS
    assert profile.community_header == "社区"


def test_templates_carry_the_projects_groups_and_place_header(tmp_path):
    (tmp_path / "project.toml").write_text(PROFILE, encoding="utf-8")
    year_templates.write_year_templates(2032, folder=tmp_path, overwrite=True)
    assert "乡镇" in _headers(tmp_path / "资金下达明细_2032.xlsx", "资金下达")
    assert "社区" not in _headers(tmp_path / "资金下达明细_2032.xlsx", "资金下达")
    survey = openpyxl.load_workbook(tmp_path / "问卷调查_2032.xlsx")
    lists = [v.formula1 for v in survey["抽样计划"].data_validations.dataValidation]
    assert '"服务对象,乡村医生"' in lists


def test_survey_and_interviews_load_with_the_projects_groups_and_header(tmp_path):
    (tmp_path / "project.toml").write_text(PROFILE, encoding="utf-8")
    profile = load_profile(tmp_path)
    own = {k: profile.table(t) for k, t in schema.RAW_TABLES.items()}
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "电话访谈"
    ws.append([c.header for c in own["interviews"].columns])
    ws.append(["T-1", "2021-05-06", "甲镇", "服务对象", None, None, "P1", "满意吗", "是", None])
    ws.append(["T-2", "2021-05-06", "甲镇", "居民", None, None, "P1", "满意吗", "是", None])
    wb.save(tmp_path / "电话访谈记录_2032.xlsx")
    result = ingest.load_table(tmp_path / "电话访谈记录_2032.xlsx", own["interviews"])
    assert result.data["community"].tolist() == ["甲镇"]
    assert result.rejects[["row", "value"]].values.tolist() == [[3, "居民"]]
    assert "服务对象、乡村医生" in result.rejects["reason"].iloc[0]


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ("[]", "survey.groups 至少写一个受访者类别"),
        ('["甲", "甲"]', "survey.groups 有重复的受访者类别"),
    ],
)
def test_a_bad_groups_list_names_the_key_and_line(tmp_path, groups, message):
    text = PROFILE.replace('groups = ["服务对象", "乡村医生"]', f"groups = {groups}")
    (tmp_path / "project.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError, match=rf"第 12 行：{message}"):
        load_profile(tmp_path)


def test_no_report_problem_numbering_is_in_the_library_or_the_profile(tmp_path):
    """Problems are grouped by category; a [findings] section of an older profile is refused."""
    from jixiao.compliance import RULES

    assert all(not hasattr(r, "problem_no") for r in RULES.values())
    text = PROFILE.replace(
        "[accounts]", '[findings]\nproblem_numbers = { "ARR-01" = 1 }\n\n[accounts]'
    )
    (tmp_path / "project.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError, match=r"findings"):
        load_profile(tmp_path)
