"""The leak scan's reading of a column: each distinct text once, and only rows that can hold a hit.

A ledger repeats its units, accounts, 摘要, dates and source files over a million lines. The
scan's pre-filters (:mod:`jixiao.scan_prefilter`) and exact patterns are functions of one cell's
text, so they run on each distinct text of a column once and their verdict goes back to every
row holding that text. Columns whose text cannot hold a hit are not turned into text at all:

- an integer of absolute value below 10¹⁰ is written with at most 10 digits, and a mobile needs
  11, an ID number 18; only the larger ones are written out and scanned;
- a date-time or a boolean is written with digits, ``-:. +T`` or the letters of True / False; a
  cell can only be a name candidate when it holds a name's first two characters, so unless one of
  the scan's names begins with two such characters, none of these cells can hit.

When a name does begin that way, the column is read as text in full, as before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .scan_prefilter import name_candidates, number_candidates

# The characters pandas writes an integer, a date-time (naive or with an offset) or a bool with.
INTEGER_CHARS = frozenset("-0123456789")
DATETIME_CHARS = frozenset("0123456789-:. +TZ")
BOOL_CHARS = frozenset("TrueFals")
# An integer needs 11 digits to hold a mobile; 10¹⁰ is exact in float64 and rounding is monotone,
# so comparing the float64 of an integer with it decides exactly.
SMALLEST_CANDIDATE_INTEGER = 1e10
_PREFIX_CHARS = 2  # as in scan_prefilter: a name is a candidate only with its first two characters


@dataclass(frozen=True)
class ColumnText:
    """The distinct texts of a column's scanned rows and, per scanned row, which one it holds."""

    distinct: pa.Array  # large_string, each text once
    codes: np.ndarray  # per scanned row, the position of its text in ``distinct``
    rows: np.ndarray | None  # positions of the scanned rows in the column; None: every row

    def rows_holding(self, texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions in the column, text position) of the rows holding one of ``texts``, in order."""
        scanned = np.flatnonzero(np.isin(self.codes, texts))
        positions = scanned if self.rows is None else self.rows[scanned]
        return positions, self.codes[scanned]


def arrow_text(cells: pd.Series) -> pa.Array:
    """A column's cells as Arrow strings ("" for missing), the way the exact pass reads them."""
    if isinstance(cells.dtype, pd.StringDtype) or pd.api.types.is_integer_dtype(cells.dtype):
        try:  # Arrow-backed or integer: cast in Arrow, no Python object per cell
            text = pa.array(cells, from_pandas=True).cast(pa.large_string()).fill_null("")
            return text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, TypeError):
            pass
    text = cells.astype("string").fillna("")
    return pa.array(text.to_numpy(dtype=object), type=pa.large_string())


def _none() -> ColumnText:
    empty = np.zeros(0, dtype=np.int64)
    return ColumnText(pa.array([], type=pa.large_string()), empty, empty)


def _encoded(cells: pd.Series, rows: np.ndarray | None) -> ColumnText:
    coded = pc.dictionary_encode(arrow_text(cells))
    codes = coded.indices.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    return ColumnText(coded.dictionary.cast(pa.large_string()), codes, rows)


def _a_name_begins_with(chars: frozenset, names) -> bool:
    return any(set(n[:_PREFIX_CHARS]) <= chars for n in names if len(n) >= _PREFIX_CHARS)


def column_text(cells: pd.Series, names) -> ColumnText:
    """What of ``cells`` the scan reads (see the module notes); ``names`` are the scan's names."""
    dtype = cells.dtype
    if isinstance(dtype, pd.StringDtype):
        return _encoded(cells, None)
    if pd.api.types.is_bool_dtype(dtype) and not _a_name_begins_with(BOOL_CHARS, names):
        return _none()
    if pd.api.types.is_datetime64_any_dtype(dtype) and not _a_name_begins_with(
        DATETIME_CHARS, names
    ):
        return _none()
    if pd.api.types.is_integer_dtype(dtype) and not _a_name_begins_with(INTEGER_CHARS, names):
        values = np.abs(cells.to_numpy(dtype="float64", na_value=np.nan))
        rows = np.flatnonzero(values >= SMALLEST_CANDIDATE_INTEGER)
        return _encoded(cells.iloc[rows], rows) if rows.size else _none()
    return _encoded(cells, None)


def candidate_kinds(texts: list[pa.Array], names) -> list[np.ndarray]:
    """For each text of each column: 0 no hit possible, 1 maybe a number, 2 maybe a name too —
    one vectorised pass over the distinct texts of all the columns together."""
    if not texts:
        return []
    cells = pa.chunked_array(texts, type=pa.large_string())
    kind = number_candidates(cells).astype(np.int8)
    kind[name_candidates(cells, list(names))] = 2
    bounds = np.cumsum([0, *(len(t) for t in texts)])
    return [kind[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
