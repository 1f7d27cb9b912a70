"""Stacked columns: each column of every file stacked and cleaned once (:func:`stack_pieces`,
:func:`clean_column`), its text cells built only when asked for, and amount columns converted
straight from the cells a file holds.

A ledger's amounts hardly repeat, so turning every amount cell into text (``str()`` of each
workbook number, or a pass of clean-up over every CSV cell) and then parsing the text was most
of the work of loading one. :func:`money_column` gives exactly what :func:`.cells.parse_money`
gives for the cells' text (:func:`.cells.as_text`), while the text is built only for the few
cells that need the full clean-up; :class:`Texts` builds an amount column's text only when a
reject shows it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jixiao.distinct import REPEAT_SAMPLE, REPEAT_SHARE, encode, spread

from .cells import _FAST_AMOUNT, Converted, as_text, parse_money
from .result import TEXT_DTYPE

_THOUSANDS = "去除千位分隔符"
_BLANK_AS_ZERO = "空白金额按 0 处理"
# Workbook numbers below this (13 integer digits, as for text amounts) whose shortest decimal
# form has at most two decimals are converted to fen without their text.
_FLOAT_LIMIT = 1e13


class Texts(Mapping):
    """Stacked columns by name → text cells (a ``str`` Series, NA where empty). A column kept as
    positions into its distinct values, or as a function building its text, is built only when
    asked for; :meth:`missing` answers without building it."""

    def __init__(self) -> None:
        self._ready: dict[str, pd.Series] = {}
        self._coded: dict[str, tuple[np.ndarray, pd.Series]] = {}
        self._lazy: dict[str, tuple[Callable[[], pd.Series], np.ndarray]] = {}
        self._names: list[str] = []
        self._missing: dict[str, np.ndarray] = {}

    def put(self, name: str, text: pd.Series) -> None:
        self._names.append(name)
        self._ready[name] = text

    def put_coded(self, name: str, positions: np.ndarray, distinct: pd.Series) -> None:
        self._names.append(name)
        self._coded[name] = (positions, distinct)

    def put_lazy(self, name: str, build: Callable[[], pd.Series], missing: np.ndarray) -> None:
        """A column whose text ``build()`` makes on request; ``missing``: where it is NA."""
        self._names.append(name)
        self._lazy[name] = (build, missing)

    def __getitem__(self, name: str) -> pd.Series:
        if name not in self._ready:
            if name in self._lazy:
                self._ready[name] = self._lazy[name][0]()
            else:
                positions, distinct = self._coded[name]
                self._ready[name] = spread(distinct, positions, pd.RangeIndex(len(positions)))
        return self._ready[name]

    def __contains__(self, name: object) -> bool:
        return name in self._ready or name in self._coded or name in self._lazy

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def missing(self, name: str) -> np.ndarray:
        """Where the column's cells are empty (bool per stacked row)."""
        if name in self._lazy:
            return self._lazy[name][1]
        if name not in self._missing:
            if name in self._coded:
                positions, distinct = self._coded[name]
                self._missing[name] = distinct.isna().to_numpy(dtype=bool)[positions]
            else:
                self._missing[name] = self[name].isna().to_numpy(dtype=bool)
        return self._missing[name]


# Each cell's exact type, in one numpy pass (pandas' Series.map is slower on a million cells).
_type_of = np.frompyfunc(type, 1, 1)


def money_column(cells: pd.Series, *, blank_is_zero: bool) -> tuple[Converted, np.ndarray]:
    """Stacked amount cells (CSV text, or workbook cells) → (``parse_money(as_text(cells))``,
    where that text is empty), labelled 0…n-1.

    CSV text that is a plain amount as it stands (the fast pattern of :func:`.cells.parse_money`,
    no spaces) is cast on the Arrow array at once, also where it is stacked beside workbook
    cells. A workbook number ``x`` is taken as
    ``rint(x * 100)`` fen when that, divided by 100, gives ``x`` back (and ``|x| < 10¹³``):
    ``x`` is then the double nearest a decimal with at most two decimals, whose text is exactly
    what ``str(x)`` prints, so the text route would cast that text and compute the same
    ``rint(x * 100)``. Every other cell (blank, spaced, full-width, 0.295, 1e-05, text, a
    boolean) goes through :func:`.cells.as_text` and :func:`.cells.parse_money` as before; both
    work cell by cell, so the parts put together are the whole column's result.
    """
    amounts = _Amounts(len(cells))
    arrow = getattr(cells.array, "_pa_array", None)
    everywhere = np.arange(len(cells))
    if isinstance(cells.dtype, pd.StringDtype) and isinstance(arrow, pa.ChunkedArray):
        amounts.from_text(arrow.combine_chunks(), everywhere)
    else:
        amounts.from_objects(cells.to_numpy(dtype=object), everywhere)
    rest = amounts.rest()
    return amounts.finish(cells.iloc[rest].set_axis(rest), rest, blank_is_zero)


