"""The 抽样清单 workbook's layout (sheets, headers, 是/否 columns) and its export.

One row per selected item with its voucher reference and blank columns to fill (原始凭证是否齐全,
是否经审批, 是否合规 as 是/否 drop-downs, 审定金额, 差错金额, 备注), plus a sheet of the sampling
parameters. :mod:`.fieldwork` reads the filled-in workbook back against the same layout.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from jixiao import schema
from jixiao.export import save_workbook

from .population import PopulationSummary
from .selection import Selection

SHEET = "抽样清单"
PARAMETER_SHEET = "抽样参数"
YES, NO = "是", "否"

# canonical name → Chinese header, in sheet order. 命中次数 is written for MUS samples only.
REFERENCE_HEADERS = {
    "item_no": "序号",
    "unit": "核算单位",
    "date": "日期",
    "voucher": "凭证字号",
    "summary": "摘要",
    "account_code": "科目编码",
    "account_name": "科目名称",
    "amount_fen": "金额（元）",
    "selection_method": "抽样方法",
    "selection_reason": "选取理由",
    "mus_hits": "命中次数",
    "source_file": "来源文件",
    "source_sheet": "来源工作表",
    "source_row": "来源行号",
}
FILL_HEADERS = {
    "documents_complete": "原始凭证是否齐全",
    "approved": "是否经审批",
    "compliant": "是否合规",
    "audited_fen": "审定金额（元）",
    "misstatement_fen": "差错金额（元）",
    "note": "备注",
}
# Why the line is in the named population: last, so the columns to fill keep their place.
BASIS_HEADERS = {"population_basis": "纳入总体依据"}
HEADERS = {**REFERENCE_HEADERS, **FILL_HEADERS, **BASIS_HEADERS}
MONEY_COLUMNS = ("amount_fen", "audited_fen", "misstatement_fen")
YES_NO_COLUMNS = ("documents_complete", "approved", "compliant")
# Where a population that is not a ledger (e.g. the allocation table) finds the same facts.
_FALLBACKS = {
    "unit": ("unit", "recipient_unit", "community"),
    "date": ("date", "issued_date"),
    "voucher": ("voucher", "doc_number", "grant_id"),
    "summary": ("summary", "grant_type"),
}
_WIDTHS = {
    "序号": 6,
    "摘要": 30,
    "选取理由": 40,
    "纳入总体依据": 18,
    "来源文件": 28,
    "备注": 24,
    "核算单位": 20,
    "日期": 12,
}
_FORMULA_STARTS = ("=", "+", "-", "@")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")


def _column(sample: pd.DataFrame, name: str) -> pd.Series:
    for candidate in _FALLBACKS.get(name, (name,)):
        if candidate in sample.columns:
            return sample[candidate]
    return pd.Series([None] * len(sample), index=sample.index, dtype=object)


def _cell_value(value):
    if value is None or (
        not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)
    ):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def _parameter_rows(selection: Selection) -> list[tuple[str, object]]:
    return [
        ("抽样方法", selection.method),
        ("随机种子", selection.seed),
        ("统计抽样总体项目数", selection.population_count),
        ("统计抽样总体金额（元）", selection.population_amount_fen / 100),
        ("统计样本量", selection.sample_size),
        (
            "抽样区间（元）",
            None if selection.interval_fen is None else round(selection.interval_fen / 100, 2),
        ),
        ("排除项目数（负数或零金额）", len(selection.excluded)),
        ("选取项目数", len(selection.sample)),
    ]


def export_fieldwork(
    selection: Selection, path: str | Path, *, population: PopulationSummary | None = None
) -> Path:
    """Write the 抽样清单 workbook for the fieldwork; returns the path written.

    ``population``: the named population the items were selected from; its definition, size,
    amount and the selection's coverage are written at the top of the 抽样参数 sheet."""
    path = Path(path)
    sample = selection.sample
    headers = {
        k: v for k, v in HEADERS.items() if k != "mus_hits" or selection.interval_fen is not None
    }
    values = {
        "item_no": pd.Series(np.arange(1, len(sample) + 1), index=sample.index),
        "amount_fen": sample[selection.amount_column] / 100,
        **{
            name: _column(sample, name)
            for name in ("unit", "date", "voucher", "summary", "account_code", "account_name")
        },
        **{
            name: sample[name]
            for name in (
                "selection_method",
                "selection_reason",
                "mus_hits",
                *schema.PROVENANCE_COLUMNS,
            )
        },
        "population_basis": _column(sample, "population_basis"),
    }
    columns = [
        values.get(name, pd.Series([None] * len(sample), index=sample.index, dtype=object))
        for name in headers
    ]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(list(headers.values()))
    # One append per selected item: a sample is a few hundred rows and openpyxl writes cell by cell.
    for row in zip(*(column.astype(object).tolist() for column in columns), strict=False):
        sheet.append([_cell_value(v) for v in row])
    _format_sheet(sheet, list(headers), len(sample))
    params = workbook.create_sheet(PARAMETER_SHEET)
    params.append(["参数", "值"])
    for label, value in [*(population.rows() if population else ()), *_parameter_rows(selection)]:
        params.append([label, value])
    params.column_dimensions["A"].width = 30
    params.column_dimensions["B"].width = 40
    return save_workbook(workbook, path)


def _format_sheet(sheet, names: list[str], rows: int) -> None:
    last = rows + 1
    for index, name in enumerate(names, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index)
        header.font = Font(bold=True)
        header.fill = _INPUT_FILL if name in FILL_HEADERS else _HEADER_FILL
        header.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[letter].width = _WIDTHS.get(HEADERS[name], 16)
        cells = [sheet.cell(row=r, column=index) for r in range(2, last + 1)]
        if name in MONEY_COLUMNS:
            for cell in cells:
                cell.number_format = "#,##0.00"
        elif name == "date":
            for cell in cells:
                cell.number_format = "yyyy-mm-dd"
        for cell in cells:
            # Text from a ledger must never run as a formula when the workbook is opened.
            if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_STARTS):
                cell.data_type = "s"
                cell.quotePrefix = True
    for name in YES_NO_COLUMNS:
        letter = get_column_letter(names.index(name) + 1)
        validation = DataValidation(
            type="list",
            formula1=f'"{YES},{NO}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="请选择",
            error="请填写“是”或“否”",
        )
        validation.add(f"{letter}2:{letter}{max(last, 2)}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
