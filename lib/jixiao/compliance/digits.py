"""Digit tests on one side of each entry: which amounts to test, the second-digit and last-two-digits tests.

Double-entry bookkeeping records every amount at least twice (the expense debit and the bank
credit), so testing every ledger line counts each amount twice or more and inflates the z
statistics. ``one_side_amounts`` keeps one side: the debits to expense accounts posted in the
period, without subtotal or carried-balance rows (the loader drops those already; the test
refuses them again because a 本月合计 line would be the largest "amount" in the ledger).

Two companions of the first-digit test (:mod:`.benford`), after Nigrini (2012):

- ``second_digit_test`` — the second digit's Benford proportions, Σ_d₁ log₁₀(1 + 1/(10·d₁ + d₂));
  MAD ≤ 0.008 close, ≤ 0.010 acceptable, ≤ 0.012 marginal, above that nonconformity. Invented
  amounts over-use 0 and 5 in the second place.
- ``last_two_digits_test`` — the last two digits of the whole-元 part of amounts of at least
  100 元 should be uniform over 00–99; a χ² test (99 degrees of freedom) with the pairs that are
  significantly over-represented. Fabricated receipts and sign-in sheets favour 00, 50, 88.

Below ``min_count`` amounts a test is reference only (a warning, and ``large_enough`` False).
These tests describe the population; they raise no flag of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jixiao.account_codes import on_accounts
from jixiao.errors import ParameterError
from jixiao.lazy import scipy_stats

from .benford import POWERS_OF_TEN, Z_CRITICAL, conformity_level, power_of_ten_exponent
from .common import require_columns
from .keys import blank_text, text_of

SECOND_DIGITS = np.arange(10)
SECOND_EXPECTED = np.array(
    [np.log10(1 + 1 / (10 * np.arange(1, 10) + d)).sum() for d in SECOND_DIGITS]
)
SECOND_MAD_LEVELS = (0.008, 0.010, 0.012)
LAST_TWO_MIN_FEN = 10_000  # 100 元: below it the last two digits are also the first ones
NOT_AMOUNT_WORDS = ("合计", "累计", "小计", "总计", "上年结转", "结转下年", "期初余额", "年初余额", "期末余额", "承前页", "过次页")  # fmt: skip
POPULATIONS = {
    "expense_debits": "费用类科目本期借方发生额（每笔分录只计一方）",
    "all_lines": "全部分录行（借方，否则贷方；同一金额会被计入两次以上）",
}


def one_side_amounts(
    ledger: pd.DataFrame, *, account_prefixes, period: tuple | None = None
) -> pd.Series:
    """Debits to the expense accounts (``account_prefixes``) posted in ``period`` (start, end; None: all).

    Returns the amounts (fen) indexed like the ledger lines they come from. Lines without a
    voucher or whose summary is a subtotal or carried balance (本月合计, 上年结转 …) are left out.
    """
    require_columns(ledger, ("debit_fen", "summary"), "明细账")
    keep = on_accounts(ledger, account_prefixes) & (ledger["debit_fen"].fillna(0) > 0)
    if "voucher" in ledger.columns:
        keep &= ~blank_text(ledger["voucher"])
    if period is not None:
        start, end = (pd.Timestamp(x) for x in period)
        if end < start:
            raise ParameterError(f"检验期间的结束日 {end:%Y-%m-%d} 早于开始日 {start:%Y-%m-%d}")
        dates = pd.to_datetime(ledger["date"])
        keep &= (dates >= start) & (dates <= end)
    # The summaries are read only on the lines kept so far.
    rows = np.flatnonzero(keep.to_numpy(dtype=bool))
    summary = text_of(ledger["summary"].iloc[rows]).fillna("")
    subtotal = summary.str.contains("|".join(NOT_AMOUNT_WORDS), regex=True).to_numpy(dtype=bool)
    return ledger["debit_fen"].iloc[rows[~subtotal]].astype("int64")


@dataclass(frozen=True)
class DigitTestResult:
    """One digit test: the table (digit, count, observed, expected, deviation, z) and its verdict."""

    name: str  # 第二位数字检验 / 末两位数字检验
    table: pd.DataFrame
    n: int
    mad: float
    conformity: (
        str  # benford.CONFORMITY_LABELS for the second digit; 符合 / 不符合 for the last two
    )
    warning: str
    min_count: int
    p_value: float = float("nan")  # χ² test (last two digits)
    spikes: tuple[str, ...] = ()  # over-represented digits with z above the critical value

    @property
    def large_enough(self) -> bool:
        return self.n > 0 and self.n >= self.min_count

    def summary(self) -> str:
        text = f"{self.name}：金额{self.n}个，MAD = {self.mad:.4f}"
        if not np.isnan(self.p_value):
            shown = "< 0.001" if self.p_value < 0.001 else f"= {self.p_value:.3f}"
            text += f"，χ² 检验 p {shown}"
        text += f"，结论：{self.conformity or '无金额'}"
        if self.spikes:
            text += f"；显著偏多：{'、'.join(self.spikes)}"
        return text + "。" + (f" {self.warning}" if self.warning else "")


def _z(observed: np.ndarray, expected: np.ndarray, n: int) -> np.ndarray:
    if not n:
        return np.full(expected.shape, np.nan)
    # Nigrini's z with the continuity correction 1/(2n), as in the first-digit test.
    deviation = np.abs(observed - expected)
    return np.maximum(deviation - 1 / (2 * n), 0) / np.sqrt(expected * (1 - expected) / n)


def _warning(name: str, n: int, min_count: int) -> str:
    if n >= min_count:
        return ""
    return f"参与{name}的金额仅{n}个，少于{min_count}个，样本量不足，结论仅供参考。"


def _spikes(labels, observed, expected, z, z_critical) -> tuple[str, ...]:
    hit = (observed > expected) & (z > z_critical)
    return tuple(str(label) for label, h in zip(labels, hit, strict=True) if h)


def second_digits(amounts_fen) -> np.ndarray:
    """Second significant digit of each integer amount of at least two digits (others dropped)."""
    values = np.asarray(amounts_fen, dtype=np.int64)
    values = values[values >= 10]
    # The first two digits: divided by the power of ten one below the highest.
    return values // POWERS_OF_TEN[power_of_ten_exponent(values) - 1] % 10


def second_digit_test(
    amounts_fen,
    *,
    min_count: int = 1000,
    min_amount_fen: int = 1000,
    levels=SECOND_MAD_LEVELS,
    z_critical: float = Z_CRITICAL,
) -> DigitTestResult:
    """Benford's second-digit test on the amounts at or above ``min_amount_fen`` (10 元)."""
    values = pd.Series(amounts_fen).dropna().astype("int64").to_numpy()
    digits = second_digits(values[values >= max(min_amount_fen, 10)])
    n = int(digits.size)
    counts = np.bincount(digits, minlength=10)
    observed = counts / n if n else np.zeros(10)
    z = _z(observed, SECOND_EXPECTED, n)
    table = pd.DataFrame(
        {
            "digit": SECOND_DIGITS,
            "count": counts,
            "observed": observed,
            "expected": SECOND_EXPECTED,
            "deviation": observed - SECOND_EXPECTED,
            "z": z,
        }
    )
    mad = float(np.abs(observed - SECOND_EXPECTED).mean()) if n else float("nan")
    return DigitTestResult(
        name="第二位数字检验",
        table=table,
        n=n,
        mad=mad,
        conformity=conformity_level(mad, levels) if n else "",
        warning=_warning("第二位数字检验", n, min_count),
        min_count=int(min_count),
        spikes=_spikes(SECOND_DIGITS, observed, SECOND_EXPECTED, z, z_critical) if n else (),
    )


