"""The evaluation report as plain data: the blocks of ``report.docx`` in the 参考提纲 outline.

:func:`build_report` reads the year's processed tables, ``score.json``, the project profile and
the editable report text (``templates/report_text.toml``, overridden key by key by
``data/raw/<year>/report_text.toml``) and returns a :class:`ReportModel` — headings, paragraphs,
tables and figures, none of them styled. Finding codes (SEP-01-…) appear only in the annexes;
the body refers to an item as 见附件2第3项.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from jixiao import case, paths, processed
from jixiao.finding_categories import CATEGORIES
from jixiao.findings import OBSERVATION_RULE, reported_findings
from jixiao.metrics import read_metrics
from jixiao.project_profile import ProjectProfile, year_profile

from ._blocks import Block
from ._citations import Citations, read_citations
from ._report_tables import NO_CITATIONS, annex_blocks, number, percent
from ._summary import summary_blocks
from .recommendations import recommendations
from .sections import basic_situation, read_score, wan_yuan

REPORT_TEXT = paths.PACKAGE_DIR / "templates" / "report_text.toml"
REPORT_TEXT_FILE = "report_text.toml"
CHINESE_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class ReportModel:
    year: int
    title: str
    cover: tuple[Block, ...]
    body: tuple[Block, ...]
    signature: tuple[Block, ...]
    annexes: tuple[Block, ...]
    total: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    # report.html: the published summary's shape (基本情况, 项目成效, 主要问题, 工作建议) with the
    # 评分表 and 问题清单 annexes, made of the same blocks as the body and annexes above.
    summary: tuple[Block, ...] = field(default_factory=tuple)

    @property
    def blocks(self) -> tuple[Block, ...]:
        return self.cover + self.body + self.signature + self.annexes


class _Fill(dict):
    """Placeholders a template uses but the data does not have stay visible as {name}."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def load_report_text(year: int | str | None = None, path: Path | None = None) -> dict:
    """The report's editable text: the shipped template, then the year's overrides."""
    text = tomllib.loads(Path(path or REPORT_TEXT).read_text(encoding="utf-8"))
    if year is not None:
        override = paths.raw_dir(year) / REPORT_TEXT_FILE
        if override.is_file():
            for section, values in tomllib.loads(override.read_text(encoding="utf-8")).items():
                text.setdefault(section, {}).update(values)
    return text


