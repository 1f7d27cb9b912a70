"""The ingest step: load a whole year from ``data/raw/<year>/`` and write ``data/processed/<year>/``.

``load_year`` finds each raw kind with the file patterns of :mod:`jixiao.schema` and loads it;
``write_processed`` writes one parquet file per canonical table, the combined rejects and
dropped rows, the normalisation log and ``manifest.json`` (input SHA-256s, row counts,
parameters, software versions). Personal data in the questionnaire and interview tables is
masked (:func:`jixiao.privacy.mask_personal_data`) before anything reaches the disk, with the
secret salt of ``JIXIAO_PRIVACY_SALT`` (:func:`privacy_salt`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pandas as pd

from jixiao import manifest, paths, schema
from jixiao.case import unit_names
from jixiao.concurrency import side_by_side
from jixiao.errors import InputError
from jixiao.loading import (
    DATE_DTYPE,
    PERSONAL_COLUMNS,
    TEXT_DTYPE,
    LoadResult,
    empty_dropped,
    empty_normalisations,
    empty_rejects,
    load_allocations,
    load_interviews,
    load_ledgers,
    load_observations,
    load_outputs,
    load_survey,
    load_table,
)
from jixiao.project_profile import project_tables
from jixiao.salt import (  # noqa: F401 - part of the ingest step's interface
    MIN_SALT_LENGTH,
    SALT_ENVIRONMENT_VARIABLE,
    SALT_FROM_ENVIRONMENT,
    SALT_NOT_NEEDED,
    SALT_PUBLIC_FOR_RECONSTRUCTED_CASE,
    check_salt_strength,
    privacy_salt,
    public_salt,
)
from jixiao.scrub import scrub_table

LEDGER_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".txt")
PERSONAL_TABLES = ("survey", "interviews")
COUNT_HEADERS = {
    "table": "数据表",
    "title": "名称",
    "read": "读取行数",
    "loaded": "导入行数",
    "rejected": "拒收行数",
    "dropped": "剔除行数",
    "balanced": "行数核对",
}


@dataclass(frozen=True)
class RawKind:
    kind: str
    table: schema.Table
    required: bool
    many: bool  # several files (one per accounting unit) rather than exactly one


RAW_KINDS = (
    RawKind("allocations", schema.ALLOCATIONS, True, False),
    RawKind("ledger", schema.LEDGER, True, True),
    RawKind("outputs", schema.OUTPUTS, True, False),
    RawKind("survey", schema.SURVEY, True, False),
    RawKind("interviews", schema.INTERVIEWS, False, False),
    RawKind("observations", schema.OBSERVATIONS, False, False),
)
# Order of the tables in load_year's result and in the manifest.
TABLE_ORDER = (
    "allocations",
    "ledger",
    "outputs",
    "survey",
    "survey_items",
    "survey_plan",
    "interviews",
    "observations",
)

_SINGLE_LOADERS: dict[str, Callable[[Path], LoadResult]] = {
    "outputs": load_outputs,
    "interviews": load_interviews,
    "observations": load_observations,
}


def find_files(folder: Path, raw: RawKind) -> list[Path]:
    """Files of one raw kind in ``folder``, by name; Excel lock files (``~$…``) and hidden files skipped."""
    found = sorted(
        (
            p
            for p in Path(folder).glob(raw.table.file_glob)
            if p.is_file() and not p.name.startswith(("~$", "."))
        ),
        key=lambda p: p.name,
    )
    if raw.many:
        found = [p for p in found if p.suffix.lower() in LEDGER_SUFFIXES]
    return found


# Files of the year folder that other steps read (so they are not "unread"), by name pattern.
OTHER_STEP_FILES = {
    "指标体系*": "评分步骤读取的指标体系",
    "抽样清单_已填*": "抽样步骤读回的已填抽样清单",
    "范围规则*": "合规性检查读取的资金使用范围规则",
    schema.PARAMETERS_FILE: "本年度参数",
    "project.toml": "项目概况",
    "report_text.toml": "评价报告（report.docx）的可编辑文字",
    "recommendations.csv": "评价报告的工作建议表（针对问题类别、规则或问题编号）",
    "README*": "说明文件",
    "*.md": "说明文件",
}
UNREAD_COLUMNS = ("file", "reason")
UNREAD_HEADERS = {"file": "文件", "reason": "未读取的原因"}


def unread_files(folder: Path) -> pd.DataFrame:
    """Every file of the year folder that no step reads, with why: nothing is ignored silently.

    Office lock files (``~$…``), hidden files, ledgers in a format no loader reads (明细账_…pdf)
    and files matching no raw kind's name pattern are listed; the files of :data:`OTHER_STEP_FILES`
    are not, since a later step reads them.
    """
    folder = Path(folder)
    read = {p for raw in RAW_KINDS for p in find_files(folder, raw)}
    rows = []
    for path in sorted((p for p in folder.iterdir() if p.is_file()), key=lambda p: p.name):
        if path in read or any(path.match(g) for g in OTHER_STEP_FILES):
            continue
        if path.name.startswith("~$"):
            reason = "Excel/WPS 打开文件时生成的临时锁定文件，已跳过"
        elif path.name.startswith("."):
            reason = "隐藏文件，已跳过"
        elif path.match(schema.LEDGER.file_glob):
            reason = f"文件名像明细账，但格式「{path.suffix or '无扩展名'}」无法读取（应为 {'、'.join(LEDGER_SUFFIXES)}）"
        else:
            patterns = "、".join(dict.fromkeys(raw.table.file_glob for raw in RAW_KINDS))
            reason = f"文件名不符合任何一类原始数据的命名规则（{patterns}），未读取"
        rows.append({"file": path.name, "reason": reason})
    return pd.DataFrame(rows, columns=list(UNREAD_COLUMNS)).astype(TEXT_DTYPE)


def unit_check(results: dict[str, LoadResult]) -> pd.DataFrame:
    """Ledger units matching no grant and grant recipients with no ledger (:func:`jixiao.units.unit_check`)."""
    from jixiao.units import unit_check as check

    ledger = results.get("ledger")
    allocations = results.get("allocations")
    if ledger is None or allocations is None:
        return check([], None)
    return check(ledger.data["unit"], allocations.data)


def empty_result(table: schema.Table, note: str | None = None) -> LoadResult:
    """A load of nothing: the canonical columns with their types and zero rows."""
    dtypes = {"money": "Int64", "date": DATE_DTYPE, "int": "Int64", "number": "float64"}
    data = pd.DataFrame(
        {c.name: pd.Series(dtype=dtypes.get(c.type, TEXT_DTYPE)) for c in table.columns}
    )
    data["source_file"] = pd.Series(dtype=TEXT_DTYPE)
    data["source_sheet"] = pd.Series(dtype=TEXT_DTYPE)
    data["source_row"] = pd.Series(dtype="int64")
    notes = empty_normalisations()
    if note:
        notes = pd.DataFrame(
            {"file": [""], "sheet": [""], "column": [""], "action": [note], "count": [1]}
        ).astype(notes.dtypes.to_dict())
    return LoadResult(
        data,
        empty_rejects(),
        empty_dropped(),
        notes,
        {"read": 0, "loaded": 0, "rejected": 0, "dropped": 0},
    )


def _load_allocations(path: Path, folder: Path) -> LoadResult:
    """The allocation records, their grant types checked against the year's project profile."""
    from jixiao.project_profile import PROFILE_FILE, load_profile

    if not (folder / PROFILE_FILE).is_file():
        result = load_allocations(path)
        note = pd.DataFrame(
            {
                "file": [path.name],
                "sheet": [schema.ALLOCATIONS.sheet],
                "column": ["资金类型"],
                "action": [f"未提供 {PROFILE_FILE}（项目概况），资金类型未与项目的资金类型核对"],
                "count": [1],
            }
        ).astype(result.normalisations.dtypes.to_dict())
        result.normalisations = pd.concat([result.normalisations, note], ignore_index=True)
        return result
    profile = load_profile(folder)
    return load_table(path, profile.table(schema.ALLOCATIONS))


