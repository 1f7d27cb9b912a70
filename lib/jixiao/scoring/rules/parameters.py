"""The 键=值 parameter language of the 规则参数 cell, and the exact number helpers rules share.

Full-width punctuation (；＝：，、％) is accepted because that is what a Chinese keyboard types.
Numbers may carry ``%``. Lists use ``,`` or ``、``; list items that carry points use ``:``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

HUNDRED_PERCENT = Decimal(1)
DEFAULT_QUANTUM = Decimal("0.01")
CENT = Decimal("0.01")

PARAMETER_COLUMN = "规则参数"
CONCLUSION_COLUMN = "评价结论"

_PUNCTUATION = str.maketrans(
    {
        "；": ";",
        "＝": "=",
        "：": ":",
        "，": ",",
        "、": ",",
        "％": "%",
        "\n": ";",
        "\r": ";",
        "－": "-",
        "．": ".",
    }
    | {chr(0xFF10 + d): str(d) for d in range(10)}
)
_METRIC_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class RuleError(ValueError):
    """A rule's parameters or the evaluator's conclusion cannot be used; ``column`` says which cell."""

    def __init__(self, message: str, column: str = PARAMETER_COLUMN):
        super().__init__(message)
        self.column = column


# ---------------------------------------------------------------------------------------------
# Number and text helpers


def to_decimal(value: object) -> Decimal:
    """Exact Decimal for a metric or cell value: floats go through their shortest repr (0.865 → 0.865)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} is not a finite number")
        return Decimal(repr(value))
    return Decimal(str(value).strip())


def quantise(value: Decimal, quantum: Decimal) -> Decimal:
    """Round half up to a multiple of ``quantum`` (0.01, 0.5 …), kept at two decimals."""
    steps = (value / quantum).to_integral_value(rounding=ROUND_HALF_UP)
    return (steps * quantum).quantize(CENT)


def fmt(value: Decimal) -> str:
    """A Decimal as an evaluator writes it: 2.5, 3, 0.5 (no trailing zeros, no exponent)."""
    text = format(value.quantize(Decimal("0.0001")).normalize(), "f")
    return "0" if text in ("-0", "") else text


def fmt_percent(value: Decimal) -> str:
    return f"{fmt((value * 100).quantize(CENT))}%"


def normalise_text(text: object) -> str:
    if text is None:
        return ""
    return str(text).translate(_PUNCTUATION).strip()


def parse_parameters(text: object) -> dict[str, str]:
    """``键=值; 键=值`` → dict; blank text → empty dict."""
    params: dict[str, str] = {}
    for item in normalise_text(text).split(";"):
        item = item.strip()
        if not item:
            continue
        if "=" not in item:
            raise RuleError(f"「{item}」不是「键=值」的形式（各项之间用分号分隔）")
        key, value = (part.strip() for part in item.split("=", 1))
        if not key:
            raise RuleError(f"「{item}」缺少参数名")
        if key in params:
            raise RuleError(f"参数「{key}」写了两次")
        params[key] = value
    return params


def parse_number(text: str, key: str, *, column: str = PARAMETER_COLUMN) -> Decimal:
    raw = normalise_text(text)
    percent = raw.endswith("%")
    body = raw[:-1].strip() if percent else raw
    try:
        number = Decimal(body)
    except InvalidOperation:
        raise RuleError(f"参数「{key}」的值「{text}」不是数字", column) from None
    if not number.is_finite():
        raise RuleError(f"参数「{key}」的值「{text}」不是数字", column)
    return number / 100 if percent else number


def split_list(text: str) -> list[str]:
    return [part.strip() for part in normalise_text(text).split(",") if part.strip()]


def split_pair(item: str, key: str) -> tuple[str, str]:
    if ":" not in item:
        raise RuleError(f"参数「{key}」中的「{item}」应写成「名称:分值」")
    name, value = (part.strip() for part in item.rsplit(":", 1))
    return name, value


class Params:
    """Reads the parameters of one rule and complains about unknown or missing keys."""

    def __init__(self, params: Mapping[str, str], allowed: tuple[str, ...], rule_label: str):
        unknown = [k for k in params if k not in allowed]
        if unknown:
            raise RuleError(
                f"{rule_label}不认识参数「{'、'.join(unknown)}」；可用的参数有：{'、'.join(allowed)}"
            )
        self.params = dict(params)
        self.rule_label = rule_label

    def text(self, key: str, default: str | None = None) -> str:
        value = self.params.get(key, "").strip()
        if value:
            return value
        if default is None:
            raise RuleError(f"{self.rule_label}缺少参数「{key}」")
        return default

    def number(self, key: str, default: str | None = None, *, positive: bool = False) -> Decimal:
        value = parse_number(self.text(key, default), key)
        if positive and value <= 0:
            raise RuleError(f"参数「{key}」必须大于 0，现为「{self.text(key, default)}」")
        return value

    def metric(self) -> str:
        name = self.text("指标")
        if not _METRIC_NAME.match(name):
            raise RuleError(
                f"参数「指标」的值「{name}」不是指标数据名（应为 fund_timely_rate 这样的英文小写名）"
            )
        return name

    def quantum(self) -> Decimal:
        return self.number("取整", str(DEFAULT_QUANTUM), positive=True)

    def mentions_percent(self) -> bool:
        return any("%" in normalise_text(v) for v in self.params.values())
