"""The 明细账: ledger exports of any accounting software → one row per entry line, with its unit.

Ledger-only rules on top of the generic loader: the 凭证字 / 凭证号 columns, carried-balance and
page-total rows, and which accounting unit a file belongs to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from jixiao import schema
from jixiao.account_codes import account_key
from jixiao.concurrency import side_by_side
from jixiao.delimited import read_csv
from jixiao.distinct import encode, spread, spread_text
from jixiao.errors import InputError
from jixiao.readers import CSV_SUFFIXES, RawGrid, detect_format, find_sheet, nfkc, read_sheet
from jixiao.units import comparison_key, same_keys, same_unit

from .cells import squeeze
from .frames import Frame, Part, load_frame, per_column, prepare, stack
from .headers import HEADER_SCAN_ROWS, cell_text, find_header, header_lookup
from .result import TEXT_DTYPE, LoadResult
from .tables import typed_rejects

_VOUCHER_TYPE_HEADERS = {
    "凭证字": "voucher_type_text",
    "凭证类别": "voucher_type_text",
    "凭证类型": "voucher_type_text",
    "字": "voucher_type_text",
}
# A title-line label naming the accounting unit. Plain 单位 counts only where no Chinese
# character stands before it, so 金额单位 / 计量单位 / 货币单位 (a measure, not a unit) never match.
_UNIT_LINE = re.compile(
    r"(?P<label>核算单位|编制单位|单位名称|(?<![\u4e00-\u9fff])单位)\s*[:：]\s*(?P<unit>[^\s:：]*)"
)
# Values that are a currency or a measure, never a unit's name: 单位：元, 单位：万元, 核算单位：人民币元.
_NOT_A_UNIT = re.compile(
    r"(人民币)?[十百千万亿]*元|人民币|rmb|cny|¥|美元|港元|"
    r"个|件|人|人次|次|户|份|套|台|处|项|米|平方米|吨|公斤|千克|%"
)
_OPENING_MARKERS = ("上年结转", "期初余额", "年初余额", "期末余额")
_PAGE_MARKERS = ("承前页", "过次页")


def _summary_kinds(summary: pd.Series) -> pd.DataFrame:
    """What a 摘要 says about its row (cell by cell): a non-entry marker, a total, an opening
    balance, a page carry-over."""
    key = squeeze(summary)
    marker_pattern = "|".join(re.escape(m) for m in schema.LEDGER_NON_ENTRY_MARKERS)
    return pd.DataFrame(
        {
            "exact": key.isin(schema.LEDGER_NON_ENTRY_MARKERS).to_numpy(dtype=bool),
            "marker": key.str.contains(marker_pattern + r"|合计|累计", na=False).to_numpy(
                dtype=bool
            ),
            "total": key.str.contains(r"合计|累计", na=False).to_numpy(dtype=bool),
            "opening": key.str.contains("|".join(_OPENING_MARKERS), na=False).to_numpy(dtype=bool),
            "page": key.str.contains("|".join(_PAGE_MARKERS), na=False).to_numpy(dtype=bool),
        },
        index=summary.index,
    )


def _ledger_drop_rule(frame: Frame, already: pd.Series) -> tuple[pd.Series, pd.Series]:
    index = frame.index
    if "summary" in frame.texts:
        kinds = per_column(frame, "summary", _summary_kinds)
    else:
        kinds = _summary_kinds(pd.Series(pd.NA, index=index, dtype=TEXT_DTYPE))
    no_voucher = frame.missing("voucher")
    no_date = frame.missing("date")
    unnumbered_total = no_voucher & kinds["marker"]
    no_date_total = no_voucher & no_date & kinds["total"]
    mask = (kinds["exact"] | unnumbered_total | no_date_total) & ~already
    page, opening = kinds["page"].to_numpy(), kinds["opening"].to_numpy()

    def kind(positions: np.ndarray) -> np.ndarray:  # for the dropped rows only
        return np.where(
            page[positions],
            "承前过次行",
            np.where(opening[positions], "期初/结转余额行", "合计行"),
        ).astype(object)

    return mask, kind


def _voucher_parts(voucher: pd.Series) -> pd.DataFrame:
    """``记-12`` → type 记, number 12, and whether the reference is readable (cell by cell)."""
    key = squeeze(voucher)
    ok = key.str.fullmatch("([^0-9_—–-]+?字?)?[-_—–]?第?[0-9]{1,9}号?", na=False)
    vtype = key.str.replace("字?[-_—–]?第?[0-9]+号?$", "", regex=True).where(ok)
    vtype = vtype.where(vtype != "")
    digits = key.str.replace("号$", "", regex=True).str.replace("^.*[^0-9]", "", regex=True)
    number = pd.to_numeric(digits.where(ok)).astype("Int64")
    return pd.DataFrame(
        {"type": vtype.astype(TEXT_DTYPE), "number": number, "bad": voucher.notna() & ~ok},
        index=voucher.index,
    )


def _per_distinct_frame(values: pd.Series, fn) -> pd.DataFrame:
    coded = encode(values)
    if coded is None:
        return fn(values)
    positions, distinct = coded
    return spread(fn(distinct), positions, values.index)


def parse_vouchers(
    voucher: pd.Series,
    type_text: pd.Series | None = None,
    *,
    encoded: tuple[np.ndarray, pd.Series] | None = None,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """``记-12`` / ``记12`` / ``记 字 第12号`` → (type 记, number 12, bad mask).

    A separate 凭证字 column supplies the type when the number column holds digits only.
    Worked out once per distinct reference (``encoded``: the references as positions into
    their distinct values, when the loader has them already).
    """
    if encoded is not None:
        positions, distinct = encoded
        parts = spread(_voucher_parts(distinct), positions, voucher.index)
    else:
        parts = _per_distinct_frame(voucher, _voucher_parts)
    vtype = parts["type"]
    if type_text is not None:
        separate = _per_distinct_frame(
            type_text, lambda t: squeeze(t).str.replace("字$", "", regex=True).to_frame("type")
        )["type"]
        vtype = vtype.where(vtype.notna(), separate)
    return vtype.astype(TEXT_DTYPE), parts["number"], parts["bad"].astype(bool)


def _title_unit(title: pd.DataFrame) -> tuple[str, str] | None:
    """(unit, label as written) from the first title line naming the unit, or None."""
    for row in title.to_numpy(dtype=object):  # a handful of title lines, not data rows
        cells = [nfkc(cell_text(v)) for v in row]
        for j, cell in enumerate(cells):
            for m in _UNIT_LINE.finditer(cell):
                value = m.group("unit")
                if not value:  # 核算单位： in one cell, the name in the next one
                    after = [c for c in cells[j + 1 :] if c]
                    value = after[0] if after else ""
                if value and not _NOT_A_UNIT.fullmatch(value.strip("()[]").lower()):
                    return value, m.group("label")
    return None


def unit_from_title(title: pd.DataFrame) -> str | None:
    """The accounting unit named on a title line above the header.

    Accepted labels are 核算单位 / 编制单位 / 单位名称 / 单位; a value that is a currency or a
    measure (``金额单位：元``, ``单位：万元``, ``单位：人民币元``) is never taken as the unit.
    """
    found = _title_unit(title)
    return found[0] if found else None


# What Windows and WPS append to a copied file: " - 副本", "_副本", " (2)", " - Copy".
_COPY_SUFFIX = re.compile(
    r"(\s*[-_]?\s*(副本|copy)(\s*\([0-9]+\))?|\s*\([0-9]+\))+$", re.IGNORECASE
)


def unit_from_filename(path: Path) -> str | None:
    """The unit of a file named ``明细账_<unit>``; a copy's suffix (`` - 副本``, `` (2)``) is not
    part of the name, so a copy is recognised as the same unit's second file."""
    m = re.match(r"^明细账[_\-－—\s]+(.+)$", nfkc(Path(path).stem))
    if not m:
        return None
    return _COPY_SUFFIX.sub("", m.group(1)).strip() or m.group(1).strip()


