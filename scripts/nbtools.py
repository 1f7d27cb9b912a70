"""Write the numbered notebooks from plain cell lists (kept so notebooks stay reviewable as code).

Run `python scripts/nbtools.py` after editing a notebook's cells in scripts/notebook_cells/; the
notebooks are written without outputs, first code cell tagged `parameters`.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
CELLS_DIR = Path(__file__).resolve().parent / "notebook_cells"


def build(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    tagged = False
    for kind, source in cells:
        source = source.strip("\n")
        if kind == "md":
            nb.cells.append(nbformat.v4.new_markdown_cell(source))
        else:
            cell = nbformat.v4.new_code_cell(source)
            if kind == "params" and not tagged:
                cell.metadata["tags"] = ["parameters"]
                tagged = True
            nb.cells.append(cell)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:02d}"
    return nb


def main(names: list[str]) -> None:
    for spec_file in sorted(CELLS_DIR.glob("*.py")):
        if names and spec_file.stem not in names:
            continue
        spec = importlib.util.spec_from_file_location(spec_file.stem, spec_file)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        target = ROOT / "notebooks" / f"{spec_file.stem}.ipynb"
        nbformat.write(build(module.CELLS), target)
        print(target.relative_to(ROOT))


if __name__ == "__main__":
    main(sys.argv[1:])
