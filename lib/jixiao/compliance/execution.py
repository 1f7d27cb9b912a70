"""预算执行率 (budget execution): project spending against the money that arrived, per unit.

财预〔2020〕10号 asks for 预算执行率 = 实际支出 / 实际到位. Spending is read from the ledgers by
the project's account chart (``project.toml`` ``[accounts]``): the expense class of the chart
(支出类 5 under 事业单位会计制度, the 预算会计 side 7 under 政府会计制度, so the 财务会计 side's
5001 业务活动费用 is never added to it) on the lines tied to a grant type. Arrived money counts
within the ledger period, as in :func:`jixiao.compliance.accounting.project_balances`.
"""

from __future__ import annotations

import pandas as pd

from jixiao.metrics import Metric

from .accounting import project_balances
from .common import empty_flags, make_flags, yuan_text

EXECUTION_HEADERS = {
    "community": "社区（单位）",
    "unit": "核算单位",
    "allocated_fen": "下达金额（分）",
    "arrived_fen": "到位金额（分）",
    "spending_fen": "实际支出（分）",
    "unspent_fen": "结余（分）",
    "execution_rate": "预算执行率",
}


def budget_execution(
    ledger: pd.DataFrame, allocations: pd.DataFrame, rules: pd.DataFrame | None = None, **chart
) -> pd.DataFrame:
    """Per unit (community): allocated, arrived, spent, unspent and the execution rate, plus a
    last row 合计. ``chart`` takes ``income_prefix``, ``expense_prefix`` and ``project_prefixes``
    (``ProjectProfile.separate_accounting_options()`` minus the receipt settings)."""
    keys = ("income_prefix", "expense_prefix", "project_prefixes", "closing_prefix")
    balances = project_balances(
        ledger, allocations, rules, **{k: v for k, v in chart.items() if k in keys}
    )
    per_unit = balances.groupby("community", sort=True).agg(
        unit=("unit", "first"),
        allocated_fen=("allocated_fen", "sum"),
        arrived_fen=("arrived_fen", "sum"),
        spending_fen=("spending_fen", "sum"),
        source_file=("source_file", "first"),
        source_sheet=("source_sheet", "first"),
        source_row=("source_row", "first"),
    )
    total = per_unit[["allocated_fen", "arrived_fen", "spending_fen"]].sum()
    table = pd.concat(
        [per_unit.reset_index(), pd.DataFrame([{"community": "合计", "unit": "", **total}])],
        ignore_index=True,
    )
    for column in ("allocated_fen", "arrived_fen", "spending_fen"):
        table[column] = table[column].astype("int64")
    table["unspent_fen"] = (table["arrived_fen"] - table["spending_fen"]).astype("int64")
    table["execution_rate"] = (
        table["spending_fen"] / table["arrived_fen"].where(table["arrived_fen"] > 0)
    ).astype("float64")
    return table


def execution_metric(table: pd.DataFrame) -> Metric:
    total = table.iloc[-1]
    rate = float(total["execution_rate"]) if pd.notna(total["execution_rate"]) else 0.0
    spent, arrived = yuan_text([int(total["spending_fen"]), int(total["arrived_fen"])])
    return Metric(
        "budget_execution_rate",
        rate,
        "预算执行率",
        "compliance",
        f"项目实际支出{spent}元 ÷ 实际到位{arrived}元（{len(table) - 1}个单位）",
    )


def unspent_balance_flags(table: pd.DataFrame, threshold: float | None) -> pd.DataFrame:
    """EXE-01 for each unit whose unspent share of the arrived money exceeds ``threshold``
    (0.1 = 10%); ``None`` raises no finding (the 2013 framework has no such indicator)."""
    if threshold is None:
        return empty_flags()
    units = table.iloc[:-1]
    share = 1 - units["execution_rate"]
    hit = units.loc[(units["arrived_fen"] > 0) & (share > float(threshold))]
    if hit.empty:
        return empty_flags()
    reason = (
        hit["community"].astype("str")
        + "到位"
        + yuan_text(hit["arrived_fen"]).to_numpy()
        + "元，实际支出"
        + yuan_text(hit["spending_fen"]).to_numpy()
        + "元，结余"
        + yuan_text(hit["unspent_fen"]).to_numpy()
        + "元（预算执行率"
        + (hit["execution_rate"] * 100).round(1).astype("str")
        + "%，结余超过到位资金的"
        + f"{float(threshold) * 100:g}%）"
    )
    return make_flags(hit, "EXE-01", reason, hit["unspent_fen"])
