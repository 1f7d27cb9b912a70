"""Loaders: the evaluator's workbooks and ledger exports → canonical tables (审计步骤一：数据导入).

Each loader reads one raw kind described in :mod:`jixiao.schema` and returns a
:class:`LoadResult`: the canonical rows, the rows it rejected (with the file, sheet, Excel row,
column header and a reason in Chinese), the rows it dropped on purpose (subtotals, blank
lines), and a record of every normalisation it applied. Nothing is silently lost:
``read == loaded + rejected + dropped`` is checked on every load.

Structural problems (no such file or sheet, a required column missing, an unreadable file)
raise :class:`jixiao.errors.InputError`; problems in single cells never raise.

All cell conversions are vectorised pandas string operations, so a ledger of a hundred
thousand lines loads in a couple of seconds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from jixiao import schema
from jixiao.errors import InputError
from jixiao.readers import RawGrid, detect_format, find_sheet, nfkc, read_csv, read_grid, read_sheet

HEADER_SCAN_ROWS = 15  # title lines above the header: exports put 1–5, leave room
DATE_DTYPE = "datetime64[us]"
TEXT_DTYPE = "str"
PERSONAL_COLUMNS = ("name", "phone", "id_number")
MASKED_VALUE = "（个人信息已隐去）"
TOTAL_ROW_WORDS = ("合计", "总计", "小计")
NORMALISATION_COLUMNS = ("file", "sheet", "column", "action", "count")
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # serial 1 = 1900-01-01, with Excel's 1900 leap-year bug
# 1900-03-01 … 2173-10-14: below 61 Excel's leap-year bug shifts days, and a number of six or more
# digits (201705) is far likelier a typing slip than a date in the 23rd century.
_MIN_SERIAL, _MAX_SERIAL = 61, 99999
_CHOICE_SEPARATORS = r"[、,;/]"


# --------------------------------------------------------------------------- result object


def _empty(columns: Iterable[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=TEXT_DTYPE) for c in columns})


def empty_rejects() -> pd.DataFrame:
    frame = _empty(schema.REJECT_COLUMNS)
    return frame.astype({"row": "int64"})


def empty_dropped() -> pd.DataFrame:
    return _empty(schema.DROPPED_COLUMNS).astype({"row": "int64"})


def empty_normalisations() -> pd.DataFrame:
    return _empty(NORMALISATION_COLUMNS).astype({"count": "int64"})


@dataclass
class LoadResult:
    """What a loader produced from one or more raw files.

    ``data`` has the canonical columns plus ``source_file``, ``source_sheet``, ``source_row``.
    ``counts`` holds read / loaded / rejected / dropped row counts (rejected counts rows, not
    cells); ``read == loaded + rejected + dropped`` always holds. ``sources`` lists the files read.
    """

    data: pd.DataFrame
    rejects: pd.DataFrame
    dropped: pd.DataFrame
    normalisations: pd.DataFrame
    counts: dict
    sources: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        c = self.counts
        if c["read"] != c["loaded"] + c["rejected"] + c["dropped"]:
            raise AssertionError(f"row counts do not reconcile: {c}")
        if c["loaded"] != len(self.data):
            raise AssertionError(f"loaded count {c['loaded']} != {len(self.data)} data rows")

    @classmethod
    def concat(cls, results: Iterable[LoadResult]) -> LoadResult:
        results = list(results)
        if not results:
            raise ValueError("nothing to concatenate")
        counts = {
            k: sum(r.counts[k] for r in results) for k in ("read", "loaded", "rejected", "dropped")
        }
        return cls(
            data=pd.concat([r.data for r in results], ignore_index=True),
            rejects=pd.concat([r.rejects for r in results], ignore_index=True),
            dropped=pd.concat([r.dropped for r in results], ignore_index=True),
            normalisations=pd.concat([r.normalisations for r in results], ignore_index=True),
            counts=counts,
            sources=tuple(s for r in results for s in r.sources),
        )

    def summary(self) -> str:
        c = self.counts
        return f"读取 {c['read']} 行：导入 {c['loaded']} 行，拒收 {c['rejected']} 行，剔除 {c['dropped']} 行"


# --------------------------------------------------------------------------- headers


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


def _cell_text(value: object) -> str:
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
    texts = [[_cell_text(v) for v in area.iloc[i]] for i in range(len(area))]
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


def _require_header(
    grid: RawGrid, table: schema.Table, lookup: dict[str, str], required: Iterable[str]
) -> HeaderMatch:
    required = list(required)
    match = find_header(grid, lookup)
    if match is None:
        if grid.cells.empty or not (grid.cells.astype(str).map(str.strip) != "").any().any():
            raise InputError("工作表为空，没有表头也没有数据", file=grid.file, sheet=grid.sheet)
        first = [t for t in (_cell_text(v) for v in grid.cells.iloc[0]) if t]
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
        found = [t for i in header_rows for t in (_cell_text(v) for v in grid.cells.iloc[i]) if t]
        raise InputError(
            f"缺少必需的列：{_describe_columns(table, missing)}；第 {match.row + 1} 行找到的表头是：{'、'.join(found)}",
            file=grid.file,
            sheet=grid.sheet,
            column="、".join(table.column(m).header for m in missing),
        )
    return match


# --------------------------------------------------------------------------- cell conversion


# Patterns below avoid \s, \d, look-arounds and back-references so that pandas runs them in
# pyarrow's RE2 engine instead of falling back to Python's re one cell at a time.
SPACES = "[ \t\r\n\u3000\xa0]+"


def to_halfwidth(text: pd.Series) -> pd.Series:
    """NFKC (full-width digits, letters, brackets → half-width), applied only to non-ASCII cells."""
    wide = text.str.contains("[^ -~]", regex=True, na=False)
    if not wide.any():
        return text
    return text.where(~wide, text[wide].str.normalize("NFKC"))


def squeeze(text: pd.Series) -> pd.Series:
    """NFKC and no whitespace at all: the form used to compare codes, markers and choices."""
    return to_halfwidth(text).str.replace(SPACES, "", regex=True)


def as_text(raw: pd.Series) -> pd.Series:
    """Cells as stripped text (NA when empty); whole-number floats lose their ``.0``."""
    text = raw.where(raw.notna(), "").astype(TEXT_DTYPE).str.strip()
    whole_float = text.str.fullmatch(r"-?[0-9]+\.0", na=False)
    text = text.where(~whole_float, text.str.slice(0, -2))
    return text.where(text != "")


@dataclass
class Converted:
    values: pd.Series
    bad: pd.Series  # bool: the cell cannot be used
    reason: pd.Series | str  # Chinese reason for bad cells
    # normalisation → the cells it was applied to (bool, aligned with the text), so a batch of
    # files converted together can still report each file's own counts
    actions: dict[str, pd.Series] = field(default_factory=dict)


def _count(mask: pd.Series) -> pd.Series:
    """The cells a normalisation applied to (NA counts as not applied)."""
    return mask.fillna(False).astype(bool)


def _expand_exponents(text: pd.Series) -> pd.Series:
    # Very small or large Excel numbers print as 1e-05; only those few cells go through Decimal.
    exp = text.str.fullmatch(r"[0-9]+(\.[0-9]*)?[eE][-+]?[0-9]+", na=False)
    if exp.any():
        text = text.copy()
        text[exp] = text[exp].map(lambda s: format(Decimal(s), "f"))
    return text


def _drop_thousands(text: pd.Series, decimals: bool = True) -> tuple[pd.Series, pd.Series]:
    """Remove thousands separators only where they sit every three digits (``12,3.4`` is kept)."""
    pattern = r"[0-9]{1,3}(,[0-9]{3})+" + (r"(\.[0-9]*)?" if decimals else "")
    good = text.str.fullmatch(pattern, na=False)
    return text.where(~good, text.str.replace(",", "", regex=False)), good


def parse_money(text: pd.Series, *, blank_is_zero: bool) -> Converted:
    """Text amounts in 元 → integer fen, exactly (round half to even at the third decimal).

    Plain amounts with at most two decimals (the bulk of any ledger) take a fast path; only
    the other cells go through the full text clean-up of :func:`parse_money_text`.
    """
    present = text.notna()
    # ≤ 13 integer digits and ≤ 2 decimals: x * 100 is within 0.1 of an integer in binary
    # floating point, so rounding it gives the exact fen.
    plain = text.str.fullmatch("-?[0-9]{1,13}(\\.[0-9]{0,2})?", na=False)
    fen = np.rint(pd.to_numeric(text.where(plain, "0")).to_numpy(dtype="float64") * 100)
    values = pd.Series(fen, index=text.index).astype("Int64").where(plain)
    other = present & ~plain
    bad = pd.Series(False, index=text.index)
    reason = pd.Series("", index=text.index, dtype=TEXT_DTYPE)
    actions: dict[str, pd.Series] = {}
    if other.any():
        slow = parse_money_text(text[other])
        values[other] = slow.values
        bad[other] = slow.bad
        reason[other] = slow.reason
        actions = {
            action: mask.reindex(text.index, fill_value=False)
            for action, mask in slow.actions.items()
        }
    if blank_is_zero:
        values = values.where(present, 0)
        actions["空白金额按 0 处理"] = _count(~present)
    return Converted(values, bad, reason, actions)


def parse_money_text(text: pd.Series) -> Converted:
    """Text amounts in 元 → integer fen, exactly (round half to even at the third decimal).

    Accepts ``1,234.50``, ``¥1,234.50``, ``￥``, full-width digits, ``(1,234.50)`` and
    ``-1,234.50`` (red-ink negatives). Thousands separators must be in the right places:
    ``12,3.4`` is not an amount. Excel numbers arrive as their shortest decimal form
    (``0.295``), so they round as written rather than as the binary float (29.4999…).
    """
    actions: dict[str, pd.Series] = {}
    present = text.notna()
    norm = to_halfwidth(text)
    wide = present & (norm != text)
    norm = norm.str.replace("\u2212", "-", regex=False).str.replace(SPACES, "", regex=True)
    currency = norm.str.contains("¥|RMB|CNY|元", na=False)
    norm = norm.str.replace("¥|RMB|CNY|元", "", regex=True)
    paren = norm.str.fullmatch(r"\(.*\)", na=False)
    norm = norm.where(~paren, norm.str.slice(1, -1))
    minus = norm.str.startswith("-", na=False)
    negative = paren | minus
    body = norm.str.replace("^[-+]", "", regex=True)
    body = _expand_exponents(body)
    commas = body.str.contains(",", regex=False, na=False)
    body, good_commas = _drop_thousands(body)
    shape_ok = body.str.fullmatch(r"[0-9]*(\.[0-9]*)?", na=False) & body.str.contains(
        "[0-9]", na=False
    )
    whole = body.str.replace(r"\..*", "", regex=True)
    frac = body.str.replace(r"^[^.]*\.?", "", regex=True)
    too_big = shape_ok & (whole.str.len() > 15)
    ok = shape_ok & ~too_big & ~(commas & ~good_commas) & ~(paren & minus)
    # What was done to the cells that became amounts (bad cells are listed in rejects instead).
    actions["全角字符转为半角"] = _count(wide & ok)
    actions["去除货币符号（¥/元）"] = _count(currency & ok)
    actions["括号红字转为负数"] = _count(paren & ok)
    actions["去除千位分隔符"] = _count(good_commas & ok)
    whole = whole.where(ok & (whole.str.len() > 0), "0")
    frac3 = frac.where(ok, "").fillna("").str.pad(3, side="right", fillchar="0")
    cents = pd.to_numeric(frac3.str.slice(0, 2)).astype("int64")
    rest = frac3.str.slice(2).str.rstrip("0")
    base = pd.to_numeric(whole).astype("int64") * 100 + cents
    first = rest.str.slice(0, 1)
    up = (first > "5") | ((first == "5") & (rest.str.len() > 1)) | ((rest == "5") & (base % 2 == 1))
    actions["金额超过两位小数，按银行家舍入到分"] = _count(ok & (rest != ""))
    fen = (base + up.astype("int64")) * np.where(negative, -1, 1)
    values = fen.astype("Int64").where(ok)
    bad = present & ~ok
    shown = "「" + text.fillna("") + "」"
    reason = (shown + "不是有效金额").where(~too_big, shown + "金额位数过多")
    return Converted(values, bad, reason, actions)


def parse_dates(text: pd.Series) -> Converted:
    """Dates from Excel date cells, serial numbers, ``2017/5/3``, ``2017.05.03``, ``2017-5-3``,
    ``2017年5月3日`` and ``20170503``; impossible dates (2017-02-30) are bad cells."""
    present = text.notna()
    norm = to_halfwidth(text).str.strip()
    chinese = norm.str.contains("年", regex=False, na=False)
    # One shape for every separator style: 2017年5月3日 / 2017/5/3 / 2017.5.3 → 2017-5-3.
    dashed = (
        norm.str.replace(" ?[0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?$", "", regex=True)
        .str.replace(SPACES, "", regex=True)
        .str.replace("日$", "", regex=True)
        .str.replace("[年月/.]", "-", regex=True)
    )
    is_ymd = dashed.str.fullmatch("[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", na=False)
    is_compact = ~is_ymd & norm.str.fullmatch("[0-9]{8}", na=False)
    is_serial = ~is_ymd & ~is_compact & norm.str.fullmatch(r"[0-9]{1,5}(\.[0-9]+)?", na=False)
    from_ymd = pd.to_datetime(dashed.where(is_ymd), format="%Y-%m-%d", errors="coerce")
    from_compact = pd.to_datetime(norm.where(is_compact), format="%Y%m%d", errors="coerce")
    serial = pd.to_numeric(norm.where(is_serial).str.replace(r"\..*", "", regex=True))
    serial_ok = is_serial & (serial >= _MIN_SERIAL) & (serial <= _MAX_SERIAL)
    from_serial = _EXCEL_EPOCH + pd.to_timedelta(serial.where(serial_ok), unit="D")
    values = from_ymd.where(is_ymd, from_compact.where(is_compact, from_serial)).astype(DATE_DTYPE)
    bad = present & values.isna()
    actions = {
        "Excel 日期序列号转换为日期": _count(serial_ok),
        "中文日期（年月日）转换为日期": _count(is_ymd & chinese & values.notna()),
        "8 位数字日期转换为日期": _count(is_compact & values.notna()),
    }
    reason = "「" + text.fillna("") + "」不是有效日期"
    return Converted(values, bad, reason, actions)


def parse_int(text: pd.Series) -> Converted:
    present = text.notna()
    norm, _ = _drop_thousands(squeeze(text), decimals=False)
    norm = norm.str.replace(r"\.0*$", "", regex=True)
    ok = norm.str.fullmatch("[-+]?[0-9]{1,15}", na=False)
    values = pd.to_numeric(norm.where(ok)).astype("Int64")
    return Converted(values, present & ~ok, "「" + text.fillna("") + "」不是整数", {})


def parse_number(text: pd.Series) -> Converted:
    present = text.notna()
    norm, _ = _drop_thousands(squeeze(text))
    ok = norm.str.fullmatch(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?", na=False)
    values = pd.to_numeric(norm.where(ok)).astype("float64")
    return Converted(values, present & ~ok, "「" + text.fillna("") + "」不是数字", {})


def parse_code(text: pd.Series) -> Converted:
    norm = squeeze(text)
    return Converted(
        norm.astype(TEXT_DTYPE),
        pd.Series(False, index=text.index),
        "",
        {"全角字符转为半角": _count(text.notna() & (norm != text))},
    )


def parse_text(
    text: pd.Series, choices: tuple[str, ...] = (), *, validate: bool = True
) -> Converted:
    """Stripped text; for columns with fixed choices, spelling variants (full-width, spaces) are
    mapped to the choice, and other values are bad cells when ``validate``."""
    if not choices:
        return Converted(text, pd.Series(False, index=text.index), "", {})
    key = squeeze(text)
    canon = {"".join(nfkc(c).split()): c for c in choices}
    mapped = key.map(canon)
    fixed = mapped.notna() & (mapped != text)
    values = text.where(~fixed, mapped)
    parts_ok = key.str.split(_CHOICE_SEPARATORS).map(
        lambda ps: all(p in canon for p in ps), na_action="ignore"
    )
    bad = (
        text.notna() & mapped.isna() & ~parts_ok.fillna(False).astype(bool)
        if validate
        else pd.Series(False, index=text.index)
    )
    reason = "「" + text.fillna("") + "」不是可选值之一（" + "、".join(choices) + "）"
    return Converted(values, bad, reason, {"取值规范为可选值的标准写法": _count(fixed)})


def convert_column(
    text: pd.Series, column: schema.Column, *, validate_choices: bool = True
) -> Converted:
    if column.type == "money":
        return parse_money(text, blank_is_zero=column.name in ("debit_fen", "credit_fen"))
    if column.type == "date":
        return parse_dates(text)
    if column.type == "int":
        return parse_int(text)
    if column.type == "number":
        return parse_number(text)
    if column.type == "code":
        return parse_code(text)
    return parse_text(text, column.choices, validate=validate_choices)


def _dtype_for(column: schema.Column) -> str:
    if column.type == "money":
        return "int64" if column.name in ("debit_fen", "credit_fen") or column.required else "Int64"
    return {"date": DATE_DTYPE, "int": "Int64", "number": "float64"}.get(column.type, TEXT_DTYPE)


# --------------------------------------------------------------------------- the generic loader


@dataclass
class _Part:
    """One sheet's data region: its header match and its raw rows, indexed by Excel row number."""

    grid: RawGrid
    header: HeaderMatch
    body: pd.DataFrame  # all grid columns, rows below the header
    found: dict[str, str]  # canonical (or extra) name → header as found, in sheet order
    notes: list[tuple[str, str, int]]  # (column, action, count) recorded while preparing


