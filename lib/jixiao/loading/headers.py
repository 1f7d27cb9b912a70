"""Finding the header row of a sheet: title lines above it, aliases, two-row merged headers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from jixiao import schema
from jixiao.errors import InputError
from jixiao.readers import RawGrid, nfkc
from jixiao.xlsx_cells import column_letters

HEADER_SCAN_ROWS = 15  # title lines above the header: exports put 1–5, leave room

_UNIT_SUFFIX = re.compile(r"\((?:单位:)?(?:人民币)?元\)$")


def normalise_header(text: object) -> str:
    """Header text as compared with the schema: NFKC, no spaces, no ``（元）`` / ``*`` markers."""
    return _normalised(str(text))


@lru_cache(maxsize=1 << 14)
def _normalised(text: str) -> str:
    # Every file of a batch has the same few header texts (and the same title lines above).
    s = "".join(nfkc(text).split()).strip("*:")
    s = _UNIT_SUFFIX.sub("", s)
    return s.lower()


def header_lookup(table: schema.Table, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Normalised header or alias → canonical name (the template header first, then aliases)."""
    lookup: dict[str, str] = {}
    for col in table.columns:
        for text in (col.header, *col.aliases):
            lookup.setdefault(normalise_header(text), col.name)
    for text, name in (extra or {}).items():
        lookup.setdefault(normalise_header(text), name)
    return lookup


@dataclass
class HeaderMatch:
    row: int  # 0-based index in the grid of the (first) header row
    n_rows: int  # 1 or 2 (two-row merged header)
    columns: dict[int, tuple[str, str]]  # grid column → (canonical name, header as found)
    # further columns whose header names a column already taken: grid column → (name, header)
    duplicates: dict[int, tuple[str, str]] = field(default_factory=dict)


def cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()


def _fill_merged(cells: pd.DataFrame, merged, last_row: int) -> pd.DataFrame:
    """Copy each merged cell's value into the cells it spans (header area only)."""
    top = cells.iloc[:last_row].copy()
    for (r0, c0), (r1, c1) in merged:
        if r0 >= last_row:
            continue
        value = top.iat[r0, c0] if c0 < top.shape[1] else ""
        top.iloc[r0 : min(r1, last_row - 1) + 1, c0 : c1 + 1] = value
    return top


def _match_row(
    texts: list[str], lookup: dict[str, str], duplicates: dict | None = None
) -> dict[int, tuple[str, str]]:
    found: dict[int, tuple[str, str]] = {}
    taken: set[str] = set()
    for j, text in enumerate(texts):
        name = lookup.get(normalise_header(text)) if text else None
        if name and name not in taken:
            found[j] = (name, text)
            taken.add(name)
        elif name and duplicates is not None:
            duplicates[j] = (name, text)
    return found


def _match_two_rows(
    top: list[str], sub: list[str], lookup: dict[str, str], duplicates: dict | None = None
) -> dict[int, tuple[str, str]]:
    found: dict[int, tuple[str, str]] = {}
    taken: set[str] = set()
    group = ""
    for j, (t, s) in enumerate(zip(top, sub, strict=False)):
        # Without merge information a group label sits only in its first column: carry it
        # right over the empty top cells that have a sub-header under them.
        if t:
            group = t
        elif s:
            t = group
        else:
            group = ""
        candidates = (
            [(t + s, f"{t}/{s}"), (s + t, f"{t}/{s}"), (s, s), (t, t)] if t != s else [(t, t)]
        )
        repeated = None
        for text, shown in candidates:
            name = lookup.get(normalise_header(text)) if text else None
            if name and name not in taken:
                found[j] = (name, shown if t and s and t != s else (s or t))
                taken.add(name)
                break
            if name and repeated is None and text != t:  # a group label repeats by design
                repeated = (name, shown if t and s and t != s else (s or t))
        else:
            if repeated is not None and duplicates is not None:
                duplicates[j] = repeated
    return found


