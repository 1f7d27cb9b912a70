"""Voucher evidence from the fieldwork sheet: sampled vouchers lacking 原始凭证 (EVD-01), judged
non-compliant (EVD-02) or lacking approval (EVD-03) become findings.

The input is the canonical fieldwork frame the sampling step produces
(:func:`jixiao.sampling.workflow.fieldwork_for_compliance`): one row per sampled voucher with
``unit``, ``date``, ``voucher``, ``summary``, the booked ``amount_fen``, the ledger line it came
from (``source_file`` / ``source_sheet`` / ``source_row``), the row of the filled-in 抽样清单
(``fieldwork_file`` / ``fieldwork_sheet`` / ``fieldwork_row``), the answers
``documents_complete`` / ``approved`` / ``compliant`` (bool), ``misstatement_fen`` and ``note``.
A missing answer (not yet checked, or a sheet without the 是否经审批 column) is not a finding.

Each flag's amount is the booked amount of the voucher; a misstatement is named in the reason.
Its evidence is the 抽样清单 row where the evaluator recorded the answer (the ledger line when
the frame has no fieldwork row); the reason cites the ledger line. Units are mapped to their
community as the separate-accounting checks do (:func:`.attribution.with_community`), so one
community's findings group together in the register.
"""

from __future__ import annotations

import pandas as pd

from .attribution import with_community
from .common import (
    blank,
    concat_flags,
    date_text,
    make_flags,
    require_columns,
    yuan_text,
)

FIELDWORK_COLUMNS = (
    "unit",
    "voucher",
    "amount_fen",
    "source_file",
    "source_sheet",
    "source_row",
    "documents_complete",
    "compliant",
    "misstatement_fen",
)
EVIDENCE_CHECKS = (
    ("EVD-01", "documents_complete", "未附齐原始凭证"),
    ("EVD-02", "compliant", "经抽查不合规"),
    ("EVD-03", "approved", "未经审批"),
)


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column in frame.columns:
        return frame[column].astype("str").fillna("").str.strip()
    return pd.Series("", index=frame.index, dtype="str")


def _answered_no(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(False, index=frame.index)
    return pd.Series(frame[column], dtype="boolean").eq(False).fillna(False).astype(bool)


def voucher_label(fieldwork: pd.DataFrame) -> pd.Series:
    """ "2017-05 付-1": voucher numbers restart every month, so the month is part of the name."""
    voucher = _text(fieldwork, "voucher")
    if "date" not in fieldwork.columns:
        return voucher
    month = pd.to_datetime(fieldwork["date"]).dt.strftime("%Y-%m").astype("str").fillna("")
    return (month + " " + voucher).str.strip()


def _ledger_ref(fieldwork: pd.DataFrame) -> pd.Series:
    file = _text(fieldwork, "source_file")
    sheet = _text(fieldwork, "source_sheet")
    row = pd.Series(fieldwork["source_row"], dtype="Int64").astype("str").fillna("")
    text = (
        file + (" / " + sheet).where(sheet != "", "") + (" / 第" + row + "行").where(row != "", "")
    )
    return text.where(file != "", "")


def voucher_evidence_findings(
    fieldwork: pd.DataFrame, allocations: pd.DataFrame | None = None
) -> pd.DataFrame:
    """EVD-01 for vouchers without complete 原始凭证, EVD-02 for vouchers judged non-compliant,
    EVD-03 for vouchers without approval. With ``allocations`` each unit gets its community."""
    require_columns(fieldwork, FIELDWORK_COLUMNS, "凭证抽查表")
    frame = with_community(fieldwork, allocations) if allocations is not None else fieldwork
    booked = pd.Series(frame["amount_fen"], dtype="Int64").fillna(0).astype("int64")
    misstatement = pd.Series(frame["misstatement_fen"], dtype="Int64").fillna(0).astype("int64")

    summary = _text(frame, "summary")
    dated = (
        pd.Series(date_text(frame["date"]).to_numpy(), index=frame.index, dtype="str")
        if "date" in frame.columns
        else ""
    )
    ledger_ref = _ledger_ref(frame)
    details = (
        dated
        + ("“" + summary + "”").where(summary != "", "")
        + "，记账金额"
        + pd.Series(yuan_text(booked).to_numpy(), index=frame.index, dtype="str")
        + "元"
        + ("，" + ledger_ref).where(ledger_ref != "", "")
    ).str.lstrip("，")
    label = _text(frame, "unit") + "凭证" + voucher_label(frame) + "（" + details + "）"
    misstated = (
        "，差错金额"
        + pd.Series(yuan_text(misstatement).to_numpy(), index=frame.index, dtype="str")
        + "元"
    ).where(misstatement != 0, "")
    note = _text(frame, "note")
    remark = ("；评价组备注：" + note).where(note != "", "")

    # Evidence: the row of the filled-in 抽样清单 where the answer was recorded.
    cite = frame
    if "fieldwork_file" in frame.columns:
        has_row = ~blank(frame["fieldwork_file"])
        cite = frame.assign(
            source_file=frame["fieldwork_file"].where(has_row, frame["source_file"]),
            source_sheet=frame["fieldwork_sheet"].where(has_row, frame["source_sheet"]),
            source_row=pd.Series(frame["fieldwork_row"], dtype="Int64").where(
                has_row, pd.Series(frame["source_row"], dtype="Int64")
            ),
        )
    parts = []
    for rule, column, what in EVIDENCE_CHECKS:  # three fixed checks, each vectorised
        hit = _answered_no(frame, column)
        reason = label[hit] + what + misstated[hit] + remark[hit] + "。"
        parts.append(make_flags(cite.loc[hit], rule, reason, booked[hit]))
    return concat_flags(parts)
