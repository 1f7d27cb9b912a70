"""Separate accounting of special funds (专款专用 / 单独核算).

Under 事业单位会计制度 a special grant is received as Cr 400102 财政补助收入—项目支出 and spent
as Dr 500102xx 事业支出—项目支出, both tagged with the 项目 aux. The checks look for the ways
that goes wrong in practice:

- SEP-01 spending whose 摘要 names a grant's purpose, booked to basic expenditure (500101…)
  with the 项目 aux blank;
- SEP-02 grant receipts booked to basic income (400101);
- SEP-03 a unit that received a grant but keeps no project ledger at all (no 400102 / 500102
  line and no 项目 aux) — SEP-00 when the unit's ledger was not provided;
- SEP-04 per community and grant type, project receipts vs. money arrived vs. project spending
  that do not reconcile.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jixiao.account_codes import closing_lines, on_accounts
from jixiao.concurrency import side_by_side
from jixiao.project_profile import ACCOUNT_PRESETS

from .attribution import prepare_ledger, resolve_grant_type
from .common import (
    blank,
    concat_flags,
    date_text,
    empty_flags,
    first_match,
    line_opening,
    make_flags,
    require_columns,
    yuan_text,
)
from .keys import join_text, text_of
from .scope import PROJECT_ACCOUNT_PREFIXES, all_scope_keywords

# 摘要 words that mark a receipt as special-fund money (besides the grant type names themselves).
# Defaults when a caller gives no chart: the 事业单位会计制度 preset. The notebooks pass the
# year's own chart and receipt keywords from its project profile (project.toml).
_CHART = ACCOUNT_PRESETS["事业单位会计制度"]

SEP_RULES = ("SEP-01", "SEP-02", "SEP-03", "SEP-04")


def _grant_types(rules: pd.DataFrame | None, allocations: pd.DataFrame | None) -> list[str]:
    types = [] if rules is None else [str(g) for g in rules["grant_type"]]
    if allocations is not None and not allocations.empty:
        types += [
            g for g in pd.unique(allocations["grant_type"].dropna().astype("str")) if g not in types
        ]
    return types


def _arrived(allocations: pd.DataFrame) -> pd.Series:
    reported = (
        allocations["arrived_fen"]
        if "arrived_fen" in allocations.columns
        else pd.Series(pd.NA, index=allocations.index)
    )
    return (
        pd.Series(reported, dtype="Int64")
        .fillna(allocations["amount_fen"])
        .where(allocations["arrived_date"].notna(), 0)
        .astype("int64")
    )


def special_spending_in_basic(
    ledger: pd.DataFrame,
    rules: pd.DataFrame,
    *,
    allocations: pd.DataFrame | None = None,
    basic_expense_prefix=_CHART["basic_expense"],
    grant_units_only: bool = True,
) -> pd.DataFrame:
    """SEP-01: spending whose 摘要 names a grant purpose, booked to basic expenditure, aux blank.

    The purpose is read from the scope rules' allowed keywords (first keyword in rule order
    decides the grant type). With ``grant_units_only`` only units that received a grant are
    looked at: elsewhere a 培训 paid from basic funds is ordinary.
    """
    require_columns(ledger, ("unit", "date", "summary", "account_code", "debit_fen"), "明细账")
    ledger = prepare_ledger(ledger, allocations)
    aux_blank = (
        blank(ledger["project"])
        if "project" in ledger.columns
        else pd.Series(True, index=ledger.index)
    )
    candidates = (ledger["debit_fen"] > 0) & on_accounts(ledger, basic_expense_prefix) & aux_blank
    if grant_units_only and allocations is not None:
        candidates &= ledger["community"].notna()
    lines = ledger.loc[candidates]
    if lines.empty:
        return empty_flags()
    keywords = all_scope_keywords(rules)
    # Leftmost keyword in the 摘要 names the purpose; ties resolved by rule order via the map.
    word = first_match(lines["summary"], keywords["keyword"])
    lines = lines.assign(keyword=word).loc[word.notna()]
    if lines.empty:
        return empty_flags()
    to_type = keywords.drop_duplicates("keyword").set_index("keyword")["grant_type"]
    lines = lines.assign(grant_type=lines["keyword"].map(to_type).astype("str"))
    name = text_of(lines["account_name"]).fillna("") if "account_name" in lines.columns else ""
    reason = join_text(
        *line_opening(lines, lines["debit_fen"]),
        "元属",
        lines["grant_type"],
        "项目支出（摘要含“",
        lines["keyword"],
        "”），记入",
        lines["account_code"],
        name,
        "（基本支出），未挂项目辅助核算。",
        index=lines.index,
    )
    return make_flags(lines, "SEP-01", reason, lines["debit_fen"])


def project_receipts_in_basic_income(
    ledger: pd.DataFrame,
    allocations: pd.DataFrame,
    *,
    basic_income_prefix=_CHART["basic_income"],
    receipt_keywords=(),
    match_days: int = 30,
) -> pd.DataFrame:
    """SEP-02: a grant receipt credited to basic income.

    A basic-income credit is a grant receipt when its 摘要 names the grant (type name or a
    ``receipt_keywords`` word) or when it equals, for the same community, the amount of a grant
    that arrived within ``match_days`` days of it.
    """
    require_columns(ledger, ("unit", "date", "summary", "account_code", "credit_fen"), "明细账")
    ledger = prepare_ledger(ledger, allocations)
    lines = ledger.loc[(ledger["credit_fen"] > 0) & on_accounts(ledger, basic_income_prefix)]
    if lines.empty:
        return empty_flags()
    grant_types = _grant_types(None, allocations)
    words = list(grant_types) + [w for w in receipt_keywords if w not in grant_types]
    named = first_match(lines["summary"], words)
    named_type = named.map({g: g for g in grant_types}).astype("str")

    grants = allocations.assign(arrived_amount_fen=_arrived(allocations))
    grants = grants.loc[
        grants["arrived_date"].notna(),
        ["community", "grant_type", "arrived_amount_fen", "arrived_date"],
    ]
    keyed = lines.reset_index(names="_line")[["_line", "community", "credit_fen", "date"]]
    matched = keyed.merge(
        grants,
        left_on=["community", "credit_fen"],
        right_on=["community", "arrived_amount_fen"],
        how="inner",
    )
    near = (matched["date"] - pd.to_datetime(matched["arrived_date"])).dt.days.abs() <= int(
        match_days
    )
    matched = (
        matched.loc[near]
        .sort_values(["_line", "grant_type"], kind="stable")
        .drop_duplicates("_line")
    )
    amount_type = pd.Series(
        matched["grant_type"].to_numpy(), index=matched["_line"].to_numpy(), dtype="str"
    )

    grant_type = named_type.fillna(amount_type.reindex(lines.index)).astype("str")
    is_receipt = named.notna() | lines.index.isin(amount_type.index)
    lines = lines.assign(grant_type=grant_type).loc[is_receipt]
    if lines.empty:
        return empty_flags()
    what = ("（" + lines["grant_type"].fillna("专项资金") + "）").astype("str")
    reason = join_text(
        *line_opening(lines, lines["credit_fen"]),
        "元",
        what,
        "记入",
        lines["account_code"],
        "基本支出收入，应记入财政补助收入—项目支出并按项目辅助核算。",
        index=lines.index,
    )
    return make_flags(lines, "SEP-02", reason, lines["credit_fen"])


def units_without_project_ledger(
    ledger: pd.DataFrame,
    allocations: pd.DataFrame,
    *,
    project_prefixes=PROJECT_ACCOUNT_PREFIXES,
) -> pd.DataFrame:
    """SEP-03 (and SEP-00): communities that received a grant but keep no project ledger.

    One flagged row per grant that arrived within the unit's ledger period, citing the
    allocation record. A community whose ledger is missing altogether gets SEP-00 instead.
    """
    ledger = prepare_ledger(ledger, allocations)
    aux_set = (
        ~blank(ledger["project"])
        if "project" in ledger.columns
        else pd.Series(False, index=ledger.index)
    )
    projectish = on_accounts(ledger, project_prefixes) | aux_set
    per_community = (
        ledger.assign(projectish=projectish)
        .groupby("community", sort=True)
        .agg(unit=("unit", "first"), has_project=("projectish", "any"), last_date=("date", "max"))
    )
    grants = allocations.assign(arrived_amount_fen=_arrived(allocations))
    grants = grants.loc[grants["arrived_amount_fen"] > 0].join(per_community, on="community")
    no_ledger = grants["unit"].isna()
    in_period = pd.to_datetime(grants["arrived_date"]) <= grants["last_date"]
    no_project = ~no_ledger & in_period & ~grants["has_project"].fillna(False).astype(bool)

    parts = []
    rows = grants.loc[no_project]
    if not rows.empty:
        reason = (
            rows["community"].astype("str")
            + "（"
            + rows["unit"].astype("str")
            + "）于"
            + date_text(rows["arrived_date"]).to_numpy()
            + "收到"
            + rows["grant_type"].astype("str")
            + "资金"
            + yuan_text(rows["arrived_amount_fen"]).to_numpy()
            + "元，但明细账既无项目支出收入、项目支出科目（"
            + "、".join(project_prefixes)
            + "），也无项目辅助核算，专项资金未单独核算。"
        )
        parts.append(
            make_flags(
                rows.assign(date=rows["arrived_date"]), "SEP-03", reason, rows["arrived_amount_fen"]
            )
        )
    rows = grants.loc[no_ledger]
    if not rows.empty:
        reason = (
            rows["community"].astype("str")
            + "收到"
            + rows["grant_type"].astype("str")
            + "资金"
            + yuan_text(rows["arrived_amount_fen"]).to_numpy()
            + "元，未提供其明细账，无法核实专项资金核算情况。"
        )
        parts.append(
            make_flags(
                rows.assign(unit=rows["community"], date=rows["arrived_date"]),
                "SEP-00",
                reason,
                rows["arrived_amount_fen"],
            )
        )
    return concat_flags(parts)


def project_balances(
    ledger: pd.DataFrame,
    allocations: pd.DataFrame,
    rules: pd.DataFrame | None = None,
    *,
    income_prefix=_CHART["income"],
    expense_prefix=_CHART["expense"],
    project_prefixes=PROJECT_ACCOUNT_PREFIXES,
    closing_prefix=(),
) -> pd.DataFrame:
    """Per community and grant type: arrived (within the ledger period), booked project receipts,
    booked project spending. The reconciliation table behind SEP-04. Closing vouchers (期末结转,
    on ``closing_prefix`` accounts) are neither receipts nor spending."""
    ledger = prepare_ledger(ledger, allocations)
    closing = closing_lines(ledger, closing_prefix)
    if closing.any():  # most books have no 期末结转 in the period: no copy then
        ledger = ledger.loc[~closing]
    grant_types = _grant_types(rules, allocations)
    gt = resolve_grant_type(ledger, allocations, grant_types, project_prefixes)
    income = on_accounts(ledger, income_prefix) & gt.notna()
    expense = on_accounts(ledger, expense_prefix) & gt.notna()
    books = pd.DataFrame(
        {
            "community": ledger["community"],
            "grant_type": gt,
            "receipts_fen": np.where(income, ledger["credit_fen"] - ledger["debit_fen"], 0),
            "spending_fen": np.where(expense, ledger["debit_fen"] - ledger["credit_fen"], 0),
        }
    ).loc[income | expense]
    booked = books.groupby(["community", "grant_type"], sort=True)[
        ["receipts_fen", "spending_fen"]
    ].sum()

    units = ledger.groupby("community", sort=True).agg(
        unit=("unit", "first"), last_date=("date", "max")
    )
    grants = allocations.assign(arrived_amount_fen=_arrived(allocations)).join(
        units, on="community"
    )
    grants = grants.loc[grants["unit"].notna()]
    counted = grants["arrived_date"].notna() & (
        pd.to_datetime(grants["arrived_date"]) <= grants["last_date"]
    )
    grants = grants.assign(arrived_in_period_fen=np.where(counted, grants["arrived_amount_fen"], 0))
    first = grants.drop_duplicates(["community", "grant_type"]).set_index(
        ["community", "grant_type"]
    )
    arrived = grants.groupby(["community", "grant_type"], sort=True).agg(
        allocated_fen=("amount_fen", "sum"), arrived_fen=("arrived_in_period_fen", "sum")
    )
    table = arrived.join(booked, how="outer").fillna(0).astype("int64")
    table = table.join(
        first[["unit", "source_file", "source_sheet", "source_row", "arrived_date"]]
    ).reset_index()
    unit_of = units["unit"]
    table["unit"] = text_of(table["unit"]).fillna(table["community"].map(unit_of)).astype("str")
    return table


def unreconciled_project_funds(
    ledger: pd.DataFrame,
    allocations: pd.DataFrame,
    rules: pd.DataFrame | None = None,
    *,
    income_prefix=_CHART["income"],
    expense_prefix=_CHART["expense"],
    project_prefixes=PROJECT_ACCOUNT_PREFIXES,
    closing_prefix=(),
) -> pd.DataFrame:
    """SEP-04: project spending above booked project receipts, or money arrived but not booked
    as a project receipt, per community and grant type."""
    table = project_balances(
        ledger,
        allocations,
        rules,
        income_prefix=income_prefix,
        expense_prefix=expense_prefix,
        project_prefixes=project_prefixes,
        closing_prefix=closing_prefix,
    )
    who = table["community"].astype("str") + table["grant_type"].astype("str")
    over = table.loc[table["spending_fen"] > table["receipts_fen"]]
    under = table.loc[table["arrived_fen"] > table["receipts_fen"]]
    parts = []
    if not over.empty:
        reason = (
            who.loc[over.index]
            + "项目支出累计"
            + yuan_text(over["spending_fen"]).to_numpy()
            + "元，超过账面项目收入"
            + yuan_text(over["receipts_fen"]).to_numpy()
            + "元，差额"
            + yuan_text(over["spending_fen"] - over["receipts_fen"]).to_numpy()
            + "元。"
        )
        parts.append(
            make_flags(over, "SEP-04", reason, over["spending_fen"] - over["receipts_fen"])
        )
    if not under.empty:
        reason = (
            who.loc[under.index]
            + "资金已到账"
            + yuan_text(under["arrived_fen"]).to_numpy()
            + "元，账面项目收入仅"
            + yuan_text(under["receipts_fen"]).to_numpy()
            + "元，"
            + yuan_text(under["arrived_fen"] - under["receipts_fen"]).to_numpy()
            + "元未作项目收入核算。"
        )
        parts.append(
            make_flags(
                under.assign(date=under["arrived_date"]),
                "SEP-04",
                reason,
                under["arrived_fen"] - under["receipts_fen"],
            )
        )
    return concat_flags(parts)


def check_separate_accounting(
    ledger: pd.DataFrame,
    allocations: pd.DataFrame,
    rules: pd.DataFrame,
    *,
    basic_expense_prefix=_CHART["basic_expense"],
    basic_income_prefix=_CHART["basic_income"],
    project_prefixes=PROJECT_ACCOUNT_PREFIXES,
    receipt_keywords=(),
    match_days: int = 30,
    income_prefix=_CHART["income"],
    expense_prefix=_CHART["expense"],
    closing_prefix=(),
) -> pd.DataFrame:
    """All separate-accounting checks (SEP-00 … SEP-04), flags concatenated.

    The account prefixes and ``receipt_keywords`` come from the year's project profile
    (``ProjectProfile.separate_accounting_options()``); the defaults are the 事业单位会计制度 chart
    with no receipt keywords (a receipt is then recognised by its grant type's name or amount).
    """
    ledger = prepare_ledger(ledger, allocations)
    return concat_flags(
        side_by_side(
            lambda: special_spending_in_basic(
                ledger, rules, allocations=allocations, basic_expense_prefix=basic_expense_prefix
            ),
            lambda: project_receipts_in_basic_income(
                ledger,
                allocations,
                basic_income_prefix=basic_income_prefix,
                receipt_keywords=receipt_keywords,
                match_days=match_days,
            ),
            lambda: units_without_project_ledger(
                ledger, allocations, project_prefixes=project_prefixes
            ),
            lambda: unreconciled_project_funds(
                ledger,
                allocations,
                rules,
                income_prefix=income_prefix,
                expense_prefix=expense_prefix,
                project_prefixes=project_prefixes,
                closing_prefix=closing_prefix,
            ),
        )
    )


def account_mixing_by_unit(flags: pd.DataFrame) -> pd.DataFrame:
    """Per community: the amounts behind each separate-accounting rule (data for the chart)."""
    sep = flags.loc[flags["rule"].isin(SEP_RULES)]
    columns = {
        "SEP-01": "basic_spending_fen",
        "SEP-02": "basic_income_fen",
        "SEP-03": "no_project_ledger_fen",
        "SEP-04": "unreconciled_fen",
    }
    key = sep["community"].fillna(sep["unit"]).rename("community")
    table = sep.assign(community=key).pivot_table(
        index="community",
        columns="rule",
        values="amount_fen",
        aggfunc="sum",
        fill_value=0,
        sort=True,
    )
    table = (
        table.reindex(columns=list(columns), fill_value=0).rename(columns=columns).astype("int64")
    )
    table["flags"] = (
        sep.assign(community=key)
        .groupby("community", sort=True)
        .size()
        .reindex(table.index)
        .astype("int64")
    )
    table.columns.name = None
    return table.reset_index()
