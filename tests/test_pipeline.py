"""The runner checks parameters before anything runs, fails loudly, and never destroys good outputs."""

import json

import pytest

from conftest import write_notebook
from jixiao import run as runner
from jixiao.errors import ParameterError


@pytest.fixture(autouse=True)
def toy_year(toy_project):
    return toy_project / "raw"


@pytest.fixture
def toy_notebooks(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    first = write_notebook(
        folder / "01_first.ipynb",
        "year = 2017  # 评价年度\nseed = 1  # 随机种子\noutput_dir = None  # 输出目录\nlabel = 'a'\nprocessed_root = None",
        "from pathlib import Path\nPath(output_dir, 'first.txt').write_text(f'{year}-{seed}-{label}', encoding='utf-8')",
    )
    second = write_notebook(
        folder / "02_second.ipynb",
        "year = 2017\nconfidence = 0.95\nfail = False\noutput_dir = None\nprocessed_root = None",
        "if fail:\n    raise ValueError('故意失败')\nfrom pathlib import Path\nPath(output_dir, 'second.txt').write_text(str(confidence), encoding='utf-8')",
    )
    return [first, second]


def test_unknown_parameter_is_an_error_before_any_notebook_runs(toy_notebooks):
    with pytest.raises(ParameterError, match="unknown parameter 'confidance'"):
        runner.resolve_parameters(2017, {"confidance": 0.9}, toy_notebooks)


def test_wrong_type_names_the_notebook_and_parameter(toy_notebooks):
    with pytest.raises(ParameterError, match=r"02_second.ipynb 的参数 confidence 应为 float"):
        runner.resolve_parameters(2017, {"confidence": "high"}, toy_notebooks)
    with pytest.raises(ParameterError, match="seed 应为 int"):
        runner.resolve_parameters(2017, {"seed": 1.5}, toy_notebooks)


def test_year_without_data_is_an_error(toy_notebooks):
    with pytest.raises(ParameterError, match="no data for year 1999"):
        runner.resolve_parameters(1999, {}, toy_notebooks)


def test_path_outside_project_data_and_reports_is_refused(toy_notebooks, tmp_path):
    first = toy_notebooks[0]
    write_notebook(first, "year = 2017\nledger_dir = 'data/raw/2017'", "pass")
    runner.resolve_parameters(2017, {"ledger_dir": "data/raw/2017"}, toy_notebooks)
    with pytest.raises(ParameterError, match="path outside"):
        runner.resolve_parameters(2017, {"ledger_dir": "/etc"}, toy_notebooks)
    with pytest.raises(ParameterError, match="path outside"):
        runner.resolve_parameters(2017, {"ledger_dir": "data/../../outside"}, toy_notebooks)


def test_parameter_file_section_for_a_step_without_notebook_is_an_error(toy_notebooks, toy_year):
    (toy_year / "2017" / "parameters.toml").write_text(
        "[sampling]\nconfidence = 0.9\n", encoding="utf-8"
    )
    with pytest.raises(ParameterError, match="unknown step 'sampling' in parameters.toml"):
        runner.resolve_parameters(2017, {}, toy_notebooks)


def test_step_prefixed_override_reaches_only_thatwrite_notebook(toy_notebooks):
    resolved = runner.resolve_parameters(2017, {"second.confidence": 0.9, "seed": 7}, toy_notebooks)
    assert resolved["02_second.ipynb"] == {"year": 2017, "confidence": 0.9}
    assert resolved["01_first.ipynb"] == {"year": 2017, "seed": 7}


def test_cli_values_are_read_as_numbers_and_booleans():
    assert runner.parse_cli_value("7") == 7
    assert runner.parse_cli_value("0.9") == 0.9
    assert runner.parse_cli_value("true") is True
    assert runner.parse_cli_value("mus") == "mus"
    assert runner.parse_cli_value("[5000, 20000]") == [5000, 20000]
    with pytest.raises(ParameterError, match="not a list"):
        runner.parse_cli_value("[5000, 2O000]")


def test_successful_run_moves_outputs_into_place(toy_notebooks, tmp_path):
    reports = tmp_path / "reports"
    result = runner.run_year(
        2017, {"seed": 3}, notebooks=toy_notebooks, reports_root=reports, log=lambda *_: None
    )
    out = reports / "2017"
    assert result.output_dir == out
    assert (out / "first.txt").read_text(encoding="utf-8") == "2017-3-a"
    assert (out / "02_second.ipynb").is_file() and (out / "manifest.json").is_file()
    assert [s.notebook for s in result.steps] == ["01_first.ipynb", "02_second.ipynb"]
    assert not (reports / ".2017.running").exists()


def test_failed_run_names_the_cell_and_keeps_the_last_good_outputs(toy_notebooks, tmp_path):
    reports = tmp_path / "reports"
    runner.run_year(2017, {}, notebooks=toy_notebooks, reports_root=reports, log=lambda *_: None)
    good = (reports / "2017" / "second.txt").read_text(encoding="utf-8")
    with pytest.raises(runner.NotebookFailed) as failure:
        runner.run_year(
            2017, {"fail": True}, notebooks=toy_notebooks, reports_root=reports, log=lambda *_: None
        )
    message = str(failure.value)
    assert "02_second.ipynb" in message and "ValueError" in message and "故意失败" in message
    partial = reports / "2017.failed" / "02_second.ipynb"
    assert str(partial) in message and partial.is_file()
    # The partial copy shows the evaluator the cells that ran and the error where it stopped.
    cells = json.loads(partial.read_text(encoding="utf-8"))["cells"]
    errors = [
        o
        for c in cells
        if c["cell_type"] == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert [e["ename"] for e in errors] == ["ValueError"]
    assert (reports / "2017" / "second.txt").read_text(
        encoding="utf-8"
    ) == good  # last good run untouched


def test_year_parameter_file_supplies_defaults(toy_notebooks, toy_year):
    (toy_year / "2030").mkdir()
    (toy_year / "2030" / "parameters.toml").write_text(
        "seed = 11\n[second]\nconfidence = 0.9\n", encoding="utf-8"
    )
    resolved = runner.resolve_parameters(2030, {"seed": 12}, toy_notebooks)
    assert resolved["01_first.ipynb"]["seed"] == 12  # command line wins over the file
    assert resolved["02_second.ipynb"]["confidence"] == 0.9


def test_closing_line_names_what_is_missing_when_scoring_is_incomplete():
    complete = {"complete": True, "total": 86.5, "grade": "良", "missing_metrics": []}
    assert runner.score_summary(complete) == "综合得分 / total 86.5，评价等级 / grade 良"
    incomplete = {
        "complete": False, "total": 83.5, "grade": None,
        "missing_metrics": [{"code": "B2.3", "indicator": "财务监控有效性", "metric": "voucher_deviation_upper_limit", "step": "sampling"}],
    }  # fmt: skip
    line = runner.score_summary(incomplete)
    assert (
        "评分不完整" in line
        and "83.5" in line
        and "财务监控有效性（voucher_deviation_upper_limit，sampling）" in line
    )
    assert "None" not in line
