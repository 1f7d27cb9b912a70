"""The evaluated project described in data: ``data/raw/<year>/project.toml``.

What a project is — its name, who commissioned and who performs the evaluation, the period, the
framework, the grant types it funds and the account chart its units keep — is read from the
year's profile, never written into the library. ``jixiao template`` writes a commented blank
profile; :func:`load_profile` validates one and names the key and line of every problem.

Layout (every key optional unless marked)::

    [project]
    name = "…"                 # 项目名称 (required)
    code = "…"                 # 项目编号
    commissioner = "…"         # 委托方 (required)
    evaluator = "…"            # 评价机构 (required)
    lead_evaluator = "…"       # 主评人
    team = ["…", "…"]          # 评价组成员
    period_start = 2017-01-01  # 评价期间
    period_end = 2018-12-31
    reference_date = 2019-10-31  # 评价基准日
    report_date = 2020-03-25     # 报告日期
    framework = "2013"         # 指标框架: "2013" (投入/过程/产出/效果) or "2020" (决策/过程/产出/效益)
    community_header = "社区"  # header of the place column of 资金下达 / 问卷 / 访谈 (乡镇, 村 …)

    [survey]
    groups = ["居民", "…"]     # 受访者类别 of the questionnaire, the interviews and the 抽样计划

    [workpapers]
    prepared_by = "…"          # 编制人
    reviewed_by = "…"          # 复核人

    [[grant_types]]            # 资金类型, one table per type
    name = "…"
    receipt_keywords = ["…"]   # words of a receipt's 摘要 that mark the grant's money arriving
    allowed_accounts = ["500102"]  # 资金使用范围: account prefixes the money may be spent on
    allowed_keywords = ["…"]   # 摘要 words of allowed uses
    forbidden_keywords = ["…"]  # 摘要 words of forbidden uses (招待, 罚款 …)
    note = "…"                 # the rule in words (文件依据)

    [accounts]
    preset = "事业单位会计制度"  # or "政府会计制度", "民间非营利组织会计制度"
    # any of these overrides the preset: code prefixes, compared without separators
    project_income = ["400102"]
    project_expense = ["500102"]
    basic_income = ["400101"]
    basic_expense = ["500101"]
    income = ["4"]               # the income class
    expense = ["5"]              # the expense class (spending, budget execution)
    closing = ["33", "34"]       # 结转结余 accounts of the year-end closing entries (期末结转),
                                 # whose vouchers are left out of spending and receipts

    [accounts.units]             # units keeping another chart than the preset (an operator on
    "××社会工作服务中心" = "民间非营利组织会计制度"   # 民非 among units on 政府会计制度)
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from jixiao import schema
from jixiao.account_codes import ChartPrefixes
from jixiao.errors import ParameterError

PROFILE_FILE = "project.toml"
FRAMEWORKS = {"2013": ("投入", "过程", "产出", "效果"), "2020": ("决策", "过程", "产出", "效益")}

# Account charts the suite knows. 政府会计制度 keeps 财务会计 and 预算会计 side by side: budget
# execution is read from the 预算会计 side (7201 事业支出 / 6001 财政拨款预算收入 with
# 项目支出 / 基本支出 明细), the 财务会计 side (5001 业务活动费用, 4001 财政拨款收入) records the same
# money again and is never added to it.
ACCOUNT_PRESETS: dict[str, dict[str, tuple[str, ...]]] = {
    "事业单位会计制度": {
        "project_income": ("400102",),  # 财政补助收入-项目支出
        "project_expense": ("500102",),  # 事业支出-项目支出
        "basic_income": ("400101",),  # 财政补助收入-基本支出
        "basic_expense": ("500101",),  # 事业支出-基本支出
        "income": ("4",),  # the income class (收入类)
        "expense": ("5",),  # the expense class (支出类)
        "closing": ("33", "34"),  # 结转结余类: where the year-end entries close income and expense
    },
    "政府会计制度": {
        "project_income": ("600102",),  # 财政拨款预算收入-项目支出
        "project_expense": ("720102",),  # 事业支出-项目支出
        "basic_income": ("600101",),  # 财政拨款预算收入-基本支出
        "basic_expense": ("720101",),  # 事业支出-基本支出
        "income": ("6",),  # 预算收入类: budget execution is read from the 预算会计 side
        "expense": ("7",),  # 预算支出类 (the 财务会计 side, 5001 业务活动费用…, is not added)
        # 期末结转 into 3301 本期盈余 and the 8101 … 8501 结转结余 accounts (not 8001 资金结存)
        "closing": ("3301", "8101", "8102", "8201", "8202", "8301", "8401", "8501"),
    },
    "民间非营利组织会计制度": {
        "project_income": ("4501",),  # 政府补助收入
        "project_expense": ("5101",),  # 业务活动成本
        "basic_income": ("4101", "4201", "4301"),  # 捐赠收入, 会费收入, 提供服务收入
        "basic_expense": ("5201",),  # 管理费用
        "income": ("4",),
        "expense": ("5",),
        "closing": ("31",),  # 非限定性 / 限定性净资产
    },
}
ACCOUNT_ROLES = tuple(ACCOUNT_PRESETS["事业单位会计制度"])


@dataclass(frozen=True)
class GrantType:
    name: str
    receipt_keywords: tuple[str, ...] = ()
    # scope rules (资金使用范围): where the money may be spent and on what
    allowed_accounts: tuple[str, ...] = ()
    allowed_keywords: tuple[str, ...] = ()
    forbidden_keywords: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class ProjectProfile:
    name: str
    commissioner: str
    evaluator: str
    code: str = ""
    lead_evaluator: str = ""
    team: tuple[str, ...] = ()
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    reference_date: dt.date | None = None
    report_date: dt.date | None = None
    framework: str = "2013"
    prepared_by: str = ""
    reviewed_by: str = ""
    grant_types: tuple[GrantType, ...] = ()
    account_preset: str = "事业单位会计制度"
    accounts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    unit_charts: dict[str, str] = field(
        default_factory=dict
    )  # unit → preset, when not the main one
    survey_groups: tuple[str, ...] = schema.RESPONDENT_GROUPS
    community_header: str = schema.COMMUNITY_HEADER
    source: str = ""

    def table(self, table: schema.Table) -> schema.Table:
        """A raw table in this project's words: its grant types and respondent groups as the
        allowed values, its header for the place column."""
        return schema.with_vocabulary(
            table,
            grant_types=self.grant_type_names,
            groups=self.survey_groups,
            community_header=self.community_header,
        )

    @property
    def dimensions(self) -> tuple[str, ...]:
        return FRAMEWORKS[self.framework]

    @property
    def grant_type_names(self) -> tuple[str, ...]:
        return tuple(g.name for g in self.grant_types)

    @property
    def receipt_keywords(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(k for g in self.grant_types for k in g.receipt_keywords))

    def account_prefixes(self, role: str) -> tuple[str, ...]:
        return self.accounts[role]

    @property
    def project_prefixes(self) -> tuple[str, ...]:
        return self.accounts["project_income"] + self.accounts["project_expense"]

    def separate_accounting_options(self) -> dict:
        """Keyword arguments of :func:`jixiao.compliance.check_separate_accounting`."""
        return {
            "basic_expense_prefix": self.accounts["basic_expense"],
            "basic_income_prefix": self.accounts["basic_income"],
            "project_prefixes": self.project_prefixes,
            "receipt_keywords": self.receipt_keywords,
            "income_prefix": self.accounts["income"],
            "expense_prefix": self.accounts["expense"],
            "closing_prefix": self.accounts["closing"],
        }

    def scope_rules_table(self):
        """The grant types' scope rules as the Chinese-headed table a 范围规则 file holds."""
        import pandas as pd

        return pd.DataFrame(
            {
                "资金类型": [g.name for g in self.grant_types],
                "允许科目编码前缀": ["、".join(g.allowed_accounts) for g in self.grant_types],
                "允许摘要关键词": ["、".join(g.allowed_keywords) for g in self.grant_types],
                "禁止摘要关键词": ["、".join(g.forbidden_keywords) for g in self.grant_types],
                "说明": [g.note for g in self.grant_types],
            },
            dtype="str",
        )

    def scope_options(self) -> dict:
        """Keyword arguments of :func:`jixiao.compliance.check_scope`."""
        return {
            "expense_prefix": self.accounts["expense"],
            "project_prefixes": self.project_prefixes,
            "closing_prefix": self.accounts["closing"],
        }


