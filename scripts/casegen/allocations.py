"""资金下达明细: one row per grant (下达 and 到账), written with schema.ALLOCATIONS headers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from jixiao import schema

from . import common


@dataclass(frozen=True)
class Grant:
    grant_id: str
    district: str
    street: str
    community: str
    grant_type: str
    doc_number: str
    issued_date: dt.date
    amount_fen: int
    arrived_date: dt.date | None = None  # None: drawn from the on-time arrival window
    arrived_fen: int | None = None  # None: the full amount
    note: str = ""

    @property
    def recipient_unit(self) -> str:
        return unit_name(self.community)


def unit_name(community: str) -> str:
    """Accounting unit of a community: its residents' committee."""
    return f"{community}居民委员会"


def settle_arrivals(
    grants: list[Grant], rng: np.random.Generator, windows: dict[str, tuple[dt.date, dt.date]]
) -> list[Grant]:
    """Fill missing arrival dates with working days inside each grant type's window.

    Grants that already carry an arrival date (the late ones) keep it.
    """
    settled = []
    for grant in grants:
        arrived = grant.arrived_date
        if arrived is None:
            days = common.working_days(*windows[grant.grant_type])
            arrived = days[int(rng.integers(len(days)))]
        amount = grant.amount_fen if grant.arrived_fen is None else grant.arrived_fen
        settled.append(replace(grant, arrived_date=arrived, arrived_fen=amount))
    return settled


def excel_serial(day: dt.date) -> int:
    """The number Excel stores for a date (days since 1899-12-30)."""
    return (day - dt.date(1899, 12, 30)).days


def write_allocations(
    grants: list[Grant],
    path: Path,
    *,
    title: str,
    timestamp=common.DEFAULT_TIMESTAMP,
    subtitle: str = "",
    serial_arrival_dates: bool = False,
    blank_after: tuple[int, ...] = (),
    community_header: str | None = None,
) -> int:
    """One row per grant. Options for messier sheets: a ``subtitle`` line under the title,
    arrival dates keyed as bare Excel serial numbers (a column pasted without its date
    format), and empty rows after the given (1-based) grant positions.

    Returns the number of grant rows written.
    """
    table = schema.ALLOCATIONS
    header = [c.header for c in table.columns]
    if community_header:  # the project's own header for the place column (project.toml)
        header[[c.name for c in table.columns].index("community")] = community_header
    wb, ws = common.new_workbook(table.sheet)
    common.title_row(ws, 1, title, len(header))
    if subtitle:
        ws.cell(row=2, column=1, value=subtitle)
    rows = []
    for k, g in enumerate(grants, start=1):
        arrived = excel_serial(g.arrived_date) if serial_arrival_dates else g.arrived_date
        rows.append(
            (
                g.grant_id,
                g.district,
                g.street,
                g.community,
                g.grant_type,
                g.doc_number,
                g.issued_date,
                common.yuan(g.amount_fen),
                arrived,
                common.yuan(g.arrived_fen),
                g.recipient_unit,
                g.note or None,
            )
        )
        if k in blank_after:
            rows.append((None,) * len(header))
    formats = {6: "yyyy-mm-dd", 7: "#,##0.00", 9: "#,##0.00"}
    if not serial_arrival_dates:
        formats[8] = "yyyy-mm-dd"
    common.write_table(ws, header, rows, start_row=3 if subtitle else 2, formats=formats)
    n = len(grants)
    common.set_widths(ws, (12, 9, 11, 12, 22, 20, 12, 15, 12, 15, 22, 30))
    common.save_workbook(wb, path, timestamp=timestamp)
    return n
