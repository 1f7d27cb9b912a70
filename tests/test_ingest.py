"""The ingest step: a whole year's raw folder → processed parquet tables and a deterministic manifest."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil

import openpyxl
import pandas as pd
import pytest

from jixiao import ingest, manifest, paths, schema
from jixiao.errors import InputError, ParameterError

NAMES = ("赵一", "钱二", "李四")
PHONES = ("13800000001", "13800000002", "13900000000")
ID_NUMBER = "420802199001011237"


def write_xlsx(path, sheets: dict[str, list[list]]):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)


def headers(table: schema.Table) -> list[str]:
    return [c.header for c in table.columns]


def make_year(folder, *, interviews: bool = True, reconstructed: bool = True) -> None:
    """A tiny but complete raw folder: two grants, two units' ledgers (xlsx and GB18030 CSV), …

    Its people are made up, so by default its parameters.toml declares ``reconstructed_case``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if reconstructed:
        (folder / "parameters.toml").write_text("reconstructed_case = true\n", encoding="utf-8")
    write_xlsx(
        folder / "资金下达明细_2017.xlsx",
        {
            "资金下达": [
                ["2017年资金下达明细"],
                headers(schema.ALLOCATIONS),
                [
                    "G01",
                    "东宝区",
                    "泉口街道",
                    "浏河社区",
                    "公共服务站基础设施建设",
                    "文1",
                    dt.datetime(2017, 6, 1),
                    120000,
                    dt.datetime(2018, 5, 16),
                    120000,
                    "浏河社区居委会",
                    None,
                ],
                [
                    "G02",
                    "东宝区",
                    "泉口街道",
                    "沿河社区",
                    "三社联动试点",
                    "文2",
                    dt.datetime(2017, 6, 1),
                    "50,000.00",
                    dt.datetime(2017, 7, 3),
                    50000,
                    "沿河社区居委会",
                    None,
                ],
            ]
        },
    )
    write_xlsx(
        folder / "明细账_浏河社区.xlsx",
        {
            "明细账": [
                ["明细账"],
                ["核算单位：浏河社区居民委员会"],
                headers(schema.LEDGER),
                [None, None, "上年结转", None, None, None, None, "借", 0, None, None, None, None],
                [
                    dt.datetime(2018, 5, 16),
                    "收-1",
                    "收到服务站建设补助",
                    "1002",
                    "银行存款",
                    120000,
                    None,
                    "借",
                    120000,
                    "公共服务站基础设施建设",
                    "区财政局",
                    1,
                    "王会计",
                ],
                [
                    dt.datetime(2018, 5, 16),
                    "收-1",
                    "收到服务站建设补助",
                    "400102",
                    "项目支出",
                    None,
                    120000,
                    "贷",
                    120000,
                    "公共服务站基础设施建设",
                    "区财政局",
                    1,
                    "王会计",
                ],
                [
                    dt.datetime(2018, 5, 31),
                    None,
                    "本月合计",
                    None,
                    None,
                    120000,
                    120000,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                ],
            ]
        },
    )
    csv_rows = [
        ["明细账"],
        ["核算单位：沿河社区居民委员会"],
        headers(schema.LEDGER),
        [
            "2017-07-03",
            "记-1",
            "收到补助",
            "1002",
            "银行存款",
            "50,000.00",
            "",
            "借",
            "50,000.00",
            "",
            "区民政局",
            "1",
            "张会计",
        ],
        [
            "2017-07-03",
            "记-1",
            "收到补助",
            "400101",
            "基本支出",
            "",
            "50,000.00",
            "贷",
            "",
            "",
            "区民政局",
            "1",
            "张会计",
        ],
        ["2017-07-10", "记-2", "坏金额", "1002", "银行存款", "5,0.0", "", "借", "", "", "", "", ""],
    ]
    (folder / "明细账_沿河社区.csv").write_bytes(
        "".join(",".join(f'"{v}"' if "," in v else v for v in r) + "\r\n" for r in csv_rows).encode(
            "gb18030"
        )
    )
    write_xlsx(
        folder / "产出完成情况_2017.xlsx",
        {
            "产出指标": [
                headers(schema.OUTPUTS),
                ["P01", "建成服务站", "数量", "个", 10, 10, "是", "是", "验收报告"],
                ["P02", "持证社工", "数量", "人", 344, 344, "是", "是", "证书"],
            ]
        },
    )
    write_xlsx(
        folder / "问卷调查_2017.xlsx",
        {
            "问卷数据": [
                [*headers(schema.SURVEY), "Q1", "Q2"],
                [
                    "R001",
                    "居民",
                    "浏河社区",
                    NAMES[0],
                    PHONES[0],
                    ID_NUMBER,
                    dt.datetime(2019, 9, 2),
                    "满意",
                    5,
                ],
                [
                    "R002",
                    "社区工作者",
                    "沿河社区",
                    NAMES[1],
                    int(PHONES[1]),
                    None,
                    dt.datetime(2019, 9, 3),
                    "一般",
                    "非常满意",
                ],
            ],
            "题目": [
                headers(schema.SURVEY_ITEMS),
                ["Q1", "总体满意度", "否", "全部"],
                ["Q2", "社工服务满意度", "否", "全部"],
            ],
            "抽样计划": [
                headers(schema.SURVEY_PLAN),
                ["居民", 52000, 385],
                ["社区工作者", 260, 100],
                ["社会组织", 150, 60],
            ],
        },
    )
    if interviews:
        write_xlsx(
            folder / "电话访谈记录_2017.xlsx",
            {
                "电话访谈": [
                    headers(schema.INTERVIEWS),
                    [
                        "I01",
                        dt.datetime(2019, 9, 5),
                        "浏河社区",
                        "居民",
                        NAMES[2],
                        PHONES[2],
                        "T1",
                        "服务是否满意",
                        "满意",
                        f"{NAMES[2]}表示满意，回拨 {PHONES[2]}",
                    ],
                ]
            },
        )
    write_xlsx(
        folder / "评价组观察记录_2017.xlsx",
        {
            "观察记录": [
                headers(schema.OBSERVATIONS),
                [
                    "OBS-04",
                    "活动记录不完整",
                    "部分社区活动记录不完整",
                    "过程",
                    "制度执行有效性",
                    "浏河社区",
                    "实地调研",
                    None,
                    "中",
                    "评价组",
                    None,
                ],
            ]
        },
    )


