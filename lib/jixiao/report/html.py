"""``report.html``: the report model's summary (基本情况, 项目成效, 主要问题, 工作建议 and the
评分表 / 问题清单 annexes) as one standalone page.

The page is written from the same :class:`~jixiao.report.model.ReportModel` as ``report.docx``,
so both say the same thing in the same words. Every text is escaped (a ``<script>`` typed into
an observation shows as those characters); figures are embedded as PNG data; the Chinese font
is the shipped Noto Sans CJK SC cut down to the characters the page uses, so it reads on a
machine without CJK fonts. Two runs on the same results give the same bytes.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

from jixiao.untrusted import escape_html as esc

from ._blocks import Block
from .model import ReportModel

REPORT_HTML = "report.html"
FONT_FAMILY = "JixiaoCJK"
STYLE = (
    "body{font-family:'JixiaoCJK',sans-serif;max-width:60em;margin:2em auto;padding:0 1em;"
    "line-height:1.7;color:#222}"
    "h1{text-align:center;font-size:1.5em}h2{font-size:1.25em;margin-top:1.6em}"
    "h3{font-size:1.05em}p{text-indent:2em;margin:.4em 0}"
    "table{border-collapse:collapse;margin:.8em 0;font-size:.9em}"
    "th,td{border:1px solid #999;padding:.25em .5em;vertical-align:top}"
    "th{background:#eef3f8}td.n{text-align:right;white-space:nowrap}"
    "figure{margin:1em 0;text-align:center}img{max-width:100%}"
    "figcaption{font-size:.9em}"
)


def _is_number(text: str) -> bool:
    return (
        bool(text) and text.replace(",", "").replace(".", "").replace("%", "").lstrip("-").isdigit()
    )


def _table(block: Block) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in block.headers)
    rows = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{esc(v)}</td>' if _is_number(v) else f"<td>{esc(v)}</td>" for v in row
        )
        + "</tr>"
        for row in block.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _figure(block: Block) -> str:
    path = Path(block.path)
    if not path.is_file():
        return ""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    caption = esc(block.text)
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{caption}">'
        f"<figcaption>{caption}</figcaption></figure>"
    )


def block_html(block: Block) -> str:
    """One block as HTML; the text is always escaped."""
    if block.kind == "heading":
        level = 1 if block.style == "title" else min(block.level + 1, 4)
        return f"<h{level}>{esc(block.text)}</h{level}>"
    if block.kind == "paragraph":
        return f"<p>{esc(block.text)}</p>"
    if block.kind == "table":
        return _table(block)
    if block.kind == "figure":
        return _figure(block)
    if block.kind == "page_break":
        return ""
    raise ValueError(f"unknown report block kind {block.kind!r}")


def render_html_body(model: ReportModel) -> str:
    """The summary as HTML without the page around it (also shown in the 06 notebook)."""
    return "\n".join(html for html in map(block_html, model.summary) if html)


def _font_face(text: str) -> str:
    """@font-face with the shipped CJK font subset to the characters of ``text``."""
    from fontTools import subset

    from jixiao.charts import FONT_FILE

    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    # Horizontal Chinese text needs no OpenType layout features; keeping them triples the time.
    options.layout_features = []
    font = subset.load_font(str(FONT_FILE), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes={ord(ch) for ch in text if ord(ch) > 0x7F} | set(range(0x20, 0x7F)))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f"@font-face{{font-family:'{FONT_FAMILY}';"
        f"src:url(data:font/otf;base64,{encoded}) format('opentype');}}"
    )


def render_html(model: ReportModel) -> str:
    """The whole page: the summary, its styles and the embedded font subset."""
    body = render_html_body(model)
    title = esc(model.title)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        f"<style>{_font_face(title + body)}{STYLE}</style>\n"
        f"</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def write_report_html(model: ReportModel, output_dir: Path) -> Path:
    """``<output_dir>/report.html`` from ``model``."""
    target = Path(output_dir) / REPORT_HTML
    target.write_text(render_html(model), encoding="utf-8", newline="\n")
    return target
