"""Finding the header row of a sheet: title lines above it, aliases, two-row merged headers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jixiao import schema
from jixiao.errors import InputError
from jixiao.readers import RawGrid, nfkc

HEADER_SCAN_ROWS = 15  # title lines above the header: exports put 1–5, leave room

_UNIT_SUFFIX = re.compile(r"\((?:单位:)?(?:人民币)?元\)$")


def normalise_header(text: object) -> str:
    """Header text as compared with the schema: NFKC, no spaces, no ``（元）`` / ``*`` markers."""
    s = "".join(nfkc(str(text)).split()).strip("*:")
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


def _match_row(texts: list[str], lookup: dict[str, str]) -> dict[int, tuple[str, str]]:
    found: dict[int, tuple[str, str]] = {}
    taken: set[str] = set()
    for j, text in enumerate(texts):
        name = lookup.get(normalise_header(text)) if text else None
        if name and name not in taken:
            found[j] = (name, text)
            taken.add(name)
    return found


def _match_two_rows(
    top: list[str], sub: list[str], lookup: dict[str, str]
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
        for text, shown in candidates:
            name = lookup.get(normalise_header(text)) if text else None
            if name and name not in taken:
                found[j] = (name, shown if t and s and t != s else (s or t))
                taken.add(name)
                break
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
    texts = [[cell_text(v) for v in area.iloc[i]] for i in range(len(area))]
    best: HeaderMatch | None = None
    for i in range(n):
        single = _match_row(texts[i], lookup)
        candidate = HeaderMatch(i, 1, single)
        if i + 1 < len(texts):
            double = _match_two_rows(texts[i], texts[i + 1], lookup)
            if len(double) > len(single) and len(double) > len(_match_row(texts[i + 1], lookup)):
                candidate = HeaderMatch(i, 2, double)
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
