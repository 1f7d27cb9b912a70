"""Shared set-up for the runner tests: toy notebooks, a raw/processed folder of the test's own,
and the full runs of the 2017 and 2018 cases that the run, report and comparison tests read.

A full run costs most of a minute, so each case year runs once per session: ``run_2017`` and
``run_2018`` write their reports into one folder of the session's own (the comparison notebook
reads both years from it) and their processed tables into ``data/processed``, with the year's
default parameters, exactly as ``jixiao run --year <year>`` does."""

import shlex
import sys
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


# --------------------------------------------------------------------------- with pytest-xdist
# `make test` runs the suite in two worker processes (pytest -n 2). A session fixture is built
# once in each worker that asks for it, and the case runs write data/processed/<year>, so tests
# are handed out by module and the modules sharing a session fixture go to one worker together:
# a full run of each case year, once, as in one process.
GROUPS = {
    "case-runs": (
        {"case_reports", "run_2017", "run_2018"},
        {"test_compare", "test_report_docx", "test_report_html", "test_run_2017",
         "test_run_2018", "test_workpapers_header"},
    ),
    "ingested-2017": (
        {"ingested_2017"},
        {"test_compliance_case2017", "test_ingest", "test_project_profile", "test_survey_2017"},
    ),
}  # fmt: skip


def _scope(nodeid: str) -> str:
    """The unit of work a worker takes whole: the module's group, else the module."""
    module = nodeid.split("::")[0]
    stem = module.rsplit("/", 1)[-1].removesuffix(".py")
    return next((group for group, (_, stems) in GROUPS.items() if stem in stems), module)


def pytest_collection_modifyitems(config, items):
    for item in items:
        for group, (fixtures, _) in GROUPS.items():
            if fixtures & set(item.fixturenames) and _scope(item.nodeid) != group:
                raise pytest.UsageError(
                    f"{item.nodeid} uses {sorted(fixtures & set(item.fixturenames))}: add its "
                    f"module to GROUPS[{group!r}] in tests/conftest.py, so that pytest -n runs "
                    "it in the worker that holds them"
                )


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") == "each":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByScope(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _scope(nodeid)

    return ByScope(config, log)


def pytest_configure(config):
    tx = getattr(config.option, "tx", None)
    if tx and sys.flags.warn_default_encoding and not hasattr(config, "workerinput"):
        # Workers start as `python -c …`: give them make test's -X warn_default_encoding too, so
        # a file jixiao opens without an encoding fails there as it does in one process.
        python = shlex.join([sys.executable, "-X", "warn_default_encoding"])
        config.option.tx = [
            f"{spec}//python={python}" if spec.startswith("popen") and "python=" not in spec
            else spec
            for spec in tx
        ]  # fmt: skip


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    node.workerinput["jixiao_warn_default_encoding"] = sys.flags.warn_default_encoding


@pytest.fixture(scope="session", autouse=True)
def _workers_check_encodings_as_the_controller_does(request):
    wanted = getattr(request.config, "workerinput", {}).get("jixiao_warn_default_encoding", 0)
    assert sys.flags.warn_default_encoding >= wanted, (
        "worker started without -X warn_default_encoding"
    )