@pytest.fixture
def raw_year(tmp_path):
    folder = tmp_path / "raw" / "2017"
    make_year(folder)
    return folder


def test_load_year_loads_every_kind_and_reconciles_row_counts(raw_year):
    results = ingest.load_year(2017, raw_year)
    assert list(results) == list(ingest.TABLE_ORDER)
    assert results["ledger"].counts == {"read": 7, "loaded": 4, "rejected": 1, "dropped": 2}
    assert results["ledger"].data["unit"].unique().tolist() == [
        "沿河社区居民委员会",
        "浏河社区居民委员会",
    ]
    assert results["allocations"].data["amount_fen"].sum() == 17_000_000
    assert results["survey"].data[["Q1", "Q2"]].values.tolist() == [
        ["满意", "5"],
        ["一般", "非常满意"],
    ]
    table = ingest.counts_table(results)
    assert table.columns.tolist() == [
        "数据表",
        "名称",
        "读取行数",
        "导入行数",
        "拒收行数",
        "剔除行数",
        "行数核对",
    ]
    assert set(table["行数核对"]) == {"一致"}


def test_write_processed_writes_every_table_and_a_manifest_with_hashes_and_counts(
    raw_year, tmp_path
):
    out = ingest.write_processed(
        2017, ingest.load_year(2017, raw_year), tmp_path / "processed", parameters={"year": 2017}
    )
    expected = {f"{k}.parquet" for k in ingest.TABLE_ORDER} | {
        "rejects.parquet",
        "dropped.parquet",
        "normalisations.parquet",
        "unit_check.parquet",
        "manifest.json",
    }
    assert {p.name for p in out.iterdir()} == expected
    record = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    csv_hash = hashlib.sha256((raw_year / "明细账_沿河社区.csv").read_bytes()).hexdigest()
    assert record["inputs"]["明细账_沿河社区.csv"] == csv_hash
    assert len(record["inputs"]) == 7
    assert record["counts"]["ledger"] == {"read": 7, "loaded": 4, "rejected": 1, "dropped": 2}
    assert record["parameters"] == {"year": 2017}
    assert set(record["environment"]["packages"]) == set(manifest.PACKAGES)
    assert record["environment"]["packages"]["pandas"] == pd.__version__
    ledger = pd.read_parquet(out / "ledger.parquet")
    assert str(ledger["debit_fen"].dtype) == "int64" and ledger["date"].dtype.kind == "M"
    rejects = pd.read_parquet(out / "rejects.parquet")
    assert rejects[["table", "file", "row", "column", "value"]].values.tolist() == [
        ["ledger", "明细账_沿河社区.csv", 6, "借方", "5,0.0"]
    ]
    dropped = pd.read_parquet(out / "dropped.parquet")
    assert dropped[["table", "row", "kind"]].values.tolist() == [
        ["ledger", 4, "期初/结转余额行"],
        ["ledger", 7, "合计行"],
    ]


