"""Fieldwork round trip: the 抽样清单 workbook the evaluators fill in, read back and evaluated.

Export (:mod:`.fieldwork_export`, re-exported here) writes one row per selected item with its
voucher reference and blank columns to fill (原始凭证是否齐全, 是否经审批, 是否合规 as 是/否
drop-downs, 审定金额, 差错金额, 备注), plus a sheet of the sampling parameters. Reading it back
validates it like any raw input: bad cells go to ``rejects`` with the file, sheet, Excel row and
column; a missing sheet or required column raises :class:`jixiao.errors.InputError`. 是否经审批 is
optional on read: a sheet exported before the column existed still reads, with approval not
filled in (NA).

In the data read back, ``source_file`` / ``source_sheet`` / ``source_row`` keep pointing at the
ledger line (the evidence); ``fieldwork_file`` / ``fieldwork_sheet`` / ``fieldwork_row`` name the
row of the filled-in workbook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from jixiao import schema
from jixiao.errors import InputError

from ._common import markdown_table, percent, yuan
from .evaluate import (
    AttributeEvaluation,
    MonetaryEvaluation,
    evaluate_attributes,
    evaluate_misstatements,
)
from .fieldwork_export import (
    FILL_HEADERS,
    HEADERS,
    MONEY_COLUMNS,
    NO,
    PARAMETER_SHEET,
    REFERENCE_HEADERS,
    SHEET,
    YES,
    YES_NO_COLUMNS,
    export_fieldwork,
)
from .population import AMOUNT_COLUMN
from .selection import MUS, MUS_CELL, STATISTICAL_METHODS

__all__ = [
    "EXAMINED_COLUMNS",
    "FILL_HEADERS",
    "HEADERS",
    "MONEY_COLUMNS",
    "NO",
    "PARAMETER_SHEET",
    "REFERENCE_HEADERS",
    "REQUIRED_HEADERS",
    "SHEET",
    "YES",
    "YES_NO_COLUMNS",
    "FieldworkEvaluation",
    "FieldworkResult",
    "evaluate_fieldwork",
    "export_fieldwork",
    "read_fieldwork",
]

REQUIRED_HEADERS = (
    "amount_fen",
    "source_file",
    "source_row",
    "documents_complete",
    "compliant",
    "misstatement_fen",
)
# Yes/no columns whose blank means "not examined" (a deviation); 是否经审批 is not among them
# because sheets exported before it existed leave it blank for every item.
EXAMINED_COLUMNS = ("documents_complete", "compliant")


# --------------------------------------------------------------------------- reading back


@dataclass(frozen=True)
class FieldworkResult:
    """The filled-in 抽样清单, shaped like a loader's LoadResult."""

    data: pd.DataFrame
    rejects: pd.DataFrame
    dropped: pd.DataFrame
    normalisations: pd.DataFrame
    counts: dict
    parameters: dict = field(default_factory=dict)
    sources: tuple[str, ...] = ()


def _reject_frame(parts: list[pd.DataFrame]) -> pd.DataFrame:
    columns = list(schema.REJECT_COLUMNS)
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "row" else "str") for c in columns})
    frame = pd.concat(parts, ignore_index=True)[columns]
    return frame.astype({"row": "int64"}).sort_values(
        ["row", "column"], kind="stable", ignore_index=True
    )


def _text(raw: pd.Series) -> pd.Series:
    text = raw.astype("str").str.strip()
    return text.mask(raw.isna() | (text == ""))


