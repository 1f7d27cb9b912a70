"""A long worksheet table as sheet XML built column by column, without a Python object per cell.

openpyxl writes a cell in ≈ 20 µs, so a 287,129-row 检查标记明细 sheet costs minutes. Its rows
are plain values with one style per column, so :func:`plan_rows` checks each column once
(registering the styles openpyxl would give the cells) and :func:`row_chunks` builds the
``<row>`` elements of a block of rows with Arrow string kernels. ``export.save_workbook``
splices them into the sheet openpyxl wrote around them (header block, header row, legend).

The cells read back exactly as openpyxl's own cells would: inline strings (``xml:space``
preserved when the text has outer white space, cut at 32,767 characters), error codes as error
cells, numbers as ``'%.16g' % value``, dates as serial numbers, and text a spreadsheet would
take for a formula (= + - @ tab CR first) as quote-prefixed text, never a live formula. Control
characters that XML cannot carry raise as they do in openpyxl. A column of any other kind (mixed
objects, time zones) makes :func:`plan_rows` return None and the sheet is written cell by cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl.cell.cell import ERROR_CODES

MAX_TEXT = 32_767  # characters of one cell (openpyxl cuts longer text)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# What openpyxl refuses (IllegalCharacterError) and what lxml then refuses (ValueError).
_ILLEGAL = "[\x00-\x08\x0b\x0c\x0e-\x1f]"
_NOT_XML = "[\ufffe\uffff]"
# Python's str.isspace() characters: openpyxl preserves white space when text != text.strip().
_SPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))
_EPOCH = np.datetime64("1899-12-30", "us")
_DAY_US = 86_400_000_000
CHUNK_ROWS = 10_000


@dataclass(frozen=True)
class Column:
    """How one column's cells are written: its kind, its letter and its style ids."""

    kind: str  # "text", "float", "int", "bool" or "date"
    letter: str
    style: int | None  # the column's number format; None: unstyled (missing values: no cell)
    quoted: int | None  # quote-prefix style for formula-like text (only if the column has some)


@dataclass(frozen=True)
class Plan:
    frame: pd.DataFrame
    columns: tuple[Column, ...]
    first_row: int  # the worksheet row of the frame's first row
    # Each text column dictionary-encoded: its distinct texts (in order of first appearance) and,
    # per row, which one (null where the value is missing).
    texts: Mapping[str, pa.DictionaryArray] = field(default_factory=dict)


def _kind(values: pd.Series) -> str | None:
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    if pd.api.types.is_datetime64_dtype(dtype):  # naive only; openpyxl refuses time zones
        return "date"
    if pd.api.types.is_string_dtype(dtype) and pd.api.types.infer_dtype(values) in (
        "string",
        "empty",
    ):
        return "text"
    return None


def _text(values: pd.Series) -> pa.Array:
    """A text column as an Arrow string array (missing: null), without a Python str per value
    when pandas already holds it in Arrow."""
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        text = pa.array(values.array)
    else:
        text = pa.array(values.to_numpy(dtype=object), from_pandas=True)
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    return text.cast(pa.string())


def _first_or_last(text: pa.Array, characters: str, *, last: bool = False) -> pa.Array:
    """Whether each text starts (or ends) with one of ``characters`` (null text: False)."""
    edge = pc.utf8_slice_codeunits(text, -1) if last else pc.utf8_slice_codeunits(text, 0, 1)
    return pc.is_in(edge, pa.array(list(characters))).fill_null(False)


