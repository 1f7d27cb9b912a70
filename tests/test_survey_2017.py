"""The survey step on the 2017 case, end to end: the figures scoring receives come out of the
case file's answers.

The expected counts are worked out here straight from the workbook (openpyxl, none of the
library's parsing), the interval by the Wilson formula written out with the standard library.
The processed data are made by the ingest functions (once for the session, conftest.py) and
copied into a temporary project folder (``JIXIAO_ROOT``), and notebook 04 runs there through
papermill with the year's parameters, so nothing in ``data/processed`` is relied on or changed.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import unicodedata
from collections import Counter
from statistics import NormalDist

import nbformat
import openpyxl
import pandas as pd
import pytest

from jixiao import ingest, loading, paths, privacy
from jixiao import run as runner

YEAR = 2017
RAW = paths.raw_dir(YEAR)
WORKBOOK = RAW / "问卷调查_2017.xlsx"
NOTEBOOK = paths.NOTEBOOKS_DIR / "04_survey.ipynb"
TEXT_LEVELS = {"非常满意": 5, "满意": 4, "一般": 3, "不满意": 2, "非常不满意": 1}
GROUP_METRICS = {
    "居民": "satisfaction_rate_residents",
    "社区工作者": "satisfaction_rate_workers",
    "社会组织": "satisfaction_rate_organisations",
}


# --------------------------------------------------------------------------- the answers, counted by hand


def _sheet_rows(book, name: str, first_header: str) -> tuple[list[str], list[tuple]]:
    rows = list(book[name].iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row and row[0] == first_header)
    header = [str(h).strip() if h is not None else "" for h in rows[start]]
    return header, [
        row for row in rows[start + 1 :] if any(v is not None and str(v).strip() for v in row)
    ]


def _code(value) -> int | None:
    """1–5 from the cell as typed: a level's text or a whole number; anything else is no answer."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        code = int(value) if float(value).is_integer() else None
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        code = TEXT_LEVELS.get(text, int(text) if text.isdigit() else None)
    return code if code in (1, 2, 3, 4, 5) else None


def _person(row: dict) -> str | None:
    phone = re.sub(r"\D", "", str(row["联系电话"] or ""))
    if len(phone) >= 7:
        return "phone:" + phone
    id_number = str(row["身份证号"] or "").strip().upper()
    return "id:" + id_number if id_number else None


@pytest.fixture(scope="module")
def by_hand() -> dict[str, Counter]:
    """Valid and satisfied (4 or 5 after 6 − code for reverse items) answers, overall and per group.

    A repeated 问卷编号 and a person (phone, else ID number) seen before count once: the first row.
    """
    book = openpyxl.load_workbook(WORKBOOK, read_only=True, data_only=True)
    item_header, item_rows = _sheet_rows(book, "题目", "题号")
    items = {
        str(r[item_header.index("题号")]).strip(): r[item_header.index("反向题")] == "是"
        for r in item_rows
    }
    header, rows = _sheet_rows(book, "问卷数据", "问卷编号")
    valid, satisfied = Counter(), Counter()
    seen_ids, seen_people = set(), set()
    for values in rows:
        row = dict(zip(header, values, strict=False))
        respondent, person = str(row["问卷编号"]).strip(), _person(row)
        if respondent in seen_ids or (person is not None and person in seen_people):
            continue
        seen_ids.add(respondent)
        seen_people.add(person)
        for item, reverse in items.items():
            code = _code(row[item])
            if code is None:
                continue
            code = 6 - code if reverse else code
            for key in ("全部", row["受访者类别"]):
                valid[key] += 1
                satisfied[key] += code >= 4
    book.close()
    return {"valid": valid, "satisfied": satisfied}