def _prepare(grid: RawGrid, table: schema.Table, extra: dict[str, str] | None = None) -> _Part:
    lookup = header_lookup(table, extra)
    required = [c.name for c in table.columns if c.required]
    header = _require_header(grid, table, lookup, required)
    start = header.row + header.n_rows
    body = grid.cells.iloc[start:]
    body.index = pd.RangeIndex(start + 1, start + 1 + len(body), name="row")
    part = _Part(grid, header, body, {}, [])
    if grid.encoding:
        compatible = "（兼容 GBK）" if grid.encoding == "gb18030" else ""
        separator = "制表符" if grid.delimiter == "\t" else "逗号"
        part.notes.append(
            ("", f"CSV 编码识别为 {grid.encoding}{compatible}，分隔符为{separator}", 1)
        )
    if header.row:
        part.notes.append(
            ("", f"表头位于第 {header.row + 1} 行，上方 {header.row} 行标题已跳过", 1)
        )
    if header.n_rows == 2:
        part.notes.append(
            ("", f"第 {header.row + 1}–{header.row + 2} 行为两行合并表头，已合并识别", 1)
        )
    known = {c.name: c.header for c in table.columns}
    for _, (name, shown) in sorted(header.columns.items()):
        part.found[name] = shown
        target = known.get(name, name)
        if name in known and shown != target:
            part.notes.append((shown, f"表头「{shown}」识别为「{target}」（{name}）", 1))
    return part


