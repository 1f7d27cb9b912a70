"""Work once per distinct value: ledgers repeat their units, codes, dates and 摘要 over many lines.

A function of a column (a text clean-up, a lookup, a keyword match) is applied to the column's
distinct values and spread back to the lines by position. Text results are spread with Arrow's
``take`` into an Arrow-backed ``str`` column, never through one Python object per line.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# A column whose sample is nearly all distinct values (amounts, ids) is worked on directly:
# hashing a million distinct amounts costs more than the work it would save. Anything that
# repeats (units, codes, dates, 摘要, voucher numbers restarting every month) is encoded.
REPEAT_SAMPLE = 10_000
REPEAT_SHARE = 0.9


def spread_text(positions: np.ndarray, texts, index=None) -> pd.Series:
    """``texts[positions]`` as a ``str`` Series; a negative position (a missing value) gives NA."""
    positions = np.asarray(positions, dtype=np.int64)
    dictionary = _arrow_dictionary(texts)
    if len(dictionary) == 1 and len(positions) and positions.min() >= 0:
        taken = pa.repeat(dictionary[0], len(positions))  # one file: no gather
    else:
        taken = dictionary.take(pa.array(positions, mask=positions < 0))
    return pd.Series(pd.array(taken, dtype="str"), index=index)


def _arrow_dictionary(texts) -> pa.Array:
    arrow = getattr(getattr(texts, "array", texts), "_pa_array", None)
    if isinstance(arrow, pa.ChunkedArray) and pa.types.is_string(arrow.type):
        return arrow.combine_chunks().cast(pa.large_string())  # Arrow text already: no objects
    if isinstance(arrow, pa.ChunkedArray) and pa.types.is_large_string(arrow.type):
        return arrow.combine_chunks()
    # from_pandas: None, NaN and pd.NA are all missing
    return pa.array(np.asarray(texts, dtype=object), type=pa.large_string(), from_pandas=True)


def text_in(values, value_set) -> np.ndarray:
    """``values.isin(value_set)`` for text (item ids, keys), as a bool array, on Arrow: pandas'
    ``isin`` of Arrow text turns the whole value set into Python objects (seconds for a few
    hundred thousand ids). A missing value is in the set only when the set has a missing value."""
    found = pc.is_in(_arrow_dictionary(values), value_set=_arrow_dictionary(value_set))
    return found.to_numpy(zero_copy_only=False).astype(bool)


def per_distinct(values: pd.Series, fn, *, missing=None, dtype="str") -> pd.Series:
    """``fn`` (a vectorised function of a Series) applied to each distinct value of ``values``
    once and spread back by position; missing values give ``missing`` (NA for text)."""
    if isinstance(values.dtype, pd.CategoricalDtype):  # coded once already: reuse the codes
        positions = values.cat.codes.to_numpy().astype(np.int64)
        distinct = values.cat.categories
    else:
        positions, distinct = pd.factorize(values, use_na_sentinel=True)
    done = fn(pd.Series(distinct))
    if dtype == "str" and missing is None:
        return spread_text(positions, done.astype("object").to_numpy(), index=values.index)
    spread = np.full(len(positions), missing, dtype=object)
    known = positions >= 0
    spread[known] = done.to_numpy(dtype=object)[positions[known]]
    return pd.Series(spread, index=values.index, dtype=dtype)


def encode(values: pd.Series, *, always: bool = False) -> tuple[np.ndarray, pd.Series] | None:
    """``(positions, distinct)`` with ``values`` equal to ``distinct.take(positions)`` (a missing
    value is a distinct value of its own), or None when the values hardly repeat (judged on an
    evenly spaced sample; ``always`` encodes anyway)."""
    n = len(values)
    if not always and n > 4 * REPEAT_SAMPLE:
        probe = values.iloc[:: n // REPEAT_SAMPLE].dropna()
        probe = probe[probe != ""]  # empty cells repeat, but say nothing about the rest
        if probe.nunique() > REPEAT_SHARE * len(probe):
            return None
    arrow = getattr(values.array, "_pa_array", None)
    if isinstance(arrow, pa.ChunkedArray) and isinstance(values.dtype, pd.StringDtype) and n:
        arrow = arrow.combine_chunks()
        if arrow.null_count == n or (
            not arrow.null_count and pc.all(pc.equal(arrow, arrow[0])).as_py()
        ):
            # One value on every line (a column left empty, one preparer): no hashing.
            positions = np.zeros(n, dtype=np.int64)
            distinct = pd.Series(pd.array(arrow[:1], dtype=values.dtype))
            return positions, distinct
        # Arrow-backed text: Arrow's own hash table, one dictionary for all chunks.
        coded = pc.dictionary_encode(arrow)
        positions = pc.fill_null(coded.indices, -1).to_numpy(zero_copy_only=False)
        positions = positions.astype(np.int64, copy=False)
        distinct = pd.Series(pd.array(coded.dictionary, dtype=values.dtype))
    else:
        positions, distinct = pd.factorize(values, use_na_sentinel=True)
        distinct = pd.Series(distinct, dtype=values.dtype)
    missing = positions < 0
    if missing.any():
        positions = np.where(missing, len(distinct), positions)
        distinct = pd.concat([distinct, pd.Series([None], dtype=values.dtype)], ignore_index=True)
    return positions, distinct


def spread(done: pd.Series, positions: np.ndarray, index) -> pd.Series:
    """The per-distinct results ``done`` (a Series or a frame) back on every line, by position."""
    if isinstance(done, pd.DataFrame):
        return pd.DataFrame(
            {c: spread(done[c], positions, index) for c in done.columns}, index=index
        )
    arrow = getattr(done.array, "_pa_array", None)
    if arrow is not None and len(done) == 1 and isinstance(done.dtype, pd.StringDtype):
        # one text everywhere (a column left empty, one preparer): repeated, not gathered
        repeated = pa.repeat(arrow[0], len(positions))
        return pd.Series(pd.array(repeated, dtype=done.dtype), index=index, name=done.name)
    return pd.Series(done.array.take(positions), index=index, name=done.name)


def spread_mask(done: pd.Series, positions: np.ndarray, index) -> pd.Series:
    """A per-distinct boolean back on every line."""
    return pd.Series(np.asarray(done, dtype=bool)[positions], index=index)
