"""Voucher evidence from the fieldwork sheet: sampled vouchers lacking 原始凭证 or judged
non-compliant become findings (EVD-01, EVD-02).

The input is the canonical fieldwork frame the sampling step produces: one row per sampled
voucher with ``unit``, ``voucher``, provenance, ``documents_complete`` (bool),
``compliant`` (bool) and ``misstatement_fen``. A missing answer (not yet checked) is not a
finding.
"""

from __future__ import annotations

import pandas as pd

from .common import concat_flags, make_flags, require_columns, yuan_text

FIELDWORK_COLUMNS = ("unit", "voucher", "source_file", "source_sheet", "source_row", "documents_complete", "compliant", "misstatement_fen")


def voucher_evidence_findings(fieldwork: pd.DataFrame) -> pd.DataFrame:
    """EVD-01 for vouchers without 原始凭证, EVD-02 for vouchers judged non-compliant."""
    require_columns(fieldwork, FIELDWORK_COLUMNS, "凭证抽查表")
    misstatement = pd.Series(fieldwork["misstatement_fen"], dtype="Int64").fillna(0).astype("int64")
    label = fieldwork["unit"].fillna("").astype("str") + "凭证" + fieldwork["voucher"].fillna("").astype("str")
    no_docs = pd.Series(fieldwork["documents_complete"], dtype="boolean").eq(False).fillna(False).astype(bool)
    bad = pd.Series(fieldwork["compliant"], dtype="boolean").eq(False).fillna(False).astype(bool)
    yuan = pd.Series(yuan_text(misstatement).to_numpy(), index=fieldwork.index, dtype="str")
    amount_text = ("，错报金额" + yuan + "元").where(misstatement != 0, "")
    parts = [
        make_flags(fieldwork.loc[no_docs], "EVD-01", label[no_docs] + "未附原始凭证" + amount_text[no_docs] + "。", misstatement[no_docs]),
        make_flags(fieldwork.loc[bad], "EVD-02", label[bad] + "经抽查不合规" + amount_text[bad] + "。", misstatement[bad]),
    ]
    return concat_flags(parts)
