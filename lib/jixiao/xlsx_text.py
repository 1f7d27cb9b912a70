"""Whether a workbook can hold personal data at all, read from its XML without parsing a cell.

The leak scan reads a workbook's cells through calamine and pandas, one Python object per cell:
18 s for a workpaper with a 287,129-row sheet. Every text a cell can show is in the package's XML
(inline strings and formula results in the sheet parts, the rest in ``xl/sharedStrings.xml``), so
the scan first looks at that XML, a row (or shared string) at a time, in Arrow: tags stripped
and cells kept apart by a line break. A sheet is read cell by cell only when a row of its part
holds something shaped like a mobile or an ID number, the first two
characters of a respondent's name, or anything this reading cannot vouch for:

- a number written with an exponent or an integer part of 10 digits or more (what pandas shows
  of it may have other digits than the XML; below that, rounding cannot make a run of 11);
- an ``_xHHHH_`` escape, a CDATA section or comment (the text shown is not the text written);
  a character reference (``&#29579;``) is written out as the character it stands for before
  anything is looked at, so the text searched is the text a cell shows — except a tab or line
  break (``&#9;``, ``&#10;``, ``&#13;``, ``&#xA;``…), which splits text as a tag does and is left
  as it is, and a reference this reading cannot vouch for (another spelling of those three, a
  code point XML does not allow), which is still not vouched for;
- a scan name with an ASCII character in it: dates, booleans, error codes and column numbers are
  shown in ASCII, and a name made of those characters could hide in them (this also keeps XML's
  escapes, all ASCII, out of the way: they can split neither a name nor a digit run).

(A flagged shared string sends every sheet.) A sheet that passes cannot give the cell-by-cell
scan a hit; one that does not is scanned cell by cell, so the findings are the same either way.
openpyxl's write-only sheets write every non-ASCII character as a reference (&#29579;): those are
read as the characters they stand for, like the UTF-8 of the long sheets built in bulk
(:mod:`jixiao.xlsx_rows`) and of shared strings.
"""

from __future__ import annotations

import re
import zipfile
from functools import partial
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .concurrency import side_by_side
from .scan_prefilter import NUMBER_SHAPE, name_prefix_pattern
from .xlsx_cells import _sheet_part

# Package parts that hold no cell: their digits (styles, colours, sizes) would only add noise.
_NOT_CELLS = ("[Content_Types].xml", "xl/styles.xml", "xl/workbook.xml")
_NOT_CELLS_UNDER = ("docProps/", "xl/theme/", "_rels/", "xl/_rels/")
# What the reading cannot vouch for (see the module notes): a number with an exponent or an
# integer part of 10 digits or more, a rich-text run, an escape, a CDATA section or comment.
_UNSURE = (
    r"<(?:\w+:)?v(?:\s[^>]*)?>\s*[-+]?[0-9.]*[Ee]"
    r"|<(?:\w+:)?v(?:\s[^>]*)?>\s*[-+]?[0-9]{10}"
    r"|<(?:\w+:)?r[\s>]|_x[0-9A-Fa-f]{4}_|<!"
)
# A character reference other than a tab or line break (those split text as a tag does).
_REFERENCE = re.compile(rb"&#(?!(?:9|10|13|x9|x[aAdD]);)")
# Any well-formed character reference, decimal or hexadecimal.
_ANY_REFERENCE = re.compile(rb"&#(?:([0-9]{1,7})|x([0-9A-Fa-f]{1,6}));")
# Up to this many ``&`` are looked at one by one; a part with more goes through the regex.
_AMPERSANDS_ONE_BY_ONE = 1_000


def _is_xml_char(code: int) -> bool:
    """A character XML 1.0 allows, other than tab, line feed and carriage return."""
    return 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def _ampersands(data: bytes, start: int = 0):
    """The positions of ``&`` in ``data`` from ``start``: one byte found by ``memchr``, much
    faster on a long part than a regex or a two-byte search (a reference begins with one)."""
    at = data.find(b"&", start)
    while at >= 0:
        yield at
        at = data.find(b"&", at + 1)


def _written_out(match: re.Match) -> bytes:
    code = int(match[1]) if match[1] is not None else int(match[2], 16)
    if not _is_xml_char(code):
        return match[0]  # tab / line break (kept as a split), or not vouched for (_REFERENCE)
    return chr(code).encode("utf-8")


def _references_written_out(xml: bytes) -> bytes:
    """The part with every character reference but tab / line break written as its character
    (UTF-8), so that what is searched is the text a cell shows (a reference not vouched for,
    or to a character XML does not allow, is left as it is).

    A long part written in UTF-8 has its few references in its header and legend rows: each
    ``&`` is found by ``memchr`` and tried in turn, as the regex substitution would (a
    reference holds no ``&``, so the next one cannot begin inside it). A part with many
    (openpyxl writes every non-ASCII character as one) is left to the regex after the first."""
    view, pieces, done = memoryview(xml), [], 0
    for count, at in enumerate(_ampersands(xml)):
        if count == _AMPERSANDS_ONE_BY_ONE:
            return b"".join([*pieces, _ANY_REFERENCE.sub(_written_out, view[done:])])
        if xml[at + 1 : at + 2] != b"#":
            continue
        match = _ANY_REFERENCE.match(xml, at)
        if match is not None:
            pieces += [view[done:at], _written_out(match)]
            done = match.end()
    if not pieces:
        return xml
    return b"".join([*pieces, view[done:]])