def plan_rows(worksheet, frame: pd.DataFrame, formats: list[str | None], first_row: int):
    """The plan for writing ``frame`` from worksheet row ``first_row``, or None when a column
    holds values this module does not write (the caller then writes the sheet cell by cell).

    Styles are registered in the workbook here, before it is saved."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.exceptions import IllegalCharacterError

    kinds = [_kind(frame[c]) for c in frame.columns]
    if None in kinds:
        return None
    columns = []
    texts: dict[str, pa.DictionaryArray] = {}
    for index, (name, kind, number_format) in enumerate(
        zip(frame.columns, kinds, formats, strict=True), start=1
    ):
        style = quoted = None
        if number_format:
            cell = WriteOnlyCell(worksheet)
            cell.number_format = number_format
            style = cell.style_id
        if kind == "text":
            texts[name] = pc.dictionary_encode(_text(frame[name]))
            # Distinct texts come in order of first appearance: the first bad one is the first
            # bad row's, as a check of every row would report.
            text = texts[name].dictionary
            if pc.any(pc.match_substring_regex(text, f"{_ILLEGAL}|{_NOT_XML}")).as_py():
                for pattern, error in ((_ILLEGAL, IllegalCharacterError), (_NOT_XML, ValueError)):
                    bad = pc.match_substring_regex(text, pattern)
                    if pc.any(bad).as_py():
                        raise error(f"{text.filter(bad)[0]} cannot be used in worksheets.")
            if pc.any(_first_or_last(text, "".join(FORMULA_TRIGGERS))).as_py():
                cell = WriteOnlyCell(worksheet)
                if number_format:
                    cell.number_format = number_format
                cell.quotePrefix = True
                quoted = cell.style_id
        columns.append(Column(kind, get_column_letter(index), style, quoted))
    return Plan(frame, tuple(columns), first_row, texts)


def _float_text(values: np.ndarray) -> pa.Array:
    """``'%.16g' % v`` for every value: integral values under 10^16 as integers (their digits), the others as
    Arrow's shortest round-trip text when it has at most 16 significant digits (then it reads
    back as the same number), the rest (few, if any) through openpyxl's own formatting."""
    from openpyxl.compat.strings import safe_string

    with np.errstate(invalid="ignore"):
        whole = np.isfinite(values) & (np.abs(values) < 1e16) & (values == np.trunc(values))
    ints = pc.cast(pa.array(np.where(whole, values, 0).astype(np.int64)), pa.string())
    text = pc.cast(pa.array(values), pa.string())
    mantissa = pc.replace_substring_regex(text, r"[eE].*$|[-+.]", "")
    digits = pc.utf8_length(pc.replace_substring_regex(mantissa, "^0+", "")).to_numpy()
    shortest = np.isfinite(values) & ~whole & (digits <= 16)
    text = pc.if_else(pa.array(whole), ints, text)
    odd = np.flatnonzero(~whole & ~shortest)
    if len(odd):
        fixed = np.full(len(values), None, dtype=object)
        fixed[odd] = [safe_string(float(v)) for v in values[odd]]
        text = pc.if_else(pa.array(~whole & ~shortest), pa.array(fixed, pa.string()), text)
    return text


def _int_text(values: np.ndarray) -> pa.Array:
    """``'%.16g' % v`` for integers: their digits below 10^16, openpyxl's text beyond."""
    from openpyxl.compat.strings import safe_string

    text = pc.cast(pa.array(values), pa.string())
    large = np.abs(values.astype(np.float64)) >= 1e16
    if not large.any():
        return text
    fixed = np.full(len(values), None, dtype=object)
    fixed[large] = [safe_string(int(v)) for v in values[large]]
    return pc.if_else(pa.array(large), pa.array(fixed, pa.string()), text)


def _date_serials(values: pd.Series) -> np.ndarray:
    """openpyxl's ``to_excel``: whole days since 1899-12-30 plus the time of day as a fraction,
    the same float operations in the same order (days up to 1900-02-28 shift by one in Excel's
    calendar and go through openpyxl itself)."""
    from openpyxl.utils.datetime import to_excel

    stamps = values.to_numpy(dtype="datetime64[us]")
    micros = (stamps - _EPOCH).astype(np.int64)
    days, rest = np.divmod(micros, _DAY_US)
    seconds, fraction = np.divmod(rest, 1_000_000)
    serials = days + (seconds.astype(np.float64) + fraction / 10**6) / 86400
    early = np.flatnonzero((days <= 60) & ~pd.isna(stamps))
    if len(early):
        serials[early] = [to_excel(pd.Timestamp(v).to_pydatetime()) for v in stamps[early]]
    return serials


def _escape(text: pa.Array) -> pa.Array:
    """``& < > CR`` as XML writes them; only the texts holding one are rewritten."""
    escaping = pc.match_substring_regex(text, "[" + "".join(raw for raw, _ in _ESCAPES) + "]")
    if not pc.any(escaping).as_py():
        return text
    escaped = text.filter(escaping)
    for raw, entity in _ESCAPES:
        escaped = pc.replace_substring(escaped, raw, entity)
    return pc.replace_with_mask(text, escaping, escaped)


