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

from . import xlsx_rows
from .concurrency import ahead
from .errors import ParameterError
from .xlsx_rows import FORMULA_TRIGGERS

MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0%"
INTEGER_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
# Fixed workbook timestamps so two runs on the same inputs give identical files.
FIXED_TIMESTAMP = dt.datetime(2000, 1, 1)


def save_workbook(
    workbook,
    path: Path,
    *,
    timestamp: dt.datetime = FIXED_TIMESTAMP,
    creator: str | None = "jixiao",
    splices: Mapping[str, Splice] | None = None,
) -> Path:
    """Save an openpyxl workbook byte-for-byte reproducibly.

    openpyxl stamps the current time into docProps/core.xml and into every ZIP entry; fixing
    both makes two runs on the same inputs give identical files (and identical SHA-256s).
    ``splices`` (ZIP entry → rows) insert rows built by :mod:`jixiao.xlsx_rows` into sheets.
    """
    splices = splices or {}
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
            splice = splices.get(info.filename)
            if splice is None:
                target.writestr(entry, source.read(info.filename))
                continue
            parts = xlsx_rows.splice(
                source.read(info.filename),
                splice.plan.first_row - 1,
                len(splice.plan.frame),
                xlsx_rows.row_chunks(splice.plan),
            )
            # A long sheet is deflated at level 3 (a fifth larger, 2.6x faster than the default
            # 6 on a 245 MB sheet). ZipInfo takes a level through an attribute: ``compress_level``
            # from Python 3.13, ``_compresslevel`` before (ZipInfo has slots: set the one it has).
            level = "compress_level" if hasattr(entry, "compress_level") else "_compresslevel"
            setattr(entry, level, 3)
            # A zip member is bytes (ZipFile.open has no text mode): the parts are UTF-8 XML.
            # The next block of rows is built while this one is deflated.
            with target.open(entry, mode="w", force_zip64=True) as stream:
                for part in ahead(parts):
                    stream.write(part)
    return path


@dataclass(frozen=True)
class Splice:
    """A table's rows written by :mod:`jixiao.xlsx_rows` into a sheet openpyxl wrote without them."""

    plan: xlsx_rows.Plan


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
    # Rows written below the table after a blank row (a workpaper's legend of the marks it uses).
    legend: tuple[tuple[object, ...], ...] = ()


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


EXCEL_MAX_ROWS = 1_048_576  # rows of one Excel worksheet
# Tables from this many rows are written by jixiao.xlsx_rows (the same cells, built per column);
# shorter ones cell by cell through openpyxl.
BULK_ROWS = 5_000


def _column_values(column: pd.Series) -> list:
    """A column as the Python values openpyxl writes (missing → None), converted once per column."""
    if pd.api.types.is_datetime64_any_dtype(column):
        values = [None if pd.isna(v) else v.to_pydatetime() for v in column.tolist()]
        return values
    return [_cell_value(v) for v in column.astype(object).tolist()]


def _column_format(spec: Sheet, frame: pd.DataFrame, column: str) -> str | None:
    if column in spec.money:
        return MONEY_FORMAT
    if column in spec.percent:
        return PERCENT_FORMAT
    if column in spec.integer:
        return INTEGER_FORMAT
    if pd.api.types.is_datetime64_any_dtype(frame[column]):
        return DATE_FORMAT
    return None


