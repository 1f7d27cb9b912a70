"""Delimited text exports (CSV, tab-separated Unicode text): decoding and parsing into a
:class:`~jixiao.readers.RawGrid`, and :func:`read_grid`, which reads a workbook sheet or a
text export alike.

The bytes are decoded once (UTF-8 with or without BOM, GB18030, UTF-16) and parsed by pyarrow's
CSV reader with every column as text; title lines and lines of another width keep their row
numbers. An undecodable byte raises :class:`jixiao.errors.InputError` naming the file and line.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from jixiao.errors import InputError
from jixiao.readers import CSV_ENCODINGS, RawGrid, detect_format, read_sheet


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: a UTF-16 or UTF-8 byte-order mark decides; else the first encoding of
    :data:`CSV_ENCODINGS` that decodes strictly. Excel's "Unicode 文本" export is UTF-16 LE with
    a BOM."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    errors: list[UnicodeDecodeError] = []
    for encoding in CSV_ENCODINGS:
        if encoding == "utf-8-sig" and not data.startswith(b"\xef\xbb\xbf"):
            continue
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            errors.append(exc)
    furthest = max(errors, key=lambda e: e.start)
    raise furthest


def _line_of(data: bytes, error: UnicodeDecodeError) -> int:
    return data.count(b"\n", 0, error.start) + 1


def _decoded(data: bytes, path: Path) -> tuple[str, str]:
    """:func:`decode_bytes`, an undecodable byte an error naming the file and its line."""
    try:
        return decode_bytes(data)
    except UnicodeDecodeError as error:
        raise InputError(
            _undecodable_message(data, error), file=path.name, row=_line_of(data, error)
        ) from error


def _undecodable_message(data: bytes, error: UnicodeDecodeError) -> str:
    line = _line_of(data, error)
    bad = data[error.start : error.start + 4].hex(" ").upper()
    return (
        f"CSV 文件第 {line} 行有无法解码的字节（{bad}），既不是 UTF-8 也不是 GBK/GB18030："
        "文件可能被截断、混入了其他编码的内容或不是文本文件；请用导出软件重新导出，"
        "或在 Excel 中打开后另存为「CSV UTF-8」"
    )


def _sniff_delimiter(text: str) -> str:
    head = text[:_HEAD]
    sample = (head if len(head) == len(text) or head.count("\n") > 31 else text).splitlines()[:30]
    tabs = sum(line.count("\t") for line in sample)
    commas = sum(line.count(",") for line in sample)
    return "\t" if tabs > commas else ","


def _head_records(head: str, complete: bool, delimiter: str, records: int) -> list[list[str]]:
    """The first ``records`` records (quotes respected) of a file beginning with ``head``
    (``complete``: the whole file); a record cut off by the end of ``head`` is left out."""
    rows = list(
        itertools.islice(
            csv.reader(io.StringIO(head, newline=""), delimiter=delimiter), records + 1
        )
    )
    return rows[:records] if complete or len(rows) > records else rows[:-1]


def _quotes_span_lines(source: bytes) -> bool:
    """Whether a quoted field may hold a line break: some stretch between line breaks (CR or LF)
    has an odd number of quote characters. Counted on the bytes (a quote, CR or LF is never part
    of a multi-byte character in UTF-8 or GB18030), with numpy.

    Equivalently: the number of quotes is odd, or a line break lies between a quote and the next
    one (the 1st and 2nd, 3rd and 4th, …). Quoted stretches are short in a ledger, so their bytes
    are looked at directly; only where they are long are the file's line breaks located."""
    if source.find(b'"') < 0:
        return False
    raw = np.frombuffer(source, dtype=np.uint8)
    quotes = np.flatnonzero(raw == ord('"'))
    if len(quotes) % 2:
        return True
    opens, closes = quotes[0::2] + 1, quotes[1::2]
    lengths = closes - opens
    inside = int(lengths.sum())
    if inside <= len(raw) // 8:
        starts = np.repeat(opens - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        between = raw[starts + np.arange(inside)]
        return bool(((between == ord("\n")) | (between == ord("\r"))).any())
    breaks = np.flatnonzero((raw == ord("\n")) | (raw == ord("\r")))
    return bool((np.searchsorted(breaks, opens) != np.searchsorted(breaks, closes)).any())


def _arrow_records(
    source: bytes, encoding: str, delimiter: str, width: int, threads: bool
) -> tuple[pa.Table, list[tuple[int | None, str]]]:
    """pyarrow's parse at ``width`` fields, and the (record number, text) of the records of
    another width, which it leaves out (numbers are known only without threads). pyarrow's
    slower mode for line breaks inside quoted fields is used only where a file may have them."""
    odd: list[tuple[int | None, str]] = []

    def other_width(row) -> str:
        odd.append((row.number, row.text))
        return "skip"

    names = [str(j) for j in range(width)]
    table = pacsv.read_csv(
        io.BytesIO(source),
        read_options=pacsv.ReadOptions(column_names=names, use_threads=threads, encoding=encoding),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter,
            newlines_in_values=_quotes_span_lines(source),
            ignore_empty_lines=False,
            invalid_row_handler=other_width,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.large_string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return table, odd


def _parse_text_table(
    source: bytes, encoding: str, head: str, complete: bool, delimiter: str
) -> pd.DataFrame:
    """Every record of the file as a row of text cells (``""`` when empty, one row per record,
    blank lines kept so that row numbers stay the file's record numbers).

    pyarrow's CSV reader parses the bulk at the width most records have; the few records of
    another width (title lines above the header, a short or long line) are handed to a callback
    and parsed again with :mod:`csv`, then put back in their places. ``source`` is in
    ``encoding`` (pyarrow decodes it strictly as it reads); ``head`` is its beginning as text.

    The parse runs on threads first: records of another width then come without their numbers,
    so they are placed from the head when they are exactly the head's odd records (title lines);
    otherwise the file is parsed again on one thread, which numbers them.
    """
    head_rows = _head_records(head, complete, delimiter, 200)
    counts = [max(1, len(row)) for row in head_rows] or [1]
    width = max(Counter(counts).most_common(), key=lambda wc: (wc[1], wc[0]))[0]
    # A blank line is a row of empty cells to pyarrow, never a record of another width.
    expected = [(i + 1, row) for i, row in enumerate(head_rows) if row and len(row) != width]
    table, reported = _arrow_records(source, encoding, delimiter, width, threads=True)

    def fields(raw: str) -> list[str]:
        return next(csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter), [])

    rows_reported = sorted(fields(raw) for _, raw in reported)
    if rows_reported == sorted(row for _, row in expected):
        odd = expected
    else:
        table, reported = _arrow_records(source, encoding, delimiter, width, threads=False)
        odd = sorted((number, fields(raw)) for number, raw in reported)
    columns = [table.column(j) for j in range(width)]
    if odd:
        rows = [row for _, row in odd]
        wide = max(width, max(len(r) for r in rows))
        if wide > width:
            blank = pc.fill_null(pa.nulls(table.num_rows, pa.large_string()), "")
            columns += [pa.chunked_array([blank])] * (wide - width)
        # Each column as chunks, without copying: the runs of regular records with the other
        # records put back between them at their record numbers.
        pieces: list[tuple[str, int, int]] = []
        start = 0
        for k, (number, _) in enumerate(odd):
            end = number - 1 - k
            if end > start:
                pieces.append(("table", start, end - start))
            pieces.append(("odd", k, 1))
            start = end
        if start < table.num_rows:
            pieces.append(("table", start, table.num_rows - start))
        assembled = []
        for j, column in enumerate(columns):
            extra = pa.array([r[j] if j < len(r) else "" for r in rows], type=pa.large_string())
            chunks = [
                chunk
                for kind, at, length in pieces
                for chunk in (
                    column.slice(at, length).chunks
                    if kind == "table"
                    else [extra.slice(at, length)]
                )
            ]
            joined = pa.chunked_array(chunks, type=pa.large_string())
            assembled.append(joined if len(chunks) <= 64 else joined.combine_chunks())
        columns = assembled
    # Columns with no text at all (trailing delimiters) are left out; the first always stays.
    kept = [column for j, column in enumerate(columns) if j < 1 or _has_text(column)]
    names = [str(j) for j in range(len(kept))]
    cells = pa.table(kept, names=names).to_pandas(types_mapper=_as_text_dtype)
    cells.columns = range(len(kept))
    return cells


def _as_text_dtype(arrow_type: pa.DataType) -> pd.StringDtype | None:
    """pandas' text dtype (``"str"``) for Arrow text, as ``pd.array(…, dtype="str")`` gives."""
    if pa.types.is_large_string(arrow_type) or pa.types.is_string(arrow_type):
        return pd.StringDtype("pyarrow", na_value=np.nan)
    return None


_HEAD = 1 << 16  # characters looked at for the delimiter and the usual number of fields


def _gb18030_head(data: bytes) -> str | None:
    """The beginning of a file that :func:`decode_bytes` would read as GB18030 (no byte-order
    mark, not UTF-8), decoded; None when it is not such a file or its beginning does not decode
    (the whole file is then decoded at once, for the exact error)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return None
    try:
        # A GB18030 file fails at its first Chinese character, in its first lines.
        codecs.getincrementaldecoder("utf-8")().decode(data[: 2 * _HEAD], final=False)
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return None
    try:
        return codecs.getincrementaldecoder("gb18030")().decode(data[: 2 * _HEAD], final=False)
    except UnicodeDecodeError:
        return None


def read_csv(path: Path) -> RawGrid:
    """Read a CSV export as text cells; encoding and delimiter are detected and reported."""
    path = Path(path)
    data = path.read_bytes()
    head = _gb18030_head(data)
    if head is not None and len(data) > 2 * _HEAD and not head.isspace() and head.count("\n") > 31:
        # A GB18030 export: pyarrow decodes it (strictly) while parsing, so the file is never
        # held as one Python string; a byte it cannot decode is reported as decode_bytes does.
        delimiter = _sniff_delimiter(head)
        try:
            cells = _parse_text_table(data, "gb18030", head, False, delimiter)
        except (UnicodeDecodeError, pa.ArrowInvalid) as exc:
            _decoded(data, path)  # an undecodable byte is named by its line
            raise InputError(f"CSV 文件无法解析（{exc}）", file=path.name) from exc
        return _csv_grid(path, cells, "gb18030", delimiter)
    text, encoding = _decoded(data, path)
    if not text or text.isspace():
        raise InputError("文件中没有任何内容", file=path.name)
    delimiter = _sniff_delimiter(text)
    # Decoded once (the encoding is checked strictly above), then parsed as UTF-8 bytes: the
    # file's own bytes when it is UTF-8 already.
    if encoding == "utf-8":
        utf8 = data
    elif encoding == "utf-8-sig":
        utf8 = data[3:]
    else:
        utf8 = text.encode("utf-8")
    head = text[:_HEAD]
    cells = _parse_text_table(utf8, "utf8", head, len(head) == len(text), delimiter)
    return _csv_grid(path, cells, encoding, delimiter)


def _has_text(column: pa.ChunkedArray) -> bool:
    """Whether a column of text cells has a cell other than ``""`` (the longest cell's length,
    not a comparison of every cell)."""
    if column.null_count:  # never from the parse (no cell is null); a missing cell is not ""
        return True
    return (pc.max(pc.binary_length(column)).as_py() or 0) > 0


def _csv_grid(path: Path, cells: pd.DataFrame, encoding: str, delimiter: str) -> RawGrid:
    return RawGrid(file=path.name, sheet=None, cells=cells, encoding=encoding, delimiter=delimiter)


def read_grid(path: Path, sheet: str | None) -> RawGrid:
    """Read a sheet of a workbook, or a CSV file (where ``sheet`` does not apply)."""
    path = Path(path)
    fmt = detect_format(path)
    if fmt == "csv":
        return read_csv(path)
    return read_sheet(path, sheet)


def read_settings_csv(path: Path) -> pd.DataFrame:
    """An editable table the evaluator keeps as CSV (recommendations, scope rules, crosswalk):
    header on the first line, every cell as text. UTF-8 (with or without BOM), GBK/GB18030 — what
    Excel on Chinese Windows saves as「CSV（逗号分隔）」— and UTF-16 are read alike; a byte none
    of them decodes is an error naming the file and line."""
    path = Path(path)
    data = path.read_bytes()
    text, _ = _decoded(data, path)
    return pd.read_csv(io.StringIO(text), dtype="str", keep_default_na=False)
