"""Phones, ID numbers and respondents' names in any free-text column of any raw kind are masked
at ingest (ledger 摘要, 收款单位, observations), recorded, and never reach data/processed."""

import shutil

import openpyxl
import pandas as pd
import pytest

from jixiao import ingest, paths
from jixiao.errors import ParameterError
from jixiao.scrub import SCRUB_ACTION, scrub_series


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("支付张三劳务费 身份证420802199001011234", "支付李**劳务费 身份证420802********1234"),
        ("联系人电话13812345678", "联系人电话138****5678"),
        ("电话 138 1234 5678", "电话 138****5678"),
        ("电话138-1234-5678", "电话138****5678"),
        ("电话138.1234.5678", "电话138****5678"),
        ("电话１３８１２３４５６７８", "电话138****5678"),
        ("旧身份证420802900101123", "旧身份证420802*****1123"),
        ("身份证42080219900101123x", "身份证420802********123x"),
    ],
)
def test_numbers_in_free_text_are_masked_in_any_writing(text, masked):
    names = {"张三": "李**"}  # any mask: the point is that the raw name goes
    assert scrub_series(pd.Series([text]), names).iloc[0] == masked


@pytest.mark.parametrize(
    "text",
    [
        "银行账号 6222021234567890123456",  # a 22-digit account is no phone or ID
        "记-0012 号凭证，金额 13,812.00 元",
        "科目 500102 项目支出",
        "１２月办公用品",  # full-width text without a number to mask stays as loaded
    ],
)
def test_text_without_personal_numbers_is_left_exactly_as_loaded(text):
    assert scrub_series(pd.Series([text]), {}).iloc[0] == text


def _hostile_copy(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(paths.raw_dir(2017), raw)
    ledger = raw / "明细账_中天社区.xlsx"
    book = openpyxl.load_workbook(ledger)
    sheet = book["明细账"]
    header_row = next(r for r in range(1, 10) if "摘要" in [c.value for c in sheet[r]])
    column = [c.value for c in sheet[header_row]].index("摘要") + 1
    sheet.cell(
        header_row + 8, column
    ).value = "支付劳务费 身份证420802199001011234 电话139-1234-5678"
    book.save(ledger)
    observations = raw / "评价组观察记录_2017.xlsx"
    book = openpyxl.load_workbook(observations)
    sheet = book.worksheets[0]
    header_row = next(r for r in range(1, 10) if "问题描述" in [c.value for c in sheet[r]])
    column = [c.value for c in sheet[header_row]].index("问题描述") + 1
    sheet.cell(header_row + 1, column).value = "社区联系人手机 13912345678，见座谈记录"
    book.save(observations)
    return raw


def test_ingest_writes_no_raw_phone_or_id_from_a_ledger_summary_or_an_observation(tmp_path):
    raw = _hostile_copy(tmp_path)
    out = tmp_path / "processed"
    ingest.write_processed(2017, ingest.load_year(2017, raw_folder=raw), out_folder=out)
    text = []
    for file in out.glob("*.parquet"):
        frame = pd.read_parquet(file)
        for column in frame.columns:
            if not pd.api.types.is_numeric_dtype(frame[column]):
                text.extend(frame[column].dropna().astype(str).tolist())
    joined = "\n".join(text)
    for raw_value in ("420802199001011234", "139-1234-5678", "13912345678"):
        assert raw_value not in joined
    assert "420802********1234" in joined and "139****5678" in joined
    notes = pd.read_parquet(out / "normalisations.parquet")
    scrubbed = notes[notes["action"] == SCRUB_ACTION]
    counts = scrubbed.groupby(["table", "column"])["count"].sum().to_dict()
    assert counts[("ledger", "摘要")] == 1 and counts[("observations", "问题描述")] == 1


@pytest.mark.parametrize("salt", ["short", "jixiao-2017", " jixiao-2024 "])
def test_weak_salts_are_refused(monkeypatch, salt):
    monkeypatch.setenv(ingest.SALT_ENVIRONMENT_VARIABLE, salt)
    with pytest.raises(ParameterError, match="太弱"):
        ingest.privacy_salt(2017)


def test_a_long_random_salt_is_accepted(monkeypatch):
    monkeypatch.setenv(ingest.SALT_ENVIRONMENT_VARIABLE, "0f3c9a7e5b2d4c6a8e1f0b3d5c7a9e2f")
    assert ingest.privacy_salt(2017)[1] == ingest.SALT_FROM_ENVIRONMENT


def test_a_repeating_column_is_scrubbed_once_per_distinct_text_with_the_same_result():
    from jixiao import schema
    from jixiao.scrub import scrub_table

    names = {"王小明": "王**", "李娜娜": "李**"}
    texts = [
        "支付王小明劳务费",
        "购买办公用品",
        None,
        "电话 139-1234-5678",
        "购买办公用品",
        "李娜娜",
    ]
    n = 60_000  # past the sample that decides whether a column repeats
    ledger = pd.DataFrame(
        {
            "summary": pd.Series([texts[i % len(texts)] for i in range(n)], dtype="str"),
            "counterparty": pd.Series([f"单位{i}" for i in range(n)], dtype="str"),  # no repeats
            "source_file": pd.Series(["明细账_甲.csv", "明细账_乙.xlsx"] * (n // 2), dtype="str"),
            "source_sheet": pd.Series([""] * n, dtype="str"),
        }
    )
    ledger.loc[7, "counterparty"] = "王小明"
    out, notes = scrub_table(schema.LEDGER, ledger, names)
    for column in ("summary", "counterparty"):
        cell_by_cell = [
            scrub_series(pd.Series([v], dtype="string"), names).fillna("").iloc[0]
            for v in ledger[column].iloc[:12]
        ]
        assert out[column].iloc[:12].fillna("").tolist() == cell_by_cell
    assert out.loc[0, "summary"] == "支付王**劳务费" and out.loc[3, "summary"] == "电话 139****5678"
    assert out.loc[7, "counterparty"] == "王**" and out["summary"].dtype == ledger["summary"].dtype
    counts = notes.set_index(["column", "file"])["count"].to_dict()
    assert counts == {
        ("摘要", "明细账_甲.csv"): n // 6,  # rows 0, 3, 5 of every six: row 0 is 甲's, 3 and 5 乙's
        ("摘要", "明细账_乙.xlsx"): 2 * n // 6,
        ("往来单位", "明细账_乙.xlsx"): 1,
    }
