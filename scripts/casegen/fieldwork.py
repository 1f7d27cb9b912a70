"""The evaluators' filled-in 抽样清单 (fieldwork sheet) for a reconstructed case.

The selection is the one the sampling notebook makes with the year's committed parameters
(``data/raw/<year>/parameters.toml``): the generator calls the same library function, exports
the blank sheet with the library exporter and fills in what the evaluators would have found:

- every selected line that books special-fund spending under basic expenditure (the problem-3
  lines the compliance check flags) is 是否合规 = 否;
- a few statistically selected vouchers lack 原始凭证 (parameter);
- one statistically selected voucher has an invoice that differs from the booked amount;
- 是否经审批 = 是 for every voucher except those the case's facts say were not approved
  (``unapproved``: payments named by community, date and 摘要), when they are in the sample.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from jixiao import compliance, loading, paths
from jixiao.export import save_workbook
from jixiao.project_profile import year_profile
from jixiao.sampling import export_fieldwork
from jixiao.sampling.select import item_ids
from jixiao.sampling.workflow import SamplingSettings, plan_and_select

SEPARATE_ACCOUNTING_SPENDING_RULE = "SEP-01"


def settings_from_parameters(year: int, parameters_file: Path | None = None) -> SamplingSettings:
    """The sampling settings a year's parameters.toml gives the notebook (``parameters_file``:
    read that file instead of ``data/raw/<year>/parameters.toml``, e.g. a case written elsewhere)."""
    file = parameters_file or paths.raw_dir(year) / "parameters.toml"
    params = tomllib.loads(file.read_text(encoding="utf-8"))
    sampling = params.get("sampling", {})
    threshold = sampling.get("key_item_threshold_yuan")
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
    _, _, selection = plan_and_select(
        ledger, settings_from_parameters(year, parameters_file), flags
    )
    export_fieldwork(selection, target)

    sample = selection.sample.reset_index(drop=True)
    ids = item_ids(sample)
    flagged_lines = flags[flags["rule"] == SEPARATE_ACCOUNTING_SPENDING_RULE]
    non_compliant = ids.isin(item_ids(flagged_lines)).to_numpy()
    rng = np.random.default_rng(seed)
    statistical = np.flatnonzero(sample["statistical"].to_numpy(dtype=bool) & ~non_compliant)
    picks = rng.choice(statistical, size=missing_documents + 1, replace=False)
    no_documents, misstated = set(picks[:missing_documents].tolist()), int(picks[-1])
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
        amount_fen = int(sample.loc[index, "amount_fen"])
        misstatement_fen = int(round(amount_fen * misstatement_share)) if index == misstated else 0
        documents = "否" if index in no_documents else "是"
        approved = "否" if not_approved[index] else "是"
        compliant = "否" if non_compliant[index] else "是"
        note = ""
        if non_compliant[index]:
            note = "专项资金支出记入基本支出科目，未单独核算"
        elif index in no_documents:
            note = "未附发票及验收单"
        elif index == misstated:
            note = "发票金额与记账金额不符"
        if not_approved[index]:
            note = "；".join(n for n in (note, "未经审批") if n)
        sheet.cell(row=row, column=header["原始凭证是否齐全"], value=documents)
        sheet.cell(row=row, column=header["是否经审批"], value=approved)
        sheet.cell(row=row, column=header["是否合规"], value=compliant)
        sheet.cell(
            row=row, column=header["审定金额（元）"], value=(amount_fen - misstatement_fen) / 100
        )
        sheet.cell(row=row, column=header["差错金额（元）"], value=misstatement_fen / 100)
        if note:
            sheet.cell(row=row, column=header["备注"], value=note)
    save_workbook(workbook, target, timestamp=timestamp)
    return {
        "items": len(sample),
        "non_compliant": int(non_compliant.sum()),
        "missing_documents": len(no_documents),
        "unapproved": int(not_approved.sum()),
        "misstated_item": misstated + 1,
    }
