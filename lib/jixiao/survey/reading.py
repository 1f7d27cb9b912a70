"""What the survey step hands on: the metrics scoring consumes and the results in words.

``satisfaction_metrics`` gives ``satisfaction_rate`` and its companions with their evidence;
``results_reading`` the Chinese Markdown reading, every figure computed from the answers.
"""

from __future__ import annotations

import pandas as pd

from jixiao.untrusted import escape_markdown as md

from ..errors import InputError
from ..metrics import Metric
from ..schema import LIKERT_LEVELS
from ._common import STEP, _check_levels, _codes, _level_labels, _pct, _pct_tidy
from .clusters import CLUSTER_METHOD, cluster_satisfaction
from .design import response_coverage
from .estimators import DEFAULT_SATISFIED, METHODS, satisfaction, weighted_index

# Metric names for the per-group rates, in schema.RESPONDENT_GROUPS order.
GROUP_METRICS = {
    "居民": "satisfaction_rate_residents",
    "社区工作者": "satisfaction_rate_workers",
    "社会组织": "satisfaction_rate_organisations",
}


def satisfaction_metrics(
    answers: pd.DataFrame,
    *,
    satisfied_levels=DEFAULT_SATISFIED,
    confidence: float = 0.95,
    method: str = "wilson",
    weights: dict[int, float] | None = None,
    scale: dict[str, int] = LIKERT_LEVELS,
    service_groups=None,
) -> list[Metric]:
    """``satisfaction_rate`` (fraction 0–1, all items), per-group rates and the weighted index.

    ``service_groups``: the respondent groups counted as 服务对象 for ``satisfaction_rate``
    (None or empty: every group), so that implementers rating their own work can be left out.
    """
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

    def evidence(row, who: str, respondents) -> str:
        return (
            f"{who}有效答案 {row.n_valid} 个，其中{level_text} {row.n_satisfied} 个，满意率 {row.rate * 100:.2f}%"
            f"（{confidence * 100:g}% {METHODS[method]} {row.lower * 100:.2f}%–{row.upper * 100:.2f}%）；{reverse_note}"
            "区间按答案相互独立计算，同一受访者的答案相关，实际不确定性更大"
            + _cluster_evidence(respondents, confidence)
        )

    if answers.empty:
        raise InputError("问卷没有有效答案，无法计算满意度（请查看剔除记录）")
    rated, who = service_answers(answers, service_groups)
    overall = satisfaction(
        rated, satisfied_levels=satisfied_levels, confidence=confidence, method=method
    )
    row = next(overall.itertuples(index=False))
    clustered = cluster_satisfaction(
        rated, satisfied_levels=satisfied_levels, confidence=confidence
    )
    metrics = [
        Metric(
            "satisfaction_rate",
            float(row.rate),
            "社会公众或服务对象满意度",
            STEP,
            evidence(row, who, clustered.iloc[0]),
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
        group_clusters = cluster_satisfaction(
            answers, "group", satisfied_levels=satisfied_levels, confidence=confidence
        ).set_index("group")
        for row in per_group.itertuples(index=False):
            if row.group in GROUP_METRICS:
                metrics.append(
                    Metric(
                        GROUP_METRICS[row.group],
                        float(row.rate),
                        f"{row.group}满意度",
                        STEP,
                        evidence(row, row.group, group_clusters.loc[row.group]),
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


def service_answers(answers: pd.DataFrame, service_groups=None) -> tuple[pd.DataFrame, str]:
    """The answers of the groups counted as 服务对象, and how to name them in a sentence."""
    if not service_groups:
        return answers, "全部受访者"
    chosen = [str(g) for g in service_groups]
    unknown = sorted(set(chosen) - set(answers["group"].astype(str)))
    if unknown:
        raise InputError(
            f"计入服务对象满意度的受访者类别 {'、'.join(unknown)} 在问卷中没有有效答案；"
            f"问卷中的类别为 {'、'.join(sorted(answers['group'].astype(str).unique()))}"
        )
    return answers[answers["group"].astype(str).isin(chosen)], "、".join(chosen)


def _cluster_evidence(row, confidence: float) -> str:
    if pd.isna(row["cluster_lower"]):
        return ""
    deff = f"，设计效应 {row['design_effect']:.2f}" if pd.notna(row["design_effect"]) else ""
    return (
        f"；{CLUSTER_METHOD}：受访者 {int(row['n_respondents'])} 人{deff}，"
        f"{confidence * 100:g}% 区间 {row['cluster_lower'] * 100:.2f}%–{row['cluster_upper'] * 100:.2f}%"
    )


def _interval_text(row, confidence: float, method: str) -> str:
    return (
        f"{confidence * 100:g}% 置信区间 {_pct(row.lower)}–{_pct(row.upper)}（{METHODS[method]}）"
    )


def _cluster_interval_text(row, confidence: float) -> str:
    if pd.isna(row["cluster_lower"]):
        return ""
    return f"（{confidence * 100:g}% 区间 {_pct(row['cluster_lower'])}–{_pct(row['cluster_upper'])}，按受访者计算）"


def _cluster_sentence(row, confidence: float) -> str:
    if pd.isna(row["cluster_lower"]):
        return ""
    deff = row["design_effect"]
    effect = (
        f"设计效应 {deff:.2f}，{int(row['n_valid']):,} 个答案约相当于 {row['effective_n']:,.0f} 个独立答案；"
        if pd.notna(deff)
        else ""
    )
    return (
        "以受访者为抽样单位（比率估计、整群线性化方差）计算，"
        f"{int(row['n_respondents']):,} 名受访者的满意率"
        f" {confidence * 100:g}% 置信区间为 **{_pct(row['cluster_lower'])}–{_pct(row['cluster_upper'])}**"
        f"（{effect}评价结论以这一区间为准）。"
    )


def _group_cluster_text(table: pd.DataFrame, group) -> str:
    if group not in table.index or pd.isna(table.loc[group, "cluster_lower"]):
        return ""
    row = table.loc[group]
    return f"；按受访者计算 {_pct(row['cluster_lower'])}–{_pct(row['cluster_upper'])}，误差约 ±{_pct(row['cluster_margin'])}"


def _join(parts: list[str]) -> str:
    return "、".join(parts)


def _names(values) -> str:
    """Names from the raw files (groups, places), escaped for the Markdown the reading is."""
    return _join([md(str(v)) for v in values])


def results_reading(
    answers: pd.DataFrame,
    plan: pd.DataFrame,
    *,
    satisfied_levels=DEFAULT_SATISFIED,
    confidence: float = 0.95,
    method: str = "wilson",
    margin: float = 0.05,
    scale: dict[str, int] = LIKERT_LEVELS,
    service_groups=None,
    place: str = "社区",
) -> str:
    """The survey's results in Chinese Markdown, every figure computed here from ``answers``.

    Overall satisfaction with its interval and method; each respondent group; the groups
    short of the planned sample or of the sample the stated ``margin`` needs; the communities
    whose interval is wider than the margin or lies wholly below the overall rate; and what
    the overall rate means for the 社会公众或服务对象满意度 indicator. Each interval is given
    over answers (``method``) and over respondents (the cluster interval, which the indicator
    should be read against). ``service_groups`` as in ``satisfaction_metrics``.
    ``answers`` are ``validate_responses(...).answers``, ``plan`` the 抽样计划 sheet; ``place``
    is the profile's word for the place column (社区, 乡镇, 村 …).
    """
    if answers.empty:
        raise InputError("问卷没有有效答案，无法解读满意度（请查看剔除记录）")
    settings = dict(satisfied_levels=satisfied_levels, confidence=confidence, method=method)
    labels = _level_labels(scale)
    level_text = "或".join(
        f"“{labels.get(int(c), str(c))}”" for c in _check_levels(satisfied_levels)
    )
    overall = next(satisfaction(answers, **settings).itertuples(index=False))
    clustered = cluster_satisfaction(
        answers, satisfied_levels=satisfied_levels, confidence=confidence
    ).iloc[0]
    group_clusters = cluster_satisfaction(
        answers, "group", satisfied_levels=satisfied_levels, confidence=confidence
    ).set_index("group")
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
        "实际不确定性比区间显示的更大。" + _cluster_sentence(clustered, confidence)
    )
    lines.append("")

    achieved = coverage.set_index("group")["achieved"]
    lines.append("**各类受访者。**")
    lines.append("")
    for row in groups.itertuples(index=False):
        count = f"，问卷 {int(achieved[row.group])} 份" if row.group in achieved.index else ""
        lines.append(
            f"- {md(str(row.group))}：满意率 {_pct(row.rate)}（{_pct(row.lower)}–{_pct(row.upper)}，有效答案 {row.n_valid:,} 个{count}）"
            + _group_cluster_text(group_clusters, row.group)
        )
    for row in coverage.itertuples(index=False):
        if row.achieved == 0:
            lines.append(f"- {md(str(row.group))}：没有有效答案，无法评价这类受访者的满意度")
    below = groups[groups["upper"] < overall.rate]
    if len(below):
        lines.append("")
        lines.append(
            f"{_names(below['group'])}的满意率区间上限低于总体满意率 {_pct(overall.rate)}，明显低于总体水平。"
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
                    f"{md(str(r.group))}（实际 {r.achieved} 份 / 计划 {r.planned} 份，完成 {_pct(r.completion)}）"
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
                    f"{md(str(r.group))}（实际 {r.achieved} 份，所需 {r.required} 份"
                    + (f"，实际误差约 ±{_pct(r.achieved_margin)}）" if r.achieved else "）")
                    for r in short_of_margin.itertuples(index=False)
                ]
            )
            + "。"
        )
    else:
        lines.append(f"- 各类受访者的样本均达到 ±{stated} 误差所需的样本量。")
    lines.append(
        "- 以上所需样本量和实际误差按受访者人数、p = 0.5 的最保守假设计算，用于判断样本是否够用；"
        "按实际满意率和受访者计算的区间见上文。"
    )
    unplanned = coverage[coverage["population"].isna()]
    if len(unplanned):
        lines.append(
            f"- 抽样计划未列出的受访者类别：{_names(unplanned['group'])}，无法判断其代表性。"
        )
    lines.append("")

    lowest = communities.sort_values(["rate", "community"], kind="stable").iloc[0]
    highest = communities.sort_values(
        ["rate", "community"], ascending=[False, True], kind="stable"
    ).iloc[0]
    wide = communities[communities["margin"] > margin]
    low = communities[communities["upper"] < overall.rate]
    lines.append(
        f"**各{md(place)}。** {len(communities)} 个{md(place)}的满意率在 {_pct(lowest['rate'])}（{md(str(lowest['community']))}）至 "
        f"{_pct(highest['rate'])}（{md(str(highest['community']))}）之间，每个{place}有效答案 {int(communities['n_valid'].min())}–"
        f"{int(communities['n_valid'].max())} 个。"
    )
    if len(wide):
        lines.append(
            f"区间半宽超过 ±{stated} 的{place} {len(wide)} 个（{_names(wide['community'])}）："
            f"这些{place}样本少，{place}之间的高低只能作参考，不宜据此排名或问责。"
        )
    else:
        lines.append(f"各{place}的区间半宽都在 ±{stated} 以内。")
    if len(low):
        lines.append(
            f"满意率区间整体低于总体满意率的{place}：{_names(low['community'])}，建议结合电话访谈和实地调研了解原因。"
        )
    else:
        lines.append(f"没有{place}的满意率区间整体低于总体满意率。")
    lines.append("")

    meaning = (
        f"**对满意度指标的含义。** 评分步骤以总体满意率 {_pct(overall.rate)}（`satisfaction_rate`）为"
        f"“社会公众或服务对象满意度”指标计分。按 {confidence * 100:g}% 置信水平，真实满意率大致在 "
        f"{_pct(overall.lower)}–{_pct(overall.upper)} 之间"
        + (
            f"（按答案计算；按受访者计算为 {_pct(clustered['cluster_lower'])}–{_pct(clustered['cluster_upper'])}，以后者为准）"
            if pd.notna(clustered["cluster_lower"])
            else ""
        )
        + "：指标体系的分档界限若落在这一区间内，得分会随抽样误差变化，应在评分理由中说明。"
    )
    if service_groups:
        rated, who = service_answers(answers, service_groups)
        served = cluster_satisfaction(
            rated, satisfied_levels=satisfied_levels, confidence=confidence
        ).iloc[0]
        meaning += (
            f"本次评价只把{who}计为服务对象：其 {int(served['n_respondents'])} 名受访者的满意率为 "
            f"{_pct(served['rate'])}{_cluster_interval_text(served, confidence)}，"
            "评分以此为“社会公众或服务对象满意度”的实际值。"
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
            f"{_names(short_of_margin['group'])}的样本未达到 ±{stated} 误差所需的样本量，"
            "满意度结论的代表性有限，评价报告应如实说明。"
        )
    lines.append(meaning)
    return "\n".join(lines) + "\n"
