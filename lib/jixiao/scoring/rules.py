"""The scoring rules an indicator can use, and the little parameter language of the workbook.

The evaluator writes a rule in two cells of the indicator workbook: 规则类型 (one of the
Chinese names in :data:`RULE_TYPES`) and 规则参数, a list of ``键=值`` pairs separated by ``;``:

    指标=fund_timely_rate; 目标=100%; 每档=5%; 每档扣分=1; 不足一档=按一档

Full-width punctuation (；＝：，、％) is accepted because that is what a Chinese keyboard types.
Numbers may carry ``%``. Lists use ``,`` or ``、``; list items that carry points use ``:``
(``OBS-04:1, OBS-05:0.5``). The workbook's 说明 sheet documents every key.

Every rule is parsed once, when the workbook is loaded, together with the evaluator's own input
(评价结论): malformed input is a :class:`RuleError` that the loader turns into an InputError
naming the indicator, the row and the column. Evaluating a rule is pure: it takes the weight,
the metrics and the findings register and returns an exact Decimal score with Chinese reasons.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import ClassVar

HUNDRED_PERCENT = Decimal(1)
DEFAULT_QUANTUM = Decimal("0.01")
CENT = Decimal("0.01")

# Chinese name in the workbook → rule id in code.
RULE_TYPES = {
    "比例计分": "proportional",
    "分档计分": "banded",
    "线性扣分": "linear_deduction",
    "要素计分": "checkpoints",
    "等级评定": "graded",
    "问题扣分": "deduction_list",
    "专家评判": "judgement",
}
RULE_LABELS = {rule_id: label for label, rule_id in RULE_TYPES.items()}

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
_CIRCLED = "".join(chr(0x2460 + i) for i in range(20))  # ① … ⑳
_METRIC_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class RuleError(ValueError):
    """A rule's parameters or the evaluator's conclusion cannot be used; ``column`` says which cell."""

    def __init__(self, message: str, column: str = PARAMETER_COLUMN):
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class MetricValue:
    """One figure handed over by an analysis step, as an exact Decimal."""

    name: str
    value: Decimal
    label: str = ""
    source: str = ""
    evidence: str = ""


@dataclass(frozen=True)
class Finding:
    finding_id: str
    title: str
    problem_no: str = ""


@dataclass(frozen=True)
class Outcome:
    """What a rule concluded for one indicator."""

    score: Decimal
    reasons: tuple[str, ...]  # Chinese 扣分说明 sentences (empty when nothing was lost)
    basis: str  # one Chinese sentence saying how the score was reached
    findings: tuple[str, ...] = ()  # finding ids the rule deducted for
    notes: tuple[str, ...] = ()  # things the evaluator should know that cost no points


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


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in normalise_text(text).split(",") if part.strip()]


def _split_pair(item: str, key: str) -> tuple[str, str]:
    if ":" not in item:
        raise RuleError(f"参数「{key}」中的「{item}」应写成「名称:分值」")
    name, value = (part.strip() for part in item.rsplit(":", 1))
    return name, value


class _Params:
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


# ---------------------------------------------------------------------------------------------
# The rules


@dataclass(frozen=True)
class Rule:
    """Base of every rule: parsed parameters plus, for evaluator-judged rules, the parsed conclusion."""

    rule_id: ClassVar[str]
    quantum: Decimal

    @property
    def label(self) -> str:
        return RULE_LABELS[self.rule_id]

    @property
    def metric(self) -> str | None:
        """The metric this rule needs, or None when it needs none."""
        return None

    def below_full_by_judgement(self, weight: Decimal) -> bool:
        """True when the evaluator's own conclusion already costs points (a rationale is then due)."""
        return False

    def finding_ids(self) -> tuple[str, ...]:
        return ()

    def covers(self, finding_id: str) -> bool:
        """Whether this rule deducts points for the finding (by id or by an ``ID-*`` pattern)."""
        return False

    def evaluate(
        self,
        weight: Decimal,
        metrics: Mapping[str, MetricValue],
        findings: Mapping[str, Finding],
    ) -> Outcome:
        raise NotImplementedError


def _metric_text(metric: MetricValue, percent: bool, name: str) -> str:
    label = metric.label or name
    shown = fmt_percent(metric.value) if percent else fmt(metric.value)
    return f"{label}为{shown}"


