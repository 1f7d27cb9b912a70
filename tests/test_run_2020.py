"""The third case (2020, a county's public-health subsidy, 2020 framework, 政府会计制度 units and a
民非 operator) runs through `jixiao run` with no code change and gets the score its generator
worked out from what it planted — not a figure copied from a run."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from decimal import Decimal

import pandas as pd
import pytest

from jixiao import manifest, paths
from jixiao import run as runner

YEAR = 2020
GENERATOR = paths.SUITE_ROOT / "scripts" / "generate_case_2020.py"


def _generator():
    sys.path.insert(0, str(GENERATOR.parent))
    spec = importlib.util.spec_from_file_location("generate_case_2020", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def expected(tmp_path_factory):
    """The generator's expected figures, from a fresh generation that must equal the case files."""
    out = tmp_path_factory.mktemp("case2020")
    facts = _generator().generate(out)
    assert manifest.folder_hashes(out) == manifest.folder_hashes(paths.raw_dir(YEAR))
    return facts


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    before = manifest.folder_hashes(paths.raw_dir(YEAR))
    reports = tmp_path_factory.mktemp("reports")
    runner.run_year(YEAR, reports_root=reports, log=lambda *_: None)
    score = json.loads((reports / str(YEAR) / "score.json").read_text(encoding="utf-8"))
    return reports / str(YEAR), score, before


def test_2020_score_and_grade_equal_the_figures_worked_out_from_the_plan(run, expected):
    _, score, _ = run
    assert score["complete"] and score["year"] == YEAR
    assert Decimal(str(score["total"])) == expected["total"] == Decimal("85.50")
    assert score["grade"] == expected["grade"] == "良"
    by_code = {i["code"]: Decimal(str(i["score"])) for i in score["indicators"]}
    assert by_code == expected["scores"]


def test_2020_score_json_has_the_2020_dimensions_and_budget_execution(run, expected):
    _, score, _ = run
    dims = {d["dimension"]: Decimal(str(d["score"])) for d in score["dimensions"]}
    assert list(dims) == ["决策", "过程", "产出", "效益"]
    assert dims == expected["dimensions"]
    metrics = {m["metric"]: m["value"] for i in score["indicators"] for m in i.get("metrics", [])}
    for name, value in expected["metrics"].items():
        if name in metrics:
            assert metrics[name] == pytest.approx(float(value), abs=1e-12), name
    assert metrics["budget_execution_rate"] == pytest.approx(
        float(expected["metrics"]["budget_execution_rate"])
    )


def test_2020_execution_per_unit_and_findings_are_the_planted_ones(run, expected):
    table = pd.read_parquet(paths.processed_dir(YEAR) / "budget_execution.parquet")
    found = {
        r.community: (int(r.arrived_fen), int(r.spending_fen))
        for r in table.itertuples()
        if r.community != "合计"
    }
    assert found == expected["per_unit"]
    register = pd.read_parquet(paths.processed_dir(YEAR) / "findings.parquet")
    assert sorted(register["finding_id"]) == expected["findings"]


def test_2020_inputs_of_new_shapes_load_and_raw_stays_untouched(run):
    folder, _, before = run
    record = json.loads((paths.processed_dir(YEAR) / "manifest.json").read_text(encoding="utf-8"))
    assert {".txt", ".csv", ".xlsx"} <= {name[name.rfind(".") :] for name in record["inputs"]}
    assert all(c["rejected"] == 0 for c in record["counts"].values())
    assert manifest.folder_hashes(paths.raw_dir(YEAR)) == before
    for name in ("report.html", "report.docx", "workpapers.xlsx"):
        assert (folder / name).is_file()


def test_2020_report_names_its_places_as_the_profile_does_and_groups_problems_by_category(run):
    """The project's place column is 乡镇 (project.toml community_header): the report counts
    乡镇, heads the annexes' place columns with it and captions the per-place chart so."""
    import docx

    out, _, _ = run
    document = docx.Document(str(out / "report.docx"))
    texts = [p.text for p in document.paragraphs]
    body = "\n".join(texts)
    assert "共涉及7个乡镇" in body and "个社区" not in body
    assert any(t.startswith("图") and "各乡镇满意率" in t for t in texts)
    headers = [t.rows[0].cells[0].text for t in document.tables]
    assert "乡镇" in headers  # 附件4 资金到位与执行明细
    problems = [t for t in texts if re.match(r"\d+．\S+方面：", t)]
    assert [t.split("．")[1].split("方面")[0] for t in problems] == [
        "资金到位", "资金使用", "会计核算", "项目管理", "产出", "效益",
    ]  # fmt: skip
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "各乡镇满意率" in page and "各社区" not in page
