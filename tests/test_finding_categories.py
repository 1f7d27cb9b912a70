"""Finding categories (问题类别): every rule has one, the register carries it, observations may
name one, and indicator links can select findings by rule id or by category."""

import pandas as pd
import pytest

from jixiao.compliance.common import RULES
from jixiao.errors import InputError
from jixiao.finding_categories import CATEGORIES, category_rank
from jixiao.findings import REGISTER_HEADERS, build_register
from jixiao.scoring import indicator_system_from_frame, score
from test_findings import SEP, observations
from test_scoring_indicators import small_system


def test_every_rule_names_a_category_of_the_vocabulary():
    assert {r.category for r in RULES.values()} <= set(CATEGORIES)
    assert RULES["ARR-01"].category == "资金到位"
    assert RULES["SCP-01"].category == "资金使用"
    assert RULES["SEP-01"].category == "会计核算"
    assert RULES["GL-01"].category == "财务监控"


def test_category_rank_follows_the_vocabulary_and_puts_unknown_last():
    ranks = category_rank(pd.Series(["效益", "资金到位", "", "会计核算"]))
    assert ranks.tolist() == [6, 0, 7, 2]


def test_register_carries_the_rule_category_and_the_observation_category():
    obs = observations().assign(category=["效益", "项目管理", ""])
    register = build_register(SEP, observations=obs).set_index("finding_id")
    assert REGISTER_HEADERS["category"] == "问题类别"
    assert register.loc["SEP-01-白庙社区", "category"] == "会计核算"
    assert register.loc["GL-03-白庙社区居民委员会", "category"] == "财务监控"
    assert register.loc["OBS-04", "category"] == "效益"
    assert register.loc["OBS-02a", "category"] == "项目管理"
    assert register.loc["OBS-02b", "category"] == ""


def test_observation_without_a_category_column_has_a_blank_category():
    register = build_register(observations=observations().drop(columns="category"))
    assert register["category"].tolist() == ["", "", ""]
    assert register["finding_id"].tolist() == ["OBS-02a", "OBS-02b", "OBS-04"]


def test_unknown_observation_category_is_an_error_naming_the_observation():
    obs = observations().assign(category=["效益", "资金管理", ""])
    with pytest.raises(ValueError, match=r"OBS-02a：问题类别「资金管理」不在类别表中"):
        build_register(observations=obs)


def _judged_citing(links):
    """B1 is judged at 15 of 20 and cites the linked findings."""
    return small_system(关联问题=links)


def test_category_link_selects_every_finding_of_that_category():
    system = indicator_system_from_frame(_judged_citing("类别:会计核算"))
    register = build_register(SEP)
    result = score(system, {"fund_arrival_rate": 1, "fund_timely_rate": 1}, register)
    b1 = next(s for s in result.indicators if s.indicator.code == "B1")
    assert list(b1.linked_findings) == ["SEP-01-白庙社区", "SEP-03-沿河社区"]
    assert "关联问题：SEP-01-白庙社区「" in " ".join(b1.reasons)
    assert "GL-03" not in " ".join(b1.reasons)  # 财务监控, not 会计核算


def test_rule_link_with_fullwidth_colon_selects_the_findings_of_that_rule():
    system = indicator_system_from_frame(_judged_citing("规则：GL-03"))
    register = build_register(SEP)
    result = score(system, {"fund_arrival_rate": 1, "fund_timely_rate": 1}, register)
    b1 = next(s for s in result.indicators if s.indicator.code == "B1")
    assert list(b1.linked_findings) == ["GL-03-白庙社区居民委员会"]
    assert b1.score == 15


def test_link_to_a_category_without_findings_is_noted():
    system = indicator_system_from_frame(_judged_citing("类别:效益"))
    result = score(system, {"fund_arrival_rate": 1, "fund_timely_rate": 1}, build_register(SEP))
    b1 = next(s for s in result.indicators if s.indicator.code == "B1")
    assert b1.linked_findings == ()
    assert "问题清单中没有类别:效益的记录。" in b1.notes


def test_unknown_category_link_names_row_and_column():
    with pytest.raises(
        InputError, match=r"row 4, column 关联问题: .*问题类别「资金管埋」不在类别表中"
    ):
        indicator_system_from_frame(_judged_citing("类别:资金管埋"), file="指标体系.xlsx")
