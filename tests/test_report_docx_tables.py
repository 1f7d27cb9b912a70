"""The report's tables: every row written as python-docx writes it row by row, only faster."""

from docx import Document
from lxml import etree

from jixiao.report import docx as report_docx
from jixiao.report._blocks import Block

ROWS = (
    ("1", '=HYPERLINK("http://x")', " 前后空格 ", ""),
    ("2", "一\t二", "第一行\n第二行", "<script>&amp;"),
    ("3", "\x07控制字符", "", "12,345.00"),
)


def _row_by_row(document, styles, block):
    """The table as python-docx builds it cell by cell (what _add_table did before)."""
    table = document.add_table(rows=1, cols=len(block.headers))
    if "Table Grid" in {s.name for s in document.styles}:
        table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, block.headers, strict=True):
        paragraph = styles.apply(cell.paragraphs[0], "table_text", "body")
        paragraph.add_run(report_docx.plain(header)).bold = True
    for row in block.rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            styles.apply(cell.paragraphs[0], "table_text", "body").add_run(report_docx.plain(value))


def _body_xml(build, block) -> bytes:
    document = Document(str(report_docx.TEMPLATE))
    report_docx._clear_body(document)
    build(document, report_docx._ParagraphStyles(document), block)
    return etree.tostring(document.element.body)


def test_table_rows_are_the_xml_python_docx_writes_cell_by_cell():
    block = Block("table", headers=("序号", "问题", "说明", "金额"), rows=ROWS)
    fast = _body_xml(report_docx._add_table, block)
    assert fast == _body_xml(_row_by_row, block)
    assert fast.count(b"<w:tr") == 1 + len(ROWS) and b"<w:tab/>" in fast and b"<w:br/>" in fast


def test_a_table_without_rows_has_its_header_only():
    block = Block("table", headers=("序号", "问题"), rows=())
    assert _body_xml(report_docx._add_table, block) == _body_xml(_row_by_row, block)
