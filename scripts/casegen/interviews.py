"""电话访谈记录: one row per interview question, coded answers and a short note."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from jixiao import schema

from . import common


@dataclass(frozen=True)
class Question:
    question_id: str
    text: str
    codes: tuple[str, ...]
    groups: tuple[str, ...]  # respondent groups asked this question
    weights: dict[str, tuple[float, ...]]  # group → probability of each code
    notes: dict[str, tuple[str, ...]]  # code → free-text notes to draw from


@dataclass(frozen=True)
class InterviewCase:
    questions: tuple[Question, ...]
    group_counts: dict[str, int]  # interviews per respondent group
    communities: dict[str, tuple[str, ...]]  # group → communities its interviewees come from
    first_day: dt.date
    last_day: dt.date
    id_prefix: str = "FT"


def build_interviews(rng: np.random.Generator, case: InterviewCase) -> list[tuple]:
    """Rows in schema.INTERVIEWS column order, interviews in date order."""
    groups = [g for g in case.group_counts for _ in range(case.group_counts[g])]
    order = rng.permutation(len(groups))
    days = common.working_days(case.first_day, case.last_day)
    dates = sorted(days[int(i)] for i in rng.integers(0, len(days), size=len(groups)))
    names = common.fictional_names(rng, len(groups))
    phones = common.fictional_mobiles(rng, len(groups))
    rows = []
    for n, (k, date, name, phone) in enumerate(
        zip(order, dates, names, phones, strict=True), start=1
    ):
        group = groups[int(k)]
        pool = case.communities[group]
        community = pool[int(rng.integers(len(pool)))]
        for q in case.questions:
            if group not in q.groups:
                continue
            code = q.codes[int(rng.choice(len(q.codes), p=np.asarray(q.weights[group])))]
            notes = q.notes.get(code, ())
            note = notes[int(rng.integers(len(notes)))] if notes else None
            rows.append(
                (
                    f"{case.id_prefix}-{n:03d}",
                    date,
                    community,
                    group,
                    name,
                    phone,
                    q.question_id,
                    q.text,
                    code,
                    note,
                )
            )
    return rows


def write_interviews(
    rows: list[tuple],
    path: Path,
    *,
    title: str,
    timestamp=common.DEFAULT_TIMESTAMP,
    community_header: str | None = None,
) -> int:
    table = schema.INTERVIEWS
    header = [c.header for c in table.columns]
    if community_header:  # the project's own header for the place column (project.toml)
        header[[c.name for c in table.columns].index("community")] = community_header
    wb, ws = common.new_workbook(table.sheet)
    common.title_row(ws, 1, title, len(header))
    n = common.write_table(ws, header, rows, start_row=2, formats={1: "yyyy-mm-dd"})
    common.set_widths(ws, (10, 12, 12, 11, 10, 14, 9, 46, 10, 50))
    common.save_workbook(wb, path, timestamp=timestamp)
    return n
