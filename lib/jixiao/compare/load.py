"""Reading the years' outputs: the I/O edge of the comparison.

Each year's run (``jixiao run --year <year>``) leaves ``reports/<year>/score.json`` and the
derived tables in ``data/processed/<year>/``; :func:`load_years` reads them into one
:class:`YearSummary` per year, and a year whose run is missing or incomplete is an error that
names the command to run.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import metrics as metrics_io
from .. import paths
from ..errors import InputError, ParameterError
from ._common import ALL_RESPONDENTS

SATISFACTION_TABLES = ("survey_satisfaction_overall", "survey_satisfaction_group")
REQUIRED_TABLES = (*SATISFACTION_TABLES, "findings", "arrival_grants")


@dataclass(frozen=True)
class YearSummary:
    """What one year's run left behind, as read from its output folders."""

    year: int
    score: dict  # score.json as written by jixiao.scoring
    metrics: pd.DataFrame  # metric, value, label, source, evidence
    satisfaction: pd.DataFrame  # group, n_valid, n_satisfied, rate, lower, upper (全部受访者 first)
    findings: pd.DataFrame  # the findings register
    grants: pd.DataFrame  # arrival_grants: one row per grant with due / on-time / late fen
    confidence: float | None = (
        None  # the survey step's confidence level, when the manifest records it
    )
    interval_method: str | None = None


def _year_dirs(
    year: int, processed_dir: Path | None, reports_dir: Path | None
) -> tuple[Path, Path]:
    return (
        Path(processed_dir) if processed_dir is not None else paths.processed_dir(year),
        Path(reports_dir) if reports_dir is not None else paths.reports_dir(year),
    )


def missing_outputs(
    year: int, *, processed_dir: Path | None = None, reports_dir: Path | None = None
) -> list[Path]:
    """The files a comparison needs that the year's run has not (yet) written."""
    processed, reports = _year_dirs(year, processed_dir, reports_dir)
    needed = [reports / "score.json", *(processed / f"{name}.parquet" for name in REQUIRED_TABLES)]
    missing = [file for file in needed if not file.is_file()]
    metrics_folder = processed / "metrics"
    if not (metrics_folder.is_dir() and any(metrics_folder.glob("*.json"))):
        missing.append(metrics_folder / "*.json")
    return missing


def _missing_message(year: int, missing: Sequence[Path]) -> str:
    listed = "、".join(str(file) for file in missing)
    return f"{year}年的评价结果不全（缺少 {listed}）：请先运行 `jixiao run --year {year}`。"


def _survey_settings(reports: Path) -> tuple[float | None, str | None]:
    manifest = reports / "manifest.json"
    if not manifest.is_file():
        return None, None
    parameters = json.loads(manifest.read_text(encoding="utf-8")).get("parameters", {})
    survey = next((p for name, p in sorted(parameters.items()) if "survey" in name), {})
    confidence = survey.get("confidence")
    return (float(confidence) if confidence is not None else None), survey.get("interval_method")


def load_year_summary(
    year: int, *, processed_dir: Path | None = None, reports_dir: Path | None = None
) -> YearSummary:
    """Read one year's score, metrics, satisfaction, findings and grant tables.

    ``processed_dir`` / ``reports_dir`` default to ``data/processed/<year>`` and
    ``reports/<year>``. A year whose run is missing or incomplete raises an InputError that
    tells the evaluator which command to run.
    """
    year = int(year)
    missing = missing_outputs(year, processed_dir=processed_dir, reports_dir=reports_dir)
    if missing:
        raise InputError(_missing_message(year, missing))
    processed, reports = _year_dirs(year, processed_dir, reports_dir)
    score_file = reports / "score.json"
    try:
        score = json.loads(score_file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"score.json 无法解析（{exc}）：请重新运行 `jixiao run --year {year}`。",
            file=score_file,
        ) from exc
    if int(score.get("year", year)) != year:
        raise InputError(
            f"文件记录的是 {score['year']} 年的评分，不是 {year} 年。", file=score_file
        )
    tables = {
        name: pd.read_parquet(processed / f"{name}.parquet", engine="pyarrow")
        for name in REQUIRED_TABLES
    }
    overall = tables["survey_satisfaction_overall"].assign(group=ALL_RESPONDENTS)
    satisfaction = pd.concat([overall, tables["survey_satisfaction_group"]], ignore_index=True)
    confidence, method = _survey_settings(reports)
    return YearSummary(
        year=year,
        score=score,
        metrics=metrics_io.read_metrics(year, folder=processed / "metrics"),
        satisfaction=satisfaction[["group", "n_valid", "n_satisfied", "rate", "lower", "upper"]],
        findings=tables["findings"],
        grants=tables["arrival_grants"],
        confidence=confidence,
        interval_method=method,
    )


def load_years(
    years: Sequence[int], *, processed_root: Path | None = None, reports_root: Path | None = None
) -> list[YearSummary]:
    """Summaries for several years, earliest first; one error naming every year still to run."""
    chosen = sorted({int(y) for y in years})
    if len(chosen) < 2:
        raise ParameterError(f"years 至少需要两个不同的年度才能比较，收到 {list(years)}")
    processed_root = Path(processed_root) if processed_root is not None else paths.processed_root()
    reports_root = Path(reports_root) if reports_root is not None else paths.REPORTS_DIR
    dirs = {
        y: {"processed_dir": processed_root / str(y), "reports_dir": reports_root / str(y)}
        for y in chosen
    }
    problems = [
        _missing_message(y, gaps) for y in chosen if (gaps := missing_outputs(y, **dirs[y]))
    ]
    if problems:
        raise InputError("\n".join(problems))
    return [load_year_summary(y, **dirs[y]) for y in chosen]


def output_folder(output_dir: str | Path | None = None) -> Path:
    """Where the comparison is written: ``reports/comparison`` unless told otherwise."""
    folder = Path(output_dir) if output_dir else paths.REPORTS_DIR / "comparison"
    if not folder.is_absolute():
        folder = paths.ROOT / folder
    folder.mkdir(parents=True, exist_ok=True)
    return folder