def find_header(
    grid: RawGrid, lookup: dict[str, str], scan: int = HEADER_SCAN_ROWS
) -> HeaderMatch | None:
    """Find the header row among the first ``scan`` rows: the row matching the most columns.

    A second row directly below is taken as part of a two-row merged header when it raises
    the number of matched columns (e.g. 金额 over 借方 / 贷方, or 凭证 over 字 / 号).
    """
    n = min(scan, len(grid.cells))
    if n == 0:
        return None
    area = _fill_merged(grid.cells, grid.merged, min(n + 1, len(grid.cells)))
    # The header area as one block of objects (a row of Arrow-backed text columns is a slow
    # cross-section, and a column at a time is one pandas call per column).
    texts = [[cell_text(v) for v in row] for row in area.to_numpy(dtype=object)]
    best: HeaderMatch | None = None
    for i in range(n):
        repeated: dict[int, tuple[str, str]] = {}
        single = _match_row(texts[i], lookup, repeated)
        candidate = HeaderMatch(i, 1, single, repeated)
        if i + 1 < len(texts):
            repeated_two: dict[int, tuple[str, str]] = {}
            double = _match_two_rows(texts[i], texts[i + 1], lookup, repeated_two)
            if len(double) > len(single) and len(double) > len(_match_row(texts[i + 1], lookup)):
                candidate = HeaderMatch(i, 2, double, repeated_two)
        if candidate.columns and (best is None or len(candidate.columns) > len(best.columns)):
            best = candidate
    return best


def _describe_columns(table: schema.Table, names: Iterable[str]) -> str:
    parts = []
    for name in names:
        col = table.column(name)
        parts.append(
            f"{col.header}（也可写作：{'、'.join(col.aliases)}）" if col.aliases else col.header
        )
    return "；".join(parts)


def require_header(
    grid: RawGrid, table: schema.Table, lookup: dict[str, str], required: Iterable[str]
) -> HeaderMatch:
    required = list(required)
    match = find_header(grid, lookup)
    if match is None:
        if grid.cells.empty or not (grid.cells.astype(str).map(str.strip) != "").any().any():
            raise InputError("工作表为空，没有表头也没有数据", file=grid.file, sheet=grid.sheet)
        first = [t for t in (cell_text(v) for v in grid.cells.iloc[0]) if t]
        raise InputError(
            f"前 {HEADER_SCAN_ROWS} 行中找不到{table.title}的表头（应包含：{_describe_columns(table, required)}）；"
            f"第 1 行的内容是：{'、'.join(first) or '（空）'}",
            file=grid.file,
            sheet=grid.sheet,
        )
    if match.duplicates:
        j, (name, shown) = min(match.duplicates.items())
        first = next(k for k, (n, _) in match.columns.items() if n == name)
        label = table.column(name).header if name in {c.name for c in table.columns} else name
        raise InputError(
            f"表头中有两列都对应「{label}」：第 {column_letters(first)} 列「{match.columns[first][1]}」和"
            f"第 {column_letters(j)} 列「{shown}」；无法确定该用哪一列，请删除或改名多余的一列后重新导入",
            file=grid.file,
            sheet=grid.sheet,
            row=match.row + 1,
            column=f"{column_letters(first)}、{column_letters(j)}",
        )
    present = {name for name, _ in match.columns.values()}
    missing = [name for name in required if name not in present]
    if missing:
        header_rows = range(match.row, match.row + match.n_rows)
        found = [t for i in header_rows for t in (cell_text(v) for v in grid.cells.iloc[i]) if t]
        raise InputError(
            f"缺少必需的列：{_describe_columns(table, missing)}；第 {match.row + 1} 行找到的表头是：{'、'.join(found)}",
            file=grid.file,
            sheet=grid.sheet,
            column="、".join(table.column(m).header for m in missing),
        )
    return match