@dataclass
class _Frame:
    """The rows of one or more sheets of the same kind, converted together.

    Every file's rows are stacked once, so each conversion runs once over the whole batch
    instead of once per file and column. ``part`` and ``row`` give each position's file (an
    index into ``parts``) and Excel row; notes are kept per file, in the order they were made.
    """

    parts: list[_Part]
    table: schema.Table
    part: np.ndarray  # int: which part each row comes from
    row: np.ndarray  # int: Excel row number within its part
    texts: dict[
        str, pd.Series
    ]  # name → text cells (NA where empty or where the part lacks the column)
    found: dict[str, np.ndarray]  # name → header as found, per part ("" where the part lacks it)
    notes: list[dict] = field(default_factory=list)

    @property
    def index(self) -> pd.RangeIndex:
        return pd.RangeIndex(len(self.part))

    def per_row(self, per_part) -> np.ndarray:
        return np.asarray(per_part, dtype=object)[self.part]

    def note(self, k: int, column: str, action: str, count: int) -> None:
        if count:
            grid = self.parts[k].grid
            self.notes.append(
                {
                    "part": k,
                    "file": grid.file,
                    "sheet": grid.sheet,
                    "column": column,
                    "action": action,
                    "count": int(count),
                }
            )

    def note_rows(self, columns, action: str, parts: np.ndarray) -> None:
        """One note per file, counting the rows an action applied to by the part each came from;
        ``columns`` is one header for all files or one per part."""
        counts = np.bincount(np.asarray(parts, dtype="int64"), minlength=len(self.parts))
        for k in np.flatnonzero(counts):
            self.note(
                int(k), columns if isinstance(columns, str) else columns[k], action, int(counts[k])
            )

    def notes_frame(self) -> pd.DataFrame:
        records = sorted(self.notes, key=lambda n: n["part"])  # stable: each file keeps its order
        return _notes_frame([{k: v for k, v in n.items() if k != "part"} for n in records])


