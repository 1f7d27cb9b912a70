"""Labels and orderings every part of the year comparison shares."""

from __future__ import annotations

import pandas as pd

ALL_RESPONDENTS = "全部受访者"
ARRIVAL_PERCENT = ("资金到位率", "到位及时率")


def year_label(year: int) -> str:
    return f"{year}年"


def first_seen_order(labels: pd.Series) -> list[str]:
    # First appearance over the years keeps the framework's order (投入, 过程, 产出, 效果)
    # and the survey's group order, instead of an alphabetical one.
    return list(dict.fromkeys(labels.astype(str)))