def _join(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _text_cells(text: pa.Array, column: Column) -> pa.Array:
    """Each text's ``<c>`` element after its ``r="A`` + row number (``text``: no nulls)."""
    style = f' s="{column.style}"' if column.style is not None else ""
    longest = pc.max(pc.binary_length(text)).as_py() or 0  # bytes: at least the characters
    raw = pc.utf8_slice_codeunits(text, 0, MAX_TEXT) if longest > MAX_TEXT else text
    risky = _first_or_last(text, "".join(FORMULA_TRIGGERS))
    outer = pc.or_(_first_or_last(raw, _SPACE), _first_or_last(raw, _SPACE, last=True))
    keep = pc.if_else(outer, ' xml:space="preserve"', "")
    escaped = _escape(raw)
    inline = _join(' t="inlineStr"><is><t', keep, ">", escaped, "</t></is></c>")
    cells = _join(f'"{style}', inline)
    if column.quoted is not None:
        cells = pc.if_else(risky, _join(f'" s="{column.quoted}"', inline), cells)
    plain = pc.invert(risky)
    errors = _join(f'"{style} t="e"><v>', escaped, "</v></c>")
    cells = pc.if_else(pc.and_(plain, pc.is_in(raw, pa.array(ERROR_CODES))), errors, cells)
    empty = pa.scalar(f'"{style} t="inlineStr"/>')
    return pc.if_else(pc.and_(plain, pc.equal(raw, "")), empty, cells)


def _absent(column: Column) -> pa.Scalar:
    """What a missing value writes: an empty styled cell, or no cell (null) in an unstyled column."""
    style = f' s="{column.style}"' if column.style is not None else ""
    return pa.scalar(f'"{style} t="n"/>' if column.style is not None else None, pa.string())


@dataclass(frozen=True)
class _DistinctText:
    """A text column as the ``<c>`` element of each distinct text and, per row, which one (null
    where the value is missing): a column repeats its units, rules and accounts, so each text is
    escaped and checked once."""

    cells: pa.Array
    codes: pa.Array

    def take(self, start: int, stop: int) -> pa.Array:
        return self.cells.take(self.codes.slice(start, stop - start))


def _distinct_text(coded: pa.DictionaryArray, column: Column) -> _DistinctText:
    return _DistinctText(_text_cells(coded.dictionary, column), coded.indices)


def _value_cells(values: pd.Series, column: Column) -> pa.Array:
    """Each value's ``<c>`` element after its ``r="A`` + row number, null where no cell is
    written (a missing value in an unstyled column); for a column of numbers, dates or booleans."""
    style = f' s="{column.style}"' if column.style is not None else ""
    missing = pa.array(values.isna().to_numpy())
    if column.kind == "bool":
        numbers = pc.cast(pa.array(values.fillna(False).astype(bool).to_numpy()), pa.int8())
        text, kind = pc.cast(numbers, pa.string()), "b"
    elif column.kind == "int":
        text, kind = _int_text(values.fillna(0).to_numpy(dtype=np.int64)), "n"
    elif column.kind == "float":
        text, kind = _float_text(values.to_numpy(dtype=np.float64, na_value=np.nan)), "n"
    else:
        text, kind = _float_text(_date_serials(values)), "n"
    text = _join(f'"{style} t="{kind}"><v>', text, "</v></c>")
    return pc.if_else(missing, _absent(column), text)


def _joined_bytes(rows: pa.Array) -> bytes:
    """The rows' XML as one bytes object, straight from the Arrow string buffer."""
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int32)
    first, last = offsets[rows.offset], offsets[rows.offset + len(rows)]
    return memoryview(rows.buffers()[2])[first:last].tobytes()


def row_chunks(plan: Plan, chunk_rows: int = CHUNK_ROWS) -> Iterator[bytes]:
    """The ``<row>`` elements of the plan's frame, ``chunk_rows`` rows at a time."""
    frame = plan.frame
    texts = {
        name: _distinct_text(plan.texts[name], column)
        for name, column in zip(frame.columns, plan.columns, strict=True)
        if column.kind == "text"
    }
    for start in range(0, len(frame), chunk_rows):
        stop = min(start + chunk_rows, len(frame))
        numbers = np.arange(start, stop, dtype=np.int64) + plan.first_row
        row = pc.cast(pa.array(numbers), pa.string())
        parts: list = ['<row r="', row, '">']
        for name, column in zip(frame.columns, plan.columns, strict=True):
            if name in texts:
                cells = texts[name].take(start, stop)
                cells = cells.fill_null(_absent(column)) if column.style is not None else cells
            else:
                cells = _value_cells(frame[name].iloc[start:stop], column)
            if cells.null_count:  # no cell for a missing value: its reference goes too
                parts.append(_join(f'<c r="{column.letter}', row, cells).fill_null(""))
            else:
                parts += [f'<c r="{column.letter}', row, cells]
        yield _joined_bytes(_join(*parts, "</row>"))


_ROW_REF = re.compile(rb'(<row r="|<c r="[A-Z]+)([0-9]+)"')


def splice(sheet_xml: bytes, after_row: int, rows: int, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """``sheet_xml`` (written by openpyxl without the table's rows) with ``chunks`` inserted
    after row ``after_row`` and the rows below it (the legend) moved down by ``rows``."""
    start = sheet_xml.index(b'<row r="%d"' % after_row)
    cut = sheet_xml.index(b"</row>", start) + len(b"</row>")
    end = sheet_xml.index(b"</sheetData>", cut)
    yield sheet_xml[:cut]
    yield from chunks
    shift = lambda match: b'%s%d"' % (match[1], int(match[2]) + rows)  # noqa: E731
    yield _ROW_REF.sub(shift, sheet_xml[cut:end])
    yield sheet_xml[end:]