@dataclass(frozen=True)
class Proportional(Rule):
    """得分 = 分值 × 实际值 / 目标值, capped at 分值."""

    rule_id: ClassVar[str] = "proportional"
    metric_name: str = ""
    target: Decimal = HUNDRED_PERCENT
    percent: bool = True
    keys: ClassVar[tuple[str, ...]] = ("指标", "目标", "取整")

    @classmethod
    def parse(cls, params: Mapping[str, str], weight: Decimal, conclusion: str) -> Proportional:
        p = _Params(params, cls.keys, "比例计分")
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

    def evaluate(self, weight, metrics, findings):
        m = metrics[self.metric_name]
        value = max(m.value, Decimal(0))
        share = min(value / self.target, Decimal(1))
        score = quantise(weight * share, self.quantum)
        target = fmt_percent(self.target) if self.percent else fmt(self.target)
        basis = f"{_metric_text(m, self.percent, self.metric_name)}（目标{target}），按比例得{fmt(score)}分"
        reasons = ()
        if score < weight:
            reasons = (f"{basis}，扣{fmt(weight - score)}分。",)
        return Outcome(score=score, reasons=reasons, basis=basis + "。")


@dataclass(frozen=True)
class Banded(Rule):
    """Value ≥ threshold → the points of the highest band reached; below every band → 0."""

    rule_id: ClassVar[str] = "banded"
    metric_name: str = ""
    bands: tuple[tuple[Decimal, Decimal], ...] = ()  # (threshold, points), highest threshold first
    percent: bool = True
    keys: ClassVar[tuple[str, ...]] = ("指标", "分档", "取整")

    @classmethod
    def parse(cls, params, weight, conclusion) -> Banded:
        p = _Params(params, cls.keys, "分档计分")
        metric = p.metric()
        bands = []
        for item in _split_list(p.text("分档")):
            threshold, points = _split_pair(item, "分档")
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

    def evaluate(self, weight, metrics, findings):
        m = metrics[self.metric_name]
        reached = next(((t, pts) for t, pts in self.bands if m.value >= t), None)
        if reached is None:
            score = Decimal(0).quantize(CENT)
            band_text = f"低于最低档{self._show(self.bands[-1][0])}"
        else:
            score = quantise(reached[1], self.quantum)
            band_text = f"达到「≥{self._show(reached[0])}」档"
        basis = f"{_metric_text(m, self.percent, self.metric_name)}，{band_text}，得{fmt(score)}分"
        reasons = (f"{basis}，扣{fmt(weight - score)}分。",) if score < weight else ()
        return Outcome(score=score, reasons=reasons, basis=basis + "。")


_PARTIAL_STEP = {"按一档": ROUND_CEILING, "不扣": ROUND_FLOOR, "按比例": None}
_DIRECTIONS = ("不低于目标", "不高于目标")


@dataclass(frozen=True)
class LinearDeduction(Rule):
    """每相差「每档」扣「每档扣分」分，扣完为止."""

    rule_id: ClassVar[str] = "linear_deduction"
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
        p = _Params(params, cls.keys, "线性扣分")
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


def _circled_markers(text: str) -> list[str]:
    return [ch for ch in text if ch in _CIRCLED]


@dataclass(frozen=True)
class Checkpoints(Rule):
    """Elements ①②③… each worth a share of the points; the evaluator marks which are met."""

    rule_id: ClassVar[str] = "checkpoints"
    items: tuple[tuple[str, str, Decimal], ...] = ()  # (marker, text, points)
    met: frozenset[str] = frozenset()
    keys: ClassVar[tuple[str, ...]] = ("要素", "要素分值", "取整")

    @classmethod
    def parse(cls, params, weight, conclusion) -> Checkpoints:
        p = _Params(params, cls.keys, "要素计分")
        raw_items = _split_list(p.text("要素"))
        markers = []
        for item in raw_items:
            if not item or item[0] not in _CIRCLED:
                raise RuleError(f"参数「要素」中的「{item}」应以圈码编号开头（①②③…）")
            markers.append(item[0])
        if len(set(markers)) != len(markers):
            raise RuleError("参数「要素」中有重复的编号")
        if "要素分值" in params:
            values = [parse_number(v, "要素分值") for v in _split_list(p.text("要素分值"))]
            if len(values) != len(raw_items):
                raise RuleError(
                    f"参数「要素分值」有{len(values)}个值，但「要素」有{len(raw_items)}项"
                )
            if sum(values, Decimal(0)) != weight:
                raise RuleError(
                    f"参数「要素分值」合计{fmt(sum(values, Decimal(0)))}分，应等于分值{fmt(weight)}分"
                )
        else:
            values = [weight / len(raw_items)] * len(raw_items)
        conclusion_text = normalise_text(conclusion)
        if not conclusion_text:
            raise RuleError(
                "要素计分需在「评价结论」中写明已满足的要素，如「①②③」；一项都不满足写「无」",
                CONCLUSION_COLUMN,
            )
        met = _circled_markers(conclusion_text)
        if not met and conclusion_text != "无":
            raise RuleError(
                f"「评价结论」的值「{conclusion}」中没有要素编号；请写已满足的要素，如「①②③」，一项都不满足写「无」",
                CONCLUSION_COLUMN,
            )
        unknown = [m for m in met if m not in markers]
        if unknown:
            raise RuleError(
                f"「评价结论」中的要素{''.join(unknown)}不在参数「要素」中（有：{''.join(markers)}）",
                CONCLUSION_COLUMN,
            )
        return cls(
            quantum=p.quantum(),
            items=tuple(
                (mk, item[1:].strip(), v)
                for mk, item, v in zip(markers, raw_items, values, strict=True)
            ),
            met=frozenset(met),
        )

    def below_full_by_judgement(self, weight):
        return any(marker not in self.met for marker, _, _ in self.items)

    def evaluate(self, weight, metrics, findings):
        earned = sum((pts for mk, _, pts in self.items if mk in self.met), Decimal(0))
        score = quantise(earned, self.quantum)
        met_text = "".join(mk for mk, _, _ in self.items if mk in self.met) or "无"
        basis = f"满足要素{met_text}（共{len(self.items)}项），得{fmt(score)}分"
        reasons = ()
        if score < weight:
            missing = "、".join(f"{mk}{text}" for mk, text, _ in self.items if mk not in self.met)
            reasons = (f"未满足要素：{missing}，扣{fmt(weight - score)}分。",)
        return Outcome(score=score, reasons=reasons, basis=basis + "。")


