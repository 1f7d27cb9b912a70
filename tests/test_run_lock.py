"""Two runs of one year never destroy each other's outputs: a per-year lock, unique staging
folders, stale locks taken over, a killed run's leftovers put right; a GBK console never crashes."""

import json
import os
import socket
import subprocess
import sys
import threading
import time

import pytest

from conftest import write_notebook
from jixiao import run as runner
from jixiao.errors import ParameterError
from jixiao.run.staging import RunLocked, YearStaging


@pytest.fixture(autouse=True)
def toy_folders(toy_project):
    return toy_project


@pytest.fixture
def slow_notebooks(tmp_path):
    """One notebook that writes a table and waits until the test lets it finish."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    gate = tmp_path / "gate"
    notebook = write_notebook(
        folder / "01_slow.ipynb",
        f"year = 2017\noutput_dir = None\nprocessed_root = None\ngate = {str(gate)!r}",
        "import time, pandas as pd\nfrom pathlib import Path\nfrom jixiao import paths, processed\n"
        "paths.use_processed_root(processed_root)\n"
        "processed.write_table(year, 'findings', pd.DataFrame({'n': [1, 2, 3]}))\n"
        "deadline = time.time() + 60\n"
        "while not Path(gate).exists() and time.time() < deadline:\n    time.sleep(0.05)",
    )
    return [notebook], gate


def _run(notebooks, tmp_path, log=lambda *_: None):
    return runner.run_year(
        2017,
        {},
        notebooks=notebooks,
        reports_root=tmp_path / "reports",
        processed_root=tmp_path / "processed",
        log=log,
    )


def test_a_second_run_of_the_same_year_refuses_at_once_naming_the_run_that_holds_the_lock(
    slow_notebooks, tmp_path
):
    notebooks, gate = slow_notebooks
    outcome = {}
    first = threading.Thread(target=lambda: outcome.update(result=_run(notebooks, tmp_path)))
    first.start()
    lock = tmp_path / "reports" / ".2017.lock"
    deadline = time.time() + 30
    while not lock.exists() and time.time() < deadline:
        time.sleep(0.05)
    started = time.perf_counter()
    with pytest.raises(RunLocked) as refused:
        _run(notebooks, tmp_path)
    assert time.perf_counter() - started < 5  # at once, not after the first run
    message = str(refused.value)
    assert (
        f"进程 {os.getpid()}" in message and socket.gethostname() in message and "起运行" in message
    )
    gate.write_text("go", encoding="utf-8")
    first.join(120)
    assert "result" in outcome  # the first run completed untouched by the second
    final = tmp_path / "processed" / "2017"
    assert (final / "findings.parquet").is_file()
    manifest = json.loads(
        (tmp_path / "reports" / "2017" / "manifest.json").read_text(encoding="utf-8")
    )
    assert "01_slow.ipynb" in manifest["outputs"]
    assert not lock.exists()
    assert sorted(p.name for p in (tmp_path / "processed").iterdir()) == ["2017"]


def test_a_stale_lock_from_a_killed_run_is_reported_and_taken_over(slow_notebooks, tmp_path):
    notebooks, gate = slow_notebooks
    gate.write_text("go", encoding="utf-8")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock = tmp_path / "reports" / ".2017.lock"
    lock.parent.mkdir(parents=True)
    holder = {
        "pid": dead.pid,
        "host": socket.gethostname(),
        "started": "2026-01-01T08:00:00",
        "started_at": time.time() - 60,
        "token": "dead",
    }
    lock.write_text(json.dumps(holder), encoding="utf-8")
    said = []
    _run(notebooks, tmp_path, log=said.append)
    assert any("接管" in line and str(dead.pid) in line for line in said)
    assert (tmp_path / "reports" / "2017" / "manifest.json").is_file() and not lock.exists()


def test_a_run_killed_between_its_two_renames_gets_its_last_good_outputs_back(tmp_path):
    processed = tmp_path / "processed"
    backup = processed / ".2017.previous-999-dead"
    backup.mkdir(parents=True)
    (backup / "findings.parquet").write_bytes(b"last good")
    (processed / ".2017.running-999-dead" / "2017").mkdir(parents=True)
    with YearStaging(2017, tmp_path / "reports", processed, log=lambda *_: None) as staging:
        assert (processed / "2017" / "findings.parquet").read_bytes() == b"last good"
        assert (staging.staged / "findings.parquet").read_bytes() == b"last good"
        assert not backup.exists() and not (processed / ".2017.running-999-dead").exists()
    assert (processed / "2017" / "findings.parquet").read_bytes() == b"last good"  # not committed


def test_staging_folders_are_unique_per_run(tmp_path):
    one = YearStaging(2017, tmp_path / "r", tmp_path / "p")
    two = YearStaging(2017, tmp_path / "r", tmp_path / "p")
    assert one.work_dir != two.work_dir and one.staging_root != two.staging_root


def test_a_number_given_for_a_path_parameter_is_a_parameter_error_before_any_notebook():
    with pytest.raises(ParameterError, match="raw_folder"):
        runner.resolve_parameters(2017, {"raw_folder": 2017})


def test_progress_on_a_gbk_console_falls_back_to_plain_characters():
    code = "from jixiao.run import console_print; console_print('  ✓ 01_ingest 完成 ▶')"
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, check=False)
    assert done.returncode == 0, done.stderr.decode("gbk", errors="replace")
    assert "01_ingest 完成" in done.stdout.decode("gbk")


def test_a_run_killed_with_sigkill_leaves_no_kernel_running(tmp_path):
    """The runner has no helper process of its own; its notebook kernel notices the runner's
    death (ipykernel polls its parent) and exits, so nothing is left holding files open."""
    signal = pytest.importorskip("signal")
    if not hasattr(signal, "SIGKILL"):
        pytest.skip("SIGKILL is POSIX-only")
    folder = tmp_path / "notebooks"
    folder.mkdir()
    started = tmp_path / "kernel.pid"
    write_notebook(
        folder / "01_wait.ipynb",
        f"year = 2017\noutput_dir = None\nprocessed_root = None\nmarker = {str(started)!r}",
        "import os, time\nfrom pathlib import Path\n"
        "Path(marker).write_text(str(os.getpid()), encoding='utf-8')\n"
        "time.sleep(120)",
    )
    script = (
        "import sys\nfrom pathlib import Path\nfrom jixiao import paths, run as runner\n"
        f"root = Path({str(tmp_path)!r})\n"
        "(root / 'raw' / '2017').mkdir(parents=True, exist_ok=True)\n"
        "paths.RAW_DIR = root / 'raw'\npaths.PROCESSED_DIR = root / 'processed'\n"
        "runner.run_year(2017, {}, notebooks=[root / 'notebooks' / '01_wait.ipynb'],\n"
        "    reports_root=root / 'reports', processed_root=root / 'processed')\n"
    )
    run = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.time() + 90
    while not started.exists() and time.time() < deadline and run.poll() is None:
        time.sleep(0.1)
    assert started.exists(), "the notebook kernel never started"
    kernel = int(started.read_text(encoding="utf-8"))
    run.send_signal(signal.SIGKILL)
    run.wait(10)

    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        status = f"/proc/{pid}/status"
        if os.path.exists(status):  # a zombie is gone, only not yet reaped by init
            with open(status, encoding="utf-8") as fh:
                return "State:\tZ" not in fh.read()
        return True

    deadline = time.time() + 30
    while alive(kernel) and time.time() < deadline:
        time.sleep(0.2)
    assert not alive(kernel), f"kernel {kernel} outlived the killed run"