def _load_kind(kind: str, files: list[Path], folder: Path, own: dict) -> dict[str, LoadResult]:
    """One raw kind's files loaded (the survey gives its three tables)."""
    if kind == "ledger":
        return {"ledger": load_ledgers(files, unit_names=unit_names(folder))}
    if kind == "allocations":
        # read plainly first: a year of blank templates is one message naming every empty
        # table (below) before the profile is asked for its grant types
        return {"allocations": load_table(files[0], own["allocations"])}
    if kind == "survey":
        return dict(load_survey(files[0], tables=own))
    if kind == "interviews":
        return {kind: load_table(files[0], own["interviews"])}
    return {kind: _SINGLE_LOADERS[kind](files[0])}


def _outcome(step: Callable[[], object]) -> tuple[object, Exception | None]:
    try:
        return step(), None
    except Exception as exc:  # noqa: BLE001 - raised by _side_by_side_in_order, in order
        return None, exc


def _side_by_side_in_order(steps: dict[str, Callable[[], object]], start: list[str]) -> dict:
    """Each of ``steps``' results by key, the steps run side by side and started in the order
    ``start`` (longest first); a failure is raised as running them one after another in their
    own order would raise it: the first failed step in ``steps``' order."""
    tried = side_by_side(*(partial(_outcome, steps[key]) for key in start))
    outcomes = dict(zip(start, tried, strict=True))
    done = {}
    for key in steps:
        done[key], error = outcomes[key]
        if error is not None:
            raise error
    return done


