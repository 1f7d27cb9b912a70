"""Low-level reading of the evaluator's files: what kind of file it is, its sheets, its raw grid.

Everything here returns the cells exactly as the file holds them (numbers as numbers, text as
text, dates as dates) in a :class:`RawGrid`; turning them into canonical columns is the job of
:mod:`jixiao.loading`. Raw files are only ever opened for reading.

Structural problems (missing, empty, encrypted, corrupt or mislabelled files, missing sheets)
raise :class:`jixiao.errors.InputError` with a Chinese message that names the file and says
what was found instead.
"""

from __future__ import annotations

import unicodedata
import zipfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import python_calamine

from jixiao.errors import InputError

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
CSV_SUFFIXES = (".csv", ".txt")

# Tried in this order with strict decoding: a BOM wins, plain UTF-8 next, and GB18030 (a superset
# of GBK / GB2312) last, because any byte string that is valid UTF-8 is almost never meant as GBK.
CSV_ENCODINGS = ("utf-8-sig", "utf-8", "gb18030")

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
# An Office file protected with an open password is an OLE2 container holding these streams.
_ENCRYPTION_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
_KNOWN_MAGIC = (
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"%PDF", "PDF 文档"),
    (b"GIF8", "GIF 图片"),
)


@dataclass
class RawGrid:
    """The cells of one sheet (or CSV file) as read, with where they came from.

    ``cells`` has one row per sheet row starting at Excel row 1 (CSV line 1), integer column
    labels, and object values: ``""`` for an empty cell.
    """

    file: str  # file name shown to the evaluator
    sheet: str | None  # None for CSV
    cells: pd.DataFrame
    merged: tuple[
        tuple[tuple[int, int], tuple[int, int]], ...
    ] = ()  # ((r0, c0), (r1, c1)), 0-based
    encoding: str | None = None  # CSV only
    delimiter: str | None = None  # CSV only
    # (row, column) 0-based → formula text, for formula cells saved without a calculated value
    uncached_formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # decisions made while reading, in Chinese
    # column → {row: Excel number format} of the numeric cells in it (xlsx only; None: unknown)
    number_formats: Callable[[int], dict[int, str] | None] | None = None


def nfkc(text: str) -> str:
    """Full-width letters, digits and brackets to their half-width forms."""
    return unicodedata.normalize("NFKC", text)


def detect_format(path: Path) -> str:
    """Return ``"xlsx"``, ``"xls"`` or ``"csv"`` for a raw file, judged by its bytes, not only its name.

    A file whose content does not match its name is an :class:`InputError`, so the evaluator
    learns that the export went wrong rather than seeing garbled tables.
    """
    path = Path(path)
    if not path.exists():
        raise InputError("文件不存在", file=path.name)
    if path.is_dir():
        raise InputError("这是一个文件夹，不是文件", file=path.name)
    size = path.stat().st_size
    if size == 0:
        raise InputError("文件为空（0 字节）", file=path.name)
    suffix = path.suffix.lower()
    with path.open("rb") as fh:
        head = fh.read(8)
    if suffix in CSV_SUFFIXES:
        if head.startswith(_ZIP_MAGIC) or head.startswith(_OLE2_MAGIC):
            raise InputError(
                "文件名是 CSV，但内容是 Excel 工作簿；请另存为 CSV 或改用 .xlsx 扩展名",
                file=path.name,
            )
        return "csv"
    if suffix not in EXCEL_SUFFIXES:
        raise InputError(
            f"不支持的文件类型「{path.suffix}」，应为 .xlsx、.xls 或 .csv", file=path.name
        )
    if head.startswith(_OLE2_MAGIC):
        data = path.read_bytes()
        if any(marker in data for marker in _ENCRYPTION_MARKERS):
            raise InputError(
                "工作簿设置了打开密码（已加密），无法读取；请去除密码后重新导出", file=path.name
            )
        return "xls"
    if head.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile as exc:
            raise InputError(
                f"文件已损坏（ZIP 结构不完整：{exc}），请重新导出", file=path.name
            ) from exc
        if "xl/workbook.xml" not in names:
            kind = "Word 文档" if "word/document.xml" in names else "不是 Excel 工作簿的 ZIP 文件"
            raise InputError(f"文件扩展名是 {path.suffix}，但内容是{kind}", file=path.name)
        return "xlsx"
    for magic, what in _KNOWN_MAGIC:
        if head.startswith(magic):
            raise InputError(f"文件扩展名是 {path.suffix}，但内容是{what}", file=path.name)
    raise InputError(
        f"文件扩展名是 {path.suffix}，但内容不是 Excel 工作簿（可能是改了扩展名的文本文件）",
        file=path.name,
    )