def _stack(parts: list[_Part], table: schema.Table) -> _Frame:
    lengths = [len(p.body) for p in parts]
    names = list(dict.fromkeys(name for p in parts for name in p.found))
    columns: dict[str, pd.Series] = {}
    found: dict[str, np.ndarray] = {}
    for name in names:
        pieces = []
        for p, n in zip(parts, lengths, strict=True):
            j = next((j for j, (cname, _) in p.header.columns.items() if cname == name), None)
            pieces.append(
                p.body[j]
                if j is not None and j in p.body.columns
                else pd.Series([None] * n, dtype=object)
            )
        stacked = pd.concat(pieces, ignore_index=True) if pieces else pd.Series(dtype=object)
        columns[name] = (
            as_text(stacked.astype(object)) if len(stacked) else pd.Series(dtype=TEXT_DTYPE)
        )
        found[name] = np.array([p.found.get(name, "") for p in parts], dtype=object)
    frame = _Frame(
        parts=parts,
        table=table,
        part=np.repeat(np.arange(len(parts)), lengths),
        row=np.concatenate([p.body.index.to_numpy(dtype="int64") for p in parts])
        if parts
        else np.zeros(0, dtype="int64"),
        texts=columns,
        found=found,
    )
    for k, p in enumerate(parts):
        for column, action, count in p.notes:
            frame.note(k, column, action, count)
    return frame


