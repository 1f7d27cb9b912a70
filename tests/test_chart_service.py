"""Under ``jixiao run`` charts are drawn by a helper process: same files, same notebooks, clear failures."""

import base64
import json

import nbformat
import papermill
import pytest
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from conftest import write_notebook
from jixiao import chart_service, charts, pipeline


def _chinese_figure() -> Figure:
    charts.use_chinese_font()
    fig = Figure(figsize=(6, 3.5), layout="tight")
    ax = fig.add_subplot()
    ax.barh(["浏河社区居民委员会", "沿河社区", "荆南社区"], [120_000, 45_500, 8_000])
    ax.xaxis.set_major_formatter(FuncFormatter(charts.yuan_tick))
    ax.set_title("专项资金未单独核算金额（按社区）")
    ax.set_xlabel("金额（元）")
    return fig


def _emoji_tick(value, _position=None) -> str:
    return f"{value:.0f}\U0001f600"  # made only while drawing, so only the drawing can catch it


CHART_IMPORTS = "from matplotlib.figure import Figure\nfrom jixiao import charts\n"


def _chart_notebook(project, body: str):
    """A one-notebook year in ``project/notebooks`` whose body gets ``output_dir`` from the runner."""
    notebooks = project / "notebooks"
    notebooks.mkdir()
    return write_notebook(
        notebooks / "01_chart.ipynb", "year = 2017\noutput_dir = ''", CHART_IMPORTS + body
    )


def _run(source, reports):
    return pipeline.run_year(2017, notebooks=[source], reports_root=reports, log=lambda line: None)


def _outputs(executed):
    notebook = nbformat.read(executed, as_version=4)
    return [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]


@pytest.fixture
def service(monkeypatch):
    started = chart_service.ChartService()
    for name, value in started.environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv(chart_service.STEP_VARIABLE, "02_sampling.ipynb")
    yield started
    started.close()


def test_files_drawn_by_the_helper_are_byte_identical_to_drawing_in_place(tmp_path, service):
    handed = charts.save_figure(_chinese_figure(), "mixing", tmp_path / "helper")
    results = service.finish()
    assert [(r.step, r.name, r.error) for r in results] == [("02_sampling.ipynb", "mixing", None)]
    local = charts.write_figure_files(_chinese_figure(), "mixing", tmp_path / "local")
    assert set(handed) == set(local) == {"png", "svg", "pdf"}
    for fmt in local:
        assert handed[fmt].read_bytes() == local[fmt].read_bytes(), fmt


def test_a_figure_that_cannot_be_pickled_is_drawn_in_place(tmp_path, service):
    fig = _chinese_figure()
    fig.axes[0].xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:.0f}"))
    written = charts.save_figure(fig, "local", tmp_path)
    assert all(
        path.is_file() for path in written.values()
    )  # there already, not in the helper's hands
    assert service.finish() == []


def test_a_glyph_missing_from_a_title_still_fails_in_the_cell_that_made_the_chart(
    tmp_path, service
):
    fig = _chinese_figure()
    fig.axes[0].set_title("得分\U0001f600")
    assert charts.missing_glyphs(fig) == ["\U0001f600"]
    with pytest.raises(charts.MissingGlyphError, match="\U0001f600"):
        charts.save_figure(fig, "bad", tmp_path)
    assert service.finish() == []


def test_a_chart_the_helper_cannot_draw_fails_the_run_naming_notebook_and_chart(toy_project):
    reports = toy_project / "reports"
    (reports / "2017").mkdir(parents=True)
    (reports / "2017" / "score.json").write_text("{}", encoding="utf-8")
    body = (
        "from matplotlib.ticker import FuncFormatter\n"
        "charts.use_chinese_font()\n"
        "fig = Figure()\n"
        "# Tick labels are made while drawing, so only the drawing can find the missing glyph.\n"
        "fig.add_subplot().xaxis.set_major_formatter(FuncFormatter('{0:.0f}\\U0001f600'.format))\n"
        "charts.save_figure(fig, 'emoji_axis', output_dir + '/figures', show=True)\n"
    )
    source = _chart_notebook(toy_project, body)
    with pytest.raises(pipeline.NotebookFailed) as failure:
        _run(source, reports)
    message = str(failure.value)
    assert (
        "01_chart.ipynb" in message and "emoji_axis" in message and "MissingGlyphError" in message
    )
    assert (
        json.loads((reports / "2017" / "score.json").read_text(encoding="utf-8")) == {}
    )  # last good run kept
    assert (reports / "2017.failed" / "01_chart.ipynb").is_file()
    assert not (reports / "2017.failed" / "figures" / "emoji_axis.png").exists()


