"""What a run leaves on record: the manifest, the closing score line, the timings as JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .. import manifest as run_manifest
from .. import paths

KERNEL_NAME = (
    "python3"  # ipykernel's native kernel: the interpreter running jixiao, nothing to register
)


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


def write_manifest(result: RunResult, work_dir: Path) -> Path:
    """``manifest.json`` of the staged run: inputs' hashes, parameters, seed, versions, outputs."""
    record = run_manifest.run_record(
        year=result.year,
        raw_folder=paths.raw_dir(result.year),
        parameters=result.parameters,
        timings={s.notebook: round(s.seconds, 2) for s in result.steps},
    )
    seeds = sorted({p["seed"] for p in result.parameters.values() if "seed" in p})
    record["seed"] = seeds[0] if len(seeds) == 1 else seeds
    record["kernel"] = KERNEL_NAME
    record["outputs"] = run_manifest.folder_hashes(work_dir)
    target = work_dir / "manifest.json"
    run_manifest.write_json(target, record)
    return target


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


def summary_json(result: RunResult) -> str:
    return json.dumps(
        {"year": result.year, "timings": {s.notebook: s.seconds for s in result.steps}},
        ensure_ascii=False,
    )
