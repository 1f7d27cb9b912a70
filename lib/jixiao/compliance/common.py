"""What every compliance check shares: the rule catalogue, the shape of a flagged row, and
small vectorised helpers (money and date text, unit ↔ community mapping, grant-type lookup).

A check returns *flagged rows*: one row per piece of evidence, with the rule that fired, a
Chinese sentence saying why, the amount at stake and the place in the raw files
(``source_file`` / ``source_sheet`` / ``source_row``). The findings register groups them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jixiao.account_codes import on_accounts
from jixiao.errors import ParameterError

FLAG_COLUMNS = (
    "rule",
    "rule_name",
    "reason",
    "amount_fen",
    "unit",
    "community",
    "grant_type",
    "date",
    "voucher",
    "source_file",
    "source_sheet",
    "source_row",
)


@dataclass(frozen=True)
class CheckRule:
    """One compliance check: its stable id, the finding it raises and where its evidence points."""

    rule: str  # stable id, e.g. "ARR-01"
    name: str  # Chinese name shown to the evaluator
    problem_no: int | None  # problem of the report it evidences (None: analytical red flag)
    dimension: str
    indicator: str
    title: str  # finding title in the register
    severity: str  # 高 / 中 / 低
    source_kind: str  # which records the evidence rows point into


# Order matters: the register numbers findings in this order within a problem.
RULES: dict[str, CheckRule] = {
    r.rule: r
    for r in (
        CheckRule(
            "ARR-01",
            "专项资金到位不及时",
            1,
            "投入",
            "到位及时率",
            "财政专项资金拨付滞后",
            "中",
            "资金下达记录",
        ),
        CheckRule(
            "SEP-01",
            "专项支出记入基本支出",
            3,
            "过程",
            "资金使用合规性",
            "专项资金未单独核算：项目支出记入基本支出科目",
            "中",
            "明细账",
        ),
        CheckRule(
            "SEP-02",
            "专项资金收入记入基本支出收入",
            3,
            "过程",
            "资金使用合规性",
            "专项资金未单独核算：专项收入记入基本支出收入科目",
            "中",
            "明细账",
        ),
        CheckRule(
            "SEP-03",
            "未设置项目明细账",
            3,
            "过程",
            "财务管理",
            "专项资金未单独核算：未设置项目支出明细账",
            "高",
            "资金下达记录、明细账",
        ),
        CheckRule(
            "EXE-01",
            "项目资金结余较大",
            None,
            "过程",
            "预算执行率",
            "项目资金执行进度慢，结余资金较大",
            "中",
            "资金下达记录、明细账",
        ),
        CheckRule(
            "SEP-04",
            "专项资金收支不符",
            3,
            "过程",
            "资金使用合规性",
            "专项资金收支与下达到位金额不符",
            "中",
            "资金下达记录、明细账",
        ),
        CheckRule(
            "SCP-01",
            "超范围使用专项资金",
            3,
            "过程",
            "资金使用合规性",
            "专项资金支出超出规定用途",
            "中",
            "明细账",
        ),
        CheckRule(
            "SCP-02",
            "项目支出超过下达金额",
            3,
            "过程",
            "资金使用合规性",
            "项目支出超过下达资金",
            "高",
            "明细账",
        ),
        CheckRule(
            "SCP-03",
            "项目期外支出",
            3,
            "过程",
            "资金使用合规性",
            "专项资金在项目期限外支出",
            "中",
            "明细账",
        ),
        CheckRule(
            "EVD-01",
            "缺少原始凭证",
            3,
            "过程",
            "财务监控有效性",
            "记账凭证缺少原始凭证",
            "中",
            "凭证抽查表",
        ),
        CheckRule(
            "EVD-02",
            "凭证不合规",
            3,
            "过程",
            "资金使用合规性",
            "抽查凭证不合规",
            "中",
            "凭证抽查表",
        ),
        CheckRule(
            "EVD-03",
            "凭证未经审批",
            3,
            "过程",
            "财务监控有效性",
            "记账凭证未经审批",
            "中",
            "凭证抽查表",
        ),
        CheckRule(
            "SEP-00",
            "未提供明细账",
            None,
            "过程",
            "财务管理",
            "获得专项资金的单位未提供明细账",
            "中",
            "资金下达记录",
        ),
        CheckRule(
            "GL-01", "疑似重复支付", None, "过程", "财务监控有效性", "疑似重复支付", "中", "明细账"
        ),
        CheckRule(
            "GL-02", "凭证号不连续", None, "过程", "财务监控有效性", "凭证号不连续", "低", "明细账"
        ),
        CheckRule(
            "GL-03",
            "非工作日记账",
            None,
            "过程",
            "财务监控有效性",
            "节假日、周末记账",
            "低",
            "明细账",
        ),
        CheckRule(
            "GL-04", "整数金额", None, "过程", "财务监控有效性", "大额整数金额支出", "低", "明细账"
        ),
        CheckRule(
            "GL-05",
            "疑似拆分支付",
            None,
            "过程",
            "财务监控有效性",
            "疑似拆分支付规避审批",
            "中",
            "明细账",
        ),
        CheckRule(
            "GL-06",
            "凭证借贷不平衡",
            None,
            "过程",
            "财务监控有效性",
            "记账凭证借贷不平衡",
            "中",
            "明细账",
        ),
        CheckRule(
            "GL-07",
            "首位数字分布异常",
            None,
            "过程",
            "财务监控有效性",
            "金额首位数字不符合本福特定律",
            "低",
            "明细账",
        ),
    )
}


def empty_flags() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rule": pd.Series(dtype="str"),
            "rule_name": pd.Series(dtype="str"),
            "reason": pd.Series(dtype="str"),
            "amount_fen": pd.Series(dtype="int64"),
            "unit": pd.Series(dtype="str"),
            "community": pd.Series(dtype="str"),
            "grant_type": pd.Series(dtype="str"),
            "date": pd.Series(dtype="datetime64[us]"),
            "voucher": pd.Series(dtype="str"),
            "source_file": pd.Series(dtype="str"),
            "source_sheet": pd.Series(dtype="str"),
            "source_row": pd.Series(dtype="Int64"),
        }
    )


def make_flags(rows: pd.DataFrame, rule: str, reason: pd.Series | str, amount_fen) -> pd.DataFrame:
    """Flagged rows in the standard shape, taking whatever context columns ``rows`` has."""
    info = RULES[rule]
    n = len(rows)
    if n == 0:
        return empty_flags()

    def take(name: str, dtype: str) -> pd.Series:
        if name in rows.columns:
            return rows[name].reset_index(drop=True).astype(dtype)
        return pd.Series(pd.NA, index=range(n), dtype=dtype)

    def aligned(values, dtype: str) -> pd.Series:
        # A Series built from ``rows`` is matched by label, anything else by position.
        if isinstance(values, pd.Series):
            if (
                values.index.is_unique
                and rows.index.is_unique
                and values.index.isin(rows.index).all()
                and len(values) == n
            ):
                values = values.reindex(rows.index)
            return values.reset_index(drop=True).astype(dtype)
        if np.isscalar(values):
            return pd.Series(values, index=range(n), dtype=dtype)
        return pd.Series(np.asarray(values)).astype(dtype)

    out = pd.DataFrame(
        {
            "rule": pd.Series(rule, index=range(n), dtype="str"),
            "rule_name": pd.Series(info.name, index=range(n), dtype="str"),
            "reason": aligned(reason, "str"),
            "amount_fen": aligned(amount_fen, "int64"),
            "unit": take("unit", "str"),
            "community": take("community", "str"),
            "grant_type": take("grant_type", "str"),
            "date": take("date", "datetime64[us]"),
            "voucher": take("voucher", "str"),
            "source_file": take("source_file", "str"),
            "source_sheet": take("source_sheet", "str"),
            "source_row": take("source_row", "Int64"),
        }
    )
    return out


def concat_flags(frames) -> pd.DataFrame:
    frames = [f for f in frames if f is not None and len(f)]
    if not frames:
        return empty_flags()
    return pd.concat([f.loc[:, list(FLAG_COLUMNS)] for f in frames], ignore_index=True)


# ---------------------------------------------------------------- text helpers (vectorised)


def yuan_text(fen) -> pd.Series:
    """Integer fen → "1,234,567.89" (exact: no float on the way)."""
    values = pd.Series(fen).astype("int64").reset_index(drop=True)
    whole = values.abs() // 100
    cents = (values.abs() % 100).astype("str").str.zfill(2)

    def group(g: pd.Series, higher: pd.Series) -> pd.Series:
        # A group of three digits is zero-padded only when a higher group precedes it.
        text = g.astype("str")
        return text.where(~(higher > 0), text.str.zfill(3))

    rest = whole // 1000
    text = group(whole % 1000, rest)
    # One pass per group of three digits (at most seven for int64), not per row.
    while bool((rest > 0).any()):
        higher = rest // 1000
        text = text.where(~(rest > 0), group(rest % 1000, higher) + "," + text)
        rest = higher
    sign = pd.Series(np.where(values < 0, "-", ""), dtype="str")
    return sign + text + "." + cents


def date_text(dates) -> pd.Series:
    """Dates → "2018年5月16日" (blank for missing)."""
    d = pd.Series(pd.to_datetime(pd.Series(dates).reset_index(drop=True)))
    text = (
        d.dt.year.astype("Int64").astype("str")
        + "年"
        + d.dt.month.astype("Int64").astype("str")
        + "月"
    )
    text = text + d.dt.day.astype("Int64").astype("str") + "日"
    return text.fillna("").astype("str")


def blank(series: pd.Series) -> pd.Series:
    """True where a text cell is missing or whitespace only."""
    return series.isna() | (series.astype("str").str.strip() == "")


def keyword_pattern(keywords) -> str | None:
    words = [str(k).strip() for k in keywords if str(k).strip()]
    return "|".join(re.escape(w) for w in words) if words else None


def contains_any(text: pd.Series, keywords) -> pd.Series:
    pattern = keyword_pattern(keywords)
    if pattern is None:
        return pd.Series(False, index=text.index)
    return text.astype("str").str.contains(pattern, regex=True).fillna(False).astype(bool)


def first_match(text: pd.Series, keywords) -> pd.Series:
    """The first keyword (by list order of appearance in the text) found in each cell, or NA."""
    pattern = keyword_pattern(keywords)
    if pattern is None:
        return pd.Series(pd.NA, index=text.index, dtype="str")
    return text.astype("str").str.extract(f"({pattern})", expand=False).astype("str")


def require_columns(frame: pd.DataFrame, columns, what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(
            f"{what}缺少列：{'、'.join(missing)}（应为规范化后的表，见 jixiao.schema）"
        )


def as_timestamp(value, name: str) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"参数 {name} 不是日期：{value!r}") from exc
    if pd.isna(stamp):
        raise ParameterError(f"参数 {name} 不能为空")
    return stamp.normalize()


# ---------------------------------------------------------------- units and communities

UNIT_SUFFIXES = ("社区居民委员会", "居民委员会", "居委会", "村民委员会", "村委会")


_PAIRS_PER_BLOCK = 1 << 20  # unit × community tests per numpy call (bounded memory)


def _containing_pairs(units: pd.Series, names: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(unit, name) positions where the unit's text contains the name: every distinct pair
    tested once, in numpy's C loop, a block of units at a time."""
    unit_text = units.to_numpy(dtype=str)
    name_text = names.to_numpy(dtype=str)
    if not len(unit_text) or not len(name_text):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    step = max(1, _PAIRS_PER_BLOCK // len(name_text))
    found = []
    for start in range(0, len(unit_text), step):
        block = unit_text[start : start + step]
        hit = np.char.find(block[:, None], name_text[None, :]) >= 0
        rows, cols = np.nonzero(hit)
        found.append((rows + start, cols))
    return np.concatenate([r for r, _ in found]), np.concatenate([c for _, c in found])


def community_map(units, allocations: pd.DataFrame) -> pd.DataFrame:
    """Which community each ledger unit belongs to.

    A ledger unit is the community's 居委会 ("浏河社区居民委员会"), the allocation names the
    community ("浏河社区") and maybe the recipient unit. A unit matches when it equals the
    recipient unit, else when it contains the community name; the longest name wins so that a
    short name inside a longer one cannot steal the match. Work is over unique unit × community
    pairs, never over ledger rows.
    """
    unit_values = pd.Series(pd.unique(pd.Series(units, dtype="str").dropna()), dtype="str")
    result = pd.DataFrame(
        {"unit": unit_values, "community": pd.Series(pd.NA, index=unit_values.index, dtype="str")}
    )
    if allocations is None or allocations.empty or unit_values.empty:
        return result
    communities = pd.Series(pd.unique(allocations["community"].dropna().astype("str")), dtype="str")

    if "recipient_unit" in allocations.columns:
        direct = (
            allocations.loc[~blank(allocations["recipient_unit"]), ["recipient_unit", "community"]]
            .drop_duplicates("recipient_unit")
            .set_index("recipient_unit")["community"]
        )
        result["community"] = result["unit"].map(direct).astype("str")

    unit_index, community_index = _containing_pairs(unit_values, communities)
    pairs = pd.DataFrame(
        {
            "unit": unit_values.to_numpy()[unit_index],
            "candidate": communities.to_numpy()[community_index],
        }
    ).assign(length=lambda f: f["candidate"].str.len())
    best = pairs.sort_values(
        ["unit", "length", "candidate"], ascending=[True, False, True], kind="stable"
    )
    best = best.drop_duplicates("unit").set_index("unit")["candidate"]
    result["community"] = (
        result["community"].fillna(result["unit"].map(best).astype("str")).astype("str")
    )
    return result


def with_community(ledger: pd.DataFrame, allocations: pd.DataFrame | None) -> pd.DataFrame:
    """The ledger with a ``community`` column (kept as it is if already present)."""
    if "community" in ledger.columns:
        return ledger
    if allocations is None:
        return ledger.assign(community=pd.Series(pd.NA, index=ledger.index, dtype="str"))
    # Each distinct unit is matched once; the rows take their unit's community by code.
    codes, uniques = pd.factorize(ledger["unit"], use_na_sentinel=True)
    mapping = community_map(pd.Series(uniques, dtype="str"), allocations)
    per_unique = (
        mapping.set_index("unit")["community"].reindex(pd.Index(uniques, dtype="str")).to_numpy()
    )
    community = np.where(codes >= 0, per_unique[np.maximum(codes, 0)], None)
    return ledger.assign(community=pd.Series(community, index=ledger.index, dtype="str"))


def map_distinct(values: pd.Series, lookup) -> pd.Series:
    """``values`` mapped through ``lookup`` (a dict or Series, missing → NA) once per distinct
    value, spread back by position: a ledger has a few hundred distinct keys over its lines."""
    positions, distinct = pd.factorize(values, use_na_sentinel=True)
    mapped = pd.Series(distinct, dtype="str").map(lookup).astype("str").to_numpy(dtype=object)
    spread = np.full(len(positions), None, dtype=object)
    known = positions >= 0
    spread[known] = mapped[positions[known]]
    return pd.Series(spread, index=values.index, dtype="str")


def grant_type_of_project(project: pd.Series, grant_types) -> pd.Series:
    """Map the ledger's 项目 aux text to a grant type: exact name, or one name containing the other.

    Looked up over unique project texts only.
    """
    grant_types = [str(g) for g in grant_types]
    positions, distinct = pd.factorize(project, use_na_sentinel=True)
    texts = pd.Series(distinct, dtype="str").str.strip()
    uniques = pd.Series(pd.unique(texts.dropna()), dtype="str")
    lookup: dict[str, str] = {}
    for g in sorted(grant_types, key=len, reverse=True):  # a handful of grant types
        exact = uniques == g
        inside = np.char.find(g, uniques.to_numpy(dtype=str)) >= 0  # the text inside the name
        loose = uniques.str.contains(g, regex=False) | (pd.Series(inside) & (uniques != ""))
        for p in uniques[exact | loose]:
            lookup.setdefault(p, g)
    per_distinct = texts.map(lookup).astype("str").to_numpy(dtype=object)
    spread = np.full(len(positions), None, dtype=object)
    known = positions >= 0
    spread[known] = per_distinct[positions[known]]
    return pd.Series(spread, index=project.index, dtype="str")


def resolve_grant_type(
    ledger: pd.DataFrame, allocations: pd.DataFrame | None, grant_types, project_prefixes
) -> pd.Series:
    """The grant type each ledger line belongs to, or NA.

    From the 项目 aux first; a line on a project account (``project_prefixes``, e.g. 400102 /
    500102) with the aux left blank is attributed to the community's grant type when the
    community received only one type, since then there is nothing to confuse it with.
    """
    project = (
        ledger["project"]
        if "project" in ledger.columns
        else pd.Series(pd.NA, index=ledger.index, dtype="str")
    )
    resolved = grant_type_of_project(project, grant_types)
    if allocations is None or allocations.empty or "community" not in ledger.columns:
        return resolved
    types = allocations.groupby("community", sort=True)["grant_type"].agg(["nunique", "first"])
    single = types.loc[types["nunique"] == 1, "first"].astype("str")
    fallback = map_distinct(ledger["community"], single)
    on_project_account = on_accounts(ledger, project_prefixes)
    return resolved.where(resolved.notna() | ~on_project_account, fallback).astype("str")
