"""Selection: fixed expected selections (regression anchors), reasons, exclusions, combining."""

import numpy as np
import pandas as pd
import pytest

from jixiao.errors import InputError, ParameterError
from jixiao.sampling import (
    allocate,
    combine_selections,
    select_flagged,
    select_judgemental,
    select_key_items,
    select_mus,
    select_random,
    select_sample,
    select_stratified,
    select_systematic,
)

# Canonical order is by source file (code point: 沿 U+6CBF before 浏 U+6D4F), sheet, row:
# positions 0–5 = 沿河社区 rows 5–10, positions 6–11 = 浏河社区 rows 5–10.
YH, LH = "明细账_沿河社区.xlsx", "明细账_浏河社区.xlsx"


def population() -> pd.DataFrame:
    amounts = [
        1_200_00,
        35_000_00,
        800_00,
        4_500_00,
        -300_00,
        9_999_99,
        60_000_00,
        2_000_00,
        0,
        15_000_00,
        700_00,
        5_600_00,
    ]
    return pd.DataFrame(
        {
            "source_file": [LH] * 6 + [YH] * 6,
            "source_sheet": "明细账",
            "source_row": [5, 6, 7, 8, 9, 10] * 2,
            "unit": ["浏河社区"] * 6 + ["沿河社区"] * 6,
            "amount_fen": np.array(amounts, dtype="int64"),
        }
    )


def ids(selection) -> list[str]:
    return selection.sample["item_id"].tolist()


def item(file: str, row: int) -> str:
    return f"{file}|明细账|{row}"


def test_systematic_selection_follows_the_interval_from_the_seeded_start():
    # default_rng(42).random() = 0.77396; N = 12, n = 4 → step 3, start 2.32 → positions 2, 5, 8, 11.
    selection = select_systematic(population(), 4, 42)
    assert ids(selection) == [item(YH, 7), item(YH, 10), item(LH, 7), item(LH, 10)]


def test_mus_fixed_interval_selection_is_the_hand_worked_one():
    # Positive amounts in canonical order, cumulative fen: 沿河 r5 6,000,000; r6 6,200,000; r8 7,700,000;
    # r9 7,770,000; r10 8,330,000; 浏河 r5 8,450,000; r6 11,950,000; r7 12,030,000; r8 12,480,000;
    # r10 13,479,999. Interval 13,479,999 / 4 = 3,369,999.75; start u = 1 − 0.77396 = 0.22604 →
    # units 761,757 · 4,131,757 · 7,501,757 · 10,871,757 → 沿河 r5 (twice), 沿河 r8, 浏河 r6.
    selection = select_mus(population(), 4, 42)
    assert selection.interval_fen == pytest.approx(3_369_999.75)
    assert ids(selection) == [item(YH, 5), item(YH, 8), item(LH, 6)]
    assert selection.sample["mus_hits"].tolist() == [2, 1, 1]
    assert selection.population_amount_fen == 13_479_999


def test_fixed_expected_selections_for_the_other_methods():
    # Regression anchors: any change here changes every evaluator's sample for the same seed.
    pop = population()
    assert ids(select_random(pop, 4, 42)) == [item(YH, 6), item(YH, 9), item(LH, 7), item(LH, 9)]
    assert ids(select_stratified(pop, 4, 42, by="unit")) == [
        item(YH, 6),
        item(YH, 9),
        item(LH, 7),
        item(LH, 9),
    ]
    assert ids(select_mus(pop, 6, 7)) == [item(YH, 5), item(YH, 8), item(LH, 6), item(LH, 8)]
    cell = select_mus(pop, 6, 7, cell=True)
    assert ids(cell) == [item(YH, 5), item(LH, 6)]
    assert cell.sample["mus_hits"].tolist() == [3, 3]


