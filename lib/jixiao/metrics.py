"""Metrics: the figures one audit step hands to scoring (到位率, 满意度, …).

Each step writes ``data/processed/<year>/metrics/<step>.json``; scoring reads them all and
names any metric an indicator needs that no step produced.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from . import paths

METRIC_COLUMNS = ("metric", "value", "label", "source", "evidence")


@dataclass(frozen=True)
class Metric:
    metric: str  # canonical name, e.g. "fund_timely_rate"
    value: float
    label: str  # Chinese name, e.g. "到位及时率"
    source: str  # the step that computed it, e.g. "compliance"
    evidence: str = ""  # how it was computed / which rows, in Chinese


def metrics_dir(year: int | str) -> Path:
    return paths.processed_dir(year) / "metrics"


def write_metrics(
    year: int | str, step: str, metrics: list[Metric], *, folder: Path | None = None
) -> Path:
    target = (folder or metrics_dir(year)) / f"{step}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    records = [asdict(m) for m in sorted(metrics, key=lambda m: m.metric)]
    for record in records:
        record["value"] = float(record["value"])
    target.write_text(json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8")
    return target


def read_metrics(year: int | str, *, folder: Path | None = None) -> pd.DataFrame:
    """All metrics written for the year, one row each (empty frame when none exist)."""
    source = folder or metrics_dir(year)
    records: list[dict] = []
    for file in sorted(source.glob("*.json")) if source.is_dir() else []:
        records.extend(json.loads(file.read_text(encoding="utf-8")))
    frame = pd.DataFrame.from_records(records, columns=list(METRIC_COLUMNS))
    duplicated = frame["metric"][frame["metric"].duplicated()]
    if not duplicated.empty:
        raise ValueError(
            f"{source}: metric(s) written by more than one step: {sorted(set(duplicated))}"
        )
    return frame.sort_values("metric", ignore_index=True)


def metrics_dict(frame: pd.DataFrame) -> dict[str, float]:
    return dict(zip(frame["metric"], frame["value"].astype(float), strict=True))
