"""The 问卷调查 workbook: responses, the 题目 sheet and the sampling plan sheet."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from jixiao import schema
from jixiao.delimited import read_grid
from jixiao.errors import InputError

from .headers import cell_text
from .result import TEXT_DTYPE, LoadResult, notes_frame
from .tables import load_sheet, load_table, with_source


def load_survey(path, *, tables: Mapping[str, schema.Table] | None = None) -> dict[str, LoadResult]:
    """问卷调查 workbook → ``{"survey", "survey_items", "survey_plan"}``.

    ``tables`` (kind → table) give the project's own headers and respondent groups
    (:func:`jixiao.schema.with_vocabulary`); the schema's tables otherwise.

    Responses keep one text column per item id of the 题目 sheet (Q1, Q2, …), answers as
    stripped text exactly as typed (``"4"``, ``"满意"``, ``"满意吧"``): validating Likert answers
    is the survey step's job, so that it can report invalid answers itself.
    """
    path = Path(path)
    tables = tables or {}
    survey = tables.get("survey", schema.SURVEY)
    items = load_table(path, tables.get("survey_items", schema.SURVEY_ITEMS))
    plan = load_table(path, tables.get("survey_plan", schema.SURVEY_PLAN))
    item_ids = [str(i) for i in items.data["item_id"].tolist()]  # a few dozen items
    grid = read_grid(path, schema.SURVEY.sheet)
    frame, responses = load_sheet(
        grid, survey, extra={i: i for i in item_ids}, validate_choices=False
    )
    missing = [i for i in item_ids if i not in frame.found]
    if missing:
        raise InputError(
            f"题目表中的题号在问卷数据表中没有对应的列：{'、'.join(missing)}；问卷数据表的表头是："
            + "、".join(t for t in (cell_text(v) for v in grid.cells.iloc[frame.header.row]) if t),
            file=grid.file,
            sheet=grid.sheet,
            column="、".join(missing),
        )
    answers = responses.data.loc[:, item_ids].astype(TEXT_DTYPE)
    numeric = answers.apply(lambda col: col.str.fullmatch("[0-9]+", na=False)).to_numpy().sum()
    texty = answers.notna().to_numpy().sum() - numeric
    order = [c.name for c in schema.SURVEY.columns] + item_ids + list(schema.PROVENANCE_COLUMNS)
    responses.data = responses.data.loc[:, order]
    notes = [
        {
            "file": grid.file,
            "sheet": grid.sheet,
            "column": "、".join(item_ids),
            "action": "答案按文本保留（数字作答）",
            "count": int(numeric),
        },
        {
            "file": grid.file,
            "sheet": grid.sheet,
            "column": "、".join(item_ids),
            "action": "答案按文本保留（文字作答）",
            "count": int(texty),
        },
    ]
    responses.normalisations = pd.concat(
        [responses.normalisations, notes_frame([n for n in notes if n["count"]])],
        ignore_index=True,
    )
    return {"survey": with_source(responses, path), "survey_items": items, "survey_plan": plan}
