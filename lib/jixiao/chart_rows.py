"""How many rows a per-unit chart shows, so it stays readable for a province's 200+ units.

A chart with one bar or line per unit, grant or community is read by an evaluator looking for
the few that matter (the latest grants, the largest amounts, the lowest satisfaction); past a
few dozen rows it becomes a wall of labels thousands of pixels tall. Each such chart therefore
shows at most ``MAX_CHART_ROWS`` rows — the ones that matter most by the chart's own order — and
says in its title how many it left out; summable charts add one row with the rest's total. The
full table is always in the workpapers. Heights are capped at ``MAX_HEIGHT_INCHES``.
"""

from __future__ import annotations

import pandas as pd

MAX_CHART_ROWS = 30
MAX_HEIGHT_INCHES = 14.0


def chart_height(rows: int, *, per_row: float, base: float, minimum: float = 3.0) -> float:
    """Figure height in inches for ``rows`` rows, between ``minimum`` and the cap."""
    return min(MAX_HEIGHT_INCHES, max(minimum, per_row * rows + base))


def most_relevant(
    data: pd.DataFrame,
    *,
    by: list[str],
    ascending: list[bool] | bool,
    limit: int = MAX_CHART_ROWS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``limit`` rows first in the order ``by`` / ``ascending`` and the rows left out, each in
    the data's own order (so a chart keeps its usual sorting)."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    if len(data) <= limit:
        return data, data.iloc[0:0]
    ranked = data.sort_values(by, ascending=ascending, kind="stable")
    kept = data.index.isin(ranked.index[:limit])
    return data[kept], data[~kept]


def with_rest_total(
    shown: pd.DataFrame, rest: pd.DataFrame, *, label_column: str, sum_columns: list[str], what: str
) -> pd.DataFrame:
    """``shown`` plus one row summing ``sum_columns`` over ``rest``, labelled 其余N个<what>（合计）."""
    if rest.empty:
        return shown
    total = {c: rest[c].sum() for c in sum_columns if c in rest}
    total[label_column] = f"其余{len(rest)}个{what}（合计）"
    return pd.concat([shown, pd.DataFrame([total])], ignore_index=True)


def left_out_note(rest: pd.DataFrame, *, what: str, shown_as: str) -> str:
    """Title suffix saying what the chart left out, or "" when it shows everything."""
    if rest.empty:
        return ""
    return f"\n（列示{shown_as}；其余{len(rest)}{what}见工作底稿）"