def _row_text(body: pd.DataFrame) -> pd.Series:
    if body.empty:
        return pd.Series(dtype=TEXT_DTYPE)
    # Frame-wide operations (not one as_text per column): this runs once per batch on the few
    # dropped rows, where per-column overhead would dominate.
    text = (
        body.where(body.notna(), "")
        .astype(TEXT_DTYPE)
        .replace(r"^\s*(-?[0-9]+)\.0\s*$", r"\1", regex=True)
    )
    joined = (
        text.iloc[:, 0].str.cat([text[c] for c in text.columns[1:]], sep=" ")
        if len(text.columns) > 1
        else text.iloc[:, 0]
    )
    # Blank cells leave runs of separators; one space between the values that are there.
    return joined.str.replace(r" {2,}", " ", regex=True).str.strip().astype(TEXT_DTYPE)


def _dropped_rows(frame: _Frame, mask: np.ndarray, kind: pd.Series) -> pd.DataFrame:
    positions = np.flatnonzero(mask)
    if not len(positions):
        return empty_dropped()
    # The whole sheet row (mapped and unmapped cells), so the evaluator sees what was dropped.
    bodies = [
        frame.parts[k].body.loc[frame.row[positions[frame.part[positions] == k]]]
        for k in np.unique(frame.part[positions])
    ]
    text = _row_text(pd.concat(bodies, ignore_index=True))
    return pd.DataFrame(
        {
            "file": pd.Series(
                frame.per_row([p.grid.file for p in frame.parts])[positions], dtype=TEXT_DTYPE
            ),
            "sheet": pd.Series(
                frame.per_row([p.grid.sheet for p in frame.parts])[positions], dtype=TEXT_DTYPE
            ),
            "row": pd.Series(frame.row[positions], dtype="int64"),
            "kind": kind.iloc[positions].astype(TEXT_DTYPE).reset_index(drop=True),
            "text": text.reset_index(drop=True),
        }
    )


DropRule = Callable[[_Frame, pd.Series], tuple[pd.Series, pd.Series]]  # → (mask, kind)


def _blank_and_total_rows(frame: _Frame) -> tuple[pd.Series, pd.Series]:
    """Fully blank rows, and total rows (a text cell reading 合计 / 总计 / 小计)."""
    index = frame.index
    blank = pd.Series(True, index=index)
    for text in frame.texts.values():
        blank &= text.isna()
    # Cells under no recognised header must be empty too: checked sheet by sheet (their columns differ).
    others_blank = []
    for p in frame.parts:
        others = p.body.drop(columns=[j for j in p.header.columns if j in p.body.columns])
        others_blank.append(
            ((others == "") | others.isna()).all(axis=1).to_numpy()
            if not others.empty
            else np.ones(len(p.body), dtype=bool)
        )
    if others_blank:
        blank &= np.concatenate(others_blank)
    total = pd.Series(False, index=index)
    for col in frame.table.columns:
        if col.name in frame.texts and col.type in ("text", "code"):
            total |= frame.texts[col.name].str.replace(SPACES, "", regex=True).isin(TOTAL_ROW_WORDS)
    kind = pd.Series("合计行", index=index, dtype=TEXT_DTYPE).where(~blank, "空行")
    return blank | total, kind


