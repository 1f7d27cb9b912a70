"""Scope and amount: is special-fund money spent on what the grant type allows, within the
allocation and within the grant period?

What each grant type allows is an editable table (资金类型 → allowed account prefixes, allowed
and forbidden 摘要 keywords). The library ships a default in ``templates/scope_rules.csv``;
a year overrides it with ``data/raw/<year>/范围规则.csv`` (or ``.xlsx``).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from jixiao import paths
from jixiao.account_codes import closing_lines, on_accounts
from jixiao.concurrency import side_by_side
from jixiao.delimited import read_settings_csv
from jixiao.errors import InputError, ParameterError
from jixiao.project_profile import ACCOUNT_PRESETS

from .attribution import prepare_ledger, resolve_grant_type
from .common import (
    as_timestamp,
    concat_flags,
    contains_any,
    date_text,
    empty_flags,
    first_match,
    line_opening,
    make_flags,
    require_columns,
    yuan_text,
)
from .keys import group_ids, join_text, text_of

SCOPE_RULE_HEADERS = {
    "grant_type": "资金类型",
    "account_prefixes": "允许科目编码前缀",
    "allowed_keywords": "允许摘要关键词",
    "forbidden_keywords": "禁止摘要关键词",
    "note": "说明",
}
SCOPE_RULES_GLOBS = ("范围规则*.csv", "范围规则*.xlsx")
_LIST_SEPARATORS = re.compile(r"[、,，;；/\s]+")

# The 事业单位会计制度 preset's accounts; callers pass the year's chart (project.toml).
_EXPENSE_CLASS = ACCOUNT_PRESETS["事业单位会计制度"]["expense"]
PROJECT_ACCOUNT_PREFIXES = (
    ACCOUNT_PRESETS["事业单位会计制度"]["project_income"]
    + ACCOUNT_PRESETS["事业单位会计制度"]["project_expense"]
)


def scope_rules_path(year: int | str | None = None) -> Path | None:
    """The year's own 范围规则 file in its raw folder, if there is one."""
    if year is not None:
        folder = paths.raw_dir(year)
        for pattern in SCOPE_RULES_GLOBS:
            found = sorted(folder.glob(pattern)) if folder.is_dir() else []
            if found:
                return found[0]
    return None


def _split(cell) -> tuple[str, ...]:
    text = "" if cell is None or (isinstance(cell, float) and np.isnan(cell)) else str(cell)
    return tuple(p for p in _LIST_SEPARATORS.split(text.strip()) if p)


def parse_scope_rules(
    raw: pd.DataFrame, *, file: str = "范围规则", sheet: str | None = None
) -> pd.DataFrame:
    """Chinese-headed rules table → one row per grant type with tuple-valued rule columns."""
    by_header = {v: k for k, v in SCOPE_RULE_HEADERS.items()}
    frame = raw.rename(columns=lambda h: by_header.get(str(h).strip(), str(h).strip()))
    for required in ("grant_type", "account_prefixes", "allowed_keywords"):
        if required not in frame.columns:
            raise InputError(
                f"缺少列“{SCOPE_RULE_HEADERS[required]}”",
                file=file,
                sheet=sheet,
                column=SCOPE_RULE_HEADERS[required],
            )
    for optional in ("forbidden_keywords", "note"):
        if optional not in frame.columns:
            frame[optional] = ""
    frame = frame.fillna("").astype("str")
    excel_rows = pd.Series(frame.index + 2, index=frame.index)  # header on row 1
    frame["grant_type"] = frame["grant_type"].str.strip()
    empty = frame["grant_type"] == ""
    filled_elsewhere = (
        frame.drop(columns=["grant_type"]).apply(lambda col: col.str.strip() != "").any(axis=1)
    )
    if bool((empty & filled_elsewhere).any()):
        row = int(excel_rows[empty & filled_elsewhere].iloc[0])
        raise InputError(
            "资金类型为空", file=file, sheet=sheet, row=row, column=SCOPE_RULE_HEADERS["grant_type"]
        )
    frame = frame.loc[~empty]
    dup = frame["grant_type"].duplicated()
    if bool(dup.any()):
        row = int(excel_rows[dup[dup].index[0]])
        raise InputError(
            f"资金类型“{frame.loc[dup, 'grant_type'].iloc[0]}”重复出现",
            file=file,
            sheet=sheet,
            row=row,
            column=SCOPE_RULE_HEADERS["grant_type"],
        )
    for col in ("account_prefixes", "allowed_keywords", "forbidden_keywords"):
        frame[col] = frame[col].map(_split).astype("object")
    bad = frame["account_prefixes"].map(lambda ps: any(not p.isdigit() for p in ps))
    if bool(bad.any()):
        first = bad[bad].index[0]
        raise InputError(
            f"科目编码前缀应为数字：{'、'.join(frame.at[first, 'account_prefixes'])}",
            file=file,
            sheet=sheet,
            row=int(excel_rows[first]),
            column=SCOPE_RULE_HEADERS["account_prefixes"],
        )
    return frame.loc[:, list(SCOPE_RULE_HEADERS)].reset_index(drop=True)


