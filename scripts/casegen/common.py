"""Shared helpers: deterministic workbook/CSV writing, fictional people, working days."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

import chinese_calendar
import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from jixiao import export as jixiao_export

# Written into docProps/core.xml and every zip entry so two runs give identical bytes.
DEFAULT_TIMESTAMP = dt.datetime(2019, 10, 31, 9, 0, 0)

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="999999")
HEADER_BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


# --------------------------------------------------------------------------- workbooks
def new_workbook(sheet_title: str) -> tuple[Workbook, object]:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title
    return wb, ws


def style_header(ws, row: int, ncols: int) -> None:
    for col in range(1, ncols + 1):
        cell = ws.cell(row=row, column=col)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = HEADER_BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def set_widths(ws, widths: Sequence[float]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def title_row(ws, row: int, text: str, ncols: int, *, size: int = 14, merge: bool = True) -> None:
    ws.cell(row=row, column=1, value=text).font = Font(bold=True, size=size)
    if merge and ncols > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
        ws.cell(row=row, column=1).alignment = Alignment(horizontal="center")


def write_table(
    ws,
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    start_row: int = 1,
    formats: dict[int, str] | None = None,
) -> int:
    """Header at ``start_row``, rows below; ``formats`` maps 0-based column → number format.

    Returns the number of data rows written.
    """
    for j, text in enumerate(header, start=1):
        ws.cell(row=start_row, column=j, value=text)
    style_header(ws, start_row, len(header))
    n = 0
    for i, values in enumerate(rows, start=start_row + 1):
        for j, value in enumerate(values, start=1):
            if value is None:
                continue
            cell = ws.cell(row=i, column=j, value=value)
            if formats and (j - 1) in formats:
                cell.number_format = formats[j - 1]
        n += 1
    ws.freeze_panes = ws.cell(row=start_row + 1, column=1)
    return n


def save_workbook(
    wb: Workbook, path: Path, *, timestamp: dt.datetime = DEFAULT_TIMESTAMP, author: str = ""
) -> Path:
    """Save byte-for-byte reproducibly (fixed document properties and zip timestamps)."""
    return jixiao_export.save_workbook(wb, path, timestamp=timestamp, creator=author or None)


def write_csv(path: Path, rows: Iterable[Sequence], *, encoding: str = "gb18030") -> Path:
    """CSV as Chinese accounting software exports it: CRLF line ends, given encoding."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.getvalue().encode(encoding))
    return path


# --------------------------------------------------------------------------- money
def yuan(fen: int) -> float:
    """Fen → 元 as a float that prints with at most two decimals (exact round trip)."""
    return round(int(fen) / 100, 2)


def yuan_text(fen: int) -> str:
    """Fen → '12,345.60' as exports with thousands separators write it."""
    fen = int(fen)
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


# --------------------------------------------------------------------------- dates
def working_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """Monday–Friday days that are not public holidays (inclusive range).

    Weekend make-up days (调休) are left out on purpose: postings on a Saturday or Sunday
    are the only weekend postings a check should see.
    """
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5 and chinese_calendar.is_workday(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_end(day: dt.date) -> dt.date:
    nxt = dt.date(day.year + 1, 1, 1) if day.month == 12 else dt.date(day.year, day.month + 1, 1)
    return nxt - dt.timedelta(days=1)


# --------------------------------------------------------------------------- people
SURNAMES = tuple(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万严覃戴向汤"
)
GIVEN_CHARS = tuple(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力兰志林云飞鹏斌宇浩凯"
    "俊峰琴晶雪梅丹婷慧琳颖倩欣雨思佳子涵博晨阳振国庆春海燕凤荣德成兵宏亮中松祥胜新"
)
MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "180",
    "181",
    "182",
    "183",
    "186",
    "187",
    "188",
    "189",
)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def fictional_names(rng: np.random.Generator, n: int) -> list[str]:
    surnames = rng.choice(len(SURNAMES), size=n)
    two_char = rng.random(n) < 0.7
    first = rng.choice(len(GIVEN_CHARS), size=n)
    second = rng.choice(len(GIVEN_CHARS), size=n)
    return [
        SURNAMES[s] + GIVEN_CHARS[a] + (GIVEN_CHARS[b] if two else "")
        for s, a, b, two in zip(surnames, first, second, two_char, strict=True)
    ]


def fictional_mobiles(rng: np.random.Generator, n: int) -> list[str]:
    prefixes = rng.choice(len(MOBILE_PREFIXES), size=n)
    tails = rng.integers(0, 100_000_000, size=n)
    return [f"{MOBILE_PREFIXES[p]}{t:08d}" for p, t in zip(prefixes, tails, strict=True)]


def id_check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of a resident ID number (GB 11643)."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def fictional_id_numbers(
    rng: np.random.Generator,
    n: int,
    area_codes: Sequence[str],
    born_from: dt.date,
    born_to: dt.date,
) -> list[str]:
    areas = rng.choice(len(area_codes), size=n)
    span = (born_to - born_from).days
    offsets = rng.integers(0, span + 1, size=n)
    serials = rng.integers(1, 1000, size=n)
    numbers = []
    for a, off, serial in zip(areas, offsets, serials, strict=True):
        birth = born_from + dt.timedelta(days=int(off))
        first17 = f"{area_codes[a]}{birth:%Y%m%d}{serial:03d}"
        numbers.append(first17 + id_check_digit(first17))
    return numbers


def fictional_companies(
    rng: np.random.Generator, n: int, trades: Sequence[str], city: str = "荆门市"
) -> list[str]:
    """Distinct made-up firm names such as 荆门市鑫和装饰工程有限公司."""
    syllables = "鑫和宏达瑞丰恒盛华泰金源嘉禾天成锦程安顺兴隆永信东方明德博远汇通佳美正阳楚韵荆华"
    pairs = [a + b for a in syllables for b in syllables if a != b]
    picks = rng.choice(len(pairs), size=n, replace=False)
    trade_picks = rng.choice(len(trades), size=n)
    return [f"{city}{pairs[p]}{trades[t]}" for p, t in zip(picks, trade_picks, strict=True)]
