"""The run scans everything it wrote before the swap into place: a phone, ID number or
respondent's name in clear fails the run naming file and place; last good outputs stay."""

import base64
import json
import os
import zipfile

import pandas as pd
import pytest

from conftest import write_notebook
from jixiao import concurrency
from jixiao import run as runner
from jixiao.run.early_scan import EarlyScan
from jixiao.run.leakcheck import PersonalDataLeak, check_outputs, output_files


@pytest.fixture(autouse=True)
def toy_folders(toy_project):
    return toy_project


def _notebook(path, text, image=b""):
    output = {"output_type": "display_data", "metadata": {}, "data": {"text/plain": text}}
    if image:
        output["data"]["image/png"] = base64.b64encode(image).decode()
    cell = {
        "cell_type": "code",
        "metadata": {},
        "source": "",
        "outputs": [output],
        "execution_count": 1,
    }
    path.write_text(
        json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}),
        encoding="utf-8",
    )


def test_every_kind_of_output_is_scanned_and_each_hit_named(tmp_path):
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "问题清单.csv").write_text(
        "问题描述\n联系人 13912345678\n", encoding="utf-8-sig"
    )
    pd.DataFrame({"summary": ["支付王小明劳务费"]}).to_parquet(tmp_path / "ledger.parquet")
    _notebook(tmp_path / "04_survey.ipynb", "受访者 身份证420802199001011234")
    with zipfile.ZipFile(tmp_path / "report.docx", "w") as docx:
        docx.writestr("word/document.xml", "<w:t>电话 138-1234-5678</w:t>")
    with pytest.raises(PersonalDataLeak) as leak:
        check_outputs([tmp_path], ["王小明"])
    message = str(leak.value)
    assert "csv/问题清单.csv" in message and "139****5678" in message
    assert "ledger.parquet" in message and "summary" in message and "王**" in message
    assert "04_survey.ipynb" in message and "420802********1234" in message
    assert "report.docx" in message and "138****5678" in message
    assert "13912345678" not in message and "王小明" not in message  # the report repeats no leak


def test_masked_values_and_embedded_images_are_not_hits(tmp_path):
    (tmp_path / "a.csv").write_text("电话\n139****5678\n420802********1234\n", encoding="utf-8")
    _notebook(tmp_path / "nb.ipynb", "图表", image=b"13912345678" * 50)
    check_outputs([tmp_path], ["王小明"])


