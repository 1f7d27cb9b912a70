"""Which dates are not working days in mainland China: weekends and public holidays, with the
make-up workdays (调休, e.g. Saturday 2017-09-30) counted as working days.

The official calendar comes from the ``chinese_calendar`` package. Lookups run over the unique
dates of a ledger only and use its tables directly, so a million postings cost one pass.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from chinese_calendar import Holiday
from chinese_calendar import holidays as _HOLIDAYS
from chinese_calendar import workdays as _MAKEUP_WORKDAYS

_WEEKDAY_NAMES = np.array(["周一", "周二", "周三", "周四", "周五", "周六", "周日"])
_HOLIDAY_CHINESE = {h.value: h.chinese for h in Holiday}
CALENDAR_YEARS = (min(_HOLIDAYS).year, max(_HOLIDAYS).year)


def day_kinds(dates: pd.Series, *, use_holidays: bool = True) -> pd.DataFrame:
    """One row per unique date: ``date``, ``is_off`` (not a working day) and ``day_kind``.

    ``day_kind`` is Chinese: "周六" / "周日" for an ordinary weekend, the holiday's name (e.g.
    "国庆节") for a public holiday, "调休工作日" for a make-up workday. With ``use_holidays``
    off only weekends count, as when the calendar is switched off in the parameters. Dates
    outside the years the calendar knows fall back to weekends and say so in ``calendar_note``.
    """
    distinct = pd.Series(pd.unique(pd.to_datetime(pd.Series(dates)).dropna()))  # days repeat
    unique = pd.Series(pd.unique(distinct.dt.normalize()), dtype="datetime64[us]")
    unique = unique.sort_values(ignore_index=True)
    weekday = unique.dt.day_of_week.to_numpy()
    weekend = weekday >= 5
    kind = pd.Series(_WEEKDAY_NAMES[weekday], dtype="str")
    out = pd.DataFrame(
        {"date": unique, "is_off": weekend, "day_kind": kind.where(weekend, "工作日")}
    )
    out["calendar_note"] = pd.Series("", index=out.index, dtype="str")
    if not use_holidays or unique.empty:
        return out

    as_dates = pd.Series(unique.dt.date, dtype="object")  # the calendar's keys are datetime.date
    holiday_name = as_dates.map(_HOLIDAYS).map(_HOLIDAY_CHINESE).astype("str")
    makeup = as_dates.map(_MAKEUP_WORKDAYS).notna().to_numpy()
    known = (
        (unique.dt.year >= CALENDAR_YEARS[0]) & (unique.dt.year <= CALENDAR_YEARS[1])
    ).to_numpy()

    is_holiday = holiday_name.notna().to_numpy() & known
    out["is_off"] = np.where(known, (weekend & ~makeup) | is_holiday, weekend)
    out["day_kind"] = out["day_kind"].where(~is_holiday, holiday_name + "假期")
    out["day_kind"] = out["day_kind"].where(~(makeup & known), "调休工作日")
    out["calendar_note"] = out["calendar_note"].where(
        known, f"日历仅覆盖{CALENDAR_YEARS[0]}—{CALENDAR_YEARS[1]}年，仅按周末判断"
    )
    return out


def is_off_day(dates: pd.Series, *, use_holidays: bool = True) -> pd.Series:
    """Boolean per input date (aligned with ``dates``): not a working day."""
    kinds = day_kinds(dates, use_holidays=use_holidays).set_index("date")["is_off"]
    normalised = pd.to_datetime(pd.Series(dates)).dt.normalize()
    return normalised.map(kinds).fillna(False).astype(bool)
