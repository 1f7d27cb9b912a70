"""Workbooks and CSV files an evaluator can hand on.

Frames arrive here with Chinese headers and display values (money in 元, rates as fractions);
this module only lays them out: header style, column widths, number formats for 元 and %,
frozen header rows, and protection against formula injection — a text cell that begins with
= + - @ (or a tab / carriage return) is never written as a live formula.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ParameterError

MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0%"
INTEGER_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Fixed workbook timestamps so two runs on the same inputs give identical files.
FIXED_TIMESTAMP = dt.datetime(2000, 1, 1)


def save_workbook(
    workbook,
    path: Path,
    *,
    timestamp: dt.datetime = FIXED_TIMESTAMP,
    creator: str | None = "jixiao",
) -> Path:
    """Save an openpyxl workbook byte-for-byte reproducibly.

    openpyxl stamps the current time into docProps/core.xml and into every ZIP entry; fixing
    both makes two runs on the same inputs give identical files (and identical SHA-256s).
    """
    from openpyxl.writer.excel import ExcelWriter

    workbook.properties.created = timestamp
    workbook.properties.modified = timestamp
    workbook.properties.creator = creator
    workbook.properties.lastModifiedBy = None
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = timestamp.timetuple()[:6]
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return path


@dataclass
class Sheet:
    """One worksheet: a frame with Chinese headers and which columns hold 元, % or counts."""

    frame: pd.DataFrame
    money: tuple[str, ...] = ()
    percent: tuple[str, ...] = ()
    integer: tuple[str, ...] = ()
    widths: Mapping[str, float] = field(default_factory=dict)
    # Rows written above the table (a workpaper's header block); the table starts below them.
    header: tuple[tuple[object, ...], ...] = ()


def fen_to_yuan(fen: pd.Series) -> pd.Series:
    """Integer fen → 元 for display (exact to the fen at two decimals)."""
    return (pd.to_numeric(fen).astype("Float64") / 100).round(2)


def yuan_to_fen(value, name: str) -> int | None:
    """A parameter in 元 (number, or text such as "50000" from papermill's -p) → whole fen."""
    if value is None:
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ParameterError(f"{name} 应为金额（元），收到 {value!r}") from None
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_EVEN))


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def neutralise_text(series: pd.Series) -> pd.Series:
    """For CSV: prefix text that a spreadsheet would read as a formula with an apostrophe."""
    if not (pd.api.types.is_string_dtype(series) or series.dtype == object):
        return series
    text = series.astype("string")
    risky = text.str.startswith(FORMULA_TRIGGERS).fillna(False)
    return series.where(~risky, "'" + text)


DISPLAY_DECIMALS = 6  # rates and ratios; money is already at the fen (two decimals)


def round_for_display(frame: pd.DataFrame, money: tuple[str, ...] = ()) -> pd.DataFrame:
    """Floats as a reader sees them: 元 to the fen, rates to six decimals (no 70822.14999999999)."""
    floats = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c])]
    if not floats:
        return frame
    out = frame.copy()
    for column in floats:
        out[column] = frame[column].round(2 if column in money else DISPLAY_DECIMALS)
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """UTF-8 with BOM (Excel opens it correctly), text cells protected against injection."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    safe = round_for_display(frame).apply(neutralise_text)
    safe.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
    return path


def _display_width(value: object) -> float:
    text = "" if value is None else str(value)
    # East Asian characters take about two columns in Excel's default font.
    return sum(2.0 if ord(ch) > 0x2E80 else 1.1 for ch in text)


def _column_width(frame: pd.DataFrame, column: str) -> float:
    sample = frame[column].head(200)
    widest = max([_display_width(column)] + [_display_width(v) for v in sample.tolist()])
    return float(min(max(widest + 2, 8), 60))


def _cell_value(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value


def write_workbook(path: Path, sheets: Mapping[str, pd.DataFrame | Sheet]) -> Path:
    """Write several sheets into one formatted .xlsx (header row frozen, widths, formats)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook()
    workbook.remove(workbook.active)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for sheet_name, spec in sheets.items():
        if isinstance(spec, pd.DataFrame):
            spec = Sheet(spec)
        frame = round_for_display(spec.frame, spec.money)
        worksheet = workbook.create_sheet(title=str(sheet_name)[:31])
        for line in spec.header:
            worksheet.append([_cell_value(v) for v in line])
            for cell in worksheet[worksheet.max_row]:
                if is_formula_like(cell.value):
                    cell.data_type = "s"
                    cell.quotePrefix = True
        top = len(spec.header) + 1  # the table's header row
        worksheet.append([str(c) for c in frame.columns])
        for cell in worksheet[top]:
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for row in frame.itertuples(index=False, name=None):
            worksheet.append([_cell_value(v) for v in row])
        for col_idx, column in enumerate(frame.columns, start=1):
            letter = get_column_letter(col_idx)
            worksheet.column_dimensions[letter].width = spec.widths.get(
                column, _column_width(frame, column)
            )
            number_format = None
            if column in spec.money:
                number_format = MONEY_FORMAT
            elif column in spec.percent:
                number_format = PERCENT_FORMAT
            elif column in spec.integer:
                number_format = INTEGER_FORMAT
            elif pd.api.types.is_datetime64_any_dtype(frame[column]):
                number_format = DATE_FORMAT
            for (cell,) in worksheet.iter_rows(min_row=top + 1, min_col=col_idx, max_col=col_idx):
                if number_format:
                    cell.number_format = number_format
                if cell.data_type == "f" or is_formula_like(cell.value):
                    # Store as plain text with Excel's quote prefix: shown as typed, never evaluated.
                    cell.data_type = "s"
                    cell.quotePrefix = True
        worksheet.freeze_panes = f"A{top + 1}"
        if len(frame.columns) and not spec.header:
            worksheet.auto_filter.ref = worksheet.dimensions
        elif len(frame.columns):
            last = get_column_letter(len(frame.columns))
            worksheet.auto_filter.ref = f"A{top}:{last}{top + len(frame)}"
    return save_workbook(workbook, path)
