"""Full-year pipeline speed: ``jixiao run --year 2017`` against the papermill floor.

The floor is what any papermill pipeline of this shape must pay: one kernel per notebook, each
importing the same libraries as the real notebook (pandas, matplotlib, IPython.display and the
jixiao modules of its import cell, plus ``charts.use_chinese_font()`` where the notebook calls
it) and doing nothing else. The floor notebooks are derived from the real notebooks' import
cells, so they follow the notebooks as they change.

One throwaway notebook warms the disk cache first so neither side pays the first imports alone;
then floor and full run alternately (floor, full, floor, full, …). The floor is the sum of each
notebook's fastest floor time over the rounds; the full run is the fastest whole run.
The full run writes ``data/processed/2017`` as ``jixiao run`` does; its reports go to a temporary
folder. The last line printed is JSON for CI to read.

    .venv/bin/python benchmarks/bench_pipeline.py [--year 2017] [--repeat 3]
"""

from __future__ import annotations

import argparse
import ast
import json
import tempfile
import time
from pathlib import Path

import nbformat
import papermill

from jixiao import pipeline

TARGET_RATIO = 1.5


def import_source(notebook: Path) -> str:
    """The import statements of the notebook's set-up cell, plus the font registration if it calls it.

    The set-up cell is the first code cell after the parameters cell; any other statement in it
    (reading tables, building settings) is real work and stays out of the floor.
    """
    cells = [c for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"]
    setup = next(c for c in cells if "parameters" not in c.metadata.get("tags", []))
    kept = []
    for node in ast.parse(setup.source).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            kept.append(ast.get_source_segment(setup.source, node))
        elif isinstance(node, ast.Expr) and ast.unparse(node.value) == "charts.use_chinese_font()":
            kept.append("charts.use_chinese_font()")
    # Every notebook imports pandas/matplotlib at least through jixiao; name them so the floor never
    # imports less than the real run even if a set-up cell is trimmed.
    return "\n".join(["import pandas as pd", "import matplotlib", "from IPython.display import display", *kept])


def floor_notebook(source: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell("year = 2017")
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [parameters, nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {"name": pipeline.KERNEL_NAME, "display_name": "Python 3", "language": "python"}
    return nb


def execute(notebook: Path, executed: Path, cwd: Path, year: int) -> float:
    started = time.perf_counter()
    papermill.execute_notebook(
        str(notebook), str(executed), parameters={"year": year},
        kernel_name=pipeline.KERNEL_NAME, cwd=str(cwd), progress_bar=False,
    )
    return time.perf_counter() - started


def run_floor(floor_dir: Path, names: list[str], cwd: Path, year: int) -> tuple[float, dict[str, float]]:
    out = Path(tempfile.mkdtemp(prefix="floor_out_", dir=floor_dir))
    started = time.perf_counter()
    per = {name: execute(floor_dir / name, out / name, cwd, year) for name in names}
    return time.perf_counter() - started, per


def run_full(year: int) -> tuple[float, dict[str, float]]:
    with tempfile.TemporaryDirectory(prefix="bench_reports_") as reports:
        started = time.perf_counter()
        result = pipeline.run_year(year, reports_root=Path(reports), log=lambda line: None)
        total = time.perf_counter() - started
    return total, {s.notebook: s.seconds for s in result.steps}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2017)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    notebooks = pipeline.year_notebooks()
    names = [nb.name for nb in notebooks]
    cwd = notebooks[0].parent
    with tempfile.TemporaryDirectory(prefix="bench_floor_") as tmp:
        floor_dir = Path(tmp)
        for nb in notebooks:
            nbformat.write(floor_notebook(import_source(nb)), floor_dir / nb.name)
        warm = floor_notebook("\n".join(dict.fromkeys(
            line for nb in notebooks for line in import_source(nb).splitlines())))
        nbformat.write(warm, floor_dir / "warmup.ipynb")
        warm_s = execute(floor_dir / "warmup.ipynb", floor_dir / "warmup.out.ipynb", cwd, args.year)
        print(f"warm-up notebook (all imports once): {warm_s:.2f} s")

        floors: list[tuple[float, dict[str, float]]] = []
        fulls: list[tuple[float, dict[str, float]]] = []
        for i in range(args.repeat):
            floors.append(run_floor(floor_dir, names, cwd, args.year))
            print(f"round {i + 1}: floor {floors[-1][0]:.2f} s", flush=True)
            fulls.append(run_full(args.year))
            print(f"round {i + 1}: full  {fulls[-1][0]:.2f} s", flush=True)

    # The floor is the fastest each notebook's kernel start and imports were seen to be (one slow
    # kernel start in a round must not flatter the ratio); the full run is the fastest whole run.
    floor_per = {name: min(per[name] for _, per in floors) for name in names}
    floor_s = sum(floor_per.values())
    full_s, full_per = min(fulls, key=lambda r: r[0])
    ratio = full_s / floor_s
    print(f"{len(names)} notebooks, best of {args.repeat}")
    print(f"{'notebook':<22}{'full s':>9}{'floor s':>9}{'extra s':>9}")
    for name in names:
        print(f"{name:<22}{full_per[name]:>9.2f}{floor_per[name]:>9.2f}{full_per[name] - floor_per[name]:>9.2f}")
    outside = full_s - sum(full_per.values())
    print(f"{'(runner: parameters, report.html, manifest)':<40}{outside:>9.2f}")
    print(f"full run {full_s:.2f} s, floor {floor_s:.2f} s, ratio {ratio:.2f} (target ≤ {TARGET_RATIO})")
    print(json.dumps({
        "year": args.year,
        "notebooks": len(names),
        "full_run_s": round(full_s, 3),
        "floor_s": round(floor_s, 3),
        "ratio": round(ratio, 3),
        "target_ratio": TARGET_RATIO,
        "per_notebook_s": {
            name: {"full": round(full_per[name], 3), "floor": round(floor_per[name], 3)} for name in names
        },
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