def _has_ledger_header(grid: RawGrid) -> bool:
    """True when the first rows of a sheet hold a header with every required ledger column."""
    match = find_header(grid, header_lookup(schema.LEDGER, _VOUCHER_TYPE_HEADERS))
    found = {name for name, _ in match.columns.values()} if match else set()
    return all(c.name in found for c in schema.LEDGER.columns if c.required)


def _read_ledger_grid(path: Path, sheet: str | None) -> tuple[RawGrid, str | None]:
    """The ledger's cells and, when the sheet read is not 明细账, why that sheet was taken."""
    if detect_format(path) == "csv":
        return read_csv(path), None
    if sheet is not None:
        grid = read_sheet(path, sheet)
        named = "".join(nfkc(grid.sheet).split()) == schema.LEDGER.sheet
        return grid, None if named else "调用时指定"
    required = "、".join(c.header for c in schema.LEDGER.columns if c.required)
    return find_sheet(
        path,
        schema.LEDGER.sheet,
        _has_ledger_header,
        what="明细账",
        fits_hint=f"前 {HEADER_SCAN_ROWS} 行中有明细账表头（{required}）",
        head_rows=HEADER_SCAN_ROWS + 1,
    )


def load_ledger(
    path,
    *,
    unit: str | None = None,
    sheet: str | None = None,
    unit_names: Mapping[str, str] | None = None,
) -> LoadResult:
    """One unit's 明细账 export (.xlsx, .xls, .csv or a tab-separated .txt) → one row per entry line.

    The sheet read is ``sheet`` when given (ignored for CSV); else the sheet named 明细账; else
    the only sheet of a one-sheet workbook (a plain ``Sheet1`` export); else the one sheet whose
    header has the ledger's required columns. A sheet other than 明细账 is recorded in
    ``normalisations``; no fitting sheet, or several, is an :class:`InputError` listing the sheets.

    Adds ``unit``: the ``unit`` argument, else the unit both a 核算单位 / 编制单位 / 单位名称 /
    单位 title line and the file name ``明细账_<unit>`` name (see :func:`ledger_unit`),
    ``account_key`` (:func:`jixiao.account_codes.account_key`), ``voucher_type`` and
    ``voucher_no``. ``unit_names`` maps a name as written to the name the evaluation uses (the
    year's ``parameters.toml`` ``[units]``). Subtotal, carried-balance and blank rows are dropped
    and listed in ``dropped``; exact duplicate lines are kept (the compliance step flags them)
    and counted in ``normalisations``.
    """
    return _load_ledger_batch([_read_ledger_file(Path(path), sheet, unit, unit_names or {})])


