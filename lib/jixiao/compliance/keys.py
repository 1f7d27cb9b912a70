"""Integer codes for the ledger's text keys, worked out once per run, and text built in one pass.

A ledger repeats its units, account codes, voucher references, payees and 摘要 over many lines.
:func:`code_keys` turns those columns into categoricals once (categories in text order, so a
sort by code is a sort by text); filters then copy small integer codes instead of strings, and
every group-by, sort, merge and duplicate test works on the codes. Text comes back only for the
lines a check flags (:func:`text_of`), and a flag's sentence is joined in one Arrow pass
(:func:`join_text`) rather than one intermediate column per ``+``.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jixiao.concurrency import side_by_side
from jixiao.distinct import spread_text

# Text columns of the canonical ledger that the checks group, sort, filter or match on.
KEY_COLUMNS = (
    "unit",
    "voucher_type",
    "voucher",
    "summary",
    "account_code",
    "account_key",
    "account_name",
    "project",
    "counterparty",
    "source_file",
    "source_sheet",
    "community",
)


def is_coded(values: pd.Series) -> bool:
    return isinstance(values.dtype, pd.CategoricalDtype)


def code_keys(frame: pd.DataFrame, columns=KEY_COLUMNS) -> pd.DataFrame:
    """``frame`` with its text key columns as categoricals (columns already coded are kept)."""
    names = [
        c
        for c in columns
        if c in frame.columns and not is_coded(frame[c]) and frame[c].dtype == "str"
    ]
    # Each column is hashed by Arrow (no GIL held): the columns are coded side by side.
    coded = side_by_side(*(partial(frame[c].astype, "category") for c in names))
    return frame.assign(**dict(zip(names, coded, strict=True))) if names else frame


def text_of(values: pd.Series) -> pd.Series:
    """A column as ``str`` text (missing stays NA); a coded column is spread from its categories
    with Arrow's ``take``, without one Python object per line."""
    if is_coded(values):
        categories = values.cat.categories
        if categories.dtype != "str":
            categories = categories.astype("str")
        return spread_text(values.cat.codes.to_numpy(), categories, index=values.index)
    return values.astype("str")


def blank_text(values: pd.Series) -> pd.Series:
    """True where a text cell is missing or whitespace only (once per category when coded)."""
    if is_coded(values):
        empty = np.asarray(values.cat.categories.astype("str").str.strip() == "", dtype=bool)
        # A missing value (code -1) takes the appended True.
        return pd.Series(np.append(empty, True)[values.cat.codes.to_numpy()], index=values.index)
    return values.isna() | (values.astype("str").str.strip() == "")


def _arrow_text(part) -> pa.Array | pa.ChunkedArray | pa.Scalar:
    if isinstance(part, str):
        return pa.scalar(part, type=pa.large_string())
    if isinstance(part, pd.Series):
        part = text_of(part).array
    elif not isinstance(part, pd.api.extensions.ExtensionArray):
        part = pd.array(np.asarray(part, dtype=object), dtype="str")
    elif part.dtype != "str":
        part = pd.array(part, dtype="str")
    arrow = part.__arrow_array__()
    return arrow.cast(pa.large_string()) if arrow.type != pa.large_string() else arrow


def join_text(*parts, index=None) -> pd.Series:
    """The parts (Series or arrays taken by position, or plain strings) joined line by line, in
    one Arrow pass; a missing part makes the line missing, as ``+`` does."""
    arrays = [_arrow_text(p) for p in parts]
    joined = pc.binary_join_element_wise(*arrays, pa.scalar("", type=pa.large_string()))
    if isinstance(joined, pa.Scalar):  # only plain strings were given
        joined = pa.array(
            [joined.as_py()] * (0 if index is None else len(index)), pa.large_string()
        )
    return pd.Series(pd.array(joined, dtype="str"), index=index)


def sort_order(*keys) -> np.ndarray:
    """The stable order of rows by integer keys, most significant first (like ``np.lexsort`` of
    the reversed keys). Adjacent keys whose ranges multiply within 62 bits are merged into one
    key first, so the sort makes fewer passes."""
    merged: list[np.ndarray] = []
    current, span = None, 1
    for key in keys:
        key = np.asarray(key, dtype=np.int64)
        key = key - key.min(initial=0)
        width = int(key.max(initial=0)) + 1
        if current is not None and span * width < 1 << 62:
            current, span = current * width + key, span * width
        else:
            if current is not None:
                merged.append(current)
            current, span = key, width
    merged.append(current)
    return np.lexsort(merged[::-1])


