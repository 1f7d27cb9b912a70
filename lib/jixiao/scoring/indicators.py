"""The indicator workbook (指标体系): its layout, loading and validation.

One sheet ``指标体系``, one row per leaf indicator, Chinese headers (:data:`HEADERS`). 一级指标
and 二级指标 may be left blank under a filled cell (as merged cells read), and are then carried
down. Everything the evaluator can get wrong is checked on load and reported in one InputError
that names the file, sheet, row and column, and the indicator (编码 + 三级指标) — all problems at
once, so the workbook can be fixed in one pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from jixiao import readers
from jixiao.errors import InputError
from jixiao.finding_categories import CATEGORIES
from jixiao.schema import DIMENSIONS_2013, DIMENSIONS_2020

from .rules import CENT, RuleError, ScoringRule, build_rule, fmt, normalise_text

SHEET = "指标体系"
NOTES_SHEET = "说明"
TOTAL_WEIGHT = Decimal(100)

# Chinese header → field name, in workbook order.
HEADERS = {
    "指标编码": "code",
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "level3",
    "分值": "weight",
    "指标解释": "explanation",
    "评价标准及评分规则": "criteria",
    "规则类型": "rule_type",
    "规则参数": "parameters",
    "数据来源": "data_source",
    "评价结论": "conclusion",
    "评分理由": "rationale",
    "关联问题": "links",
    "共用问题扣分": "shared",
}
REQUIRED_HEADERS = ("指标编码", "一级指标", "二级指标", "三级指标", "分值", "规则类型", "规则参数")
FRAMEWORKS = {
    DIMENSIONS_2013: ("2013", "财预〔2013〕53号共性指标框架（投入、过程、产出、效果）"),
    DIMENSIONS_2020: ("2020", "财预〔2020〕10号共性指标框架（决策、过程、产出、效益）"),
}
# Marker the shipped templates put in 评分理由: the judgement is a placeholder to overwrite.
PLACEHOLDER_MARK = "模板占位"

_PROBLEM_LINK = re.compile(r"^问题(\d+)$")
_METRIC_LINK = re.compile(r"^[a-z][a-z0-9_]*$")
_KIND_LINK = re.compile(r"^(规则|类别):\s*(\S+)$")
_CODE_LIST = re.compile(r"[\s,，、;；]+")
_LINK_KINDS = {"规则": "rule", "类别": "category"}
_LINK_PREFIX = {"problem": "问题", "rule": "规则:", "category": "类别:"}


@dataclass(frozen=True)
class Link:
    """One entry of 关联问题: a finding id, every finding of a rule (规则:SEP-01) or of a category
    (类别:资金使用), a problem number of the report (问题3), or a metric name."""

    kind: str  # "finding" | "rule" | "category" | "problem" | "metric"
    key: str  # OBS-02a / SEP-01 / 资金使用 / 3 / fund_timely_rate

    @property
    def text(self) -> str:
        return _LINK_PREFIX.get(self.kind, "") + self.key


@dataclass(frozen=True)
class Indicator:
    code: str
    level1: str
    level2: str
    level3: str
    weight: Decimal
    explanation: str
    criteria: str
    rule: ScoringRule
    data_source: str
    conclusion: str
    rationale: str
    links: tuple[Link, ...]
    row: int  # the workbook row as Excel shows it
    # Codes of the indicators that deliberately deduct for the same findings as this one
    # (共用问题扣分): such an overlap is not listed as a possible 重复扣分.
    shared: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.level3 or self.level2

    @property
    def label(self) -> str:
        """``A2.2「到位及时率」`` — how messages name the indicator."""
        return f"{self.code}「{self.name}」"

    @property
    def is_placeholder(self) -> bool:
        return PLACEHOLDER_MARK in self.rationale


@dataclass(frozen=True)
class IndicatorSystem:
    indicators: tuple[Indicator, ...]
    file: str
    sheet: str = SHEET
    year: int | None = None  # from a file named 指标体系_<year>.xlsx

    @property
    def dimensions(self) -> tuple[str, ...]:
        """一级指标 in workbook order."""
        return tuple(dict.fromkeys(ind.level1 for ind in self.indicators))

    @property
    def framework(self) -> str:
        return FRAMEWORKS.get(self.dimensions, ("custom", ""))[0]

    @property
    def framework_label(self) -> str:
        known = FRAMEWORKS.get(self.dimensions)
        return known[1] if known else f"自定义指标框架（{'、'.join(self.dimensions)}）"

    @property
    def total_weight(self) -> Decimal:
        return sum((ind.weight for ind in self.indicators), Decimal(0))

    def where(self, indicator: Indicator) -> str:
        return f"{self.file}, sheet {self.sheet}, row {indicator.row}"

    def summary(self) -> str:
        return (
            f"{self.framework_label}：{len(self.dimensions)} 个一级指标（{'、'.join(self.dimensions)}），"
            f"{len(self.indicators)} 个三级指标，分值合计 {self.total_weight.normalize():f} 分。"
        )

    def to_frame(self) -> pd.DataFrame:
        """The indicator tree as the evaluator sees it (Chinese headers)."""
        return pd.DataFrame(
            {
                "指标编码": [i.code for i in self.indicators],
                "一级指标": [i.level1 for i in self.indicators],
                "二级指标": [i.level2 for i in self.indicators],
                "三级指标": [i.level3 for i in self.indicators],
                "分值": [float(i.weight) for i in self.indicators],
                "规则类型": [i.rule.label for i in self.indicators],
                "评价标准": [i.criteria for i in self.indicators],
                "数据来源": [i.data_source for i in self.indicators],
            }
        )

    def indicator(self, code: str) -> Indicator:
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(code)


@dataclass(frozen=True)
class _Problem:
    row: int
    column: str
    message: str


def parse_links(text: object) -> tuple[Link, ...]:
    links = []
    for part in normalise_text(text).replace(";", ",").split(","):
        token = part.strip()
        if not token:
            continue
        problem = _PROBLEM_LINK.match(token)
        by_kind = _KIND_LINK.match(token)
        if by_kind:
            links.append(Link(_LINK_KINDS[by_kind.group(1)], by_kind.group(2)))
        elif problem:
            links.append(Link("problem", str(int(problem.group(1)))))
        elif _METRIC_LINK.match(token):
            links.append(Link("metric", token))
        else:
            links.append(Link("finding", token))
    return tuple(dict.fromkeys(links))


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _weight(value: object) -> Decimal:
    text = normalise_text(_cell_text(value))
    if not text:
        raise ValueError("未填写分值")
    try:
        weight = Decimal(repr(value)) if isinstance(value, float) else Decimal(text)
    except InvalidOperation:
        raise ValueError(f"分值「{value}」不是数字") from None
    if not weight.is_finite() or weight <= 0:
        raise ValueError(f"分值「{value}」应为大于 0 的数")
    if weight != weight.quantize(CENT):
        raise ValueError(f"分值「{value}」最多保留两位小数")
    return weight


def _year_from_name(file: str) -> int | None:
    match = re.match(r"^指标体系_(\d{4})", Path(file).stem)
    return int(match.group(1)) if match else None


def indicator_system_from_frame(
    frame: pd.DataFrame, *, file: str = "指标体系.xlsx", sheet: str = SHEET, first_row: int = 2
) -> IndicatorSystem:
    """Validate a frame with the workbook's Chinese headers (row ``first_row`` = the frame's first row)."""
    missing = [h for h in REQUIRED_HEADERS if h not in frame.columns]
    if missing:
        found = "、".join(str(c) for c in frame.columns if str(c).strip())
        raise InputError(
            f"缺少列「{'、'.join(missing)}」；表头有：{found}",
            file=file,
            sheet=sheet,
            column=missing[0],
        )
    cells = frame.reindex(columns=list(HEADERS)).rename(columns=HEADERS)
    cells = cells.map(_cell_text).astype("string").fillna("")
    cells.index = pd.RangeIndex(first_row, first_row + len(cells))
    cells = cells[(cells != "").any(axis=1)]
    # Merged 一级/二级 cells read as blanks below the first cell: carry the name down, but 二级
    # only within the same 一级 so a forgotten 二级 never inherits from another dimension.
    cells["level1"] = cells["level1"].replace("", pd.NA).ffill().fillna("")
    level2 = cells["level2"].replace("", pd.NA)
    cells["level2"] = level2.groupby(cells["level1"], sort=False).ffill().fillna("")

    problems: list[_Problem] = []
    indicators: list[Indicator] = []
    seen_codes: dict[str, int] = {}
    weights_ok = True
    for row, record in zip(cells.index, cells.to_dict("records"), strict=True):
        code, name = record["code"], record["level3"] or record["level2"]
        who = f"指标 {code or '（无编码）'}「{name or '（无名称）'}」"

        def problem(column: str, message: str, row=row, who=who) -> None:
            problems.append(_Problem(row, column, f"{who}：{message}"))

        if not code:
            problem("指标编码", "未填写指标编码")
        elif code in seen_codes:
            problem("指标编码", f"指标编码与第{seen_codes[code]}行重复")
        else:
            seen_codes[code] = row
        if not record["level1"]:
            problem("一级指标", "未填写一级指标")
        if not name:
            problem("三级指标", "未填写指标名称（三级指标，或无三级时的二级指标）")
        try:
            weight = _weight(record["weight"])
        except ValueError as exc:
            problem("分值", str(exc))
            weights_ok = False
            continue
        try:
            rule = build_rule(
                record["rule_type"], record["parameters"], weight, record["conclusion"]
            )
        except RuleError as exc:
            problem(exc.column, str(exc))
            continue
        rationale = record["rationale"]
        if not rationale and rule.rule_id == "judgement":
            problem("评分理由", "专家评判必须填写评分理由")
        elif not rationale and rule.below_full_by_judgement(weight):
            problem("评分理由", f"{rule.label}的评价结论低于满分，必须填写评分理由（说明扣分依据）")
        links = parse_links(record["links"])
        for link in links:
            if link.kind == "category" and link.key not in CATEGORIES:
                problem(
                    "关联问题",
                    f"问题类别「{link.key}」不在类别表中（可选：{'、'.join(CATEGORIES)}）",
                )
        indicators.append(
            Indicator(
                code=code,
                level1=record["level1"],
                level2=record["level2"],
                level3=record["level3"],
                weight=weight,
                explanation=record["explanation"],
                criteria=record["criteria"],
                rule=rule,
                data_source=record["data_source"],
                conclusion=record["conclusion"],
                rationale=rationale,
                links=links,
                row=int(row),
                shared=tuple(c for c in _CODE_LIST.split(record["shared"]) if c),
            )
        )
    problems += _shared_problems(indicators)
    if cells.empty:
        problems.append(_Problem(first_row, "指标编码", "工作表中没有指标"))
    if weights_ok and not problems:
        total = sum((ind.weight for ind in indicators), Decimal(0))
        if total != TOTAL_WEIGHT:
            by_dimension: dict[str, Decimal] = {}
            for ind in indicators:
                by_dimension[ind.level1] = by_dimension.get(ind.level1, Decimal(0)) + ind.weight
            detail = "，".join(f"{dim} {fmt(w)}" for dim, w in by_dimension.items())
            problems.append(
                _Problem(first_row, "分值", f"各指标分值合计{fmt(total)}分，应为100分（{detail}）")
            )
    if problems:
        raise _combined_error(problems, file, sheet)
    return IndicatorSystem(
        indicators=tuple(indicators), file=file, sheet=sheet, year=_year_from_name(file)
    )


def _shared_problems(indicators: list[Indicator]) -> list[_Problem]:
    """共用问题扣分 must name other indicators of the workbook."""
    codes = {ind.code for ind in indicators}
    problems = []
    for ind in indicators:
        for code in ind.shared:
            if code == ind.code:
                message = "「共用问题扣分」不能填写本指标自己的编码"
            elif code not in codes:
                message = f"「共用问题扣分」中的指标编码「{code}」不在指标体系中"
            else:
                continue
            problems.append(_Problem(ind.row, "共用问题扣分", f"指标 {ind.label}：{message}"))
    return problems


def _combined_error(problems: list[_Problem], file: str, sheet: str) -> InputError:
    first = problems[0]
    message = first.message
    if len(problems) > 1:
        rest = "\n".join(f"- row {p.row}, column {p.column}: {p.message}" for p in problems[1:])
        message += f"\n另有{len(problems) - 1}处问题：\n{rest}"
    error = InputError(message, file=file, sheet=sheet, row=first.row, column=first.column)
    error.problems = [(p.row, p.column, p.message) for p in problems]
    return error


def _header_row(cells: pd.DataFrame, file: str) -> int:
    """0-based index of the row holding 指标编码 (a title row above the header is allowed)."""
    for idx in range(min(len(cells), 10)):
        values = {normalise_text(_cell_text(v)) for v in cells.iloc[idx].tolist()}
        if "指标编码" in values:
            return idx
    raise InputError(
        "前10行中找不到表头（应含「指标编码」「三级指标」「分值」等列）", file=file, sheet=SHEET
    )


def load_indicator_system(path: Path | str) -> IndicatorSystem:
    """Read and validate ``指标体系_<year>.xlsx`` (or a template)."""
    path = Path(path)
    grid = readers.read_sheet(path, SHEET) if readers.detect_format(path) != "csv" else None
    if grid is None:
        raise InputError("指标体系应为 Excel 工作簿（.xlsx）", file=path.name)
    header_idx = _header_row(grid.cells, grid.file)
    headers = [normalise_text(_cell_text(v)) for v in grid.cells.iloc[header_idx].tolist()]
    repeated = sorted({h for h in headers if h and headers.count(h) > 1})
    if repeated:
        raise InputError(
            f"表头中「{'、'.join(repeated)}」出现了不止一次",
            file=grid.file,
            sheet=grid.sheet,
            row=header_idx + 1,
        )
    body = grid.cells.iloc[header_idx + 1 :].copy()
    body.columns = headers
    body = body.loc[:, [h for h in dict.fromkeys(headers) if h]]
    return indicator_system_from_frame(
        body, file=grid.file, sheet=grid.sheet, first_row=header_idx + 2
    )