def _styled(worksheet, value, number_format: str | None):
    """``value`` as a cell of its own when it needs a number format or is formula-like text."""
    from openpyxl.cell import WriteOnlyCell

    risky = is_formula_like(value)
    if number_format is None and not risky:
        return value
    cell = WriteOnlyCell(worksheet, value=value)
    if number_format:
        cell.number_format = number_format
    if risky:
        # Plain text with Excel's quote prefix: shown as typed, never evaluated.
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _column_cells(worksheet, formats: list[str | None]) -> list:
    """Per column, one write-only cell carrying the column's number format (None: unformatted).

    A write-only sheet serialises each appended row at once, so a column's formatted cells can
    be one cell object whose value is set row by row (openpyxl itself reuses one cell for plain
    values): the style is resolved once per column instead of once per cell."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for number_format in formats:
        cell = None
        if number_format:
            cell = WriteOnlyCell(worksheet)
            cell.number_format = number_format
        cells.append(cell)
    return cells


def _row_cells(worksheet, row: tuple, formats: list[str | None], cells: list) -> list:
    out = []
    for value, number_format, cell in zip(row, formats, cells, strict=True):
        if is_formula_like(value):
            out.append(_styled(worksheet, value, number_format))
        elif cell is None:
            out.append(value)
        else:
            cell.value = value
            out.append(cell)
    return out


def _spill(path: Path, title: str, frame: pd.DataFrame, header: list, max_rows: int):
    """A table longer than a worksheet: the whole of it to a CSV beside the workbook, the sheet
    keeps the first rows and says so in its header block."""
    room = max_rows - len(header) - 2  # the header block, this note and the table's header row
    if len(frame) <= max_rows - len(header) - 1:
        return frame, header
    target = path.with_name(f"{path.stem}_{title}.csv")
    write_csv(frame, target)
    note = (
        f"本表共{len(frame):,}行，超过 Excel 单个工作表的行数上限；此处列示前{room:,}行，"
        f"完整数据见同一文件夹中的 {target.name}",
    )
    return frame.iloc[:room], [*header, note]


def write_workbook(
    path: Path,
    sheets: Mapping[str, pd.DataFrame | Sheet],
    *,
    max_rows: int = EXCEL_MAX_ROWS,
    bulk_rows: int | None = BULK_ROWS,
) -> Path:
    """Write several sheets into one formatted .xlsx (header row frozen, widths, formats).

    Sheets are streamed (openpyxl's write-only mode), so memory does not grow with the rows;
    a table longer than ``max_rows`` is cut there with a note and written whole to a CSV.
    Tables of ``bulk_rows`` rows or more are built column by column (:mod:`jixiao.xlsx_rows`;
    None: never), the same cells as openpyxl writes.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook(write_only=True)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    header_alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    splices: dict[str, Splice] = {}
    for sheet_name, spec in sheets.items():
        if isinstance(spec, pd.DataFrame):
            spec = Sheet(spec)
        title = str(sheet_name)[:31]
        room = max_rows - (len(spec.legend) + 1 if spec.legend else 0)
        frame, header = _spill(
            path, title, round_for_display(spec.frame, spec.money), list(spec.header), room
        )
        worksheet = workbook.create_sheet(title=title)
        # Write-only sheets take widths, panes and the filter before any row.
        for col_idx, column in enumerate(frame.columns, start=1):
            worksheet.column_dimensions[get_column_letter(col_idx)].width = spec.widths.get(
                column, _column_width(frame, column)
            )
        top = len(header) + 1  # the table's header row
        worksheet.freeze_panes = f"A{top + 1}"
        if len(frame.columns):
            last = get_column_letter(len(frame.columns))
            worksheet.auto_filter.ref = f"A{top}:{last}{top + len(frame)}"
        for line in header:
            worksheet.append([_styled(worksheet, _cell_value(v), None) for v in line])
        cells = []
        for column in frame.columns:
            cell = WriteOnlyCell(worksheet, value=str(column))
            cell.font, cell.fill, cell.alignment = header_font, header_fill, header_alignment
            cells.append(cell)
        worksheet.append(cells)
        formats = [_column_format(spec, frame, c) for c in frame.columns]
        plan = None
        if bulk_rows is not None and len(frame) >= max(bulk_rows, 1) and len(frame.columns):
            plan = xlsx_rows.plan_rows(worksheet, frame, formats, top + 1)
        if plan is not None:
            number = workbook.worksheets.index(worksheet) + 1
            splices[f"xl/worksheets/sheet{number}.xml"] = Splice(plan)
        else:
            columns = [_column_values(frame[c]) for c in frame.columns]
            cells = _column_cells(worksheet, formats)
            for row in zip(*columns, strict=True):
                worksheet.append(_row_cells(worksheet, row, formats, cells))
        if spec.legend:
            worksheet.append([])
            for line in spec.legend:
                worksheet.append([_styled(worksheet, _cell_value(v), None) for v in line])
    return save_workbook(workbook, path, splices=splices)
