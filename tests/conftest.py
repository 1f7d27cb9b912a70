"""Shared set-up for the runner tests: toy notebooks, a raw/processed folder of the test's own,
and the one full 2017 run that the run and report tests read (run once per session)."""

from pathlib import Path

import nbformat
import pytest

from jixiao import paths


def write_notebook(path: Path, parameters: str, body: str) -> Path:
    """A two-cell notebook: a ``parameters``-tagged cell and one code cell."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


@pytest.fixture
def toy_project(tmp_path, monkeypatch):
    """An empty raw 2017 year (so the real parameters.toml does not apply) and a processed root
    under ``tmp_path``, so toy runs stage and keep their tables outside the project's data/."""
    raw = tmp_path / "raw"
    (raw / "2017").mkdir(parents=True)
    monkeypatch.setattr(paths, "RAW_DIR", raw)
    monkeypatch.setattr(paths, "PROCESSED_DIR", tmp_path / "processed")
    return tmp_path


@pytest.fixture(scope="session")
def raw_hashes_2017():
    from jixiao import manifest

    return manifest.folder_hashes(paths.raw_dir(2017))


@pytest.fixture(scope="session")
def run_2017(tmp_path_factory, raw_hashes_2017):
    """``jixiao run --year 2017`` into a folder of the session's own: (result, output folder)."""
    from jixiao import run as runner

    reports = tmp_path_factory.mktemp("reports")
    result = runner.run_year(
        2017, notebooks=runner.year_notebooks(), reports_root=reports, log=lambda *_: None
    )
    return result, reports / "2017"
