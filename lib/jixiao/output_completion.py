"""Output metrics (产出): 实际完成率, 完成及时率, 质量达标率 from the outputs table.

Input is the canonical ``outputs`` table (schema.OUTPUTS: planned, actual, completed_on_time,
quality_passed, with provenance columns). The metrics go to scoring through
``jixiao.metrics.write_metrics(year, "outputs", output_metrics(outputs))``.
"""

from __future__ import annotations

import pandas as pd

from .errors import InputError
from .metrics import Metric
from .schema import OUTPUTS

SOURCE = "outputs"
YES, NO = "是", "否"


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

    ratio = (actual / planned).clip(upper=1.0)
    short = (
        outputs.loc[ratio < 1, "indicator"].astype("string").tolist()
        if "indicator" in outputs
        else []
    )
    short_text = f"未达计划：{'、'.join(short)}" if short else "各项均达到计划数"
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
    return metrics
