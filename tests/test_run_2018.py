"""The second year runs through the same command with no code change and gets its own score."""

import json

import pandas as pd
import pytest

from jixiao import manifest, paths, scoring

YEAR = 2018


@pytest.fixture(scope="module")
def run(run_2018, raw_hashes_2018):
    """The session's one run of 2018 (conftest.py): its output folder and the raw hashes before."""
    return run_2018[1], raw_hashes_2018


def test_2018_gets_its_own_score_from_its_own_evidence(run):
    score = json.loads((run[0] / "score.json").read_text(encoding="utf-8"))
    assert score["complete"] and score["year"] == YEAR
    system = scoring.load_indicator_system(paths.raw_dir(YEAR) / "指标体系_2018.xlsx")
    from jixiao import metrics

    recomputed = scoring.score(
        system,
        metrics.read_metrics(YEAR),
        pd.read_parquet(paths.processed_dir(YEAR) / "findings.parquet"),
    )
    assert float(recomputed.total) == score["total"] == 84.4
    assert score["grade"] == scoring.grade(recomputed.total) == "良"


def test_2018_problems_differ_from_2017(run):
    register = pd.read_parquet(paths.processed_dir(YEAR) / "findings.parquet")
    rules = set(register["rule"])
    assert {"SCP-01", "SCP-02", "SCP-03"} <= rules
    assert "ARR-01" not in rules  # no late money this year


def test_messy_2018_inputs_load_and_raw_stays_untouched(run):
    record = json.loads((paths.processed_dir(YEAR) / "manifest.json").read_text(encoding="utf-8"))
    assert any(name.endswith(".csv") for name in record["inputs"])
    assert all(c["rejected"] == 0 for c in record["counts"].values())
    assert manifest.folder_hashes(paths.raw_dir(YEAR)) == run[1]
    assert (run[0] / "report.html").is_file() and (run[0] / "workpapers.xlsx").is_file()


def test_2018_word_report_adds_up_to_84_4_with_no_code_in_the_body(run):
    import re

    import docx

    document = docx.Document(str(run[0] / "report.docx"))
    texts = [p.text for p in document.paragraphs]
    body = texts[: texts.index("附件")]
    assert "七、其他需要说明的问题" in body
    # The 2018 judgement reasons name findings (…（OBS-04）…): the body cites 附件2 instead.
    assert not [t for t in body if re.search(r"\b(?:ARR|SEP|EVD|GL|OBS|CMP|SCP)-\d", t)]
    rows = [[c.text for c in r.cells] for r in document.tables[0].rows[1:]]
    assert rows[-1][0] == "合计" and float(rows[-1][-1]) == 84.4
    assert sum(float(r[-1]) for r in rows[:-1]) == pytest.approx(84.4)
    assert any("重构的案例文件" in t for t in body)


def test_2018_score_json_has_the_total_interval_and_grade_probabilities(run):
    score = json.loads((run[0] / "score.json").read_text(encoding="utf-8"))
    low, high = score["total_interval"]
    assert low <= score["total"] <= high
    assert set(score["grade_probabilities"]) == {"优", "良", "中", "差"}
    assert sum(score["grade_probabilities"].values()) == pytest.approx(1)
