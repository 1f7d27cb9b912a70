"""Loaders: the evaluator's workbooks and ledger exports → canonical tables (审计步骤一：数据导入).

Each loader reads one raw kind described in :mod:`jixiao.schema` and returns a
:class:`LoadResult`: the canonical rows, the rows it rejected (with the file, sheet, Excel row,
column header and a reason in Chinese), the rows it dropped on purpose (subtotals, blank
lines), and a record of every normalisation it applied. Nothing is silently lost:
``read == loaded + rejected + dropped`` is checked on every load.

Structural problems (no such file or sheet, a required column missing, an unreadable file)
raise :class:`jixiao.errors.InputError`; problems in single cells never raise.

- :mod:`.result` — :class:`LoadResult`, the empty frames and dtypes every loader shares.
- :mod:`.headers` — finding the header row (title lines, aliases, two-row merged headers).
- :mod:`.cells` — vectorised cell conversions (amounts to fen, dates, numbers, codes, choices).
- :mod:`.frames` — the generic loader for every raw kind described by a schema table.
- :mod:`.tables` — ``load_table`` for one sheet of any kind, and the 资金下达 / 产出 / 访谈 / 观察记录 loaders.
- :mod:`.ledger` — the 明细账: voucher references, balance rows, the accounting unit.
- :mod:`.questionnaire` — the 问卷调查 workbook.
"""

from .cells import as_text, parse_dates, parse_money, parse_money_text
from .headers import normalise_header
from .ledger import load_ledger, load_ledgers, parse_vouchers, unit_from_filename, unit_from_title
from .questionnaire import load_survey
from .result import (
    DATE_DTYPE,
    PERSONAL_COLUMNS,
    TEXT_DTYPE,
    LoadResult,
    empty_dropped,
    empty_normalisations,
    empty_rejects,
)
from .tables import (
    load_allocations,
    load_interviews,
    load_observations,
    load_outputs,
    load_table,
)

__all__ = [
    "DATE_DTYPE",
    "PERSONAL_COLUMNS",
    "TEXT_DTYPE",
    "LoadResult",
    "as_text",
    "empty_dropped",
    "empty_normalisations",
    "empty_rejects",
    "load_allocations",
    "load_interviews",
    "load_ledger",
    "load_ledgers",
    "load_observations",
    "load_outputs",
    "load_survey",
    "load_table",
    "normalise_header",
    "parse_dates",
    "parse_money",
    "parse_money_text",
    "parse_vouchers",
    "unit_from_filename",
    "unit_from_title",
]
