"""The whole 2017 evaluation through `jixiao run`: 86.5 / 良 from the case file, complete outputs,
raw data untouched, no personal data anywhere, the same results on a second run."""

import dataclasses
import json
import re

import openpyxl
import pandas as pd
import pytest

from jixiao import loading, manifest, paths, privacy, workpapers
from jixiao import run as runner
from jixiao.finding_categories import CATEGORIES
from jixiao.project_profile import year_profile
from jixiao.scoring import grade

YEAR = 2017
CHARTS = (
    "arrival_timeline",
    "account_mixing",
    "sampling_strata",
    "survey_likert_items",
    "survey_satisfaction_by_community",
    "score_by_dimension",
    "score_waterfall",
    "score_distribution",
)


@pytest.fixture(scope="module")
def raw_hashes_before(raw_hashes_2017):
    return raw_hashes_2017


@pytest.fixture(scope="module")
def run(run_2017):
    return run_2017


@pytest.fixture(scope="module")
def score(run):
    return json.loads((run[1] / "score.json").read_text(encoding="utf-8"))


def test_2017_scores_86_5_grade_liang_with_the_dimension_subtotals(score):
    assert score["complete"] is True
    assert score["total"] == 86.5 and score["grade"] == "良" == grade(86.5)
    assert {d["dimension"]: d["score"] for d in score["dimensions"]} == {
        "投入": 14,
        "过程": 19.5,
        "产出": 25,
        "效果": 28,
    }


def test_every_chart_is_drawn_in_its_kernel_and_shown_in_its_notebook(run):
    import base64

    _result, out = run
    shown = set()
    for executed in out.glob("0*.ipynb"):
        text = executed.read_text(encoding="utf-8")
        assert "vnd.jixiao.pending-image" not in text
        for cell in json.loads(text)["cells"]:
            for output in cell.get("outputs", []):
                if "image/png" in output.get("data", {}):
                    shown.add(base64.b64decode(output["data"]["image/png"]))
    for name in CHARTS:
        files = [out / "figures" / f"{name}.{fmt}" for fmt in ("png", "svg", "pdf")]
        assert all(f.is_file() for f in files), name
        assert files[0].read_bytes() in shown, name  # the real image, not a placeholder


def test_every_indicator_that_lost_points_says_why_and_points_to_its_evidence(score):
    losers = {i["levels"][-1]: i for i in score["indicators"] if i["score"] < i["weight"]}
    assert set(losers) == {
        "绩效目标合理性",
        "绩效指标明确性",
        "到位及时率",
        "制度执行有效性",
        "管理制度健全性",
        "资金使用合规性",
        "财务监控有效性",
        "可持续影响",
    }
    for indicator in losers.values():
        assert indicator["reasons"], indicator
    assert "86.5%" in " ".join(losers["到位及时率"]["reasons"])  # the computed arrival rate
    assert "OBS-04" in " ".join(losers["可持续影响"]["reasons"])  # weak social organisations
    assert "3" in " ".join(losers["资金使用合规性"]["reasons"])  # three units mixing accounts


def test_raw_folder_is_byte_identical_after_the_run(run, raw_hashes_before):
    assert manifest.folder_hashes(paths.raw_dir(YEAR)) == raw_hashes_before


def test_run_leaves_notebooks_charts_workbook_report_and_manifest(run):
    out = run[1]
    for notebook in runner.year_notebooks():
        assert (out / notebook.name).is_file()
    import nbformat

    for name, charts in (
        ("02_sampling.ipynb", 1),
        ("03_compliance.ipynb", 2),
        ("04_survey.ipynb", 2),
        ("05_scoring.ipynb", 3),
    ):
        executed = nbformat.read(out / name, as_version=4)
        images = sum(
            "image/png" in o.get("data", {})
            for c in executed.cells
            if c.cell_type == "code"
            for o in c.outputs
        )
        assert images == charts, name  # charts are visible in the executed copy, not just text
    for chart in CHARTS:
        for fmt in ("png", "svg", "pdf"):
            assert (out / "figures" / f"{chart}.{fmt}").stat().st_size > 1000, (chart, fmt)
    book = openpyxl.load_workbook(out / "workpapers.xlsx", read_only=True)
    assert {"评分表", "抽样清单", "问题清单", "问卷统计"} <= set(book.sheetnames)
    for sheet in book.worksheets:
        top = workpapers.TABLE_HEADER_ROW
        headers = next(sheet.iter_rows(min_row=top, max_row=top, values_only=True))
        assert all(re.search(r"[\u4e00-\u9fff]", str(h)) for h in headers), (sheet.title, headers)
    record = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert record["seed"] == 20171231
    assert set(record["inputs"]) >= {
        "资金下达明细_2017.xlsx",
        "指标体系_2017.xlsx",
        "parameters.toml",
    }
    assert all(len(h) == 64 for h in record["inputs"].values())
    assert set(record["timings_s"]) == {nb.name for nb in runner.year_notebooks()}
    assert record["environment"]["packages"]["pandas"]


