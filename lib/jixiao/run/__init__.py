"""The runner: ``jixiao run --year Y`` in parts.

- :mod:`.parameters` — ``parameters.toml``, ``-p`` overrides, type and path checks;
- :mod:`.staging` — the per-year lock and the ``.running`` / ``.failed`` / ``.previous`` folders;
- :mod:`.execute` — the loop over the notebooks, progress, the failure report;
- :mod:`.record` — the manifest and the closing score line.

No audit step imports the runner; case-file settings they share live in :mod:`jixiao.case`.
"""

from .execute import NotebookFailed, console_print, main_run, run_year
from .parameters import (
    declared_parameters,
    parse_cli_value,
    read_year_parameters,
    resolve_parameters,
    step_name,
    year_notebooks,
)
from .record import KERNEL_NAME, RunResult, StepResult, score_summary, summary_json
from .staging import RunLocked, YearStaging

__all__ = [
    "KERNEL_NAME",
    "NotebookFailed",
    "RunLocked",
    "RunResult",
    "StepResult",
    "YearStaging",
    "console_print",
    "declared_parameters",
    "main_run",
    "parse_cli_value",
    "read_year_parameters",
    "resolve_parameters",
    "run_year",
    "score_summary",
    "step_name",
    "summary_json",
    "year_notebooks",
]