def load_scope_rules(
    path: Path | str | None = None, *, year: int | str | None = None
) -> pd.DataFrame:
    """The scope rules: ``path`` (CSV in UTF-8 or an .xlsx with the Chinese headers); else the
    year's 范围规则 file; else the grant types of the year's project profile (project.toml).
    A year with neither is an :class:`InputError` saying where to write them."""
    if path is None:
        path = scope_rules_path(year)
    if path is None:
        if year is None:
            raise InputError("没有指定范围规则：请给出文件，或指定年度以读取该年度的项目概况")
        from jixiao.project_profile import PROFILE_FILE, year_profile

        if not (paths.raw_dir(year) / PROFILE_FILE).is_file():
            raise InputError(
                f"{year} 年没有范围规则：请在 {PROFILE_FILE} 的 [[grant_types]] 中写明各资金类型的"
                "允许科目、允许和禁止的摘要关键词，或放入「范围规则_<年度>.csv」",
                file=paths.raw_dir(year),
            )
        return parse_scope_rules(year_profile(year).scope_rules_table(), file=PROFILE_FILE)
    path = Path(path)
    if not path.is_file():
        raise InputError("找不到范围规则文件", file=path)
    if path.suffix.lower() == ".xlsx":
        raw = pd.read_excel(path, dtype="str", engine="calamine")
    else:
        raw = read_settings_csv(path)
    return parse_scope_rules(raw, file=path.name)


def all_scope_keywords(rules: pd.DataFrame) -> pd.DataFrame:
    """(grant_type, keyword) pairs of the allowed keywords, in rule order."""
    return (
        rules.loc[:, ["grant_type", "allowed_keywords"]]
        .explode("allowed_keywords")
        .dropna()
        .rename(columns={"allowed_keywords": "keyword"})
        .reset_index(drop=True)
    )


def project_spending(
    ledger: pd.DataFrame,
    allocations: pd.DataFrame | None,
    rules: pd.DataFrame,
    *,
    expense_prefix=_EXPENSE_CLASS,
    project_prefixes=PROJECT_ACCOUNT_PREFIXES,
    closing_prefix=(),
) -> pd.DataFrame:
    """Expense lines attributable to a grant type, with ``grant_type`` and net ``spend_fen``;
    the lines of closing vouchers (期末结转, on ``closing_prefix`` accounts) are not spending.

    The SCP checks take this frame as ``spending=`` when the caller has it already.
    """
    require_columns(ledger, ("unit", "date", "account_code", "debit_fen", "credit_fen"), "明细账")
    ledger = prepare_ledger(ledger, allocations)
    grant_types = list(rules["grant_type"])
    if allocations is not None and not allocations.empty:
        grant_types += [
            g
            for g in pd.unique(allocations["grant_type"].dropna().astype("str"))
            if g not in grant_types
        ]
    expense = on_accounts(ledger, expense_prefix) & ~closing_lines(ledger, closing_prefix)
    lines = ledger.loc[expense]
    gt = resolve_grant_type(lines, allocations, grant_types, project_prefixes)
    lines = lines.assign(grant_type=gt).loc[gt.notna()]
    return lines.assign(spend_fen=(lines["debit_fen"] - lines["credit_fen"]).astype("int64"))