def _line_of(text: str, key: str) -> int | None:
    """Line of ``section.key`` (the first one after its ``[section]`` / ``[[section]]`` header)."""
    section, _, name = key.rpartition(".")
    start = 0
    if section:
        header = re.search(rf"^\s*\[\[?\s*{re.escape(section)}\s*\]\]?", text, flags=re.MULTILINE)
        start = header.end() if header else 0
    pattern = re.compile(rf"^\s*{re.escape(name)}\s*=", flags=re.MULTILINE)
    match = pattern.search(text, start)
    if match is None and section:
        header = re.search(rf"^\s*\[\[?\s*{re.escape(section)}\s*\]\]?", text, flags=re.MULTILINE)
        return text.count("\n", 0, header.start()) + 1 if header else None
    return text.count("\n", 0, match.start()) + 1 if match else None


class _Reader:
    """Typed access to one profile that names the key (and its line) in every complaint."""

    def __init__(self, file: Path, text: str, values: dict):
        self.file, self.text, self.values = file, text, values

    def fail(self, key: str, message: str):
        line = _line_of(self.text, key)
        where = f"{self.file.name}" + (f" 第 {line} 行" if line else "")
        raise ParameterError(f"{where}：{key} {message}")

    def table(self, name: str) -> dict:
        value = self.values.get(name, {})
        if not isinstance(value, dict):
            self.fail(name, "应为一节 [" + name + "]")
        return value

    def text_value(self, section: dict, key: str, required: bool = False) -> str:
        value = section.get(key.rpartition(".")[2], "")
        if not isinstance(value, str):
            self.fail(key, f"应为文字，收到 {value!r}")
        if required and not value.strip():
            self.fail(key, "必须填写")
        return value.strip()

    def texts(self, section: dict, key: str) -> tuple[str, ...]:
        value = section.get(key.rpartition(".")[2], [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, f'应为文字列表，如 ["…", "…"]，收到 {value!r}')
        return tuple(v.strip() for v in value if v.strip())

    def date(self, section: dict, key: str) -> dt.date | None:
        value = section.get(key.rpartition(".")[2])
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.fail(key, f"应为日期，如 2019-10-31，收到 {value!r}")
        return None


def load_profile(folder: Path) -> ProjectProfile:
    """The profile of a year folder; a missing file or a bad key is a :class:`ParameterError`."""
    file = Path(folder) / PROFILE_FILE
    if not file.is_file():
        raise ParameterError(
            f"找不到项目概况文件 {file}：请用 jixiao template 生成后填写项目名称、委托方和评价机构"
        )
    text = file.read_text(encoding="utf-8")
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"{file.name}：不是有效的 TOML：{exc}") from exc
    r = _Reader(file, text, values)
    known = {"project", "workpapers", "grant_types", "accounts", "survey"}
    for key in values:
        if key not in known:
            r.fail(key, f"不是项目概况的一节（可用：{'、'.join(sorted(known))}）")
    project = r.table("project")
    framework = str(project.get("framework", "2013")).strip()
    if framework not in FRAMEWORKS:
        r.fail("project.framework", f"应为 {' 或 '.join(FRAMEWORKS)}，收到 {framework!r}")
    name = r.text_value(project, "project.name", required=True)
    commissioner = r.text_value(project, "project.commissioner", required=True)
    evaluator = r.text_value(project, "project.evaluator", required=True)
    workpapers = r.table("workpapers")
    grant_types = []
    raw_types = values.get("grant_types", [])
    if not isinstance(raw_types, list):
        r.fail("grant_types", "应写成 [[grant_types]] 表格数组，每种资金类型一节")
    for entry in raw_types:
        type_name = r.text_value(entry, "grant_types.name", required=True)
        if type_name in (g.name for g in grant_types):
            r.fail("grant_types.name", f"「{type_name}」写了两次")
        grant_types.append(
            GrantType(
                type_name,
                r.texts(entry, "grant_types.receipt_keywords"),
                r.texts(entry, "grant_types.allowed_accounts"),
                r.texts(entry, "grant_types.allowed_keywords"),
                r.texts(entry, "grant_types.forbidden_keywords"),
                r.text_value(entry, "grant_types.note"),
            )
        )
        unknown = set(entry) - {
            "name",
            "receipt_keywords",
            "allowed_accounts",
            "allowed_keywords",
            "forbidden_keywords",
            "note",
        }
        if unknown:
            r.fail(f"grant_types.{sorted(unknown)[0]}", "不是资金类型的设置项")
    accounts_section = r.table("accounts")
    preset = r.text_value(accounts_section, "accounts.preset") or "事业单位会计制度"
    if preset not in ACCOUNT_PRESETS:
        r.fail("accounts.preset", f"应为 {'、'.join(ACCOUNT_PRESETS)} 之一，收到 {preset!r}")
    accounts = dict(ACCOUNT_PRESETS[preset])
    for role in accounts_section:
        if role in ("preset", "units"):
            continue
        if role not in accounts:
            r.fail(f"accounts.{role}", f"不是科目用途（可用：{'、'.join(accounts)}、units）")
        accounts[role] = r.texts(accounts_section, f"accounts.{role}")
    unit_charts = _unit_charts(r, accounts_section, preset)
    if unit_charts:
        accounts = _chart_aware(accounts, preset, unit_charts)
    start = r.date(project, "project.period_start")
    end = r.date(project, "project.period_end")
    if start and end and end < start:
        r.fail("project.period_end", f"早于 period_start（{start}）")
    return ProjectProfile(
        name=name,
        commissioner=commissioner,
        evaluator=evaluator,
        code=r.text_value(project, "project.code"),
        lead_evaluator=r.text_value(project, "project.lead_evaluator"),
        team=r.texts(project, "project.team"),
        period_start=start,
        period_end=end,
        reference_date=r.date(project, "project.reference_date"),
        report_date=r.date(project, "project.report_date"),
        framework=framework,
        prepared_by=r.text_value(workpapers, "workpapers.prepared_by"),
        reviewed_by=r.text_value(workpapers, "workpapers.reviewed_by"),
        grant_types=tuple(grant_types),
        account_preset=preset,
        accounts=accounts,
        unit_charts=unit_charts,
        survey_groups=_survey_groups(r),
        community_header=r.text_value(project, "project.community_header")
        or schema.COMMUNITY_HEADER,
        source=str(file),
    )


