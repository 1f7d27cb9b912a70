"""Validation of the 问卷数据 sheet: every answer cell checked against the Likert scale.

Accepted answers come out in long format (one row per respondent and item, reverse items
recoded); blanks, out-of-scale or unrecognised answers, duplicate 问卷编号 and the same person
answering again go to the rejects table with file, sheet, row and column, under the exact
reason strings below, and the counts reconcile.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError, ParameterError
from ..schema import LIKERT_LEVELS, PROVENANCE_COLUMNS, REJECT_COLUMNS, RESPONDENT_GROUPS, SURVEY
from ._common import _codes

# Reasons in the rejects table (exact strings, so an evaluator can filter on them).
REASON_BLANK = "空白"
REASON_OUT_OF_SCALE = "超出量表"
REASON_UNRECOGNISED = "无法识别"
REASON_DUPLICATE = "重复问卷编号"
REASON_SAME_PERSON = "同一受访者以不同问卷编号重复作答"
REASON_NOT_APPLICABLE = "该题不适用于此类受访者"

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

_GROUP_SEPARATORS = r"[、,，/;；\s]+"
_ALL_GROUPS = {"全部", "所有", "全体", "均适用"}


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


def item_groups(items: pd.DataFrame, groups=RESPONDENT_GROUPS) -> pd.DataFrame:
    """Item × respondent group applicability from the 适用对象 column (blank or 全部 = every group).

    ``groups`` are the respondent groups known to the project (a 适用对象 naming another is an
    error); :func:`validate_responses` passes the defaults and every group its respondents name.
    """
    groups = tuple(groups)
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
    unknown = long[~long["token"].isin(groups) & ~long["token"].isin(_ALL_GROUPS)]
    if not unknown.empty:
        first = unknown.index[0]
        raise InputError(
            f"适用对象 '{raw.loc[first]}' 含无法识别的受访者类别 '{unknown['token'].iloc[0]}'（可用：{'、'.join(groups)}、全部）",
            file=_prov(items, first, "source_file"),
            sheet=_prov(items, first, "source_sheet"),
            row=_prov(items, first, "source_row"),
            column="适用对象",
        )
    everyone = ~item_ids.isin(long.loc[long["token"].isin(groups), "item_id"])
    all_rows = pd.DataFrame({"item_id": item_ids[everyone]}).merge(
        pd.DataFrame({"group": list(groups)}), how="cross"
    )
    named = long.loc[long["token"].isin(groups), ["item_id", "token"]].rename(
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
    # the project's groups are those its respondents name (project.toml [survey] groups is
    # checked at ingest), besides the defaults
    known = (*RESPONDENT_GROUPS, *pd.unique(responses["group"].dropna().astype("str")))
    applicable = item_groups(items, tuple(dict.fromkeys(known))).assign(applies=True)
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