def out_of_scope_spending(
    ledger: pd.DataFrame,
    rules: pd.DataFrame,
    *,
    allocations: pd.DataFrame | None = None,
    expense_prefix=_EXPENSE_CLASS,
    project_prefixes=PROJECT_ACCOUNT_PREFIXES,
    spending: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """SCP-01: project spending on an account, or with a 摘要, its grant type does not allow.

    A line is out of scope when its account does not start with an allowed prefix, when its
    摘要 has none of the allowed keywords (if the rule lists any), or when it has a forbidden one.
    """
    spend = (
        spending
        if spending is not None
        else project_spending(
            ledger,
            allocations,
            rules,
            expense_prefix=expense_prefix,
            project_prefixes=project_prefixes,
        )
    )
    spend = spend.loc[spend["debit_fen"] > 0]
    parts = []
    summary = (
        spend["summary"]
        if "summary" in spend.columns
        else pd.Series("", index=spend.index, dtype="str")
    )
    for rule in rules.itertuples(index=False):  # one pass per grant type
        mine = spend["grant_type"] == rule.grant_type
        if not bool(mine.any()):
            continue
        lines = spend.loc[mine]
        text = summary.loc[mine]
        bad_account = (
            ~on_accounts(lines, rule.account_prefixes)
            if rule.account_prefixes
            else pd.Series(False, index=lines.index)
        )
        no_keyword = (
            ~contains_any(text, rule.allowed_keywords)
            if rule.allowed_keywords
            else pd.Series(False, index=lines.index)
        )
        forbidden_word = first_match(text, rule.forbidden_keywords)
        forbidden = forbidden_word.notna()
        hit = bad_account | no_keyword | forbidden
        if not bool(hit.any()):
            continue
        lines = lines.loc[hit]
        why = pd.Series("", index=lines.index, dtype="str")
        why = why + (
            "科目"
            + lines["account_code"].astype("str")
            + "不属于允许的科目（"
            + "、".join(rule.account_prefixes)
            + "）；"
        ).where(bad_account[hit], "")
        why = why + pd.Series("摘要未体现允许的用途；", index=lines.index, dtype="str").where(
            no_keyword[hit], ""
        )
        why = why + ("摘要含禁止用途“" + forbidden_word[hit].fillna("") + "”；").where(
            forbidden[hit], ""
        )
        reason = join_text(
            lines["unit"],
            date_text(lines["date"]),
            "“",
            text_of(text.loc[lines.index]).fillna(""),
            "”",
            yuan_text(lines["debit_fen"]),
            "元记入" + rule.grant_type + "项目：",
            why.str.rstrip("；"),
            "。",
            index=lines.index,
        )
        parts.append(make_flags(lines, "SCP-01", reason, lines["debit_fen"]))
    if not parts:
        return empty_flags()
    return pd.concat(parts, ignore_index=True)


def spending_above_allocation(
    ledger: pd.DataFrame,
    allocations: pd.DataFrame,
    rules: pd.DataFrame,
    *,
    expense_prefix=_EXPENSE_CLASS,
    project_prefixes=PROJECT_ACCOUNT_PREFIXES,
    spending: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """SCP-02: project spending per community and grant type beyond the allocated amount.

    Lines are taken in date order; the line at which cumulative spending passes the allocation
    carries the excess part, every later line its whole amount, so the flagged amounts add up to
    the total excess.
    """
    spend = (
        spending
        if spending is not None
        else project_spending(
            ledger,
            allocations,
            rules,
            expense_prefix=expense_prefix,
            project_prefixes=project_prefixes,
        )
    )
    if spend.empty:
        return empty_flags()
    allocated = (
        allocations.groupby(["community", "grant_type"], sort=True)["amount_fen"]
        .sum()
        .rename("allocated_fen")
    )
    spend = spend.sort_values(
        ["community", "grant_type", "date", "source_file", "source_row"], kind="stable"
    )
    # The allocation looked up once per distinct (community, grant type), spread by position.
    pair = group_ids(spend["community"], spend["grant_type"], missing_is_value=True)
    _, first = np.unique(pair, return_index=True)
    pairs = spend.iloc[first][["community", "grant_type"]].astype("str")
    looked_up = pairs.join(allocated, on=["community", "grant_type"])["allocated_fen"]
    spend["allocated_fen"] = looked_up.fillna(0).to_numpy(dtype="int64")[pair]
    spend["cum_fen"] = spend.groupby(["community", "grant_type"], sort=False, dropna=False)[
        "spend_fen"
    ].cumsum()
    before = spend["cum_fen"] - spend["spend_fen"]
    excess = (spend["cum_fen"] - np.maximum(before, spend["allocated_fen"])).clip(lower=0)
    lines = spend.loc[(excess > 0) & (spend["spend_fen"] > 0)]
    if lines.empty:
        return empty_flags()
    total = lines.groupby(["community", "grant_type"], sort=False, dropna=False)[
        "cum_fen"
    ].transform("max")  # a unit with no community is a group of its own, as in the running sums
    reason = join_text(
        text_of(lines["community"]).fillna(text_of(lines["unit"])),
        lines["grant_type"],
        "项目下达",
        yuan_text(lines["allocated_fen"], repeating=True),
        "元，项目支出累计",
        yuan_text(total, repeating=True),
        "元；",
        date_text(lines["date"]),
        "“",
        text_of(lines["summary"]).fillna(""),
        "”起超出下达金额。",
        index=lines.index,
    )
    return make_flags(lines, "SCP-02", reason, excess.loc[lines.index])


def spending_after_period(
    ledger: pd.DataFrame,
    rules: pd.DataFrame,
    *,
    period_end,
    allocations: pd.DataFrame | None = None,
    expense_prefix=_EXPENSE_CLASS,
    project_prefixes=PROJECT_ACCOUNT_PREFIXES,
    spending: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """SCP-03: project spending dated after the grant period.

    ``period_end`` is one date for every grant type or a mapping grant type → date.
    """
    spend = (
        spending
        if spending is not None
        else project_spending(
            ledger,
            allocations,
            rules,
            expense_prefix=expense_prefix,
            project_prefixes=project_prefixes,
        )
    )
    spend = spend.loc[spend["debit_fen"] > 0]
    if isinstance(period_end, dict):
        ends = {str(k): as_timestamp(v, f"period_end[{k}]") for k, v in period_end.items()}
        missing = sorted(set(spend["grant_type"].dropna()) - set(ends))
        if missing:
            raise ParameterError(f"period_end 未给出以下资金类型的截止日期：{'、'.join(missing)}")
        end = spend["grant_type"].map(ends).astype("datetime64[us]")
    else:
        end = pd.Series(as_timestamp(period_end, "period_end"), index=spend.index).astype(
            "datetime64[us]"
        )
    late = spend["date"] > end
    lines = spend.loc[late]
    if lines.empty:
        return empty_flags()
    reason = join_text(
        *line_opening(lines, lines["debit_fen"]),
        "元记入",
        lines["grant_type"],
        "项目，晚于项目期限",
        date_text(end.loc[lines.index]),
        "。",
        index=lines.index,
    )
    return make_flags(lines, "SCP-03", reason, lines["debit_fen"])


def check_scope(
    ledger: pd.DataFrame,
    allocations: pd.DataFrame,
    rules: pd.DataFrame,
    *,
    period_end,
    expense_prefix=_EXPENSE_CLASS,
    project_prefixes=PROJECT_ACCOUNT_PREFIXES,
    closing_prefix=(),
) -> pd.DataFrame:
    """All scope and amount checks, flags concatenated (the project's spending found once)."""
    ledger = prepare_ledger(ledger, allocations)
    accounts = dict(expense_prefix=expense_prefix, project_prefixes=project_prefixes)
    spending = project_spending(
        ledger, allocations, rules, closing_prefix=closing_prefix, **accounts
    )
    shared = dict(accounts, spending=spending)
    parts = side_by_side(
        lambda: out_of_scope_spending(ledger, rules, allocations=allocations, **shared),
        lambda: spending_above_allocation(ledger, allocations, rules, **shared),
        lambda: spending_after_period(
            ledger, rules, period_end=period_end, allocations=allocations, **shared
        ),
    )
    return concat_flags(parts)


__all__ = [
    "SCOPE_RULE_HEADERS",
    "all_scope_keywords",
    "check_scope",
    "load_scope_rules",
    "out_of_scope_spending",
    "parse_scope_rules",
    "project_spending",
    "scope_rules_path",
    "spending_above_allocation",
    "spending_after_period",
]
