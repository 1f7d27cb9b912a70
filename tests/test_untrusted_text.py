"""Text from raw files renders as text: no tags, handlers, javascript: links or Markdown links
reach report.html through the report's Markdown or its tables."""

import html
from html.parser import HTMLParser

import mistune
import pandas as pd
import pytest

from jixiao import report
from jixiao.untrusted import escape_markdown

HOSTILE = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[点此查看](javascript:alert(1))",
    "![图](javascript:alert(1))",
    '<a href="javascript:alert(1)">链接</a>',
    '=HYPERLINK("http://evil.example","点我")',
    "**加粗** _斜体_ `代码` # 标题\n- 列表\n> 引用",
    "<javascript:alert(1)>",
    "<svg onload=alert(1)>",
    "普通文字（含括号）与 12.5 元",
]


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.live: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "img", "svg", "a", "iframe", "object", "embed"):
            self.live.append(tag)
        self.live += [f"{tag}@{name}" for name, _ in attrs if name.startswith("on")]
        self.live += [f"{tag}@{name}" for name, _ in attrs if name in ("href", "src")]


def _live_markup(rendered: str) -> list[str]:
    """Elements and attributes that would act in a browser (not text that merely names them)."""
    parser = _Tags()
    parser.feed(rendered)
    return parser.live


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_markdown_renders_as_exactly_the_original_characters(text):
    rendered = mistune.html(escape_markdown(text))
    assert _live_markup(rendered) == []
    shown = rendered.replace("<p>", "").replace("</p>", "").strip()
    expected = " ".join(text.split("\n"))
    assert html.unescape(shown) == expected


def _register(text: str) -> pd.DataFrame:
    row = {
        "finding_id": "OBS-01",
        "problem_no": 1,
        "category": "项目管理",
        "dimension": "过程",
        "indicator": "管理制度",
        "title": text,
        "description": text,
        "units": text,
        "amount_fen": 100,
        "severity": "一般",
        "evidence_source": text,
        "evidence": "",
        "rule": "OBS",
    }
    data = {"finding_id": "SEP-01-X", "rule": "SEP-01", "problem_no": None, "category": "会计核算"}
    flag = {"finding_id": "GL-01-X", "rule": "GL-01", "problem_no": None, "category": "财务监控"}
    return pd.DataFrame([row, {**row, **data}, {**row, **flag}])


def _problems_html(register: pd.DataFrame) -> str:
    from jixiao.report.html import block_html
    from jixiao.report.model import _problem_blocks, annex_item_numbers, load_report_text

    items = annex_item_numbers(register)
    blocks = _problem_blocks(register, items, load_report_text())
    return "\n".join(block_html(b) for b in blocks)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_observations_and_findings_stay_text_in_the_report_problems(text):
    rendered = _problems_html(_register(text))
    assert _live_markup(rendered) == []
    # The text is there, as characters: an observation's description and a finding's title.
    shown = html.unescape(rendered)
    assert shown.count(text.split("\n")[0]) >= 2


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_indicator_and_output_names_stay_text_in_the_report_tables(text):
    outputs = pd.DataFrame(
        {"indicator": [text], "measure_unit": [text], "planned": [1], "actual": [1]}
    )
    assert _live_markup(report.outputs_table_styler(outputs).to_html()) == []
    table = pd.DataFrame({"指标": [text], "得分": [1.5]})
    assert _live_markup(report.scoring_table_styler(table).to_html()) == []
    rendered = mistune.html(report.effects_text(outputs.assign(actual=[0]), None, None))
    assert _live_markup(rendered) == []


def test_hostile_grant_types_and_recommendations_stay_text(tmp_path):
    text = HOSTILE[2]
    allocations = pd.DataFrame(
        {"grant_type": [text], "grant_id": ["G1"], "amount_fen": [100], "community": [text]}
    )
    assert _live_markup(mistune.html(report.basic_situation(allocations, 2017))) == []
    table = pd.DataFrame(
        {"序号": ["1"], "建议标题": [text], "建议内容": [HOSTILE[0]], "针对问题": ["类别:会计核算"]}
    )
    register = _register(HOSTILE[1])
    advice = report.recommendations(register, table)
    from jixiao.report.html import block_html
    from jixiao.report.model import annex_item_numbers, load_report_text, recommendation_blocks

    blocks = recommendation_blocks(advice, annex_item_numbers(register), load_report_text())
    rendered = "".join(block_html(b) for b in blocks)
    assert len(blocks) == 1 and _live_markup(rendered) == []
    assert text in html.unescape(rendered) and "见附件2第2项" in rendered  # SEP-01-X, item 2
