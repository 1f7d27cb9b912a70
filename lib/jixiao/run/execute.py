"""``run_year``: the year's notebooks through papermill, in a staged, locked run.

Every parameter is checked before any notebook starts (:mod:`.parameters`); the notebooks run
in order inside a :class:`.staging.YearStaging` (per-year lock, unique staging folders); the
finished set moves into ``reports/<year>/`` and ``data/processed/<year>/`` only when every
notebook passed, so a failed or concurrent run never destroys the outputs of the last good one.
"""

from __future__ import annotations

import json
import sys
import time
from functools import partial
from pathlib import Path

from .. import paths
from ..concurrency import in_background
from ..errors import ParameterError
from .leakcheck import PersonalDataLeak, check_outputs, respondent_names
from .parameters import declared_parameters, resolve_parameters, year_notebooks
from .record import KERNEL_NAME, RunResult, StepResult, score_summary, write_manifest
from .staging import RunLocked, YearStaging


class NotebookFailed(RuntimeError):
    """A notebook raised: names the notebook, the failing cell and where the partial copy is."""


def console_print(text: str) -> None:
    """Print on any console: characters its encoding lacks (✓ ▶ on GBK / cp936) become '?'."""
    stream = sys.stdout
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        text = text.encode(encoding, errors="replace").decode(encoding, errors="replace")
    print(text, file=stream)


def _failure_message(notebook: Path, partial: Path, exc: Exception) -> str:
    cell = getattr(exc, "exec_count", None) or getattr(exc, "cell_index", None)
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    return (
        f"笔记本运行失败 / notebook failed: {notebook.name}, cell {cell}: {ename}: {evalue}\n"
        f"部分执行的副本 / partly executed copy: {partial}"
    )


def _execute(notebook: Path, executed: Path, params: dict) -> None:
    import papermill

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
        # provokes when a message is still in flight. Cell errors still stop the run.
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
    )


def _record_relative_paths(executed: Path, source: Path, final_dir: Path) -> None:
    """papermill records where it read and wrote the notebook; record it as the project sees it
    (notebooks/…, reports/<year>/…), not this machine's absolute staging path."""
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    record = nb.metadata.get("papermill", {})
    record["input_path"] = paths.project_relative(source)
    record["output_path"] = paths.project_relative(final_dir / executed.name)
    nbformat.write(nb, executed)


def run_year(
    year: int,
    overrides: dict[str, object] | None = None,
    *,
    notebooks: list[Path] | None = None,
    reports_root: Path | None = None,
    processed_root: Path | None = None,
    log=console_print,
) -> RunResult:
    """Run a year's notebooks; outputs and processed tables move into place only if all passed.

    A failed run leaves ``reports/<year>/`` and ``data/processed/<year>/`` as they were and
    keeps what it wrote in ``reports/<year>.failed/`` and ``data/processed/<year>.failed/``.
    A second run of the same year while one is going refuses at once (:class:`RunLocked`).
    """
    notebooks = notebooks if notebooks is not None else year_notebooks()
    if not notebooks:
        raise ParameterError(f"no numbered notebooks found in {paths.NOTEBOOKS_DIR}")
    parameters = resolve_parameters(year, overrides, notebooks)
    reports_root = Path(reports_root or paths.REPORTS_DIR)
    processed_root = Path(processed_root) if processed_root is not None else paths.processed_root()
    result = RunResult(
        year=year,
        output_dir=reports_root / str(year),
        parameters=parameters,
        processed_dir=processed_root / str(year),
    )
    with YearStaging(year, reports_root, processed_root, log=log) as staging:
        log(f"jixiao run --year {year}: {len(notebooks)} notebooks → {staging.final_dir}")
        # The respondents' raw names (read-only raw files) are read while the notebooks run.
        names = in_background(partial(respondent_names, paths.raw_dir(year)))
        _run_notebooks(staging, notebooks, parameters, result, log)
        write_manifest(result, staging.work_dir)
        started = time.perf_counter()
        check_outputs([staging.work_dir, staging.staged], names())
        log(f"  ✓ 个人信息检查 / personal-data scan {time.perf_counter() - started:.1f} s")
        staging.commit()
    log(f"完成 / done in {result.total_seconds:.1f} s: {staging.final_dir}")
    score_file = staging.final_dir / "score.json"
    if score_file.is_file():
        log(score_summary(json.loads(score_file.read_text(encoding="utf-8"))))
    return result


def _run_notebooks(staging: YearStaging, notebooks, parameters, result: RunResult, log) -> None:
    # Everything a notebook gets from the runner is a papermill parameter, so the executed copy
    # records it; paths are project-relative, never this machine's absolute staging path.
    given = {
        "output_dir": paths.project_relative(staging.work_dir),
        "processed_root": paths.project_relative(staging.staging_root),
    }
    if not paths.is_reference_project():
        # An engagement outside the repository: the kernels (started in the suite's notebooks
        # folder) are told where it is; the repository's own runs record no absolute path.
        given["project_dir"] = str(paths.ROOT)
    for notebook in notebooks:
        declared = declared_parameters(notebook)
        if "project_dir" in given and "project_dir" not in declared:
            raise ParameterError(
                f"{notebook.name} 没有 project_dir 参数：jixiao run 无法让它处理评价项目 {paths.ROOT} / "
                "declare project_dir = None in its parameters cell and call "
                "paths.use_project_dir(project_dir)"
            )
        if "processed_root" not in declared:
            raise ParameterError(
                f"{notebook.name} 没有 processed_root 参数：jixiao run 无法让它写入本次运行的临时文件夹 / "
                "declare processed_root = None in its parameters cell and call "
                "paths.use_processed_root(processed_root)"
            )
        params = dict(parameters[notebook.name]) | {k: v for k, v in given.items() if k in declared}
        log(f"  ▶ {notebook.name} …")
        started = time.perf_counter()
        try:
            _execute(notebook, staging.work_dir / notebook.name, params)
        except Exception as exc:  # papermill wraps kernel errors; keep partial copies
            message = _failure_message(notebook, staging.failed_dir / notebook.name, exc)
            kept = staging.keep_failed()
            raise NotebookFailed(
                message
                + "\n本次运行写出的处理后数据（供核查）/ processed data of this run, kept for "
                + f"review: {staging.failed_processed}"
                + (
                    "\n上次成功运行的结果未改动 / last good outputs left as they were: "
                    + ", ".join(str(k) for k in kept)
                    if kept
                    else "\n此前没有成功运行的结果 / no earlier good run to keep"
                )
            ) from exc
        _record_relative_paths(staging.work_dir / notebook.name, notebook, staging.final_dir)
        seconds = time.perf_counter() - started
        result.steps.append(StepResult(notebook.name, seconds))
        log(f"  ✓ {notebook.name} {seconds:.1f} s")


def main_run(year: int, overrides: dict[str, object]) -> int:
    try:
        run_year(year, overrides)
    except (ParameterError, NotebookFailed, RunLocked, PersonalDataLeak) as exc:
        console_print_err(str(exc))
        return 2
    return 0


def console_print_err(text: str) -> None:
    encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
    print(
        text.encode(encoding, errors="replace").decode(encoding, errors="replace"), file=sys.stderr
    )
