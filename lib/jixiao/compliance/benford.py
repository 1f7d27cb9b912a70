"""Benford's first-digit test with Nigrini's mean absolute deviation (MAD) conformity levels.

Nigrini (2012) grades first-digit MAD as: ≤ 0.006 close conformity, ≤ 0.012 acceptable,
≤ 0.015 marginally acceptable, above that nonconformity. The test needs a large population
(of the order of a thousand amounts or more); below ``min_count`` the result carries a warning.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jixiao.errors import ParameterError

from .common import empty_flags, make_flags

DIGITS = np.arange(1, 10)
EXPECTED = np.log10(1 + 1 / DIGITS)
MAD_LEVELS = (0.006, 0.012, 0.015)
CONFORMITY_LABELS = ("紧密符合", "可接受的符合", "勉强可接受的符合", "不符合")


@dataclass(frozen=True)
class BenfordResult:
    table: pd.DataFrame  # digit, count, observed, expected, deviation, z
    n: int
    mad: float
    conformity: str  # one of CONFORMITY_LABELS ("" when there are no amounts)
    warning: str  # Chinese, empty when the population is large enough

    def summary(self) -> str:
        text = f"首位数字检验：金额{self.n}个，平均绝对偏差 MAD = {self.mad:.4f}，结论：{self.conformity}。"
        return text + (f" {self.warning}" if self.warning else "")


def first_digits(amounts_fen) -> np.ndarray:
    """First significant digit of each positive integer amount (exact integer arithmetic)."""
    values = np.asarray(amounts_fen, dtype=np.int64)
    values = values[values > 0]
    # Divide down by 10 while any value has more than one digit: ≤ 18 vectorised passes.
    while values.size and values.max() >= 10:
        values = np.where(values >= 10, values // 10, values)
    return values


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


def benford_test(amounts_fen, *, min_count: int = 1000, min_amount_fen: int = 1000, levels=MAD_LEVELS) -> BenfordResult:
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
    table = pd.DataFrame({"digit": DIGITS, "count": counts, "observed": observed, "expected": EXPECTED, "deviation": deviation, "z": z})
    mad = float(np.abs(deviation).mean()) if n else float("nan")
    warning = ""
    if n < min_count:
        warning = f"参与检验的金额仅{n}个，少于{min_count}个，样本量不足，首位数字检验结论仅供参考。"
    return BenfordResult(table, n, mad, conformity_level(mad, levels) if n else "", warning)


def benford_flags(result: BenfordResult, *, scope: str = "全部单位") -> pd.DataFrame:
    """GL-07: one flagged row when the amounts do not conform (nothing otherwise)."""
    if result.conformity != CONFORMITY_LABELS[3]:
        return empty_flags()
    worst = result.table.sort_values("z", ascending=False, kind="stable").iloc[0]
    reason = (
        f"{scope}金额首位数字分布不符合本福特定律（MAD = {result.mad:.4f}，金额{result.n}个）；"
        f"首位为{int(worst['digit'])}的占{worst['observed']:.1%}，理论值{worst['expected']:.1%}。"
        + (result.warning if result.warning else "")
    )
    return make_flags(pd.DataFrame({"unit": [scope]}), "GL-07", reason, 0)