def load_ledgers(paths: Iterable, *, unit_names: Mapping[str, str] | None = None) -> LoadResult:
    """Several units' ledger exports, converted together (each file's unit taken from its own title/name).

    The result is what loading each file with :func:`load_ledger` and concatenating would give;
    stacking the files first runs every conversion once for all of them. Two files of the same
    unit (a ``…_副本.xlsx`` beside the original) are an :class:`InputError` naming both: their
    lines would otherwise be counted twice.
    """
    paths = sorted((Path(p) for p in paths), key=lambda p: p.name)
    if not paths:
        raise InputError("没有找到任何明细账文件")
    # The parsers (calamine, pyarrow) release the GIL: the files are read side by side, each
    # file's header found while another file is parsed.
    # Beside a CSV, a workbook's text columns are stacked as Arrow text: each file's are
    # judged and converted in its reading thread (by the names: only a hint, same result).
    beside_csv = any(path.suffix.lower() in CSV_SUFFIXES for path in paths)
    read = partial(
        _read_ledger_file,
        sheet=None,
        unit=None,
        unit_names=unit_names or {},
        judge_text=beside_csv and len(paths) > 1,
    )
    return _load_ledger_batch(side_by_side(*(partial(read, path) for path in paths)))


@dataclass(frozen=True)
class _LedgerFile:
    path: Path
    grid: RawGrid
    why: str | None  # why a sheet other than 明细账 was read
    part: Part
    unit: tuple[str, str]  # the unit and where it was taken from


def _read_ledger_file(
    path: Path,
    sheet: str | None,
    unit: str | None,
    unit_names: Mapping[str, str],
    judge_text: bool = False,
) -> _LedgerFile:
    """One ledger file read, its header found and its unit settled (structural problems of the
    file raise here); with ``judge_text``, its workbook text columns judged for stacking."""
    grid, why = _read_ledger_grid(path, sheet)
    part = prepare(grid, schema.LEDGER, _VOUCHER_TYPE_HEADERS)
    if judge_text:
        part.judge_text_columns()
    title = grid.cells.iloc[: part.header.row]
    return _LedgerFile(path, grid, why, part, ledger_unit(path, title, unit, unit_names))


def _mapped(name: str, unit_names: Mapping[str, str]) -> str:
    key = "".join(nfkc(name).split())
    for written, used in unit_names.items():
        if "".join(nfkc(str(written)).split()) == key:
            return str(used)
    return name