def test_processed_questionnaire_and_interviews_carry_no_names_phones_or_id_numbers(
    raw_year, tmp_path
):
    from jixiao.privacy import find_personal_data

    out = ingest.write_processed(2017, ingest.load_year(2017, raw_year), tmp_path / "processed")
    for name in ("survey.parquet", "interviews.parquet", "rejects.parquet"):
        assert find_personal_data(out / name, names=NAMES) == [], name
    survey = pd.read_parquet(out / "survey.parquet")
    assert survey["name"].tolist() == ["赵**", "钱**"]
    assert survey["person_key"].str.startswith("P-").all()
    assert (
        pd.read_parquet(out / "interviews.parquet")["note"].iloc[0]
        == "李**表示满意，回拨 139****0000"
    )


def test_manifest_is_identical_when_the_same_inputs_are_ingested_twice(raw_year, tmp_path):
    first = ingest.write_processed(2017, ingest.load_year(2017, raw_year), tmp_path / "a")
    second = ingest.write_processed(2017, ingest.load_year(2017, raw_year), tmp_path / "b")
    assert (first / "manifest.json").read_bytes() == (second / "manifest.json").read_bytes()


def test_ingest_leaves_the_raw_files_untouched(raw_year, tmp_path):
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in raw_year.iterdir()}
    ingest.write_processed(2017, ingest.load_year(2017, raw_year), tmp_path / "processed")
    assert {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in raw_year.iterdir()
    } == before


def test_missing_required_kind_names_the_folder_and_the_file_pattern(raw_year):
    (raw_year / "资金下达明细_2017.xlsx").unlink()
    with pytest.raises(InputError) as err:
        ingest.load_year(2017, raw_year)
    assert "资金下达*.xlsx" in str(err.value) and str(raw_year) in str(err.value)


def test_missing_optional_interviews_load_as_an_empty_table(tmp_path):
    folder = tmp_path / "2017"
    make_year(folder, interviews=False)
    results = ingest.load_year(2017, folder)
    assert results["interviews"].counts["read"] == 0
    assert "interview_id" in results["interviews"].data.columns
    out = ingest.write_processed(2017, results, tmp_path / "processed")
    assert len(pd.read_parquet(out / "interviews.parquet")) == 0


def test_two_files_for_a_single_file_kind_are_refused_naming_both(raw_year):
    shutil.copy(raw_year / "产出完成情况_2017.xlsx", raw_year / "产出完成情况_2017_修订.xlsx")
    with pytest.raises(InputError, match="产出完成情况_2017.xlsx、产出完成情况_2017_修订.xlsx"):
        ingest.load_year(2017, raw_year)


def test_excel_lock_files_are_ignored(raw_year):
    (raw_year / "~$明细账_浏河社区.xlsx").write_bytes(b"lock")
    assert ingest.load_year(2017, raw_year)["ledger"].counts["read"] == 7


CASE = paths.raw_dir(2017)
CASE_READY = (
    all(
        any(CASE.glob(t.file_glob))
        for t in (schema.ALLOCATIONS, schema.LEDGER, schema.OUTPUTS, schema.SURVEY)
    )
    if CASE.is_dir()
    else False
)


@pytest.mark.skipif(not CASE_READY, reason="the 2017 case files are not generated yet")
def test_case_2017_ingests_with_the_published_grant_totals(ingested_2017):
    results, written = ingested_2017  # load_year(2017), then write_processed (conftest.py)
    allocations = results["allocations"].data
    assert len(allocations) == 28
    assert allocations.groupby("grant_type")["amount_fen"].sum().to_dict() == {
        "公共服务站基础设施建设": 110_000_000,
        "三社联动试点": 90_000_000,
    }
    assert results["allocations"].counts["rejected"] == 0
    assert results["ledger"].data["unit"].nunique() == 27
    assert results["ledger"].counts["rejected"] == 0
    assert results["survey_plan"].data["planned"].tolist() == [385, 100, 60]
    assert {f"{kind}.parquet" for kind in results} | {"manifest.json"} <= {
        p.name for p in written.iterdir()
    }


