"""Cell conversions, one vectorised pass per column: amounts to fen, dates, numbers, codes, choices.

Each parser returns a :class:`Converted`: the values, which cells are bad and why, and which cells
each normalisation (full-width digits, currency signs, red-ink brackets…) was applied to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jixiao import schema
from jixiao.distinct import encode, spread, spread_mask
from jixiao.readers import nfkc

from .result import DATE_DTYPE, TEXT_DTYPE

_EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # serial 1 = 1900-01-01, with Excel's 1900 leap-year bug
# 1900-03-01 … 2173-10-14: below 61 Excel's leap-year bug shifts days, and a number of six or more
# digits (201705) is far likelier a typing slip than a date in the 23rd century.
_MIN_SERIAL, _MAX_SERIAL = 61, 99999
_CHOICE_SEPARATORS = r"[、,;/]"

# Patterns below avoid \s, \d, look-arounds and back-references so that pandas runs them in
# pyarrow's RE2 engine instead of falling back to Python's re one cell at a time.
SPACES = "[ \t\r\n\u3000\xa0]+"


def to_halfwidth(text: pd.Series) -> pd.Series:
    """NFKC (full-width digits, letters, brackets → half-width), applied only to non-ASCII cells."""
    wide = text.str.contains("[^ -~]", regex=True, na=False)
    if not wide.any():
        return text
    # Normalised once per distinct text (a column repeats its 摘要, names and units).
    codes, distinct = pd.factorize(text[wide])
    normalised = pd.Series(distinct, dtype=text.dtype).str.normalize("NFKC").to_numpy(object)
    return text.where(~wide, pd.Series(normalised[codes], index=text.index[wide], dtype=text.dtype))


def squeeze(text: pd.Series) -> pd.Series:
    """NFKC and no whitespace at all: the form used to compare codes, markers and choices."""
    return to_halfwidth(text).str.replace(SPACES, "", regex=True)


def as_text(raw: pd.Series) -> pd.Series:
    """Cells as stripped text (NA when empty); whole-number floats lose their ``.0``."""
    if isinstance(raw.dtype, pd.StringDtype) and raw.dtype.storage == "pyarrow":
        # Arrow-backed text (a CSV): the same steps on the Arrow array, without pandas' wrappers.
        arr = pc.utf8_trim_whitespace(pc.fill_null(_arrow(raw), ""))
        whole_float = pc.match_substring_regex(arr, "^-?[0-9]+\\.0$")
        arr = pc.if_else(whole_float, pc.utf8_slice_codeunits(arr, 0, -2), arr)
        arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr)
        return pd.Series(pd.array(arr, dtype=TEXT_DTYPE), index=raw.index)
    text = raw.where(raw.notna(), "").astype(TEXT_DTYPE).str.strip()
    whole_float = text.str.fullmatch(r"-?[0-9]+\.0", na=False)
    text = text.where(~whole_float, text.str.slice(0, -2))
    return text.where(text != "")


def _arrow(text: pd.Series) -> pa.Array:
    """The Arrow array behind a ``str`` Series (one chunk)."""
    arr = pa.array(text.array) if not hasattr(text.array, "_pa_array") else text.array._pa_array
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


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


# Plain amounts (≤ 13 integer digits) and amounts with thousands separators every three digits
# (≤ 12 integer digits), ≤ 2 decimals: all parse_money_text would do to these is drop the commas.
_FAST_AMOUNT = "^-?([0-9]{1,13}|[0-9]{1,3}(,[0-9]{3}){1,3})(\\.[0-9]{0,2})?$"


def parse_money(text: pd.Series, *, blank_is_zero: bool) -> Converted:
    """Text amounts in 元 → integer fen, exactly (round half to even at the third decimal).

    Plain amounts with at most two decimals (the bulk of any ledger), with or without thousands
    separators, take a fast path on the Arrow array; only the other cells go through the full
    text clean-up of :func:`parse_money_text`, once per distinct text.
    """
    arr = _arrow(text.astype(TEXT_DTYPE))
    present_arr = pc.is_valid(arr)
    fast_arr = pc.fill_null(pc.match_substring_regex(arr, _FAST_AMOUNT), False)
    grouped_arr = pc.and_(fast_arr, pc.fill_null(pc.match_substring(arr, ","), False))
    # ≤ 13 integer digits and ≤ 2 decimals: x * 100 is within 0.1 of an integer in binary
    # floating point, so rounding it gives the exact fen (pyarrow's parser is correctly rounded).
    digits = pc.if_else(fast_arr, pc.replace_substring(arr, ",", ""), "0")
    fen = np.rint(pc.cast(digits, pa.float64()).to_numpy(zero_copy_only=False) * 100)
    plain = fast_arr.to_numpy(zero_copy_only=False)
    present = present_arr.to_numpy(zero_copy_only=False)
    values = pd.Series(pd.array(fen, dtype="Int64"), index=text.index).where(plain)
    other = present & ~plain
    bad = pd.Series(False, index=text.index)
    reason: pd.Series | str = ""
    actions: dict[str, pd.Series] = {}
    grouped = pd.Series(grouped_arr.to_numpy(zero_copy_only=False), index=text.index)
    if other.any():
        slow = convert_distinct(text[other], parse_money_text)
        values[other] = slow.values
        bad[other] = slow.bad
        if slow.bad.any():
            reason = pd.Series("", index=text.index, dtype=TEXT_DTYPE)
            reason[other] = slow.reason
        actions = {
            action: mask.reindex(text.index, fill_value=False)
            for action, mask in slow.actions.items()
        }
    if grouped.any():
        thousands = "去除千位分隔符"
        actions[thousands] = grouped | actions[thousands] if thousands in actions else grouped
    if blank_is_zero:
        values = values.where(present, 0)
        actions["空白金额按 0 处理"] = pd.Series(~present, index=text.index)
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
        text.notna() & mapped.isna() & ~parts_ok.astype("boolean").fillna(False).astype(bool)
        if validate
        else pd.Series(False, index=text.index)
    )
    reason = "「" + text.fillna("") + "」不是可选值之一（" + "、".join(choices) + "）"
    return Converted(values, bad, reason, {"取值规范为可选值的标准写法": _count(fixed)})


def convert_column(
    text: pd.Series,
    column: schema.Column,
    *,
    validate_choices: bool = True,
    encoded: tuple[np.ndarray, pd.Series] | None = None,
    index: pd.Index | None = None,
) -> Converted:
    """Convert a column of text cells; every parser works cell by cell, so a column whose values
    repeat is converted once per distinct value (``encoded``: positions and distinct values, as
    :func:`jixiao.distinct.encode` gives them) and spread back. With ``encoded``, ``text`` may be
    None (the cells are ``distinct`` taken at ``positions``, labelled ``index``), except for
    amounts."""
    if column.type == "money":
        return parse_money(text, blank_is_zero=column.name in ("debit_fen", "credit_fen"))
    if column.type == "date":
        parse = parse_dates
    elif column.type == "int":
        parse = parse_int
    elif column.type == "number":
        parse = parse_number
    elif column.type == "code":
        parse = parse_code
    else:

        def parse(values: pd.Series) -> Converted:
            return parse_text(values, column.choices, validate=validate_choices)

    return convert_distinct(text, parse, encoded=encoded, index=index)


def convert_distinct(
    text: pd.Series | None,
    parse,
    *,
    encoded: tuple[np.ndarray, pd.Series] | None = None,
    index: pd.Index | None = None,
) -> Converted:
    """``parse`` (a function of a text Series returning :class:`Converted`) run once per distinct
    text when the texts repeat, and spread back to every cell (``text`` None: see
    :func:`convert_column`)."""
    if encoded is None:
        encoded = encode(text)
    if encoded is None:
        return parse(text)
    positions, distinct = encoded
    if text is not None:
        if len(distinct) >= len(text):
            return parse(text)
        index = text.index
    done = parse(distinct)
    bad = spread_mask(done.bad, positions, index)
    reason = done.reason
    if not isinstance(reason, str):
        reason = spread(reason, positions, index) if bad.any() else ""
    return Converted(
        spread(done.values, positions, index),
        bad,
        reason,
        {action: spread_mask(mask, positions, index) for action, mask in done.actions.items()},
    )


def dtype_for(column: schema.Column) -> str:
    if column.type == "money":
        return "int64" if column.name in ("debit_fen", "credit_fen") or column.required else "Int64"
    return {"date": DATE_DTYPE, "int": "Int64", "number": "float64"}.get(column.type, TEXT_DTYPE)


_ZEROS_FORMAT = re.compile(r"(0+)(?:\.(0+))?")


def shortest_text(number: float) -> str:
    """A number as Excel's General format shows it: 101.0 → 101, 5001.1 → 5001.1."""
    return str(int(number)) if float(number).is_integer() else repr(float(number))


def excel_display(numbers: pd.Series, format_code: str) -> pd.Series:
    """Numbers as Excel displays them under a number format made of zeros (``0000``, ``0.00``);
    any other format (General, ``@``, ``#,##0``) shows the shortest form, as General does."""
    section = format_code.split(";", 1)[0]
    section = re.sub(r'\[[^\]]*\]|"|\\', "", section).strip()
    zeros = _ZEROS_FORMAT.fullmatch(section)
    if zeros is None:
        return numbers.map(shortest_text)
    decimals = len(zeros.group(2) or "")
    width = len(zeros.group(1)) + (decimals + 1 if decimals else 0)
    text = np.char.mod(f"%0{width}.{decimals}f", numbers.to_numpy(dtype="float64"))
    return pd.Series(text, index=numbers.index, dtype=object)