def ledger_unit(
    path: Path, title: pd.DataFrame, unit: str | None, unit_names: Mapping[str, str]
) -> tuple[str, str]:
    """The accounting unit of one ledger file and where it came from (a Chinese note).

    The ``unit`` argument wins. Otherwise the title line and the file name are read; when both
    name a unit they must agree (equal, or one inside the other as 浏河社区 in
    浏河社区居民委员会, after ``unit_names``) — the title line's fuller name is then taken. Two
    different units are an :class:`InputError` naming the file, both names and how to settle it:
    a wrong title would otherwise send the entries to one community and leave the other
    looking as if it kept no ledger.
    """
    if unit:
        chosen = _mapped(unit, unit_names)
        return chosen, "调用参数" + (f"「{unit}」按 [units] 对应" if chosen != unit else "")
    found = _title_unit(title)
    file_unit = unit_from_filename(path)
    if found is None and file_unit is None:
        raise InputError(
            "无法确定核算单位：表头上方没有「核算单位：…」或「编制单位：…」标题行（「金额单位：元」之类不算），"
            "文件名也不是「明细账_单位名称」格式；请将文件改名为「明细账_单位名称」，或在调用时指定 unit",
            file=path.name,
        )
    if found is None:
        chosen = _mapped(file_unit, unit_names)
        return chosen, "文件名" + (f"「{file_unit}」按 [units] 对应" if chosen != file_unit else "")
    title_unit, label = found
    title_mapped = _mapped(title_unit, unit_names)
    via = f"「{title_unit}」按 [units] 对应" if title_mapped != title_unit else ""
    if file_unit is None:
        return title_mapped, f"标题行「{label}」{via}"
    file_mapped = _mapped(file_unit, unit_names)
    if not same_unit(title_mapped, file_mapped):
        raise InputError(
            f"标题行「{label}：{title_unit}」与文件名中的单位「{file_unit}」不是同一个单位，"
            "无法确定这本明细账属于哪个单位。请核对后二选一：把文件改名为"
            f"「明细账_{title_unit}{path.suffix}」；或者在本年度 parameters.toml 中加上 [units] 一节，"
            f'写明名称的对应关系，例如 "{title_unit}" = "{file_unit}"（标题行写法 = 评价采用的名称）',
            file=path.name,
            column=label,
        )
    agrees = "，与文件名一致" if title_mapped == file_mapped else f"，与文件名「{file_unit}」相符"
    return title_mapped, f"标题行「{label}」{via}{agrees}"


def _no_second_file_per_unit(paths: list[Path], units: list[tuple[str, str]]) -> None:
    """Two files naming one unit (a copy, or 明细账_浏河社区 beside 明细账_浏河社区居委会) would
    count its entries twice."""
    # Each name's comparison key once: a province's hundreds of files make many pairs.
    keys = [comparison_key(unit) for unit, _ in units]
    for i, (path, (unit, _)) in enumerate(zip(paths, units, strict=True)):
        key = keys[i]
        for k, (earlier, (other, _)) in enumerate(zip(paths[:i], units[:i], strict=False)):
            if same_keys(key, keys[k]):
                shown = unit if unit == other else f"{other}」与「{unit}"
                raise InputError(
                    f"两个明细账文件属于同一个核算单位「{shown}」：「{earlier.name}」和「{path.name}」；"
                    "同一单位的分录会被重复计算。请删除多余的文件（例如副本），或者把两个文件合并成一个；"
                    "如果它们确是两个单位，请在 parameters.toml 的 [units] 中给其中一个写明全称",
                    file=path.name,
                )


