"""`jixiao new` makes an engagement folder outside the repository, and `jixiao run` started in it
works on its data, never on the repository's reference engagement."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from jixiao import paths
from jixiao.engagement import create_engagement, resolve_engagement
from jixiao.errors import ParameterError


def _jixiao(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-X", "utf8", "-m", "jixiao.cli", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, encoding="utf-8")


def test_new_engagement_has_the_blank_year_and_refuses_a_folder_in_use(tmp_path):
    folder = tmp_path / "养老服务补助评价"
    create_engagement(folder, 2021)
    raw = folder / "data" / "raw" / "2021"
    assert (folder / "jixiao.toml").is_file() and (folder / "README.md").is_file()
    assert (raw / "project.toml").is_file() and (raw / "parameters.toml").is_file()
    assert (folder / "data" / "processed").is_dir() and (folder / "reports").is_dir()
    assert "project.toml" in (folder / "README.md").read_text(encoding="utf-8")
    with pytest.raises(ParameterError):
        create_engagement(folder, 2021)
    assert resolve_engagement(cwd=raw) == folder  # found from a subfolder, by its marker


def test_run_in_an_engagement_reads_its_own_raw_folder_and_writes_nothing_into_the_repo(tmp_path):
    folder = tmp_path / "工程"
    assert _jixiao("new", str(folder), "--year", "2031", cwd=tmp_path).returncode == 0
    repo_years = sorted(p.name for p in (paths.ROOT / "data" / "raw").iterdir())
    run = _jixiao("run", "--year", "2031", cwd=folder)
    # The blank templates are refused, naming the engagement's own files.
    assert run.returncode != 0
    assert str(folder / "data" / "raw" / "2031") in run.stdout + run.stderr
    assert (folder / "reports" / "2031.failed").is_dir()
    assert not (paths.ROOT / "reports" / "2031.failed").exists()
    assert not (paths.ROOT / "data" / "processed" / "2031.failed").exists()
    assert sorted(p.name for p in (paths.ROOT / "data" / "raw").iterdir()) == repo_years


# --------------------------------------------------------------------------- onboarding
ONBOARDING_PROFILE = """[project]
name = "示范县2031年农村公路养护补助资金"
commissioner = "示范县财政局"
evaluator = "某会计师事务所"
framework = "2020"

[[grant_types]]
name = "农村公路养护补助"
receipt_keywords = ["养护"]
allowed_accounts = ["720102"]
allowed_keywords = ["养护", "路面", "边沟"]
forbidden_keywords = ["招待"]

[[grant_types]]
name = "危桥改造补助"
receipt_keywords = ["危桥"]
allowed_accounts = ["720102"]
allowed_keywords = ["危桥", "桥梁"]

