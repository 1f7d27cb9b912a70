"""Shared checks and formatting for the sampling modules (parameters, 元 display)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from jixiao.errors import ParameterError

# Floating products such as 0.07 × 100 = 7.000000000000001 must not push ceil() up by one:
# the AICPA tables count expected deviations on the exact decimal product.
_CEIL_TOLERANCE = 1e-9


def exact_ceil(x: float) -> int:
    """ceil() that ignores floating noise below 1e-9 (0.07 × 100 → 7, not 8)."""
    return math.ceil(x - _CEIL_TOLERANCE)


def check_confidence(confidence: float, name: str = "confidence") -> float:
    value = _number(confidence, name)
    if not 0.0 < value < 1.0:
        raise ParameterError(
            f"置信水平 {name} 必须在 0 与 1 之间（不含两端），收到 {confidence!r} / "
            f"{name} must lie strictly between 0 and 1, got {confidence!r}"
        )
    return value


def check_rate(
    rate: float, name: str, *, allow_zero: bool = True, allow_one: bool = False
) -> float:
    value = _number(rate, name)
    low_ok = value >= 0.0 if allow_zero else value > 0.0
    high_ok = value <= 1.0 if allow_one else value < 1.0
    if not (low_ok and high_ok):
        low = "[0" if allow_zero else "(0"
        high = "1]" if allow_one else "1)"
        raise ParameterError(
            f"比率 {name} 必须在 {low}, {high} 之内，收到 {rate!r} / {name} must lie in {low}, {high}, got {rate!r}"
        )
    return value


def check_nonnegative(value: float, name: str, *, positive: bool = False) -> float:
    number = _number(value, name)
    if number < 0 or (positive and number == 0):
        need = "大于 0" if positive else "不小于 0"
        need_en = "positive" if positive else "non-negative"
        raise ParameterError(
            f"参数 {name} 必须{need}，收到 {value!r} / {name} must be {need_en}, got {value!r}"
        )
    return number


def check_count(value: int, name: str, *, minimum: int = 0) -> int:
    whole = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    if not whole:
        raise ParameterError(
            f"参数 {name} 必须是整数，收到 {value!r} / {name} must be a whole number, got {value!r}"
        )
    count = int(value)
    if count < minimum:
        raise ParameterError(
            f"参数 {name} 不能小于 {minimum}，收到 {value!r} / {name} must be at least {minimum}, got {value!r}"
        )
    return count


def _number(value: float, name: str) -> float:
    if isinstance(value, bool):
        raise ParameterError(
            f"参数 {name} 必须是数值，收到 {value!r} / {name} must be a number, got {value!r}"
        )
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ParameterError(
            f"参数 {name} 必须是数值，收到 {value!r} / {name} must be a number, got {value!r}"
        ) from None
    if math.isnan(number) or math.isinf(number):
        raise ParameterError(
            f"参数 {name} 必须是有限数值，收到 {value!r} / {name} must be finite, got {value!r}"
        )
    return number


def round_fen(value: float) -> int:
    """Nearest fen, halves away from zero (the way 元 amounts are rounded on paper)."""
    return int(Decimal(repr(float(value))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def yuan(fen: int | float) -> str:
    """Display fen as 元 with thousands separators: 1234567 → '12,345.67'."""
    return f"{Decimal(int(round(fen))) / 100:,.2f}"


def yuan_short(fen: int) -> str:
    """Like :func:`yuan` but drops '.00' for whole 元 (thresholds read '50,000元')."""
    fen = int(fen)
    return f"{fen // 100:,}" if fen % 100 == 0 else yuan(fen)


def percent(rate: float, digits: int = 2) -> str:
    return f"{rate * 100:.{digits}f}%"


def markdown_table(rows: list[tuple[str, str]]) -> str:
    lines = ["| 项目 | 数值 |", "|---|---|"]
    lines += [f"| {label} | {value} |" for label, value in rows]
    return "\n".join(lines)