def _date(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def _facts(profile: ProjectProfile, score: dict, year: int) -> _Fill:
    period = (
        f"{_date(profile.period_start)}至{_date(profile.period_end)}"
        if profile.period_start and profile.period_end
        else f"{year}年度"
    )
    dims = [d["dimension"] for d in score["dimensions"]]
    return _Fill(
        year=year,
        project=profile.name,
        # "2017年…项目" unless the project's name already carries its year (…2020年…资金)
        year_project=profile.name if f"{year}年" in profile.name else f"{year}年{profile.name}",
        commissioner=profile.commissioner,
        evaluator=profile.evaluator,
        lead_evaluator=profile.lead_evaluator or "＿＿＿＿＿＿",
        team="、".join(profile.team) or "＿＿＿＿＿＿",
        dimensions="、".join(dims),
        dimension_count=len(dims),
        max_total=number(score.get("max_total")),
        total=number(score.get("total")),
        grade=score.get("grade") or "（评分不完整）",
        period=period,
        reference_date=_date(profile.reference_date) or "（未载明）",
        report_date=_date(profile.report_date) or "    年  月  日",
    )


def _p(text: str, style: str = "") -> Block:
    return Block("paragraph", text=text, style=style)


def _h(text: str, level: int) -> Block:
    return Block("heading", text=text, level=level)


def annex_item_numbers(register: pd.DataFrame) -> dict[str, int]:
    """Finding id → its item number in 附件2 问题清单 (register order)."""
    return {str(fid): i for i, fid in enumerate(register["finding_id"].astype(str), start=1)}


def cross_reference(finding_ids, items: dict[str, int]) -> str:
    numbers = sorted({items[f] for f in finding_ids if f in items})
    return f"见附件2第{'、'.join(map(str, numbers))}项" if numbers else ""


def without_codes(text: str, items: dict[str, int]) -> str:
    """Finding codes an evaluator typed into prose (…（OBS-04）…) become 见附件2第N项."""
    for fid in sorted(items, key=len, reverse=True):
        if fid in text:
            text = text.replace(fid, cross_reference([fid], items))
    return text


def _indicator_paragraph(ind: dict, items: dict[str, int], cite: Citations = NO_CITATIONS) -> str:
    name = ind["levels"][2] or ind["levels"][1]
    text = f"{name}：分值{number(ind['weight'])}分，得{number(ind['score'])}分（{ind['method_label']}）。"
    for m in ind["metrics"]:
        shown = (
            percent(m["value"]) if m["metric"].endswith(("_rate", "_limit")) else number(m["value"])
        )
        text += f"{m['label'] or m['metric']}为{shown}。"
    if ind["method"] == "judgement" and ind.get("judgement_reason"):
        text += f"评价组判断理由：{without_codes(ind['judgement_reason'], items)}"
        text += "" if text.endswith("。") else "。"
    cited = [m["metric"] for m in ind["metrics"]]
    if ind["deduction"] and ind["linked_findings"]:
        text += f"相关问题{cross_reference(ind['linked_findings'], items)}。"
        cited.append("findings")
    return text + cite.for_metrics(cited)


def _double_deductions(score: dict) -> dict[tuple[str, ...], list[str]]:
    """Possible 重复扣分 as the scoring listed them (score.json ``double_deductions``: the
    indicator workbook's 共用问题扣分 already taken into account), as (indicator names) →
    finding ids."""
    return {
        tuple(group["names"]): list(group["finding_ids"])
        for group in score.get("double_deductions", [])
    }


# A data finding's own description is quoted in the body when it is short (a unit's late grants
# with their dates, an unspent balance): at most this many reasons and characters; a longer one
# (dozens of flagged lines) is summarised by its title and amount, the detail staying in 附件2.
SHORT_REASONS = 3
SHORT_DESCRIPTION = 400
OTHER_CATEGORY = "其他"


def _finding_line(row, items: dict[str, int]) -> str:
    ref = cross_reference([row.finding_id], items)
    if row.rule == OBSERVATION_RULE:
        described = without_codes(str(row.description), items)
        return f"{described}（证据来源：{row.evidence_source}；{ref}）"
    units = f"{row.units}：" if isinstance(row.units, str) and row.units else ""
    description = without_codes(str(row.description or ""), items).strip()
    if (
        description
        and description.count("。") <= SHORT_REASONS
        and len(description) <= SHORT_DESCRIPTION
    ):
        return f"{units}{row.title}。{description.rstrip('。')}（{ref}）。"
    amount = (
        f"，涉及金额{wan_yuan(int(row.amount_fen))}万元"
        if pd.notna(row.amount_fen) and int(row.amount_fen)
        else ""
    )
    return f"{units}{row.title}{amount}（{ref}）。"


def recommendation_blocks(advice: pd.DataFrame, items: dict[str, int], text: dict) -> list[Block]:
    """有关建议: one numbered paragraph per recommendation, citing its findings as 附件2 items."""
    if advice.empty:
        return [_p(text["recommendations"]["none"])]
    return [
        _p(
            f"{n}．{row.建议}。{row.内容}（针对问题{cross_reference(str(row.依据问题).split('、'), items)}）"
        )
        for n, row in enumerate(advice.itertuples(), start=1)
    ]


def _problem_blocks(register: pd.DataFrame, items: dict[str, int], text: dict) -> list[Block]:
    """存在的问题: the findings the report states, one numbered group per finding category in
    the vocabulary's order (observations typed without a category last, as 其他); analytical
    red flags are only pointed to (they are in 附件2)."""
    reported = reported_findings(register) if not register.empty else pd.Series(dtype=bool)
    if not reported.any():
        blocks = [_p(text["problems"]["none"])]
    else:
        blocks = [_p(text["problems"]["intro"])]
        shown = register[reported]
        category = shown["category"].fillna("").astype(str).replace("", OTHER_CATEGORY)
        order = [c for c in (*CATEGORIES, OTHER_CATEGORY) if (category == c).any()]
        for n, name in enumerate(order, start=1):
            group = shown[category == name]
            titles = list(dict.fromkeys(group["title"].astype(str).str.split("：").str[0]))
            blocks.append(_h(f"{n}．{name}方面：{'；'.join(titles)}", 3))
            blocks += [_p(_finding_line(row, items)) for row in group.itertuples()]
    if not register.empty and not reported.all():
        blocks.append(_p(text["problems"]["others"]))
    return blocks


# Sentences the sampling step states in its metrics' evidence, quoted in this order.
SAMPLING_SENTENCES = ("sampling_population_amount", "voucher_projected_misstatement")


def _sampling_sentences(year: int) -> list[str]:
    frame = read_metrics(year)
    evidence = dict(zip(frame["metric"], frame["evidence"].fillna(""), strict=True))
    return [str(evidence[m]).rstrip("。") for m in SAMPLING_SENTENCES if evidence.get(m)]


def _sampling_text(year: int) -> str:
    strata = processed.read_optional_table(year, "sampling_strata")
    parts = _sampling_sentences(year)
    if strata is not None and not strata.empty:
        picked, total = int(strata["selected_items"].sum()), int(strata["population_items"].sum())
        cover = strata["selected_fen"].sum() / max(strata["population_fen"].sum(), 1)
        parts.append(
            f"支出抽样按核算单位分{len(strata)}层，总体{total}笔，选取{picked}笔，"
            f"金额覆盖率{percent(cover)}"
        )
    coverage = processed.read_optional_table(year, "survey_coverage")
    if coverage is not None and not coverage.empty:
        groups = "、".join(
            f"{r.group}{int(r.achieved)}份（计划{int(r.planned)}份）" for r in coverage.itertuples()
        )
        parts.append(f"问卷调查回收有效问卷：{groups}")
    return "；".join(parts) + "。" if parts else ""


def _limitations(
    year: int, score: dict, text: dict, facts: _Fill, items: dict[str, int]
) -> list[Block]:
    blocks = []
    for m in score.get("missing_metrics", []):
        blocks.append(_p(f"未取得指标数据：{m['message']}"))
    coverage = processed.read_optional_table(year, "survey_coverage")
    if coverage is not None:
        for row in coverage.itertuples():
            if not bool(row.sufficient):
                blocks.append(_p(f"样本量：{row.statement}。"))
    lost = {"computed": 0.0, "judgement": 0.0}
    for ind in score["indicators"]:
        # Deductions for the team's own observations are typed points, like judgements.
        team_set = float(ind.get("team_set_loss", 0) or 0)
        lost["judgement"] += team_set
        lost["computed"] += float(ind["deduction"] or 0) - team_set
    if sum(lost.values()):
        blocks.append(
            _p(
                text["other"]["judgement_share"].format_map(
                    _Fill(
                        facts,
                        lost=number(sum(lost.values())),
                        computed_lost=number(lost["computed"]),
                        judgement_lost=number(lost["judgement"]),
                    )
                )
            )
        )
    for names, fids in _double_deductions(score).items():
        blocks.append(
            _p(
                f"可能的重复扣分：同一问题（{cross_reference(fids, items)}）"
                f"在{'、'.join(names)}{len(names)}项指标下均有扣分，请评价组确认是否有意分别扣分。"
            )
        )
    if case.declares_reconstructed_case(paths.raw_dir(year)):
        blocks.append(_p(text["other"]["reconstruction"].format_map(facts)))
    return blocks or [_p(text["other"]["no_limitation"])]


def build_report(
    year: int | str,
    *,
    output_dir: Path | None = None,
    profile: ProjectProfile | None = None,
    text: dict | None = None,
) -> ReportModel:
    """The whole report for ``year`` from processed tables, score.json and the profile."""
    year = int(year)
    out = processed.output_folder(year, output_dir)
    score = read_score(out / "score.json")
    profile = profile or year_profile(year)
    text = text or load_report_text(year)
    facts = _facts(profile, score, year)
    register = processed.read_table(year, "findings")
    items = annex_item_numbers(register)
    cite = read_citations(year, out)
    t = {k: (v.format_map(facts) if isinstance(v, str) else v) for k, v in text["cover"].items()}
    cover = (
        Block("paragraph", text=t["title"], style="cover_title"),
        _p(t["commissioner_line"], "cover_line"),
        _p(t["evaluator_line"], "cover_line"),
        _p(t["date_line"], "cover_line"),
        Block("page_break"),
    )
    outputs = processed.read_table(year, "outputs")
    body: list[Block] = [Block("heading", text=t["title"], style="title")]
    body.append(_p(text["preface"]["text"].format_map(facts)))
    body += [_h("一、基本情况", 1), _h("（一）项目概况", 2)]
    allocations = processed.read_table(year, "allocations")
    body.append(_p(basic_situation(allocations, year, profile.community_header, escape=str)))
    body.append(_h("（二）项目绩效目标", 2))
    body.append(_p(text["basic"]["targets_intro"].format_map(facts)))
    for row in outputs.itertuples():
        body.append(_p(f"{row.indicator}：计划{number(row.planned)}{row.measure_unit}。"))
    w = {k: v.format_map(facts) for k, v in text["work"].items()}
    body += [
        _h("二、绩效评价工作开展情况", 1),
        _h("（一）绩效评价目的、对象和范围", 2),
        _p(w["purpose"]),
        _p(w["scope"]),
        _h("（二）绩效评价原则、评价指标体系、评价方法、评价标准", 2),
        _p(w["principles"]),
        _p(w["indicator_system"]),
        _p(w["methods"]),
        _p(w["standards"]),
        _h("（三）绩效评价工作过程", 2),
        _p(w["process"] + (f"评价组成员：{facts['team']}。" if profile.team else "")),
        _p(w["sampling"] + _sampling_text(year) + cite("抽样清单", "抽样评价", "样本量检查")),
    ]
    body += [_h("三、综合评价情况及评价结论", 1)]
    body.append(
        _p(
            f"项目综合得分{facts['total']}分，评价等级为“{facts['grade']}”。其中"
            + "，".join(
                f"{d['dimension']}{number(d['score'])}分（满分{number(d['weight'])}分）"
                for d in score["dimensions"]
            )
            + "。"
            + text["conclusion"]["annex_note"].format_map(facts)
            + cite("评分表")
        )
    )
    body.append(_h("四、绩效评价指标分析", 1))
    for n, dim in enumerate(score["dimensions"]):
        body.append(_h(f"（{CHINESE_NUMERALS[n]}）{dim['dimension']}指标分析", 2))
        for ind in score["indicators"]:
            if ind["levels"][0] == dim["dimension"]:
                body.append(_p(_indicator_paragraph(ind, items, cite)))
    body += [_h("五、主要经验及做法、存在的问题及原因分析", 1), _h("（一）主要经验及做法", 2)]
    body += [_p(p.format_map(facts)) for p in text["experience"]["paragraphs"]]
    body.append(_h("（二）存在的问题及原因分析", 2))
    body += _problem_blocks(register, items, text)
    body.append(_h("六、有关建议", 1))
    body += recommendation_blocks(recommendations(register, year=year), items, text)
    body.append(_h("七、其他需要说明的问题", 1))
    body += _limitations(year, score, text, facts, items)
    s = {k: v.format_map(facts) for k, v in text["signature"].items()}
    signature = tuple(_p(s[k], "signature") for k in ("lead_evaluator", "team", "firm", "date"))
    place = profile.community_header
    annexes = annex_blocks(year, score, register, out / "figures", cite, place)
    return ReportModel(
        year=year,
        title=t["title"],
        cover=cover,
        body=tuple(body),
        signature=signature,
        annexes=tuple(annexes),
        total=score.get("total"),
        summary=summary_blocks(year, t["title"], body, annexes, out, place),
    )
