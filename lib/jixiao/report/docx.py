"""``report.docx``: the report model rendered over the Word template a firm can restyle.

The template (``templates/report_template.docx``, see :mod:`.docx_styles`) gives page set-up,
header / footer and the named styles; its body is replaced by the report. Every text from the
data goes in as a plain run — never a field or a hyperlink — so ``=HYPERLINK(…)`` or
``<script>`` in an observation stays the literal characters it was.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Mm

from jixiao import paths, processed

from ._blocks import Block
from .docx_styles import FIXED_CORE_TIME, STYLES, save_stable
from .model import ReportModel, build_report

TEMPLATE = paths.PACKAGE_DIR / "templates" / "report_template.docx"
# XML 1.0 refuses these characters; a stray one in a raw file must not stop the report.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FIGURE_WIDTH = Mm(150)


def plain(text: object) -> str:
    return _NOT_XML.sub("", "" if text is None else str(text))


def _clear_body(document) -> None:
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _style(document, role: str, fallback: str):
    name = STYLES.get(role or fallback, STYLES[fallback])
    names = {s.name for s in document.styles}
    return name if name in names else STYLES[fallback]


def _add_block(document, block: Block) -> None:
    if block.kind == "page_break":
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    elif block.kind == "heading":
        role = block.style or f"heading{min(max(block.level, 1), 3)}"
        paragraph = document.add_paragraph(style=_style(document, role, "heading1"))
        paragraph.add_run(plain(block.text))
    elif block.kind == "paragraph":
        paragraph = document.add_paragraph(style=_style(document, block.style, "body"))
        paragraph.add_run(plain(block.text))
    elif block.kind == "table":
        _add_table(document, block)
    elif block.kind == "figure":
        document.add_picture(block.path, width=FIGURE_WIDTH)
        document.add_paragraph(style=_style(document, "caption", "body")).add_run(plain(block.text))
    else:
        raise ValueError(f"unknown report block kind {block.kind!r}")


def _add_table(document, block: Block) -> None:
    table = document.add_table(rows=1, cols=len(block.headers))
    if "Table Grid" in {s.name for s in document.styles}:
        table.style = "Table Grid"
    text_style = _style(document, "table_text", "body")
    for cell, header in zip(table.rows[0].cells, block.headers, strict=True):
        paragraph = cell.paragraphs[0]
        paragraph.style = text_style
        paragraph.add_run(plain(header)).bold = True
    for row in block.rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            paragraph = cell.paragraphs[0]
            paragraph.style = text_style
            paragraph.add_run(plain(value))


def render_docx(model: ReportModel, target: Path, *, template: Path | None = None) -> Path:
    """Write ``model`` as a Word document at ``target`` over ``template``."""
    document = Document(str(template or TEMPLATE))
    _clear_body(document)
    for block in model.blocks:
        _add_block(document, block)
    core = document.core_properties
    core.title = plain(model.title)
    core.author = core.last_modified_by = ""
    core.created = core.modified = FIXED_CORE_TIME
    buffer = io.BytesIO()
    document.save(buffer)
    return save_stable(buffer.getvalue(), Path(target))


def write_report_docx(year: int | str, output_dir: Path | None = None) -> Path:
    """``reports/<year>/report.docx`` (or ``output_dir/report.docx``) from the year's results."""
    model = build_report(year, output_dir=output_dir)
    out = processed.output_folder(year, output_dir)
    return render_docx(model, out / "report.docx")