def _unsure_reference(xml: bytes) -> bool:
    """Whether ``xml`` holds a reference this reading cannot vouch for (:data:`_REFERENCE`)."""
    for count, at in enumerate(_ampersands(xml)):
        if count == _AMPERSANDS_ONE_BY_ONE:
            return _REFERENCE.search(xml, at) is not None
        if xml[at + 1 : at + 2] == b"#" and _REFERENCE.match(xml, at):
            return True
    return False


# The exact patterns match a digit run only from its first digit, and not after a decimal point.
_NUMBER_START = f"(?:^|[^0-9.])(?:{NUMBER_SHAPE})"
_CHUNK_BYTES = 1 << 24


def _cell_parts(archive: zipfile.ZipFile) -> list[str]:
    return [
        name
        for name in archive.namelist()
        if name.endswith(".xml")
        and name not in _NOT_CELLS
        and not name.startswith(_NOT_CELLS_UNDER)
    ]


def _chunks(xml: bytes) -> pa.Array:
    """The part's XML in pieces of about 16 MB, each cut before a ``<`` (no text runs across)."""
    cuts = [0]
    while cuts[-1] + _CHUNK_BYTES < len(xml):
        cut = xml.find(b"<", cuts[-1] + _CHUNK_BYTES)
        if cut < 0:
            break
        cuts.append(cut)
    cuts.append(len(xml))
    offsets = pa.array(cuts, type=pa.int64()).buffers()[1]
    raw = pa.LargeBinaryArray.from_buffers(
        pa.large_binary(), len(cuts) - 1, [None, offsets, pa.py_buffer(xml)]
    )
    return raw.cast(pa.large_string())  # checks the part is UTF-8


def _part_may_hold(xml: bytes, names: list[str]) -> bool:
    """May a cell of this part show a number, a name, or something this reading cannot vouch for.

    Tags are not stripped: inside a cell's ``<t>`` or ``<v>`` its text is contiguous (rich-text
    runs and escapes are among the things not vouched for), and tags only keep cells apart."""
    xml = _references_written_out(xml)
    if _unsure_reference(xml):
        return True
    # The number shapes, what is not vouched for and the names' first two characters
    # (name_candidates' prefixes) in one RE2 pass.
    prefixes = name_prefix_pattern(names)
    pattern = f"{_UNSURE}|{_NUMBER_START}" + (f"|{prefixes}" if prefixes else "")
    chunks = _chunks(xml)
    for i in range(len(chunks)):  # a chunk at a time: a hit ends the search early
        if pc.any(pc.match_substring_regex(chunks.slice(i, 1), pattern)).as_py():
            return True
    return False


def _read_part_may_hold(archive: zipfile.ZipFile, part: str, names: list[str]) -> bool:
    return _part_may_hold(archive.read(part), names)


def _sheets_of_parts(archive: zipfile.ZipFile, sheet_names: list[str]) -> dict[str, str]:
    """Sheet part → sheet name, for the sheets the workbook lists."""
    found = {}
    for sheet in sheet_names:
        part = _sheet_part(archive, sheet)
        if part is not None:
            found[part] = sheet
    return found


def sheets_to_read(path: Path, names) -> list[str] | None:
    """The sheets of the workbook at ``path`` that must be read cell by cell for ``names``, in
    workbook order: none when its XML shows no cell can give the scan a hit; ``None`` for all
    (a flagged part that is not one sheet's own, such as a shared string, or a package this
    reading cannot follow)."""
    names = [n for n in names if len(n) >= 2]
    if any(ch.isascii() for n in names for ch in n):
        return None
    # Opened as the cell reading opens it, so a workbook calamine cannot read fails here as there.
    with pd.ExcelFile(path, engine="calamine") as book:
        sheet_names = book.sheet_names
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _cell_parts(archive)
            sheet_of = _sheets_of_parts(archive, sheet_names)
            if set(sheet_of.values()) != set(sheet_names) or not set(sheet_of) <= set(parts):
                return None  # a sheet whose cells this reading would not see
            # Parts are read side by side, the longest first (inflating and RE2 release the GIL).
            parts = sorted(parts, key=lambda part: -archive.getinfo(part).file_size)
            verdicts = side_by_side(
                *(partial(_read_part_may_hold, archive, part, names) for part in parts)
            )
            flagged = [part for part, hit in zip(parts, verdicts, strict=True) if hit]
    except (zipfile.BadZipFile, pa.ArrowInvalid, OSError, KeyError, ElementTree.ParseError):
        return None
    if any(part not in sheet_of for part in flagged):
        return None
    wanted = {sheet_of[part] for part in flagged}
    return [sheet for sheet in sheet_names if sheet in wanted]


def may_hold_personal_data(path: Path, names) -> bool:
    """False only when no cell of the workbook at ``path`` can give the scan a hit."""
    return sheets_to_read(path, names) != []
