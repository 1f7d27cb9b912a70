"""Each step's inputs and products are declared once (jixiao.steps) and held to the docs and notebooks."""

import ast

import nbformat
import pandas as pd
import pytest

from jixiao import paths, processed, steps
from jixiao.errors import InputError

TABLE_CALLS = {"read_table": "reads", "write_table": "writes"}


def _table_literals(notebook: str) -> dict[str, set[str]]:
    """Table names a notebook passes as string literals to processed.read_table / write_table."""
    nb = nbformat.read(paths.NOTEBOOKS_DIR / f"{notebook}.ipynb", as_version=4)
    found: dict[str, set[str]] = {"reads": set(), "writes": set()}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                kind = TABLE_CALLS.get(node.func.attr)
                if kind and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
                    found[kind].add(node.args[1].value)
            if isinstance(node, ast.Dict):  # {"table": frame, ...} written in a loop (04_survey)
                for key in node.keys:
                    if isinstance(key, ast.Constant) and key.value in steps.declared_tables():
                        found["writes"].add(key.value)
    return found


def test_docs_contracts_show_the_declared_tables_by_step():
    text = (paths.ROOT / "docs" / "contracts.md").read_text(encoding="utf-8")
    assert steps.contract_table() in text


def test_every_year_notebook_has_a_declaration_and_every_declaration_a_notebook():
    notebooks = {p.stem for p in paths.NOTEBOOKS_DIR.glob("0*.ipynb")}
    assert notebooks == {s.notebook for s in steps.STEPS}


def test_each_table_is_written_by_one_step_and_read_only_after_it_is_written():
    written: list[str] = [t for s in steps.STEPS for t in s.writes]
    assert len(written) == len(set(written))
    available: set[str] = set()
    for s in steps.STEPS:
        assert set(s.reads) <= available, (s.notebook, set(s.reads) - available)
        available |= set(s.writes)


@pytest.mark.parametrize("declared", steps.STEPS, ids=lambda s: s.notebook)
def test_notebook_reads_and_writes_only_its_declared_tables(declared):
    found = _table_literals(declared.notebook)
    assert found["reads"] <= set(declared.reads) | set(declared.optional_reads), declared.notebook
    assert found["writes"] <= set(declared.writes), declared.notebook


@pytest.mark.parametrize("declared", steps.STEPS, ids=lambda s: s.notebook)
def test_notebook_reads_processed_tables_only_through_the_library(declared):
    nb = nbformat.read(paths.NOTEBOOKS_DIR / f"{declared.notebook}.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "read_parquet" not in code and "to_parquet" not in code, declared.notebook


def test_write_table_refuses_a_table_no_step_declares(tmp_path):
    with pytest.raises(InputError, match="not_a_table"):
        processed.write_table(2017, "not_a_table", pd.DataFrame({"a": [1]}), folder=tmp_path)
    assert not list(tmp_path.iterdir())
    processed.write_table(2017, "findings", pd.DataFrame({"a": [1]}), folder=tmp_path)
    assert (tmp_path / "findings.parquet").is_file()