def test_a_run_whose_output_leaks_fails_and_keeps_the_last_good_outputs(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    leaking = write_notebook(
        folder / "01_leak.ipynb",
        "year = 2017\noutput_dir = None\nprocessed_root = None\nleak = False",
        "from pathlib import Path\n"
        "text = '联系人 139' + '12345678' if leak else '无'\n"
        "Path(output_dir, 'note.csv').write_text(text, encoding='utf-8')",
    )
    kwargs = dict(
        notebooks=[leaking],
        reports_root=tmp_path / "reports",
        processed_root=tmp_path / "processed",
        log=lambda *_: None,
    )
    runner.run_year(2017, {}, **kwargs)
    good = (tmp_path / "reports" / "2017" / "note.csv").read_text(encoding="utf-8")
    with pytest.raises(PersonalDataLeak, match="note.csv"):
        runner.run_year(2017, {"leak": True}, **kwargs)
    assert (tmp_path / "reports" / "2017" / "note.csv").read_text(encoding="utf-8") == good
    assert not (tmp_path / "reports" / ".2017.lock").exists()


def test_digit_runs_inside_hashes_are_not_phone_numbers(tmp_path):
    sha = "ab" + "15212347038" + "cd" * 25
    (tmp_path / "manifest.json").write_text(f'{{"sha256": "{sha}"}}', encoding="utf-8")
    check_outputs([tmp_path], [])


def _early_scan_verdict(folder, names, monkeypatch, threads, between=None):
    """EarlyScan's verdict (None or the leak message), with a notebook finishing before and
    ``between`` run after the background scan of what was there."""
    monkeypatch.setenv(concurrency.THREADS_VARIABLE, threads)
    with EarlyScan([folder], lambda: names) as scan:
        scan.notebook_finished()
        if between is not None:
            for pending in scan._pending:
                pending.result()  # the background scan has read the first version
            between()
        try:
            scan.check()
        except PersonalDataLeak as leak:
            return str(leak)
    return None


@pytest.mark.parametrize("threads", ["1", "2"])
def test_scanning_while_notebooks_run_gives_the_verdict_of_one_scan_at_the_end(
    tmp_path, monkeypatch, threads
):
    (tmp_path / "a.csv").write_text("电话\n13912345678\n", encoding="utf-8")
    pd.DataFrame({"summary": ["支付王小明劳务费", "办公用品"]}).to_parquet(tmp_path / "b.parquet")
    (tmp_path / "c.csv").write_text("无\n", encoding="utf-8")
    with pytest.raises(PersonalDataLeak) as once:
        check_outputs([tmp_path], ["王小明"])
    assert _early_scan_verdict(tmp_path, ["王小明"], monkeypatch, threads) == str(once.value)


def test_a_file_rewritten_after_the_early_scan_is_scanned_again(tmp_path, monkeypatch):
    clean, leaking = "电话 139****5678 已脱敏\n", "电话 13912345678 未脱敏\n"
    assert len(clean.encode()) == len(leaking.encode())  # same size: only the bytes tell
    note = tmp_path / "note.csv"
    note.write_text(clean, encoding="utf-8")
    stamp = note.stat().st_mtime_ns

    def rewrite():
        note.write_text(leaking, encoding="utf-8")
        os.utime(note, ns=(stamp, stamp))  # same size, same time: only the bytes differ

    verdict = _early_scan_verdict(tmp_path, [], monkeypatch, "2", between=rewrite)
    assert verdict is not None and "note.csv" in verdict and "139****5678" in verdict


def test_names_unreadable_in_the_background_are_asked_for_again_at_the_check(tmp_path, monkeypatch):
    (tmp_path / "a.csv").write_text("受访者王小明\n", encoding="utf-8")
    calls = []

    def names():
        calls.append(1)
        if len(calls) == 1:
            raise OSError("问卷文件正被占用")
        return ["王小明"]

    monkeypatch.setenv(concurrency.THREADS_VARIABLE, "2")
    with EarlyScan([tmp_path], names) as scan:
        scan.notebook_finished()
        with pytest.raises(PersonalDataLeak, match="王\\*\\*"):
            scan.check()
    assert len(calls) == 2


def test_a_later_notebook_that_rewrites_a_scanned_file_with_a_leak_fails_the_run(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    params = "year = 2017\noutput_dir = None\nprocessed_root = None"
    first = write_notebook(
        folder / "01_clean.ipynb",
        params,
        "from pathlib import Path\nPath(output_dir, 'note.csv').write_text('无', encoding='utf-8')",
    )
    second = write_notebook(
        folder / "02_leak.ipynb",
        params,
        "import time\nfrom pathlib import Path\ntime.sleep(1)\n"  # the early scan has read 01's
        "Path(output_dir, 'note.csv').write_text('联系人 139' + '12345678', encoding='utf-8')",
    )
    with pytest.raises(PersonalDataLeak, match="note.csv"):
        runner.run_year(
            2017,
            {},
            notebooks=[first, second],
            reports_root=tmp_path / "reports",
            processed_root=tmp_path / "processed",
            log=lambda *_: None,
        )
    assert not (tmp_path / "reports" / "2017").exists()


def test_files_scanned_side_by_side_give_the_hits_of_one_thread_in_file_order(
    tmp_path, monkeypatch
):
    from jixiao import concurrency

    for k, size in enumerate([3, 2000, 40, 500, 1]):
        lines = ["无关内容 12.50"] * size + [f"联系人 1391234{k:04d}", f"支付王小明劳务费{k}"]
        pd.DataFrame({"摘要": lines}).to_parquet(tmp_path / f"t{k}.parquet")
        (tmp_path / f"t{k}.csv").write_text("\n".join(lines[::-1]), encoding="utf-8")
    messages = []
    for threads in ("1", "2", "3"):
        monkeypatch.setenv(concurrency.THREADS_VARIABLE, threads)
        with pytest.raises(PersonalDataLeak) as leak:
            check_outputs([tmp_path], ["王小明"])
        messages.append(str(leak.value))
    assert messages[0] == messages[1] == messages[2]
    places = [line.split("：")[0].strip() for line in messages[0].splitlines()[1:]]
    assert places == sorted(places) and len(places) == 20


def test_a_folder_unlistable_in_the_background_is_scanned_at_the_check(tmp_path, monkeypatch):
    from jixiao.run import early_scan

    (tmp_path / "a.csv").write_text("电话\n13912345678\n", encoding="utf-8")
    listed = []

    def flaky(folders):
        listed.append(1)
        if len(listed) == 1:
            raise FileNotFoundError("文件夹正在变动")
        return output_files(folders)

    monkeypatch.setattr(early_scan, "output_files", flaky)
    monkeypatch.setenv(concurrency.THREADS_VARIABLE, "2")
    with EarlyScan([tmp_path], lambda: []) as scan:
        scan.notebook_finished()
        with pytest.raises(PersonalDataLeak, match="a.csv"):
            scan.check()
    assert len(listed) == 2
