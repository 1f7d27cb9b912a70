"""The unstyled pieces a report is made of, shared by the report model and its renderers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Block:
    """One piece of the report: ``kind`` is heading, paragraph, table, figure or page_break."""

    kind: str
    text: str = ""
    level: int = 0
    style: str = ""  # a role in jixiao.report.docx_styles.STYLES; "" for the kind's default
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    path: str = ""  # a figure's PNG