def wilson(x: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    p = x / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_the_hand_count_agrees_with_what_the_case_file_readme_states(by_hand):
    stated = re.search(r"rate: (\d+) / (\d+) = ", (RAW / "README.md").read_text(encoding="utf-8"))
    assert (by_hand["satisfied"]["全部"], by_hand["valid"]["全部"]) == (
        int(stated[1]),
        int(stated[2]),
    )


# --------------------------------------------------------------------------- notebook 04 in a scratch project


@pytest.fixture(scope="module")
def project(tmp_path_factory, ingested_2017):
    """A scratch project root: the real raw 2017 folder, processed data ingested afresh."""
    import papermill

    root = tmp_path_factory.mktemp("project")
    (root / "data" / "raw").mkdir(parents=True)
    (root / "data" / "raw" / str(YEAR)).symlink_to(RAW, target_is_directory=True)
    processed = root / "data" / "processed" / str(YEAR)
    reports = root / "reports" / str(YEAR)
    reports.mkdir(parents=True)
    with pytest.MonkeyPatch.context() as env:
        env.delenv(
            ingest.SALT_ENVIRONMENT_VARIABLE, raising=False
        )  # the case declares itself reconstructed
        # The year ingested afresh (once for the session, conftest.py), copied into the project.
        shutil.copytree(ingested_2017[1], processed)
        parameters = runner.resolve_parameters(YEAR)[NOTEBOOK.name] | {"output_dir": str(reports)}
        env.setenv(
            "JIXIAO_ROOT", str(root)
        )  # the kernel's jixiao.paths now point at the scratch project
        papermill.execute_notebook(
            str(NOTEBOOK),
            str(reports / NOTEBOOK.name),
            parameters=parameters,
            kernel_name=runner.KERNEL_NAME,
            cwd=str(NOTEBOOK.parent),
            progress_bar=False,
        )
    return {"processed": processed, "reports": reports}


@pytest.fixture(scope="module")
def written_metrics(project) -> dict[str, dict]:
    records = json.loads(
        (project["processed"] / "metrics" / "survey.json").read_text(encoding="utf-8")
    )
    return {r["metric"]: r for r in records}


def test_notebook_04_writes_the_satisfaction_rate_counted_from_the_workbook(
    written_metrics, by_hand
):
    expected = by_hand["satisfied"]["全部"] / by_hand["valid"]["全部"]
    assert written_metrics["satisfaction_rate"]["value"] == pytest.approx(expected, abs=1e-12)
    evidence = written_metrics["satisfaction_rate"]["evidence"]
    assert (
        f"有效答案 {by_hand['valid']['全部']} 个" in evidence
        and f"{by_hand['satisfied']['全部']} 个" in evidence
    )


def test_each_group_rate_is_counted_from_the_workbook_too(written_metrics, by_hand):
    for group, metric in GROUP_METRICS.items():
        assert written_metrics[metric]["value"] == pytest.approx(
            by_hand["satisfied"][group] / by_hand["valid"][group], abs=1e-12
        ), group


def test_the_recorded_interval_is_the_wilson_interval_of_those_counts(project, by_hand):
    overall = pd.read_parquet(project["processed"] / "survey_satisfaction_overall.parquet").iloc[0]
    x, n = by_hand["satisfied"]["全部"], by_hand["valid"]["全部"]
    assert (int(overall["n_satisfied"]), int(overall["n_valid"])) == (x, n)
    lower, upper = wilson(x, n)
    assert overall["lower"] == pytest.approx(lower, abs=1e-9) and overall["upper"] == pytest.approx(
        upper, abs=1e-9
    )
    assert lower < x / n < upper
    groups = pd.read_parquet(project["processed"] / "survey_satisfaction_group.parquet").set_index(
        "group"
    )
    for group in GROUP_METRICS:
        g_lower, g_upper = wilson(by_hand["satisfied"][group], by_hand["valid"][group])
        assert groups.loc[group, ["lower", "upper"]].tolist() == pytest.approx(
            [g_lower, g_upper], abs=1e-9
        ), group


def test_the_executed_notebook_reads_the_same_figures_in_words(project, by_hand):
    executed = nbformat.read(project["reports"] / NOTEBOOK.name, as_version=4)
    shown = [
        o["data"]["text/markdown"]
        for c in executed.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "text/markdown" in o.get("data", {})
    ]
    assert len(shown) == 1
    reading = shown[0]
    x, n = by_hand["satisfied"]["全部"], by_hand["valid"]["全部"]
    lower, upper = wilson(x, n)
    assert (
        f"全部 {n:,} 个有效答案中，“非常满意”或“满意” {x:,} 个，满意率 **{x / n:.1%}**" in reading
    )
    assert f"95% 置信区间 {lower:.1%}–{upper:.1%}（Wilson 得分区间）" in reading
    assert "未达到 ±5% 误差所需样本量：居民" in reading  # the 2017 residents' sample is short


def test_interview_summaries_by_community_and_the_notes_are_written_without_personal_data(project):
    raw = loading.load_interviews(next(RAW.glob("电话访谈*.xlsx"))).data
    by_community = pd.read_parquet(project["processed"] / "interview_summary_community.parquet")
    assert by_community["n"].sum() == len(raw)
    assert set(by_community["community"]) == set(raw["community"])
    notes = pd.read_parquet(project["processed"] / "interview_notes.parquet")
    assert len(notes) == int(raw["note"].notna().sum())
    assert notes["person_key"].str.fullmatch(r"P-[0-9a-f]{10}").all()
    names = sorted(set(raw["name"].dropna()))
    for table in ("interview_summary_community", "interview_notes", "survey_rejects"):
        assert (
            privacy.find_personal_data(project["processed"] / f"{table}.parquet", names=names) == []
        ), table


def test_the_respondent_interval_is_wider_than_the_answer_level_wilson_interval(project, by_hand):
    overall = pd.read_parquet(project["processed"] / "survey_satisfaction_overall.parquet").iloc[0]
    coverage = pd.read_parquet(project["processed"] / "survey_coverage.parquet")
    assert int(overall["n_respondents"]) == int(coverage["achieved"].sum())
    assert int(overall["n_valid"]) == by_hand["valid"]["全部"]
    assert overall["n_respondents"] < overall["n_valid"]
    assert (
        overall["cluster_lower"] < overall["lower"] and overall["cluster_upper"] > overall["upper"]
    )
    assert overall["design_effect"] > 1
    assert overall["effective_n"] == pytest.approx(overall["n_valid"] / overall["design_effect"])
    for name in ("survey_satisfaction_group", "survey_satisfaction_community"):
        table = pd.read_parquet(project["processed"] / f"{name}.parquet")
        assert {"n_respondents", "design_effect", "cluster_lower", "cluster_upper"} <= set(table)
        assert (table["n_respondents"] <= table["n_valid"]).all(), name


def test_the_reading_and_the_metric_state_the_respondent_interval(project, written_metrics):
    overall = pd.read_parquet(project["processed"] / "survey_satisfaction_overall.parquet").iloc[0]
    interval = f"{overall['cluster_lower']:.1%}–{overall['cluster_upper']:.1%}"
    executed = nbformat.read(project["reports"] / NOTEBOOK.name, as_version=4)
    reading = next(
        o["data"]["text/markdown"]
        for c in executed.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "text/markdown" in o.get("data", {})
    )
    assert (
        f"{int(overall['n_respondents']):,} 名受访者的满意率 95% 置信区间为 **{interval}**"
        in reading
    )
    assert f"按受访者计算为 {interval}，以后者为准" in reading
    evidence = written_metrics["satisfaction_rate"]["evidence"]
    assert f"受访者 {int(overall['n_respondents'])} 人" in evidence
