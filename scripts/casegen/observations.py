"""评价组观察记录: problems found by file review, meetings, site visits, surveys, interviews."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from openpyxl.styles import Alignment

from jixiao import schema

from . import common


@dataclass(frozen=True)
class Observation:
    observation_id: str
    title: str
    description: str
    dimension: str
    indicator: str
    units: str
    evidence_source: str
    evidence_detail: str
    severity: str
    recorded_by: str
    recorded_on: dt.date
    category: str = ""  # 问题类别 (jixiao.finding_categories); blank: left to the team

    def __post_init__(self):
        if self.evidence_source not in schema.EVIDENCE_SOURCES:
            raise ValueError(
                f"{self.observation_id}: unknown evidence source {self.evidence_source!r}"
            )
        if self.severity not in schema.SEVERITIES:
            raise ValueError(f"{self.observation_id}: unknown severity {self.severity!r}")


def write_observations(
    observations: list[Observation], path: Path, *, title: str, timestamp=common.DEFAULT_TIMESTAMP
) -> int:
    table = schema.OBSERVATIONS
    header = [c.header for c in table.columns]
    wb, ws = common.new_workbook(table.sheet)
    common.title_row(ws, 1, title, len(header))
    rows = [
        (
            o.observation_id,
            o.title,
            o.description,
            o.dimension,
            o.indicator,
            o.units or None,
            o.evidence_source,
            o.evidence_detail,
            o.severity,
            o.recorded_by,
            o.recorded_on,
            o.category or None,
        )
        for o in observations
    ]
    n = common.write_table(ws, header, rows, start_row=2, formats={10: "yyyy-mm-dd"})
    common.set_widths(ws, (9, 24, 70, 9, 28, 30, 10, 60, 9, 9, 12))
    for row in ws.iter_rows(min_row=3, max_row=2 + n):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    common.save_workbook(wb, path, timestamp=timestamp)
    return n