def test_run_record_hashes_every_raw_file_but_skips_excel_lock_files(raw_year):
    from jixiao import manifest

    (raw_year / "~$资金下达明细_2017.xlsx").write_bytes(b"lock")
    record = manifest.run_record(
        year=2017, raw_folder=raw_year, parameters={"sampling": {"seed": 1}}
    )
    assert sorted(record["inputs"]) == sorted(
        p.name for p in raw_year.iterdir() if not p.name.startswith("~$")
    )
    assert (
        record["inputs"]["产出完成情况_2017.xlsx"]
        == hashlib.sha256((raw_year / "产出完成情况_2017.xlsx").read_bytes()).hexdigest()
    )
    assert record["raw_folder"] == "2017" and record["parameters"] == {"sampling": {"seed": 1}}


def test_ingest_clears_tables_and_metrics_left_by_an_earlier_run(raw_year, tmp_path):
    folder = tmp_path / "processed"
    (folder / "metrics").mkdir(parents=True)
    (folder / "fieldwork_results.parquet").write_bytes(b"from an earlier run")
    (folder / "metrics" / "sampling.json").write_text("[]", encoding="utf-8")
    (folder / "notes.txt").write_text("the evaluator's own file", encoding="utf-8")
    ingest.write_processed(2017, ingest.load_year(2017, raw_year), folder)
    assert not (folder / "fieldwork_results.parquet").exists()
    assert not (folder / "metrics" / "sampling.json").exists()
    assert (folder / "notes.txt").exists()  # only derived tables and metrics are cleared


# --------------------------------------------------------------------------- the pseudonym salt


def test_real_data_without_a_secret_salt_is_refused_and_the_message_says_how_to_set_it(
    tmp_path, monkeypatch
):
    monkeypatch.delenv(ingest.SALT_ENVIRONMENT_VARIABLE, raising=False)
    folder = tmp_path / "raw" / "2017"
    make_year(folder, reconstructed=False)
    out = tmp_path / "processed"
    with pytest.raises(ParameterError) as err:
        ingest.write_processed(2017, ingest.load_year(2017, folder), out)
    message = str(err.value)
    assert "未设置隐私盐值 JIXIAO_PRIVACY_SALT" in message
    assert "export JIXIAO_PRIVACY_SALT=" in message and "$env:JIXIAO_PRIVACY_SALT" in message
    assert f"{folder / 'parameters.toml'} 中写 reconstructed_case = true" in message
    assert not out.exists()  # nothing was written with a guessable salt


def test_a_blank_salt_in_the_environment_counts_as_none(tmp_path, monkeypatch):
    monkeypatch.setenv(ingest.SALT_ENVIRONMENT_VARIABLE, "   ")
    folder = tmp_path / "raw" / "2017"
    make_year(folder, reconstructed=False)
    with pytest.raises(ParameterError, match="未设置隐私盐值"):
        ingest.write_processed(2017, ingest.load_year(2017, folder), tmp_path / "processed")


def test_reconstructed_case_may_use_the_public_salt(raw_year, tmp_path, monkeypatch):
    from jixiao import privacy

    monkeypatch.delenv(ingest.SALT_ENVIRONMENT_VARIABLE, raising=False)
    out = ingest.write_processed(2017, ingest.load_year(2017, raw_year), tmp_path / "processed")
    record = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert record["privacy"]["salt"] == "public (reconstructed_case)"
    survey = pd.read_parquet(out / "survey.parquet")
    expected = privacy.pseudonym_key(f"phone:{PHONES[0]}", salt="jixiao-2017")
    assert survey["person_key"].iloc[0] == expected
    assert "jixiao-2017" not in (out / "manifest.json").read_text(encoding="utf-8")


def test_secret_salt_from_the_environment_gives_other_keys_stable_across_runs(
    raw_year, tmp_path, monkeypatch
):
    monkeypatch.delenv(ingest.SALT_ENVIRONMENT_VARIABLE, raising=False)
    public = pd.read_parquet(
        ingest.write_processed(2017, ingest.load_year(2017, raw_year), tmp_path / "p")
        / "survey.parquet"
    )
    monkeypatch.setenv(ingest.SALT_ENVIRONMENT_VARIABLE, "a secret only the evaluators know")
    first = ingest.write_processed(2017, ingest.load_year(2017, raw_year), tmp_path / "a")
    second = ingest.write_processed(2017, ingest.load_year(2017, raw_year), tmp_path / "b")
    keys = pd.read_parquet(first / "survey.parquet")["person_key"]
    assert keys.tolist() == pd.read_parquet(second / "survey.parquet")["person_key"].tolist()
    assert set(keys).isdisjoint(set(public["person_key"]))
    record = (first / "manifest.json").read_text(encoding="utf-8")
    assert json.loads(record)["privacy"]["salt"] == "environment"
    assert "a secret only" not in record


