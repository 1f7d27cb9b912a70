"""Output metrics (产出): 实际完成率, 完成及时率, 质量达标率, 成本节约率 from the outputs table,
and the outputs that fell short of plan or beat a target by far (财预〔2020〕10号 art. 16: a
target met many times over was probably set too low) as findings.

Input is the canonical ``outputs`` table (schema.OUTPUTS: planned, actual, completed_on_time,
quality_passed, with provenance columns). The metrics go to scoring through
``jixiao.metrics.write_metrics(year, "outputs", output_metrics(outputs))``.
"""

from __future__ import annotations

import pandas as pd

from .compliance.common import empty_flags, make_flags
from .errors import InputError
from .metrics import Metric
from .schema import OUTPUTS

SOURCE = "outputs"
YES, NO = "是", "否"
# An output achieved at this multiple of its target or more is flagged (OUT-01): the target was
# probably set low. A parameter of the compliance step (``over_achievement_ratio``).
OVER_ACHIEVEMENT_RATIO = 1.5


def _fail(outputs: pd.DataFrame, mask: pd.Series, column: str, message: str) -> InputError:
    """An InputError naming the first offending row (from the provenance columns when present)."""
    first = outputs.loc[mask].iloc[0]
    header = OUTPUTS.column(column).header
    name = first.get("indicator", "")
    return InputError(
        f"产出指标「{name}」：{message}（共{int(mask.sum())}行）",
        file=first.get("source_file"),
        sheet=first.get("source_sheet"),
        row=None if pd.isna(first.get("source_row", pd.NA)) else int(first["source_row"]),
        column=header,
    )


def _yes_share(outputs: pd.DataFrame, column: str) -> tuple[int, int] | None:
    """(是 count, answered count), or None when no row answers the question."""
    if column not in outputs.columns:
        return None
    answers = outputs[column].astype("string").str.strip().replace("", pd.NA)
    invalid = answers.notna() & ~answers.isin([YES, NO])
    if invalid.any():
        raise _fail(outputs, invalid, column, "应填「是」或「否」")
    answered = int(answers.notna().sum())
    if answered == 0:
        return None
    return int((answers == YES).sum()), answered


def output_metrics(outputs: pd.DataFrame) -> list[Metric]:
    """实际完成率 = mean of min(actual / planned, 1); 及时率 / 达标率 = share of 是 among answered rows.

    A rate with no answered row is not produced, so scoring names it as missing rather than
    scoring on an invented figure.
    """
    if outputs.empty:
        raise InputError("产出表中没有产出指标")
    planned = pd.to_numeric(outputs["planned"], errors="coerce")
    actual = pd.to_numeric(outputs["actual"], errors="coerce")
    bad_plan = planned.isna() | (planned <= 0)
    if bad_plan.any():
        raise _fail(outputs, bad_plan, "planned", "计划数应为大于 0 的数")
    bad_actual = actual.isna() | (actual < 0)
    if bad_actual.any():
        raise _fail(outputs, bad_actual, "actual", "实际完成数应为不小于 0 的数")

    raw_ratio = actual / planned
    ratio = raw_ratio.clip(upper=1.0)
    names = (
        outputs["indicator"].astype("string")
        if "indicator" in outputs
        else pd.Series("", index=outputs.index, dtype="string")
    )
    short = names[ratio < 1].tolist()
    short_text = f"未达计划：{'、'.join(short)}" if short else "各项均达到计划数"
    over = names[raw_ratio >= OVER_ACHIEVEMENT_RATIO].tolist()
    if over:
        short_text += f"；超额完成较多（目标可能偏低）：{'、'.join(over)}"
    metrics = [
        Metric(
            metric="output_completion_rate",
            value=float(ratio.mean()),
            label="实际完成率",
            source=SOURCE,
            evidence=f"{len(outputs)}项产出指标，各项 min(实际完成数/计划数, 1) 的平均值；{short_text}",
        )
    ]
    for metric, column, label in (
        ("output_timely_rate", "completed_on_time", "完成及时率"),
        ("output_quality_rate", "quality_passed", "质量达标率"),
    ):
        counts = _yes_share(outputs, column)
        if counts is None:
            continue
        yes, answered = counts
        header = OUTPUTS.column(column).header
        metrics.append(
            Metric(
                metric=metric,
                value=yes / answered,
                label=label,
                source=SOURCE,
                evidence=f"填写「{header}」的{answered}项产出指标中{yes}项为「是」",
            )
        )
    cost = cost_saving_metric(outputs)
    if cost is not None:
        metrics.append(cost)
    return metrics


def cost_saving_metric(outputs: pd.DataFrame) -> Metric | None:
    """成本节约率 = (计划成本 − 实际成本) / 计划成本 over the outputs that state both; negative
    when the outputs cost more than planned. None when no output states both costs."""
    if not {"planned_cost_fen", "actual_cost_fen"} <= set(outputs.columns):
        return None
    planned = pd.to_numeric(outputs["planned_cost_fen"], errors="coerce")
    actual = pd.to_numeric(outputs["actual_cost_fen"], errors="coerce")
    both = planned.notna() & actual.notna()
    if not both.any():
        return None
    bad = both & (planned <= 0)
    if bad.any():
        raise _fail(outputs, bad, "planned_cost_fen", "计划成本应大于 0")
    planned_total, actual_total = int(planned[both].sum()), int(actual[both].sum())
    rate = (planned_total - actual_total) / planned_total
    return Metric(
        metric="cost_saving_rate",
        value=rate,
        label="成本节约率",
        source=SOURCE,
        evidence=(
            f"{int(both.sum())}项产出填写了计划成本和实际成本：计划{planned_total / 100:,.2f}元，"
            f"实际{actual_total / 100:,.2f}元，节约率{rate:.2%}"
        ),
    )


def output_flags(
    outputs: pd.DataFrame, over_achievement_ratio: float | None = OVER_ACHIEVEMENT_RATIO
) -> pd.DataFrame:
    """Flags for the findings register: each output below its plan (OUT-02) and, unless
    ``over_achievement_ratio`` is None, each at that multiple of its plan or more (OUT-01).
    Rows point into the outputs sheet."""
    if outputs.empty:
        return empty_flags()
    planned = pd.to_numeric(outputs["planned"], errors="coerce")
    actual = pd.to_numeric(outputs["actual"], errors="coerce")
    ratio = actual / planned
    unit = (
        outputs["measure_unit"].fillna("").astype("str")
        if "measure_unit" in outputs
        else pd.Series("", index=outputs.index, dtype="str")
    )

    def reason(rows: pd.Series, verdict: str) -> pd.Series:
        return (
            "产出指标「"
            + outputs.loc[rows, "indicator"].astype("str")
            + "」计划"
            + planned[rows].map("{:g}".format)
            + unit[rows]
            + "，实际完成"
            + actual[rows].map("{:g}".format)
            + unit[rows]
            + "（"
            + ratio[rows].map("{:.0%}".format)
            + "），"
            + verdict
        )

    parts = []
    below = ratio < 1
    if below.any():
        parts.append(make_flags(outputs[below], "OUT-02", reason(below, "未完成计划。"), 0))
    if over_achievement_ratio is not None:
        above = ratio >= over_achievement_ratio
        if above.any():
            verdict = f"超过计划的{over_achievement_ratio:g}倍，应分析绩效目标是否设定偏低。"
            parts.append(make_flags(outputs[above], "OUT-01", reason(above, verdict), 0))
    if not parts:
        return empty_flags()
    return pd.concat(parts, ignore_index=True)
