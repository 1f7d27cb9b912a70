"""Big year (issue 16): ``jixiao run`` on a 200-unit, ≈ 1.5M-line year against the papermill floor.

The year is the 2017 case scaled up by its generator (``scripts/generate_case_2017.py``,
:class:`BigYear`): the case's 27 communities and 28 grants plus made-up communities up to
``--units`` (245 grants for 200 units), every unit busy with everyday payments so that the
ledgers hold about ``--lines`` lines; most added units export GB18030 CSV, one in eight xlsx.
It is written into a temporary engagement folder (``jixiao new``) with the 2017 case's profile,
parameters and indicator workbook; the repository's ``data/`` is not touched. Generation is not
timed.

Then, as ``bench_pipeline.py`` does (its functions, imported): a recording run of the real
notebooks (untimed; it also warms the disk cache) gives the modules each kernel loads, the floor
notebooks import exactly those, and floor and full run alternate ``--repeat`` times; each side
is the sum of its steps' fastest times. The full run is ``jixiao.run.run_year`` in this process
on the engagement, which is what ``jixiao run --year 2017 --project-dir D`` runs. Peak memory is
the largest resident set of any notebook kernel (they are this process's children) and of this
process (the runner: staging, the personal-data scan, the manifest).

The last line printed is JSON; the exit status is 0 when ``ratio`` ≤ ``target_ratio``.

    .venv/bin/python benchmarks/bench_big_year.py [--units 200] [--lines 1500000] [--repeat 1]
        [--workdir DIR]   # keep (or reuse) the generated engagement in DIR
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import bench_pipeline
from jixiao import paths
from jixiao import run as runner
from jixiao.engagement import create_engagement

sys.path.insert(0, str(paths.SUITE_ROOT / "scripts"))
import generate_case_2017 as case2017  # noqa: E402

TARGET_RATIO = 3
YEAR = case2017.YEAR
# The case files the generator does not write (maintained by hand in data/raw/2017).
CASE_FILES = (
    "parameters.toml",
    "project.toml",
    "recommendations.csv",
    "report_text.toml",
    f"指标体系_{YEAR}.xlsx",
)
STAMP = "big_year.json"  # what the engagement in --workdir was generated with


def prepare_engagement(folder: Path, big: case2017.BigYear) -> dict:
    """An engagement folder holding the big year; reused when ``folder`` already holds it."""
    wanted = {"units": big.units, "lines": big.lines, "grants": big.grants}
    stamp = folder / STAMP
    if stamp.is_file():
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
        if recorded["big_year"] == wanted:
            print(f"reusing the big year in {folder}", flush=True)
            return recorded
    if folder.exists():
        shutil.rmtree(folder)
    create_engagement(folder, YEAR)
    raw = folder / "data" / "raw" / str(YEAR)
    for template in raw.iterdir():  # jixiao new's blank workbooks give way to the case's files
        template.unlink()
    case_dir = paths.SUITE_ROOT / "data" / "raw" / str(YEAR)
    for name in CASE_FILES:
        shutil.copyfile(case_dir / name, raw / name)
    paths.use_project_dir(folder)
    started = time.perf_counter()
    summary = case2017.generate(raw, big=big)
    units = sum(1 for _ in raw.glob("明细账_*"))
    recorded = {
        "big_year": wanted,
        "rows": summary["ledger_entries"],
        "units": units,
        "generation_s": round(time.perf_counter() - started, 1),
    }
    stamp.write_text(json.dumps(recorded, ensure_ascii=False), encoding="utf-8")
    return recorded


def count_grants(folder: Path) -> int:
    from jixiao import loading

    raw = folder / "data" / "raw" / str(YEAR)
    return len(loading.load_allocations(next(raw.glob("资金下达*.xlsx"))).data)


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: kilobytes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--lines", type=int, default=1_500_000, help="ledger lines, about")
    parser.add_argument("--grants", type=int, help="default: 245 for 200 units, in proportion")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="engagement folder to keep or reuse")
    args = parser.parse_args()
    grants = args.grants or round(args.units * 245 / 200)
    big = case2017.BigYear(units=args.units, lines=args.lines, grants=grants)

    with tempfile.TemporaryDirectory(prefix="bench_big_year_") as tmp:
        folder = (args.workdir or Path(tmp) / "big_year").resolve()
        print(
            f"generating {big.units} units, ≈ {big.lines:,} lines, {big.grants} grants …",
            flush=True,
        )
        recorded = prepare_engagement(folder, big)
        paths.use_project_dir(folder)
        n_grants = count_grants(folder)
        print(
            f"  {recorded['units']} ledgers, {recorded['rows']:,} lines, {n_grants} grants "
            f"(generated in {recorded['generation_s']} s) in {folder}",
            flush=True,
        )

        notebooks = runner.year_notebooks()
        names = [nb.name for nb in notebooks]
        cwd = notebooks[0].parent
        floor_dir = Path(tmp) / "floor"
        floor_dir.mkdir()
        bench_pipeline.build_floor(notebooks, YEAR, floor_dir)
        floors, fulls = [], []
        for i in range(args.repeat):
            floors.append(bench_pipeline.run_floor(floor_dir, names, cwd, YEAR))
            print(f"round {i + 1}: floor {floors[-1][0]:.2f} s", flush=True)
            fulls.append(bench_pipeline.run_full(YEAR))
            print(f"round {i + 1}: full  {fulls[-1][0]:.2f} s", flush=True)

    floor_per = bench_pipeline.best_steps(floors, names)
    full_per = bench_pipeline.best_steps(fulls, [*names, bench_pipeline.RUNNER])
    floor_s = sum(floor_per.values())
    full_s = sum(full_per.values())
    ratio = full_s / floor_s
    print(f"{len(names)} notebooks, best of {args.repeat}")
    print(f"{'notebook':<22}{'full s':>9}{'floor s':>9}{'extra s':>9}")
    for name in names:
        print(
            f"{name:<22}{full_per[name]:>9.2f}{floor_per[name]:>9.2f}"
            f"{full_per[name] - floor_per[name]:>9.2f}"
        )
    print(
        f"{bench_pipeline.RUNNER + ': staging, personal-data scan, manifest':<40}"
        f"{full_per[bench_pipeline.RUNNER]:>9.2f}"
    )
    print(
        f"full {full_s:.2f} s, floor {floor_s:.2f} s, ratio {ratio:.2f} (target ≤ {TARGET_RATIO})"
    )
    print(
        json.dumps(
            {
                "year": YEAR,
                "rows": recorded["rows"],
                "units": recorded["units"],
                "grants": n_grants,
                "full_run_s": round(full_s, 3),
                "floor_s": round(floor_s, 3),
                "ratio": round(ratio, 3),
                "target_ratio": TARGET_RATIO,
                "repeat": args.repeat,
                "round_ratios": [
                    round(full[0] / floor[0], 3) for floor, full in zip(floors, fulls, strict=True)
                ],
                "per_notebook_s": {
                    name: {"full": round(full_per[name], 3), "floor": round(floor_per[name], 3)}
                    for name in names
                },
                "runner_s": round(full_per[bench_pipeline.RUNNER], 3),
                "peak_kernel_rss_mb": round(peak_mb(resource.RUSAGE_CHILDREN)),
                "peak_runner_rss_mb": round(peak_mb(resource.RUSAGE_SELF)),
                "generation_s": recorded["generation_s"],
            },
            ensure_ascii=False,
        )
    )
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