def money_pieces(
    pieces: list[pd.Series], judged: list, blank_is_zero: bool
) -> tuple[Converted, np.ndarray, Callable[[], pd.Series]]:
    """:func:`money_column` of the stacked ``pieces`` (as :func:`stack_pieces` stacks them), and a
    function building the stack's text. Where CSV text meets workbook numbers the stack would
    be Python objects, every CSV cell one of them; here each piece is read as it is (text on
    its Arrow array, numbers as numbers) and only the cells needing the full clean-up are
    gathered: the same result, without the stack."""
    judged = judged or [None] * len(pieces)
    texts = [_arrow_text(piece, known) for piece, known in zip(pieces, judged, strict=True)]

    def stacked() -> pd.Series:
        return stack_pieces(pieces, judged)

    if all(t is not None for t in texts) or all(t is None for t in texts):  # no mix: one stack
        cells = stacked()
        cells = cells if isinstance(cells.dtype, pd.StringDtype) else cells.astype(object)
        converted, empty = money_column(cells, blank_is_zero=blank_is_zero)
        return converted, empty, lambda: as_text(cells)
    lengths = np.array([len(piece) for piece in pieces], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])

    def positions(which: list[int]) -> np.ndarray:
        return np.concatenate([np.arange(starts[k], starts[k] + lengths[k]) for k in which])

    in_text = [k for k, t in enumerate(texts) if t is not None]
    in_objects = [k for k, t in enumerate(texts) if t is None]
    amounts = _Amounts(int(lengths.sum()))
    text = pa.chunked_array([texts[k] for k in in_text], type=pa.large_string()).combine_chunks()
    text_at = positions(in_text)
    amounts.from_text(text, text_at)
    objects = np.concatenate([pieces[k].to_numpy(dtype=object) for k in in_objects])
    object_at = positions(in_objects)
    amounts.from_objects(objects, object_at)
    rest = amounts.rest()
    # The cells the full clean-up reads, as the stack of Python objects would hold them.
    cells = np.empty(amounts.n, dtype=object)
    text_rest = rest[amounts.is_text[rest]]
    where = np.searchsorted(text_at, text_rest)
    cells[text_rest] = text.take(pa.array(where)).to_numpy(zero_copy_only=False)
    object_rest = rest[~amounts.is_text[rest]]
    cells[object_rest] = objects[np.searchsorted(object_at, object_rest)]
    converted, empty = amounts.finish(
        pd.Series(cells[rest], index=rest, dtype=object), rest, blank_is_zero
    )
    return converted, empty, lambda: as_text(stacked().astype(object))


def _arrow_text(piece: pd.Series, known) -> pa.Array | None:
    """A piece's cells as Arrow text when it holds text only (a CSV's, or a workbook's column
    judged text while read), else None."""
    if known is not None and known[1] is not None:
        piece = known[1]
    arrow = getattr(piece.array, "_pa_array", None)
    if isinstance(piece.dtype, pd.StringDtype) and isinstance(arrow, pa.ChunkedArray):
        return arrow.combine_chunks().cast(pa.large_string())
    return None


