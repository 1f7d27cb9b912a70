"""``report.docx``: the report model rendered over the Word template a firm can restyle.

The template (``templates/report_template.docx``, see :mod:`.docx_styles`) gives page set-up,
header / footer and the named styles; its body is replaced by the report. Every text from the
data goes in as a plain run — never a field or a hyperlink — so ``=HYPERLINK(…)`` or
``<script>`` in an observation stays the literal characters it was.
"""

from __future__ import annotations

import io
import re
from copy import deepcopy
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
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


class _ParagraphStyles:
    """The template's paragraph style ids by role, looked up once per document.

    python-docx resolves a style given by name (or object) by scanning every style of the
    template for the default, once per paragraph: seconds for a report with a few hundred table
    cells. The ids are resolved here once and written straight into ``w:pStyle``.
    """

    def __init__(self, document):
        paragraph_styles = [s for s in document.styles if s.type == WD_STYLE_TYPE.PARAGRAPH]
        self._ids = {s.name: s.style_id for s in paragraph_styles}
        default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        self._default_id = default.style_id if default is not None else None

    def style_id(self, role: str, fallback: str) -> str | None:
        name = STYLES.get(role or fallback, STYLES[fallback])
        if name not in self._ids:
            name = STYLES[fallback]
        return self._ids.get(name)

    def paragraph(self, container, role: str, fallback: str):
        """A new paragraph in ``container`` (document or cell) in the role's style."""
        return self.apply(container.add_paragraph(), role, fallback)

    def apply(self, paragraph, role: str, fallback: str):
        style_id = self.style_id(role, fallback)
        # The default style is left implicit, as python-docx itself does.
        if style_id is not None and style_id != self._default_id:
            paragraph._p.get_or_add_pPr().style = style_id
        return paragraph


def _add_block(document, styles: _ParagraphStyles, block: Block) -> None:
    if block.kind == "page_break":
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    elif block.kind == "heading":
        role = block.style or f"heading{min(max(block.level, 1), 3)}"
        styles.paragraph(document, role, "heading1").add_run(plain(block.text))
    elif block.kind == "paragraph":
        styles.paragraph(document, block.style, "body").add_run(plain(block.text))
    elif block.kind == "table":
        _add_table(document, styles, block)
    elif block.kind == "figure":
        document.add_picture(block.path, width=FIGURE_WIDTH)
        styles.paragraph(document, "caption", "body").add_run(plain(block.text))
    else:
        raise ValueError(f"unknown report block kind {block.kind!r}")


def _add_table(document, styles: _ParagraphStyles, block: Block) -> None:
    table = document.add_table(rows=1, cols=len(block.headers))
    if "Table Grid" in {s.name for s in document.styles}:
        table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, block.headers, strict=True):
        paragraph = styles.apply(cell.paragraphs[0], "table_text", "body")
        paragraph.add_run(plain(header)).bold = True
    if not block.rows:
        return
    # One empty row made by python-docx (cells, widths, paragraph style, an empty run each);
    # every data row is a copy of it with its runs' text set. python-docx resolves a row's
    # grid, cells and styles anew on every call: seconds for an annex of a few hundred rows.
    template = table.add_row()
    for cell in template.cells:
        styles.apply(cell.paragraphs[0], "table_text", "body").add_run()
    for row in block.rows:
        tr = deepcopy(template._tr)
        for run, value in zip(tr.iter(qn("w:r")), row, strict=True):
            run.text = plain(value)
        template._tr.addprevious(tr)
    template._tr.getparent().remove(template._tr)


def render_docx(model: ReportModel, target: Path, *, template: Path | None = None) -> Path:
    """Write ``model`` as a Word document at ``target`` over ``template``."""
    document = Document(str(template or TEMPLATE))
    _clear_body(document)
    styles = _ParagraphStyles(document)
    for block in model.blocks:
        _add_block(document, styles, block)
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
