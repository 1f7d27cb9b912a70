"""Full-year pipeline speed: ``jixiao run --year 2017`` against the papermill floor.

The floor is what any papermill pipeline of this shape must pay: one kernel per notebook that
imports the same libraries as the real notebook and does nothing else. "The same libraries" is
measured, not guessed: a first, untimed run of the real notebooks records which modules each
kernel has loaded when it ends (the set-up cell's imports and everything the step modules import
later, such as matplotlib's PDF/SVG backends, pyarrow or openpyxl), and each floor notebook
imports exactly those, in the order they were loaded, plus ``charts.use_chinese_font()`` where
the real notebook calls it. Moving an import from a set-up cell into a function therefore
changes neither side.

The recording run also warms the disk cache, so neither side pays the first imports alone; then
floor and full run alternately (floor, full, floor, full, …). Both sides are measured with the
same statistic: the sum of each step's fastest time over the rounds (for the full run, the six
notebooks and the runner's own work), so one slow kernel start on either side does not move the
ratio; the best whole runs and each round's ratio are printed too. The full run writes
``data/processed/2017`` as ``jixiao run`` does; its reports go to a temporary folder. The last
line printed is JSON for CI to read.

    .venv/bin/python benchmarks/bench_pipeline.py [--year 2017] [--repeat 5]
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

from jixiao import run as runner

TARGET_RATIO = (
    1.8  # charts drawn in the kernel, outputs scanned for personal data, no helper process
)
RUNNER = "(runner)"


def setup_source(notebook: Path) -> str:
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
    return "\n".join(kept)


RECORD_CELL = """import json as _json, sys as _sys
from pathlib import Path as _Path
_Path({target!r}).write_text(_json.dumps([_m for _m in _sys.modules if not _m.startswith("__main__")]))"""


def record_loaded_modules(notebooks: list[Path], year: int, tmp: Path) -> dict[str, list[str]]:
    """Run the real notebooks once (untimed) and return, per notebook, the modules its kernel had
    loaded at the end, in load order."""
    copies_dir = tmp / "recording"
    copies_dir.mkdir()
    copies = []
    for notebook in notebooks:
        nb = nbformat.read(notebook, as_version=4)
        nb.cells.append(
            nbformat.v4.new_code_cell(
                RECORD_CELL.format(target=str(copies_dir / f"{notebook.stem}.modules.json"))
            )
        )
        nbformat.write(nb, copies_dir / notebook.name)
        copies.append(copies_dir / notebook.name)
    runner.run_year(
        year, notebooks=copies, reports_root=tmp / "recording_reports", log=lambda line: None
    )
    return {
        nb.name: json.loads((copies_dir / f"{nb.stem}.modules.json").read_text())
        for nb in notebooks
    }


def floor_source(notebook: Path, modules: list[str]) -> str:
    """Import what the real kernel had loaded; the set-up cell's own lines first, for the reader."""
    return "\n".join(
        [
            setup_source(notebook),
            "import importlib",
            f"_loaded = {modules!r}",
            "_failed = []",
            "for _name in _loaded:",
            "    try:",
            "        importlib.import_module(_name)",
            "    except Exception:  # a module that only exists as an attribute (six.moves and the like)",
            "        _failed.append(_name)",
            "print(len(_loaded), 'modules,', len(_failed), 'not importable by name')",
        ]
    )