def load_year(year: int, raw_folder: Path | None = None) -> dict[str, LoadResult]:
    """Load every raw kind of a year: ``{"allocations", "ledger", "outputs", "survey",
    "survey_items", "survey_plan", "interviews", "observations"}``.

    A required kind with no file (or a single-file kind with several) is an
    :class:`InputError` naming the folder and the file pattern; the optional kinds
    (interviews, observations) load as empty tables when absent.
    """
    folder = Path(raw_folder) if raw_folder is not None else paths.raw_dir(year)
    if not folder.is_dir():
        raise InputError(f"{year} 年的原始数据文件夹不存在：{folder}")
    results: dict[str, LoadResult] = {}
    own = project_tables(folder)  # the project's own place header and respondent groups
    # Every kind's files are settled first (a missing or doubled file is reported before any
    # loading); then the kinds load side by side, the ledgers' reading overlapping the rest.
    loads: dict[str, Callable[[], dict[str, LoadResult]]] = {}
    for raw in RAW_KINDS:
        files = find_files(folder, raw)
        if not files:
            if raw.required:
                raise InputError(
                    f"找不到{raw.table.title}文件：文件夹 {folder} 中没有符合「{raw.table.file_glob}」的文件",
                    file=folder,
                )
            results[raw.kind] = empty_result(
                raw.table, f"未提供{raw.table.title}文件（{raw.table.file_glob}），按空表处理"
            )
            continue
        if len(files) > 1 and not raw.many:
            names = "、".join(p.name for p in files)
            raise InputError(
                f"{raw.table.title}只应有一个文件，但「{raw.table.file_glob}」匹配到 {len(files)} 个：{names}",
                file=folder,
            )
        loads[raw.kind] = partial(_load_kind, raw.kind, files, folder, own)
    # The ledgers take longest: started first.
    started = sorted(loads, key=lambda kind: kind != "ledger")
    for loaded in _side_by_side_in_order(loads, started).values():
        results.update(loaded)
    results = {k: results[k] for k in TABLE_ORDER if k in results}
    check_required_tables_have_rows(results, folder)
    if results["allocations"].sources:
        results["allocations"] = _load_allocations(Path(results["allocations"].sources[0]), folder)
    return results


# ---------------------------------------------------------------------------------------------
# A year of blank templates is not data: every required table must load at least one row.

REQUIRED_TABLES = ("allocations", "ledger", "outputs", "survey", "survey_items")


def check_required_tables_have_rows(results: dict[str, LoadResult], folder: Path) -> None:
    """One :class:`InputError` naming every required table (and its files) that loaded no row.

    A year started with ``jixiao template`` and not yet filled in loads without a structural
    error but with nothing in it; stopping here says so, instead of a later step failing on an
    empty total ("book_value must be positive, got 0").
    """
    empty = []
    for kind in REQUIRED_TABLES:
        result = results.get(kind)
        if result is None or result.counts["loaded"] > 0:
            continue
        table = schema.RAW_TABLES[kind]
        files = "、".join(Path(s).name for s in result.sources) or table.file_glob
        where = f"{files}，工作表 {table.sheet}" if table.sheet else files
        read = result.counts["read"]
        if read == 0:
            why = "没有数据行"
        else:
            why = f"读取 {read} 行，全部被拒收或剔除"
            if not result.rejects.empty:
                first = result.rejects.iloc[0]
                why += f"（例如 row {first['row']}, column {first['column']}: {first['reason']}）"
        empty.append(f"{table.title}（{where}）：{why}")
    if empty:
        raise InputError(
            "以下必需的数据表没有可用的数据行，请填写后再运行（空白模板不能用于评价）："
            + "；".join(empty),
            file=folder,
        )


