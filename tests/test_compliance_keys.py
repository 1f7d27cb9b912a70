"""Integer keys of the ledger's columns: grouping by them agrees with pandas' group-by."""

import numpy as np
import pandas as pd

from jixiao.compliance.keys import code_keys, combined_key, group_ids, group_totals


def _frame(n=5_000, seed=3):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "unit": pd.Series(rng.choice(["甲社区", "乙社区", "丙社区", None], n), dtype="str"),
            "day": pd.Timestamp("2017-01-01") + pd.to_timedelta(rng.integers(0, 40, n), "D"),
            "payee": pd.Series(rng.choice([f"供应商{i}" for i in range(30)], n), dtype="str"),
            "amount": rng.integers(1, 10**12, n),  # sums far beyond a double's exact range
            "voucher": rng.integers(0, 60, n),
        }
    )
    # A few payees are always paid on one voucher: their groups hold a single voucher.
    single = frame["payee"].isin(["供应商1", "供应商2"]).to_numpy()
    frame["voucher"] = np.where(single, 7, frame["voucher"])
    return code_keys(frame, ("unit", "payee"))


def test_combined_keys_are_equal_exactly_when_every_key_is():
    frame = _frame()
    key, missing = combined_key(frame["unit"], frame["day"], frame["payee"])
    assert (missing == frame["unit"].isna().to_numpy()).all()
    ids = frame.groupby(["unit", "day", "payee"], observed=True, sort=False).ngroup()
    known = ~missing
    assert len(np.unique(key[known])) == ids[known].nunique()
    pairs = pd.DataFrame({"key": key[known], "id": ids[known].to_numpy()}).drop_duplicates()
    assert pairs["key"].is_unique and pairs["id"].is_unique


def test_group_totals_agree_with_a_pandas_group_by():
    frame = _frame()
    frame = frame.loc[frame["unit"].notna()].reset_index(drop=True)
    key, _ = combined_key(frame["unit"], frame["payee"])
    total, count, several = group_totals(key, frame["amount"], frame["voucher"])
    grouped = frame.groupby(["unit", "payee"], observed=True)
    assert (total == grouped["amount"].transform("sum").to_numpy()).all()
    assert (count == grouped["amount"].transform("size").to_numpy()).all()
    assert (several == (grouped["voucher"].transform("nunique") >= 2).to_numpy()).all()
    assert several.any() and not several.all()


def test_group_totals_of_nothing_are_empty():
    total, count, several = group_totals(np.zeros(0, np.int64), [], [])
    assert len(total) == len(count) == len(several) == 0


def test_group_ids_count_in_order_of_first_appearance():
    ids = group_ids(pd.Series(["乙", "甲", "乙", None, "丙", "甲"], dtype="str"))
    assert ids.tolist() == [0, 1, 0, -1, 2, 1]
    with_missing = group_ids(pd.Series(["乙", None, "乙"], dtype="str"), missing_is_value=True)
    assert with_missing.tolist() == [0, 1, 0]


def test_text_of_a_coded_column_is_the_column_as_text():
    from jixiao.compliance.keys import text_of

    plain = pd.Series(["乙社区", None, "甲社区", "乙社区", "=HYPERLINK(1)"], dtype="str")
    coded = plain.astype("category")
    assert text_of(coded).dtype == "str"
    pd.testing.assert_series_equal(text_of(coded), plain)
    numbers = pd.Series([3, None, 3], dtype="Int64").astype("category")  # categories not text
    written = text_of(numbers)
    assert written.dtype == "str" and written.isna().tolist() == [False, True, False]
    assert written.dropna().tolist() == ["3", "3"]


def test_an_empty_flag_table_handed_out_is_the_callers_own():
    from jixiao.compliance.common import FLAG_COLUMNS, empty_flags

    first = empty_flags()
    first["rule"] = pd.Series(["GL-01"], dtype="str")  # a caller filling it in
    first.loc[0, "amount_fen"] = 5
    again = empty_flags()
    assert again.empty and list(again.columns) == list(FLAG_COLUMNS)
    assert (
        str(again["amount_fen"].dtype) == "int64" and str(again["date"].dtype) == "datetime64[us]"
    )


def test_dates_are_written_right_in_every_period_asked_for():
    from jixiao.compliance.common import date_text

    # Periods overlapping and repeated: the written calendar is reused only for its own period.
    for dates in (
        ["2017-01-01", "2017-12-31", None],
        ["2016-02-28", "2016-02-29", "2016-03-01"],
        ["2017-01-01", "2017-12-31"],
        ["2018-05-16", None, "2017-12-31"],
    ):
        text = date_text(pd.Series(pd.to_datetime(dates)))
        expected = [
            f"{d.year}年{d.month}月{d.day}日" if d is not None else ""
            for d in (pd.Timestamp(x) if x else None for x in dates)
        ]
        assert text.tolist() == expected