def test_selection_does_not_depend_on_row_order():
    pop = population()
    shuffled = pop.iloc[[11, 3, 7, 0, 9, 1, 5, 10, 2, 8, 6, 4]]
    for select in (select_random, select_systematic, select_mus):
        assert ids(select(shuffled, 4, 123)) == ids(select(pop, 4, 123))
    assert ids(select_stratified(shuffled, 5, 9, by="unit")) == ids(
        select_stratified(pop, 5, 9, by="unit")
    )


def test_mus_excludes_negative_and_zero_amounts_with_a_record():
    selection = select_mus(population(), 4, 42)
    excluded = selection.excluded
    assert excluded["item_id"].tolist() == [item(YH, 7), item(LH, 9)]
    assert excluded["exclusion_reason"].str.contains("金额为零").tolist() == [True, False]
    assert excluded["exclusion_reason"].str.contains("金额为负数").tolist() == [False, True]


def test_mus_selects_and_reports_every_item_of_at_least_one_interval():
    for seed in range(20):
        for cell in (False, True):
            selection = select_mus(population(), 4, seed, cell=cell)
            # 60,000.00 and 35,000.00 元 are ≥ the interval of 33,699.9975 元.
            assert selection.large_items["item_id"].tolist() == [item(YH, 5), item(LH, 6)]
            assert set(selection.large_items["item_id"]) <= set(ids(selection))
    fixed = select_mus(population(), 4, 3)
    assert fixed.sample["mus_hits"].sum() == 4
    assert "金额≥抽样区间 33,700.00 元，必然选取" in fixed.sample["selection_reason"].iloc[0]


def test_stratified_by_amount_bands_labels_strata_and_allocates_at_least_one_each():
    selection = select_stratified(population(), 3, 5, bands_fen=[1_000_00, 10_000_00])
    strata = selection.strata
    assert strata["stratum"].tolist() == ["金额<1,000元", "1,000元≤金额<10,000元", "金额≥10,000元"]
    assert strata["population_count"].tolist() == [4, 5, 3]
    assert strata["sample_count"].tolist() == [1, 1, 1]
    assert selection.sample["stratum"].value_counts().to_dict() == {s: 1 for s in strata["stratum"]}


@pytest.mark.parametrize(
    ("n", "sizes", "weights", "expected"),
    [
        (10, [50, 30, 20], [50, 30, 20], [5, 3, 2]),  # proportional, exact
        (
            5,
            [100, 1, 1],
            [100, 1, 1],
            [3, 1, 1],
        ),  # 4.9 / 0.05 / 0.05 → the small strata get their minimum of one
        (6, [10, 10], [0.0, 50.0], [1, 5]),  # Neyman: a stratum without spread still gets one
        (12, [2, 10, 10], [1, 1, 1], [2, 5, 5]),  # equal, capped at the stratum size
        (2, [5, 5, 5], [1, 1, 1], [1, 1, 1]),  # one per stratum outranks the requested size
        (7, [4, 0, 3], [4, 0, 3], [4, 0, 3]),  # an empty stratum gets nothing
    ],
)
def test_allocation_rules(n, sizes, weights, expected):
    assert allocate(n, np.array(sizes), np.array(weights)).tolist() == expected


def test_key_items_are_every_item_at_or_above_the_threshold():
    selection = select_key_items(population(), 15_000_00)
    assert ids(selection) == [item(YH, 5), item(YH, 8), item(LH, 6)]
    assert set(selection.sample["selection_reason"]) == {"关键项目：金额≥15,000元"}
    assert not selection.sample["statistical"].any()


def test_judgemental_picks_need_a_written_reason_and_a_known_item():
    selection = select_judgemental(population(), {item(LH, 10): "摘要为“装修”但记入基本支出"})
    assert selection.sample["selection_reason"].tolist() == ["职业判断：摘要为“装修”但记入基本支出"]
    with pytest.raises(ParameterError, match="理由"):
        select_judgemental(population(), {item(LH, 10): "  "})
    with pytest.raises(ParameterError, match="不存在"):
        select_judgemental(population(), {item(LH, 99): "x"})


