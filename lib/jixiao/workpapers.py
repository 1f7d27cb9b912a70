"""``workpapers.xlsx``: every table an evaluator hands on, in one formatted workbook.

The workbook is assembled from what the steps left in ``data/processed/<year>/`` (评分表,
抽样清单, 问题清单, 问卷统计, and the data behind each chart). Canonical columns are mapped to
Chinese headers here, at the edge: money columns (``*_fen``) become 元 with a ``（元）`` header,
rates become percentages. A sheet whose step has not run is left out and listed in 说明.
Every sheet opens with the workpaper header block (被评价项目, 索引号, 底稿名称, 编制人, 编制日期,
复核人, 复核日期) from the project profile, left blank to sign where the profile names nobody;
the 数据核查确认表 (:mod:`jixiao.verification`) is the sheet the evaluated unit confirms.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from . import paths, schema
from .export import Sheet, fen_to_yuan, write_csv, write_workbook
from .findings import REGISTER_HEADERS
from .project_profile import PROFILE_FILE, ProjectProfile, year_profile
from .sampling.fieldwork import REFERENCE_HEADERS
from .survey import COVERAGE_HEADERS, SATISFACTION_HEADERS, likert_chart_data, validate_responses
from .verification import VERIFICATION_HEADERS, verification_table

# Headers for canonical columns that are not raw-table columns (derived by the steps).
DERIVED_HEADERS = {
    "due_date": "应到位日期",
    "arrived_by_as_of": "基准日前到位金额",
    "due": "应到位金额",
    "on_time": "按时到位金额",
    "late": "逾期金额",
    "days_late": "逾期天数",
    "status": "到位状态",
    "rule": "规则编号",
    "rule_name": "规则名称",
    "reason": "标记原因",
    "unit": "核算单位",
    "community": "社区",
    "grant_type": "资金类型",
    "date": "日期",
    "voucher": "凭证字号",
    "basic_spending": "项目支出记入基本支出",
    "basic_income": "专项收入记入基本支出收入",
    "no_project_ledger": "未设项目明细账",
    "unreconciled": "专项资金收支不符",
    "flags": "标记行数",
    "question_id": "问题编号",
    "question": "访谈问题",
    "answer_code": "回答编码",
    "n": "人次",
    "share": "占比",
    "table": "数据表",
    "kind": "类型",
    "text": "内容",
    "action": "处理",
    "count": "次数",
}
STRATA_HEADERS = {
    "stratum": "分层（核算单位）",
    "population_items": "总体笔数",
    "population_fen": "总体金额（元）",
    "selected_items": "选取笔数",
    "selected_fen": "选取金额（元）",
    "coverage": "金额覆盖率",
}
LIKERT_HEADERS = {
    "item_id": "题号",
    "item": "题目",
    "code": "等级分值",
    "level": "满意程度",
    "n": "答案数",
    "share": "占比",
    "start": "条形起点",
    "end": "条形终点",
}
# The hand-on tables also written as CSV (reports/<year>/csv/<name>.csv) for tools other than Excel.
CSV_SHEETS = ("评分表", "问题清单", "抽样清单", "问卷统计")
# The header block: seven 标签 / 内容 rows and a blank row, then the table's header row.
HEADER_BLOCK_ROWS = 8
TABLE_HEADER_ROW = HEADER_BLOCK_ROWS + 1
VERIFICATION_SHEET = "数据核查确认表"
PERCENT_COLUMNS = {
    "rate",
    "lower",
    "upper",
    "margin",
    "completion",
    "share",
    "achieved_margin",
    "overall_rate",
    "coverage",
}


def header_map() -> dict[str, str]:
    """One mapping from canonical column names to Chinese headers, for every table we export."""
    mapping: dict[str, str] = {}
    for table in schema.RAW_TABLES.values():
        for column in table.columns:
            mapping.setdefault(column.name, column.header)
    mapping.update(schema.PROVENANCE_HEADERS)
    mapping.update(DERIVED_HEADERS)
    mapping.update(SATISFACTION_HEADERS)
    mapping.update(COVERAGE_HEADERS)
    mapping.update({k: v for k, v in REGISTER_HEADERS.items() if not k.endswith("_fen")})
    return mapping


def display_sheet(frame: pd.DataFrame, headers: dict[str, str] | None = None) -> Sheet:
    """Canonical frame → Chinese headers, 元 for ``*_fen`` columns, % for rates."""
    mapping = {**header_map(), **(headers or {})}
    shown = pd.DataFrame(index=frame.index)
    money, percent, integer = [], [], []
    for column in frame.columns:
        values = frame[column]
        if column.endswith("_fen"):
            base = column[: -len("_fen")]
            header = mapping.get(column) or f"{mapping.get(base, base)}（元）"
            if not header.endswith("（元）"):
                header = header.split("（")[0] + "（元）"
            shown[header] = fen_to_yuan(values)
            money.append(header)
            continue
        header = mapping.get(column, column)
        shown[header] = values
        if column in PERCENT_COLUMNS:
            percent.append(header)
        elif pd.api.types.is_integer_dtype(values) and column not in ("source_row",):
            integer.append(header)
    return Sheet(
        shown.reset_index(drop=True),
        money=tuple(money),
        percent=tuple(percent),
        integer=tuple(integer),
    )


def _read(folder: Path, name: str) -> pd.DataFrame | None:
    file = folder / f"{name}.parquet"
    return pd.read_parquet(file) if file.is_file() else None


def _stack(parts: dict[str, pd.DataFrame | None], label: str) -> pd.DataFrame | None:
    present = {k: v for k, v in parts.items() if v is not None}
    if not present:
        return None
    return pd.concat([v.assign(**{label: k}) for k, v in present.items()], ignore_index=True).pipe(
        lambda f: f.loc[:, [label, *[c for c in f.columns if c != label]]]
    )


def workpaper_sheets(
    year: int | str, processed_folder: Path | None = None
) -> tuple[dict[str, Sheet], list[str]]:
    """The sheets that exist for the year (in hand-on order) and the names of those missing."""
    folder = Path(processed_folder) if processed_folder is not None else paths.processed_dir(year)
    sheets: dict[str, Sheet] = {}
    missing: list[str] = []

    def add(name: str, frame: pd.DataFrame | None, headers: dict[str, str] | None = None) -> None:
        if frame is None:
            missing.append(name)
        else:
            sheets[name] = display_sheet(frame, headers)

    scoring_table = _read(folder, "scoring_table")
    if scoring_table is not None:
        sheets["评分表"] = Sheet(
            scoring_table, widths={"评价标准": 50, "扣分说明": 60, "数据来源": 24}
        )
    else:
        missing.append("评分表")
    add("抽样清单", _selection_sheet(_read(folder, "sampling_selection")), REFERENCE_HEADERS)
    add("资金下达抽样", _allocation_sheet(_read(folder, "sampling_allocations")), REFERENCE_HEADERS)
    register = _read(folder, "findings")
    if register is not None:
        sheets["问题清单"] = Sheet(
            register.assign(amount_fen=fen_to_yuan(register["amount_fen"])).rename(
                columns=REGISTER_HEADERS
            ),
            money=(REGISTER_HEADERS["amount_fen"],),
            widths={"问题描述": 60, "证据": 50},
        )
    else:
        missing.append("问题清单")
    add(
        "问卷统计",
        _stack(
            {
                "总体": _read(folder, "survey_satisfaction_overall"),
                "受访者类别": _read(folder, "survey_satisfaction_group"),
                "题目": _read(folder, "survey_satisfaction_item"),
                "社区": _read(folder, "survey_satisfaction_community"),
            },
            "统计口径",
        ),
        {"统计口径": "统计口径"},
    )
    add("样本量检查", _read(folder, "survey_coverage"))
    add("敏感性分析", _read(folder, "scoring_sensitivity"))
    add("资金到位", _read(folder, "arrival_grants"))
    flags = _read(folder, "compliance_flags")
    add("检查标记明细", flags, {"amount_fen": "标记金额（元）", "rule": "规则编号"})
    if flags is not None:
        sheets["检查标记明细"] = replace(sheets["检查标记明细"], legend=flag_legend(flags))
    add("抽样评价", _read(folder, "sampling_evaluation"))
    add("电话访谈汇总", _read(folder, "interview_summary"))
    # The data behind each chart, so a reviewer can redraw or check it.
    add("图表数据_科目混用", _read(folder, "account_mixing"))
    add("图表数据_抽样分层", _read(folder, "sampling_strata"), STRATA_HEADERS)
    dims = _dimension_chart_data(scoring_table)
    if dims is not None:
        sheets["图表数据_维度得分"] = Sheet(dims)
    waterfall = _read(folder, "scoring_waterfall")
    if waterfall is not None:
        sheets["图表数据_得分瀑布"] = Sheet(waterfall)
    else:
        missing.append("图表数据_得分瀑布")
    likert = _likert_sheet(_read(folder, "survey"), _read(folder, "survey_items"))
    if likert is not None:
        sheets["图表数据_各题满意度"] = likert
    else:
        missing.append("图表数据_各题满意度")
    verification = verification_table(folder)
    if verification is not None:
        sheets[VERIFICATION_SHEET] = Sheet(
            verification.rename(columns=VERIFICATION_HEADERS),
            money=tuple(VERIFICATION_HEADERS[c] for c in ("debit_fen", "credit_fen", "amount_fen")),
            integer=tuple(
                VERIFICATION_HEADERS[c]
                for c in ("read", "loaded", "rejected", "dropped", "units", "accounts")
            ),
            widths={VERIFICATION_HEADERS["blanks"]: 30, VERIFICATION_HEADERS["confirmation"]: 28},
        )
    else:
        missing.append(VERIFICATION_SHEET)
    add("数据导入_剔除记录", _read(folder, "rejects"), {**schema.REJECT_HEADERS, "table": "数据表"})
    return sheets, missing


LEGEND_TITLE = "标记说明"


def flag_legend(flags: pd.DataFrame) -> tuple[tuple[object, ...], ...]:
    """The legend of the marks 检查标记明细 uses: each rule code with its meaning and how many
    rows it marks, in the order the sheet lists them."""
    if flags.empty or "rule" not in flags.columns:
        return ()
    names = flags.get("rule_name", pd.Series("", index=flags.index)).fillna("").astype(str)
    codes = flags["rule"].astype(str)
    counts = flags.groupby(codes, sort=False).size()
    # A code's meaning as its last row gives it, looked up for the few codes only.
    meaning = pd.Series(names.to_numpy(), index=codes.to_numpy())
    meaning = meaning[~meaning.index.duplicated(keep="last")]
    rows = [(code, meaning[code], int(n)) for code, n in counts.items()]
    return ((LEGEND_TITLE, "含义", "标记行数"), *rows)


def _selection_sheet(selection: pd.DataFrame | None) -> pd.DataFrame | None:
    """The selection laid out like the exported 抽样清单 (reference columns, in its order)."""
    if selection is None:
        return None
    columns = [c for c in REFERENCE_HEADERS if c in selection.columns]
    frame = selection.loc[:, columns].copy()
    frame.insert(0, "item_no", range(1, len(frame) + 1))
    return frame


def _allocation_sheet(selection: pd.DataFrame | None) -> pd.DataFrame | None:
    """The grant records selected for checking, with the grant's own columns."""
    if selection is None:
        return None
    frame = selection.drop(
        columns=[c for c in ("item_id", "mus_hits", "stratum") if c in selection.columns]
    )
    frame.insert(0, "item_no", range(1, len(frame) + 1))
    return frame


