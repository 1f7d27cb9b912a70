"""The runner stages processed tables like reports, owns year and output_dir, and reads relative
path parameters against the project root in the notebooks as in its own checks."""

import os
from pathlib import Path

import pandas as pd
import pytest

from conftest import write_notebook
from jixiao import cli, manifest, paths
from jixiao import run as runner
from jixiao.errors import ParameterError


@pytest.fixture(autouse=True)
def toy_folders(toy_project):
    return toy_project


@pytest.fixture
def writing_notebooks(tmp_path):
    """01 writes a processed table, a metric and a text file; 02 adds a table, or fails first."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    first = write_notebook(
        folder / "01_write.ipynb",
        "year = 2017\nlabel = 'good'\noutput_dir = None\nprocessed_root = None",
        "import pandas as pd\n"
        "from jixiao import metrics, paths, processed\n"
        "paths.use_processed_root(processed_root)\n"
        "processed.write_table(year, 'findings', pd.DataFrame({'label': [label] * (21 if label == 'good' else 46)}))\n"
        "metrics.write_metrics(year, 'toy', [metrics.Metric('toy_rate', 0.5 if label == 'good' else 0.9, '测试', 'toy')])\n"
        "(paths.processed_dir(year) / 'note.txt').write_text(label, encoding='utf-8')\n"
        "from pathlib import Path\n"
        "Path(output_dir, 'where.txt').write_text(str(paths.processed_dir(year)), encoding='utf-8')",
    )
    second = write_notebook(
        folder / "02_fail.ipynb",
        "year = 2017\nfail = False\noutput_dir = None\nprocessed_root = None",
        "if fail:\n    raise ValueError('故意失败')\n"
        "import pandas as pd\nfrom jixiao import paths, processed\n"
        "paths.use_processed_root(processed_root)\n"
        "processed.write_table(year, 'scoring_table', pd.DataFrame({'total': [86.5]}))",
    )
    return [first, second]


def _run(notebooks, tmp_path, overrides=None):
    return runner.run_year(
        2017,
        overrides or {},
        notebooks=notebooks,
        reports_root=tmp_path / "reports",
        log=lambda *_: None,
    )


def test_notebooks_write_processed_tables_into_a_staging_folder_moved_into_place_on_success(
    writing_notebooks, tmp_path
):
    result = _run(writing_notebooks, tmp_path)
    final = tmp_path / "processed" / "2017"
    assert result.processed_dir == final
    staged_at = (tmp_path / "reports" / "2017" / "where.txt").read_text(encoding="utf-8")
    staged = Path(staged_at)
    assert staged.name == "2017" and staged.parent.parent == (tmp_path / "processed").resolve()
    assert staged.parent.name.startswith(".2017.running-")  # unique per run
    assert len(pd.read_parquet(final / "findings.parquet")) == 21
    assert (final / "scoring_table.parquet").is_file() and (
        final / "metrics" / "toy.json"
    ).is_file()
    assert sorted(p.name for p in (tmp_path / "processed").iterdir()) == [
        "2017"
    ]  # no staging or backup left
    assert not any(name.startswith("JIXIAO_PROCESSED") for name in os.environ)
    assert paths.processed_dir(2017) == final


def test_failed_run_leaves_the_previous_processed_folder_byte_identical(
    writing_notebooks, tmp_path
):
    _run(writing_notebooks, tmp_path)
    final = tmp_path / "processed" / "2017"
    before = manifest.folder_hashes(final)
    files_before = sorted(p.relative_to(final) for p in final.rglob("*"))
    with pytest.raises(runner.NotebookFailed) as failure:
        _run(writing_notebooks, tmp_path, {"label": "bad", "fail": True})
    assert manifest.folder_hashes(final) == before
    assert sorted(p.relative_to(final) for p in final.rglob("*")) == files_before
    assert len(pd.read_parquet(final / "findings.parquet")) == 21  # not the failed run's 46
    kept = tmp_path / "processed" / "2017.failed"
    message = str(failure.value)
    assert (
        str(kept) in message
        and f"last good outputs left as they were: {tmp_path / 'reports' / '2017'}, {final}"
        in message
    )
    assert (kept / "note.txt").read_text(encoding="utf-8") == "bad"
    assert len(pd.read_parquet(kept / "findings.parquet")) == 46
    assert not (tmp_path / "processed" / ".2017.running").exists()
    assert not any(name.startswith("JIXIAO_PROCESSED") for name in os.environ)
    # The next good run replaces the tables and clears what the failed run kept for review.
    _run(writing_notebooks, tmp_path, {"label": "good"})
    assert not kept.exists() and not (tmp_path / "reports" / "2017.failed").exists()


def test_a_first_run_that_fails_says_there_was_no_good_run_to_keep(writing_notebooks, tmp_path):
    with pytest.raises(runner.NotebookFailed, match="no earlier good run to keep"):
        _run(writing_notebooks, tmp_path, {"fail": True})
    assert (
        not (tmp_path / "processed" / "2017").exists()
        and not (tmp_path / "reports" / "2017").exists()
    )
    assert (tmp_path / "processed" / "2017.failed" / "findings.parquet").is_file()


def test_steps_not_in_the_run_still_find_the_last_good_tables(writing_notebooks, tmp_path):
    _run(writing_notebooks, tmp_path)
    _run(writing_notebooks[1:], tmp_path)  # only 02: 01's tables are carried over, not lost
    final = tmp_path / "processed" / "2017"
    assert (final / "note.txt").read_text(encoding="utf-8") == "good"
    assert (final / "findings.parquet").is_file() and (final / "scoring_table.parquet").is_file()


@pytest.mark.parametrize(
    ("overrides", "name"),
    [
        ({"year": 2018}, "year"),
        ({"first.year": 2018}, "year"),
        ({"output_dir": "reports/other"}, "output_dir"),
    ],
)
def test_runner_owned_parameters_are_refused_from_the_command_line(
    writing_notebooks, overrides, name
):
    with pytest.raises(ParameterError, match=rf"参数 {name} 由运行程序设定.*command line"):
        runner.resolve_parameters(2017, overrides, writing_notebooks)


def test_runner_owned_parameters_are_refused_from_the_parameter_file(
    writing_notebooks, toy_folders
):
    (toy_folders / "raw" / "2017" / "parameters.toml").write_text("year = 2018\n", encoding="utf-8")
    with pytest.raises(
        ParameterError, match=r"参数 year 由运行程序设定，不能在 parameters.toml 中指定.*--year"
    ):
        runner.resolve_parameters(2017, {}, writing_notebooks)


def test_cli_rejects_year_override_before_any_notebook_runs(capsys, toy_folders):
    assert cli.main(["run", "--year", "2017", "-p", "year", "2018"]) == 2
    assert "runner-owned parameter 'year'" in capsys.readouterr().err
    assert not (toy_folders / "processed").exists()


def test_relative_path_parameters_are_read_against_the_project_root():
    assert paths.project_path("data/raw/2017") == paths.ROOT / "data" / "raw" / "2017"
    assert paths.project_path(paths.ROOT / "x") == paths.ROOT / "x"


def test_ingest_has_no_processed_folder_parameter_the_later_steps_would_ignore():
    notebooks = runner.year_notebooks()
    with pytest.raises(ParameterError, match="unknown parameter 'processed_folder'"):
        runner.resolve_parameters(2017, {"ingest.processed_folder": "data/processed/x"}, notebooks)


def test_ingest_reads_a_relative_raw_folder_from_the_project_root(tmp_path):
    ingest = paths.NOTEBOOKS_DIR / "01_ingest.ipynb"
    result = _run([ingest], tmp_path, {"ingest.raw_folder": "data/raw/2017"})
    loaded = pd.read_parquet(result.processed_dir / "ledger.parquet")
    assert len(loaded) == 5_252  # the 2017 case ledgers, read from <root>/data/raw/2017
