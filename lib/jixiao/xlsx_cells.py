"""What calamine does not tell about an .xlsx cell, read from the sheet's XML.

Two facts matter for an evaluator's files: a formula saved without its calculated value (a
workbook written by a script, or saved with calculation switched off) reads as an empty cell,
which would silently become 0 元; and a code typed as a number shows as Excel's number format
says (``0101`` under ``0000``, ``5001.10`` under ``0.00``) while the cell holds 101 or 5001.1.
Both are found with byte-level patterns over the sheet part, not by parsing every cell into
objects, so a large ledger costs a few hundredths of a second.
"""

from __future__ import annotations

import re
import zipfile
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree

import numpy as np

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Built-in number formats that matter for codes; the rest (dates, currency) read as General.
_BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 49: "@"}
_CELL_WITH_FORMULA = re.compile(
    rb"<(?:\w+:)?c\b([^>]*)>\s*(<(?:\w+:)?f\b[^>]*/>|<(?:\w+:)?f\b[^>]*>(.*?)</(?:\w+:)?f>)"
    rb"\s*(<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>",
    re.DOTALL,
)
_REF = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
_STYLE = re.compile(rb'\bs="([0-9]+)"')
_TYPE = re.compile(rb'\bt="([A-Za-z]+)"')


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: bytes) -> int:
    value = 0
    for ch in letters:
        value = value * 26 + (ch - 64)
    return value - 1


def _sheet_part(zf: zipfile.ZipFile, sheet: str) -> str | None:
    workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rel_id = next(
        (s.get(f"{_REL}id") for s in workbook.iter(f"{_MAIN}sheet") if s.get("name") == sheet),
        None,
    )
    if rel_id is None:
        return None
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{_PKG_REL}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def _sheet_xml(path: Path, sheet: str) -> bytes:
    try:
        with zipfile.ZipFile(path) as zf:
            part = _sheet_part(zf, sheet)
            return zf.read(part) if part and part in zf.namelist() else b""
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return b""  # calamine read the sheet; without its XML there is nothing more to learn


def _formula_tags(xml: bytes):
    """Offsets of the <f> tags (with or without a namespace prefix): every ``f`` byte after ``<``
    or ``:`` and before a space, ``>`` or ``/``, found with numpy over the bytes."""
    raw = np.frombuffer(xml, dtype=np.uint8)
    if len(raw) < 3:
        return
    f = np.flatnonzero(raw[1:-1] == ord("f")) + 1  # an f with a byte on either side
    after = raw[f + 1]
    tag = (after == ord(" ")) | (after == ord(">")) | (after == ord("/"))
    before = raw[f - 1]
    yield from (f[tag & (before == ord("<"))] - 1).tolist()
    for position in (f[tag & (before == ord(":"))] - 1).tolist():
        yield xml.rfind(b"<", 0, position)


def uncached_formulas(path: Path, sheet: str) -> dict[tuple[int, int], str]:
    """(row, column), 0-based → formula text, for each formula cell stored without a value."""
    found: dict[tuple[int, int], str] = {}
    xml = _sheet_xml(Path(path), sheet)
    # Only the cells holding a formula are looked at: find each <f> and match its cell from the
    # cell's opening tag, so a sheet without formulas costs one pass over its bytes.
    for position in _formula_tags(xml):
        start = xml.rfind(b"<", 0, xml.rfind(b"c ", 0, position) + 1)
        match = _CELL_WITH_FORMULA.match(xml, start) if start >= 0 else None
        if match is None:
            continue
        attributes, _, formula, value = match.groups()
        if value is None and b"<v" in match.group(0):
            continue
        ref = _REF.search(attributes)
        if ref is None:
            continue
        text = (formula or b"").decode("utf-8", "replace")
        found[(int(ref.group(2)) - 1, _column_index(ref.group(1)))] = "=" + text
    return found


@lru_cache(maxsize=32)
def _cell_formats(path: Path, mtime: float) -> tuple[str, ...]:
    """Number format code of each cell style (cellXfs) of a workbook."""
    try:
        with zipfile.ZipFile(path) as zf:
            styles = ElementTree.fromstring(zf.read("xl/styles.xml"))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return ()
    custom = {
        int(f.get("numFmtId", "0")): f.get("formatCode", "General")
        for f in styles.iter(f"{_MAIN}numFmt")
    }
    xfs = styles.find(f"{_MAIN}cellXfs")
    if xfs is None:
        return ()
    codes = []
    for xf in xfs.findall(f"{_MAIN}xf"):
        number = int(xf.get("numFmtId", "0"))
        codes.append(custom.get(number, _BUILTIN_FORMATS.get(number, "General")))
    return tuple(codes)


def number_formats(path: Path, sheet: str, column: int) -> dict[int, str]:
    """Row (0-based) → number format code of the numeric cells of one column."""
    path = Path(path)
    codes = _cell_formats(path, path.stat().st_mtime)
    letters = column_letters(column).encode("ascii")
    pattern = re.compile(rb"<(?:\w+:)?c\b([^>]*\br=\"" + letters + rb"([0-9]+)\"[^>]*)>")
    found: dict[int, str] = {}
    for match in pattern.finditer(_sheet_xml(path, sheet)):
        attributes, row = match.groups()
        kind = _TYPE.search(attributes)
        if kind is not None and kind.group(1) != b"n":
            continue
        style = _STYLE.search(attributes)
        index = int(style.group(1)) if style else 0
        found[int(row) - 1] = codes[index] if index < len(codes) else "General"
    return found
