"""Year comparison: hand-made outputs of two years laid side by side, and the 2017 vs 2018 notebook."""

import json
import math

import nbformat
import openpyxl
import pandas as pd
import pytest

from jixiao import charts, compare, paths
from jixiao import run as runner
from jixiao.errors import InputError, ParameterError

DIMENSIONS = ("投入", "过程", "产出", "效果")
WEIGHTS = (20, 25, 25, 30)


def write_year(
    processed_root,
    reports_root,
    year,
    *,
    scores,
    total,
    grade="良",
    weights=WEIGHTS,
    arrival_rate=1.0,
    timely_rate=1.0,
    grants=(),
    overall=(100, 90, 0.9, 0.85, 0.94),
    groups=(),
    finding_dimensions=(),
):
    """Write the files one year's run leaves behind, with the values given."""
    processed, reports = processed_root / str(year), reports_root / str(year)
    (processed / "metrics").mkdir(parents=True)
    reports.mkdir(parents=True)
    score = {
        "year": year,
        "total": total,
        "max_total": 100,
        "grade": grade,
        "complete": True,
        "dimensions": [
            {"dimension": d, "weight": w, "score": s}
            for d, w, s in zip(DIMENSIONS, weights, scores, strict=False)
        ],
    }
    (reports / "score.json").write_text(json.dumps(score, ensure_ascii=False), encoding="utf-8")
    (reports / "manifest.json").write_text(
        json.dumps(
            {"parameters": {"04_survey.ipynb": {"confidence": 0.95, "interval_method": "wilson"}}}
        ),
        encoding="utf-8",
    )
    records = [
        {
            "metric": "fund_arrival_rate",
            "value": arrival_rate,
            "label": "资金到位率",
            "source": "compliance",
            "evidence": "",
        },
        {
            "metric": "fund_timely_rate",
            "value": timely_rate,
            "label": "到位及时率",
            "source": "compliance",
            "evidence": "",
        },
    ]
    (processed / "metrics" / "compliance.json").write_text(
        json.dumps(records, ensure_ascii=False), encoding="utf-8"
    )
    pd.DataFrame(
        list(grants) or [(0, 0, 0)], columns=["amount_fen", "arrived_by_as_of_fen", "late_fen"]
    ).astype("int64").to_parquet(processed / "arrival_grants.parquet")
    columns = ["n_valid", "n_satisfied", "rate", "lower", "upper"]
    pd.DataFrame([overall], columns=columns).to_parquet(
        processed / "survey_satisfaction_overall.parquet"
    )
    pd.DataFrame(list(groups), columns=["group", *columns]).to_parquet(
        processed / "survey_satisfaction_group.parquet"
    )
    pd.DataFrame(
        {
            "finding_id": [f"F-{i:02d}" for i in range(len(finding_dimensions))],
            "dimension": list(finding_dimensions),
        },
        dtype="string",
    ).to_parquet(processed / "findings.parquet")


@pytest.fixture
def roots(tmp_path):
    return tmp_path / "processed", tmp_path / "reports"


@pytest.fixture
def two_years(roots):
    processed_root, reports_root = roots
    write_year(
        processed_root,
        reports_root,
        2020,
        scores=(15, 20, 20, 25),
        total=80,
        timely_rate=0.8,
        grants=[(100_000, 100_000, 0), (300_000, 300_000, 60_000)],
        overall=(100, 90, 0.9, 0.86, 0.93),
        groups=[("居民", 60, 54, 0.9, 0.86, 0.93), ("社会组织", 40, 36, 0.9, 0.86, 0.93)],
        finding_dimensions=("过程", "过程", "投入"),
    )
    write_year(
        processed_root,
        reports_root,
        2021,
        scores=(18, 22.5, 20, 25),
        total=85.5,
        arrival_rate=0.9,
        grants=[(250_000, 225_000, 0)],
        overall=(200, 160, 0.8, 0.75, 0.84),
        groups=[("居民", 150, 132, 0.88, 0.83, 0.92), ("社会组织", 50, 28, 0.56, 0.42, 0.69)],
        finding_dimensions=("效果",),
    )
    return compare.load_years(
        [2021, 2020], processed_root=processed_root, reports_root=reports_root
    )