class _Amounts:
    """Fen per stacked cell, filled in by the fast routes; the rest go through
    :func:`.cells.parse_money` (:meth:`finish`)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.fen = np.zeros(n, dtype=np.int64)
        self.done = np.zeros(n, dtype=bool)  # converted without text
        self.grouped = np.zeros(n, dtype=bool)
        self.empty = np.zeros(n, dtype=bool)  # known empty without text
        self.is_text = np.zeros(n, dtype=bool)

    def _plain_text(self, text: pa.Array, filled: np.ndarray) -> None:
        """Text cells (at ``filled``, none empty) that are a plain amount as they stand."""
        fast = pc.fill_null(pc.match_substring_regex(text, _FAST_AMOUNT), False)
        at = filled[fast.to_numpy(zero_copy_only=False)]
        plain = text.filter(fast)
        commas = pc.match_substring(plain, ",").to_numpy(zero_copy_only=False)
        digits = pc.replace_substring(plain, ",", "") if commas.any() else plain
        # ≤ 13 integer digits, ≤ 2 decimals: rint(x * 100) is the exact fen (see parse_money).
        self.fen[at] = np.rint(pc.cast(digits, pa.float64()).to_numpy(zero_copy_only=False) * 100)
        self.done[at] = True
        self.grouped[at] = commas

    def from_text(self, text: pa.Array, at: np.ndarray) -> None:
        """Arrow text cells at stacked positions ``at``."""
        text = pc.fill_null(text, "")
        empty = pc.equal(text, "").to_numpy(zero_copy_only=False)
        self.empty[at] = empty
        self.is_text[at] = True
        filled = np.flatnonzero(~empty)
        self._plain_text(
            text.take(pa.array(filled)) if len(filled) < len(text) else text, at[filled]
        )

    def from_objects(self, objects: np.ndarray, at: np.ndarray) -> None:
        """Workbook cells (Python objects; CSV text among them) at stacked positions ``at``."""
        empty = pd.isna(objects) | (objects == "")  # calamine's empty cell: ""
        self.empty[at] = empty
        types = _type_of(objects)
        number = np.equal(types, float).astype(bool)  # floats, not subclasses
        # Text cells beside the numbers (a CSV's, stacked with workbooks): as in a CSV column.
        texts = np.flatnonzero(np.equal(types, str).astype(bool) & ~empty)
        if len(texts):
            self._plain_text(pa.array(objects[texts], type=pa.large_string()), at[texts])
        local = np.flatnonzero(number)
        x = objects[local].astype(np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            cents = np.rint(x * 100)
            exact = (np.abs(x) < _FLOAT_LIMIT) & (cents / 100 == x)
        self.fen[at[local[exact]]] = cents[exact]
        self.done[at[local[exact]]] = True

    def rest(self) -> np.ndarray:
        return np.flatnonzero(~self.done & ~self.empty)

    def finish(
        self, rest_cells: pd.Series, rest: np.ndarray, blank_is_zero: bool
    ) -> tuple[Converted, np.ndarray]:
        """Parse the ``rest`` cells' text and put every cell's result together."""
        n, fen, empty = self.n, self.fen, self.empty
        index = pd.RangeIndex(n)
        text = as_text(rest_cells)
        slow = parse_money(text, blank_is_zero=False)
        empty[rest] = text.isna().to_numpy(dtype=bool)
        known = self.done.copy()
        known[rest] = slow.values.notna().to_numpy(dtype=bool)
        fen[rest] = slow.values.fillna(0).to_numpy(dtype=np.int64)
        if blank_is_zero:
            known |= empty  # fen is 0 there
        values = pd.Series(pd.arrays.IntegerArray(fen, ~known), index=index)
        bad = np.zeros(n, dtype=bool)
        bad[rest] = slow.bad.to_numpy(dtype=bool)
        reason: pd.Series | str = ""
        if bad.any():
            reason = pd.Series("", index=index, dtype="str")
            reason.iloc[rest] = slow.reason.to_numpy()
        # The order parse_money records its actions in: the full clean-up's, then thousands
        # separators (when only fast cells had them), then blank amounts.
        actions: dict[str, pd.Series] = {}
        for action, mask in slow.actions.items():
            spread_back = np.zeros(n, dtype=bool)
            spread_back[rest] = mask.to_numpy(dtype=bool)
            actions[action] = pd.Series(spread_back, index=index)
        if self.grouped.any():
            actions[_THOUSANDS] = pd.Series(
                self.grouped | actions[_THOUSANDS].to_numpy()
                if _THOUSANDS in actions
                else self.grouped,
                index=index,
            )
        if blank_is_zero:
            actions[_BLANK_AS_ZERO] = pd.Series(empty, index=index)
        return Converted(values, pd.Series(bad, index=index), reason, actions), empty


def take_converted(conv: Converted, keep: np.ndarray, index: pd.Index) -> Converted:
    """The rows ``keep`` (bool) of a column's conversion, labelled ``index``."""

    def rows(values: pd.Series) -> pd.Series:
        return pd.Series(values.array[keep], index=index)

    return Converted(
        rows(conv.values),
        rows(conv.bad),
        conv.reason if isinstance(conv.reason, str) else rows(conv.reason),
        {action: rows(mask) for action, mask in conv.actions.items()},
    )


# What pandas infers for cells without booleans (where 1 == True cannot merge two texts).
_NO_BOOLEANS = {"string", "floating", "integer", "mixed-integer-float", "decimal", "empty"}