def _load_frame(
    frame: _Frame,
    *,
    drop_rule: DropRule | None = None,
    validate_choices: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict]:
    """Drop, convert and reject over the whole batch → (data with ``_part``, rejects with ``_part``,
    dropped, counts)."""
    table = frame.table
    drop, kind = _blank_and_total_rows(frame)
    if drop_rule is not None:
        more, more_kind = drop_rule(frame, drop)
        kind = kind.where(drop, more_kind)
        drop = drop | more
    drop_mask = drop.to_numpy(dtype=bool)
    dropped = _dropped_rows(frame, drop_mask, kind)
    keep = ~drop_mask
    index = frame.index[keep]
    part = frame.part[keep]
    files = frame.per_row([p.grid.file for p in frame.parts])[keep]
    sheets = frame.per_row([p.grid.sheet for p in frame.parts])[keep]

    columns: dict[str, pd.Series] = {}
    reject_parts: list[pd.DataFrame] = []
    bad_rows = np.zeros(len(index), dtype=bool)
    for col in table.columns:
        if col.name not in frame.texts:
            columns[col.name] = pd.Series(pd.NA, index=index).astype(_dtype_for(col))
            continue
        text = frame.texts[col.name].loc[index]
        conv = convert_column(text, col, validate_choices=validate_choices)
        headers = frame.found[col.name]
        for action, mask in conv.actions.items():
            frame.note_rows(headers, action, part[mask.to_numpy(dtype=bool)])
        blank_allowed = not col.required or col.name in ("debit_fen", "credit_fen")
        missing = text.isna() & (not blank_allowed)
        bad = (conv.bad | missing).to_numpy(dtype=bool)
        if bad.any():
            reason = (
                conv.reason
                if isinstance(conv.reason, pd.Series)
                else pd.Series(conv.reason, index=index)
            )
            reason = reason.where(~missing, "必填项为空")
            value = (
                text.fillna("")
                if col.name not in PERSONAL_COLUMNS
                else pd.Series(MASKED_VALUE, index=index)
            )
            reject_parts.append(
                pd.DataFrame(
                    {
                        "_part": part[bad],
                        "file": files[bad],
                        "sheet": sheets[bad],
                        "row": frame.row[keep][bad],
                        "column": headers[part[bad]],
                        "value": value.to_numpy()[bad],
                        "reason": reason.to_numpy()[bad],
                    }
                )
            )
            bad_rows |= bad
        columns[col.name] = conv.values
    canonical = {c.name for c in table.columns}
    for name, text in frame.texts.items():  # extra columns, in sheet order
        if name not in canonical:
            columns[name] = text.loc[index]

    loaded = ~bad_rows
    data = pd.DataFrame(columns, index=index).loc[loaded]
    for col in table.columns:
        data[col.name] = data[col.name].astype(_dtype_for(col))
    data["source_file"] = pd.Series(files[loaded], index=data.index, dtype=TEXT_DTYPE)
    data["source_sheet"] = pd.Series(sheets[loaded], index=data.index, dtype=TEXT_DTYPE)
    data["source_row"] = frame.row[keep][loaded].astype("int64")
    data["_part"] = part[loaded]
    data = data.reset_index(drop=True)

    rejects = pd.concat(reject_parts, ignore_index=True) if reject_parts else _empty_part_rejects()
    rejects = rejects.sort_values(["_part", "row"], kind="stable").reset_index(drop=True)
    counts = {
        "read": len(frame.part),
        "loaded": int(loaded.sum()),
        "rejected": int(bad_rows.sum()),
        "dropped": int(drop_mask.sum()),
    }
    return data, rejects, dropped, counts


def _empty_part_rejects() -> pd.DataFrame:
    return empty_rejects().assign(_part=pd.Series(dtype="int64"))


def _load(
    grid: RawGrid,
    table: schema.Table,
    *,
    extra: dict[str, str] | None = None,
    drop_rule: DropRule | None = None,
    validate_choices: bool = True,
) -> tuple[_Part, LoadResult]:
    part = _prepare(grid, table, extra)
    frame = _stack([part], table)
    data, rejects, dropped, counts = _load_frame(
        frame, drop_rule=drop_rule, validate_choices=validate_choices
    )
    result = LoadResult(
        data=data.drop(columns="_part"),
        rejects=_typed_rejects(rejects),
        dropped=dropped,
        normalisations=frame.notes_frame(),
        counts=counts,
        sources=(str(grid.file),),
    )
    return part, result


def _typed_rejects(rejects: pd.DataFrame) -> pd.DataFrame:
    out = rejects.loc[:, list(schema.REJECT_COLUMNS)].copy()
    for c in schema.REJECT_COLUMNS:
        out[c] = out[c].astype("int64" if c == "row" else TEXT_DTYPE)
    return out


def _notes_frame(notes: list[dict]) -> pd.DataFrame:
    if not notes:
        return empty_normalisations()
    frame = pd.DataFrame(notes, columns=list(NORMALISATION_COLUMNS))
    return frame.astype(
        {c: TEXT_DTYPE for c in NORMALISATION_COLUMNS if c != "count"} | {"count": "int64"}
    )


def load_table(path, table: schema.Table, *, sheet: str | None = None) -> LoadResult:
    """Load one sheet (or CSV) of any raw kind described in :mod:`jixiao.schema`.

    ``sheet`` overrides ``table.sheet``; ``None`` for both means the first sheet.
    """
    grid = read_grid(Path(path), sheet or table.sheet)
    _, result = _load(grid, table)
    return _with_source(result, path)


def _with_source(result: LoadResult, path) -> LoadResult:
    result.sources = (str(Path(path)),)
    return result


def load_allocations(path) -> LoadResult:
    """资金下达明细: one row per grant (amounts in fen, issue and arrival dates)."""
    return load_table(path, schema.ALLOCATIONS)