def test_a_figure_using_a_function_defined_in_the_notebook_is_drawn_in_the_kernel(toy_project):
    body = (
        "from matplotlib.ticker import FuncFormatter\n"
        "def percent(value, _position):\n"
        "    return f'{value:.0%}'\n"
        "fig = Figure()\n"
        "fig.add_subplot().yaxis.set_major_formatter(FuncFormatter(percent))\n"
        "written = charts.save_figure(fig, 'local', output_dir + '/figures')\n"
        "assert all(path.is_file() for path in written.values())  # the helper could not import it\n"
    )
    source = _chart_notebook(toy_project, body)
    _run(source, toy_project / "reports")
    assert (toy_project / "reports" / "2017" / "figures" / "local.pdf").is_file()


def test_executed_notebook_shows_the_helpers_png_exactly_as_a_chart_drawn_in_place(toy_project):
    body = (
        "charts.use_chinese_font()\n"
        "fig = Figure(figsize=(4, 3))\n"
        "fig.add_subplot().bar(['投入', '过程'], [14, 19.5])\n"
        "charts.save_figure(fig, 'dimensions', output_dir + '/figures', show=True)\n"
        "charts.show_file(output_dir + '/figures/no_such_chart.png', optional=True)\n"
    )
    source = _chart_notebook(toy_project, body)
    reports = toy_project / "reports"
    _run(source, reports)
    run_dir = reports / "2017"
    shown = _outputs(run_dir / "01_chart.ipynb")
    assert [o["output_type"] for o in shown] == [
        "display_data"
    ]  # the optional, missing chart left out
    png = (run_dir / "figures" / "dimensions.png").read_bytes()
    assert base64.b64decode(shown[0]["data"]["image/png"]) == png

    # The same notebook run by plain papermill (no helper) draws in the kernel: same output.
    in_place = toy_project / "in_place.ipynb"
    papermill.execute_notebook(
        str(source),
        str(in_place),
        parameters={"output_dir": str(toy_project / "plain")},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(source.parent),
    )
    plain = _outputs(in_place)
    assert len(plain) == 1
    assert plain[0]["data"].keys() == shown[0]["data"].keys()
    assert plain[0]["metadata"] == shown[0]["metadata"]
    assert plain[0]["data"]["text/plain"] == shown[0]["data"]["text/plain"]
    assert (
        base64.b64decode(plain[0]["data"]["image/png"])
        == (toy_project / "plain" / "figures" / "dimensions.png").read_bytes()
        == png
    )


def test_with_the_helper_switched_off_the_kernels_draw_and_the_notebook_is_the_same(
    toy_project, monkeypatch
):
    body = (
        "import os\n"
        "assert 'JIXIAO_CHART_SERVICE' not in os.environ\n"
        "charts.use_chinese_font()\n"
        "fig = Figure(figsize=(4, 3))\n"
        "fig.add_subplot().bar(['投入', '过程'], [14, 19.5])\n"
        "written = charts.save_figure(fig, 'dimensions', output_dir + '/figures', show=True)\n"
    )
    source = _chart_notebook(toy_project, body)
    monkeypatch.setenv(chart_service.HELPER_VARIABLE, "0")
    _run(source, toy_project / "reports")
    shown = _outputs(toy_project / "reports" / "2017" / "01_chart.ipynb")
    png = (toy_project / "reports" / "2017" / "figures" / "dimensions.png").read_bytes()
    assert [base64.b64decode(o["data"]["image/png"]) for o in shown] == [png]