def test_html_report_follows_the_published_report_and_shows_no_code(run):
    html = (run[1] / "report.html").read_text(encoding="utf-8")
    positions = [
        html.index(title)
        for title in ("一、基本情况", "二、项目成效", "三、主要问题", "四、工作建议")
    ]
    assert positions == sorted(positions)
    assert "86.5分" in html and "“良”" in html
    assert "import pandas" not in html and "processed.read_table" not in html
    assert "@font-face" in html  # Chinese readable without system fonts


def test_register_reproduces_all_six_problems_with_problems_1_and_3_found_in_the_data(run):
    """The published report's problems 1 (late money) and 3 (no separate accounting) are found
    by the checks, 2, 4, 5 and 6 are the team's observations; the register is in category order."""
    register = pd.read_parquet(paths.processed_dir(YEAR) / "findings.parquet")
    assert set(register["problem_no"].dropna().astype(int)) == {2, 4, 5, 6}
    late = register[register["rule"] == "ARR-01"]
    assert (late["category"] == "资金到位").all()
    assert set(late["units"]) == {"浏河社区", "沿河社区"}
    assert late["amount_fen"].sum() == 27_000_000
    assert late["description"].str.contains("2018年5月").all()
    mixing = register[register["rule"].str.startswith("SEP")]
    assert set(mixing["units"]) == {"沿河社区", "中天社区", "荆南社区"}
    observed = register[register["rule"] == "OBS"]
    assert set(observed["finding_id"]) == {"OBS-02a", "OBS-02b", "OBS-04", "OBS-05", "OBS-06"}
    ranks = register["category"].map({c: i for i, c in enumerate(CATEGORIES)})
    reported = ~register["rule"].str.startswith("GL-")
    assert (
        ranks[reported].is_monotonic_increasing
        and not reported.iloc[: reported.sum()].eq(False).any()
    )


def test_no_personal_data_reaches_processed_data_or_outputs(run):
    raw = paths.raw_dir(YEAR)
    survey = loading.load_survey(next(raw.glob("问卷调查*.xlsx")))["survey"].data
    interviews = loading.load_interviews(next(raw.glob("电话访谈*.xlsx"))).data
    # 制单人 in the ledgers are accounting staff named in the books, not respondents; the
    # fictional generators happen to give a few of them a respondent's name.
    staff = set(loading.load_ledgers(sorted(raw.glob("明细账*"))).data["preparer"].dropna())
    respondents = set(survey["name"].dropna()) | set(interviews["name"].dropna())
    names = sorted(n for n in respondents if not any(n in person for person in staff))
    assert len(names) > 100
    files = [
        f
        for folder in (paths.processed_dir(YEAR), run[1])
        for f in folder.rglob("*")
        if f.is_file() and privacy.is_scannable(f)
    ]
    assert len(files) > 20
    leaks = [hit for f in files for hit in privacy.find_personal_data(f, names=names)]
    assert leaks == []


def test_processed_manifest_reconciles_every_table(run):
    record = json.loads((paths.processed_dir(YEAR) / "manifest.json").read_text(encoding="utf-8"))
    for kind, counts in record["counts"].items():
        assert counts["read"] == counts["loaded"] + counts["rejected"] + counts["dropped"], kind
    assert record["counts"]["ledger"]["loaded"] == 5_252  # the case file's entries (README)


