"""Rules on the evaluator's conclusion or the findings register: 要素计分, 等级评定, 问题扣分, 专家评判."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from .base import Outcome, ScoringRule
from .parameters import (
    CONCLUSION_COLUMN,
    Params,
    RuleError,
    fmt,
    fmt_percent,
    normalise_text,
    parse_number,
    quantise,
    split_list,
    split_pair,
)

_CIRCLED = "".join(chr(0x2460 + i) for i in range(20))  # ① … ⑳


def _circled_markers(text: str) -> list[str]:
    return [ch for ch in text if ch in _CIRCLED]


@dataclass(frozen=True)
class Checkpoints(ScoringRule):
    """Elements ①②③… each worth a share of the points; the evaluator marks which are met."""

    rule_id: ClassVar[str] = "checkpoints"
    label: ClassVar[str] = "要素计分"
    method: ClassVar[str] = "judgement"
    items: tuple[tuple[str, str, Decimal], ...] = ()  # (marker, text, points)
    met: frozenset[str] = frozenset()
    keys: ClassVar[tuple[str, ...]] = ("要素", "要素分值", "取整")

    @classmethod
    def parse(cls, params, weight, conclusion) -> Checkpoints:
        p = Params(params, cls.keys, cls.label)
        raw_items = split_list(p.text("要素"))
        markers = []
        for item in raw_items:
            if not item or item[0] not in _CIRCLED:
                raise RuleError(f"参数「要素」中的「{item}」应以圈码编号开头（①②③…）")
            markers.append(item[0])
        if len(set(markers)) != len(markers):
            raise RuleError("参数「要素」中有重复的编号")
        if "要素分值" in params:
            values = [parse_number(v, "要素分值") for v in split_list(p.text("要素分值"))]
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

    def describe(self, metric_label: str = "") -> str:
        items = "；".join(f"{mk}{text}（{fmt(pts)}分）" for mk, text, pts in self.items)
        return f"按要素计分：{items}；各要素是否满足由评价组判断"

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
class Graded(ScoringRule):
    """健全 / 基本健全 / 不健全 (or the levels the parameters list) → a share of the points."""

    rule_id: ClassVar[str] = "graded"
    label: ClassVar[str] = "等级评定"
    method: ClassVar[str] = "judgement"
    levels: tuple[tuple[str, Decimal], ...] = ()
    chosen: str = ""
    keys: ClassVar[tuple[str, ...]] = ("等级", "取整")

    @classmethod
    def parse(cls, params, weight, conclusion) -> Graded:
        p = Params(params, cls.keys, cls.label)
        levels = []
        for item in split_list(p.text("等级", DEFAULT_GRADES)):
            name, share = split_pair(item, "等级")
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

    def describe(self, metric_label: str = "") -> str:
        levels = "、".join(f"{name}得{fmt_percent(share)}" for name, share in self.levels)
        return f"按等级评定：{levels}；等级由评价组评定"

    def evaluate(self, weight, metrics, findings):
        score = quantise(weight * self.share, self.quantum)
        basis = (
            f"评价结论为「{self.chosen}」（得分比例{fmt_percent(self.share)}），得{fmt(score)}分"
        )
        reasons = (f"{basis}，扣{fmt(weight - score)}分。",) if score < weight else ()
        return Outcome(score=score, reasons=reasons, basis=basis + "。")


@dataclass(frozen=True)
class DeductionList(ScoringRule):
    """Points deducted per finding of the register, 扣完为止; a finding not in the register costs nothing.

    An entry names one finding (``OBS-04:1``) or, ending in ``*``, every finding whose id starts
    so (``SCP-*:0.5``: 0.5 for each out-of-scope finding the checks produce, whichever units).
    """

    rule_id: ClassVar[str] = "deduction_list"
    label: ClassVar[str] = "问题扣分"
    # Computed from the findings register: the points follow from which findings exist.
    method: ClassVar[str] = "computed"
    deductions: tuple[tuple[str, Decimal], ...] = ()
    keys: ClassVar[tuple[str, ...]] = ("扣分", "取整")

    @classmethod
    def parse(cls, params, weight, conclusion) -> DeductionList:
        p = Params(params, cls.keys, cls.label)
        text = p.text("扣分")
        entries = []
        if text != "无":
            for item in split_list(text):
                finding_id, points = split_pair(item, "扣分")
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

    def describe(self, metric_label: str = "") -> str:
        if not self.deductions:
            return "按问题清单扣分：未列扣分问题"
        items = "、".join(
            f"{entry[:-1]}开头的每项问题扣{fmt(points)}分"
            if entry.endswith("*")
            else f"{entry}扣{fmt(points)}分"
            for entry, points in self.deductions
        )
        return f"按问题清单扣分：{items}，扣完为止"

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
class Judgement(ScoringRule):
    """The evaluator's score, with a mandatory written rationale (checked by the loader)."""

    rule_id: ClassVar[str] = "judgement"
    label: ClassVar[str] = "专家评判"
    method: ClassVar[str] = "judgement"
    given: Decimal = Decimal(0)
    keys: ClassVar[tuple[str, ...]] = ("取整",)

    @classmethod
    def parse(cls, params, weight, conclusion) -> Judgement:
        p = Params(params, cls.keys, cls.label)
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

    def describe(self, metric_label: str = "") -> str:
        return "评价组依据评价结论和理由直接评定得分"

    def evaluate(self, weight, metrics, findings):
        score = quantise(self.given, self.quantum)
        basis = f"评价组评判得{fmt(score)}分（满分{fmt(weight)}分）"
        reasons = (f"{basis}，扣{fmt(weight - score)}分。",) if score < weight else ()
        return Outcome(score=score, reasons=reasons, basis=basis + "。")