def _small_codes(key, missing_is_value: bool) -> np.ndarray:
    """Non-negative integer codes of one key column (-1 for a missing value unless it counts
    as a value): a coded column's own codes, an integer column's offsets from its smallest
    value, anything else factorised (dates and text have few distinct values per ledger)."""
    values = key if isinstance(key, pd.Series) else pd.Series(key)
    if is_coded(values):
        codes = values.cat.codes.to_numpy().astype(np.int64)
    elif pd.api.types.is_integer_dtype(values.dtype):
        known = values.notna().to_numpy()
        numbers = values.to_numpy(dtype=np.int64, na_value=0)
        low = int(numbers[known].min()) if known.any() else 0
        codes = np.where(known, numbers - low, -1)
    else:
        codes = np.asarray(pd.factorize(values, use_na_sentinel=True)[0], dtype=np.int64)
    if missing_is_value:
        codes = codes + 1  # the missing value becomes code 0
    return codes


def combined_key(*keys, missing_is_value: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """One integer per row standing for its values of several key columns (coded, numeric,
    dates or text), equal exactly when all the keys are equal, and where any key is missing
    (unless, with ``missing_is_value``, a missing key is one more value).

    Each column's small integer codes are combined arithmetically while their ranges fit 62
    bits, so the rows are hashed at most once rather than once per column."""
    codes = [_small_codes(key, missing_is_value) for key in keys]
    missing = np.zeros(len(codes[0]), dtype=bool)
    for column in codes:
        missing |= column < 0
    combined, span = None, 1
    for column in codes:
        column = np.maximum(column, 0)
        width = int(column.max(initial=0)) + 1
        if combined is None:
            combined, span = column, width
        elif span * width < 1 << 62:
            combined, span = combined * width + column, span * width
        else:  # too wide: number what we have so far densely, then go on
            combined = np.asarray(pd.factorize(combined)[0], dtype=np.int64)
            span = int(combined.max(initial=0)) + 1
            combined, span = combined * width + column, span * width
    return combined, missing


def group_ids(*keys, missing_is_value: bool = False) -> np.ndarray:
    """Dense group numbers, in order of first appearance, for rows by several key columns
    (see :func:`combined_key`); -1 where any key is missing, as a group-by drops such rows
    (or, with ``missing_is_value``, a missing key is one more value, as ``dropna=False``)."""
    if not keys:
        return np.zeros(0, dtype=np.int64)
    combined, missing = combined_key(*keys, missing_is_value=missing_is_value)
    ids = np.asarray(pd.factorize(combined)[0], dtype=np.int64)
    return np.where(missing, -1, ids) if missing.any() else ids


def group_totals(key: np.ndarray, amounts, members) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each row, over the rows with the same ``key``: the exact sum of ``amounts``, how many
    rows there are, and whether they hold more than one distinct ``members`` value (vouchers).

    Rows are grouped by sorting the keys: sums and the member test then run over consecutive
    slices, which stays fast on millions of rows where a hash table misses the cache on
    nearly every row."""
    n = len(key)
    if not n:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=bool)
    order = np.argsort(key)
    sorted_key = key[order]
    new = np.r_[True, sorted_key[1:] != sorted_key[:-1]]
    starts = np.flatnonzero(new)
    group = np.empty(n, dtype=np.int64)
    group[order] = np.cumsum(new) - 1
    ordered = np.asarray(members, dtype=np.int64)[order]
    several = np.minimum.reduceat(ordered, starts) != np.maximum.reduceat(ordered, starts)
    total = np.add.reduceat(np.asarray(amounts, dtype=np.int64)[order], starts)
    count = np.diff(np.r_[starts, n])
    return total[group], count[group], several[group]


def order_codes(values: pd.Series) -> np.ndarray:
    """Integer codes that sort like the text (missing last)."""
    if is_coded(values):
        codes = values.cat.codes.to_numpy().astype(np.int64)
        if values.cat.ordered or values.cat.categories.is_monotonic_increasing:
            return np.where(codes < 0, len(values.cat.categories), codes)
        values = text_of(values)
    codes, _ = pd.factorize(values, sort=True, use_na_sentinel=True)
    return np.where(codes < 0, codes.max(initial=-1) + 1, codes)


def coalesced_codes(
    frame: pd.DataFrame, primary: str, fallback: str
) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """Each line's ``primary`` text, or its ``fallback`` text where ``primary`` is blank (the
    往来单位, else the 摘要), as codes into ``names`` — the same text from either column is the
    same code — and whether ``primary`` was filled. A line with neither has the code of the
    appended empty name."""
    coded = code_keys(frame, (primary, fallback))
    columns = [
        coded[c] if c in coded.columns else pd.Series(pd.NA, index=frame.index, dtype="category")
        for c in (primary, fallback)
    ]
    texts = [c.cat.categories.astype("str").to_numpy(dtype=object) for c in columns]
    joint, names = pd.factorize(np.concatenate(texts))
    names = pd.Series(np.append(names.astype(object), ""), dtype="str")
    empty = len(names) - 1
    first_code, second_code = (c.cat.codes.to_numpy() for c in columns)
    from_first = np.append(joint[: len(texts[0])], empty)[first_code]
    from_second = np.append(joint[len(texts[0]) :], empty)[second_code]
    filled = ~blank_text(columns[0]).to_numpy(dtype=bool)
    return np.where(filled, from_first, from_second), filled, names