DEFAULT_GRADES = "健全:100%, 基本健全:60%, 不健全:0"


@dataclass(frozen=True)
class Graded(Rule):
    """健全 / 基本健全 / 不健全 (or the levels the parameters list) → a share of the points."""

    rule_id: ClassVar[str] = "graded"
    levels: tuple[tuple[str, Decimal], ...] = ()
    chosen: str = ""
    keys: ClassVar[tuple[str, ...]] = ("等级", "取整")

    @classmethod
    def parse(cls, params, weight, conclusion) -> Graded:
        p = _Params(params, cls.keys, "等级评定")
        levels = []
        for item in _split_list(p.text("等级", DEFAULT_GRADES)):
            name, share = _split_pair(item, "等级")
            value = parse_number(share, "等级")
            if value < 0 or value > 1:
                raise RuleError(f"参数「等级」中「{name}」的得分比例{share}应在 0–100% 之间")
            levels.append((name, value))
        names = [n for n, _ in levels]
        if len(set(names)) != len(names):
            raise RuleError("参数「等级」中有重复的等级名称")
        chosen = normalise_text(conclusion)
        if chosen not in names:
            shown = f"「{conclusion}」" if chosen else "空白"
            raise RuleError(
                f"「评价结论」为{shown}，应为以下等级之一：{'、'.join(names)}", CONCLUSION_COLUMN
            )
        return cls(quantum=p.quantum(), levels=tuple(levels), chosen=chosen)

    @property
    def share(self) -> Decimal:
        return dict(self.levels)[self.chosen]

    def below_full_by_judgement(self, weight):
        return self.share < 1

    def evaluate(self, weight, metrics, findings):
        score = quantise(weight * self.share, self.quantum)
        basis = (
            f"评价结论为「{self.chosen}」（得分比例{fmt_percent(self.share)}），得{fmt(score)}分"
        )
        reasons = (f"{basis}，扣{fmt(weight - score)}分。",) if score < weight else ()
        return Outcome(score=score, reasons=reasons, basis=basis + "。")