def _open_workbook(path: Path) -> python_calamine.CalamineWorkbook:
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError as exc:
        raise InputError(
            "工作簿设置了打开密码（已加密），无法读取；请去除密码后重新导出", file=path.name
        ) from exc
    except (
        python_calamine.CalamineError,
        python_calamine.ZipError,
        python_calamine.XmlError,
        OSError,
    ) as exc:
        raise InputError(f"无法读取工作簿（{exc}）", file=path.name) from exc


def _normalise_sheet_name(name: str) -> str:
    return "".join(nfkc(name).split())


def sheet_names(path: Path) -> list[str]:
    path = Path(path)
    fmt = detect_format(path)
    if fmt == "csv":
        return []
    return list(_open_workbook(path).sheet_names)


def _listed(names: list[str]) -> str:
    return "、".join(f"「{n}」" for n in names)


def _names(wb: python_calamine.CalamineWorkbook, path: Path) -> list[str]:
    names = list(wb.sheet_names)
    if not names:
        raise InputError("工作簿中没有工作表", file=path.name)
    return names


def _hidden(wb: python_calamine.CalamineWorkbook) -> set[str]:
    return {
        m.name for m in wb.sheets_metadata if m.visible != python_calamine.SheetVisibleEnum.Visible
    }


def _visible_first(
    wb: python_calamine.CalamineWorkbook, names: list[str]
) -> tuple[list[str], list[str]]:
    """(the sheets to consider, the hidden ones skipped): hidden sheets count only when no
    sheet is visible, since an export's hidden sheet is usually an old copy or a lookup list."""
    hidden = _hidden(wb)
    visible = [n for n in names if n not in hidden]
    if not visible:
        return names, []
    return visible, [n for n in names if n in hidden]


def _skipped_note(skipped: list[str]) -> list[str]:
    return [f"跳过隐藏的工作表 {_listed(skipped)}"] if skipped else []


def _matching(names: list[str], sheet: str) -> list[str]:
    wanted = _normalise_sheet_name(sheet)
    return [n for n in names if _normalise_sheet_name(n) == wanted]


def _sheet(
    wb: python_calamine.CalamineWorkbook, path: Path, name: str
) -> python_calamine.CalamineSheet:
    try:
        return wb.get_sheet_by_name(name)
    except (
        python_calamine.CalamineError,
        python_calamine.ZipError,
        python_calamine.XmlError,
    ) as exc:
        raise InputError(f"工作表无法读取（{exc}）", file=path.name, sheet=name) from exc


def _whole_grid(wb: python_calamine.CalamineWorkbook, path: Path, name: str) -> RawGrid:
    """All of sheet ``name``. For an .xlsx the scan for value-less formulas (which reads the
    sheet's XML a second time) runs in a thread while calamine parses the sheet."""
    if detect_format(path) != "xlsx":
        return _grid(path, _sheet(wb, path, name))
    from jixiao.xlsx_cells import uncached_formulas

    with ThreadPoolExecutor(max_workers=1) as pool:
        formulas = pool.submit(uncached_formulas, path, name)
        return _grid(path, _sheet(wb, path, name), formulas=formulas)


def _grid(
    path: Path,
    ws: python_calamine.CalamineSheet,
    nrows: int | None = None,
    formulas: Future | None = None,
) -> RawGrid:
    try:
        rows = ws.to_python(skip_empty_area=False, nrows=nrows)
        merged = tuple(ws.merged_cell_ranges or ())
    except (
        python_calamine.CalamineError,
        python_calamine.ZipError,
        python_calamine.XmlError,
    ) as exc:
        raise InputError(f"工作表无法读取（{exc}）", file=path.name, sheet=ws.name) from exc
    cells = pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame(dtype=object)
    grid = RawGrid(file=path.name, sheet=ws.name, cells=cells, merged=merged)
    if nrows is None and detect_format(path) == "xlsx":
        from jixiao.xlsx_cells import number_formats, uncached_formulas

        grid.uncached_formulas = (
            formulas.result() if formulas is not None else uncached_formulas(path, ws.name)
        )
        if grid.uncached_formulas:
            # calamine leaves a row or column holding only value-less formulas out of the grid
            rows = max(len(cells), 1 + max(r for r, _ in grid.uncached_formulas))
            columns = max(cells.shape[1], 1 + max(c for _, c in grid.uncached_formulas))
            grid.cells = cells.reindex(index=range(rows), columns=range(columns), fill_value="")
        grid.number_formats = lambda column: number_formats(path, ws.name, column)
    return grid