def load_outputs(path) -> LoadResult:
    """产出完成情况: planned and actual outputs per indicator."""
    return load_table(path, schema.OUTPUTS)


def load_interviews(path) -> LoadResult:
    """电话访谈记录: one row per interview question (personal data is masked at the ingest step)."""
    return load_table(path, schema.INTERVIEWS)


def load_observations(path) -> LoadResult:
    """评价组观察记录: the evaluator's typed-in problems with their evidence source."""
    return load_table(path, schema.OBSERVATIONS)


# --------------------------------------------------------------------------- ledger

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


def _ledger_drop_rule(frame: _Frame, already: pd.Series) -> tuple[pd.Series, pd.Series]:
    index = frame.index
    summary = frame.texts.get("summary", pd.Series(pd.NA, index=index, dtype=TEXT_DTYPE))
    key = squeeze(summary)
    voucher = frame.texts.get("voucher", pd.Series(pd.NA, index=index, dtype=TEXT_DTYPE))
    date = frame.texts.get("date", pd.Series(pd.NA, index=index, dtype=TEXT_DTYPE))
    exact = key.isin(schema.LEDGER_NON_ENTRY_MARKERS)
    marker_pattern = "|".join(re.escape(m) for m in schema.LEDGER_NON_ENTRY_MARKERS)
    unnumbered_total = voucher.isna() & key.str.contains(marker_pattern + r"|合计|累计", na=False)
    no_date_total = voucher.isna() & date.isna() & key.str.contains(r"合计|累计", na=False)
    mask = (exact | unnumbered_total | no_date_total).fillna(False).astype(bool) & ~already
    opening = key.str.contains("|".join(_OPENING_MARKERS), na=False)
    page = key.str.contains("|".join(_PAGE_MARKERS), na=False)
    kind = (
        pd.Series("合计行", index=index, dtype=TEXT_DTYPE)
        .where(~opening, "期初/结转余额行")
        .where(~page, "承前过次行")
    )
    return mask, kind


