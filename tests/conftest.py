"""Shared set-up for the runner tests: toy notebooks, a raw/processed folder of the test's own,
and the full runs of the 2017 and 2018 cases that the run, report and comparison tests read.

A full run costs most of a minute, so each case year runs once per session: ``run_2017`` and
``run_2018`` write their reports into one folder of the session's own (the comparison notebook
reads both years from it) and their processed tables into ``data/processed``, with the year's
default parameters, exactly as ``jixiao run --year <year>`` does."""

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
def case_reports(tmp_path_factory):
    """The reports root of the session's case runs (``<root>/2017``, ``<root>/2018``)."""
    return tmp_path_factory.mktemp("reports")


def _run_case(year: int, reports: Path):
    from jixiao import run as runner

    result = runner.run_year(
        year, notebooks=runner.year_notebooks(), reports_root=reports, log=lambda *_: None
    )
    return result, reports / str(year)


@pytest.fixture(scope="session")
def raw_hashes_2017():
    from jixiao import manifest

    return manifest.folder_hashes(paths.raw_dir(2017))


@pytest.fixture(scope="session")
def run_2017(case_reports, raw_hashes_2017):
    """``jixiao run --year 2017`` into the session's reports folder: (result, output folder)."""
    return _run_case(2017, case_reports)


@pytest.fixture(scope="session")
def raw_hashes_2018():
    from jixiao import manifest

    return manifest.folder_hashes(paths.raw_dir(2018))


@pytest.fixture(scope="session")
def run_2018(case_reports, raw_hashes_2018):
    """``jixiao run --year 2018`` into the session's reports folder: (result, output folder)."""
    return _run_case(2018, case_reports)


@pytest.fixture(scope="session")
def ingested_2017(tmp_path_factory):
    """The 2017 case through ``ingest.load_year`` and ``ingest.write_processed`` into a folder of
    the session's own (not data/processed), once for every test that reads it: (results, folder).

    Written with the case's public salt, as a reconstructed case may be (no JIXIAO_PRIVACY_SALT),
    so the keys do not depend on the machine. Tests copy the folder before writing into it and
    copy a frame before changing it."""
    from jixiao import ingest

    folder = tmp_path_factory.mktemp("ingested") / "2017"
    with pytest.MonkeyPatch.context() as env:
        env.delenv(ingest.SALT_ENVIRONMENT_VARIABLE, raising=False)
        results = ingest.load_year(2017)
        ingest.write_processed(2017, results, folder)
    return results, folder