def _repeated(data: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Lines whose values in ``columns`` (numbers, dates) occur on another line too — and, for
    integer and date columns, possibly a few more: their values are mixed into one 64-bit key
    per line (equal lines, equal keys), which is hashed once instead of every column."""
    if not all(data[c].dtype.kind in "iumMb" for c in columns):
        return data.duplicated(subset=columns, keep=False).to_numpy(dtype=bool)
    key = np.zeros(len(data), dtype=np.uint64)
    for c in columns:
        values = data[c].to_numpy()
        values = values.view(np.int64) if values.dtype.itemsize == 8 else values.astype(np.int64)
        key = (key ^ values.view(np.uint64)) * np.uint64(0x9E3779B97F4A7C15)
    return pd.Series(key).duplicated(keep=False).to_numpy(dtype=bool)


def _duplicated_lines(data: pd.DataFrame, columns: list[str]) -> pd.Series:
    """``data.duplicated(subset=columns)`` (the first of equal lines is not a duplicate), with the
    text columns compared only on the lines whose numbers and dates already repeat."""
    numeric = [c for c in columns if isinstance(data[c].dtype, np.dtype)]  # amounts, dates
    if not numeric or len(numeric) == len(columns):
        return data.duplicated(subset=columns, keep="first")
    # Two equal lines are equal on the numeric columns too, so both are among the candidates
    # and keep their order: the first of them stays the one not counted.
    candidates = _repeated(data, numeric)
    dupes = np.zeros(len(data), dtype=bool)
    if candidates.any():
        dupes[candidates] = data.loc[candidates, columns].duplicated(keep="first").to_numpy()
    return pd.Series(dupes, index=data.index)


def _load_ledger_batch(files: list[_LedgerFile]) -> LoadResult:
    """The files read → one LoadResult, files in the given order."""
    parts = [f.part for f in files]
    units = [f.unit for f in files]
    _no_second_file_per_unit([f.path for f in files], units)
    frame = stack(parts, schema.LEDGER)
    data, rejects, dropped, counts = load_frame(frame, drop_rule=_ledger_drop_rule)
    for k, f in enumerate(files):
        if f.why:
            frame.note(k, "", f"明细账读自工作表「{f.grid.sheet}」（{f.why}）", 1)

    part = data["_part"].to_numpy()
    type_text = data.pop("voucher_type_text") if "voucher_type_text" in data.columns else None
    coded = frame.encoded.get("voucher")
    vtype, vno, vbad = parse_vouchers(
        data["voucher"],
        type_text,
        # the references' distinct values, as the loader cleaned them: not hashed again
        encoded=(coded[0][frame.loaded], coded[1]) if coded is not None else None,
    )
    bad = vbad.to_numpy(dtype=bool)
    if bad.any():
        # A voucher reference we cannot read is a row-level problem: move those rows to rejects.
        shown = data.loc[bad, "voucher"]
        extra = pd.DataFrame(
            {
                "_part": part[bad],
                "file": data.loc[bad, "source_file"].to_numpy(),
                "sheet": data.loc[bad, "source_sheet"].to_numpy(),
                "row": data.loc[bad, "source_row"].to_numpy(),
                "column": frame.found["voucher"][part[bad]],
                "value": shown.to_numpy(),
                "reason": ("「" + shown + "」不是可识别的凭证字号").to_numpy(),
            }
        )
        rejects = pd.concat([rejects, extra], ignore_index=True).sort_values(
            ["_part", "row"], kind="stable"
        )
        counts["rejected"] += int(bad.sum())
        counts["loaded"] -= int(bad.sum())
    voucher = data["voucher"]
    if type_text is not None:
        # 凭证字 and 凭证号 in two columns: rebuild the usual 记-12 so every unit reads the same.
        digits_only = voucher.str.fullmatch("[0-9]+", na=False) & vtype.notna()
        voucher = voucher.where(~digits_only, vtype + "-" + vno.astype(TEXT_DTYPE))
        frame.note_rows(
            frame.found["voucher_type_text"],
            "凭证字与凭证号分列，已合并为「字-号」",
            part[digits_only.to_numpy(dtype=bool)],
        )
    data = data.assign(voucher=voucher, voucher_type=vtype, voucher_no=vno)
    if bad.any():
        data = data.loc[~bad]
    part = data["_part"].to_numpy()

    for k, (chosen, source) in enumerate(units):
        frame.note(k, "", f"核算单位取自{source}：{chosen}", 1)
    data["unit"] = spread_text(part, [u for u, _ in units], data.index)

    canonical = [c.name for c in schema.LEDGER.columns]
    dupes = _duplicated_lines(data, [*canonical, "_part"])
    frame.note_rows(
        "", "发现完全相同的分录行（未删除，由合规检查标记）", part[dupes.to_numpy(dtype=bool)]
    )

    data["account_key"] = account_key(data["account_code"]).astype(TEXT_DTYPE)
    order = (
        canonical
        + ["unit", "account_key", "voucher_type", "voucher_no"]
        + list(schema.PROVENANCE_COLUMNS)
    )
    return LoadResult(
        data=data.loc[:, order].reset_index(drop=True),
        rejects=typed_rejects(rejects.reset_index(drop=True)),
        dropped=dropped,
        normalisations=frame.notes_frame(),
        counts=counts,
        sources=tuple(str(f.path) for f in files),
    )
