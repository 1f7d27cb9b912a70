"""The year's sampling step as the evaluators ran it: plan, then select from the ledger.

Statistical and non-statistical sampling combined (the report's 统计抽样和非统计抽样相结合):
a statistical sample (MUS by default) from the expenditure population, every item at or above
the key-item threshold, and every line a compliance check flagged. The notebook and the case
generator (which fills in the 2017 fieldwork sheet) both call :func:`plan_and_select`, so the
sheet matches the selection for the same parameters and seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jixiao import paths
from jixiao.account_codes import as_prefixes
from jixiao.distinct import text_in
from jixiao.errors import ParameterError
from jixiao.export import yuan_to_fen
from jixiao.metrics import Metric

from ._common import percent, yuan
from .evaluate import MonetaryEvaluation
from .fieldwork import FieldworkEvaluation, FieldworkResult, evaluate_fieldwork
from .plan import SamplingPlan, plan_attribute, plan_mus
from .population import (
    WHOLE_LEDGER,
    PopulationDefinition,
    PopulationSummary,
    sampling_population,
)
from .select import MUS, MUS_CELL, Selection, item_ids, select_sample

STATISTICAL_METHODS = ("mus", "mus_cell", "random", "systematic", "stratified")


@dataclass(frozen=True)
class SamplingSettings:
    seed: int
    method: str = "mus"
    confidence: float = 0.95
    tolerable_rate: float = 0.05
    expected_rate: float = 0.0
    tolerable_misstatement_ratio: float = 0.05
    expected_misstatement_ratio: float = 0.0
    key_item_threshold_fen: int | None = None
    include_flagged: bool = True
    strata_by: str | None = None
    strata_bands_fen: tuple[int, ...] | None = None  # amount band edges for stratified sampling
    allocation: str = "proportional"  # stratified: proportional / equal / neyman
    # The named population (population.POPULATIONS) and the profile's account prefixes it reads.
    population: str = WHOLE_LEDGER
    expense_accounts: tuple[str, ...] = ()
    project_expense_accounts: tuple[str, ...] = ()
    closing_accounts: tuple[str, ...] = ()  # 期末结转 vouchers on these are not in the population

    def __post_init__(self):
        _ = self.definition  # an unknown population name or missing accounts stop here
        if self.method not in STATISTICAL_METHODS:
            raise ParameterError(
                f"method 只能是 {', '.join(STATISTICAL_METHODS)}，收到 {self.method!r}"
            )
        if not 0 < self.tolerable_misstatement_ratio < 1:
            raise ParameterError(
                f"tolerable_misstatement_ratio 应在 0 与 1 之间，收到 {self.tolerable_misstatement_ratio}"
            )
        if not 0 <= self.expected_misstatement_ratio < self.tolerable_misstatement_ratio:
            raise ParameterError(
                f"expected_misstatement_ratio 应不小于 0 且小于可容忍错报比例 {self.tolerable_misstatement_ratio}，"
                f"收到 {self.expected_misstatement_ratio}"
            )
        if self.method == "stratified" and not (self.strata_by or self.strata_bands_fen):
            raise ParameterError(
                "分层抽样需要 strata_by（按哪一列分层，例如 unit）或 strata_bands（金额分层界限）"
            )
        if self.strata_by and self.strata_bands_fen:
            raise ParameterError("strata_by 与 strata_bands 只能给出一个：按列分层或按金额分层")

    @property
    def definition(self) -> PopulationDefinition:
        return PopulationDefinition(
            self.population,
            as_prefixes(self.expense_accounts),
            as_prefixes(self.project_expense_accounts),
            as_prefixes(self.closing_accounts),
        )


def band_edges_fen(value) -> tuple[int, ...] | None:
    """Amount band edges in 元 → fen: a list, or text like "[5000, 20000]" / "5000,20000" as
    papermill's -p passes it."""
    if value is None:
        return None
    if isinstance(value, str):
        parts = [p for p in value.strip().strip("[]()").replace("，", ",").split(",") if p.strip()]
    else:
        parts = list(value)
    edges = tuple(yuan_to_fen(p, "strata_bands_yuan") for p in parts)
    if not edges or any(b <= a for a, b in zip(edges, edges[1:], strict=False)):
        raise ParameterError(
            f"strata_bands_yuan 应为递增的金额界限（元），例如 [5000, 20000]，收到 {value!r}"
        )
    return edges