def test_missing_year_says_which_files_are_missing_and_to_run_that_year_first(roots):
    processed_root, reports_root = roots
    write_year(processed_root, reports_root, 2020, scores=(15, 20, 20, 25), total=80)
    with pytest.raises(InputError) as caught:
        compare.load_years([2020, 2021], processed_root=processed_root, reports_root=reports_root)
    message = str(caught.value)
    assert "jixiao run --year 2021" in message and "score.json" in message
    assert "--year 2020" not in message


def test_year_with_a_missing_table_is_reported_with_the_table_name(roots):
    processed_root, reports_root = roots
    write_year(processed_root, reports_root, 2020, scores=(15, 20, 20, 25), total=80)
    (processed_root / "2020" / "findings.parquet").unlink()
    with pytest.raises(InputError, match=r"findings\.parquet.*jixiao run --year 2020"):
        compare.load_year_summary(
            2020, processed_dir=processed_root / "2020", reports_dir=reports_root / "2020"
        )


def test_comparing_needs_two_different_years(roots):
    with pytest.raises(ParameterError, match="两个"):
        compare.load_years([2020, 2020], processed_root=roots[0], reports_root=roots[1])


def test_years_are_ordered_earliest_first_and_overview_keeps_total_and_grade(two_years):
    overview = compare.score_overview(two_years)
    assert overview["年度"].tolist() == [2020, 2021]
    assert overview["综合得分"].tolist() == [80, 85.5]
    assert overview["评价等级"].tolist() == ["良", "良"]


def test_dimension_comparison_gives_each_year_the_change_and_a_total_row(two_years):
    table = compare.dimension_comparison(two_years).set_index("一级指标")
    assert list(table.columns) == ["分值", "2020年得分", "2021年得分", "变化（2021年−2020年）"]
    assert table.index.tolist() == [*DIMENSIONS, "合计"]
    assert table.loc["投入"].tolist() == [20, 15, 18, 3]
    assert table.loc["过程"].tolist() == [25, 20, 22.5, 2.5]
    assert table.loc["产出", "变化（2021年−2020年）"] == 0
    assert table.loc["合计"].tolist() == [100, 80, 85.5, 5.5]


def test_dimension_weights_get_a_column_per_year_when_the_framework_changed(roots):
    processed_root, reports_root = roots
    write_year(processed_root, reports_root, 2020, scores=(15, 20, 20, 25), total=80)
    write_year(
        processed_root,
        reports_root,
        2021,
        scores=(12, 20, 20, 25),
        total=77,
        weights=(15, 30, 25, 30),
    )
    years = compare.load_years(
        [2020, 2021], processed_root=processed_root, reports_root=reports_root
    )
    table = compare.dimension_comparison(years).set_index("一级指标")
    assert table.loc["投入", ["2020年分值", "2021年分值"]].tolist() == [20, 15]
    assert table.loc["过程", ["2020年分值", "2021年分值"]].tolist() == [25, 30]
    assert table.loc["合计", "变化（2021年−2020年）"] == -3


def test_arrival_rates_come_from_the_metrics_and_amounts_from_the_grants_in_yuan(two_years):
    arrival = compare.arrival_rates(two_years).set_index("年度")
    assert arrival.loc[2020, "到位及时率"] == 0.8 and arrival.loc[2021, "资金到位率"] == 0.9
    # 2020: 1,000 + 3,000 元 issued, one grant with 600 元 late; 2021: 2,500 issued, 2,250 arrived.
    assert arrival.loc[
        2020, ["拨款笔数", "下达金额（元）", "未按时到位笔数", "未按时到位金额（元）"]
    ].tolist() == [2, 4000, 1, 600]
    assert arrival.loc[2021, ["下达金额（元）", "到位金额（元）", "未按时到位笔数"]].tolist() == [
        2500,
        2250,
        0,
    ]


def test_a_missing_arrival_metric_shows_as_blank_not_zero(two_years):
    summary = two_years[0]
    without = compare.YearSummary(
        **{
            **vars(summary),
            "metrics": summary.metrics[summary.metrics["metric"] != "fund_timely_rate"],
        }
    )
    arrival = compare.arrival_rates([without, two_years[1]])
    assert math.isnan(arrival.loc[0, "到位及时率"]) and arrival.loc[0, "资金到位率"] == 1.0


