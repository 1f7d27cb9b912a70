"""The one mapping between the evaluator's Chinese workbooks and the library's canonical tables.

Every raw kind the suite reads is described here once: where it lives in
``data/raw/<year>/``, which sheet, which Chinese headers (with the aliases real exports
use), and the canonical English snake_case column each maps to, with its value type.
Loaders map headers in with this table; exporters and the new-year templates map them out.

Value types
-----------
``text``   stripped string (pandas string dtype)
``code``   text that must keep leading zeros (account codes, ID-like numbers)
``money``  exact amount in integer fen (分); the canonical column name ends in ``_fen``
``date``   calendar date (datetime64, normalised to midnight)
``int``    whole number (nullable Int64)
``number`` real number (float64), for counts that may be fractional or rates
``likert`` questionnaire answer: 1–5 or the text 非常满意 … 非常不满意

Money is integer fen so sums reconcile to the fen with no float drift; convert to 元 only
for display (``fen / 100``) at the export edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .finding_categories import CATEGORIES

# Standard columns every canonical table carries so any row can be traced to the raw file.
PROVENANCE_COLUMNS = ("source_file", "source_sheet", "source_row")
PROVENANCE_HEADERS = {
    "source_file": "来源文件",
    "source_sheet": "来源工作表",
    "source_row": "来源行号",
}

# Rejects / dropped tables (one row per problem), canonical and Chinese headers.
REJECT_COLUMNS = ("file", "sheet", "row", "column", "value", "reason")
REJECT_HEADERS = {
    "file": "文件",
    "sheet": "工作表",
    "row": "行号",
    "column": "列",
    "value": "值",
    "reason": "原因",
}
DROPPED_COLUMNS = ("file", "sheet", "row", "kind", "text")
DROPPED_HEADERS = {"file": "文件", "sheet": "工作表", "row": "行号", "kind": "类型", "text": "内容"}

# Likert scale, 5 = best. Text answers map to these codes.
LIKERT_LEVELS = {"非常满意": 5, "满意": 4, "一般": 3, "不满意": 2, "非常不满意": 1}

# Respondent groups of the questionnaire: the defaults a blank project.toml offers. A project
# names its own in project.toml [survey] groups (ProjectProfile.survey_groups).
RESPONDENT_GROUPS = ("居民", "社区工作者", "社会组织")
# Header of the place column (``community``) unless project.toml [project] community_header says
# otherwise (乡镇, 村, 学校 …).
COMMUNITY_HEADER = "社区"


# Evidence sources for the evaluator's observations.
EVIDENCE_SOURCES = ("案卷研究", "座谈会", "实地调研", "问卷", "访谈")

SEVERITIES = ("高", "中", "低")

DIMENSIONS_2013 = ("投入", "过程", "产出", "效果")
DIMENSIONS_2020 = ("决策", "过程", "产出", "效益")


@dataclass(frozen=True)
class Column:
    name: str  # canonical snake_case name
    header: str  # Chinese header as the evaluator's template writes it
    type: str  # one of the value types above
    required: bool = True
    aliases: tuple[str, ...] = ()  # other headers real exports use for the same column
    choices: tuple[str, ...] = ()  # fixed values (drop-down validation in templates)


@dataclass(frozen=True)
class Table:
    kind: str  # canonical name of the raw kind
    title: str  # Chinese name of the kind
    file_glob: str  # pattern inside data/raw/<year>/
    sheet: str | None  # sheet name; None = the first sheet (CSV has none)
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def headers(self) -> dict[str, str]:
        return {c.name: c.header for c in self.columns}

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


ALLOCATIONS = Table(
    kind="allocations",
    title="资金下达及到位记录",
    file_glob="资金下达*.xlsx",
    sheet="资金下达",
    columns=(
        Column("grant_id", "项目编号", "code", aliases=("编号", "指标编号")),
        Column("district", "区", "text", aliases=("县市区", "区县")),
        Column("street", "街道", "text", aliases=("街道办事处", "乡镇街道")),
        Column("community", "社区", "text", aliases=("社区名称",)),
        # the allowed grant types are the project's own (project.toml [[grant_types]])
        Column("grant_type", "资金类型", "text", aliases=("补助类型", "项目类型")),
        Column("doc_number", "下达文号", "text", aliases=("文号", "指标文号")),
        Column("issued_date", "下达日期", "date", aliases=("发文日期", "指标下达日期")),
        Column("amount_fen", "下达金额（元）", "money", aliases=("下达金额", "金额", "计划金额")),
        Column(
            "arrived_date", "到账日期", "date", required=False, aliases=("拨付日期", "到位日期")
        ),
        Column(
            "arrived_fen",
            "到账金额（元）",
            "money",
            required=False,
            aliases=("到账金额", "到位金额", "拨付金额"),
        ),
        Column("recipient_unit", "收款单位", "text", required=False, aliases=("项目单位", "单位")),
        Column("note", "备注", "text", required=False),
    ),
)

# 明细账 export. One file per accounting unit; the unit name comes from the title line
# ("核算单位：…" / "单位：…") above the header, else from the file name ``明细账_<unit>``.
LEDGER = Table(
    kind="ledger",
    title="明细账",
    file_glob="明细账*",
    sheet="明细账",
    columns=(
        Column("date", "日期", "date", aliases=("制单日期", "记账日期", "业务日期", "凭证日期")),
        Column("voucher", "凭证字号", "text", aliases=("凭证号", "凭证号数", "凭证编号")),
        Column("summary", "摘要", "text", required=False),
        Column("account_code", "科目编码", "code", aliases=("科目代码", "会计科目编码")),
        Column("account_name", "科目名称", "text", required=False, aliases=("会计科目", "科目")),
        Column("debit_fen", "借方", "money", aliases=("借方金额", "借方发生额")),
        Column("credit_fen", "贷方", "money", aliases=("贷方金额", "贷方发生额")),
        Column("direction", "方向", "text", required=False, aliases=("余额方向",)),
        Column("balance_fen", "余额", "money", required=False, aliases=("余额金额",)),
        Column(
            "project",
            "项目",
            "text",
            required=False,
            aliases=("辅助项", "核算项目", "项目辅助核算"),
        ),
        Column(
            "counterparty",
            "往来单位",
            "text",
            required=False,
            aliases=("收款单位", "对方单位", "单位名称"),
        ),
        Column("attachments", "附单据数", "int", required=False, aliases=("附件数量", "附件数")),
        Column("preparer", "制单人", "text", required=False, aliases=("制单",)),
    ),
)
# Columns the ledger loader adds: unit, voucher_type (记/收/付/转), voucher_no (int).
LEDGER_DERIVED_HEADERS = {"unit": "核算单位", "voucher_type": "凭证字", "voucher_no": "凭证号"}
# Summary texts that mark rows that are not entries (subtotals, balances carried).
LEDGER_NON_ENTRY_MARKERS = (
    "本月合计",
    "本年累计",
    "本期合计",
    "上年结转",
    "期初余额",
    "年初余额",
    "承前页",
    "过次页",
    "期末余额",
)

OUTPUTS = Table(
    kind="outputs",
    title="产出完成情况",
    file_glob="产出*.xlsx",
    sheet="产出指标",
    columns=(
        Column("output_id", "指标编号", "code"),
        Column("indicator", "产出指标", "text", aliases=("指标名称",)),
        Column(
            "category", "类别", "text", required=False, choices=("数量", "质量", "时效", "成本")
        ),
        Column("measure_unit", "计量单位", "text", required=False, aliases=("单位",)),
        Column("planned", "计划数", "number", aliases=("目标值", "计划产出数")),
        Column("actual", "实际完成数", "number", aliases=("实际值", "实际产出数")),
        Column("completed_on_time", "按期完成", "text", required=False, choices=("是", "否")),
        Column("quality_passed", "质量达标", "text", required=False, choices=("是", "否")),
        Column("evidence", "佐证材料", "text", required=False, aliases=("数据来源",)),
        # 成本节约率 (财预〔2020〕10号): the output's planned and actual cost, where the team has them.
        Column(
            "planned_cost_fen",
            "计划成本（元）",
            "money",
            required=False,
            aliases=("计划成本", "预算成本", "成本预算"),
        ),
        Column(
            "actual_cost_fen",
            "实际成本（元）",
            "money",
            required=False,
            aliases=("实际成本", "实际支出成本"),
        ),
    ),
)

# Questionnaire: one row per respondent; answer columns are the item ids of the 题目 sheet
# (Q1, Q2, …), their values text or 1–5.
SURVEY = Table(
    kind="survey",
    title="问卷调查",
    file_glob="问卷*.xlsx",
    sheet="问卷数据",
    columns=(
        Column("respondent_id", "问卷编号", "code", aliases=("编号", "序号")),
        Column(
            "group", "受访者类别", "text", aliases=("调查对象", "群体"), choices=RESPONDENT_GROUPS
        ),
        Column("community", "社区", "text", aliases=("所在社区",)),
        Column("name", "姓名", "text", required=False, aliases=("受访者姓名",)),
        Column("phone", "联系电话", "text", required=False, aliases=("电话", "手机号码", "手机")),
        Column("id_number", "身份证号", "text", required=False, aliases=("身份证号码",)),
        Column("survey_date", "调查日期", "date", required=False, aliases=("填表日期",)),
    ),
)
SURVEY_ITEMS = Table(
    kind="survey_items",
    title="问卷题目",
    file_glob="问卷*.xlsx",
    sheet="题目",
    columns=(
        Column("item_id", "题号", "code"),
        Column("item", "题目", "text"),
        Column("reverse", "反向题", "text", required=False, choices=("是", "否")),
        Column("groups", "适用对象", "text", required=False),
    ),
)
SURVEY_PLAN = Table(
    kind="survey_plan",
    title="抽样计划",
    file_glob="问卷*.xlsx",
    sheet="抽样计划",
    columns=(
        Column("group", "受访者类别", "text", choices=RESPONDENT_GROUPS),
        Column("population", "总体数量", "int"),
        Column("planned", "计划样本量", "int"),
    ),
)

INTERVIEWS = Table(
    kind="interviews",
    title="电话访谈记录",
    file_glob="电话访谈*.xlsx",
    sheet="电话访谈",
    columns=(
        Column("interview_id", "访谈编号", "code"),
        Column("interview_date", "访谈日期", "date"),
        Column("community", "社区", "text"),
        Column("group", "受访者类别", "text", choices=RESPONDENT_GROUPS),
        Column("name", "受访者姓名", "text", required=False, aliases=("姓名",)),
        Column("phone", "联系电话", "text", required=False, aliases=("电话",)),
        Column("question_id", "问题编号", "code"),
        Column("question", "访谈问题", "text"),
        Column("answer_code", "回答编码", "text", aliases=("回答",)),
        Column("note", "访谈摘要", "text", required=False, aliases=("备注", "记录")),
    ),
)

OBSERVATIONS = Table(
    kind="observations",
    title="评价组观察记录",
    file_glob="评价组观察记录*.xlsx",
    sheet="观察记录",
    columns=(
        Column("observation_id", "编号", "code"),
        Column("title", "问题标题", "text"),
        Column("description", "问题描述", "text"),
        Column("dimension", "评价维度", "text"),
        Column("indicator", "相关指标", "text"),
        Column("units", "涉及单位", "text", required=False, aliases=("涉及社区",)),
        Column("evidence_source", "证据来源", "text", choices=EVIDENCE_SOURCES),
        Column("evidence_detail", "证据说明", "text", required=False),
        Column("severity", "严重程度", "text", required=False, choices=SEVERITIES),
        Column("recorded_by", "记录人", "text", required=False),
        Column("recorded_on", "记录日期", "date", required=False),
        Column("category", "问题类别", "text", required=False, choices=tuple(CATEGORIES)),
    ),
)


def with_vocabulary(
    table: Table,
    *,
    grant_types: tuple[str, ...] = (),
    groups: tuple[str, ...] = (),
    community_header: str = "",
) -> Table:
    """``table`` in a project's own words: its grant types and respondent groups as the allowed
    values, its header for the place column (the default header stays an accepted alias)."""
    from dataclasses import replace

    def own(column: Column) -> Column:
        if column.name == "grant_type" and grant_types:
            return replace(column, choices=tuple(grant_types))
        if column.name == "group" and column.choices and groups:
            return replace(column, choices=tuple(groups))
        if column.name == "community" and community_header and community_header != column.header:
            aliases = (column.header, *(a for a in column.aliases if a != community_header))
            return replace(column, header=community_header, aliases=aliases)
        return column

    return replace(table, columns=tuple(own(c) for c in table.columns))


RAW_TABLES = {
    t.kind: t
    for t in (
        ALLOCATIONS,
        LEDGER,
        OUTPUTS,
        SURVEY,
        SURVEY_ITEMS,
        SURVEY_PLAN,
        INTERVIEWS,
        OBSERVATIONS,
    )
}

# Per-year parameter file (TOML, read with the standard library).
PARAMETERS_FILE = "parameters.toml"
