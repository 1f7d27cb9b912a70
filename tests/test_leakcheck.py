"""The run scans everything it wrote before the swap into place: a phone, ID number or
respondent's name in clear fails the run naming file and place; last good outputs stay."""

import base64
import json
import zipfile

import pandas as pd
import pytest

from conftest import write_notebook
from jixiao import run as runner
from jixiao.run.leakcheck import PersonalDataLeak, check_outputs


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
