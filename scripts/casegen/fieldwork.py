"""The evaluators' filled-in 抽样清单 (fieldwork sheet) for a reconstructed case.

The selection is the one the sampling notebook makes with the year's committed parameters
(``data/raw/<year>/parameters.toml``): the generator calls the same library function, exports
the blank sheet with the library exporter and fills in what the evaluators would have found:

- every selected line that books special-fund spending under basic expenditure (the problem-3
  lines the compliance check flags) is 是否合规 = 否;
- a few statistically selected vouchers lack one of the documents their kind is evidenced by
  (parameter): payroll by 工资表 / 签领单, utilities by 缴费通知单 and 发票, works by 合同、验收单、
  发票, purchases by 发票 and 验收入库单 … (``VOUCHER_KINDS``); the note names what is missing;
- one statistically selected voucher of a kind evidenced by an invoice has an invoice that
  differs from the booked amount (never a payroll voucher: payroll carries no invoice);
- 是否经审批 = 是 for every voucher except those the case's facts say were not approved
  (``unapproved``: payments named by community, date and 摘要), when they are in the sample.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from jixiao import compliance, loading, paths
from jixiao.export import save_workbook
from jixiao.project_profile import year_profile
from jixiao.sampling import export_fieldwork
from jixiao.sampling.population import (
    SPECIAL_FUND,
    WHOLE_LEDGER,
    sampling_population,
    summarise_population,
)
from jixiao.sampling.select import item_ids
from jixiao.sampling.workflow import SamplingSettings, plan_and_select

SEPARATE_ACCOUNTING_SPENDING_RULE = "SEP-01"


@dataclass(frozen=True)
class VoucherKind:
    name: str
    pattern: str  # 摘要 words of the kind (regular expression)
    documents: str  # the 原始凭证 this kind of payment is evidenced by
    missing: str  # the note when the one that decides the payment is missing
    invoiced: bool = True  # evidenced by an invoice (an invoice can then disagree)


# First match wins: 工程 before 购置 (a works 尾款 is not a purchase), 采购 before 活动
# (活动物资采购 is a purchase).
VOUCHER_KINDS = (
    VoucherKind("工资", "工资|津贴|绩效|劳务报酬", "工资表、签领单", "未附工资签领单", False),
    VoucherKind(
        "公用事业", "水电|电费|水费|电话费|网络费|物业费|燃气", "缴费通知单、发票", "未附缴费通知单"
    ),
    VoucherKind("工程", "工程|装修|改造|维修", "合同、验收单、发票", "未附工程验收单"),
    VoucherKind("培训", "培训", "培训通知、签到表、发票", "未附培训签到表"),
    VoucherKind("服务", "服务费|孵化|创投|资助", "服务协议、服务记录、发票", "未附服务协议"),
    VoucherKind("采购", "购置|采购|购买|设备|家具|设施", "发票、验收入库单", "未附验收入库单"),
    VoucherKind(
        "活动", "活动|慰问|宣传|印刷", "活动方案、签到表或发放签领单、发票", "未附活动签到表"
    ),
    VoucherKind("差旅", "差旅|交通", "审批单、车票及住宿发票", "未附差旅审批单"),
)
OTHER_KIND = VoucherKind("其他", "", "发票", "未附发票")


def voucher_kinds(summary: pd.Series) -> pd.Series:
    """The kind (``VOUCHER_KINDS`` name, else 其他) of each voucher by its 摘要."""
    kinds = pd.Series(OTHER_KIND.name, index=summary.index, dtype="str")
    text = summary.astype("str").fillna("")
    for kind in reversed(VOUCHER_KINDS):  # reversed, so the first listed kind wins
        kinds = kinds.mask(text.str.contains(kind.pattern, regex=True), kind.name)
    return kinds


def settings_from_parameters(year: int, parameters_file: Path | None = None) -> SamplingSettings:
    """The sampling settings a year's parameters.toml gives the notebook (``parameters_file``:
    read that file instead of ``data/raw/<year>/parameters.toml``, e.g. a case written elsewhere)."""
    file = parameters_file or paths.raw_dir(year) / "parameters.toml"
    params = tomllib.loads(file.read_text(encoding="utf-8"))
    sampling = params.get("sampling", {})
    threshold = sampling.get("key_item_threshold_yuan")
    accounts = year_profile(year).accounts
    return SamplingSettings(
        seed=int(params.get("seed", sampling.get("seed", 0))),
        method=sampling.get("method", "mus"),
        confidence=float(sampling.get("confidence", 0.95)),
        tolerable_rate=float(sampling.get("tolerable_rate", 0.05)),
        expected_rate=float(sampling.get("expected_rate", 0.0)),
        tolerable_misstatement_ratio=float(sampling.get("tolerable_misstatement_ratio", 0.05)),
        key_item_threshold_fen=None if threshold is None else int(round(float(threshold) * 100)),
        include_flagged=bool(sampling.get("include_flagged", True)),
        strata_by=sampling.get("strata_by") or None,
        population=sampling.get("population", SPECIAL_FUND),  # the notebook's default
        expense_accounts=accounts["expense"],
        project_expense_accounts=accounts["project_expense"],
    )


def write_filled_fieldwork(
    raw_folder: Path,
    year: int,
    target: Path,
    *,
    seed: int,
    missing_documents: int = 2,
    misstatement_share: float = 0.1,
    timestamp: dt.datetime,
    parameters_file: Path | None = None,
    unapproved: tuple[tuple[str, dt.date, str], ...] = (),
) -> dict:
    """Select as the notebook does from the ledgers in ``raw_folder``, then fill in the findings.

    ``unapproved``: (community, date, 摘要) of payments made without approval; a sampled line
    matching one is 是否经审批 = 否."""
    allocations = loading.load_allocations(next(raw_folder.glob("资金下达*.xlsx"))).data
    ledger = loading.load_ledgers(sorted(raw_folder.glob("明细账*"))).data
    flags = compliance.check_separate_accounting(
        ledger,
        allocations,
        compliance.load_scope_rules(year=year),
        **year_profile(year).separate_accounting_options(),
    )
    settings = settings_from_parameters(year, parameters_file)
    population, _, selection = plan_and_select(ledger, settings, flags)
    population_summary = summarise_population(population, selection.sample, settings.definition)
    whole = replace(settings, population=WHOLE_LEDGER)
    whole_ledger = sampling_population(ledger, whole.definition)
    export_fieldwork(selection, target, population=population_summary)

    sample = selection.sample.reset_index(drop=True)
    ids = item_ids(sample)
    flagged_lines = flags[flags["rule"] == SEPARATE_ACCOUNTING_SPENDING_RULE]
    non_compliant = ids.isin(item_ids(flagged_lines)).to_numpy()
    kinds = voucher_kinds(sample["summary"])
    by_name = {kind.name: kind for kind in (*VOUCHER_KINDS, OTHER_KIND)}
    invoiced = kinds.map({k.name: k.invoiced for k in by_name.values()}).to_numpy(dtype=bool)
    rng = np.random.default_rng(seed)
    statistical = sample["statistical"].to_numpy(dtype=bool) & ~non_compliant
    picks = rng.choice(np.flatnonzero(statistical), size=missing_documents, replace=False)
    no_documents = set(picks.tolist())
    # The invoice that disagrees: a statistically drawn voucher evidenced by an invoice.
    candidates = np.flatnonzero(statistical & invoiced & ~np.isin(np.arange(len(sample)), picks))
    misstated = int(rng.choice(candidates))
    not_approved = np.zeros(len(sample), dtype=bool)
    for community, date, summary in unapproved:  # a handful of named payments
        not_approved |= (
            sample["unit"].str.contains(community, regex=False)
            & sample["date"].eq(pd.Timestamp(date))
            & sample["summary"].eq(summary)
        ).to_numpy()

    workbook = load_workbook(target)
    sheet = workbook["抽样清单"]
    header = {cell.value: cell.column for cell in sheet[1]}
    for index in range(len(sample)):
        row = index + 2
        kind = by_name[kinds.iloc[index]]
        amount_fen = int(sample.loc[index, "amount_fen"])
        misstatement_fen = int(round(amount_fen * misstatement_share)) if index == misstated else 0
        documents = "否" if index in no_documents else "是"
        approved = "否" if not_approved[index] else "是"
        compliant = "否" if non_compliant[index] else "是"
        if non_compliant[index]:
            note = f"已核对{kind.documents}；专项资金支出记入基本支出科目，未单独核算"
        elif index in no_documents:
            note = kind.missing
        elif index == misstated:
            note = f"已核对{kind.documents}；发票金额与记账金额不符"
        else:
            note = f"已核对{kind.documents}"
        if not_approved[index]:
            note = "；".join(n for n in (note, "未经审批") if n)
        sheet.cell(row=row, column=header["原始凭证是否齐全"], value=documents)
        sheet.cell(row=row, column=header["是否经审批"], value=approved)
        sheet.cell(row=row, column=header["是否合规"], value=compliant)
        sheet.cell(
            row=row, column=header["审定金额（元）"], value=(amount_fen - misstatement_fen) / 100
        )
        sheet.cell(row=row, column=header["差错金额（元）"], value=misstatement_fen / 100)
        sheet.cell(row=row, column=header["备注"], value=note)
    save_workbook(workbook, target, timestamp=timestamp)
    return {
        "items": len(sample),
        "non_compliant": int(non_compliant.sum()),
        "missing_documents": len(no_documents),
        "unapproved": int(not_approved.sum()),
        "misstated_item": misstated + 1,
        "misstated_kind": kinds.iloc[misstated],
        "missing_kinds": "、".join(sorted({by_name[kinds.iloc[i]].missing for i in no_documents})),
        "population": population_summary,
        "whole_ledger_lines": len(whole_ledger),
        "whole_ledger_fen": int(whole_ledger["amount_fen"].sum()),
    }
