"""The reconstructed cases' filled-in 抽样清单: answers fit the voucher's kind, and the sheet
states the population it was drawn from."""

import pandas as pd
import pytest

from jixiao import paths

PAYROLL = "工资|津贴|绩效"


def filled(year: int) -> dict[str, pd.DataFrame]:
    return pd.read_excel(
        paths.raw_dir(year) / f"抽样清单_已填_{year}.xlsx", sheet_name=None, engine="openpyxl"
    )


@pytest.mark.parametrize("year", [2017, 2018])
def test_no_payroll_voucher_carries_an_invoice_deviation(year):
    sheet = filled(year)["抽样清单"]
    payroll = sheet[sheet["摘要"].astype("str").str.contains(PAYROLL)]
    assert not payroll["备注"].astype("str").str.contains("发票").any()
    # Every deviation says which document is missing, and what was checked otherwise.
    missing = sheet[sheet["原始凭证是否齐全"] == "否"]
    assert len(missing) and missing["备注"].str.startswith("未附").all()
    assert not missing["备注"].str.contains("未附发票及验收单").any()
    clean = sheet[(sheet["原始凭证是否齐全"] == "是") & (sheet["是否合规"] == "是")]
    assert clean["备注"].str.startswith("已核对").all()
    works = clean[clean["摘要"].str.contains("工程")]
    assert works["备注"].str.contains("合同、验收单、发票").all()
    misstated = sheet[sheet["差错金额（元）"] != 0]
    assert len(misstated) == 1 and misstated["备注"].str.contains("发票金额").all()
    assert not misstated["摘要"].str.contains(PAYROLL).any()


@pytest.mark.parametrize("year", [2017, 2018])
def test_the_case_sheet_states_the_special_fund_population(year):
    parameters = filled(year)["抽样参数"]
    values = dict(zip(parameters["参数"], parameters["值"], strict=True))
    assert values["抽样总体口径"] == "专项资金相关"
    assert values["总体分录笔数"] >= values["选取笔数"] > 0
    assert float(str(values["金额覆盖率"]).rstrip("%")) > 50
    basis = filled(year)["抽样清单"]["纳入总体依据"]
    assert basis.notna().all() and "项目支出科目" in set(basis)
