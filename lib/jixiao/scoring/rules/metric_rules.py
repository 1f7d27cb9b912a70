"""Rules computed from a metric: 比例计分, 分档计分, 线性扣分."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import ClassVar

from .base import Outcome, ScoringRule, metric_text
from .parameters import (
    CENT,
    HUNDRED_PERCENT,
    Params,
    RuleError,
    fmt,
    fmt_percent,
    parse_number,
    quantise,
    split_list,
    split_pair,
)


@dataclass(frozen=True)
class Proportional(ScoringRule):
    """得分 = 分值 × 实际值 / 目标值, capped at 分值."""

    rule_id: ClassVar[str] = "proportional"
    label: ClassVar[str] = "比例计分"
    method: ClassVar[str] = "computed"
    metric_name: str = ""
    target: Decimal = HUNDRED_PERCENT
    percent: bool = True
    keys: ClassVar[tuple[str, ...]] = ("指标", "目标", "取整")

    @classmethod
    def parse(cls, params: Mapping[str, str], weight: Decimal, conclusion: str) -> Proportional:
        p = Params(params, cls.keys, cls.label)
        metric = p.metric()
        return cls(
            quantum=p.quantum(),
            metric_name=metric,
            target=p.number("目标", "1", positive=True),
            percent=metric.endswith("_rate") or p.mentions_percent(),
        )

    @property
    def metric(self) -> str:
        return self.metric_name

    def describe(self, metric_label: str = "") -> str:
        target = fmt_percent(self.target) if self.percent else fmt(self.target)
        return f"得分＝分值×{metric_label or self.metric_name}÷目标值{target}，最高为满分"

    def evaluate(self, weight, metrics, findings):
        m = metrics[self.metric_name]
        value = max(m.value, Decimal(0))
        share = min(value / self.target, Decimal(1))
        score = quantise(weight * share, self.quantum)
        target = fmt_percent(self.target) if self.percent else fmt(self.target)
        basis = f"{metric_text(m, self.percent, self.metric_name)}（目标{target}），按比例得{fmt(score)}分"
        reasons = ()
        if score < weight:
            reasons = (f"{basis}，扣{fmt(weight - score)}分。",)
        return Outcome(score=score, reasons=reasons, basis=basis + "。")


@dataclass(frozen=True)
class Banded(ScoringRule):
    """Value ≥ threshold → the points of the highest band reached; below every band → 0."""

    rule_id: ClassVar[str] = "banded"
    label: ClassVar[str] = "分档计分"
    method: ClassVar[str] = "computed"
    metric_name: str = ""
    bands: tuple[tuple[Decimal, Decimal], ...] = ()  # (threshold, points), highest threshold first
    percent: bool = True
    keys: ClassVar[tuple[str, ...]] = ("指标", "分档", "取整")

    @classmethod
    def parse(cls, params, weight, conclusion) -> Banded:
        p = Params(params, cls.keys, cls.label)
        metric = p.metric()
        bands = []
        for item in split_list(p.text("分档")):
            threshold, points = split_pair(item, "分档")
            bands.append((parse_number(threshold, "分档"), parse_number(points, "分档")))
        thresholds = [t for t, _ in bands]
        if len(set(thresholds)) != len(thresholds):
            raise RuleError("参数「分档」中有重复的门槛值")
        for threshold, points in bands:
            if points < 0 or points > weight:
                raise RuleError(
                    f"参数「分档」中门槛{fmt(threshold)}对应{fmt(points)}分，超出 0–{fmt(weight)} 分（分值）"
                )
        bands.sort(key=lambda band: band[0], reverse=True)
        return cls(
            quantum=p.quantum(),
            metric_name=metric,
            bands=tuple(bands),
            percent=metric.endswith("_rate") or p.mentions_percent(),
        )

    @property
    def metric(self) -> str:
        return self.metric_name

    def _show(self, value: Decimal) -> str:
        return fmt_percent(value) if self.percent else fmt(value)

    def describe(self, metric_label: str = "") -> str:
        bands = "、".join(f"≥{self._show(t)}得{fmt(pts)}分" for t, pts in self.bands)
        return f"按{metric_label or self.metric_name}分档：{bands}，低于最低档得0分"

    def evaluate(self, weight, metrics, findings):
        m = metrics[self.metric_name]
        reached = next(((t, pts) for t, pts in self.bands if m.value >= t), None)
        if reached is None:
            score = Decimal(0).quantize(CENT)
            band_text = f"低于最低档{self._show(self.bands[-1][0])}"
        else:
            score = quantise(reached[1], self.quantum)
            band_text = f"达到「≥{self._show(reached[0])}」档"
        basis = f"{metric_text(m, self.percent, self.metric_name)}，{band_text}，得{fmt(score)}分"
        reasons = (f"{basis}，扣{fmt(weight - score)}分。",) if score < weight else ()
        return Outcome(score=score, reasons=reasons, basis=basis + "。")


_PARTIAL_STEP = {"按一档": ROUND_CEILING, "不扣": ROUND_FLOOR, "按比例": None}
_DIRECTIONS = ("不低于目标", "不高于目标")


@dataclass(frozen=True)
class LinearDeduction(ScoringRule):
    """每相差「每档」扣「每档扣分」分，扣完为止."""

    rule_id: ClassVar[str] = "linear_deduction"
    label: ClassVar[str] = "线性扣分"
    method: ClassVar[str] = "computed"
    metric_name: str = ""
    target: Decimal = HUNDRED_PERCENT
    step: Decimal = Decimal("0.01")
    per_step: Decimal = Decimal(1)
    partial: str = "按一档"
    direction: str = "不低于目标"
    percent: bool = True
    unit: str = ""  # counting word for counts (个, 家); empty for rates
    keys: ClassVar[tuple[str, ...]] = (
        "指标",
        "目标",
        "每档",
        "每档扣分",
        "不足一档",
        "方向",
        "单位",
        "取整",
    )

    @classmethod
    def parse(cls, params, weight, conclusion) -> LinearDeduction:
        p = Params(params, cls.keys, cls.label)
        metric = p.metric()
        partial = p.text("不足一档", "按一档")
        if partial not in _PARTIAL_STEP:
            raise RuleError(
                f"参数「不足一档」的值「{partial}」无效，应为：{'、'.join(_PARTIAL_STEP)}"
            )
        direction = p.text("方向", "不低于目标")
        if direction not in _DIRECTIONS:
            raise RuleError(f"参数「方向」的值「{direction}」无效，应为：{'、'.join(_DIRECTIONS)}")
        return cls(
            quantum=p.quantum(),
            metric_name=metric,
            target=p.number("目标"),
            step=p.number("每档", positive=True),
            per_step=p.number("每档扣分", positive=True),
            partial=partial,
            direction=direction,
            percent=metric.endswith("_rate") or p.mentions_percent(),
            unit=p.text("单位", ""),
        )

    @property
    def metric(self) -> str:
        return self.metric_name

    def _show(self, value: Decimal, *, gap: bool = False) -> str:
        if self.percent:
            return f"{fmt((value * 100).quantize(CENT))}个百分点" if gap else fmt_percent(value)
        return f"{fmt(value)}{self.unit}"

    def describe(self, metric_label: str = "") -> str:
        return (
            f"{metric_label or self.metric_name}以{self._show(self.target)}为目标（{self.direction}），"
            f"每相差{self._show(self.step, gap=True)}扣{fmt(self.per_step)}分，"
            f"不足一档{self.partial}，扣完为止"
        )

    def evaluate(self, weight, metrics, findings):
        m = metrics[self.metric_name]
        metric_text = f"{m.label or self.metric_name}为{self._show(m.value)}"
        if self.direction == "不低于目标":
            gap = max(self.target - m.value, Decimal(0))
            side = "低"
        else:
            gap = max(m.value - self.target, Decimal(0))
            side = "高"
        rounding = _PARTIAL_STEP[self.partial]
        steps = gap / self.step
        if rounding is not None:
            steps = steps.to_integral_value(rounding=rounding)
        deduction = min(steps * self.per_step, weight)
        score = quantise(weight - deduction, self.quantum)
        target = self._show(self.target)
        if gap == 0:
            basis = f"{metric_text}，达到目标{target}，得满分{fmt(score)}分"
            return Outcome(score=score, reasons=(), basis=basis + "。")
        rule_text = (
            f"每{self._show(self.step, gap=True)}扣{fmt(self.per_step)}分（不足一档{self.partial}）"
        )
        basis = (
            f"{metric_text}，比目标{target}{side}{self._show(gap, gap=True)}，{rule_text}，"
            f"计{fmt(steps)}档，扣{fmt(weight - score)}分，得{fmt(score)}分"
        )
        if steps * self.per_step > weight:
            basis += "（扣完为止）"
        reasons = (basis + "。",) if score < weight else ()
        return Outcome(score=score, reasons=reasons, basis=basis + "。")
