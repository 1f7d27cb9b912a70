"""One raw kind at a time: ``load_table`` reads a sheet (or a text export) of any kind the
schema describes through the generic loader of :mod:`.frames`; the 资金下达, 产出, 电话访谈 and
观察记录 loaders are its named uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd

from jixiao import schema
from jixiao.delimited import read_grid
from jixiao.readers import RawGrid

from .frames import DropRule, Part, load_frame, prepare, stack
from .result import TEXT_DTYPE, LoadResult


def load_sheet(
    grid: RawGrid,
    table: schema.Table,
    *,
    extra: dict[str, str] | None = None,
    drop_rule: DropRule | None = None,
    validate_choices: bool = True,
) -> tuple[Part, LoadResult]:
    part = prepare(grid, table, extra)
    frame = stack([part], table)
    data, rejects, dropped, counts = load_frame(
        frame, drop_rule=drop_rule, validate_choices=validate_choices
    )
    result = LoadResult(
        data=data.drop(columns="_part"),
        rejects=typed_rejects(rejects),
        dropped=dropped,
        normalisations=frame.notes_frame(),
        counts=counts,
        sources=(str(grid.file),),
    )
    return part, result


def typed_rejects(rejects: pd.DataFrame) -> pd.DataFrame:
    out = rejects.loc[:, list(schema.REJECT_COLUMNS)].copy()
    for c in schema.REJECT_COLUMNS:
        out[c] = out[c].astype("int64" if c == "row" else TEXT_DTYPE)
    return out


def load_table(path, table: schema.Table, *, sheet: str | None = None) -> LoadResult:
    """Load one sheet (or CSV) of any raw kind described in :mod:`jixiao.schema`.

    ``sheet`` overrides ``table.sheet``; ``None`` for both means the first sheet.
    """
    grid = read_grid(Path(path), sheet or table.sheet)
    _, result = load_sheet(grid, table)
    return with_source(result, path)


def with_source(result: LoadResult, path) -> LoadResult:
    result.sources = (str(Path(path)),)
    return result


def load_allocations(path, *, grant_types: Sequence[str] | None = None) -> LoadResult:
    """资金下达明细: one row per grant (amounts in fen, issue and arrival dates).

    ``grant_types`` are the project's grant types (its profile's ``[[grant_types]]``): a row of
    another type is rejected naming the value and the allowed names; ``None`` checks no type.
    """
    table = schema.ALLOCATIONS
    if grant_types is not None:
        table = replace(
            table,
            columns=tuple(
                replace(c, choices=tuple(grant_types)) if c.name == "grant_type" else c
                for c in table.columns
            ),
        )
    return load_table(path, table)


def load_outputs(path) -> LoadResult:
    """产出完成情况: planned and actual outputs per indicator."""
    return load_table(path, schema.OUTPUTS)


def load_interviews(path) -> LoadResult:
    """电话访谈记录: one row per interview question (personal data is masked at the ingest step)."""
    return load_table(path, schema.INTERVIEWS)


def load_observations(path) -> LoadResult:
    """评价组观察记录: the evaluator's typed-in problems with their evidence source."""
    return load_table(path, schema.OBSERVATIONS)