@dataclass(frozen=True)
class DeductionList(Rule):
    """Points deducted per finding of the register, 扣完为止; a finding not in the register costs nothing.

    An entry names one finding (``OBS-04:1``) or, ending in ``*``, every finding whose id starts
    so (``SCP-*:0.5``: 0.5 for each out-of-scope finding the checks produce, whichever units).
    """

    rule_id: ClassVar[str] = "deduction_list"
    deductions: tuple[tuple[str, Decimal], ...] = ()
    keys: ClassVar[tuple[str, ...]] = ("扣分", "取整")

    @classmethod
    def parse(cls, params, weight, conclusion) -> DeductionList:
        p = _Params(params, cls.keys, "问题扣分")
        text = p.text("扣分")
        entries = []
        if text != "无":
            for item in _split_list(text):
                finding_id, points = _split_pair(item, "扣分")
                value = parse_number(points, "扣分")
                if value <= 0:
                    raise RuleError(f"参数「扣分」中「{finding_id}」的扣分应大于 0")
                entries.append((finding_id, value))
        ids = [f for f, _ in entries]
        if len(set(ids)) != len(ids):
            raise RuleError("参数「扣分」中有重复的问题编号")
        return cls(quantum=p.quantum(), deductions=tuple(entries))

    def finding_ids(self):
        return tuple(f for f, _ in self.deductions)

    def covers(self, finding_id: str) -> bool:
        return any(_matches(entry, finding_id) for entry, _ in self.deductions)

    def evaluate(self, weight, metrics, findings):
        reasons, notes, used = [], [], []
        total = Decimal(0)
        for entry, points in self.deductions:
            matched = (
                sorted(f for f in findings if _matches(entry, f))
                if entry.endswith("*")
                else [entry]
                if entry in findings
                else []
            )
            if not matched:
                what = (
                    f"编号以 {entry[:-1]} 开头的问题" if entry.endswith("*") else f"问题 {entry} "
                )
                notes.append(f"{what}不在问题清单中，未扣分。")
                continue
            for finding_id in matched:
                if finding_id in used:
                    continue  # named twice (by id and by a pattern): one deduction
                used.append(finding_id)
                total += points
                reasons.append(f"{finding_id}「{findings[finding_id].title}」扣{fmt(points)}分。")
        capped = min(total, weight)
        if capped < total:
            reasons.append(f"合计应扣{fmt(total)}分，超过分值，扣完为止（扣{fmt(weight)}分）。")
        score = quantise(weight - capped, self.quantum)
        if used:
            basis = f"问题清单中{len(used)}项问题（{'、'.join(used)}），扣{fmt(weight - score)}分，得{fmt(score)}分"
        else:
            basis = f"未发现需扣分的问题，得满分{fmt(score)}分"
        return Outcome(
            score=score,
            reasons=tuple(reasons),
            basis=basis + "。",
            findings=tuple(used),
            notes=tuple(notes),
        )


def _matches(entry: str, finding_id: str) -> bool:
    return finding_id.startswith(entry[:-1]) if entry.endswith("*") else finding_id == entry


@dataclass(frozen=True)
class Judgement(Rule):
    """The evaluator's score, with a mandatory written rationale (checked by the loader)."""

    rule_id: ClassVar[str] = "judgement"
    given: Decimal = Decimal(0)
    keys: ClassVar[tuple[str, ...]] = ("取整",)

    @classmethod
    def parse(cls, params, weight, conclusion) -> Judgement:
        p = _Params(params, cls.keys, "专家评判")
        text = normalise_text(conclusion)
        if not text:
            raise RuleError("专家评判需在「评价结论」中填写得分", CONCLUSION_COLUMN)
        given = parse_number(text, CONCLUSION_COLUMN, column=CONCLUSION_COLUMN)
        if given < 0 or given > weight:
            raise RuleError(
                f"「评价结论」中的得分{fmt(given)}超出 0–{fmt(weight)} 分（分值）",
                CONCLUSION_COLUMN,
            )
        quantum = p.quantum()
        if quantise(given, quantum) != given:
            raise RuleError(
                f"「评价结论」中的得分{text}不是{fmt(quantum)}分的整数倍", CONCLUSION_COLUMN
            )
        return cls(quantum=quantum, given=given)

    def below_full_by_judgement(self, weight):
        return self.given < weight

    def evaluate(self, weight, metrics, findings):
        score = quantise(self.given, self.quantum)
        basis = f"评价组评判得{fmt(score)}分（满分{fmt(weight)}分）"
        reasons = (f"{basis}，扣{fmt(weight - score)}分。",) if score < weight else ()
        return Outcome(score=score, reasons=reasons, basis=basis + "。")


RULE_CLASSES: dict[str, type[Rule]] = {
    cls.rule_id: cls
    for cls in (
        Proportional,
        Banded,
        LinearDeduction,
        Checkpoints,
        Graded,
        DeductionList,
        Judgement,
    )
}


def build_rule(
    rule_type: str, parameters: object, weight: Decimal, conclusion: object = ""
) -> Rule:
    """Parse a rule from its workbook cells (规则类型, 规则参数, 评价结论)."""
    label = normalise_text(rule_type)
    if not label:
        raise RuleError("未填写规则类型", "规则类型")
    rule_id = RULE_TYPES.get(label, label if label in RULE_CLASSES else None)
    if rule_id is None:
        raise RuleError(
            f"不认识的规则类型「{rule_type}」；可用的规则类型有：{'、'.join(RULE_TYPES)}",
            "规则类型",
        )
    cls = RULE_CLASSES[rule_id]
    return cls.parse(
        parse_parameters(parameters), weight, "" if conclusion is None else str(conclusion)
    )
