"""The evaluation report (评价报告): its text from the data, and the documents handed over.

- :mod:`.sections` — the report's sections in the order of the published report (基本情况,
  项目成效, 主要问题, 工作建议), its tables and the recommendations chosen by the findings.
- :mod:`.html` — ``report.html``: the model's summary (the published summary's shape) as one
  standalone page, text escaped, the Chinese font subset and embedded.
- :mod:`.model` — the full report in the 参考提纲 outline as plain blocks (text from the data,
  the project profile and ``templates/report_text.toml``); :mod:`._report_tables` its annexes.
- :mod:`.docx` — ``report.docx`` over the Word template; :mod:`.docx_styles` builds the
  template's styles and saves .docx files byte-stable.
"""

from .docx import render_docx, write_report_docx
from .html import render_html, render_html_body, write_report_html
from .model import ReportModel, build_report, load_report_text
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
    "ReportModel",
    "build_report",
    "basic_situation",
    "effects_text",
    "load_recommendations",
    "load_report_text",
    "outputs_table",
    "outputs_table_styler",
    "overall_conclusion",
    "plain_number",
    "problems_markdown",
    "read_score",
    "recommendations",
    "recommendations_markdown",
    "render_docx",
    "render_html",
    "render_html_body",
    "scoring_table_styler",
    "wan_yuan",
    "write_report_docx",
    "write_report_html",
    "yuan",
]
