"""The findings register (问题清单): one table for the year combining what the compliance checks
flagged and what the evaluator observed.

Data-check findings are one per (rule, unit): their evidence is the list of raw rows
("文件 / 工作表 / 第N行") the flags cite, identified as <rule>-<unit> (ARR-01-a unit) and listed in a fixed order (finding category,
rule, unit). The evaluator's observations keep their ids (OBS-02, OBS-04a, …), their category
(问题类别, typed on the sheet) and evidence source (座谈会 / 实地调研 / 问卷 / 访谈 / 案卷研究); an
observation's own number (OBS-02a → 2) is kept as ``problem_no`` for indicator links 问题N.
Findings of rules that are analytical red flags (``CheckRule.reported`` false) come last: the
report lists them apart, as matters to follow up.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import paths
from .compliance.arrival import ArrivalSummary
from .compliance.common import FLAG_COLUMNS, RULES, concat_flags, date_text, yuan_text
from .compliance.keys import sort_order
from .concurrency import side_by_side
from .finding_categories import CATEGORIES, category_rank
from .metrics import Metric

REGISTER_COLUMNS = (
    "finding_id",
    "problem_no",
    "category",
    "dimension",
    "indicator",
    "title",
    "description",
    "units",
    "amount_fen",
    "severity",
    "evidence_source",
    "evidence",
    "rule",
)
REGISTER_HEADERS = {
    "finding_id": "问题编号",
    "problem_no": "对应报告问题",
    "category": "问题类别",
    "dimension": "评价维度",
    "indicator": "相关指标",
    "title": "问题标题",
    "description": "问题描述",
    "units": "涉及单位",
    "amount_fen": "涉及金额（元）",
    "severity": "严重程度",
    "evidence_source": "证据来源",
    "evidence": "证据",
    "rule": "规则",
}
OBSERVATION_RULE = "OBS"
SEPARATE_ACCOUNTING_RULES = ("SEP-01", "SEP-02", "SEP-03", "SEP-04")


def evidence_refs(flags: pd.DataFrame) -> pd.Series:
    """ "明细账_浏河社区.xlsx / 明细账 / 第15行" per flagged row (sheet left out for CSV)."""
    file = flags["source_file"].fillna("").astype("str")
    sheet = flags["source_sheet"].fillna("").astype("str")
    row = flags["source_row"].astype("Int64").astype("str")
    text = (
        file
        + (" / " + sheet).where(sheet != "", "")
        + (" / 第" + row + "行").where(flags["source_row"].notna(), "")
    )
    return text.where(file != "", "")


def _as_flags(result) -> pd.DataFrame | None:
    if result is None:
        return None
    if isinstance(result, pd.DataFrame):
        return result
    flags = getattr(result, "flags", None)  # ArrivalResult, LedgerAnalytics
    if isinstance(flags, pd.DataFrame):
        return flags
    raise TypeError(
        f"build_register 需要检查结果表（DataFrame）或带 flags 的结果对象，收到 {type(result).__name__}"
    )


def _sort_key(values: pd.Series) -> np.ndarray:
    """Integer codes that sort like ``values`` (missing last), for :func:`numpy.lexsort`."""
    # Dense ranks (dates too, rather than their microsecond stamps) keep the keys small, so
    # sort_order merges them into one integer and sorts once.
    codes, _ = pd.factorize(values, sort=True, use_na_sentinel=True)
    return np.where(codes < 0, codes.max(initial=-1) + 1, codes)


def _first_per_group(
    group: np.ndarray, keep: np.ndarray, limit: int
) -> tuple[np.ndarray, np.ndarray]:
    """Among rows with ``keep`` (rows sorted by ``group``), which are within the first ``limit``
    of their group, and how many ``keep`` rows each group has."""
    kept = keep.astype("int64")
    running = np.cumsum(kept)
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    before = (running - kept)[starts]  # kept rows ahead of each group
    rank = running - before[group]
    return keep & (rank <= limit), np.add.reduceat(kept, starts)


def _join_first(
    texts: pd.Series,
    group: np.ndarray,
    n_groups: int,
    totals: np.ndarray,
    limit: int,
    sep: str,
    counter: str,
) -> pd.Series:
    """Per group, the given texts joined (at most ``limit`` each), noting how many there were in all."""
    values = pa.array(pd.Series(texts, dtype="str").array)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    values = values.cast(pa.large_string())
    group = np.asarray(group, dtype=np.int64)
    # Rows come sorted by group: Arrow joins each group's slice (a list array over the texts).
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(group) else group
    offsets = pa.array(np.r_[starts, len(group)].astype(np.int64))
    joined = pc.binary_join(
        pa.LargeListArray.from_arrays(offsets, values), pa.scalar(sep, pa.large_string())
    )
    where = np.full(n_groups, -1, dtype=np.int64)
    where[group[starts]] = np.arange(len(starts))
    joined = pc.fill_null(joined.take(pa.array(where, mask=where < 0)), "")
    tail = np.where(totals > limit, "……等共" + pd.Series(totals).astype("str") + counter, "")
    return pd.Series(pd.array(joined, dtype="str")) + pd.Series(tail, dtype="str")


def _place_codes(community: pd.Series, unit: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Each flag's place (its community, else its unit, else 全部) as codes into the places in
    text order; the text is worked out once per distinct (community, unit) pair."""
    community_code, communities = pd.factorize(community)  # -1: missing
    unit_code, units = pd.factorize(unit)
    width = len(units) + 1
    pair_code, pairs = pd.factorize((community_code + 1) * width + (unit_code + 1))
    pairs = np.asarray(pairs, dtype=np.int64)
    in_community, of_unit = pairs // width - 1, pairs % width - 1
    community_names = np.append(np.asarray(communities, dtype=object), None)[in_community]
    unit_names = np.append(np.asarray(units, dtype=object), None)[of_unit]
    labels = pd.Series(np.where(in_community >= 0, community_names, unit_names), dtype="str")
    labels = labels.fillna("").replace("", "全部")
    label_code, places = pd.factorize(labels, sort=True)
    return label_code[pair_code], places