def test_flagged_items_accept_ids_or_evidence_rows():
    evidence = pd.DataFrame({"source_file": [LH], "source_sheet": ["明细账"], "source_row": [8]})
    by_frame = select_flagged(population(), evidence, "专项资金记入基本支出")
    by_ids = select_flagged(population(), [item(LH, 8)], "专项资金记入基本支出")
    assert ids(by_frame) == ids(by_ids) == [item(LH, 8)]
    assert by_ids.sample["selection_reason"].iloc[0] == "重点关注：专项资金记入基本支出"


def test_combined_selection_counts_each_item_once_and_keeps_every_reason():
    pop = population()
    selection = select_sample(
        pop,
        method="mus",
        sample_size=4,
        seed=42,
        key_threshold_fen=50_000_00,
        flagged_ids=[item(LH, 6), item(LH, 10)],
        judgemental={item(LH, 6): "金额较大的维修支出"},
    )
    sample = selection.sample.set_index("item_id")
    assert sample.index.is_unique
    # Key item 60,000 元 leaves the sampled population: 134,799.99 − 60,000 = 74,799.99 元.
    assert sample.loc[item(YH, 5), "selection_method"] == "关键项目"
    assert selection.population_amount_fen == 7_479_999
    assert sample.loc[item(LH, 6), "selection_reason"].split("；")[1:] == [
        "重点关注：合规检查标记",
        "职业判断：金额较大的维修支出",
    ]
    assert sample.loc[item(LH, 6), "statistical"]
    assert sample.loc[item(LH, 10), "selection_method"] in ("货币单位抽样", "重点关注项目")
    assert sample["selection_reason"].str.len().gt(0).all()
    assert "关键项目" in str(selection) and "已从统计抽样总体中剔除" in selection._repr_markdown_()


def test_combine_keeps_first_method_and_unions_rows():
    pop = population()
    key = select_key_items(pop, 35_000_00)
    judged = select_judgemental(pop, {item(LH, 6): "复核", item(LH, 5): "抽查"})
    combined = combine_selections(key, judged)
    assert ids(combined) == [item(YH, 5), item(LH, 5), item(LH, 6)]
    assert combined.sample["selection_method"].tolist() == ["关键项目", "职业判断", "关键项目"]


def test_population_smaller_than_the_sample_is_selected_whole():
    selection = select_random(population(), 50, 1)
    assert len(selection.sample) == 12
    assert "全部选取" in selection.notes[0]


@pytest.mark.parametrize("select", [select_random, select_systematic, select_mus])
def test_empty_population_is_a_clear_error(select):
    with pytest.raises(ParameterError, match="为空"):
        select(population().iloc[0:0], 3, 1)


def test_population_without_provenance_or_with_float_amounts_is_an_input_error():
    with pytest.raises(InputError, match="source_row"):
        select_random(population().drop(columns="source_row"), 3, 1)
    with pytest.raises(InputError, match="amount_fen"):
        select_random(population().assign(amount_fen=lambda f: f["amount_fen"] / 100), 3, 1)


def test_duplicate_source_row_names_the_place():
    pop = population()
    with pytest.raises(InputError, match=r"明细账_浏河社区\.xlsx, sheet 明细账, row 5"):
        select_random(pd.concat([pop, pop.iloc[[0]]]), 3, 1)


def test_seed_must_be_given():
    with pytest.raises(ParameterError, match="seed"):
        select_random(population(), 3, None)


def test_ids_are_looked_up_as_pandas_isin_would():
    from jixiao.distinct import text_in

    ids = pd.Series(
        [f"明细账_{i % 50}.xlsx|明细账|{i}" for i in range(2_000)] + [None], dtype="str"
    )
    wanted = pd.Index(
        pd.array(["明细账_3.xlsx|明细账|3", "不在总体|x|1", "明细账_7.xlsx|明细账|57"], dtype="str")
    )
    assert text_in(ids, wanted).tolist() == ids.isin(wanted).tolist()
    assert text_in(wanted, ids).tolist() == [True, False, True]
    assert text_in(ids, []).sum() == 0