def _survey_groups(r: _Reader) -> tuple[str, ...]:
    """``[survey] groups``: the respondent groups (default: the template's three)."""
    section = r.table("survey")
    unknown = set(section) - {"groups"}
    if unknown:
        r.fail(f"survey.{sorted(unknown)[0]}", "不是问卷的设置项（可用：groups）")
    if "groups" not in section:
        return schema.RESPONDENT_GROUPS
    groups = r.texts(section, "survey.groups")
    if not groups:
        r.fail("survey.groups", "至少写一个受访者类别")
    if len(set(groups)) < len(groups):
        r.fail("survey.groups", "有重复的受访者类别")
    return groups


def _unit_charts(r: _Reader, section: dict, preset: str) -> dict[str, str]:
    """``[accounts.units]``: unit name → the preset that unit keeps its books in."""
    units = section.get("units", {})
    if not isinstance(units, dict):
        r.fail("accounts.units", '应为一节 [accounts.units]，每行 "单位名称" = "会计制度"')
    charts = {}
    for unit, chart in units.items():
        if chart not in ACCOUNT_PRESETS:
            r.fail(
                f'"{unit}"',
                f"的会计制度应为 {'、'.join(ACCOUNT_PRESETS)} 之一，收到 {chart!r}（[accounts.units]）",
            )
        if chart != preset:
            charts[str(unit).strip()] = chart
    return charts


