"""Questionnaires and phone interviews: validate, measure satisfaction, judge the sample.

The audit step in the order an evaluator works:

1. ``validate_responses`` — every answer cell of the 问卷数据 sheet checked against the Likert
   scale; text (非常满意 …) and digits (1–5, "4", 4.0, full-width ４) accepted; blanks,
   out-of-scale numbers, unrecognised text, duplicate 问卷编号 and the same person answering
   again under another 问卷编号 (same ``person_key`` from phone or ID number) go to the
   rejects table with file, sheet, row and column. Reverse-worded items are recoded (6 − code) so that 5
   always means the most satisfied.
2. ``satisfaction`` / ``weighted_index`` — rate of (非常满意 + 满意) among valid answers with a
   confidence interval, and a weighted score, per item, community, group or overall.
3. ``sample_size`` / ``response_coverage`` — the sample an evaluator needed for the stated
   margin of error, what was achieved, and a plain statement when it falls short.
4. ``summarise_interviews`` — the phone interview log's coded answers counted by question
   and community; free-text notes kept with the pseudonym, never a name.
5. ``satisfaction_metrics`` — what scoring consumes (``satisfaction_rate`` …).
6. ``results_reading`` — the results in words (Chinese Markdown), computed from the answers.

Chart data for the notebook: ``likert_chart_data`` (diverging stacked bars per item) and
``community_chart_data`` (satisfaction by community with intervals); the plots themselves
are in ``jixiao.survey_charts``.

A caution on the intervals: they treat every answer as an independent draw. The eight
answers of one respondent are correlated, so the true uncertainty of an all-items rate is
larger than the interval says; ``response_coverage`` judges the sample on respondents.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import InputError, ParameterError
from .lazy import scipy_stats
from .metrics import Metric
from .privacy import name_masks, redact_text
from .schema import LIKERT_LEVELS, PROVENANCE_COLUMNS, REJECT_COLUMNS, RESPONDENT_GROUPS, SURVEY

STEP = "survey"

# Reasons in the rejects table (exact strings, so an evaluator can filter on them).
REASON_BLANK = "空白"
REASON_OUT_OF_SCALE = "超出量表"
REASON_UNRECOGNISED = "无法识别"
REASON_DUPLICATE = "重复问卷编号"
REASON_SAME_PERSON = "同一受访者以不同问卷编号重复作答"
REASON_NOT_APPLICABLE = "该题不适用于此类受访者"

DEFAULT_SATISFIED = (5, 4)
DEFAULT_WEIGHTS = {5: 100, 4: 80, 3: 60, 2: 40, 1: 20}
METHODS = {"wilson": "Wilson 得分区间", "exact": "Clopper–Pearson 精确区间"}

# Metric names for the per-group rates, in schema.RESPONDENT_GROUPS order.
GROUP_METRICS = {
    "居民": "satisfaction_rate_residents",
    "社区工作者": "satisfaction_rate_workers",
    "社会组织": "satisfaction_rate_organisations",
}

ANSWER_COLUMNS = (
    "respondent_id",
    "person_key",
    "group",
    "community",
    "item_id",
    "item",
    "reverse",
    "value",
    "raw_code",
    "code",
    *PROVENANCE_COLUMNS,
)
# Chinese headers for exported tables.
ANSWER_HEADERS = {
    "respondent_id": "问卷编号",
    "person_key": "受访者代码",
    "group": "受访者类别",
    "community": "社区",
    "item_id": "题号",
    "item": "题目",
    "reverse": "反向题",
    "value": "原始答案",
    "raw_code": "原始分值",
    "code": "分值（反向题已转换）",
    "source_file": "来源文件",
    "source_sheet": "来源工作表",
    "source_row": "来源行号",
}
SATISFACTION_HEADERS = {
    "item_id": "题号",
    "item": "题目",
    "community": "社区",
    "group": "受访者类别",
    "n_valid": "有效答案数",
    "n_satisfied": "满意答案数",
    "rate": "满意率",
    "lower": "区间下限",
    "upper": "区间上限",
    "margin": "误差（半宽）",
}
INDEX_HEADERS = {"n_valid": "有效答案数", "index": "加权满意度指数"}
COVERAGE_HEADERS = {
    "group": "受访者类别",
    "population": "总体数量",
    "planned": "计划样本量",
    "achieved": "实际样本量",
    "completion": "计划完成率",
    "required": "所需样本量",
    "achieved_margin": "实际误差",
    "sufficient": "样本充足",
    "statement": "说明",
}
COUNT_LABELS = {
    "rows_read": "问卷行数",
    "rows_duplicate": "重复问卷（整行剔除）",
    "rows_same_person": "同一受访者重复作答（整行剔除）",
    "respondents": "有效问卷数",
    "cells_read": "答案单元格数",
    "valid": "有效答案",
    "blank": "空白",
    "out_of_scale": "超出量表",
    "unrecognised": "无法识别",
    "not_applicable_answered": "不适用却作答",
    "not_applicable": "不适用（未作答）",
    "duplicate_cells": "重复问卷中的答案",
}

REVERSE_NOTE = "（反向题，已转换）"
# An answer-scale hint in the item text, e.g. （1=非常不同意，5=非常同意）, and a bare （反向题） mark.
_SCALE_HINT = re.compile(r"\s*[（(]\s*\d\s*[=＝:：][^（）()]*[）)]")
_REVERSE_MARK = re.compile(r"\s*[（(]\s*反向题?\s*[）)]")

_GROUP_SEPARATORS = r"[、,，/;；\s]+"
_ALL_GROUPS = {"全部", "所有", "全体", "均适用"}


def _z(confidence: float) -> float:
    _check_confidence(confidence)
    return float(scipy_stats().norm.ppf(1 - (1 - confidence) / 2))


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ParameterError(f"confidence must be between 0 and 1 (e.g. 0.95), got {confidence!r}")


def _codes(scale: dict[str, int]) -> tuple[int, ...]:
    return tuple(sorted(set(int(v) for v in scale.values())))


def _level_labels(scale: dict[str, int]) -> dict[int, str]:
    """Code → the first text the scale gives for it (aliases such as 比较满意 come later)."""
    labels: dict[int, str] = {}
    for text, code in scale.items():
        labels.setdefault(int(code), text)
    return labels


# ---------------------------------------------------------------------------------------
# 1. Validation
# ---------------------------------------------------------------------------------------


@dataclass
class SurveyValidation:
    """Valid answers in long format, the rejects, and counts that reconcile."""

    answers: pd.DataFrame
    rejects: pd.DataFrame
    counts: dict[str, int] = field(default_factory=dict)

    def counts_table(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"项目": [COUNT_LABELS[k] for k in self.counts], "数量": list(self.counts.values())}
        )

    def summary(self) -> str:
        c = self.counts
        return (
            f"问卷 {c['rows_read']} 份，其中重复问卷编号 {c['rows_duplicate']} 份、同一受访者以不同编号重复作答 "
            f"{c['rows_same_person']} 份整份剔除，有效问卷 {c['respondents']} 份；"
            f"答案单元格 {c['cells_read']} 个：有效 {c['valid']} 个，空白 {c['blank']} 个，超出量表 {c['out_of_scale']} 个，"
            f"无法识别 {c['unrecognised']} 个，不适用 {c['not_applicable'] + c['not_applicable_answered']} 个，"
            f"重复问卷中 {c['duplicate_cells']} 个。"
        )


def item_groups(items: pd.DataFrame) -> pd.DataFrame:
    """Item × respondent group applicability from the 适用对象 column (blank or 全部 = every group)."""
    item_ids = items["item_id"].astype("string").str.strip()
    raw = (
        items["groups"].astype("string")
        if "groups" in items
        else pd.Series(pd.NA, index=items.index, dtype="string")
    )
    tokens = raw.str.strip().str.split(_GROUP_SEPARATORS, regex=True)
    long = pd.DataFrame({"item_id": item_ids, "token": tokens}).explode("token")
    long["token"] = long["token"].astype("string").str.strip()
    long = long[long["token"].notna() & (long["token"] != "")]
    unknown = long[~long["token"].isin(RESPONDENT_GROUPS) & ~long["token"].isin(_ALL_GROUPS)]
    if not unknown.empty:
        first = unknown.index[0]
        raise InputError(
            f"适用对象 '{raw.loc[first]}' 含无法识别的受访者类别 '{unknown['token'].iloc[0]}'（可用：{'、'.join(RESPONDENT_GROUPS)}、全部）",
            file=_prov(items, first, "source_file"),
            sheet=_prov(items, first, "source_sheet"),
            row=_prov(items, first, "source_row"),
            column="适用对象",
        )
    everyone = ~item_ids.isin(long.loc[long["token"].isin(RESPONDENT_GROUPS), "item_id"])
    all_rows = pd.DataFrame({"item_id": item_ids[everyone]}).merge(
        pd.DataFrame({"group": list(RESPONDENT_GROUPS)}), how="cross"
    )
    named = long.loc[long["token"].isin(RESPONDENT_GROUPS), ["item_id", "token"]].rename(
        columns={"token": "group"}
    )
    return pd.concat([all_rows, named], ignore_index=True).drop_duplicates(ignore_index=True)


def _prov(frame: pd.DataFrame, index, column: str):
    return frame.at[index, column] if column in frame else None


def parse_answers(values: pd.Series, scale: dict[str, int] = LIKERT_LEVELS) -> pd.DataFrame:
    """Read answer cells: returns ``code`` (Int64, NA when invalid) and ``reason`` (NA when valid).

    Text is matched after NFKC normalisation (full-width digits and letters become ASCII) and
    with whitespace removed; numbers must be whole (4, "4", 4.0, "４").
    """
    codes = _codes(scale)
    text = values.astype("string").str.normalize("NFKC").str.replace(r"\s+", "", regex=True)
    text = text.mask(text == "")
    lookup = {
        re.sub(r"\s+", "", unicodedata.normalize("NFKC", k)): int(v) for k, v in scale.items()
    }
    from_text = text.map(lookup).astype("Int64")
    whole = text.str.fullmatch(r"[+-]?\d+(?:\.0*)?").fillna(False).astype(bool)
    number = pd.to_numeric(text.where(whole), errors="coerce").astype("Int64")
    in_scale = number.isin(codes).fillna(False).astype(bool)
    code = from_text.fillna(number.where(in_scale))
    reason = pd.Series(pd.NA, index=values.index, dtype="string")
    reason = reason.mask(code.isna(), REASON_UNRECOGNISED)
    reason = reason.mask(whole & ~in_scale, REASON_OUT_OF_SCALE)
    reason = reason.mask(text.isna(), REASON_BLANK)
    return pd.DataFrame({"code": code, "reason": reason}, index=values.index)


# person_key_basis values whose key identifies one person (a name + community may be two people).
_IDENTIFYING_BASES = ("phone", "id_number")


def _same_person_again(frame: pd.DataFrame, already: pd.Series) -> pd.DataFrame:
    """Rows of a person who already answered under another 问卷编号, with the reject's column and value.

    The person is recognised by ``person_key`` when it was computed from a phone or ID number
    (``person_key_basis``; a frame without that column is trusted to carry only such keys).
    The first row in sheet order is kept. ``column`` names the matching column (联系电话 /
    身份证号) and ``value`` its masked value with the row and 问卷编号 answered first.
    """
    key = frame["person_key"].astype("string")
    usable = key.notna() & ~already
    if "person_key_basis" in frame:
        basis = frame["person_key_basis"].astype("string")
        usable &= basis.isin(_IDENTIFYING_BASES).fillna(False).astype(bool)
    else:
        basis = pd.Series("person_key", index=frame.index, dtype="string")
    repeat = usable & key.where(usable).duplicated(keep="first")
    first = frame.loc[usable & ~repeat].drop_duplicates("person_key").set_index("person_key")
    rows = frame.loc[repeat]
    headers = {
        "phone": SURVEY.column("phone").header,
        "id_number": SURVEY.column("id_number").header,
    }
    column = basis[repeat].map(headers).fillna(ANSWER_HEADERS["person_key"]).astype("string")
    shown = rows["person_key"].astype("string")
    for name in _IDENTIFYING_BASES:
        if name in frame:
            masked = rows[name].astype("string")
            shown = shown.mask(basis[repeat].eq(name) & masked.notna(), masked)
    earlier = rows["person_key"].map(first["source_row"]).astype("Int64").astype("string")
    earlier_id = rows["person_key"].map(first["respondent_id"]).astype("string")
    value = shown + "（与第 " + earlier + " 行问卷 " + earlier_id + " 为同一人）"
    return pd.DataFrame({"repeat": repeat}).join(pd.DataFrame({"column": column, "value": value}))


def validate_responses(
    responses: pd.DataFrame, items: pd.DataFrame, *, scale: dict[str, int] = LIKERT_LEVELS
) -> SurveyValidation:
    """Check every answer cell; return valid answers (long), rejects and reconciling counts.

    ``responses`` is the loader's frame (one row per respondent, one text column per item id);
    ``items`` the 题目 sheet. Duplicate 问卷编号: the first row is kept and each later row is
    rejected whole (one reject row, reason 重复问卷编号; its cells are counted under
    ``duplicate_cells``). The same person under another 问卷编号 (same ``person_key`` from a
    phone or ID number) likewise: the first row is kept, each later one rejected whole with
    reason 同一受访者以不同问卷编号重复作答, column 联系电话 or 身份证号, the masked value
    and the row answered first. Items whose 适用对象 excludes a respondent's group: a blank there
    is not an error (``not_applicable``), an answer is rejected (该题不适用于此类受访者).

    Counts reconcile: cells_read = valid + blank + out_of_scale + unrecognised +
    not_applicable_answered + not_applicable + duplicate_cells.
    """
    codes = _codes(scale)
    if len(codes) < 2:
        raise ParameterError(f"the scale needs at least two levels, got {scale!r}")
    required = ("respondent_id", "group", "community", *PROVENANCE_COLUMNS)
    missing = [c for c in required if c not in responses]
    if missing:
        raise ParameterError(
            f"responses frame lacks column(s) {missing}: pass the survey loader's output"
        )
    item_ids = items["item_id"].astype("string").str.strip()
    if item_ids.duplicated().any():
        dup = item_ids[item_ids.duplicated()].index[0]
        raise InputError(
            f"题号 '{item_ids[dup]}' 出现两次",
            file=_prov(items, dup, "source_file"),
            sheet=_prov(items, dup, "source_sheet"),
            row=_prov(items, dup, "source_row"),
            column="题号",
        )
    absent = [i for i in item_ids if i not in responses.columns]
    if absent:
        first = responses.index[0] if len(responses) else None
        raise InputError(
            f"问卷数据缺少题目列 {'、'.join(absent)}（题目表列出的每个题号都应是问卷数据的一列）",
            file=None if first is None else responses.at[first, "source_file"],
            sheet=None if first is None else responses.at[first, "source_sheet"],
        )
    reverse = (
        items["reverse"].astype("string").str.strip().eq("是").fillna(False).astype(bool)
        if "reverse" in items
        else pd.Series(False, index=items.index)
    )
    item_info = pd.DataFrame(
        {
            "item_id": item_ids.to_numpy(),
            "item": items["item"].astype("string").to_numpy(),
            "reverse": reverse.to_numpy(),
            "item_order": np.arange(len(items)),
        }
    )

    frame = responses.reset_index(drop=True)
    frame["respondent_id"] = frame["respondent_id"].astype("string").str.strip()
    if "person_key" not in frame:
        frame["person_key"] = pd.Series(pd.NA, index=frame.index, dtype="string")
    duplicate_id = frame["respondent_id"].duplicated(keep="first") & frame["respondent_id"].notna()
    again = _same_person_again(frame, duplicate_id)
    duplicate = duplicate_id | again["repeat"]
    frame["row_order"] = np.arange(len(frame))

    id_cols = [
        "respondent_id",
        "person_key",
        "group",
        "community",
        *PROVENANCE_COLUMNS,
        "row_order",
    ]
    cells = (
        frame[id_cols + list(item_ids)]
        .assign(duplicate=duplicate.to_numpy())
        .melt(
            id_vars=id_cols + ["duplicate"],
            value_vars=list(item_ids),
            var_name="item_id",
            value_name="value",
        )
    )
    cells["value"] = cells["value"].astype("string")
    cells = cells.merge(item_info, on="item_id", how="left", validate="many_to_one")
    applicable = item_groups(items).assign(applies=True)
    cells = cells.merge(applicable, on=["item_id", "group"], how="left", validate="many_to_one")
    cells["applies"] = cells["applies"].fillna(False).astype(bool)
    # Respondents of a group outside the schema's list: every item applies to them.
    cells.loc[~cells["group"].isin(RESPONDENT_GROUPS), "applies"] = True
    cells = cells.sort_values(["row_order", "item_order"], kind="stable", ignore_index=True)

    parsed = parse_answers(cells["value"], scale)
    cells["raw_code"] = parsed["code"]
    cells["reason"] = parsed["reason"]
    blank = cells["reason"].eq(REASON_BLANK).fillna(False).astype(bool)
    live = ~cells["duplicate"]
    not_applicable = live & ~cells["applies"] & blank
    na_answered = live & ~cells["applies"] & ~blank
    cells.loc[na_answered, "reason"] = REASON_NOT_APPLICABLE
    checked = live & cells["applies"]
    valid = checked & cells["reason"].isna()

    low, high = codes[0], codes[-1]
    cells["code"] = (
        cells["raw_code"].where(~cells["reverse"], low + high - cells["raw_code"]).astype("Int64")
    )
    answers = cells.loc[valid, list(ANSWER_COLUMNS)].reset_index(drop=True)

    cell_rejects = cells.loc[(checked & ~valid) | na_answered].assign(column=lambda d: d["item_id"])
    dup_rows = frame.loc[duplicate_id, ["respondent_id", *PROVENANCE_COLUMNS, "row_order"]].assign(
        column=SURVEY.column("respondent_id").header,
        value=lambda d: d["respondent_id"],
        reason=REASON_DUPLICATE,
        item_order=-1,
    )
    same_person_rows = frame.loc[again["repeat"], [*PROVENANCE_COLUMNS, "row_order"]].assign(
        column=again.loc[again["repeat"], "column"],
        value=again.loc[again["repeat"], "value"],
        reason=REASON_SAME_PERSON,
        item_order=-1,
    )
    reject_cols = [
        "source_file",
        "source_sheet",
        "source_row",
        "column",
        "value",
        "reason",
        "row_order",
        "item_order",
    ]
    rejects = pd.concat(
        [part[reject_cols] for part in (cell_rejects, dup_rows, same_person_rows) if len(part)]
        or [cell_rejects[reject_cols]],
        ignore_index=True,
    ).sort_values(["row_order", "item_order"], kind="stable", ignore_index=True)
    rejects = rejects.rename(
        columns={"source_file": "file", "source_sheet": "sheet", "source_row": "row"}
    )[list(REJECT_COLUMNS)]
    rejects["value"] = rejects["value"].astype("string")
    rejects["reason"] = rejects["reason"].astype("string")

    reasons = cells.loc[checked, "reason"]
    counts = {
        "rows_read": int(len(frame)),
        "rows_duplicate": int(duplicate_id.sum()),
        "rows_same_person": int(again["repeat"].sum()),
        "respondents": int((~duplicate).sum()),
        "cells_read": int(len(cells)),
        "valid": int(valid.sum()),
        "blank": int(reasons.eq(REASON_BLANK).sum()),
        "out_of_scale": int(reasons.eq(REASON_OUT_OF_SCALE).sum()),
        "unrecognised": int(reasons.eq(REASON_UNRECOGNISED).sum()),
        "not_applicable_answered": int(na_answered.sum()),
        "not_applicable": int(not_applicable.sum()),
        "duplicate_cells": int(cells["duplicate"].sum()),
    }
    accounted = sum(
        v
        for k, v in counts.items()
        if k not in ("rows_read", "rows_duplicate", "rows_same_person", "respondents", "cells_read")
    )
    if accounted != counts["cells_read"]:
        raise AssertionError(f"survey cell counts do not reconcile: {counts}")
    expected_rejects = (
        counts["blank"]
        + counts["out_of_scale"]
        + counts["unrecognised"]
        + counts["not_applicable_answered"]
        + counts["rows_duplicate"]
        + counts["rows_same_person"]
    )
    if expected_rejects != len(rejects):
        raise AssertionError(
            f"rejects table has {len(rejects)} rows, counts say {expected_rejects}"
        )
    return SurveyValidation(answers=answers, rejects=rejects, counts=counts)


# ---------------------------------------------------------------------------------------
# 2. Satisfaction rates with intervals, weighted index
# ---------------------------------------------------------------------------------------


def wilson_interval(successes, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial proportion (NaN where n = 0)."""
    z = _z(confidence)
    x = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def exact_interval(successes, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Clopper–Pearson interval from beta quantiles; 0 and n successes give the one-sided ends 0 and 1."""
    _check_confidence(confidence)
    alpha = 1 - confidence
    x = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = np.where(
            x > 0,
            scipy_stats().beta.ppf(alpha / 2, np.maximum(x, 1), np.maximum(n - x + 1, 1)),
            0.0,
        )
        upper = np.where(
            x < n, scipy_stats().beta.ppf(1 - alpha / 2, x + 1, np.maximum(n - x, 1)), 1.0
        )
    empty = n == 0
    return np.where(empty, np.nan, lower), np.where(empty, np.nan, upper)


def _schema_group_order(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Respondent groups in the schema's order (居民, 社区工作者, 社会组织), not character order."""
    if "group" not in keys:
        return table
    rank = {g: i for i, g in enumerate(RESPONDENT_GROUPS)}
    ranked = table.assign(_rank=table["group"].map(rank).fillna(len(rank)))
    order = ["_rank" if k == "group" else k for k in keys]
    return ranked.sort_values(order, kind="stable").drop(columns="_rank").reset_index(drop=True)


def _by_list(by) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def _check_levels(levels) -> tuple[int, ...]:
    chosen = tuple(int(v) for v in levels)
    if not chosen:
        raise ParameterError(
            "satisfied_levels is empty: name the codes counted as satisfied, e.g. (5, 4)"
        )
    return chosen


def satisfaction(
    answers: pd.DataFrame,
    by=None,
    *,
    satisfied_levels=DEFAULT_SATISFIED,
    confidence: float = 0.95,
    method: str = "wilson",
) -> pd.DataFrame:
    """Rate of satisfied answers (codes in ``satisfied_levels``) among valid answers, with an interval.

    ``by``: None (one overall row), a column name or a list (``"item_id"``, ``"community"``,
    ``"group"`` …). ``method``: ``"wilson"`` (Wilson score interval, the default: good coverage
    even near 0 % or 100 %) or ``"exact"`` (Clopper–Pearson, conservative). ``margin`` is half
    the interval's width. The method, confidence and levels are recorded in ``.attrs``.
    """
    if method not in METHODS:
        raise ParameterError(f"method must be one of {sorted(METHODS)}, got {method!r}")
    levels = _check_levels(satisfied_levels)
    keys = _by_list(by)
    missing = [k for k in keys if k not in answers]
    if missing:
        raise ParameterError(f"answers have no column(s) {missing} to group by")
    work = answers[keys + ["code"]].assign(satisfied=answers["code"].isin(levels).astype("int64"))
    if keys:
        table = (
            work.groupby(keys, dropna=False, sort=True)
            .agg(n_valid=("code", "size"), n_satisfied=("satisfied", "sum"))
            .reset_index()
        )
        table = _schema_group_order(table, keys)
    else:
        table = pd.DataFrame(
            {"n_valid": [len(work)], "n_satisfied": [int(work["satisfied"].sum())]}
        )
    table["n_valid"] = table["n_valid"].astype("int64")
    table["n_satisfied"] = table["n_satisfied"].astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        table["rate"] = table["n_satisfied"] / table["n_valid"].where(table["n_valid"] > 0)
    interval = wilson_interval if method == "wilson" else exact_interval
    lower, upper = interval(
        table["n_satisfied"].to_numpy(), table["n_valid"].to_numpy(), confidence
    )
    table["lower"] = lower
    table["upper"] = upper
    table["margin"] = (table["upper"] - table["lower"]) / 2
    table.attrs.update(
        {
            "method": method,
            "method_label": METHODS[method],
            "confidence": confidence,
            "satisfied_levels": levels,
        }
    )
    return table


def satisfaction_overview(answers: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """Overall, per group, per community and per item in one table (分组维度 / 分组 columns)."""
    parts = []
    for label, key in (
        ("总体", None),
        ("受访者类别", "group"),
        ("社区", "community"),
        ("题目", "item_id"),
    ):
        table = satisfaction(answers, key, **kwargs)
        names = (
            pd.Series("全部", index=table.index, dtype="string")
            if key is None
            else table[key].astype("string")
        )
        parts.append(
            table.drop(columns=[key] if key else []).assign(dimension=label, level=names.to_numpy())
        )
    out = pd.concat(parts, ignore_index=True)
    out = out[["dimension", "level", "n_valid", "n_satisfied", "rate", "lower", "upper", "margin"]]
    out.attrs.update(parts[0].attrs)
    return out


def weighted_index(
    answers: pd.DataFrame, weights: dict[int, float] | None = None, by=None
) -> pd.DataFrame:
    """Mean of ``weights[code]`` over valid answers (e.g. 非常满意 100 … 非常不满意 20), per ``by``."""
    weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
    present = set(answers["code"].dropna().astype(int).unique().tolist())
    uncovered = sorted(present - set(int(k) for k in weights))
    if uncovered:
        raise ParameterError(
            f"weights give no value for answer code(s) {uncovered}; weights = {weights}"
        )
    keys = _by_list(by)
    scores = (
        answers["code"]
        .astype("Int64")
        .map({int(k): float(v) for k, v in weights.items()})
        .astype("float64")
    )
    work = answers[keys].assign(score=scores.to_numpy())
    if keys:
        table = (
            work.groupby(keys, dropna=False, sort=True)
            .agg(n_valid=("score", "size"), index=("score", "mean"))
            .reset_index()
        )
        table = _schema_group_order(table, keys)
    else:
        table = pd.DataFrame(
            {"n_valid": [len(work)], "index": [work["score"].mean() if len(work) else np.nan]}
        )
    table["n_valid"] = table["n_valid"].astype("int64")
    table.attrs["weights"] = weights
    return table


# ---------------------------------------------------------------------------------------
# 3. Sample size and coverage
# ---------------------------------------------------------------------------------------


def _unrounded_sample_size(confidence: float, margin: float, p: float, population) -> float:
    if not 0 < margin < 1:
        raise ParameterError(f"margin must be between 0 and 1 (e.g. 0.05 for ±5%), got {margin!r}")
    if not 0 < p < 1:
        raise ParameterError(f"p must be between 0 and 1 (0.5 is the most cautious), got {p!r}")
    n0 = _z(confidence) ** 2 * p * (1 - p) / margin**2
    if population is None:
        return n0
    if population < 1:
        raise ParameterError(f"population must be at least 1, got {population!r}")
    return n0 / (1 + (n0 - 1) / population)


def sample_size(
    confidence: float = 0.95, margin: float = 0.05, p: float = 0.5, population: int | None = None
) -> int:
    """n = z²·p(1−p)/e², with the finite-population correction n/(1 + (n−1)/N) when N is given; rounded up."""
    n = _unrounded_sample_size(confidence, margin, p, population)
    # The tolerance keeps float noise (384.0000000001) from adding a respondent.
    return int(math.ceil(n - 1e-9))


def achieved_margin(n, population=None, confidence: float = 0.95, p: float = 0.5):
    """Margin of error z·√(p(1−p)/n · (N−n)/(N−1)) a sample of n gives (NaN for n = 0)."""
    z = _z(confidence)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        margin = z * np.sqrt(p * (1 - p) / n)
        if population is not None:
            N = np.asarray(population, dtype=float)
            fpc = np.where(np.isnan(N), 1.0, np.sqrt(np.clip((N - n) / (N - 1), 0, None)))
            margin = margin * fpc
    return np.where(n > 0, margin, np.nan)


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def _pct_tidy(x: float) -> str:
    """5% rather than 5.0% for round stated margins."""
    text = f"{x * 100:.1f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"


def response_coverage(
    responses: pd.DataFrame, plan: pd.DataFrame, *, margin: float = 0.05, confidence: float = 0.95
) -> pd.DataFrame:
    """Achieved respondents per group against the plan and the sample the stated margin needs.

    ``responses``: the responses frame or the valid answers (distinct 问卷编号 per group are
    counted, so duplicates and long format do not inflate it). Required sample and achieved
    margin use p = 0.5 and the finite-population correction.
    """
    achieved = (
        responses.drop_duplicates("respondent_id")
        .groupby("group", sort=False)
        .size()
        .rename("achieved")
    )
    plan_table = plan[["group", "population", "planned"]].copy()
    table = plan_table.merge(achieved.reset_index(), on="group", how="outer", sort=False)
    order = {
        g: i
        for i, g in enumerate(
            list(plan_table["group"])
            + [g for g in RESPONDENT_GROUPS if g not in set(plan_table["group"])]
        )
    }
    table = (
        table.assign(_order=table["group"].map(order).fillna(len(order)))
        .sort_values(["_order", "group"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    table["achieved"] = table["achieved"].fillna(0).astype("int64")
    table["population"] = table["population"].astype("Int64")
    table["planned"] = table["planned"].astype("Int64")
    population = table["population"].astype("float64")
    table["completion"] = table["achieved"] / table["planned"].astype("float64")
    n0 = _unrounded_sample_size(confidence, margin, 0.5, None)
    required = n0 / (1 + (n0 - 1) / population)
    table["required"] = np.ceil(required.fillna(n0) - 1e-9).astype("int64")
    table["achieved_margin"] = achieved_margin(table["achieved"], population, confidence)
    table["sufficient"] = table["achieved"] >= table["required"]
    stated = _pct_tidy(margin)
    statements = []
    for row in table.itertuples(index=False):  # a handful of groups
        head = f"{row.group}样本 {row.achieved} 份"
        if pd.isna(row.population):
            statements.append(f"{head}；抽样计划未列此类受访者，无法判断代表性")
            continue
        plan_note = ""
        if pd.notna(row.planned) and row.planned < row.required:
            plan_note = f"（计划样本量 {row.planned} 份本身也低于所需）"
        if row.achieved == 0:
            statements.append(f"{head}，未取得样本：无法评价此类受访者的满意度{plan_note}")
        elif row.sufficient:
            statements.append(
                f"{head}，达到 ±{stated} 误差所需的 {row.required} 份，实际误差约 ±{_pct(row.achieved_margin)}"
            )
        else:
            statements.append(
                f"{head}，少于 ±{stated} 误差所需的 {row.required} 份{plan_note}，实际误差约 ±{_pct(row.achieved_margin)}：样本不足，结论代表性有限"
            )
    table["statement"] = pd.Series(statements, index=table.index, dtype="string")
    table.attrs.update({"margin": margin, "confidence": confidence, "p": 0.5})
    return table


# ---------------------------------------------------------------------------------------
# 4. Phone interviews
# ---------------------------------------------------------------------------------------

INTERVIEW_HEADERS = {
    "interview_id": "访谈编号",
    "interview_date": "访谈日期",
    "community": "社区",
    "group": "受访者类别",
    "person_key": "受访者代码",
    "question_id": "问题编号",
    "question": "访谈问题",
    "answer_code": "回答编码",
    "n": "人次",
    "share": "占比",
    "note": "访谈摘要",
}
# Usual answer codes in a sensible reading order; any other code follows, sorted.
INTERVIEW_CODE_ORDER = (
    "非常满意",
    "满意",
    "基本满意",
    "一般",
    "不太满意",
    "不满意",
    "非常不满意",
    "是",
    "否",
    "不清楚",
)


@dataclass
class InterviewSummary:
    by_question: pd.DataFrame  # question_id, question, answer_code, n, share
    by_community: pd.DataFrame  # question_id, question, community, answer_code, n, share
    notes: (
        pd.DataFrame
    )  # interview_id, interview_date, community, group, person_key, question_id, question, note
    interviews: int

    def summary(self) -> str:
        return f"电话访谈 {self.interviews} 人次，问题 {self.by_question['question_id'].nunique()} 个，记录摘要 {len(self.notes)} 条。"

    def community_table(self) -> pd.DataFrame:
        """One row per community, one column per question and answer (``T2 满意``), counts; Chinese headers."""
        data = self.by_community
        if data.empty:
            return pd.DataFrame({INTERVIEW_HEADERS["community"]: pd.Series(dtype="string")})
        order = list(
            dict.fromkeys(zip(data["question_id"], data["answer_code"], strict=False))
        )  # question order, then code order
        wide = data.pivot_table(
            index="community",
            columns=["question_id", "answer_code"],
            values="n",
            aggfunc="sum",
            fill_value=0,
        )
        wide = wide.reindex(columns=pd.MultiIndex.from_tuples(order)).fillna(0).astype("int64")
        wide.columns = [f"{q} {code}" for q, code in wide.columns]
        return wide.rename_axis(INTERVIEW_HEADERS["community"]).reset_index()


def _count_codes(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    counts = (
        frame.groupby(keys + ["answer_code"], dropna=False, sort=False)
        .size()
        .rename("n")
        .reset_index()
    )
    totals = counts.groupby(keys, dropna=False, sort=False)["n"].transform("sum")
    counts["share"] = counts["n"] / totals
    rank = {code: i for i, code in enumerate(INTERVIEW_CODE_ORDER)}
    counts["_rank"] = counts["answer_code"].map(rank).fillna(len(rank))
    counts = counts.sort_values(keys + ["_rank", "answer_code"], kind="stable").drop(
        columns="_rank"
    )
    counts["n"] = counts["n"].astype("int64")
    return counts.reset_index(drop=True)


def summarise_interviews(interviews: pd.DataFrame) -> InterviewSummary:
    """Coded answers counted by question (and community), shares within each; notes kept apart.

    Notes carry ``person_key`` (when the frame has been masked) and never the name or phone;
    phone and ID patterns and the frame's own names inside a note are masked once more, so an
    unmasked frame passed by mistake does not leak through the notes.
    """
    frame = interviews.copy()
    frame["answer_code"] = frame["answer_code"].astype("string").str.strip()
    frame["question_id"] = frame["question_id"].astype("string").str.strip()
    # One question text per id (the first written), so a retyped question does not split counts.
    questions = frame.drop_duplicates("question_id")[["question_id", "question"]]
    by_question = _count_codes(frame, ["question_id"]).merge(
        questions, on="question_id", how="left"
    )
    by_community = _count_codes(frame, ["question_id", "community"]).merge(
        questions, on="question_id", how="left"
    )
    by_question = by_question[["question_id", "question", "answer_code", "n", "share"]]
    by_community = by_community[
        ["question_id", "question", "community", "answer_code", "n", "share"]
    ]
    note_cols = [
        c
        for c in (
            "interview_id",
            "interview_date",
            "community",
            "group",
            "person_key",
            "question_id",
            "question",
            "note",
        )
        if c in frame
    ]
    notes = (
        frame.loc[frame["note"].astype("string").str.strip().fillna("").ne(""), note_cols]
        if "note" in frame
        else frame.iloc[0:0][note_cols]
    )
    notes = notes.sort_values(
        [c for c in ("interview_id", "question_id") if c in notes], kind="stable", ignore_index=True
    )
    if "note" in notes:
        masks = name_masks(frame["name"]) if "name" in frame else None
        notes["note"] = redact_text(notes["note"], masks).astype(frame["note"].dtype)
    return InterviewSummary(
        by_question=by_question,
        by_community=by_community,
        notes=notes,
        interviews=int(frame["interview_id"].nunique()),
    )


# ---------------------------------------------------------------------------------------
# 5. Metrics for scoring
# ---------------------------------------------------------------------------------------


def satisfaction_metrics(
    answers: pd.DataFrame,
    *,
    satisfied_levels=DEFAULT_SATISFIED,
    confidence: float = 0.95,
    method: str = "wilson",
    weights: dict[int, float] | None = None,
    scale: dict[str, int] = LIKERT_LEVELS,
) -> list[Metric]:
    """``satisfaction_rate`` (fraction 0–1, all groups and items), per-group rates and the weighted index."""
    labels = _level_labels(scale)
    level_text = "+".join(labels.get(int(c), str(c)) for c in satisfied_levels)
    reversed_items = (
        sorted(answers.loc[answers["reverse"].astype(bool), "item_id"].astype(str).unique())
        if "reverse" in answers
        else []
    )
    codes = _codes(scale)
    reverse_note = (
        f"反向题 {'、'.join(reversed_items)} 已按 {codes[0] + codes[-1]}−分值 转换；"
        if reversed_items
        else ""
    )

    def evidence(row, who: str) -> str:
        return (
            f"{who}有效答案 {row.n_valid} 个，其中{level_text} {row.n_satisfied} 个，满意率 {row.rate * 100:.2f}%"
            f"（{confidence * 100:g}% {METHODS[method]} {row.lower * 100:.2f}%–{row.upper * 100:.2f}%）；{reverse_note}"
            "区间按答案相互独立计算，同一受访者的答案相关，实际不确定性更大"
        )

    if answers.empty:
        raise InputError("问卷没有有效答案，无法计算满意度（请查看剔除记录）")
    overall = satisfaction(
        answers, satisfied_levels=satisfied_levels, confidence=confidence, method=method
    )
    row = next(overall.itertuples(index=False))
    metrics = [
        Metric(
            "satisfaction_rate",
            float(row.rate),
            "社会公众或服务对象满意度",
            STEP,
            evidence(row, "全部受访者"),
        )
    ]
    if "group" in answers:
        per_group = satisfaction(
            answers,
            "group",
            satisfied_levels=satisfied_levels,
            confidence=confidence,
            method=method,
        )
        for row in per_group.itertuples(index=False):
            if row.group in GROUP_METRICS:
                metrics.append(
                    Metric(
                        GROUP_METRICS[row.group],
                        float(row.rate),
                        f"{row.group}满意度",
                        STEP,
                        evidence(row, row.group),
                    )
                )
    index = weighted_index(answers, weights)
    used = index.attrs["weights"]
    metrics.append(
        Metric(
            "satisfaction_index",
            float(index["index"].iloc[0]),
            "满意度加权指数",
            STEP,
            f"有效答案 {int(index['n_valid'].iloc[0])} 个，按 "
            + "、".join(
                f"{labels.get(int(k), k)} {v:g}" for k, v in sorted(used.items(), reverse=True)
            )
            + " 分加权平均",
        )
    )
    return metrics


# ---------------------------------------------------------------------------------------
# 6. The written reading of the results
# ---------------------------------------------------------------------------------------


def _interval_text(row, confidence: float, method: str) -> str:
    return (
        f"{confidence * 100:g}% 置信区间 {_pct(row.lower)}–{_pct(row.upper)}（{METHODS[method]}）"
    )


def _join(parts: list[str]) -> str:
    return "、".join(parts)


def results_reading(
    answers: pd.DataFrame,
    plan: pd.DataFrame,
    *,
    satisfied_levels=DEFAULT_SATISFIED,
    confidence: float = 0.95,
    method: str = "wilson",
    margin: float = 0.05,
    scale: dict[str, int] = LIKERT_LEVELS,
) -> str:
    """The survey's results in Chinese Markdown, every figure computed here from ``answers``.

    Overall satisfaction with its interval and method; each respondent group; the groups
    short of the planned sample or of the sample the stated ``margin`` needs; the communities
    whose interval is wider than the margin or lies wholly below the overall rate; and what
    the overall rate means for the 社会公众或服务对象满意度 indicator. ``answers`` are
    ``validate_responses(...).answers``, ``plan`` the 抽样计划 sheet.
    """
    if answers.empty:
        raise InputError("问卷没有有效答案，无法解读满意度（请查看剔除记录）")
    settings = dict(satisfied_levels=satisfied_levels, confidence=confidence, method=method)
    labels = _level_labels(scale)
    level_text = "或".join(
        f"“{labels.get(int(c), str(c))}”" for c in _check_levels(satisfied_levels)
    )
    overall = next(satisfaction(answers, **settings).itertuples(index=False))
    groups = satisfaction(answers, "group", **settings)
    communities = satisfaction(answers, "community", **settings)
    coverage = response_coverage(answers, plan, margin=margin, confidence=confidence)
    stated = _pct_tidy(margin)
    per_respondent = answers.groupby("respondent_id", sort=False).size()
    lines = ["### 结果解读", ""]

    lines.append(
        f"**总体满意率。** 全部 {overall.n_valid:,} 个有效答案中，{level_text} {overall.n_satisfied:,} 个，"
        f"满意率 **{_pct(overall.rate)}**，{_interval_text(overall, confidence, method)}。"
        f"区间把每个答案当作独立的一次抽取；同一受访者的多个答案（每份问卷最多 {int(per_respondent.max())} 个）彼此相关，"
        "实际不确定性比区间显示的更大。"
    )
    lines.append("")

    achieved = coverage.set_index("group")["achieved"]
    lines.append("**各类受访者。**")
    lines.append("")
    for row in groups.itertuples(index=False):
        count = f"，问卷 {int(achieved[row.group])} 份" if row.group in achieved.index else ""
        lines.append(
            f"- {row.group}：满意率 {_pct(row.rate)}（{_pct(row.lower)}–{_pct(row.upper)}，有效答案 {row.n_valid:,} 个{count}）"
        )
    for row in coverage.itertuples(index=False):
        if row.achieved == 0:
            lines.append(f"- {row.group}：没有有效答案，无法评价这类受访者的满意度")
    below = groups[groups["upper"] < overall.rate]
    if len(below):
        lines.append("")
        lines.append(
            f"{_join(list(below['group']))}的满意率区间上限低于总体满意率 {_pct(overall.rate)}，明显低于总体水平。"
        )
    lines.append("")

    planned = coverage[coverage["planned"].notna()]
    short_of_plan = planned[planned["achieved"] < planned["planned"]]
    short_of_margin = coverage[coverage["population"].notna() & ~coverage["sufficient"]]
    lines.append("**样本量。**")
    lines.append("")
    if len(short_of_plan):
        lines.append(
            "- 未达到计划样本量："
            + _join(
                [
                    f"{r.group}（实际 {r.achieved} 份 / 计划 {r.planned} 份，完成 {_pct(r.completion)}）"
                    for r in short_of_plan.itertuples(index=False)
                ]
            )
            + "。"
        )
    else:
        lines.append("- 各类受访者均达到计划样本量。")
    if len(short_of_margin):
        lines.append(
            f"- 未达到 ±{stated} 误差所需样本量："
            + _join(
                [
                    f"{r.group}（实际 {r.achieved} 份，所需 {r.required} 份"
                    + (f"，实际误差约 ±{_pct(r.achieved_margin)}）" if r.achieved else "）")
                    for r in short_of_margin.itertuples(index=False)
                ]
            )
            + "。"
        )
    else:
        lines.append(f"- 各类受访者的样本均达到 ±{stated} 误差所需的样本量。")
    unplanned = coverage[coverage["population"].isna()]
    if len(unplanned):
        lines.append(
            f"- 抽样计划未列出的受访者类别：{_join(list(unplanned['group']))}，无法判断其代表性。"
        )
    lines.append("")

    lowest = communities.sort_values(["rate", "community"], kind="stable").iloc[0]
    highest = communities.sort_values(
        ["rate", "community"], ascending=[False, True], kind="stable"
    ).iloc[0]
    wide = communities[communities["margin"] > margin]
    low = communities[communities["upper"] < overall.rate]
    lines.append(
        f"**各社区。** {len(communities)} 个社区的满意率在 {_pct(lowest['rate'])}（{lowest['community']}）至 "
        f"{_pct(highest['rate'])}（{highest['community']}）之间，每个社区有效答案 {int(communities['n_valid'].min())}–"
        f"{int(communities['n_valid'].max())} 个。"
    )
    if len(wide):
        lines.append(
            f"区间半宽超过 ±{stated} 的社区 {len(wide)} 个（{_join(list(wide['community']))}）："
            "这些社区样本少，社区之间的高低只能作参考，不宜据此排名或问责。"
        )
    else:
        lines.append(f"各社区的区间半宽都在 ±{stated} 以内。")
    if len(low):
        lines.append(
            f"满意率区间整体低于总体满意率的社区：{_join(list(low['community']))}，建议结合电话访谈和实地调研了解原因。"
        )
    else:
        lines.append("没有社区的满意率区间整体低于总体满意率。")
    lines.append("")

    meaning = (
        f"**对满意度指标的含义。** 评分步骤以总体满意率 {_pct(overall.rate)}（`satisfaction_rate`）为"
        f"“社会公众或服务对象满意度”指标计分。按 {confidence * 100:g}% 置信水平，真实满意率大致在 "
        f"{_pct(overall.lower)}–{_pct(overall.upper)} 之间：指标体系的分档界限若落在这一区间内，得分会随抽样误差变化，"
        "应在评分理由中说明。"
    )
    weighted = groups.merge(coverage[["group", "population"]], on="group", how="left")
    if len(weighted) > 1 and weighted["population"].notna().all():
        population = weighted["population"].astype("float64")
        by_population = float((population * weighted["rate"]).sum() / population.sum())
        meaning += (
            f"总体满意率按答案合并计算，各类受访者按样本多少计入；若按各类受访者的总体数量加权，满意率为 {_pct(by_population)}"
            f"（相差 {abs(by_population - overall.rate) * 100:.1f} 个百分点）。"
        )
    if len(short_of_margin):
        meaning += (
            f"{_join(list(short_of_margin['group']))}的样本未达到 ±{stated} 误差所需的样本量，"
            "满意度结论的代表性有限，评价报告应如实说明。"
        )
    lines.append(meaning)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------
# Chart data (tidy frames; plotting in jixiao.survey_charts)
# ---------------------------------------------------------------------------------------


def item_label(text: str, reverse: bool) -> str:
    """An item's label next to recoded answers.

    A reverse-worded item is shown with recoded codes (5 = the answer most favourable to the
    project), so its own answer-scale hint (（1=非常不同意，5=非常同意）) would mislead: it is
    dropped, with any bare （反向题） mark, and ``（反向题，已转换）`` is appended. Other items
    keep their text.
    """
    text = str(text)
    if not reverse:
        return text
    return _REVERSE_MARK.sub("", _SCALE_HINT.sub("", text)).strip() + REVERSE_NOTE


def likert_chart_data(
    answers: pd.DataFrame, by: str = "item_id", *, scale: dict[str, int] = LIKERT_LEVELS
) -> pd.DataFrame:
    """Shares of each level per ``by`` laid out for a diverging stacked bar chart.

    Levels below the midpoint sit left of zero, the midpoint (一般) is split evenly across
    zero, levels above it sit right. ``start`` / ``end`` are the bar segment's edges as
    shares (−1 … 1). Codes are the recoded ones: for a reverse item 非常满意 means the
    answer most favourable to the project, and its ``label`` (:func:`item_label`) says so.
    """
    codes = _codes(scale)
    labels = _level_labels(scale)
    mid = (codes[0] + codes[-1]) / 2
    keys = _by_list(by)
    counts = answers.groupby(keys + ["code"], sort=True).size().rename("n")
    full = pd.MultiIndex.from_product(
        [sorted(answers[k].dropna().unique()) for k in keys] + [list(codes)], names=keys + ["code"]
    )
    table = counts.reindex(full, fill_value=0).reset_index()
    table["n"] = table["n"].astype("int64")
    totals = table.groupby(keys, sort=False)["n"].transform("sum")
    table["share"] = table["n"] / totals.where(totals > 0)
    left = (
        table["share"].where(table["code"] < mid, 0)
        + table["share"].where(table["code"] == mid, 0) / 2
    )
    offset = left.groupby([table[k] for k in keys], sort=False).transform("sum")
    cumulative = table.groupby(keys, sort=False)["share"].cumsum()
    table["start"] = cumulative - table["share"] - offset
    table["end"] = cumulative - offset
    table["level"] = table["code"].map(labels).astype("string")
    if "item" in answers and keys == ["item_id"]:
        first = answers.drop_duplicates("item_id").set_index("item_id")
        reverse = (
            first["reverse"].astype(bool)
            if "reverse" in first
            else pd.Series(False, index=first.index)
        )
        labels = {
            i: item_label(first.at[i, "item"], bool(reverse.at[i])) for i in first.index
        }  # a few dozen items
        table.insert(1, "item", table["item_id"].map(first["item"]).astype("string"))
        table.insert(2, "label", table["item_id"].map(labels).astype("string"))
    return table


def community_chart_data(answers: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """Satisfaction by community with intervals, lowest rate first, plus the overall rate."""
    table = satisfaction(answers, "community", **kwargs)
    overall = satisfaction(answers, **kwargs)
    table = table.sort_values(["rate", "community"], kind="stable", ignore_index=True)
    table["overall_rate"] = float(overall["rate"].iloc[0])
    return table