def cells_as_text(cells: pd.Series) -> tuple[pd.Series, tuple[np.ndarray, pd.Series] | None]:
    """:func:`as_text` of workbook cells (numbers, text, dates, booleans), once per distinct cell
    where cells repeat (judged on a sample first, as :func:`jixiao.distinct.encode` does), and
    the positions into the distinct texts when every cell was converted that way.

    Distinct cells are told apart by Python equality, under which ``True == 1 == 1.0`` and
    ``False == 0 == -0.0`` while their texts differ: cells equal to 0, and cells equal to 1 in a
    column that may hold booleans, are converted one by one."""
    if len(cells) > 4 * REPEAT_SAMPLE:
        probe = cells.iloc[:: len(cells) // REPEAT_SAMPLE]
        probe = probe[(probe != "") & probe.notna()]
        if probe.nunique() > REPEAT_SHARE * len(probe):
            return as_text(cells), None
    positions, distinct = pd.factorize(cells, use_na_sentinel=True)
    if len(distinct) * 2 > len(cells):
        return as_text(cells), None
    values = distinct.to_numpy(dtype=object)
    numeric = np.fromiter(
        (not isinstance(v, str) and isinstance(v, (bool, int, float, np.number)) for v in values),
        dtype=bool,
        count=len(values),
    )
    zero = numeric & (values == 0)
    one = numeric & (values == 1)
    if one.any():
        # 1 stands for itself only where the column holds no booleans (a whole-column scan).
        filled = cells[(cells != "") & cells.notna()]
        if pd.api.types.infer_dtype(filled, skipna=True) in _NO_BOOLEANS:
            one[:] = False
    ambiguous = zero | one
    cleaned = as_text(pd.Series(np.append(values, None), dtype=object))
    positions = np.where(positions < 0, len(values), positions)
    one_by_one = np.append(ambiguous, False)[positions]  # the last position: empty cells
    if not one_by_one.any():
        return spread(cleaned, positions, cells.index), (positions, cleaned)
    text = spread(cleaned, positions, cells.index)
    text[one_by_one] = as_text(cells[one_by_one])
    return text, None


# What pandas infers for a workbook column holding text cells only (calamine's empty cell is "").
_TEXT_ONLY = ("string", "empty")


def _text_only(piece: pd.Series) -> bool:
    return piece.dtype != object or pd.api.types.infer_dtype(piece) in _TEXT_ONLY


def as_text_piece(piece: pd.Series) -> tuple[bool, pd.Series | None]:
    """Whether a workbook's column piece holds text cells only and, if so, the piece as text
    (what :func:`stack_pieces` uses beside a CSV's text): worked out per file as it is read."""
    if piece.dtype != object or not _text_only(piece):
        return piece.dtype != object, None
    return True, piece.astype(TEXT_DTYPE)


def stack_pieces(
    pieces: list[pd.Series], judged: list[tuple[bool, pd.Series | None] | None] | None = None
) -> pd.Series:
    """One column's cells of every file (a file lacking the column: its rows as ``None``), stacked.
    ``judged``: per piece, :func:`as_text_piece` of it where already worked out (else None)."""
    if len(pieces) == 1:
        return pieces[0].reset_index(drop=True)  # one file: its column as it is
    if not pieces:
        return pd.Series(dtype=object)
    if any(isinstance(piece.dtype, pd.StringDtype) for piece in pieces):
        # Beside a CSV's text, a workbook's column of text cells only (or a file without the
        # column) is taken as text too: the stack stays Arrow text, cleaned by Arrow's kernels,
        # instead of every CSV cell becoming a Python object. Both give as_text's result. A
        # workbook's column with numbers or dates makes the stack Python objects anyway, so
        # then no piece is converted to text first.
        judged = judged or [None] * len(pieces)
        text_only = [
            known[0] if known is not None else _text_only(piece)
            for piece, known in zip(pieces, judged, strict=True)
        ]
        if all(text_only):
            pieces = [
                known[1]
                if known is not None and known[1] is not None
                else (piece.astype(TEXT_DTYPE) if piece.dtype == object else piece)
                for piece, known in zip(pieces, judged, strict=True)
            ]
    return pd.concat(pieces, ignore_index=True)


def clean_money(pieces: list[pd.Series], judged, blank_is_zero: bool) -> tuple[str, tuple]:
    """One amount column's pieces → ("money", (converted amounts, where empty, a function
    building the text)); amounts hardly repeat: converted from the cells at once, their text
    built only for a reject. No cells: ("text", (empty text,)) as :func:`clean_column`."""
    if not sum(len(piece) for piece in pieces):
        return "text", (pd.Series(dtype=TEXT_DTYPE),)
    return "money", money_pieces(pieces, judged, blank_is_zero)


def clean_column(stacked: pd.Series) -> tuple[str, tuple]:
    """One stacked column → ("text", (text,)) or ("coded", (positions, distinct texts))."""
    if not len(stacked):
        return "text", (pd.Series(dtype=TEXT_DTYPE),)
    if isinstance(stacked.dtype, pd.StringDtype):
        # Text cells (a CSV): cleaned once per distinct value where they repeat, and the
        # positions kept for the conversions.
        coded = encode(stacked)
        if coded is None:
            return "text", (as_text(stacked),)
        positions, distinct = coded
        return "coded", (positions, as_text(distinct))
    text, coded = cells_as_text(stacked.astype(object))
    return ("text", (text,)) if coded is None else ("coded", coded)