def _dimension_chart_data(scoring_table: pd.DataFrame | None) -> pd.DataFrame | None:
    if scoring_table is None:
        return None
    rows = scoring_table[scoring_table["一级指标"].notna() & (scoring_table["一级指标"] != "合计")]
    grouped = rows.groupby("一级指标", sort=False)[["分值", "得分"]].sum(min_count=1).reset_index()
    return grouped


def _likert_sheet(responses: pd.DataFrame | None, items: pd.DataFrame | None) -> Sheet | None:
    """The data behind the 各题满意度分布 chart, recomputed from the processed survey tables the
    same way 04_survey draws it (default Likert scale; shares and bar edges as percentages)."""
    if responses is None or items is None:
        return None
    data = likert_chart_data(validate_responses(responses, items).answers)
    columns = [c for c in LIKERT_HEADERS if c in data.columns]
    frame = data.loc[:, columns].rename(columns=LIKERT_HEADERS)
    return Sheet(
        frame, percent=("占比", "条形起点", "条形终点"), integer=("答案数",), widths={"题目": 40}
    )


def write_csv_sheets(sheets: dict[str, Sheet], folder: Path) -> list[Path]:
    """The :data:`CSV_SHEETS` among ``sheets`` as ``<name>.csv`` in ``folder``, through
    :func:`jixiao.export.write_csv` (UTF-8 with BOM so Excel reads the Chinese, text that starts
    with = + - @ prefixed with an apostrophe). A CSV whose sheet is missing now is removed, so
    no table outlives the step that made it."""
    folder = Path(folder)
    written = []
    for name in CSV_SHEETS:
        target = folder / f"{name}.csv"
        if name in sheets:
            written.append(write_csv(sheets[name].frame, target))
        elif target.is_file():
            target.unlink()
    return written