def parse_vouchers(
    voucher: pd.Series, type_text: pd.Series | None = None
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """``记-12`` / ``记12`` / ``记 字 第12号`` → (type 记, number 12, bad mask).

    A separate 凭证字 column supplies the type when the number column holds digits only.
    """
    key = squeeze(voucher)
    ok = key.str.fullmatch("([^0-9_—–-]+?字?)?[-_—–]?第?[0-9]{1,9}号?", na=False)
    vtype = key.str.replace("字?[-_—–]?第?[0-9]+号?$", "", regex=True).where(ok)
    vtype = vtype.where(vtype != "")
    if type_text is not None:
        separate = squeeze(type_text).str.replace("字$", "", regex=True)
        vtype = vtype.where(vtype.notna(), separate)
    digits = key.str.replace("号$", "", regex=True).str.replace("^.*[^0-9]", "", regex=True)
    number = pd.to_numeric(digits.where(ok)).astype("Int64")
    bad = voucher.notna() & ~ok
    return vtype.astype(TEXT_DTYPE), number, bad


def _title_unit(title: pd.DataFrame) -> tuple[str, str] | None:
    """(unit, label as written) from the first title line naming the unit, or None."""
    for _, row in title.iterrows():  # a handful of title lines, not data rows
        cells = [nfkc(_cell_text(v)) for v in row]
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


def unit_from_filename(path: Path) -> str | None:
    m = re.match(r"^明细账[_\-－—\s]+(.+)$", nfkc(Path(path).stem))
    return m.group(1).strip() if m else None


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


def load_ledger(path, *, unit: str | None = None, sheet: str | None = None) -> LoadResult:
    """One unit's 明细账 export (.xlsx, .xls or .csv) → one row per entry line.

    The sheet read is ``sheet`` when given (ignored for CSV); else the sheet named 明细账; else
    the only sheet of a one-sheet workbook (a plain ``Sheet1`` export); else the one sheet whose
    header has the ledger's required columns. A sheet other than 明细账 is recorded in
    ``normalisations``; no fitting sheet, or several, is an :class:`InputError` listing the sheets.

    Adds ``unit`` (the ``unit`` argument, else a 核算单位 / 编制单位 / 单位名称 / 单位 title line
    whose value is not a money or measure unit such as 元, else the file name ``明细账_<unit>``),
    ``voucher_type`` and ``voucher_no``. Subtotal, carried-balance and
    blank rows are dropped and listed in ``dropped``; exact duplicate lines are kept (the
    compliance step flags them) and counted in ``normalisations``.
    """
    path = Path(path)
    grid, why = _read_ledger_grid(path, sheet)
    return _load_ledger_batch([(path, grid, why, unit)])


def load_ledgers(paths: Iterable) -> LoadResult:
    """Several units' ledger exports, converted together (each file's unit taken from its own title/name).

    The result is what loading each file with :func:`load_ledger` and concatenating would give;
    stacking the files first runs every conversion once for all of them.
    """
    paths = sorted((Path(p) for p in paths), key=lambda p: p.name)
    if not paths:
        raise InputError("没有找到任何明细账文件")
    return _load_ledger_batch([(path, *_read_ledger_grid(path, None), None) for path in paths])


def _ledger_unit(path: Path, part: _Part, unit: str | None) -> tuple[str, str]:
    """The accounting unit and where it came from: the argument, the title line, the file name."""
    if unit:
        return unit, "调用参数"
    title_unit = _title_unit(part.grid.cells.iloc[: part.header.row])
    if title_unit:
        return title_unit[0], f"标题行「{title_unit[1]}」"
    file_unit = unit_from_filename(path)
    if file_unit:
        return file_unit, "文件名"
    raise InputError(
        "无法确定核算单位：表头上方没有「核算单位：…」或「编制单位：…」标题行（「金额单位：元」之类不算），"
        "文件名也不是「明细账_单位名称」格式；请在调用时指定 unit",
        file=part.grid.file,
        sheet=part.grid.sheet,
    )


def _load_ledger_batch(items: list[tuple[Path, RawGrid, str | None, str | None]]) -> LoadResult:
    """``(path, grid, why this sheet, unit)`` per file → one LoadResult, files in the given order."""
    parts: list[_Part] = []
    units: list[tuple[str, str]] = []
    for path, grid, _, unit in items:  # structural problems surface file by file, in order
        parts.append(_prepare(grid, schema.LEDGER, _VOUCHER_TYPE_HEADERS))
        units.append(_ledger_unit(path, parts[-1], unit))
    frame = _stack(parts, schema.LEDGER)
    data, rejects, dropped, counts = _load_frame(frame, drop_rule=_ledger_drop_rule)
    for k, (_, grid, why, _) in enumerate(items):
        if why:
            frame.note(k, "", f"明细账读自工作表「{grid.sheet}」（{why}）", 1)

    part = data["_part"].to_numpy()
    type_text = data.pop("voucher_type_text") if "voucher_type_text" in data.columns else None
    vtype, vno, vbad = parse_vouchers(data["voucher"], type_text)
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
    data = data.assign(voucher=voucher, voucher_type=vtype, voucher_no=vno).loc[~bad]
    part = data["_part"].to_numpy()

    for k, (chosen, source) in enumerate(units):
        frame.note(k, "", f"核算单位取自{source}：{chosen}", 1)
    data["unit"] = pd.Series(
        np.array([u for u, _ in units], dtype=object)[part], index=data.index, dtype=TEXT_DTYPE
    )

    canonical = [c.name for c in schema.LEDGER.columns]
    dupes = data.duplicated(subset=[*canonical, "_part"], keep="first")
    frame.note_rows(
        "", "发现完全相同的分录行（未删除，由合规检查标记）", part[dupes.to_numpy(dtype=bool)]
    )

    order = canonical + ["unit", "voucher_type", "voucher_no"] + list(schema.PROVENANCE_COLUMNS)
    return LoadResult(
        data=data.loc[:, order].reset_index(drop=True),
        rejects=_typed_rejects(rejects.reset_index(drop=True)),
        dropped=dropped,
        normalisations=frame.notes_frame(),
        counts=counts,
        sources=tuple(str(path) for path, *_ in items),
    )


# --------------------------------------------------------------------------- questionnaire


def load_survey(path) -> dict[str, LoadResult]:
    """问卷调查 workbook → ``{"survey", "survey_items", "survey_plan"}``.

    Responses keep one text column per item id of the 题目 sheet (Q1, Q2, …), answers as
    stripped text exactly as typed (``"4"``, ``"满意"``, ``"满意吧"``): validating Likert answers
    is the survey step's job, so that it can report invalid answers itself.
    """
    path = Path(path)
    items = load_table(path, schema.SURVEY_ITEMS)
    plan = load_table(path, schema.SURVEY_PLAN)
    item_ids = [str(i) for i in items.data["item_id"].tolist()]  # a few dozen items
    grid = read_grid(path, schema.SURVEY.sheet)
    frame, responses = _load(
        grid, schema.SURVEY, extra={i: i for i in item_ids}, validate_choices=False
    )
    missing = [i for i in item_ids if i not in frame.found]
    if missing:
        raise InputError(
            f"题目表中的题号在问卷数据表中没有对应的列：{'、'.join(missing)}；问卷数据表的表头是："
            + "、".join(t for t in (_cell_text(v) for v in grid.cells.iloc[frame.header.row]) if t),
            file=grid.file,
            sheet=grid.sheet,
            column="、".join(missing),
        )
    answers = responses.data.loc[:, item_ids].astype(TEXT_DTYPE)
    numeric = answers.apply(lambda col: col.str.fullmatch("[0-9]+", na=False)).to_numpy().sum()
    texty = answers.notna().to_numpy().sum() - numeric
    order = [c.name for c in schema.SURVEY.columns] + item_ids + list(schema.PROVENANCE_COLUMNS)
    responses.data = responses.data.loc[:, order]
    notes = [
        {
            "file": grid.file,
            "sheet": grid.sheet,
            "column": "、".join(item_ids),
            "action": "答案按文本保留（数字作答）",
            "count": int(numeric),
        },
        {
            "file": grid.file,
            "sheet": grid.sheet,
            "column": "、".join(item_ids),
            "action": "答案按文本保留（文字作答）",
            "count": int(texty),
        },
    ]
    responses.normalisations = pd.concat(
        [responses.normalisations, _notes_frame([n for n in notes if n["count"]])],
        ignore_index=True,
    )
    return {"survey": _with_source(responses, path), "survey_items": items, "survey_plan": plan}
