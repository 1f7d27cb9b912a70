"""What each audit step reads and writes, declared once.

Each numbered notebook is one step. Its processed inputs and products (parquet tables under
``data/processed/<year>/`` and the metrics file it hands to scoring) are listed here and nowhere
else: ``processed.write_table`` refuses a table no step declares, ``docs/contracts.md`` shows
the same lists (a test holds the two together), and a test compares them with what a run wrote.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    notebook: str  # file stem in notebooks/
    title: str  # the audit step in the evaluator's words
    reads: tuple[str, ...] = ()  # processed tables it needs from earlier steps
    writes: tuple[str, ...] = ()  # processed tables it produces
    metrics: str | None = None  # metrics/<name>.json it writes for scoring
    reads_metrics: bool = False  # whether it reads every metrics file (scoring)
    optional_reads: tuple[
        str, ...
    ] = ()  # shown when present (workpaper sheets), else listed as missing


STEPS: tuple[Step, ...] = (
    Step(
        "01_ingest",
        "数据导入",
        writes=(
            "allocations",
            "ledger",
            "outputs",
            "survey",
            "survey_items",
            "survey_plan",
            "interviews",
            "observations",
            "rejects",
            "dropped",
            "normalisations",
            "unit_check",
        ),
    ),
    Step(
        "02_sampling",
        "审计抽样",
        reads=("allocations", "ledger"),
        writes=(
            "sampling_selection",
            "sampling_allocations",
            "sampling_strata",
            "sampling_evaluation",
            "fieldwork_results",
        ),
        metrics="sampling",
    ),
    Step(
        "03_compliance",
        "合规性检查",
        reads=("allocations", "ledger", "observations", "outputs", "fieldwork_results"),
        writes=(
            "findings",
            "compliance_flags",
            "arrival_grants",
            "account_mixing",
            "budget_execution",
        ),
        metrics="compliance",
    ),
    Step(
        "04_survey",
        "满意度调查分析",
        reads=("survey", "survey_items", "survey_plan", "interviews"),
        writes=(
            "survey_satisfaction_overall",
            "survey_satisfaction_group",
            "survey_satisfaction_item",
            "survey_satisfaction_community",
            "survey_coverage",
            "survey_respondents",
            "survey_rejects",
            "interview_summary",
            "interview_summary_community",
            "interview_notes",
        ),
        metrics="survey",
    ),
    Step(
        "05_scoring",
        "绩效评分",
        reads=("outputs", "findings"),
        writes=("scoring_table", "scoring_sensitivity", "scoring_waterfall"),
        metrics="outputs",
        reads_metrics=True,
        optional_reads=("survey_respondents",),
    ),
    Step(
        "06_report",
        "评价报告与工作底稿",
        reads=(
            "allocations",
            "outputs",
            "findings",
            "scoring_table",
            "survey_coverage",
            "survey_satisfaction_overall",
        ),
        writes=("recommendations",),
        optional_reads=(
            "rejects",
            "survey",
            "survey_items",
            "sampling_selection",
            "sampling_allocations",
            "sampling_strata",
            "sampling_evaluation",
            "compliance_flags",
            "arrival_grants",
            "account_mixing",
            "survey_satisfaction_group",
            "survey_satisfaction_item",
            "survey_satisfaction_community",
            "interview_summary",
            "scoring_sensitivity",
            "scoring_waterfall",
        ),
    ),
)


def step(notebook: str) -> Step:
    """The declaration of one notebook (by stem, e.g. ``"03_compliance"``)."""
    for candidate in STEPS:
        if candidate.notebook == notebook:
            return candidate
    raise KeyError(f"no step is declared for notebook {notebook!r}")


def declared_tables() -> frozenset[str]:
    """Every processed table some step writes."""
    return frozenset(name for s in STEPS for name in s.writes)


def producer(table: str) -> Step:
    """The step that writes a processed table."""
    for candidate in STEPS:
        if table in candidate.writes:
            return candidate
    raise KeyError(f"no step writes the processed table {table!r}")


def _names(tables: tuple[str, ...]) -> str:
    return ", ".join(f"`{t}`" for t in tables) if tables else "—"


def contract_table() -> str:
    """The Markdown table ``docs/contracts.md`` shows (kept identical by a test)."""
    lines = [
        "| notebook | step | reads | writes | metrics file |",
        "|---|---|---|---|---|",
    ]
    for s in STEPS:
        reads = _names(s.reads)
        if s.reads_metrics:
            reads += ", every `metrics/*.json`"
        if s.optional_reads:
            reads += "; when present: " + _names(s.optional_reads)
        metrics = f"`metrics/{s.metrics}.json`" if s.metrics else "—"
        lines.append(f"| `{s.notebook}` | {s.title} | {reads} | {_names(s.writes)} | {metrics} |")
    return "\n".join(lines)