def workpaper_index(year: int | str, number: int) -> str:
    """索引号 of the ``number``-th sheet (1-based), as the report cites it."""
    return f"JX{year}-{number:02d}"


def _profile(year: int | str) -> ProjectProfile | None:
    """The year's profile; None for a year without project.toml (a bad one still raises)."""
    if not (paths.raw_dir(year) / PROFILE_FILE).is_file():
        return None
    return year_profile(int(year))


def header_block(
    year: int | str, number: int, name: str, profile: ProjectProfile | None
) -> tuple[tuple[object, ...], ...]:
    """The workpaper header rows of one sheet; names the profile leaves out stay blank to sign."""
    project = profile.name if profile else ""
    prepared = profile.prepared_by if profile else ""
    reviewed = profile.reviewed_by if profile else ""
    # Two columns, so that no table is narrower than its header block.
    return (
        ("被评价项目", project),
        ("索引号", workpaper_index(year, number)),
        ("底稿名称", name),
        ("编制人", prepared),
        ("编制日期", ""),
        ("复核人", reviewed),
        ("复核日期", ""),
        (),
    )


def build_workpapers(
    year: int | str,
    target: Path,
    *,
    processed_folder: Path | None = None,
    csv_folder: Path | None = None,
    profile: ProjectProfile | None = None,
) -> Path:
    """``workpapers.xlsx`` at ``target``; with ``csv_folder``, the main tables also as CSV there."""
    sheets, missing = workpaper_sheets(year, processed_folder)
    if csv_folder is not None:
        write_csv_sheets(sheets, csv_folder)
    notes = pd.DataFrame(
        {
            "工作表": list(sheets) + missing,
            "状态": ["已生成"] * len(sheets) + ["未生成（对应步骤未运行）"] * len(missing),
        }
    )
    profile = profile if profile is not None else _profile(year)
    book = {**sheets, "说明": Sheet(notes)}
    return write_workbook(
        Path(target),
        {
            name: replace(sheet, header=header_block(year, number, name, profile))
            for number, (name, sheet) in enumerate(book.items(), start=1)
        },
    )
