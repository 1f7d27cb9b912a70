"""The HTML report writes scores as the published report does, and the same run gives the same bytes."""

import re

import nbformat
import pandas as pd

from jixiao import report


def _scoring_table():
    return pd.DataFrame(
        {
            "一级指标": ["投入", "合计"],
            "三级指标": ["项目立项规范性", None],
            "分值": [4.0, 100.0],
            "得分": pd.array([3.5, 86.5], dtype="Float64"),
            "扣分说明": ["OBS-02a 扣0.5分", ""],
        }
    )


def test_scores_are_written_without_trailing_zeros():
    assert [report.plain_number(v) for v in (4.0, 86.5, 86.50, 0.25, 100, -0.0, 19.25)] == [
        "4",
        "86.5",
        "86.5",
        "0.25",
        "100",
        "0",
        "19.25",
    ]
    assert (
        report.plain_number(None)
        == report.plain_number(float("nan"))
        == report.plain_number(pd.NA)
        == ""
    )


def test_scoring_table_in_the_report_shows_4_and_86_5_not_4_000000():
    table = _scoring_table()
    table.loc[2] = ["产出", "实际完成率", 10.0, pd.NA, ""]  # an indicator not yet scored
    html = report.scoring_table_styler(table).to_html()
    assert "4.000000" not in html and "86.500000" not in html and ">nan<" not in html
    cells = _column_cells(html, list(table.columns))
    assert cells["分值"] == ["4", "100", "10"]
    assert cells["得分"] == ["3.5", "86.5", ""]
    assert cells["扣分说明"][0] == "OBS-02a 扣0.5分"  # text is left as written
    assert cells["三级指标"] == ["项目立项规范性", "", "实际完成率"]


def _column_cells(html: str, columns: list[str]) -> dict[str, list[str]]:
    """The body cells of a Styler table, by column (Styler marks each <td> with row/col classes)."""
    found = re.findall(r'<td[^>]*class="data row(\d+) col(\d+)"[^>]*>([^<]*)</td>', html)
    by_column: dict[str, list[str]] = {c: [] for c in columns}
    for _row, col, text in sorted(found, key=lambda f: (int(f[0]), int(f[1]))):
        by_column[columns[int(col)]].append(text.strip())
    return by_column


def _report_like_notebook(path):
    """A parameterised notebook that shows the report's two tables, as 06_report does."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("year = 2017  # 评价年度")
    params.metadata["tags"] = ["parameters"]
    body = nbformat.v4.new_code_cell(
        "import pandas as pd\n"
        "from IPython.display import Markdown, display\n"
        "from jixiao import report\n"
        "display(Markdown(f'### {year}年 附：评分表'))\n"
        "display(report.scoring_table_styler(pd.DataFrame({'一级指标': ['投入', '合计'], '分值': [4.0, 100.0], '得分': [3.5, 86.5]})))\n"
        "display(report.outputs_table_styler(pd.DataFrame({'indicator': ['服务站建成数'], 'measure_unit': ['个'], 'planned': [25], 'actual': [25]})))"
    )
    nb.cells = [nbformat.v4.new_markdown_cell("# 报告"), params, body]
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"source-{index}"
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def test_two_runs_of_the_same_report_export_byte_identical_html(tmp_path):
    import papermill

    source = _report_like_notebook(tmp_path / "report.ipynb")
    exports = []
    for run in ("first", "second"):
        executed = tmp_path / f"{run}.ipynb"
        papermill.execute_notebook(
            str(source),
            str(executed),
            parameters={"year": 2018},
            kernel_name="python3",
            progress_bar=False,
            cwd=str(tmp_path),
        )
        exports.append(report.export_html(executed, tmp_path / f"{run}.html").read_bytes())
    first, second = exports
    assert (
        "2018年 附：评分表".encode() in first
        and b"86.5" in first
        and "服务站建成数".encode() in first
    )
    assert first == second
    assert re.search(rb'id="T_[0-9a-f]{5}', first) is None  # no random table ids from pandas


def test_export_with_tools_prepared_ahead_gives_the_same_page_and_the_tools_serve_once(tmp_path):
    import papermill
    import pytest

    source = _report_like_notebook(tmp_path / "report.ipynb")
    executed = tmp_path / "executed.ipynb"
    papermill.execute_notebook(
        str(source),
        str(executed),
        parameters={"year": 2017},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),
    )
    tools = report.prepare_html_export()
    prepared = report.export_html(executed, tmp_path / "prepared.html", tools).read_bytes()
    assert prepared == report.export_html(executed, tmp_path / "plain.html").read_bytes()
    with pytest.raises(ValueError, match="used already"):
        report.export_html(executed, tmp_path / "again.html", tools)
