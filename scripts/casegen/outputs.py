"""产出完成情况: planned and actual output counts, written with schema.OUTPUTS headers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jixiao import schema

from . import common


@dataclass(frozen=True)
class Output:
    output_id: str
    indicator: str
    measure_unit: str
    planned: float
    actual: float
    evidence: str
    category: str = "数量"
    completed_on_time: str = "是"
    quality_passed: str = "是"
    planned_cost_fen: int | None = None  # 计划成本（元）, in fen; None: not stated
    actual_cost_fen: int | None = None  # 实际成本（元）


def _yuan(fen: int | None) -> float | None:
    return None if fen is None else fen / 100


def write_outputs(
    outputs: list[Output], path: Path, *, title: str, timestamp=common.DEFAULT_TIMESTAMP
) -> int:
    table = schema.OUTPUTS
    header = [c.header for c in table.columns]
    wb, ws = common.new_workbook(table.sheet)
    common.title_row(ws, 1, title, len(header))
    rows = [
        (
            o.output_id,
            o.indicator,
            o.category,
            o.measure_unit,
            o.planned,
            o.actual,
            o.completed_on_time,
            o.quality_passed,
            o.evidence,
            _yuan(o.planned_cost_fen),
            _yuan(o.actual_cost_fen),
        )
        for o in outputs
    ]
    n = common.write_table(ws, header, rows, start_row=2, formats={9: "#,##0.00", 10: "#,##0.00"})
    common.set_widths(ws, (10, 40, 8, 9, 9, 11, 9, 9, 60, 14, 14))
    common.save_workbook(wb, path, timestamp=timestamp)
    return n
