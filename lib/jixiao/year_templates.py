"""Blank raw workbooks for a new year, laid out exactly as the loaders expect.

``jixiao template --year 2019`` writes one workbook per raw kind into ``data/raw/2019/`` with
the Chinese sheet names and headers of ``jixiao.schema``, drop-down validation where a column
has fixed values, a frozen header row, and a ``parameters.toml`` to edit. The evaluator fills
them in (one ledger file per accounting unit: copy ``明细账_模板.xlsx`` to ``明细账_<单位>.xlsx``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from . import paths, schema
from .errors import ParameterError
from .export import save_workbook
from .project_profile import filled_profile

# (file name pattern, [tables in sheet order])
WORKBOOKS = (
    ("资金下达明细_{year}.xlsx", (schema.ALLOCATIONS,)),
    ("明细账_模板.xlsx", (schema.LEDGER,)),
    ("产出完成情况_{year}.xlsx", (schema.OUTPUTS,)),
    ("问卷调查_{year}.xlsx", (schema.SURVEY, schema.SURVEY_ITEMS, schema.SURVEY_PLAN)),
    ("电话访谈记录_{year}.xlsx", (schema.INTERVIEWS,)),
    ("评价组观察记录_{year}.xlsx", (schema.OBSERVATIONS,)),
)
EXAMPLE_SURVEY_ITEMS = ("Q1", "Q2", "Q3")
DATA_ROWS_WITH_VALIDATION = 2000
PARAMETERS_TEMPLATE = paths.PACKAGE_DIR / "templates" / "parameters_template.toml"
PROJECT_TEMPLATE = paths.PACKAGE_DIR / "templates" / "project_template.toml"
INDICATOR_TEMPLATE = paths.PACKAGE_DIR / "templates" / "指标体系模板_2020.xlsx"


def _write_workbook(target: Path, tables) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(table.sheet)
        headers = [c.header for c in table.columns]
        if table.kind == schema.SURVEY.kind and table.sheet == schema.SURVEY.sheet:
            headers += list(EXAMPLE_SURVEY_ITEMS)  # one column per item id of the 题目 sheet
        sheet.append(headers)
        for index, header in enumerate(headers, start=1):
            cell = sheet.cell(row=1, column=index)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
            sheet.column_dimensions[get_column_letter(index)].width = max(10, 2.2 * len(header) + 2)
        for index, column in enumerate(table.columns, start=1):
            if not column.choices:
                continue
            letter = get_column_letter(index)
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(column.choices) + '"',
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle="取值不在列表中",
                error=f"{column.header} 只能填写：{'、'.join(column.choices)}",
            )
            validation.add(f"{letter}2:{letter}{DATA_ROWS_WITH_VALIDATION + 1}")
            sheet.add_data_validation(validation)
        sheet.freeze_panes = "A2"
    save_workbook(workbook, target)


def _holds_data(workbook: Path) -> bool:
    """Whether any sheet has a filled cell below its header row (a template has none)."""
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(workbook))
        sheets = [book.get_sheet_by_name(name).to_python() for name in book.sheet_names]
    except Exception:  # unreadable: treat as someone's file, never overwrite it
        return True
    return any(str(v).strip() for rows in sheets for row in rows[1:] for v in row)


def protected_files(targets: list[Path], template_text: dict[Path, bytes]) -> dict[Path, str]:
    """Existing files ``--force`` must leave alone, with the reason: a case file's folder, a
    workbook with data, or a profile file that differs from its blank template."""
    from .case import declares_reconstructed_case

    existing = [t for t in targets if t.exists()]
    if existing and declares_reconstructed_case(existing[0].parent):
        return {t: "案例数据文件夹（reconstructed_case = true）" for t in existing}
    kept: dict[Path, str] = {}
    for target in existing:
        if target in template_text:
            if target.read_bytes() != template_text[target]:
                kept[target] = "已修改，与空白模板不同"
        elif target.suffix.lower() in (".xlsx", ".xlsm") and _holds_data(target):
            kept[target] = "已填有数据"
    return kept


def write_year_templates(
    year: int,
    *,
    folder: Path | None = None,
    overwrite: bool = False,
    kept_out: dict[Path, str] | None = None,
) -> list[Path]:
    """Write the blank raw workbooks for ``year``; refuse to overwrite filled-in files.

    With ``overwrite`` (``--force``) blank files are rewritten, but never a case file's folder, a
    workbook holding data or an edited ``parameters.toml`` / indicator workbook: those are
    left and reported in ``kept_out`` (file → reason).
    """
    if not 2000 <= int(year) <= 2100:
        raise ParameterError(f"year must be between 2000 and 2100, got {year}")
    target_dir = Path(folder) if folder is not None else paths.raw_dir(year)
    target_dir.mkdir(parents=True, exist_ok=True)
    profile = filled_profile(target_dir)  # its grant types, groups and place header
    planned = [
        (
            target_dir / name.format(year=year),
            tuple(profile.table(t) if profile else t for t in tables),
        )
        for name, tables in WORKBOOKS
    ]
    extra = [
        (PARAMETERS_TEMPLATE, target_dir / schema.PARAMETERS_FILE),
        (PROJECT_TEMPLATE, target_dir / "project.toml"),
        (INDICATOR_TEMPLATE, target_dir / f"指标体系_{year}.xlsx"),
    ]
    existing = [p for p, _ in planned if p.exists()] + [
        t for s, t in extra if s.exists() and t.exists()
    ]
    if existing and not overwrite:
        raise FileExistsError(
            "这些文件已存在，未覆盖 / these files already exist and were left untouched "
            f"(use --force to overwrite): {', '.join(p.name for p in existing)}"
        )
    blank = {
        target: (
            _parameters_text(source, year).encode("utf-8")
            if target.suffix == ".toml"
            else source.read_bytes()
        )
        for source, target in extra
        if source.exists()
    }
    kept = protected_files([t for t, _ in planned] + [t for _, t in extra], blank)
    if kept_out is not None:
        kept_out.update(kept)
    written = []
    for target, tables in planned:
        if target in kept:
            continue
        _write_workbook(target, tables)
        written.append(target)
    for source, target in extra:
        if source.exists() and target not in kept:
            if target.suffix == ".toml":
                target.write_text(_parameters_text(source, year), encoding="utf-8")
            else:
                shutil.copyfile(source, target)
            written.append(target)
    return written


def _parameters_text(source: Path, year: int) -> str:
    return (
        source.read_text(encoding="utf-8")
        .replace("{next_year}", str(int(year) + 1))
        .replace("{year}", str(year))
    )