def _money(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(fen as Int64, bad mask) — numbers or numeric text such as '1,234.50'; blanks stay NA."""
    text = _text(raw)
    numbers = pd.to_numeric(
        text.str.replace(",", "", regex=False).str.replace("，", "", regex=False), errors="coerce"
    )
    bad = text.notna() & (numbers.isna() | ~np.isfinite(numbers.fillna(0.0)))
    fen = (numbers * 100).round().astype("Int64")
    return fen.mask(bad), bad


def _yes_no(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = _text(raw)
    value = text.map({YES: True, NO: False}).astype("boolean")
    return value, text.notna() & ~text.isin([YES, NO])


def read_fieldwork(path: str | Path) -> FieldworkResult:
    """Read and validate a filled-in 抽样清单 workbook."""
    path = Path(path)
    if not path.is_file():
        raise InputError("找不到抽样清单文件 / fieldwork workbook not found", file=path.name)
    try:
        sheets = load_workbook(path, read_only=True).sheetnames
    except Exception as error:  # openpyxl raises several kinds for a damaged file
        raise InputError(
            f"无法读取工作簿（{type(error).__name__}） / unreadable workbook", file=path.name
        ) from error
    if SHEET not in sheets:
        raise InputError(
            f"缺少工作表“{SHEET}”，现有工作表：{'、'.join(sheets)}", file=path.name, sheet=SHEET
        )
    raw = pd.read_excel(path, sheet_name=SHEET, engine="openpyxl", dtype=object, header=0)
    raw.columns = [str(c).strip() for c in raw.columns]
    by_header = {header: name for name, header in HEADERS.items()}
    missing = [HEADERS[name] for name in REQUIRED_HEADERS if HEADERS[name] not in raw.columns]
    if missing:
        raise InputError(
            f"缺少必需的列：{'、'.join(missing)}",
            file=path.name,
            sheet=SHEET,
            row=1,
            column=missing[0],
        )
    raw = raw.rename(columns=by_header)
    excel_row = pd.Series(np.arange(len(raw)) + 2, index=raw.index, dtype="int64")
    blank = raw.isna().all(axis=1)
    dropped = pd.DataFrame(
        {"file": path.name, "sheet": SHEET, "row": excel_row[blank], "kind": "空行", "text": ""},
        columns=list(schema.DROPPED_COLUMNS),
    ).astype({"row": "int64", "file": "str", "sheet": "str", "kind": "str", "text": "str"})
    raw, excel_row = raw[~blank], excel_row[~blank]

    rejects: list[pd.DataFrame] = []

    def reject(mask: pd.Series, name: str, reason: str) -> None:
        if mask.any():
            rejects.append(
                pd.DataFrame(
                    {
                        "file": path.name,
                        "sheet": SHEET,
                        "row": excel_row[mask],
                        "column": HEADERS[name],
                        "value": raw.loc[mask, name].astype("str"),
                        "reason": reason,
                    }
                )
            )

    data = pd.DataFrame(index=raw.index)
    for name in ("amount_fen", "audited_fen", "misstatement_fen"):
        if name in raw.columns:
            data[name], bad = _money(raw[name])
            reject(bad, name, "不是有效金额")
        else:
            data[name] = pd.array([pd.NA] * len(raw), dtype="Int64")
    reject(raw["amount_fen"].isna(), "amount_fen", "金额不能为空")
    for name in YES_NO_COLUMNS:
        if name not in raw.columns:  # only the optional 是否经审批 can be absent (older sheets)
            data[name] = pd.array([pd.NA] * len(raw), dtype="boolean")
            continue
        data[name], bad = _yes_no(raw[name])
        reject(bad, name, f"应填“{YES}”或“{NO}”")
    rows = pd.to_numeric(_text(raw["source_row"]), errors="coerce")
    reject(rows.isna() | (rows % 1 != 0) | (rows < 1), "source_row", "来源行号应为正整数")
    data["source_row"] = rows.where(rows % 1 == 0).astype("Int64")
    hits = (
        pd.to_numeric(_text(raw["mus_hits"]), errors="coerce")
        if "mus_hits" in raw.columns
        else pd.Series(1, index=raw.index)
    )
    if "mus_hits" in raw.columns:
        reject(
            _text(raw["mus_hits"]).notna() & (hits.isna() | (hits < 0) | (hits % 1 != 0)),
            "mus_hits",
            "命中次数应为非负整数",
        )
    data["mus_hits"] = hits.where(hits % 1 == 0).fillna(1).astype("int64")

    # Either money column may be left blank; the other one then says it. Both filled must agree.
    derived_misstatement = data["misstatement_fen"].isna() & data["audited_fen"].notna()
    derived_audited = data["audited_fen"].isna() & data["misstatement_fen"].notna()
    data["misstatement_fen"] = data["misstatement_fen"].fillna(
        data["amount_fen"] - data["audited_fen"]
    )
    data["audited_fen"] = data["audited_fen"].fillna(data["amount_fen"] - data["misstatement_fen"])
    disagree = (data["amount_fen"] - data["audited_fen"] != data["misstatement_fen"]).fillna(False)
    reject(
        disagree & ~derived_misstatement & ~derived_audited,
        "misstatement_fen",
        "差错金额应等于金额减审定金额",
    )

    for name in (
        "unit",
        "voucher",
        "summary",
        "account_code",
        "account_name",
        "selection_method",
        "selection_reason",
        "population_basis",
        "source_file",
        "source_sheet",
        "note",
    ):
        data[name] = (
            _text(raw[name]).astype("str")
            if name in raw.columns
            else pd.Series(pd.NA, index=raw.index, dtype="str")
        )
    data["date"] = pd.to_datetime(raw["date"], errors="coerce") if "date" in raw.columns else pd.NaT
    data["statistical"] = data["selection_method"].isin(STATISTICAL_METHODS).to_numpy()
    data["item_no"] = (
        pd.to_numeric(raw["item_no"], errors="coerce").astype("Int64")
        if "item_no" in raw.columns
        else pd.NA
    )
    data["fieldwork_file"] = path.name
    data["fieldwork_sheet"] = SHEET
    data["fieldwork_row"] = excel_row

    reject_frame = _reject_frame(rejects)
    bad_rows = excel_row.isin(reject_frame["row"])
    ordered = [
        "item_no",
        *[c for c in HEADERS if c not in ("item_no",)],
        "statistical",
        "fieldwork_file",
        "fieldwork_sheet",
        "fieldwork_row",
    ]
    loaded = data.loc[~bad_rows.to_numpy(), ordered].reset_index(drop=True)
    normalisations = pd.DataFrame(
        {
            "file": path.name,
            "sheet": SHEET,
            "column": [HEADERS["misstatement_fen"], HEADERS["audited_fen"]],
            "action": ["由金额减审定金额推算差错金额", "由金额减差错金额推算审定金额"],
            "count": [int(derived_misstatement.sum()), int(derived_audited.sum())],
        }
    )
    normalisations = normalisations[normalisations["count"] > 0].reset_index(drop=True)
    counts = {
        "read": int(len(blank)),
        "loaded": int(len(loaded)),
        "rejected": int(bad_rows.sum()),
        "dropped": int(blank.sum()),
    }
    assert counts["read"] == counts["loaded"] + counts["rejected"] + counts["dropped"]
    return FieldworkResult(
        data=loaded,
        rejects=reject_frame,
        dropped=dropped.reset_index(drop=True),
        normalisations=normalisations,
        counts=counts,
        parameters=_read_parameters(path, sheets),
        sources=(path.name,),
    )


_PARAMETER_NAMES = {
    "抽样方法": ("method", str),
    "随机种子": ("seed", int),
    "统计抽样总体项目数": ("population_count", int),
    "统计抽样总体金额（元）": ("population_amount_fen", "money"),
    # the labels of sheets exported before the named population was stated above them
    "抽样总体项目数": ("population_count", int),
    "抽样总体金额（元）": ("population_amount_fen", "money"),
    "统计样本量": ("sample_size", int),
    "抽样区间（元）": ("interval_fen", "money"),
}


def _read_parameters(path: Path, sheets: list[str]) -> dict:
    if PARAMETER_SHEET not in sheets:
        return {}
    table = pd.read_excel(path, sheet_name=PARAMETER_SHEET, engine="openpyxl", dtype=object)
    found: dict = {}
    # A handful of key/value rows, not a population.
    for label, value in zip(table.iloc[:, 0], table.iloc[:, 1], strict=False):
        if label not in _PARAMETER_NAMES or pd.isna(value):
            continue
        name, kind = _PARAMETER_NAMES[label]
        try:
            found[name] = round(float(value) * 100) if kind == "money" else kind(value)
        except (TypeError, ValueError):
            raise InputError(
                f"参数“{label}”的值无效：{value!r}",
                file=path.name,
                sheet=PARAMETER_SHEET,
                column="值",
            ) from None
    return found


# --------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class FieldworkEvaluation:
    """What the fieldwork found: the statistical conclusions and the non-statistical items."""

    attribute: AttributeEvaluation | None
    monetary: MonetaryEvaluation | None
    deviations: pd.DataFrame  # every examined row with a deviation (statistical or not)
    misstatements: pd.DataFrame  # every row with a misstatement
    statistical_items: int
    other_items: int
    other_deviations: int
    other_misstatement_fen: int
    total_misstatement_fen: int
    notes: tuple[str, ...] = ()

    def rows(self) -> list[tuple[str, str]]:
        rows = [
            ("统计样本项目", f"{self.statistical_items} 项"),
            ("非统计选取项目", f"{self.other_items} 项，其中偏差 {self.other_deviations} 项"),
            ("发现偏差合计", f"{len(self.deviations)} 项"),
            (
                "发现差错合计",
                f"{len(self.misstatements)} 项，金额 {yuan(self.total_misstatement_fen)} 元",
            ),
        ]
        if self.monetary is not None and len(self.misstatements):
            m = self.monetary
            rows.append(
                (
                    "推断至总体的错报",
                    f"最可能值 {yuan(m.most_likely_misstatement_fen)} 元，"
                    f"{percent(m.confidence, 0)} 置信水平下上限 {yuan(m.upper_limit_fen)} 元（Stringer 界）",
                )
            )
        return rows

    def report_rows(self) -> list[tuple[str, str]]:
        """Every figure and conclusion, for the 抽样评价 workpaper (section-prefixed labels)."""
        rows = list(self.rows())
        for section, result in (("属性抽样", self.attribute), ("货币单位抽样", self.monetary)):
            if result is not None:
                rows += [(f"{section}：{label}", value) for label, value in result.rows()]
                rows.append((f"{section}：结论说明", result.conclusion))
        rows += [("说明", note) for note in self.notes]
        return rows

    def __str__(self) -> str:
        parts = ["现场检查结果评价"] + [f"  {label}：{value}" for label, value in self.rows()]
        parts += [str(result) for result in (self.attribute, self.monetary) if result is not None]
        parts += [f"说明：{note}" for note in self.notes]
        return "\n".join(parts)

    def _repr_markdown_(self) -> str:
        parts = ["**现场检查结果评价**\n\n" + markdown_table(self.rows())]
        parts += [
            result._repr_markdown_()
            for result in (self.attribute, self.monetary)
            if result is not None
        ]
        parts += [f"- {note}" for note in self.notes]
        return "\n\n".join(parts)


def evaluate_fieldwork(
    filled: FieldworkResult,
    *,
    tolerable_rate: float = 0.05,
    confidence: float = 0.95,
    tolerable_misstatement_fen: int | None = None,
    population_size: int | None = None,
    model: str = "poisson",
) -> FieldworkEvaluation:
    """Evaluate a filled-in 抽样清单.

    A deviation is 原始凭证是否齐全 = 否, 是否经审批 = 否 or 是否合规 = 否; an item whose
    原始凭证是否齐全 and 是否合规 are not both filled in counts as a deviation too (an item that
    could not be examined cannot count as clean). A blank 是否经审批 is not a deviation (sheets
    exported before the column existed have none) but is noted. Only statistically selected items enter the attribute and monetary conclusions;
    misstatements in other items (key items, flagged, judgemental) are known misstatements,
    added to the monetary upper limit. The monetary evaluation needs a MUS sample, its
    parameters (抽样参数 sheet) and ``tolerable_misstatement_fen``.
    """
    data = filled.data
    unfilled = data.loc[:, list(EXAMINED_COLUMNS)].isna().any(axis=1).to_numpy()
    answers = data.loc[:, [c for c in YES_NO_COLUMNS if c in data.columns]].astype("boolean")
    answered_no = answers.eq(False).fillna(False).any(axis=1).to_numpy()
    deviation = unfilled | answered_no
    statistical = data["statistical"].to_numpy(dtype=bool)
    misstatement = data["misstatement_fen"].fillna(0).astype("int64")
    notes: list[str] = []
    if unfilled.any():
        notes.append(
            f"{int(unfilled.sum())} 项未填写检查结果，按偏差处理（无法检查的项目不能视为无偏差）。"
        )
    no_approval_answer = (
        int(data["approved"].isna().sum()) if "approved" in data.columns else len(data)
    )
    if no_approval_answer:
        notes.append(
            f"{no_approval_answer} 项未填写“是否经审批”，审批情况未计入偏差（旧版抽样清单无此列）。"
        )
    if filled.counts.get("rejected", 0):
        notes.append(
            f"{filled.counts['rejected']} 行填写有误未纳入评价，请按拒收清单更正后重新评价。"
        )
    attribute = None
    if statistical.any():
        attribute = evaluate_attributes(
            int(statistical.sum()),
            int(deviation[statistical].sum()),
            tolerable_rate=tolerable_rate,
            confidence=confidence,
            population_size=population_size,
        )
    other_misstatement = int(misstatement[~statistical].clip(lower=0).sum())
    monetary = None
    params = filled.parameters
    if params.get("method") in (MUS, MUS_CELL) and statistical.any():
        if tolerable_misstatement_fen is None:
            notes.append("未给出可容忍错报，未作货币单位抽样评价。")
        else:
            items = pd.DataFrame(
                {
                    AMOUNT_COLUMN: data[AMOUNT_COLUMN].astype("int64"),
                    "audited_fen": data[AMOUNT_COLUMN].astype("int64") - misstatement,
                    "mus_hits": data["mus_hits"],
                }
            )[statistical]
            monetary = evaluate_misstatements(
                items,
                population_amount_fen=params["population_amount_fen"],
                sample_size=params["sample_size"],
                tolerable_misstatement_fen=tolerable_misstatement_fen,
                confidence=confidence,
                model=model,
                known_misstatement_fen=other_misstatement,
            )
    return FieldworkEvaluation(
        attribute=attribute,
        monetary=monetary,
        deviations=data[deviation].reset_index(drop=True),
        misstatements=data[(misstatement != 0).to_numpy()].reset_index(drop=True),
        statistical_items=int(statistical.sum()),
        other_items=int((~statistical).sum()),
        other_deviations=int(deviation[~statistical].sum()),
        other_misstatement_fen=other_misstatement,
        total_misstatement_fen=int(misstatement.sum()),
        notes=tuple(notes),
    )
