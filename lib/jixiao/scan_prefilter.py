"""Vectorised pre-filters of the personal-data scan: which cells may hold a number or a name.

The scan's exact patterns run in Python's ``re`` (look-arounds, Unicode digits, a long
alternative of the respondents' names), which is slow per cell; run over every cell of a run's
outputs (hundreds of thousands of lines) it would dominate the run. These filters are
supersets of those patterns, computed over all cells at once in Arrow and numpy, so the exact
pass only sees the few cells that can match.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# A run shaped like an 18-digit ID or a mobile in 3-4-4 groups, without the exact pattern's
# look-arounds (RE2 has none): every exact match contains one.
# Digits as the exact pattern's ``\d`` meets them in practice: ASCII and full-width.
_DIGIT = "[0-9\uff10-\uff19]"
NUMBER_SHAPE = (
    f"{_DIGIT}{{17}}[0-9\uff10-\uff19Xx]|1[3-9]{_DIGIT}[- ]?{_DIGIT}{{4}}[- ]?{_DIGIT}{{4}}"
)
_PREFIX_CHARS = 2  # a name is searched for only when it has at least two characters


def number_candidates(cells: pa.ChunkedArray) -> np.ndarray:
    """Cells holding a run shaped like a phone or ID number (every such run has 11 digits or more,
    so no separate digit count is needed; RE2 matches the shape in one pass, where counting
    digits with a regex took ten times as long)."""
    return pc.match_substring_regex(cells, NUMBER_SHAPE).to_numpy(zero_copy_only=False)


def name_prefix_pattern(names: list[str]) -> str | None:
    """The prefixes :func:`name_candidates` looks for, as one RE2 alternation (None without
    any): to be searched together with other shapes in a single pass over a long text."""
    prefixes = sorted({n[:_PREFIX_CHARS] for n in names if len(n) >= _PREFIX_CHARS})
    return "|".join("".join(map(_literal, p)) for p in prefixes) or None


def _literal(char: str) -> str:
    """One character as an RE2 literal (ASCII punctuation and spaces by their code)."""
    return char if not char.isascii() or char.isalnum() else f"\\x{ord(char):02x}"


def _window_keys(data: np.ndarray, starts: np.ndarray, width: int) -> np.ndarray:
    """The ``width`` bytes from each of ``starts``, packed into one integer each."""
    keys = np.zeros(len(starts), dtype=np.uint64)
    for k in range(width):
        keys |= data[starts + k].astype(np.uint64) << np.uint64(8 * k)
    return keys


def _among(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """``np.isin(keys, wanted)`` by binary search in the few wanted keys: no sort of the many."""
    wanted = np.unique(wanted)
    at = np.minimum(np.searchsorted(wanted, keys), len(wanted) - 1)
    return wanted[at] == keys


def name_candidates(cells: pa.ChunkedArray, names: list[str]) -> np.ndarray:
    """Cells holding the first two characters of one of ``names`` (as UTF-8 bytes, in a row).

    Every cell that contains a name contains its first two characters, so this is a superset;
    two characters of a name in a row are rare enough in other text to leave few cells.
    """
    flags = np.zeros(len(cells), dtype=bool)
    prefixes = {n[:_PREFIX_CHARS].encode("utf-8") for n in names if len(n) >= _PREFIX_CHARS}
    if not prefixes or len(cells) == 0:
        return flags
    array = cells.combine_chunks() if isinstance(cells, pa.ChunkedArray) else cells
    array = pc.fill_null(array, "")
    _, offsets_buffer, data_buffer = array.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[
        array.offset : array.offset + len(array) + 1
    ]
    data = (
        np.frombuffer(data_buffer, dtype=np.uint8)
        if data_buffer is not None
        else np.zeros(0, np.uint8)
    )
    by_width: dict[int, list[int]] = {}
    for prefix in prefixes:
        if len(prefix) <= 8:  # packs into 64 bits; longer (non-CJK) prefixes are cut to 8 bytes
            by_width.setdefault(len(prefix), []).append(int.from_bytes(prefix, "little"))
        else:
            by_width.setdefault(8, []).append(int.from_bytes(prefix[:8], "little"))
    # Only bytes that begin a wanted prefix's first two bytes are looked at (a 64 Ki table).
    first_two = np.zeros(1 << 16, dtype=bool)
    for prefix in prefixes:
        first_two[prefix[0] | (prefix[1] << 8)] = True  # every prefix has >= 2 bytes
    pairs = data[:-1].astype(np.uint16) | (data[1:].astype(np.uint16) << np.uint16(8))
    begins = np.flatnonzero(first_two[pairs]) if len(data) > 1 else np.zeros(0, dtype=np.int64)
    for width, wanted in by_width.items():
        starts = begins[begins + width <= len(data)]
        keys = _window_keys(data, starts, width)
        starts = starts[_among(keys, np.array(wanted, dtype=np.uint64))]
        if starts.size:
            # The cell each match starts in; a window running past its cell's end only adds a
            # false candidate, which the exact pass drops.
            cell = np.searchsorted(offsets, starts, side="right") - 1
            flags[cell[(cell >= 0) & (cell < len(flags))]] = True
    return flags
