"""The evaluation report (评价报告): its text from the data, and the documents handed over.

- :mod:`.sections` — 基本情况 and 项目成效 from the data, and their tables.
- :mod:`.recommendations` — 有关建议 from the editable table (``recommendations.csv`` of the
  year's folder, else the template), each citing the findings it answers, matched by category,
  rule or finding id.
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
from .recommendations import RECOMMENDATIONS_TEMPLATE, load_recommendations, recommendations
from .sections import (
    basic_situation,
    effects_text,
    outputs_table,
    outputs_table_styler,
    overall_conclusion,
    plain_number,
    read_score,
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
    "read_score",
    "recommendations",
    "render_docx",
    "render_html",
    "render_html_body",
    "scoring_table_styler",
    "wan_yuan",
    "write_report_docx",
    "write_report_html",
    "yuan",
]
