"""Account codes (科目编码) as the checks compare them.

Ledgers write the same account in several ways: ``500102`` (用友), ``5001.02`` (金蝶),
``5001-02`` or ``5001 02``. The loader keeps the code as the export shows it in
``account_code`` (evidence quotes it) and adds ``account_key``, the code with its separators
removed; every rule that selects accounts by prefix compares keys with keys, so a rule written
``500102`` finds ``5001.02`` and the other way round.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jixiao.distinct import per_distinct

# Separators between the levels of an account code: . - _ / · and spaces (after NFKC, so the
# full-width forms are already half-width).
CODE_SEPARATORS = r"[.\-_/·\s]"


def _keys_of_distinct(codes: pd.Series) -> pd.Series:
    return codes.astype("str").str.replace(CODE_SEPARATORS, "", regex=True)


def account_key(codes: pd.Series) -> pd.Series:
    """The comparison key of each code: separators removed (NA stays NA).

    A ledger has a few hundred distinct codes over up to millions of lines: the key is worked
    out once per distinct code and spread back by the codes' positions.
    """
    return per_distinct(codes, _keys_of_distinct)


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
    has_keys = "account_key" in ledger.columns
    positions, distinct = pd.factorize(
        ledger["account_key" if has_keys else "account_code"], use_na_sentinel=True
    )
    distinct = pd.Series(distinct, dtype="str")
    if not has_keys:
        distinct = _keys_of_distinct(distinct)
    hit = distinct.str.startswith(keys).fillna(False).to_numpy(dtype=bool)
    on = np.zeros(len(positions), dtype=bool)
    known = positions >= 0
    on[known] = hit[positions[known]]
    return pd.Series(on, index=ledger.index)