def read_sheet(path: Path, sheet: str | None) -> RawGrid:
    """Read one sheet of an .xlsx/.xls workbook (``sheet=None``: the first sheet) with calamine.

    The sheet name is matched tolerantly (full-width characters, spaces); a missing sheet is an
    :class:`InputError` listing the sheets the workbook has.
    """
    path = Path(path)
    wb = _open_workbook(path)
    names = _names(wb, path)
    if sheet is None:
        candidates, skipped = _visible_first(wb, names)
        grid = _whole_grid(wb, path, candidates[0])
        grid.notes.extend(_skipped_note(skipped))
        return grid
    matches = _matching(names, sheet)
    if not matches:
        raise InputError(
            f"找不到工作表「{sheet}」；工作簿中的工作表有：{_listed(names)}",
            file=path.name,
            sheet=sheet,
        )
    visible = [m for m in matches if m not in _hidden(wb)]
    if len(matches) > 1 and len(visible) != 1:
        raise InputError(
            f"工作簿中有 {len(matches)} 张工作表都叫「{sheet}」（写法只差全角、空格）：{_listed(matches)}；"
            "请删除或改名多余的一张",
            file=path.name,
            sheet=sheet,
        )
    chosen = visible[0] if visible else matches[0]
    grid = _whole_grid(wb, path, chosen)
    if chosen in _hidden(wb):
        grid.notes.append(f"工作表「{chosen}」是隐藏的工作表，按名称读取")
    skipped = [m for m in matches if m != chosen]
    grid.notes.extend(_skipped_note(skipped))
    return grid


def find_sheet(
    path: Path,
    preferred: str,
    fits: Callable[[RawGrid], bool],
    *,
    what: str,
    fits_hint: str,
    head_rows: int,
) -> tuple[RawGrid, str | None]:
    """Read the sheet of a workbook that holds ``what`` when its name is not known for sure.

    In this order: the sheet named ``preferred`` (matched tolerantly); the only sheet of a
    one-sheet workbook; the one sheet whose first ``head_rows`` rows ``fits`` accepts
    (``fits_hint`` says in Chinese what that means). Returns the grid and why that sheet was
    taken (``None`` for the ``preferred`` sheet). No fitting sheet, or several, is an
    :class:`InputError` listing the sheets the workbook has.
    """
    path = Path(path)
    wb = _open_workbook(path)
    all_names = _names(wb, path)
    names, skipped = _visible_first(wb, all_names)
    notes = _skipped_note(skipped)

    def chosen(name: str, why: str | None) -> tuple[RawGrid, str | None]:
        grid = _whole_grid(wb, path, name)
        grid.notes.extend(notes)
        return grid, why

    matches = _matching(names, preferred)
    if len(matches) > 1:
        raise InputError(
            f"工作簿中有 {len(matches)} 张工作表都叫「{preferred}」（写法只差全角、空格）：{_listed(matches)}；"
            "请删除或改名多余的一张",
            file=path.name,
        )
    if matches:
        return chosen(matches[0], None)
    if len(names) == 1:
        why = "工作簿只有这一张工作表" if not skipped else "工作簿中只有这一张未隐藏的工作表"
        return chosen(names[0], why)
    sheets = {n: _sheet(wb, path, n) for n in names}
    fitting = [n for n, ws in sheets.items() if fits(_grid(path, ws, nrows=head_rows))]
    if len(fitting) == 1:
        return chosen(
            fitting[0], f"工作簿中没有「{preferred}」工作表，只有这一张工作表的表头与{what}相符"
        )
    if not fitting:
        raise InputError(
            f"找不到{what}：工作簿中没有名为「{preferred}」的工作表，也没有{fits_hint}的工作表；"
            f"工作簿中的工作表有：{_listed(all_names)}；请在调用时用 sheet 指定工作表",
            file=path.name,
        )
    raise InputError(
        f"无法确定{what}在哪张工作表：工作簿中没有名为「{preferred}」的工作表，而 {len(fitting)} 张工作表的表头都与{what}相符："
        f"{_listed(fitting)}；工作簿中的工作表有：{_listed(all_names)}；请在调用时用 sheet 指定工作表",
        file=path.name,
    )
