"""What the personal-data scan reads of an object: its columns of cells, each with its place.

A DataFrame is its header and its columns; a Series itself; a string its lines; a parquet table
or an Excel workbook (every sheet whose XML does not show it cannot hold a hit) their cells; any
other text file its lines (an SVG without its path geometry). The patterns that run over them
are in :mod:`jixiao.privacy`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .errors import ParameterError
from .xlsx_text import sheets_to_read

TEXT_SUFFIXES = (
    ".csv",
    ".txt",
    ".md",
    ".json",
    ".html",
    ".htm",
    ".ipynb",
    ".svg",
    ".toml",
    ".tex",
    ".xml",
    ".log",
)
TABLE_SUFFIXES = (".parquet", ".xlsx", ".xlsm")
SCANNABLE_SUFFIXES = TEXT_SUFFIXES + TABLE_SUFFIXES
SVG_GEOMETRY = re.compile(r'\s(?:d|points|transform|viewBox)="[^"]*"')


# What the scan reads of one object: (cells, label of a cell's index) per column.
_Columns = list[tuple[pd.Series, object]]


def _frame_columns(frame: pd.DataFrame, prefix: str) -> _Columns:
    header = pd.Series([str(c) for c in frame.columns], dtype="string")
    columns: _Columns = [(header, lambda i: f"{prefix}表头[{frame.columns[i]}]")]
    columns += [
        (frame.iloc[:, position], lambda i, c=column: f"{prefix}{c}[{i}]")
        for position, column in enumerate(frame.columns)
    ]
    return columns


def _text_columns(text: str, prefix: str) -> _Columns:
    lines = pd.Series(text.splitlines(), dtype="string")
    return [(lines, lambda i: f"{prefix}第{i + 1}行")]


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def columns_of(obj, names=()) -> _Columns:
    """(cells, label of a cell's index) of each column the scan reads in ``obj``; a sheet that
    cannot hold a hit for ``names`` (:mod:`jixiao.xlsx_text`) is not read cell by cell."""
    if isinstance(obj, pd.DataFrame):
        return _frame_columns(obj, "")
    if isinstance(obj, pd.Series):
        return [(obj, lambda i: f"{obj.name}[{i}]")]
    if isinstance(obj, str):
        return _text_columns(obj, "")
    path = Path(obj)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return _frame_columns(pd.read_parquet(path), f"{path.name} ")
    if suffix in (".xlsx", ".xlsm"):
        wanted = sheets_to_read(path, names)
        if wanted == []:
            return []
        sheets = pd.read_excel(path, sheet_name=wanted, header=None, dtype=str, engine="calamine")
        return [
            column
            for sheet, frame in sheets.items()
            for column in _frame_columns(frame, f"{path.name} {sheet} ")
        ]
    if suffix in TEXT_SUFFIXES:
        text = _read_text(path)
        if suffix == ".svg":
            # Path geometry (d="M 1446 166 1952 1184 …") is coordinates, not text; blank it out
            # line by line so reported line numbers still match the file.
            text = SVG_GEOMETRY.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
        return _text_columns(text, f"{path.name} ")
    raise ParameterError(
        f"{path}: cannot scan {suffix or 'files without a suffix'} for personal data; scannable: {', '.join(SCANNABLE_SUFFIXES)}"
    )


def is_scannable(path: Path | str) -> bool:
    return Path(path).suffix.lower() in SCANNABLE_SUFFIXES
