"""The three checks that read the whole ledger, run together as notebook 03 runs them.

Separate accounting (SEP-…), scope and amounts (SCP-…) and the general-ledger analytics (GL-…)
read the same prepared ledger and do not depend on each other. Run one after another, each
keeps the cores busy only while its own rules last; run together, the rules of all three are
shared out among the cores (:func:`jixiao.concurrency.side_by_side`), so a province's ledger is
checked in little more than its work divided by the cores. The results are the frames each
check gives on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from jixiao.concurrency import side_by_side

from .accounting import check_separate_accounting
from .analytics import LedgerAnalytics, run_ledger_analytics
from .attribution import prepare_ledger
from .scope import check_scope


@dataclass(frozen=True)
class LedgerChecks:
    separate: pd.DataFrame  # SEP-00 … SEP-04, as check_separate_accounting gives them
    scope: pd.DataFrame  # SCP-…, as check_scope gives them
    analytics: LedgerAnalytics  # GL-01 … GL-07 and the digit tests


def run_ledger_checks(
    ledger: pd.DataFrame,
    allocations: pd.DataFrame,
    rules: pd.DataFrame,
    *,
    period_end,
    separate_options: Mapping[str, Any] | None = None,
    scope_options: Mapping[str, Any] | None = None,
    analytics_options: Mapping[str, Any] | None = None,
) -> LedgerChecks:
    """:func:`check_separate_accounting`, :func:`check_scope` (with ``period_end``) and
    :func:`run_ledger_analytics` (with ``allocations``) on ``ledger``, side by side; each
    check's keyword arguments are its ``…_options``."""
    ledger = prepare_ledger(ledger, allocations)
    # The analytics are the longest, so they are given first and started first.
    analytics, separate, scope = side_by_side(
        lambda: run_ledger_analytics(
            ledger, allocations=allocations, **dict(analytics_options or {})
        ),
        lambda: check_separate_accounting(
            ledger, allocations, rules, **dict(separate_options or {})
        ),
        lambda: check_scope(
            ledger, allocations, rules, period_end=period_end, **dict(scope_options or {})
        ),
    )
    return LedgerChecks(separate=separate, scope=scope, analytics=analytics)


__all__ = ["LedgerChecks", "run_ledger_checks"]