def last_two_digits_test(
    amounts_fen,
    *,
    min_count: int = 1000,
    min_amount_fen: int = LAST_TWO_MIN_FEN,
    alpha: float = 0.05,
    z_critical: float = Z_CRITICAL,
) -> DigitTestResult:
    """Uniformity of the last two digits of the whole-元 part, amounts ≥ ``min_amount_fen`` (100 元)."""
    if min_amount_fen < LAST_TWO_MIN_FEN:
        raise ParameterError(
            f"末两位数字检验只适用于不低于 100 元的金额（min_amount_fen ≥ {LAST_TWO_MIN_FEN}），收到 {min_amount_fen}"
        )
    values = pd.Series(amounts_fen).dropna().astype("int64").to_numpy()
    pairs = (values[values >= min_amount_fen] // 100) % 100
    n = int(pairs.size)
    counts = np.bincount(pairs, minlength=100)
    expected = np.full(100, 0.01)
    observed = counts / n if n else np.zeros(100)
    z = _z(observed, expected, n)
    labels = [f"{d:02d}" for d in range(100)]
    table = pd.DataFrame(
        {
            "digits": labels,
            "count": counts,
            "observed": observed,
            "expected": expected,
            "deviation": observed - expected,
            "z": z,
        }
    )
    if n:
        chi2 = float((((counts - n * expected) ** 2) / (n * expected)).sum())
        p_value = float(scipy_stats().chi2.sf(chi2, df=99))
        conformity = "不符合" if p_value < alpha else "符合"
    else:
        p_value, conformity = float("nan"), ""
    return DigitTestResult(
        name="末两位数字检验",
        table=table,
        n=n,
        mad=float(np.abs(observed - expected).mean()) if n else float("nan"),
        conformity=conformity,
        warning=_warning("末两位数字检验", n, min_count),
        min_count=int(min_count),
        p_value=p_value,
        spikes=_spikes(labels, observed, expected, z, z_critical) if n else (),
    )