def test_reconstructed_case_flag_must_be_true_or_false(raw_year, tmp_path, monkeypatch):
    monkeypatch.delenv(ingest.SALT_ENVIRONMENT_VARIABLE, raising=False)
    (raw_year / "parameters.toml").write_text('reconstructed_case = "yes"\n', encoding="utf-8")
    with pytest.raises(
        ParameterError, match=r"parameters.toml: reconstructed_case 应为 true 或 false"
    ):
        ingest.write_processed(2017, ingest.load_year(2017, raw_year), tmp_path / "processed")


def test_a_year_without_respondents_needs_no_salt(tmp_path, monkeypatch):
    monkeypatch.delenv(ingest.SALT_ENVIRONMENT_VARIABLE, raising=False)
    results = {
        "survey": ingest.empty_result(schema.SURVEY),
        "interviews": ingest.empty_result(schema.INTERVIEWS),
    }
    out = ingest.write_processed(2031, results, tmp_path / "processed")
    assert (
        json.loads((out / "manifest.json").read_text(encoding="utf-8"))["privacy"]["salt"]
        == "not needed (no respondents)"
    )


def test_new_year_templates_do_not_declare_the_case_reconstructed(tmp_path):
    from jixiao import case, year_templates

    year_templates.write_year_templates(2031, folder=tmp_path)
    assert (tmp_path / "parameters.toml").is_file()
    assert not case.declares_reconstructed_case(tmp_path)
    assert case.declares_reconstructed_case(paths.raw_dir(2017))
    assert case.declares_reconstructed_case(paths.raw_dir(2018))


def test_the_flag_is_read_by_ingest_and_never_passed_to_a_notebook_nor_taken_from_the_command_line():
    from jixiao import run as runner

    resolved = runner.resolve_parameters(2017)
    assert all("reconstructed_case" not in params for params in resolved.values())
    with pytest.raises(ParameterError, match="reconstructed_case 描述案例数据本身，只能写在"):
        runner.resolve_parameters(2017, {"reconstructed_case": True})


# --------------------------------------------------------------------------- dropped and rejected text


def test_dropped_rows_of_the_questionnaire_keep_no_name_phone_or_id_number(raw_year, tmp_path):
    from jixiao.privacy import find_personal_data

    book = openpyxl.load_workbook(raw_year / "问卷调查_2017.xlsx")
    # A 合计 row that someone typed a respondent's details into, and one with a grouped phone.
    book["问卷数据"].append(
        ["合计", "居民", "浏河社区", NAMES[0], PHONES[0], ID_NUMBER, None, None, None]
    )
    book["问卷数据"].append(["小计", None, None, None, "139-0000-0000", None, None, None, None])
    book.save(raw_year / "问卷调查_2017.xlsx")
    results = ingest.load_year(2017, raw_year)
    assert results["survey"].counts["dropped"] == 2
    assert (
        PHONES[0] in results["survey"].dropped["text"].iloc[0]
    )  # the loader keeps the row as typed
    out = ingest.write_processed(2017, results, tmp_path / "processed")
    dropped = pd.read_parquet(out / "dropped.parquet")
    survey_rows = dropped[dropped["table"] == "survey"]
    assert survey_rows["text"].tolist() == [
        "合计 居民 浏河社区 赵** 138****0001 420802********1237",
        "小计 139****0000",
    ]
    assert find_personal_data(out / "dropped.parquet", names=NAMES) == []
    ledger_rows = dropped[dropped["table"] == "ledger"]
    assert (
        ledger_rows["text"].tolist() == results["ledger"].dropped["text"].tolist()
    )  # other tables untouched


def test_of_several_broken_kinds_the_first_in_the_kinds_order_is_reported(raw_year):
    # Kinds load side by side (the ledgers first, for speed), but the error is the one loading
    # them one after another reports: the allocations come before the ledgers.
    allocations = next(raw_year.glob("资金下达*"))
    allocations.write_text("not a workbook", encoding="utf-8")
    ledger = sorted(raw_year.glob("明细账*.xlsx"))[0]
    ledger.write_text("not a workbook either", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        ingest.load_year(2017, raw_year)
    assert allocations.name in str(raised.value)
    assert ledger.name not in str(raised.value)