def floor_notebook(source: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell("year = 2017")
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [parameters, nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {
        "name": runner.KERNEL_NAME,
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def execute(notebook: Path, executed: Path, cwd: Path, year: int) -> float:
    started = time.perf_counter()
    papermill.execute_notebook(
        str(notebook),
        str(executed),
        parameters={"year": year},
        kernel_name=runner.KERNEL_NAME,
        cwd=str(cwd),
        progress_bar=False,
    )
    return time.perf_counter() - started


def run_floor(
    floor_dir: Path, names: list[str], cwd: Path, year: int
) -> tuple[float, dict[str, float]]:
    out = Path(tempfile.mkdtemp(prefix="floor_out_", dir=floor_dir))
    started = time.perf_counter()
    per = {name: execute(floor_dir / name, out / name, cwd, year) for name in names}
    return time.perf_counter() - started, per


def build_floor(
    notebooks: list[Path], year: int, floor_dir: Path, log=print
) -> dict[str, list[str]]:
    """The recording run, then one floor notebook per year notebook in ``floor_dir``; returns the
    modules each real kernel had loaded."""
    started = time.perf_counter()
    loaded = record_loaded_modules(notebooks, year, floor_dir)
    log(
        f"recording run (real notebooks, modules loaded per kernel): {time.perf_counter() - started:.2f} s"
    )
    for nb in notebooks:
        nbformat.write(floor_notebook(floor_source(nb, loaded[nb.name])), floor_dir / nb.name)
        log(f"  {nb.name}: {len(loaded[nb.name])} modules")
    return loaded


def best_steps(runs: list[tuple[float, dict[str, float]]], names: list[str]) -> dict[str, float]:
    """Each step's fastest time over the rounds (the statistic both sides are measured with)."""
    return {name: min(per[name] for _, per in runs) for name in names}


def run_full(year: int) -> tuple[float, dict[str, float]]:
    """One ``run_year``; per notebook its seconds, and under RUNNER the runner's own seconds
    (checking parameters, staging, report.html, manifest, moving into place)."""
    with tempfile.TemporaryDirectory(prefix="bench_reports_") as reports:
        started = time.perf_counter()
        result = runner.run_year(year, reports_root=Path(reports), log=lambda line: None)
        total = time.perf_counter() - started
    per = {s.notebook: s.seconds for s in result.steps}
    per[RUNNER] = total - sum(per.values())
    return total, per


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2017)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    notebooks = runner.year_notebooks()
    names = [nb.name for nb in notebooks]
    cwd = notebooks[0].parent
    with tempfile.TemporaryDirectory(prefix="bench_floor_") as tmp:
        floor_dir = Path(tmp)
        loaded = build_floor(notebooks, args.year, floor_dir)

        floors: list[tuple[float, dict[str, float]]] = []
        fulls: list[tuple[float, dict[str, float]]] = []
        for i in range(args.repeat):
            floors.append(run_floor(floor_dir, names, cwd, args.year))
            print(f"round {i + 1}: floor {floors[-1][0]:.2f} s", flush=True)
            fulls.append(run_full(args.year))
            print(f"round {i + 1}: full  {fulls[-1][0]:.2f} s", flush=True)

    # Each side is the sum of its steps' best times over the rounds: a kernel start on this shared
    # machine varies by 1-3 s, and the same statistic on both sides keeps one slow start on either
    # side from moving the ratio. The best whole runs are printed beside it.
    floor_per = best_steps(floors, names)
    full_per = best_steps(fulls, [*names, RUNNER])
    floor_s = sum(floor_per.values())
    full_s = sum(full_per.values())
    ratio = full_s / floor_s
    best_floor_total = min(total for total, _ in floors)
    best_full_total = min(total for total, _ in fulls)
    round_ratios = [full[0] / floor[0] for floor, full in zip(floors, fulls, strict=True)]
    print(f"{len(names)} notebooks, best of {args.repeat}")
    print(f"{'notebook':<22}{'full s':>9}{'floor s':>9}{'extra s':>9}")
    for name in names:
        print(
            f"{name:<22}{full_per[name]:>9.2f}{floor_per[name]:>9.2f}{full_per[name] - floor_per[name]:>9.2f}"
        )
    print(f"{RUNNER + ': parameters, staging, report.html, manifest':<40}{full_per[RUNNER]:>9.2f}")
    print(
        f"best whole runs: full {best_full_total:.2f} s, floor {best_floor_total:.2f} s, "
        f"ratio {best_full_total / best_floor_total:.2f}; per round: {', '.join(f'{r:.2f}' for r in round_ratios)}"
    )
    print(
        f"sum of best steps: full {full_s:.2f} s, floor {floor_s:.2f} s, ratio {ratio:.2f} (target ≤ {TARGET_RATIO})"
    )
    print(
        json.dumps(
            {
                "year": args.year,
                "notebooks": len(names),
                "full_run_s": round(full_s, 3),
                "floor_s": round(floor_s, 3),
                "ratio": round(ratio, 3),
                "target_ratio": TARGET_RATIO,
                "best_whole_run_s": {
                    "full": round(best_full_total, 3),
                    "floor": round(best_floor_total, 3),
                    "ratio": round(best_full_total / best_floor_total, 3),
                },
                "round_ratios": [round(r, 3) for r in round_ratios],
                "modules_per_floor_notebook": {name: len(loaded[name]) for name in names},
                "per_notebook_s": {
                    name: {"full": round(full_per[name], 3), "floor": round(floor_per[name], 3)}
                    for name in names
                },
                "runner_s": round(full_per[RUNNER], 3),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
