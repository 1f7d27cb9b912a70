"""Notebooks are committed without outputs, start with a `parameters` cell, and match their sources."""

import importlib.util

import nbformat
import pytest

from jixiao import paths

NOTEBOOKS = sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb"))
CELL_SOURCES = paths.ROOT / "scripts" / "notebook_cells"


def test_every_year_step_has_a_notebook():
    names = [nb.stem for nb in NOTEBOOKS]
    for step in ("01_ingest", "02_sampling", "03_compliance", "04_survey", "05_scoring", "06_report"):
        assert step in names


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(notebook):
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, notebook.name


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_is_the_tagged_parameters_cell(notebook):
    nb = nbformat.read(notebook, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert "parameters" in first.metadata.get("tags", []), notebook.name
    assert "year" in first.source or "years" in first.source


@pytest.mark.parametrize("source", sorted(CELL_SOURCES.glob("*.py")), ids=lambda p: p.stem)
def test_notebook_matches_its_cell_source(source):
    spec = importlib.util.spec_from_file_location(f"cells_{source.stem}", source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    nb = nbformat.read(paths.NOTEBOOKS_DIR / f"{source.stem}.ipynb", as_version=4)
    assert [c.source for c in nb.cells] == [text.strip("\n") for _, text in module.CELLS], "run: python scripts/nbtools.py " + source.stem
