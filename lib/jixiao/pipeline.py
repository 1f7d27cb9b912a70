"""One command per year: run the numbered notebooks through papermill, atomically.

``run_year(2017)`` checks every parameter before any notebook starts, runs
``notebooks/NN_*.ipynb`` (NN < 90) in order with the year's parameters, reports progress and
timings, and moves the finished set into ``reports/<year>/`` only when every notebook passed, so
a failed run never destroys the outputs of the last good one. The year's processed tables are
staged the same way: the kernels write them into a folder next to ``data/processed/`` (named by
``JIXIAO_PROCESSED_ROOT``), which replaces ``data/processed/<year>/`` only after a successful run.

Parameters come from ``data/raw/<year>/parameters.toml`` (top-level keys go to every notebook
that declares them; a ``[sampling]`` table goes to ``02_sampling`` only) and are overridden by
the command line (``-p name value`` or ``-p sampling.name value``).
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import manifest as run_manifest
from . import paths
from .case import CASE_FILE_KEYS, read_parameters_file
from .errors import ParameterError
from .schema import PARAMETERS_FILE

KERNEL_NAME = (
    "python3"  # ipykernel's native kernel: the interpreter running jixiao, nothing to register
)
LAST_REGULAR_STEP = (
    89  # notebooks numbered 90+ (e.g. the year comparison) are not part of a year's run
)
# Parameters whose value is a path must stay inside these project folders.
REPORT_NOTEBOOK = "06_report.ipynb"  # exported to report.html after a successful run
PATH_PARAMETER_SUFFIXES = ("_dir", "_folder", "_path", "_file", "_workbook")
# Top-level keys of parameters.toml that describe the case file itself rather than set a
# notebook parameter. The step concerned reads them from the file (ingest reads
# reconstructed_case: a fictional or reconstructed case may use the public pseudonym salt), so
# they are never passed to a notebook and cannot be set on the command line.
# Parameters the runner sets itself; taking them from the file or the command line would run one
# year's data into another year's folder, or write outside the staged run folder.
RUNNER_PARAMETERS = {
    "year": "年度只能用 --year 指定 / choose the year with --year",
    "output_dir": "输出目录由运行程序设定：先写入临时文件夹，全部成功后移至 reports/<year>/ / the runner sets it",
}


class NotebookFailed(RuntimeError):
    """A notebook raised: names the notebook, the failing cell and where the partial copy is."""


@dataclass
class StepResult:
    notebook: str
    seconds: float


@dataclass
class RunResult:
    year: int
    output_dir: Path
    steps: list[StepResult] = field(default_factory=list)
    parameters: dict[str, dict] = field(default_factory=dict)
    processed_dir: Path | None = None

    @property
    def total_seconds(self) -> float:
        return sum(s.seconds for s in self.steps)


def year_notebooks(notebooks_dir: Path | None = None) -> list[Path]:
    folder = notebooks_dir or paths.NOTEBOOKS_DIR
    found = []
    for nb in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
        if int(nb.name[:2]) <= LAST_REGULAR_STEP:
            found.append(nb)
    return found


def step_name(notebook: Path) -> str:
    """``02_sampling.ipynb`` → ``sampling``."""
    return notebook.stem.split("_", 1)[1]


def read_year_parameters(year: int) -> dict:
    return read_parameters_file(paths.raw_dir(year) / PARAMETERS_FILE)


def parse_cli_value(text: str):
    """Command-line values arrive as text: read numbers, booleans and lists (``[5000, 20000]``) as such."""
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("none", "null"):
        return None
    if lowered.startswith("[") and lowered.endswith("]"):
        try:
            value = ast.literal_eval(text.strip())
        except (ValueError, SyntaxError):
            raise ParameterError(
                f"无法读取列表参数 / not a list: {text!r} (write e.g. [5000, 20000])"
            ) from None
        if isinstance(value, list):
            return value
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def declared_parameters(notebook: Path) -> dict[str, dict]:
    import papermill

    return papermill.inspect_notebook(str(notebook))


_TYPE_CHECKS = {
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
    "str": lambda v: isinstance(v, str),
    "list": lambda v: isinstance(v, list),
    "dict": lambda v: isinstance(v, dict),
}


def _check_type(notebook: str, name: str, declared: dict, value) -> None:
    type_name = (declared.get("inferred_type_name") or "None").split("[")[0].strip().lower()
    default = declared.get("default")
    if type_name in ("none", ""):
        # papermill infers a type only from annotations; otherwise read it off the default literal
        try:
            type_name = (
                type(ast.literal_eval(default)).__name__ if default is not None else "nonetype"
            )
        except (ValueError, SyntaxError):
            return
    if type_name == "nonetype":
        return  # a None default accepts anything; the notebook checks it
    check = _TYPE_CHECKS.get(type_name)
    if check is not None and not check(value):
        raise ParameterError(
            f"参数类型错误 / wrong type: {notebook} 的参数 {name} 应为 {type_name}（默认值 {default}），"
            f"收到 {value!r}（{type(value).__name__}）"
        )


def _check_path(name: str, value) -> None:
    if not isinstance(value, str) or not name.endswith(PATH_PARAMETER_SUFFIXES):
        return
    resolved = paths.project_path(value).resolve()  # the notebooks open it the same way
    allowed = (paths.DATA_DIR.resolve(), paths.REPORTS_DIR.resolve())
    if not any(resolved == root or root in resolved.parents for root in allowed):
        raise ParameterError(
            f"路径超出项目数据与报告目录 / path outside the project's data and report folders: "
            f"{name} = {value} (allowed: {paths.DATA_DIR}, {paths.REPORTS_DIR})"
        )


def resolve_parameters(
    year: int,
    overrides: dict[str, object] | None = None,
    notebooks: list[Path] | None = None,
) -> dict[str, dict]:
    """Parameters per notebook, checked: unknown names, wrong types, bad paths → ParameterError."""
    notebooks = notebooks if notebooks is not None else year_notebooks()
    if not paths.raw_dir(year).is_dir():
        available = (
            sorted(p.name for p in paths.RAW_DIR.iterdir() if p.is_dir())
            if paths.RAW_DIR.is_dir()
            else []
        )
        raise ParameterError(
            f"没有 {year} 年的数据 / no data for year {year}: {paths.raw_dir(year)} does not exist (years found: {', '.join(available) or 'none'})"
        )
    declared = {nb.name: declared_parameters(nb) for nb in notebooks}
    steps = {step_name(nb): nb.name for nb in notebooks}
    file_values = read_year_parameters(year)
    layered: list[tuple[str, str | None, str, object]] = []  # (origin, step, name, value)
    for key, value in file_values.items():
        if key in CASE_FILE_KEYS:
            continue  # describes the case file; read by the step concerned, not a notebook parameter
        if isinstance(value, dict):
            layered.extend(("parameters.toml", key, name, v) for name, v in value.items())
        else:
            layered.append(("parameters.toml", None, key, value))
    for key, value in (overrides or {}).items():
        step, _, name = key.rpartition(".")
        if not step and name in CASE_FILE_KEYS:
            raise ParameterError(
                f"{name} 描述案例数据本身，只能写在 {paths.raw_dir(year) / PARAMETERS_FILE} 中，不能在命令行设置 / "
                f"{name} can only be declared in the year's parameters.toml"
            )
        layered.append(("command line", step or None, name, value))

    resolved: dict[str, dict] = {nb.name: {"year": year} for nb in notebooks}
    for origin, step, name, value in layered:
        if name in RUNNER_PARAMETERS:
            raise ParameterError(
                f"参数 {name} 由运行程序设定，不能在 {origin} 中指定 / runner-owned parameter '{name}' "
                f"cannot be set from {origin}: {RUNNER_PARAMETERS[name]}"
            )
        if step is not None and step not in steps:
            raise ParameterError(
                f"未知步骤 / unknown step '{step}' in {origin} (steps: {', '.join(steps)})"
            )
        targets = (
            [steps[step]] if step else [nb for nb, params in declared.items() if name in params]
        )
        if not targets or any(name not in declared[t] for t in targets):
            raise ParameterError(
                f"未知参数 / unknown parameter '{name}' from {origin}: no notebook"
                f"{' ' + steps[step] if step else ''} declares it"
            )
        _check_path(name, value)
        for target in targets:
            _check_type(target, name, declared[target][name], value)
            resolved[target][name] = value
    for nb, params in resolved.items():
        if "year" not in declared[nb]:
            params.pop("year")
    return resolved


def _failure_message(notebook: Path, partial: Path, exc: Exception) -> str:
    cell = getattr(exc, "exec_count", None) or getattr(exc, "cell_index", None)
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    return (
        f"笔记本运行失败 / notebook failed: {notebook.name}, cell {cell}: {ename}: {evalue}\n"
        f"部分执行的副本 / partly executed copy: {partial}"
    )


def _swap_into_place(work: Path, final: Path, backup: Path) -> None:
    """Put a finished folder where the previous one was; the previous one goes only once the new one is in."""
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        if backup.exists():
            shutil.rmtree(backup)
        final.rename(backup)
        work.rename(final)
        shutil.rmtree(backup)
    else:
        work.rename(final)


def _stage_processed(processed_root: Path, year: int) -> tuple[Path, Path]:
    """A staging root next to ``data/processed/`` holding a copy of the year's current tables.

    The kernels see the staging root as their processed folder, so every notebook finds what
    the earlier ones (or, for steps not in this run, the last good run) wrote, exactly as it
    would in place, while ``data/processed/<year>`` itself is left alone until the run passed.
    """
    staging_root = processed_root / f".{year}.running"
    if staging_root.exists():
        shutil.rmtree(staging_root)
    staged = staging_root / str(year)
    current = processed_root / str(year)
    if current.is_dir():
        shutil.copytree(current, staged)
    else:
        staged.mkdir(parents=True)
    return staging_root, staged


def _keep_failed(work: Path, failed: Path) -> None:
    if failed.exists():
        shutil.rmtree(failed)
    work.rename(failed)


def run_year(
    year: int,
    overrides: dict[str, object] | None = None,
    *,
    notebooks: list[Path] | None = None,
    reports_root: Path | None = None,
    processed_root: Path | None = None,
    log=print,
) -> RunResult:
    """Run a year's notebooks; outputs and processed tables move into place only if all passed.

    Reports are written in ``reports/.<year>.running/`` and processed tables in
    ``data/processed/.<year>.running/<year>/`` (the kernels find it through
    ``JIXIAO_PROCESSED_ROOT``). A failed run leaves ``reports/<year>/`` and
    ``data/processed/<year>/`` as they were and keeps what it wrote in ``reports/<year>.failed/``
    and ``data/processed/<year>.failed/`` for review.
    """
    notebooks = notebooks if notebooks is not None else year_notebooks()
    if not notebooks:
        raise ParameterError(f"no numbered notebooks found in {paths.NOTEBOOKS_DIR}")
    return _run_year(year, overrides, notebooks, reports_root, processed_root, log)


def _run_year(
    year: int,
    overrides: dict[str, object] | None,
    notebooks: list[Path],
    reports_root: Path | None,
    processed_root: Path | None,
    log,
) -> RunResult:
    parameters = resolve_parameters(year, overrides, notebooks)
    import papermill

    reports_root = Path(reports_root or paths.REPORTS_DIR)
    processed_root = Path(processed_root) if processed_root is not None else paths.processed_root()
    final_dir = reports_root / str(year)
    final_processed = processed_root / str(year)
    work_dir = reports_root / f".{year}.running"
    if work_dir.exists():
        shutil.rmtree(work_dir)
    work_dir.mkdir(parents=True)
    staging_root, staged = _stage_processed(processed_root, year)
    result = RunResult(
        year=year, output_dir=final_dir, parameters=parameters, processed_dir=final_processed
    )
    log(f"jixiao run --year {year}: {len(notebooks)} notebooks → {final_dir}")
    failed_dir = reports_root / f"{year}.failed"
    failed_processed = processed_root / f"{year}.failed"

    def fail(message: str) -> NotebookFailed:
        """Keep what this run wrote for review; the last good outputs stay where they are."""
        _keep_failed(work_dir, failed_dir)
        _keep_failed(staged, failed_processed)
        shutil.rmtree(staging_root)
        kept = [str(d) for d in (final_dir, final_processed) if d.exists()]
        return NotebookFailed(
            message
            + f"\n本次运行写出的处理后数据（供核查）/ processed data of this run, kept for review: {failed_processed}"
            + (
                f"\n上次成功运行的结果未改动 / last good outputs left as they were: {', '.join(kept)}"
                if kept
                else "\n此前没有成功运行的结果 / no earlier good run to keep"
            )
        )

    # Inherited by each kernel: where the staged tables are, the chart helper, the step's name.
    run_environment = {paths.PROCESSED_ROOT_VARIABLE: str(staging_root.resolve())}
    previous_environment = {name: os.environ.get(name) for name in run_environment}
    os.environ.update(run_environment)
    try:
        for notebook in notebooks:
            executed = work_dir / notebook.name
            params = dict(parameters[notebook.name])
            if "output_dir" in declared_parameters(notebook):
                params["output_dir"] = str(work_dir)
            log(f"  ▶ {notebook.name} …")
            started = time.perf_counter()
            try:
                papermill.execute_notebook(
                    str(notebook),
                    str(executed),
                    parameters=params,
                    kernel_name=KERNEL_NAME,
                    cwd=str(notebook.parent),
                    progress_bar=False,
                    # One write at the end (papermill still writes the partial copy when a cell fails)
                    # instead of two full re-serialisations of the notebook, images included, per cell.
                    request_save_on_cell_execute=False,
                    # The kernel's own log is not the evaluator's concern: its start-up notice, and the
                    # "KeyboardInterrupt caught in kernel" that jupyter_client's SIGINT-before-shutdown
                    # provokes when a message is still in flight. Cell errors arrive as outputs and stop
                    # the run through papermill, whatever this level.
                    extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
                )
            except (
                Exception
            ) as exc:  # papermill wraps kernel errors; keep the partial copies for review
                raise fail(_failure_message(notebook, failed_dir / notebook.name, exc)) from exc
            seconds = time.perf_counter() - started
            result.steps.append(StepResult(notebook.name, seconds))
            log(f"  ✓ {notebook.name} {seconds:.1f} s")
    finally:
        for name, value in previous_environment.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    report_notebook = work_dir / REPORT_NOTEBOOK
    if report_notebook.is_file():
        from .report import export_html

        export_html(report_notebook, work_dir / "report.html", None)
        log("  ✓ report.html")
    record = run_manifest.run_record(
        year=year,
        raw_folder=paths.raw_dir(year),
        parameters=parameters,
        timings={s.notebook: round(s.seconds, 2) for s in result.steps},
    )
    seeds = sorted({params["seed"] for params in parameters.values() if "seed" in params})
    record["seed"] = seeds[0] if len(seeds) == 1 else seeds
    record["kernel"] = KERNEL_NAME
    record["outputs"] = run_manifest.folder_hashes(work_dir)
    run_manifest.write_json(work_dir / "manifest.json", record)
    _swap_into_place(staged, final_processed, processed_root / f".{year}.previous")
    shutil.rmtree(staging_root)
    _swap_into_place(work_dir, final_dir, reports_root / f".{year}.previous")
    for failed in (failed_dir, failed_processed):
        if failed.exists():
            shutil.rmtree(failed)
    log(f"完成 / done in {result.total_seconds:.1f} s: {final_dir}")
    score_file = final_dir / "score.json"
    if score_file.is_file():
        log(score_summary(json.loads(score_file.read_text(encoding="utf-8"))))
    return result


def score_summary(score: dict) -> str:
    """The closing line of a run: total and grade, or what is missing when scoring is incomplete."""
    if score.get("complete", True) and score.get("grade"):
        return f"综合得分 / total {score.get('total')}，评价等级 / grade {score.get('grade')}"
    missing = [
        f"{m['indicator']}（{m['metric']}，{m['step']}）" for m in score.get("missing_metrics", [])
    ]
    return (
        f"评分不完整 / scoring incomplete：已评部分 {score.get('total')} 分，未定等级；"
        f"缺少指标数据 / missing metrics: {'、'.join(missing) or '见 05_scoring'}"
    )


def main_run(year: int, overrides: dict[str, object]) -> int:
    try:
        run_year(year, overrides)
    except (ParameterError, NotebookFailed) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    return 0


def summary_json(result: RunResult) -> str:
    return json.dumps(
        {"year": result.year, "timings": {s.notebook: s.seconds for s in result.steps}},
        ensure_ascii=False,
    )