def settings_from_parameters(
    *, key_item_threshold_yuan=None, strata_bands_yuan=None, accounts=None, **parameters
) -> SamplingSettings:
    """The notebook's parameters (amounts in 元, as an evaluator writes them) → SamplingSettings.

    ``accounts``: the project profile's account roles (``ProjectProfile.accounts``), whose
    ``expense`` and ``project_expense`` prefixes the named population reads."""
    accounts = accounts or {}
    return SamplingSettings(
        key_item_threshold_fen=yuan_to_fen(key_item_threshold_yuan, "key_item_threshold_yuan"),
        strata_bands_fen=band_edges_fen(strata_bands_yuan),
        expense_accounts=as_prefixes(accounts.get("expense", ())),
        project_expense_accounts=as_prefixes(accounts.get("project_expense", ())),
        closing_accounts=as_prefixes(accounts.get("closing", ())),
        **parameters,
    )


# Compliance rules whose lines are the special fund's spending booked outside the project
# accounts (SEP-01 专项支出记入基本支出): they belong to the 专项资金相关 population.
FUND_SPENDING_RULES = ("SEP-01",)


def expenditure_population(
    ledger: pd.DataFrame, settings: SamplingSettings, flags: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The named population's lines (``population_basis`` says why each is in it); lines with a
    non-positive amount are recorded by the selection, not drawn by MUS."""
    fund_lines = None
    if flags is not None and "rule" in flags.columns:
        fund_lines = flags[flags["rule"].isin(FUND_SPENDING_RULES)]
    return sampling_population(ledger, settings.definition, fund_lines)


def plan_for(population: pd.DataFrame, settings: SamplingSettings) -> SamplingPlan:
    """MUS methods plan in money (Poisson); the others plan an attribute sample (hypergeometric)."""
    if settings.method.startswith("mus"):
        book = int(population.loc[population["amount_fen"] > 0, "amount_fen"].sum())
        tolerable = int(round(book * settings.tolerable_misstatement_ratio))
        expected = int(round(book * settings.expected_misstatement_ratio))
        return plan_mus(book, tolerable, expected, settings.confidence)
    return plan_attribute(
        settings.confidence,
        settings.tolerable_rate,
        settings.expected_rate,
        population_size=len(population),
    )


def plan_and_select(
    ledger: pd.DataFrame,
    settings: SamplingSettings,
    flagged_rows: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, SamplingPlan, Selection]:
    """Population, plan and combined selection for the year's ledger."""
    population = expenditure_population(ledger, settings, flagged_rows)
    keys = ["source_file", "source_sheet", "source_row"]
    flagged = (
        flagged_rows
        if (settings.include_flagged and flagged_rows is not None)
        else pd.DataFrame(columns=keys)
    )
    if not flagged.empty:
        # Only flagged ledger lines that are in the population can be vouched.
        flagged = flagged.loc[:, keys].merge(population[keys], how="inner").drop_duplicates()
    # Key items and flagged lines are examined in full, so the statistical plan covers the rest.
    remaining = population
    if settings.key_item_threshold_fen is not None:
        remaining = remaining[remaining["amount_fen"] < settings.key_item_threshold_fen]
    if not flagged.empty:
        remaining = remaining[~text_in(item_ids(remaining), item_ids(flagged))]
    plan = plan_for(remaining, settings)
    selection = select_sample(
        population,
        method=settings.method,
        sample_size=plan.sample_size,
        seed=settings.seed,
        key_threshold_fen=settings.key_item_threshold_fen,
        flagged_ids=flagged if not flagged.empty else (),
        flagged_reason="合规检查标记（专项资金未单独核算等）",
        exclude_flagged=True,
        strata_by=settings.strata_by,
        bands_fen=settings.strata_bands_fen,
        allocation=settings.allocation,
    )
    return population, plan, selection


def plan_and_select_allocations(
    allocations: pd.DataFrame, settings: SamplingSettings
) -> tuple[SamplingPlan, Selection]:
    """The grant records (资金下达) to check against their allocation documents and bank receipts.

    An attribute plan over the grants (hypergeometric: the population is a few dozen records),
    then a simple random selection of that size; when the plan needs every grant, all are
    examined and each selected row says so.
    """
    plan = plan_attribute(
        settings.confidence,
        settings.tolerable_rate,
        settings.expected_rate,
        population_size=len(allocations),
    )
    selection = select_sample(
        allocations, method="random", sample_size=plan.sample_size, seed=settings.seed
    )
    return plan, selection


def filled_sheet_path(year: int, fieldwork_file: str | Path | None = None) -> Path:
    """The filled-in 抽样清单: the given file (relative to the project), else the year's raw one."""
    if not fieldwork_file:
        return paths.raw_dir(year) / f"抽样清单_已填_{year}.xlsx"
    path = Path(fieldwork_file)
    return path if path.is_absolute() else paths.ROOT / path


def selection_differences(filled: FieldworkResult, selection: Selection) -> pd.DataFrame:
    """Items selected now but missing from the filled sheet, and items on the sheet not selected now.

    Empty when the sheet was filled in for exactly this selection. Columns: 项目, 情况.
    """
    on_sheet = pd.Index(item_ids(filled.data))
    selected = pd.Index(item_ids(selection.sample))
    missing = selected.difference(on_sheet, sort=False)
    extra = on_sheet.difference(selected, sort=False)
    return pd.DataFrame(
        {
            "项目": [*missing, *extra],
            "情况": ["本次选取，抽样清单中没有"] * len(missing)
            + ["抽样清单中有，本次未选取"] * len(extra),
        },
        dtype="str",
    )


def evaluate_selection(
    filled: FieldworkResult, selection: Selection, plan: SamplingPlan, settings: SamplingSettings
) -> tuple[FieldworkEvaluation | None, pd.DataFrame]:
    """Evaluate the filled sheet under the sampling design it was drawn with: ``(evaluation, differences)``.

    The design comes from the sheet's 抽样参数 (method, population count and book value, sample
    size): the tolerable misstatement is ``tolerable_misstatement_ratio`` of the book value the
    sample was drawn from (what was left after key items), and attribute samples drawn from a
    finite population are evaluated hypergeometrically on that population. Confidence and
    tolerable rates are the current settings. ``differences`` lists the items selected now but
    not on the sheet and the other way round: non-empty when the seed or parameters changed
    since the fieldwork, in which case the examined sample is still evaluated (it is a valid
    sample of its own design) but the new selection has not been examined. A sheet without its
    抽样参数 can only be evaluated when it matches the current selection; otherwise the
    evaluation is ``None``.
    """
    differences = selection_differences(filled, selection)
    design = filled.parameters
    if {"method", "population_count", "population_amount_fen"} <= design.keys():
        monetary = design["method"] in (MUS, MUS_CELL)
        tolerable = int(
            round(design["population_amount_fen"] * settings.tolerable_misstatement_ratio)
        )
        population_size = None if monetary else int(design["population_count"])
    elif differences.empty:
        tolerable = plan.tolerable_misstatement_fen
        population_size = plan.population_size if plan.distribution == "hypergeometric" else None
    else:
        return None, differences
    evaluation = evaluate_fieldwork(
        filled,
        tolerable_rate=settings.tolerable_rate,
        confidence=settings.confidence,
        tolerable_misstatement_fen=tolerable,
        population_size=population_size,
    )
    return evaluation, differences


def fieldwork_for_compliance(filled: pd.DataFrame) -> pd.DataFrame:
    """The read-back 抽样清单 in the shape the voucher-evidence check takes: the voucher (unit,
    date, voucher, 摘要, booked amount), the ledger line it came from (``source_*``), the row of
    the filled sheet (``fieldwork_*``) and the answers (凭证齐全, 审批, 合规, 差错金额, 备注)."""
    columns = [
        "unit",
        "date",
        "voucher",
        "summary",
        "amount_fen",
        "source_file",
        "source_sheet",
        "source_row",
        "fieldwork_file",
        "fieldwork_sheet",
        "fieldwork_row",
        "documents_complete",
        "approved",
        "compliant",
        "misstatement_fen",
        "note",
    ]
    frame = filled.copy()
    for column in columns:
        if column not in frame.columns:
            frame[column] = pd.NA
    return frame.loc[:, columns]


def evaluation_rows(
    population: PopulationSummary, rows: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """The 抽样评价 rows: the population (definition, size, amount, coverage) first, then the
    evaluation's own ``rows``; every value as text."""
    shown = [
        (label, yuan(round(value * 100)) if label.endswith("（元）") else f"{value:,}")
        if isinstance(value, (int, float))
        else (label, str(value))
        for label, value in population.rows()
    ]
    return [*shown, *rows]


def projection_sentence(monetary: MonetaryEvaluation) -> str:
    """The misstatement projected to the population, in one sentence (findings, report)."""
    return (
        f"按货币单位抽样结果推断，统计抽样总体（账面金额{yuan(monetary.population_amount_fen)}元）"
        f"的错报最可能值为{yuan(monetary.most_likely_misstatement_fen)}元，"
        f"在{percent(monetary.confidence, 0)}置信水平下错报上限为{yuan(monetary.upper_limit_fen)}元"
        f"（Stringer 界），可容忍错报{yuan(monetary.tolerable_misstatement_fen)}元"
    )


def sampling_metrics(
    evaluation: FieldworkEvaluation | None, population: PopulationSummary | None = None
) -> list[Metric]:
    """What sampling hands to scoring and the report.

    The deviation rate's upper limit and the sample behind it (sample size, deviations found,
    confidence and, when evaluated hypergeometrically, population size let scoring's grade
    simulation redraw the upper limit; no rule scores them); the misstatement projected to the
    population in 元 (most likely and upper bound, ``evidence`` the sentence to quote); the
    population's size, amount and coverage (``evidence`` the sentence to quote). Evaluation
    metrics are left out when nothing was evaluated, so a metric never outlives its evaluation.
    """
    out: list[Metric] = []
    if population is not None:
        sentence = population.sentence + "。"
        out += [
            Metric(
                "sampling_population_lines", population.lines, "抽样总体笔数", "sampling", sentence
            ),
            Metric(
                "sampling_population_amount",
                population.amount_fen / 100,
                "抽样总体金额（元）",
                "sampling",
                sentence,
            ),
            Metric(
                "sampling_coverage_lines",
                population.line_share,
                "样本笔数覆盖率",
                "sampling",
                sentence,
            ),
            Metric(
                "sampling_coverage_amount",
                population.amount_share,
                "样本金额覆盖率",
                "sampling",
                sentence,
            ),
        ]
    if evaluation is not None and evaluation.monetary is not None:
        monetary = evaluation.monetary
        sentence = projection_sentence(monetary) + "。"
        out += [
            Metric(
                "voucher_projected_misstatement",
                monetary.most_likely_misstatement_fen / 100,
                "推断错报最可能值（元）",
                "sampling",
                sentence,
            ),
            Metric(
                "voucher_misstatement_upper_limit",
                monetary.upper_limit_fen / 100,
                "推断错报上限（元）",
                "sampling",
                sentence,
            ),
        ]
    if evaluation is None or evaluation.attribute is None:
        return out
    attribute = evaluation.attribute
    out += [
        Metric(
            "voucher_deviation_upper_limit",
            attribute.upper_limit,
            "凭证抽查偏差率上限",
            "sampling",
            attribute.conclusion,
        ),
        Metric("voucher_sample_size", attribute.sample_size, "凭证属性抽样样本量", "sampling"),
        Metric("voucher_deviations", attribute.deviations, "凭证属性抽样发现偏差数", "sampling"),
        Metric("voucher_confidence", attribute.confidence, "凭证属性抽样置信水平", "sampling"),
    ]
    if attribute.population_size is not None:
        out.append(
            Metric(
                "voucher_population_size",
                attribute.population_size,
                "凭证属性抽样总体数量",
                "sampling",
            )
        )
    return out
