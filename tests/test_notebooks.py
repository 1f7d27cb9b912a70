"""Each `.ipynb` is its notebook's only source: committed without outputs, parameters cell first."""

import nbformat
import pytest

from jixiao import paths

NOTEBOOKS = sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb"))


def test_every_year_step_has_a_notebook():
    names = [nb.stem for nb in NOTEBOOKS]
    for step in (
        "01_ingest",
        "02_sampling",
        "03_compliance",
        "04_survey",
        "05_scoring",
        "06_report",
    ):
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


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_valid_and_carries_no_execution_metadata(notebook):
    nb = nbformat.read(notebook, as_version=4)
    nbformat.validate(nb)
    assert "papermill" not in nb.metadata, notebook.name
    for cell in nb.cells:
        assert "execution" not in cell.metadata, (notebook.name, cell.get("id"))