def test_a_second_run_gives_the_same_tables_and_scores(run, tmp_path):
    first = {
        name: pd.read_parquet(paths.processed_dir(YEAR) / f"{name}.parquet")
        for name in ("findings", "sampling_selection", "scoring_table")
    }
    first_score = (run[1] / "score.json").read_text(encoding="utf-8")
    runner.run_year(YEAR, reports_root=tmp_path, log=lambda *_: None)
    assert (tmp_path / str(YEAR) / "score.json").read_text(encoding="utf-8") == first_score
    for name, frame in first.items():
        pd.testing.assert_frame_equal(
            pd.read_parquet(paths.processed_dir(YEAR) / f"{name}.parquet"), frame
        )
    assert (tmp_path / str(YEAR) / "workpapers.xlsx").read_bytes() == (
        run[1] / "workpapers.xlsx"
    ).read_bytes()


def test_liuhe_money_arriving_on_time_raises_the_total_by_exactly_one_point(run):
    """Proof the 86.5 is computed: change one input, the rules move the total by what they say."""
    from jixiao import compliance, metrics, scoring

    allocations = pd.read_parquet(paths.processed_dir(YEAR) / "allocations.parquet")
    liuhe = allocations["community"].eq("浏河社区")
    allocations.loc[liuhe, "arrived_date"] = pd.Timestamp("2017-12-20")
    arrival = compliance.check_arrival(allocations, as_of="2019-10-31", budget_year=YEAR)
    assert arrival.summary.timely_rate == pytest.approx(0.925)  # 1,850,000 / 2,000,000
    table = metrics.read_metrics(YEAR)
    table.loc[table["metric"] == "fund_timely_rate", "value"] = arrival.summary.timely_rate
    register = pd.read_parquet(paths.processed_dir(YEAR) / "findings.parquet")
    register = register[~(register["rule"].eq("ARR-01") & register["units"].eq("浏河社区"))]
    system = scoring.load_indicator_system(paths.raw_dir(YEAR) / "指标体系_2017.xlsx")
    baseline = scoring.score(
        system,
        metrics.read_metrics(YEAR),
        pd.read_parquet(paths.processed_dir(YEAR) / "findings.parquet"),
    )
    changed = scoring.score(system, table, register)
    # 到位及时率: 7.5 points short of 100% is two 5-point steps (a part step counts whole) → 3 of 5.
    assert str(baseline.total.normalize()) == "86.5" and str(changed.total.normalize()) == "87.5"


def _sampling_settings():
    """The 2017 sampling settings exactly as notebook 02 builds them from parameters.toml."""
    from jixiao.sampling.workflow import settings_from_parameters

    given = runner.read_year_parameters(YEAR)
    return settings_from_parameters(
        seed=given["seed"], accounts=year_profile(YEAR).accounts, **given["sampling"]
    )


def test_the_2017_sample_is_drawn_from_the_special_funds_spending_and_says_so(run):
    from jixiao import compliance, metrics

    ledger = pd.read_parquet(paths.processed_dir(YEAR) / "ledger.parquet")
    allocations = pd.read_parquet(paths.processed_dir(YEAR) / "allocations.parquet")
    flags = compliance.check_separate_accounting(
        ledger,
        allocations,
        compliance.load_scope_rules(year=YEAR),
        **year_profile(YEAR).separate_accounting_options(),
    )
    # By hand: the 500102 lines, plus the special-fund spending booked to basic (SEP-01).
    project = ledger[ledger["account_key"].str.startswith("500102")]
    moved = flags[flags["rule"] == "SEP-01"]
    lines = len(project) + len(moved)
    amount = (project["debit_fen"] - project["credit_fen"]).sum() + moved["amount_fen"].sum()
    values = metrics.metrics_dict(metrics.read_metrics(YEAR))
    assert values["sampling_population_lines"] == lines == 123
    assert round(values["sampling_population_amount"] * 100) == amount
    recorded = pd.read_parquet(paths.processed_dir(YEAR) / "sampling_evaluation.parquet")
    rows = dict(zip(recorded["项目"], recorded["结果"], strict=True))
    assert rows["抽样总体口径"] == "专项资金相关" and rows["总体分录笔数"] == "123"
    # The one invoice that disagrees is projected to the population in 元.
    assert "最可能值" in rows["推断至总体的错报"]
    assert values["voucher_projected_misstatement"] > 0
    assert values["voucher_misstatement_upper_limit"] > values["voucher_projected_misstatement"]