def test_satisfaction_rows_put_all_respondents_first_then_groups_year_by_year(two_years):
    table = compare.satisfaction_by_group(two_years)
    assert list(zip(table["受访者类别"], table["年度"], strict=False)) == [
        ("全部受访者", 2020),
        ("全部受访者", 2021),
        ("居民", 2020),
        ("居民", 2021),
        ("社会组织", 2020),
        ("社会组织", 2021),
    ]
    assert table.loc[1, ["有效答案数", "满意答案数", "满意率"]].tolist() == [200, 160, 0.8]


def test_difference_interval_adds_the_two_years_interval_arms_in_quadrature():
    # 0.80 [0.75, 0.84] against 0.90 [0.86, 0.93]:
    # low  = -0.10 - sqrt(0.05² + 0.03²) = -0.10 - 0.058310 = -0.158310
    # high = -0.10 + sqrt(0.04² + 0.04²) = -0.10 + 0.056569 = -0.043431
    diff, low, high = compare.rate_difference_interval(0.80, 0.75, 0.84, 0.90, 0.86, 0.93)
    assert diff == pytest.approx(-0.10)
    assert low == pytest.approx(-0.158310, abs=1e-6)
    assert high == pytest.approx(-0.043431, abs=1e-6)


def test_satisfaction_change_calls_a_fall_only_when_the_interval_excludes_zero(two_years):
    change = compare.satisfaction_change(compare.satisfaction_by_group(two_years)).set_index(
        "受访者类别"
    )
    assert change.loc["全部受访者", "判断"] == "下降"
    assert change.loc["全部受访者", "变化区间上限"] == pytest.approx(-0.043431, abs=1e-6)
    # 居民 0.88 [0.83, 0.92] vs 0.90 [0.86, 0.93]: high = -0.02 + sqrt(0.04² + 0.04²) = 0.036569 > 0
    assert change.loc["居民", "变化区间上限"] == pytest.approx(0.036569, abs=1e-6)
    assert change.loc["居民", "判断"].startswith("变化不明显")
    assert change.loc["社会组织", "满意率变化"] == pytest.approx(-0.34)


def test_findings_count_per_dimension_with_zero_rows_and_a_total(two_years):
    long = compare.findings_by_dimension(two_years)
    assert len(long) == 8  # 2 years × 4 dimensions, zeros included
    table = compare.findings_comparison(long).set_index("一级指标")
    assert table.index.tolist() == [*DIMENSIONS, "合计"]
    assert table.loc["过程"].tolist() == [2, 0, -2]
    assert table.loc["效果"].tolist() == [0, 1, 1]
    assert table.loc["合计"].tolist() == [3, 1, -2]


def test_description_of_changes_reads_the_computed_numbers(two_years):
    text = "\n".join(compare.describe_changes(two_years))
    assert "2020年80分（良）→ 2021年85.5分（良），上升5.5分" in text
    assert "投入 15→18（上升3分）" in text and "产出 20→20（持平）" in text
    assert "到位及时率 80.0%→100.0%" in text and "未按时到位 1笔600.00元 → 0笔0.00元" in text
    assert "总体满意率 90.0%→80.0%" in text and "95%置信区间 -15.8 至 -4.3" in text
    assert "3项 → 1项（下降2项）" in text


def test_charts_have_chinese_titles_and_save_without_missing_glyphs(two_years, tmp_path):
    figures = {
        "score": compare.plot_dimension_scores(
            compare.dimension_scores(two_years), compare.score_overview(two_years)
        ),
        "arrival": compare.plot_arrival_rates(compare.arrival_rates(two_years)),
        "satisfaction": compare.plot_satisfaction(
            compare.satisfaction_by_group(two_years), confidence=0.95
        ),
        "findings": compare.plot_findings_by_dimension(compare.findings_by_dimension(two_years)),
    }
    assert "一级指标" in figures["score"].axes[0].get_title()
    legend = [t.get_text() for t in figures["score"].axes[0].get_legend().get_texts()]
    assert "2021年（综合 85.5 分，良）" in legend
    axis = figures["satisfaction"].axes[0]
    rows = dict(zip(axis.get_yticks(), (t.get_text() for t in axis.get_yticklabels()), strict=True))
    assert [rows[y] for y in sorted(rows, reverse=True)] == [
        "全部受访者",
        "居民",
        "社会组织",
    ]  # top to bottom
    assert "2020年未按时到位 1 笔 600.00 元" in figures["arrival"].axes[0].get_xlabel()
    for name, fig in figures.items():
        saved = charts.save_figure(fig, name, tmp_path, formats=("png",))
        assert saved["png"].stat().st_size > 10_000