def flags_to_findings(
    flags: pd.DataFrame, *, max_evidence: int = 20, max_reasons: int = 10
) -> pd.DataFrame:
    """One finding per (rule, unit) from flagged rows, register columns, ids not yet assigned.

    Rows are ordered by rule, unit, date and evidence row; a finding cites its first
    ``max_evidence`` evidence rows and its first ``max_reasons`` distinct reasons (saying how
    many there were in all). Work is sorts and group-bys over integer codes; text is built only
    for what the register shows.
    """
    if flags.empty:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in REGISTER_COLUMNS})
    rule_ids = pd.unique(flags["rule"])  # a handful of distinct ids over many flags
    unknown = sorted(set(rule_ids) - set(RULES))
    if unknown:
        raise ValueError(
            f"未登记的检查规则：{'、'.join(unknown)}（见 jixiao.compliance.common.RULES）"
        )
    order = {rule: i for i, rule in enumerate(RULES)}
    f = flags.reset_index(drop=True)
    positions, distinct = pd.factorize(f["rule"])
    rule_code = np.array([order[r] for r in distinct], dtype="int64")[positions]
    unit_code, unit_names = _place_codes(f["community"], f["unit"])
    # Sort positions only: the text columns are never reordered as a whole.
    perm = sort_order(
        rule_code,
        unit_code,
        _sort_key(f["date"]),
        _sort_key(f["source_file"]),
        _sort_key(f["source_row"]),
    )
    rule_sorted, unit_sorted = rule_code[perm], unit_code[perm]
    new = np.r_[True, (rule_sorted[1:] != rule_sorted[:-1]) | (unit_sorted[1:] != unit_sorted[:-1])]
    group = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    n_groups = len(starts)

    count = np.diff(np.r_[starts, len(f)])
    amount = np.add.reduceat(f["amount_fen"].to_numpy("int64")[perm], starts)
    out = pd.DataFrame(
        {
            "rule": f["rule"].take(perm[starts]).to_numpy(),
            "units": pd.Series(unit_names).take(unit_sorted[starts]).to_numpy(),
            "_order": rule_sorted[starts],
            "amount_fen": amount,
        }
    )
    # Evidence: the first rows of each finding that name a file.
    has_ref = (f["source_file"].fillna("").astype("str") != "").to_numpy()[perm]
    shown, ref_totals = _first_per_group(group, has_ref, max_evidence)
    refs = evidence_refs(f[["source_file", "source_sheet", "source_row"]].take(perm[shown]))
    out["evidence"] = _join_first(
        refs, group[shown], n_groups, ref_totals, max_evidence, "；", "处"
    )
    # Lines of one voucher often share a sentence: say it once.
    # Arrow's dictionary encoding: the distinct sentences stay Arrow text (no Python object each).
    # A missing reason is coded as the empty one without copying every sentence first.
    coded = pc.dictionary_encode(pa.array(pd.Series(f["reason"], dtype="str").array))
    if isinstance(coded, pa.ChunkedArray):  # chunks encoded in turn share one dictionary
        coded = coded.combine_chunks()
    dictionary, indices = coded.dictionary, coded.indices
    reason_texts = pd.Series(pd.array(dictionary, dtype="str"))
    # A missing reason takes the code after the dictionary's last and counts as blank.
    reason_code = pc.fill_null(indices, len(dictionary)).to_numpy().astype(np.int64)[perm]
    first_time = ~pd.Series(group * (len(reason_texts) + 1) + reason_code).duplicated().to_numpy()
    not_blank = np.append((reason_texts != "").to_numpy(dtype=bool), False)[reason_code]
    shown, reason_totals = _first_per_group(group, first_time & not_blank, max_reasons)
    reasons = _join_first(
        reason_texts.take(reason_code[shown]),
        group[shown],
        n_groups,
        reason_totals,
        max_reasons,
        "",
        "条",
    )
    lead = pd.Series(
        np.where(
            count > 1,
            "共"
            + pd.Series(count).astype("str")
            + "笔，合计"
            + yuan_text(amount).to_numpy()
            + "元：",
            "",
        ),
        dtype="str",
    )
    out["description"] = lead + reasons
    info = pd.DataFrame([vars(r) for r in RULES.values()]).set_index("rule")
    out = out.join(
        info[["category", "dimension", "indicator", "title", "severity", "source_kind"]],
        on="rule",
    )
    out["evidence_source"] = "数据核查（" + out["source_kind"].astype("str") + "）"
    # Data findings belong to no numbered problem: the report groups them by category.
    out["problem_no"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
    out["amount_fen"] = out["amount_fen"].astype("Int64")
    out["finding_id"] = ""
    return out.loc[:, list(REGISTER_COLUMNS)].reset_index(drop=True)


def observations_to_findings(observations: pd.DataFrame) -> pd.DataFrame:
    """The evaluator's observation rows in register form, keeping their OBS-… ids."""
    obs = observations.copy()
    ids = obs["observation_id"].astype("str").str.strip()
    problem = ids.str.extract(r"OBS-0*(\d+)", expand=False)
    detail = (
        obs["evidence_detail"]
        if "evidence_detail" in obs.columns
        else pd.Series("", index=obs.index)
    )
    out = pd.DataFrame(
        {
            "finding_id": ids,
            "problem_no": pd.to_numeric(problem, errors="coerce").astype("Int64"),
            "category": _observation_categories(obs),
            "dimension": obs["dimension"].astype("str"),
            "indicator": obs["indicator"].astype("str"),
            "title": obs["title"].astype("str"),
            "description": obs["description"].astype("str"),
            "units": (obs["units"] if "units" in obs.columns else pd.Series("", index=obs.index))
            .fillna("")
            .astype("str"),
            "amount_fen": pd.Series(pd.NA, index=obs.index, dtype="Int64"),
            "severity": (
                obs["severity"] if "severity" in obs.columns else pd.Series("", index=obs.index)
            )
            .fillna("")
            .astype("str"),
            "evidence_source": obs["evidence_source"].fillna("").astype("str"),
            "evidence": detail.fillna("").astype("str"),
            "rule": OBSERVATION_RULE,
        }
    )
    return out.sort_values(
        ["problem_no", "finding_id"], kind="stable", na_position="last"
    ).reset_index(drop=True)


def _observation_categories(obs: pd.DataFrame) -> pd.Series:
    """问题类别 of each observation (column ``category``); blank when the sheet has none, and an
    error naming the row for a category outside jixiao.finding_categories.CATEGORIES."""
    if "category" not in obs.columns:
        return pd.Series("", index=obs.index, dtype="str")
    cats = obs["category"].fillna("").astype("str").str.strip()
    bad = cats.ne("") & ~cats.isin(list(CATEGORIES))
    if bad.any():
        first = bad.idxmax()
        raise ValueError(
            f"评价组观察记录 {obs.loc[first, 'observation_id']}：问题类别「{cats[first]}」不在"
            f"类别表中（可选：{'、'.join(CATEGORIES)}）"
        )
    return cats


def reported_findings(register: pd.DataFrame) -> pd.Series:
    """True for the findings the report states as problems: the evaluator's observations and
    the findings of rules marked ``reported`` in the catalogue (not analytical red flags)."""
    reported_rules = [r.rule for r in RULES.values() if r.reported] + [OBSERVATION_RULE]
    return register["rule"].astype("str").isin(reported_rules)


def data_finding_ids(findings: pd.DataFrame) -> pd.Series:
    """``<rule>-<unit>`` (e.g. ``ARR-01-浏河社区``): the same problem keeps its id from run to run and
    whatever else the data holds, so a 问题扣分 rule in the indicator workbook can name it."""
    ids = (
        findings["rule"].astype("str")
        + "-"
        + findings["units"].fillna("").astype("str").str.replace(r"\s+", "", regex=True)
    )
    repeat = ids.groupby(ids).cumcount()
    # One finding per rule and unit, so repeats should not occur; if they do, keep ids unique.
    return ids.where(repeat == 0, ids + "-" + (repeat + 1).astype("str"))


def _findings_of_checks(frames, **limits) -> pd.DataFrame:
    """:func:`flags_to_findings` of all checks' flags together. When no rule is in two checks'
    tables (the usual case) each table is grouped on its own and the findings ordered by rule
    afterwards: the same rows, without first copying every flag into one table."""
    frames = [f for f in frames if f is not None and len(f)]
    rule_sets = [set(pd.unique(f["rule"])) for f in frames]
    if len(frames) < 2 or sum(map(len, rule_sets)) != len(set().union(*rule_sets)):
        return flags_to_findings(concat_flags(frames), **limits)
    parts = side_by_side(
        *(partial(flags_to_findings, f.loc[:, list(FLAG_COLUMNS)], **limits) for f in frames)
    )
    order = {rule: i for i, rule in enumerate(RULES)}
    data = pd.concat(parts, ignore_index=True)
    rank = data["rule"].map(order).to_numpy()
    return data.take(np.argsort(rank, kind="stable")).reset_index(drop=True)


def build_register(
    *check_results,
    observations: pd.DataFrame | None = None,
    max_evidence: int = 20,
    max_reasons: int = 10,
) -> pd.DataFrame:
    """The year's findings register from check results (flag tables or result objects with
    ``.flags``) and the evaluator's observations.

    Rows are ordered by finding category (jixiao.finding_categories; observations without one
    after the categories), data findings before observations within a category, each in rule
    and unit order; analytical red flags (rules not ``reported``) come last.
    """
    data = _findings_of_checks(
        [_as_flags(r) for r in check_results], max_evidence=max_evidence, max_reasons=max_reasons
    )
    data["finding_id"] = data_finding_ids(data)
    data["_kind"] = 0
    parts = [data]
    if observations is not None and not observations.empty:
        parts.append(observations_to_findings(observations).assign(_kind=1))
    register = pd.concat(parts, ignore_index=True)
    register["_seq"] = np.arange(len(register))
    register["_unreported"] = ~reported_findings(register)
    register["_category"] = category_rank(register["category"])
    register = register.sort_values(["_unreported", "_category", "_kind", "_seq"], kind="stable")
    register = register.loc[:, list(REGISTER_COLUMNS)].reset_index(drop=True)
    register["problem_no"] = register["problem_no"].astype("Int64")
    register["amount_fen"] = register["amount_fen"].astype("Int64")
    return register


def register_to_chinese(register: pd.DataFrame) -> pd.DataFrame:
    """Chinese headers and amounts in 元 for export (the only place fen become 元)."""
    out = register.loc[:, list(REGISTER_COLUMNS)].copy()
    out["amount_fen"] = out["amount_fen"].astype("Float64") / 100
    return out.rename(columns=REGISTER_HEADERS)


def save_register(register: pd.DataFrame, year: int | str, *, folder: Path | None = None) -> Path:
    """Write ``data/processed/<year>/findings.parquet`` (the contract's file)."""
    target = (folder or paths.processed_dir(year)) / "findings.parquet"
    target.parent.mkdir(parents=True, exist_ok=True)
    register.loc[:, list(REGISTER_COLUMNS)].to_parquet(target, index=False)
    return target


def separate_accounting_units(flags: pd.DataFrame) -> list[str]:
    """Communities (or units) with a separate-accounting finding, sorted."""
    sep = flags.loc[flags["rule"].isin(SEPARATE_ACCOUNTING_RULES)]
    if "units" in sep.columns:
        names = sep["units"]
    else:
        names = sep["community"].fillna(sep["unit"])
    return sorted(pd.unique(names.dropna().astype("str")))


def compliance_metrics(arrival: ArrivalSummary, flags: pd.DataFrame) -> list[Metric]:
    """The figures scoring needs from this step: 资金到位率, 到位及时率 and the number of units
    with separate-accounting findings. ``flags`` is the check output or the register."""
    rule_text = "预算年度末" if arrival.due_rule == "budget_year_end" else "下达后规定天数内"
    as_of = date_text([arrival.as_of]).iloc[0]
    units = separate_accounting_units(flags)

    def yuan(fen: int) -> str:
        return yuan_text([fen]).iloc[0]

    return [
        Metric(
            "fund_arrival_rate",
            arrival.arrival_rate,
            "资金到位率",
            "compliance",
            f"截至{as_of}到位{yuan(arrival.arrived_fen)}元 ÷ 下达{yuan(arrival.allocated_fen)}元（{arrival.grants}笔）",
        ),
        Metric(
            "fund_timely_rate",
            arrival.timely_rate,
            "到位及时率",
            "compliance",
            f"按时到位{yuan(arrival.on_time_fen)}元 ÷ 应到位{yuan(arrival.due_fen)}元（到位期限：{rule_text}；"
            f"逾期{arrival.late_grants}笔{yuan(arrival.late_fen)}元）",
        ),
        Metric(
            "separate_accounting_units",
            float(len(units)),
            "专项资金未单独核算的核算单位数",
            "compliance",
            "、".join(units) if units else "无",
        ),
    ]