[accounts]
preset = "政府会计制度"
"""


def _append(path: Path, sheet: str, rows: list[list]) -> None:
    import openpyxl

    workbook = openpyxl.load_workbook(path)
    for row in rows:
        workbook[sheet].append(row)
    workbook.save(path)


def _dual(day, voucher, summary, fin, bud, amount, project, *, income=False):
    """One event of a 政府会计制度 unit: 财务会计 and 预算会计 lines (13 template columns)."""
    cash_fin, cash_bud = "1002", "8001"
    pairs = ((cash_fin, fin), (cash_bud, bud)) if income else ((fin, cash_fin), (bud, cash_bud))
    rows = []
    for debit_code, credit_code in pairs:
        aux_debit = None if income else project
        aux_credit = project if income else None
        rows.append([day, voucher, summary, debit_code, "科目", amount, 0, None, None, aux_debit])
        rows.append([day, voucher, summary, credit_code, "科目", 0, amount, None, None, aux_credit])
    return [r + [None, 1, "王某"] for r in rows]


def _fill_new_project(raw: Path, year: int) -> None:
    import datetime as dt

    d = dt.datetime
    _append(
        raw / f"资金下达明细_{year}.xlsx",
        "资金下达",
        [
            ["G-1", "示范县", "甲镇", "甲镇", "农村公路养护补助", "示财〔2031〕1号", d(year, 3, 1),
             200000, d(year, 3, 20), 200000, "甲镇公路管理站", None],
            ["G-2", "示范县", "乙乡", "乙乡", "危桥改造补助", "示财〔2031〕2号", d(year, 3, 1),
             100000, d(year, 4, 8), 100000, "乙乡公路管理站", None],
        ],
    )  # fmt: skip
    template = raw / "明细账_模板.xlsx"
    for unit, grant, amount, spent in (
        ("甲镇公路管理站", "农村公路养护补助", 200000, (62000.35, 88000.15)),
        ("乙乡公路管理站", "危桥改造补助", 100000, (41000.6, 33000.4)),
    ):
        ledger = raw / f"明细账_{unit}.xlsx"
        ledger.write_bytes(template.read_bytes())
        word = "养护" if "养护" in grant else "危桥"
        rows = _dual(d(year, 4, 9), "记-1", f"收到{word}补助资金", "4001.02", "6001.02", amount,
                     grant, income=True)  # fmt: skip
        rows += _dual(d(year, 4, 13), "记-2", "支付办公费", "5001.02", "7201.01", 1234.5, None)
        for k, fen in enumerate(spent, start=3):
            rows += _dual(d(year, 5, 10 + k), f"记-{k}", f"支付{word}工程款（{'路面' if word == '养护' else '桥梁'}）",
                          "5001.02", "7201.02", fen, grant)  # fmt: skip
        _append(ledger, "明细账", rows)
    template.unlink()
    _append(
        raw / f"产出完成情况_{year}.xlsx",
        "产出指标",
        [
            ["O-1", "养护里程", "数量", "公里", 120, 110, "是", "是", "养护台账", 200_000, 190_000],
            ["O-2", "危桥改造座数", "数量", "座", 2, 3, "是", "否", "验收报告", 100_000, 100_000],
        ],
    )
    answers = [["满意", "非常满意", "一般"], ["满意", "满意", "满意"], ["不满意", "满意", "满意"]]
    _append(
        raw / f"问卷调查_{year}.xlsx",
        "问卷数据",
        [
            [f"R-{k}", "居民", "甲镇", None, None, None, d(year + 1, 5, 6), *a]
            for k, a in enumerate(answers * 2, start=1)
        ],
    )
    _append(
        raw / f"问卷调查_{year}.xlsx",
        "题目",
        [["Q1", "路况满意度", "否", "居民"], ["Q2", "养护及时性", "否", "居民"],
         ["Q3", "总体满意度", "否", "居民"]],
    )  # fmt: skip
    _append(raw / f"问卷调查_{year}.xlsx", "抽样计划", [["居民", 30000, 6]])
    _append(
        raw / f"电话访谈记录_{year}.xlsx",
        "电话访谈",
        [["T-1", d(year + 1, 5, 8), "乙乡", "居民", None, None, "P1", "桥修好了吗", "是", None]],
    )
    _append(
        raw / f"评价组观察记录_{year}.xlsx",
        "观察记录",
        [["OBS-01", "养护台账不全", "部分路段无养护记录", "过程", "制度执行有效性", "甲镇公路管理站",
          "实地调研", "抽查台账", "低", "评价组", d(year + 1, 5, 9), "项目管理"]],
    )  # fmt: skip


def test_a_new_project_is_onboarded_from_the_templates_alone_and_runs(tmp_path):
    """jixiao new → fill project.toml (new grant types, 政府会计制度) → jixiao template --force →
    fill the blank workbooks → jixiao run: the 2020 framework's score with 预算执行率."""
    import json
    import os

    year = 2031
    folder = tmp_path / "公路养护评价"
    assert _jixiao("new", str(folder), "--year", str(year), cwd=tmp_path).returncode == 0
    raw = folder / "data" / "raw" / str(year)
    (raw / "project.toml").write_text(ONBOARDING_PROFILE, encoding="utf-8")
    again = _jixiao("template", "--year", str(year), "--force", cwd=folder)
    assert again.returncode == 0, again.stdout + again.stderr
    _fill_new_project(raw, year)

    env = {**os.environ, "JIXIAO_PRIVACY_SALT": "onboarding-test-salt-5f3a9c2e"}
    command = [sys.executable, "-X", "utf8", "-m", "jixiao.cli", "run", "--year", str(year)]
    run = subprocess.run(
        command, cwd=folder, capture_output=True, text=True, encoding="utf-8", env=env
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    score = json.loads((folder / "reports" / str(year) / "score.json").read_text(encoding="utf-8"))
    assert [d["dimension"] for d in score["dimensions"]] == ["决策", "过程", "产出", "效益"]
    metrics = {m["metric"]: m["value"] for i in score["indicators"] for m in i.get("metrics", [])}
    # budget side only: (62,000.35 + 88,000.15 + 41,000.60 + 33,000.40) / 300,000 — the 财务会计
    # 5001 lines and the basic 7201.01 office costs are not project spending
    assert metrics["budget_execution_rate"] == pytest.approx(224_001.50 / 300_000)
    assert metrics["output_completion_rate"] == pytest.approx((110 / 120 + 1) / 2)
    # 成本节约率 from the outputs' costs: (300,000 - 290,000) / 300,000, under plan: full marks
    assert metrics["cost_saving_rate"] == pytest.approx(10_000 / 300_000)
    assert score["grade"] in ("优", "良", "中", "差")
    assert not (paths.ROOT / "reports" / str(year)).exists()
