"""The Word template's named styles and page set-up, and byte-stable saving of .docx files.

``scripts/make_report_template.py`` builds ``templates/report_template.docx`` with
:func:`build_template`; a firm may then restyle that file in Word (fonts, letterhead, numbering)
and the report writer only refers to the style names in :data:`STYLES`. Fonts follow Chinese
official-document practice (方正小标宋简体 titles, 黑体 / 楷体_GB2312 headings, 仿宋_GB2312 body);
each East-Asian font names an alternative Word falls back to where it is not installed.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

# Role → style name in the template (the writer uses nothing else).
STYLES = {
    "title": "Title",
    "heading1": "Heading 1",
    "heading2": "Heading 2",
    "heading3": "Heading 3",
    "body": "Normal",
    "cover_title": "报告封面标题",
    "cover_line": "报告封面信息",
    "table_text": "表格文字",
    "caption": "Caption",
    "signature": "报告落款",
}
# East-Asian font → what Word shows where it is missing (w:altName in the font table).
FONT_FALLBACKS = {
    "方正小标宋简体": "宋体",
    "黑体": "SimHei",
    "楷体_GB2312": "楷体",
    "仿宋_GB2312": "仿宋",
}
LATIN_FONT = "Times New Roman"
# Zip entries get this time so the same report is the same bytes on every run.
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FIXED_CORE_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _set_fonts(style, east_asian: str, size_pt: float, bold: bool = False) -> None:
    font = style.font
    font.name = LATIN_FONT
    font.size = Pt(size_pt)
    font.bold = bold
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _paragraph_style(document, name: str, base: str = "Normal"):
    styles = document.styles
    if name in [s.name for s in styles]:
        return styles[name]
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base]
    return style


def _page_number_footer(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), ("end", None)):
        if kind is None:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
    paragraph.add_run(" —")


def build_template(target: Path) -> Path:
    """Write the report template: A4, official-document margins, named styles, page numbers."""
    document = Document()
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    styles = document.styles
    body = styles["Normal"]
    _set_fonts(body, "仿宋_GB2312", 16)
    body.paragraph_format.first_line_indent = Pt(32)
    body.paragraph_format.line_spacing = Pt(28)
    body.paragraph_format.space_after = Pt(0)
    for name, font, size, bold in (
        ("Title", "方正小标宋简体", 22, False),
        ("Heading 1", "黑体", 16, False),
        ("Heading 2", "楷体_GB2312", 16, False),
        ("Heading 3", "仿宋_GB2312", 16, True),
    ):
        style = styles[name]
        _set_fonts(style, font, size, bold)
        style.font.color.rgb = None
        style.font.italic = False
        fmt = style.paragraph_format
        fmt.first_line_indent = Pt(0) if name == "Title" else Pt(32)
        fmt.space_before, fmt.space_after = Pt(6), Pt(6)
        if name == "Title":
            fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for role, font, size, bold, align in (
        ("cover_title", "方正小标宋简体", 26, False, WD_ALIGN_PARAGRAPH.CENTER),
        ("cover_line", "仿宋_GB2312", 16, False, WD_ALIGN_PARAGRAPH.CENTER),
        ("table_text", "仿宋_GB2312", 10.5, False, WD_ALIGN_PARAGRAPH.LEFT),
        ("signature", "仿宋_GB2312", 16, False, WD_ALIGN_PARAGRAPH.RIGHT),
    ):
        style = _paragraph_style(document, STYLES[role])
        _set_fonts(style, font, size, bold)
        style.paragraph_format.first_line_indent = Pt(0)
        style.paragraph_format.alignment = align
        if role == "table_text":
            style.paragraph_format.line_spacing = 1.0
    caption = styles["Caption"]
    _set_fonts(caption, "黑体", 12)
    caption.font.color.rgb = None
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.first_line_indent = Pt(0)
    _page_number_footer(section)
    core = document.core_properties
    core.author = core.last_modified_by = ""
    core.title = "绩效评价报告模板"
    core.created = core.modified = FIXED_CORE_TIME
    core.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return save_stable(_with_font_fallbacks(buffer.getvalue()), target)


def _with_font_fallbacks(blob: bytes) -> bytes:
    """Add each East-Asian font with its w:altName to word/fontTable.xml."""
    source = zipfile.ZipFile(io.BytesIO(blob))
    table = source.read("word/fontTable.xml").decode("utf-8")
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        f'<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
        for name, alt in FONT_FALLBACKS.items()
        if f'w:name="{name}"' not in table
    )
    table = re.sub(r"</w:fonts>\s*$", entries + "</w:fonts>", table)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/fontTable.xml":
                data = table.encode("utf-8")
            target.writestr(info.filename, data)
    return out.getvalue()


def save_stable(blob: bytes, target: Path) -> Path:
    """Write a .docx with fixed zip entry times, so equal content gives equal bytes."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    source = zipfile.ZipFile(io.BytesIO(blob))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, source.read(info.filename))
    target.write_bytes(out.getvalue())
    return target
