"""Compliance checks on fund allocations and ledgers (问题 1 and 3 of the evaluation, and the
general-ledger analytics auditors expect).

Every check takes canonical DataFrames (see :mod:`jixiao.schema`) and plain parameters and
returns flagged rows: ``rule``, ``rule_name``, ``reason`` (Chinese), ``amount_fen``, ``unit`` /
``community``, ``grant_type``, ``date``, ``voucher`` and the evidence ``source_file`` /
``source_sheet`` / ``source_row``. :func:`jixiao.findings.build_register` turns them into the
findings register.

Where things are:
- :mod:`.arrival` — 资金到位率, 到位及时率, late grants (ARR-01)
- :mod:`.accounting` — 专款专用 / separate accounting (SEP-00 … SEP-04)
- :mod:`.scope` — scope rules, spending out of scope / over the allocation / after the period (SCP-…)
- :mod:`.analytics` — duplicates, voucher gaps, days off, round amounts, splits, unbalanced (GL-…)
- :mod:`.benford` — first-digit test with Nigrini's MAD levels (GL-07, run by :func:`.run_ledger_analytics`)
- :mod:`.digits` — the amounts to test (one side of each entry), second-digit and last-two-digits tests
- :mod:`.workdays` — the Chinese working-day calendar (调休 aware)
- :mod:`.ledger_checks` — the three whole-ledger checks above run together, side by side
- :mod:`.evidence` — sampled vouchers lacking 原始凭证, non-compliant or unapproved (EVD-01 … EVD-03)
"""

from .accounting import (
    account_mixing_by_unit,
    check_separate_accounting,
    project_balances,
    project_receipts_in_basic_income,
    special_spending_in_basic,
    units_without_project_ledger,
    unreconciled_project_funds,
)
from .analytics import (
    LedgerAnalytics,
    duplicate_payments,
    off_day_postings,
    round_amounts,
    run_ledger_analytics,
    split_payments,
    unbalanced_vouchers,
    voucher_gaps,
)
from .arrival import (
    ArrivalResult,
    ArrivalSummary,
    arrival_rates_by,
    arrival_summary,
    arrival_table,
    arrival_timeline,
    check_arrival,
    due_dates,
    late_arrivals,
)
from .attribution import community_map, prepare_ledger, with_community
from .benford import (
    BenfordResult,
    benford_flags,
    benford_test,
    conformity_level,
    first_digits,
    ledger_amounts,
    spike_digits,
)
from .common import FLAG_COLUMNS, RULES, CheckRule, concat_flags
from .digits import (
    POPULATIONS,
    DigitTestResult,
    last_two_digits_test,
    one_side_amounts,
    second_digit_test,
)
from .evidence import voucher_evidence_findings
from .execution import (
    EXECUTION_HEADERS,
    budget_execution,
    execution_metric,
    unspent_balance_flags,
)
from .ledger_checks import LedgerChecks, run_ledger_checks
from .scope import (
    check_scope,
    load_scope_rules,
    out_of_scope_spending,
    parse_scope_rules,
    project_spending,
    scope_rules_path,
    spending_above_allocation,
    spending_after_period,
)
from .workdays import day_kinds, is_off_day

__all__ = [
    "EXECUTION_HEADERS",
    "budget_execution",
    "execution_metric",
    "unspent_balance_flags",
    "FLAG_COLUMNS",
    "POPULATIONS",
    "RULES",
    "ArrivalResult",
    "ArrivalSummary",
    "BenfordResult",
    "LedgerAnalytics",
    "LedgerChecks",
    "CheckRule",
    "DigitTestResult",
    "account_mixing_by_unit",
    "arrival_rates_by",
    "arrival_summary",
    "arrival_table",
    "arrival_timeline",
    "benford_flags",
    "benford_test",
    "check_arrival",
    "check_scope",
    "check_separate_accounting",
    "community_map",
    "concat_flags",
    "conformity_level",
    "day_kinds",
    "due_dates",
    "duplicate_payments",
    "first_digits",
    "is_off_day",
    "last_two_digits_test",
    "late_arrivals",
    "ledger_amounts",
    "one_side_amounts",
    "load_scope_rules",
    "off_day_postings",
    "out_of_scope_spending",
    "parse_scope_rules",
    "project_balances",
    "project_receipts_in_basic_income",
    "project_spending",
    "round_amounts",
    "run_ledger_analytics",
    "run_ledger_checks",
    "second_digit_test",
    "scope_rules_path",
    "special_spending_in_basic",
    "spending_above_allocation",
    "spending_after_period",
    "spike_digits",
    "split_payments",
    "unbalanced_vouchers",
    "units_without_project_ledger",
    "unreconciled_project_funds",
    "voucher_evidence_findings",
    "voucher_gaps",
    "prepare_ledger",
    "with_community",
]
