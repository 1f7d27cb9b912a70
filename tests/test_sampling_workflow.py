"""The year's sampling settings reach the plan and the selection: bands, allocation, expected misstatement."""

import numpy as np
import pandas as pd
import pytest

from jixiao.errors import ParameterError
from jixiao.sampling import mus_sample_size
from jixiao.sampling.workflow import (
    SamplingSettings,
    band_edges_fen,
    plan_and_select,
    settings_from_parameters,
)

ACCOUNTS = {"expense": ("5",), "project_expense": ("500102",)}


def _settings(**given) -> SamplingSettings:
    """Settings over the 事业单位 chart (what a project profile gives the notebook)."""
    return SamplingSettings(
        expense_accounts=ACCOUNTS["expense"],
        project_expense_accounts=ACCOUNTS["project_expense"],
        **given,
    )


@pytest.fixture()
def ledger():
    amounts = np.concatenate(
        [np.full(300, 1_000_00), np.full(100, 8_000_00), np.full(20, 30_000_00)]
    )
    n = len(amounts)
    return pd.DataFrame(
        {
            "account_code": pd.Series(["500101"] * n, dtype="str"),
            "debit_fen": amounts.astype("int64"),
            "credit_fen": np.zeros(n, dtype="int64"),
            "unit": pd.Series(["甲社区"] * n, dtype="str"),
            "source_file": pd.Series(["明细账_甲社区.xlsx"] * n, dtype="str"),
            "source_sheet": pd.Series(["明细账"] * n, dtype="str"),
            "source_row": np.arange(2, n + 2, dtype="int64"),
        }
    )


def test_amount_bands_stratify_and_every_band_is_sampled(ledger):
    settings = _settings(
        seed=1, method="stratified", strata_bands_fen=(5_000_00, 20_000_00), allocation="equal"
    )
    _, plan, selection = plan_and_select(ledger, settings)
    drawn = selection.sample[selection.sample["statistical"]]
    per_band = drawn.groupby("stratum").size()
    assert len(per_band) == 3 and per_band.sum() == plan.sample_size
    assert per_band.max() - per_band.min() <= 1  # equal allocation


def test_expected_misstatement_enlarges_the_mus_sample(ledger):
    without = plan_and_select(ledger, _settings(seed=1))[1]
    with_expected = plan_and_select(ledger, _settings(seed=1, expected_misstatement_ratio=0.01))[1]
    book = int(ledger["debit_fen"].sum())
    assert without.sample_size == mus_sample_size(book, round(book * 0.05), 0, 0.95)
    assert with_expected.sample_size == mus_sample_size(
        book, round(book * 0.05), round(book * 0.01), 0.95
    )
    assert with_expected.sample_size > without.sample_size


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"expected_misstatement_ratio": 0.05}, "expected_misstatement_ratio"),
        ({"method": "stratified"}, "strata_by"),
        ({"method": "stratified", "strata_by": "unit", "strata_bands_fen": (100,)}, "只能给出一个"),
    ],
)
def test_inconsistent_settings_are_refused(changes, message):
    with pytest.raises(ParameterError, match=message):
        _settings(seed=1, **changes)


@pytest.mark.parametrize(
    "given", [[5000, 20000], (5000, 20000.0), "[5000, 20000]", "5000,20000", "5000，20000"]
)
def test_band_edges_in_yuan_become_fen_however_papermill_passes_them(given):
    assert band_edges_fen(given) == (500_000, 2_000_000)


@pytest.mark.parametrize("given", ["[20000, 5000]", "[5000, abc]", []])
def test_band_edges_that_are_not_increasing_amounts_are_refused(given):
    with pytest.raises(ParameterError, match="strata_bands_yuan"):
        band_edges_fen(given)


def test_notebook_parameters_in_yuan_reach_the_settings_in_fen():
    settings = settings_from_parameters(
        seed=3,
        method="stratified",
        key_item_threshold_yuan="50,000.005",
        strata_bands_yuan="[5000]",
        accounts=ACCOUNTS,
    )
    assert settings.key_item_threshold_fen == 5_000_000 and settings.strata_bands_fen == (500_000,)
    with pytest.raises(ParameterError, match="key_item_threshold_yuan"):
        settings_from_parameters(seed=3, key_item_threshold_yuan="五万", accounts=ACCOUNTS)
