"""数据核查确认表: the per-file figures agree with a plain file-by-file computation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jixiao import schema
from jixiao.verification import verification_table


def _ledger() -> pd.DataFrame:
    files = ["a.csv"] * 4 + ["b.xlsx"] * 3 + ["c.csv"] * 2 + [None]
    return pd.DataFrame(
        {
            "date": pd.to_datetime(
                [
                    "2017-03-02",
                    "2017-01-05",
                    None,
                    "2017-12-31",
                    "2017-06-01",
                    "2017-06-01",
                    "2017-02-28",
                    None,
                    None,
                    "2016-01-01",
                ]
            ),
            "voucher": ["记-1", " ", "记-3", None, "记-1", "记-2", "记-3", "", "记-9", "记-0"],
            "account_code": ["5001", "5001", "1002", None, "5001", "2201", "2201", "1", "1", "9"],
            "debit_fen": pd.array([101, 0, 250_001, None, 5, 7, 0, 3, 4, 1000], dtype="Int64"),
            "credit_fen": pd.array([0, 99, 0, 1, 0, 0, 12_345, 0, 0, 0], dtype="Int64"),
            "unit": ["甲", "甲", "乙", None, "丙", "丙", "丙", "丁", "丁", "戊"],
            "source_file": files,
        }
    )


def _allocations() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "grant_id": ["G1", "G2", "G3"],
            "community": ["甲", "乙", ""],
            "issued_date": pd.to_datetime(["2017-04-01", "2017-05-01", "2017-05-02"]),
            "amount_fen": pd.array([5_000_000, 1, 2], dtype="int64"),
            "source_file": ["资金.xlsx", "资金.xlsx", "资金2.xlsx"],
        }
    )


def _side(rows: list[tuple[str, str]], extra: dict) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["table", "file"])
    for name, value in extra.items():
        frame[name] = value
    return frame


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    _ledger().to_parquet(tmp_path / "ledger.parquet")
    _allocations().to_parquet(tmp_path / "allocations.parquet")
    rejects = [("ledger", "a.csv"), ("ledger", "d.csv"), ("ledger", "d.csv"), ("survey", "x.csv")]
    _side(rejects, {"sheet": "", "row": 1, "column": "", "value": "", "reason": ""}).to_parquet(
        tmp_path / "rejects.parquet"
    )
    dropped = [("ledger", "b.xlsx"), ("allocations", "资金3.xlsx")]
    _side(dropped, {"sheet": "", "row": 1, "kind": "", "text": ""}).to_parquet(
        tmp_path / "dropped.parquet"
    )
    return tmp_path


def _plain(folder: Path) -> list[dict]:
    """The statement computed file by file with boolean masks, the obvious way."""
    rejects = pd.read_parquet(folder / "rejects.parquet")
    dropped = pd.read_parquet(folder / "dropped.parquet")
    out = []
    for kind in ("allocations", "ledger"):
        table = schema.RAW_TABLES[kind]
        data = pd.read_parquet(folder / f"{kind}.parquet")
        side = {
            name: frame.loc[frame["table"] == kind, "file"].tolist()
            for name, frame in (("rejected", rejects), ("dropped", dropped))
        }
        files = sorted(set(data["source_file"].dropna()) | set(side["rejected"] + side["dropped"]))
        for file in files:
            rows = data[data["source_file"] == file]
            row = {"table": table.title, "file": file, "loaded": len(rows)}
            row["rejected"] = side["rejected"].count(file)
            row["dropped"] = side["dropped"].count(file)
            dates = rows[[c.name for c in table.columns if c.type == "date"][0]].dropna()
            if len(dates):
                row["first_date"] = str(dates.min().date())
                row["last_date"] = str(dates.max().date())
            for money in ("debit_fen", "credit_fen", "amount_fen"):
                if money in data.columns:
                    row[money] = sum(int(v) for v in rows[money].dropna()) / 100
            unit = "unit" if kind == "ledger" else "community"
            row["units"] = len(set(rows[unit].dropna()))
            if "account_code" in data.columns:
                row["accounts"] = len(set(rows["account_code"].dropna()))
            blanks = []
            for column in table.columns:
                if column.required and column.name in rows.columns:
                    n = sum(
                        v is None or pd.isna(v) or not str(v).strip() for v in rows[column.name]
                    )
                    if n:
                        blanks.append(f"{column.header}{n}处")
            row["blanks"] = "；".join(blanks) or "无"
            out.append(row)
    return out


def test_statement_matches_a_file_by_file_computation(folder: Path) -> None:
    table = verification_table(folder)
    expected = _plain(folder)
    assert table["file"].tolist() == [row["file"] for row in expected]
    for got, want in zip(table.to_dict("records"), expected, strict=True):
        assert got["read"] == want["loaded"] + want["rejected"] + want["dropped"]
        for key, value in want.items():
            assert got[key] == value, (want["file"], key)
        for key in {"first_date", "last_date"} - set(want):
            assert pd.isna(got[key]), (want["file"], key)


def test_statement_spot_values(folder: Path) -> None:
    table = verification_table(folder).set_index("file")
    assert table.loc["a.csv", "read"] == 5  # four rows loaded, one rejected
    assert table.loc["a.csv", "first_date"] == "2017-01-05"
    assert table.loc["a.csv", "debit_fen"] == 2501.02
    assert table.loc["a.csv", "blanks"] == "日期1处；凭证字号2处；科目编码1处；借方1处"
    assert table.loc["d.csv", "loaded"] == 0 and table.loc["d.csv", "debit_fen"] == 0
    assert pd.isna(table.loc["d.csv", "first_date"])
    assert table.loc["c.csv", "blanks"] == "日期2处；凭证字号1处"
    assert table.loc["资金3.xlsx", "dropped"] == 1
    assert table["units"].dtype == "Int64"
    assert "x.csv" not in table.index  # no survey table was loaded


def _blank_as_text(values: pd.Series) -> pd.Series:
    """The definition: a value is blank when missing or when its text is only white space."""
    text = values.astype("string")
    return values.isna() | text.str.strip().eq("").fillna(False)


@pytest.mark.parametrize(
    "values",
    [
        pd.Series(["记-1", " ", "", None, "\u3000", "\t\n", " a "], dtype="str"),
        pd.Series(["记-1", " ", "", None, "\u3000"], dtype="string"),
        pd.Series(["记-1", " ", "", None, 5], dtype=object),
        pd.Series(pd.to_datetime(["2017-01-01", None])),
        pd.array([0, None, -3], dtype="Int64"),
        pd.Series([0.0, float("nan"), -0.5]),
        pd.Series([True, False]),
        pd.Series(["甲", " ", None], dtype="category"),
    ],
)
def test_blank_cells_are_missing_or_white_space_whatever_the_column_type(values) -> None:
    from jixiao.verification import _blank

    values = pd.Series(values)
    assert _blank(values).astype(bool).tolist() == _blank_as_text(values).astype(bool).tolist()