def counts_table(results: dict[str, LoadResult]) -> pd.DataFrame:
    """Row-count reconciliation per table, Chinese headers (读取 = 导入 + 拒收 + 剔除)."""
    titles = schema.RAW_TABLES
    rows = [
        {
            "table": k,
            "title": titles[k].title if k in titles else k,
            **r.counts,
            "balanced": "一致"
            if r.counts["read"] == r.counts["loaded"] + r.counts["rejected"] + r.counts["dropped"]
            else "不一致",
        }
        for k, r in results.items()
    ]
    frame = pd.DataFrame(rows, columns=list(COUNT_HEADERS))
    return frame.rename(columns=COUNT_HEADERS)


def combined(results: dict[str, LoadResult], part: str) -> pd.DataFrame:
    """All tables' ``rejects``, ``dropped`` or ``normalisations`` in one frame, with a ``table`` column first."""
    frames = [getattr(r, part).assign(table=k) for k, r in results.items()]
    frame = pd.concat(frames, ignore_index=True)
    frame["table"] = frame["table"].astype(TEXT_DTYPE)
    return frame.loc[:, ["table", *[c for c in frame.columns if c != "table"]]]


PART_HEADERS = {
    "rejects": {"table": "数据表", **schema.REJECT_HEADERS},
    "dropped": {"table": "数据表", **schema.DROPPED_HEADERS},
    "normalisations": {
        "table": "数据表",
        "file": "文件",
        "sheet": "工作表",
        "column": "列",
        "action": "处理",
        "count": "次数",
    },
}


def report_table(results: dict[str, LoadResult], part: str) -> pd.DataFrame:
    """``combined(results, part)`` with Chinese headers, for the evaluator to read."""
    return combined(results, part).rename(columns=PART_HEADERS[part])


def dropped_summary(results: dict[str, LoadResult]) -> pd.DataFrame:
    """How many rows of each kind (合计行, 空行, …) were dropped from each table."""
    dropped = combined(results, "dropped")
    summary = dropped.groupby(["table", "kind"], sort=True).size().rename("count").reset_index()
    return summary.rename(columns={"table": "数据表", "kind": "类型", "count": "行数"})


def _raw_folder(year: int, results: dict[str, LoadResult]) -> Path:
    """The folder the personal tables were read from (their parameters.toml decides the salt)."""
    for kind in PERSONAL_TABLES:
        if kind in results and results[kind].sources:
            return Path(results[kind].sources[0]).parent
    return paths.raw_dir(year)


def _holds_people(results: dict[str, LoadResult]) -> bool:
    return any(len(results[k].data) for k in PERSONAL_TABLES if k in results)


def _mask_rejects(rejects: pd.DataFrame) -> pd.DataFrame:
    """Rejected cells of personal columns never carry the raw value (loaders already mask; belt and braces)."""
    personal_headers = {
        h
        for c in (*schema.SURVEY.columns, *schema.INTERVIEWS.columns)
        if c.name in PERSONAL_COLUMNS
        for h in (c.header, *c.aliases)
    }
    hit = rejects["column"].isin(personal_headers)
    return rejects.assign(value=rejects["value"].where(~hit, "（个人信息已隐去）"))


def _scrub_personal_rows(frame: pd.DataFrame, column: str, names: dict[str, str]) -> pd.DataFrame:
    """``column`` of the personal tables' rows with phones, ID numbers and known names masked.

    Dropped rows (blank or 合计 rows) and rejected cells of a questionnaire or interview log are
    kept as text for the evaluator; a mobile or ID number in them is masked by its pattern and a
    respondent's name wherever it occurs. A name that appears only in a dropped row cannot be
    recognised as a name and stays.
    """
    from jixiao.privacy import redact_text
    from jixiao.scrub import scrub_series

    if frame.empty:
        return frame
    out = frame.copy()
    personal = frame["table"].isin(PERSONAL_TABLES)
    if personal.any():
        out.loc[personal, column] = redact_text(frame.loc[personal, column], names).astype(
            frame[column].dtype
        )
    # Rows of every other kind (a dropped ledger line, a rejected 摘要) may carry numbers too.
    out[column] = scrub_series(out[column], names).astype(frame[column].dtype)
    return out


def _write_table(
    kind: str, data: pd.DataFrame, target: Path, salt: str, names: dict[str, str]
) -> pd.DataFrame | None:
    """Write one canonical table: personal columns masked (survey, interviews), raw text
    scrubbed; returns what the scrubbing changed (None for a kind not scrubbed)."""
    from jixiao.privacy import mask_personal_data

    notes = None
    if kind in PERSONAL_TABLES:
        data = mask_personal_data(data, salt=salt)
    if kind in schema.RAW_TABLES and not data.empty:
        data, notes = scrub_table(schema.RAW_TABLES[kind], data, names)
        notes = notes.assign(table=kind)
    data.to_parquet(target, index=False, engine="pyarrow")
    return notes


