"""The evaluation report (评价报告): its text from the data, and the documents handed over.

- :mod:`.sections` — the report's sections in the order of the published report (基本情况,
  项目成效, 主要问题, 工作建议), its tables and the recommendations chosen by the findings.
- :mod:`.html` — the executed report notebook as a standalone ``report.html``.
"""

from .html import HtmlExportTools, export_html, prepare_html_export
from .sections import (
    RECOMMENDATIONS_TEMPLATE,
    basic_situation,
    effects_text,
    load_recommendations,
    outputs_table,
    outputs_table_styler,
    overall_conclusion,
    plain_number,
    problems_markdown,
    read_score,
    recommendations,
    recommendations_markdown,
    scoring_table_styler,
    wan_yuan,
    yuan,
)

__all__ = [
    "RECOMMENDATIONS_TEMPLATE",
    "HtmlExportTools",
    "basic_situation",
    "effects_text",
    "export_html",
    "load_recommendations",
    "outputs_table",
    "outputs_table_styler",
    "overall_conclusion",
    "plain_number",
    "prepare_html_export",
    "problems_markdown",
    "read_score",
    "recommendations",
    "recommendations_markdown",
    "scoring_table_styler",
    "wan_yuan",
    "yuan",
]
