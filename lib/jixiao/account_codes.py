"""Account codes (科目编码) as the checks compare them.

Ledgers write the same account in several ways: ``500102`` (用友), ``5001.02`` (金蝶),
``5001-02`` or ``5001 02``. The loader keeps the code as the export shows it in
``account_code`` (evidence quotes it) and adds ``account_key``, the code with its separators
removed; every rule that selects accounts by prefix compares keys with keys, so a rule written
``500102`` finds ``5001.02`` and the other way round.
"""

from __future__ import annotations

import pandas as pd

# Separators between the levels of an account code: . - _ / · and spaces (after NFKC, so the
# full-width forms are already half-width).
CODE_SEPARATORS = r"[.\-_/·\s]"


def account_key(codes: pd.Series) -> pd.Series:
    """The comparison key of each code: separators removed (NA stays NA)."""
    return codes.astype("str").str.replace(CODE_SEPARATORS, "", regex=True)


def key_of_prefix(prefix: object) -> str:
    return account_key(pd.Series([str(prefix)])).iloc[0]


def on_accounts(ledger: pd.DataFrame, prefixes) -> pd.Series:
    """True for the lines whose account starts with one of ``prefixes`` (compared as keys).

    Uses the ledger's ``account_key`` column when the loader made one, else derives it.
    ``prefixes`` is one code or several.
    """
    if isinstance(prefixes, str):
        prefixes = (prefixes,)
    keys = tuple(k for k in (key_of_prefix(p) for p in prefixes if str(p).strip()) if k)
    if not keys:
        return pd.Series(False, index=ledger.index)
    codes = (
        ledger["account_key"]
        if "account_key" in ledger.columns
        else account_key(ledger["account_code"])
    )
    return codes.astype("str").str.startswith(keys).fillna(False).astype(bool)