def _chart_aware(accounts: dict, preset: str, unit_charts: dict[str, str]) -> dict:
    """Each role's prefixes per chart: the main chart (with its overrides) and the units' presets."""
    from jixiao.units import same_unit  # 浏河社区 and 浏河社区居民委员会 are one unit

    charts = dict.fromkeys(unit_charts.values())
    return {
        role: ChartPrefixes(
            {preset: prefixes, **{c: ACCOUNT_PRESETS[c][role] for c in charts}},
            unit_charts,
            preset,
            same_unit,
        )
        for role, prefixes in accounts.items()
    }


def year_profile(year: int) -> ProjectProfile:
    from jixiao import paths

    return load_profile(paths.raw_dir(year))


def filled_profile(folder: Path) -> ProjectProfile | None:
    """The folder's profile, or None while it is absent or not yet valid (a blank template)."""
    if not (Path(folder) / PROFILE_FILE).is_file():
        return None
    try:
        return load_profile(folder)
    except ParameterError:
        return None


def project_tables(folder: Path) -> dict[str, schema.Table]:
    """Every raw kind's table with the project's own place header and respondent groups (from
    the folder's project.toml once it is filled in; the schema's tables before). Ingest checks
    the grant types separately, after its blank-template check."""
    profile = filled_profile(folder)
    if profile is None:
        return dict(schema.RAW_TABLES)
    return {
        kind: schema.with_vocabulary(
            t, groups=profile.survey_groups, community_header=profile.community_header
        )
        for kind, t in schema.RAW_TABLES.items()
    }