def write_processed(
    year: int,
    results: dict[str, LoadResult],
    out_folder: Path | None = None,
    parameters: dict | None = None,
    unread: pd.DataFrame | None = None,
) -> Path:
    """Write the year's canonical tables and ``manifest.json``; returns the output folder.

    Survey and interview tables are masked with the salt of :func:`privacy_salt`: the secret
    one from the environment variable ``JIXIAO_PRIVACY_SALT``, or — only for a case whose
    ``parameters.toml`` (next to the questionnaire) declares ``reconstructed_case = true`` — a
    public per-year one. Without either, nothing is written and the error says how to set it.
    The dropped-row text and rejected values of those tables are scrubbed of phones, ID
    numbers and the respondents' names too.
    """
    from jixiao.privacy import name_masks  # written alongside; imported where it is needed

    if _holds_people(results):
        salt, salt_origin = privacy_salt(year, _raw_folder(year, results))
    else:  # nobody to pseudonymise (e.g. a year made from the blank templates)
        salt, salt_origin = public_salt(year), SALT_NOT_NEEDED
    folder = Path(out_folder) if out_folder is not None else paths.processed_dir(year)
    folder.mkdir(parents=True, exist_ok=True)
    # Ingest starts the year afresh: a table or metric derived by an earlier run (say from a
    # fieldwork sheet since removed) must not outlive the inputs behind it.
    for stale in (*folder.glob("*.parquet"), *folder.glob("metrics/*.json")):
        stale.unlink()
    names: dict[str, str] = {}
    for kind in PERSONAL_TABLES:
        if kind in results and "name" in results[kind].data:
            names.update(name_masks(results[kind].data["name"]))
    # Each kind is masked, scrubbed and written in its own step, side by side: the deliberately
    # slow pseudonym keys of the survey (scrypt) and pyarrow's writing release the GIL, so they
    # overlap the scrubbing of the ledger. The biggest tables are started first.
    writes = {
        kind: partial(
            _write_table, kind, results[kind].data, folder / f"{kind}.parquet", salt, names
        )
        for kind in results
    }
    started = sorted(results, key=lambda kind: -len(results[kind].data))
    notes_of = _side_by_side_in_order(writes, started)
    scrub_notes = [notes_of[kind] for kind in results if notes_of[kind] is not None]
    tables: list[tuple[Path, pd.DataFrame]] = []
    for part, name in (
        ("rejects", "rejects"),
        ("dropped", "dropped"),
        ("normalisations", "normalisations"),
    ):
        frame = combined(results, part)
        if part == "rejects":
            frame = _scrub_personal_rows(_mask_rejects(frame), "value", names)
        elif part == "dropped":
            frame = _scrub_personal_rows(frame, "text", names)
        elif scrub_notes:
            found = pd.concat(scrub_notes, ignore_index=True)[list(frame.columns)]
            frame = pd.concat([frame, found.astype(frame.dtypes.to_dict())], ignore_index=True)
        tables.append((folder / f"{name}.parquet", frame))
    tables.append((folder / "unit_check.parquet", unit_check(results)))
    # pyarrow writes without the GIL: the tables are written side by side.
    side_by_side(
        *(
            partial(frame.to_parquet, target, index=False, engine="pyarrow")
            for target, frame in tables
        )
    )
    written = [folder / f"{kind}.parquet" for kind in results] + [t for t, _ in tables]

    raw_files = sorted(
        {Path(s) for r in results.values() for s in r.sources}, key=lambda p: p.as_posix()
    )
    raw_base = raw_files[0].parent if raw_files else folder
    record = {
        "step": "ingest",
        "year": int(year),
        "raw_folder": manifest.project_relative(raw_base),
        "inputs": manifest.file_hashes(raw_files, raw_base),
        "counts": {kind: dict(r.counts) for kind, r in results.items()},
        "unread_files": [] if unread is None else unread.to_dict(orient="records"),
        "outputs": manifest.file_hashes(written, folder),
        "parameters": parameters or {},
        "privacy": {
            "masked_tables": [k for k in PERSONAL_TABLES if k in results],
            "salt": salt_origin,
        },
        "environment": manifest.environment(),
    }
    manifest.write_json(folder / "manifest.json", record)
    return folder