def test_fieldwork_is_evaluated_under_the_design_it_was_drawn_with(run):
    from jixiao import compliance, sampling
    from jixiao.sampling import workflow

    ledger = pd.read_parquet(paths.processed_dir(YEAR) / "ledger.parquet")
    allocations = pd.read_parquet(paths.processed_dir(YEAR) / "allocations.parquet")
    flags = compliance.check_separate_accounting(
        ledger,
        allocations,
        compliance.load_scope_rules(year=YEAR),
        **year_profile(YEAR).separate_accounting_options(),
    )
    settings = _sampling_settings()
    population, plan, selection = workflow.plan_and_select(ledger, settings, flags)
    filled = sampling.read_fieldwork(workflow.filled_sheet_path(YEAR))
    evaluation, differences = workflow.evaluate_selection(filled, selection, plan, settings)
    assert differences.empty  # the shipped sheet was filled in for this very selection
    # Key items (≥ 50,000 元) and flagged lines are examined in full; tolerable misstatement is
    # 5 % of what remains.
    flagged = sampling.item_ids(population).isin(sampling.item_ids(flags)).to_numpy()
    remaining = population.loc[
        (population["amount_fen"] > 0) & (population["amount_fen"] < 5_000_000) & ~flagged,
        "amount_fen",
    ].sum()
    assert (
        evaluation.monetary.tolerable_misstatement_fen
        == plan.tolerable_misstatement_fen
        == round(remaining * 0.05)
    )
    assert evaluation.monetary.acceptable == (
        evaluation.monetary.upper_limit_fen <= plan.tolerable_misstatement_fen
    )
    recorded = pd.read_parquet(paths.processed_dir(YEAR) / "sampling_evaluation.parquet")
    assert (
        evaluation.monetary.conclusion in recorded["结果"].tolist()
    )  # the notebook recorded this same conclusion

    other_seed = dataclasses.replace(settings, seed=7)
    _, plan7, selection7 = workflow.plan_and_select(ledger, other_seed, flags)
    evaluation7, differences7 = workflow.evaluate_selection(filled, selection7, plan7, other_seed)
    assert set(differences7["情况"]) == {"本次选取，抽样清单中没有", "抽样清单中有，本次未选取"}
    # What was examined is evaluated under its own design, whatever the new seed drew.
    assert evaluation7.report_rows() == evaluation.report_rows()

    assert (
        evaluation.attribute.population_size is None
    )  # a MUS sample: binomial, not hypergeometric

    without_design = dataclasses.replace(filled, parameters={})
    assert workflow.evaluate_selection(without_design, selection7, plan7, other_seed)[0] is None
    # Matching the selection, the plan supplies the design; without a 抽样参数 sheet there is no
    # MUS projection, only the attribute conclusion.
    fallback = workflow.evaluate_selection(without_design, selection, plan, settings)[0]
    assert fallback.monetary is None and fallback.attribute == evaluation.attribute


def test_executed_notebooks_show_project_relative_paths_never_this_machines(run):
    for notebook in sorted(run[1].glob("0*.ipynb")):
        text = notebook.read_text(encoding="utf-8")
        assert str(paths.ROOT) not in text, notebook.name
        record = json.loads(text)["metadata"]["papermill"]
        assert record["input_path"] == f"notebooks/{notebook.name}"
        assert record["parameters"]["processed_root"].startswith("data/processed/.2017.running-")


def test_the_processed_folder_holds_exactly_the_tables_the_steps_declare(run):
    from jixiao import steps

    folder = paths.processed_dir(YEAR)
    tables = {p.stem for p in folder.glob("*.parquet")}
    assert tables == set(steps.declared_tables())
    metrics_files = {p.stem for p in (folder / "metrics").glob("*.json")}
    assert metrics_files == {s.metrics for s in steps.STEPS if s.metrics}


def test_score_json_says_how_safe_the_grade_is(score):
    low, high = score["total_interval"]
    assert low <= score["total"] <= high
    probabilities = score["grade_probabilities"]
    assert list(probabilities) == ["优", "良", "中", "差"]
    assert sum(probabilities.values()) == pytest.approx(1)
    assert probabilities["良"] == max(probabilities.values())
    simulation = score["grade_simulation"]
    assert simulation["draws"] == 10_000 and simulation["seed"] == 20171231
    assert any(s.startswith("satisfaction_rate") for s in simulation["sources"])
    assert any(s.startswith("voucher_deviation_upper_limit") for s in simulation["sources"])
