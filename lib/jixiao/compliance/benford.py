"""Benford's first-digit test with Nigrini's mean absolute deviation (MAD) conformity levels.

Nigrini (2012) grades first-digit MAD as: ≤ 0.006 close conformity, ≤ 0.012 acceptable,
≤ 0.015 marginally acceptable, above that nonconformity. The test needs a large population
(of the order of a thousand amounts or more); below ``min_count`` the result carries a warning
and no flag is raised, whatever the MAD.

A nonconforming population becomes GL-07 flags: the lines whose first digit is significantly
over-represented (Nigrini's z above ``z_critical``) — the spikes an auditor follows up — each
citing its ledger row. They are grouped under one scope ("全部单位"), since the test is on the
population as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jixiao.errors import ParameterError

from .common import empty_flags, make_flags, require_columns

DIGITS = np.arange(1, 10)
EXPECTED = np.log10(1 + 1 / DIGITS)
MAD_LEVELS = (0.006, 0.012, 0.015)
Z_CRITICAL = 1.96  # two-sided 5 %
CONFORMITY_LABELS = ("紧密符合", "可接受的符合", "勉强可接受的符合", "不符合")


@dataclass(frozen=True)
class BenfordResult:
    table: pd.DataFrame  # digit, count, observed, expected, deviation, z
    n: int
    mad: float
    conformity: str  # one of CONFORMITY_LABELS ("" when there are no amounts)
    warning: str  # Chinese, empty when the population is large enough
    min_count: int = 0  # the population the test needed
    min_amount_fen: int = 0  # amounts below this were left out

    @property
    def large_enough(self) -> bool:
        return self.n > 0 and self.n >= self.min_count

    def summary(self) -> str:
        text = f"首位数字检验：金额{self.n}个，平均绝对偏差 MAD = {self.mad:.4f}，结论：{self.conformity}。"
        return text + (f" {self.warning}" if self.warning else "")


def leading_digits(amounts_fen) -> np.ndarray:
    """First significant digit of each integer amount, position for position; 0 where ≤ 0."""
    values = np.asarray(amounts_fen, dtype=np.int64)
    values = np.where(values > 0, values, 0)
    return values // POWERS_OF_TEN[power_of_ten_exponent(values)]


# 10**0 … 10**18: every positive int64 has its highest power of ten here.
POWERS_OF_TEN = 10 ** np.arange(19, dtype=np.int64)


def power_of_ten_exponent(values: np.ndarray) -> np.ndarray:
    """For each non-negative integer, the exponent of its highest power of ten (0 for 0 to 9):
    one binary search among the 19 powers, exact, however many digits the amounts have."""
    return np.maximum(np.searchsorted(POWERS_OF_TEN, values, side="right") - 1, 0)


def first_digits(amounts_fen) -> np.ndarray:
    """First significant digit of each positive integer amount (exact integer arithmetic)."""
    digits = leading_digits(amounts_fen)
    return digits[digits > 0]


def ledger_amounts(ledger: pd.DataFrame) -> pd.Series:
    """The amount of each ledger line for the test: its debit, else its credit."""
    require_columns(ledger, ("debit_fen", "credit_fen"), "明细账")
    return ledger["debit_fen"].where(ledger["debit_fen"] > 0, ledger["credit_fen"])


def conformity_level(mad: float, levels=MAD_LEVELS) -> str:
    close, acceptable, marginal = levels
    if not close < acceptable < marginal:
        raise ParameterError(f"MAD 分级阈值应递增：{levels}")
    if mad <= close:
        return CONFORMITY_LABELS[0]
    if mad <= acceptable:
        return CONFORMITY_LABELS[1]
    if mad <= marginal:
        return CONFORMITY_LABELS[2]
    return CONFORMITY_LABELS[3]


def benford_test(
    amounts_fen, *, min_count: int = 1000, min_amount_fen: int = 1000, levels=MAD_LEVELS
) -> BenfordResult:
    """First-digit test of the amounts at or above ``min_amount_fen`` (default 10 元: tiny
    amounts follow price points, not Benford)."""
    values = pd.Series(amounts_fen).dropna().astype("int64").to_numpy()
    values = values[values >= min_amount_fen]
    digits = first_digits(values)
    n = int(digits.size)
    counts = np.bincount(digits, minlength=10)[1:]
    observed = counts / n if n else np.zeros(9)
    deviation = observed - EXPECTED
    if n:
        # Nigrini's z statistic with the continuity correction 1/(2n).
        z = np.maximum(np.abs(deviation) - 1 / (2 * n), 0) / np.sqrt(EXPECTED * (1 - EXPECTED) / n)
    else:
        z = np.full(9, np.nan)
    table = pd.DataFrame(
        {
            "digit": DIGITS,
            "count": counts,
            "observed": observed,
            "expected": EXPECTED,
            "deviation": deviation,
            "z": z,
        }
    )
    mad = float(np.abs(deviation).mean()) if n else float("nan")
    warning = ""
    if n < min_count:
        warning = (
            f"参与检验的金额仅{n}个，少于{min_count}个，样本量不足，首位数字检验结论仅供参考。"
        )
    return BenfordResult(
        table,
        n,
        mad,
        conformity_level(mad, levels) if n else "",
        warning,
        min_count=int(min_count),
        min_amount_fen=int(min_amount_fen),
    )


def spike_digits(result: BenfordResult, *, z_critical: float = Z_CRITICAL) -> list[int]:
    """Over-represented first digits with z above ``z_critical``; if none is significant, the
    over-represented digit with the largest z."""
    over = result.table.loc[result.table["deviation"] > 0]
    if over.empty:
        return []
    spikes = over.loc[over["z"] > z_critical]
    if spikes.empty:
        spikes = over.sort_values("z", ascending=False, kind="stable").head(1)
    return sorted(int(d) for d in spikes["digit"])


def benford_flags(
    result: BenfordResult,
    lines: pd.DataFrame | None = None,
    *,
    amounts: pd.Series | None = None,
    scope: str = "全部单位",
    z_critical: float = Z_CRITICAL,
) -> pd.DataFrame:
    """GL-07 when the amounts do not conform and the population was large enough for the test
    (nothing otherwise).

    With the ``lines`` the test ran on (and their ``amounts``, default debit else credit), one
    flagged row per line whose first digit is a spike (:func:`spike_digits`), amount = the line's
    amount, evidence = its row; without them a single row for the population, with no evidence.
    """
    if result.conformity != CONFORMITY_LABELS[3] or not result.large_enough:
        return empty_flags()
    table = result.table.set_index("digit")
    worst = result.table.sort_values("z", ascending=False, kind="stable").iloc[0]
    spikes = spike_digits(result, z_critical=z_critical)
    spike_text = "；".join(
        f"{d}：占{table.loc[d, 'observed']:.1%}，理论值{table.loc[d, 'expected']:.1%}，z = {table.loc[d, 'z']:.2f}"
        for d in spikes
    )
    reason = (
        f"{scope}金额首位数字分布不符合本福特定律（金额{result.n}个，MAD = {result.mad:.4f}）；"
        f"偏离最大的是首位为{int(worst['digit'])}的金额，占{worst['observed']:.1%}，理论值{worst['expected']:.1%}。"
        f"首位数字偏多的金额（{spike_text}）逐笔列示，需结合凭证核实。"
    )
    if lines is None:
        return make_flags(pd.DataFrame({"unit": [scope], "community": [scope]}), "GL-07", reason, 0)
    values = ledger_amounts(lines) if amounts is None else amounts
    values = pd.Series(values, index=lines.index).fillna(0).astype("int64")
    tested = values >= max(result.min_amount_fen, 1)
    hit = tested & np.isin(leading_digits(values.to_numpy()), spikes)
    cited = lines.loc[hit]
    # One scope for the register: the test is on the population, not on any one unit.
    return make_flags(cited.assign(community=scope), "GL-07", reason, values[hit])