# --------------------------------------------------------------------------- the notebook on 2017 and 2018

NOTEBOOK = paths.NOTEBOOKS_DIR / "90_compare_years.ipynb"


def test_comparison_notebook_is_committed_without_outputs_and_with_tagged_parameters():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code)
    assert "parameters" in code[0].metadata.get("tags", [])
    assert NOTEBOOK not in runner.year_notebooks()  # a year's run must not run the comparison


@pytest.fixture(scope="module")
def executed_comparison(run_2017, run_2018, tmp_path_factory):
    import papermill

    # Both years run afresh in this session with their default parameters (the session's runs,
    # conftest.py), their reports in a folder of the session's own: what an evaluator last ran
    # into reports/ (other parameters, say) must not matter. The notebook is pointed at exactly
    # the folders those runs wrote.
    (first, _), (second, _) = run_2017, run_2018
    processed_root, reports_root = first.processed_dir.parent, first.output_dir.parent
    assert (second.processed_dir.parent, second.output_dir.parent) == (processed_root, reports_root)
    out = tmp_path_factory.mktemp("comparison")
    parameters = {
        "years": [2017, 2018], "output_dir": str(out),
        "processed_root": str(processed_root), "reports_root": str(reports_root),
    }  # fmt: skip
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(out / NOTEBOOK.name),
        parameters=parameters,
        kernel_name="python3",
        cwd=str(NOTEBOOK.parent),
        progress_bar=False,
    )
    return out


def test_notebook_compares_2017_and_2018_scores_in_its_workbook(executed_comparison):
    sheets = pd.read_excel(
        executed_comparison / "年度比较.xlsx", sheet_name=None, engine="calamine"
    )
    overview = sheets["综合得分"].set_index("年度")
    assert overview.loc[2017, "综合得分"] == 86.5 and overview.loc[2018, "综合得分"] == 84.4
    dims = sheets["一级指标得分"].set_index("一级指标")
    assert dims.loc["合计", ["2017年得分", "2018年得分"]].tolist() == [86.5, 84.4]
    assert dims.loc["投入", ["2017年得分", "2018年得分"]].tolist() == [14, 17.5]
    arrival = sheets["资金到位"].set_index("年度")
    # 2017: 1,730,000 of 2,000,000 元 arrived on time; 2018: all 1,800,000 元 on time.
    assert (
        arrival.loc[2017, "到位及时率"] == pytest.approx(0.865)
        and arrival.loc[2018, "到位及时率"] == 1.0
    )
    assert arrival.loc[2017, "未按时到位金额（元）"] == 270_000
    change = sheets["满意率变化"].set_index("受访者类别")
    assert change.loc["全部受访者", "2017年满意率"] == pytest.approx(3178 / 3418)
    assert change.loc["全部受访者", "2018年满意率"] == pytest.approx(3661 / 4276)
    assert change.loc["全部受访者", "判断"] == "下降"


def test_notebook_writes_each_chart_as_png_svg_and_pdf_and_a_formatted_workbook(
    executed_comparison,
):
    for name in (
        "compare_score_by_dimension",
        "compare_arrival_rates",
        "compare_satisfaction",
        "compare_findings_by_dimension",
    ):
        for fmt in ("png", "svg", "pdf"):
            assert (executed_comparison / "figures" / f"{name}.{fmt}").stat().st_size > 1000, (
                name,
                fmt,
            )
    book = openpyxl.load_workbook(executed_comparison / "年度比较.xlsx")
    assert book["资金到位"]["B2"].number_format == "0.0%" and book["资金到位"].freeze_panes == "A2"


def test_notebook_stops_with_the_run_command_for_a_year_not_yet_run(tmp_path):
    import papermill

    with pytest.raises(papermill.PapermillExecutionError, match=r"jixiao run --year 1999"):
        papermill.execute_notebook(
            str(NOTEBOOK),
            str(tmp_path / NOTEBOOK.name),
            parameters={"years": [1999, 2017], "output_dir": str(tmp_path)},
            kernel_name="python3",
            cwd=str(NOTEBOOK.parent),
            progress_bar=False,
        )
