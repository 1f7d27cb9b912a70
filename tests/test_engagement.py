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
