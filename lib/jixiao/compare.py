"""Comparing evaluation years: score by dimension, fund arrival, satisfaction and findings.

Each year's run (``jixiao run --year <year>``) leaves ``reports/<year>/score.json`` and the
derived tables in ``data/processed/<year>/``. This module reads those outputs for several
years (I/O only in the ``load_*`` functions), lays them side by side in frames with Chinese
headers, and draws the comparison charts. "Change" always means the latest year minus the
earliest one.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import metrics as metrics_io
from . import paths
from .errors import InputError, ParameterError
from .export import Sheet, fen_to_yuan

SATISFACTION_TABLES = ("survey_satisfaction_overall", "survey_satisfaction_group")
REQUIRED_TABLES = (*SATISFACTION_TABLES, "findings", "arrival_grants")
ALL_RESPONDENTS = "全部受访者"
TOTAL_ROW = "合计"
UNKNOWN_DIMENSION = "未标明"
# Earlier years lighter, the latest year darkest; cycled when more years are compared.
YEAR_COLOURS = ("#9db4d3", "#2f5d9a", "#c0504d", "#8064a2", "#4bacc6", "#f79646")

ARRIVAL_PERCENT = ("资金到位率", "到位及时率")
ARRIVAL_MONEY = ("下达金额（元）", "到位金额（元）", "未按时到位金额（元）")
SATISFACTION_PERCENT = ("满意率", "区间下限", "区间上限")


@dataclass(frozen=True)
class YearSummary:
    """What one year's run left behind, as read from its output folders."""

    year: int
    score: dict  # score.json as written by jixiao.scoring
    metrics: pd.DataFrame  # metric, value, label, source, evidence
    satisfaction: pd.DataFrame  # group, n_valid, n_satisfied, rate, lower, upper (全部受访者 first)
    findings: pd.DataFrame  # the findings register
    grants: pd.DataFrame  # arrival_grants: one row per grant with due / on-time / late fen
    confidence: float | None = (
        None  # the survey step's confidence level, when the manifest records it
    )
    interval_method: str | None = None


# --------------------------------------------------------------------------- loading (I/O edge)


def _year_dirs(
    year: int, processed_dir: Path | None, reports_dir: Path | None
) -> tuple[Path, Path]:
    return (
        Path(processed_dir) if processed_dir is not None else paths.processed_dir(year),
        Path(reports_dir) if reports_dir is not None else paths.reports_dir(year),
    )


def missing_outputs(
    year: int, *, processed_dir: Path | None = None, reports_dir: Path | None = None
) -> list[Path]:
    """The files a comparison needs that the year's run has not (yet) written."""
    processed, reports = _year_dirs(year, processed_dir, reports_dir)
    needed = [reports / "score.json", *(processed / f"{name}.parquet" for name in REQUIRED_TABLES)]
    missing = [file for file in needed if not file.is_file()]
    metrics_folder = processed / "metrics"
    if not (metrics_folder.is_dir() and any(metrics_folder.glob("*.json"))):
        missing.append(metrics_folder / "*.json")
    return missing


def _missing_message(year: int, missing: Sequence[Path]) -> str:
    listed = "、".join(str(file) for file in missing)
    return f"{year}年的评价结果不全（缺少 {listed}）：请先运行 `jixiao run --year {year}`。"


def _survey_settings(reports: Path) -> tuple[float | None, str | None]:
    manifest = reports / "manifest.json"
    if not manifest.is_file():
        return None, None
    parameters = json.loads(manifest.read_text(encoding="utf-8")).get("parameters", {})
    survey = next((p for name, p in sorted(parameters.items()) if "survey" in name), {})
    confidence = survey.get("confidence")
    return (float(confidence) if confidence is not None else None), survey.get("interval_method")


def load_year_summary(
    year: int, *, processed_dir: Path | None = None, reports_dir: Path | None = None
) -> YearSummary:
    """Read one year's score, metrics, satisfaction, findings and grant tables.

    ``processed_dir`` / ``reports_dir`` default to ``data/processed/<year>`` and
    ``reports/<year>``. A year whose run is missing or incomplete raises an InputError that
    tells the evaluator which command to run.
    """
    year = int(year)
    missing = missing_outputs(year, processed_dir=processed_dir, reports_dir=reports_dir)
    if missing:
        raise InputError(_missing_message(year, missing))
    processed, reports = _year_dirs(year, processed_dir, reports_dir)
    score_file = reports / "score.json"
    try:
        score = json.loads(score_file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"score.json 无法解析（{exc}）：请重新运行 `jixiao run --year {year}`。",
            file=score_file,
        ) from exc
    if int(score.get("year", year)) != year:
        raise InputError(
            f"文件记录的是 {score['year']} 年的评分，不是 {year} 年。", file=score_file
        )
    tables = {
        name: pd.read_parquet(processed / f"{name}.parquet", engine="pyarrow")
        for name in REQUIRED_TABLES
    }
    overall = tables["survey_satisfaction_overall"].assign(group=ALL_RESPONDENTS)
    satisfaction = pd.concat([overall, tables["survey_satisfaction_group"]], ignore_index=True)
    confidence, method = _survey_settings(reports)
    return YearSummary(
        year=year,
        score=score,
        metrics=metrics_io.read_metrics(year, folder=processed / "metrics"),
        satisfaction=satisfaction[["group", "n_valid", "n_satisfied", "rate", "lower", "upper"]],
        findings=tables["findings"],
        grants=tables["arrival_grants"],
        confidence=confidence,
        interval_method=method,
    )


def load_years(
    years: Sequence[int], *, processed_root: Path | None = None, reports_root: Path | None = None
) -> list[YearSummary]:
    """Summaries for several years, earliest first; one error naming every year still to run."""
    chosen = sorted({int(y) for y in years})
    if len(chosen) < 2:
        raise ParameterError(f"years 至少需要两个不同的年度才能比较，收到 {list(years)}")
    processed_root = Path(processed_root) if processed_root is not None else paths.processed_root()
    reports_root = Path(reports_root) if reports_root is not None else paths.REPORTS_DIR
    dirs = {
        y: {"processed_dir": processed_root / str(y), "reports_dir": reports_root / str(y)}
        for y in chosen
    }
    problems = [
        _missing_message(y, gaps) for y in chosen if (gaps := missing_outputs(y, **dirs[y]))
    ]
    if problems:
        raise InputError("\n".join(problems))
    return [load_year_summary(y, **dirs[y]) for y in chosen]


def output_folder(output_dir: str | Path | None = None) -> Path:
    """Where the comparison is written: ``reports/comparison`` unless told otherwise."""
    folder = Path(output_dir) if output_dir else paths.REPORTS_DIR / "comparison"
    if not folder.is_absolute():
        folder = paths.ROOT / folder
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# --------------------------------------------------------------------------- comparison frames


def _year_label(year: int) -> str:
    return f"{year}年"


def change_label(first: int, last: int) -> str:
    return f"变化（{last}年−{first}年）"


def score_overview(summaries: Sequence[YearSummary]) -> pd.DataFrame:
    """One row per year: 综合得分, 满分, 评价等级, whether every indicator could be scored."""
    return pd.DataFrame(
        {
            "年度": [s.year for s in summaries],
            "综合得分": pd.array([s.score.get("total") for s in summaries], dtype="Float64"),
            "满分": pd.array([s.score.get("max_total") for s in summaries], dtype="Float64"),
            "评价等级": pd.array(
                [s.score.get("grade") or "评分不完整" for s in summaries], dtype="string"
            ),
            "评分完整": pd.array(
                ["是" if s.score.get("complete") else "否" for s in summaries], dtype="string"
            ),
        }
    )


def dimension_scores(summaries: Sequence[YearSummary]) -> pd.DataFrame:
    """Long frame, one row per year and 一级指标: 分值, 得分, 得分率 (得分 ÷ 分值)."""
    records = [
        {
            "年度": s.year,
            "一级指标": d["dimension"],
            "分值": d.get("weight"),
            "得分": d.get("score"),
        }
        for s in summaries
        for d in s.score.get("dimensions", [])
    ]
    frame = pd.DataFrame.from_records(records, columns=["年度", "一级指标", "分值", "得分"])
    frame = frame.astype(
        {"年度": "int64", "一级指标": "string", "分值": "Float64", "得分": "Float64"}
    )
    return frame.assign(得分率=frame["得分"] / frame["分值"])


def _first_seen_order(labels: pd.Series) -> list[str]:
    # First appearance over the years keeps the framework's order (投入, 过程, 产出, 效果)
    # and the survey's group order, instead of an alphabetical one.
    return list(dict.fromkeys(labels.astype(str)))


def by_year(
    long: pd.DataFrame, index: str, value: str, *, order: Sequence[str] | None = None
) -> pd.DataFrame:
    """Pivot a long frame to one column per year (``2017年`` …) plus the change last − first."""
    years = sorted(long["年度"].unique().tolist())
    order = list(order) if order is not None else _first_seen_order(long[index])
    wide = long.pivot_table(
        index=index, columns="年度", values=value, aggfunc="first", dropna=False, observed=True
    )
    wide = wide.reindex(index=order, columns=years).rename(columns=_year_label)
    wide.columns.name = None
    wide[change_label(years[0], years[-1])] = (
        wide[_year_label(years[-1])] - wide[_year_label(years[0])]
    ).round(4)
    return wide.rename_axis(index).reset_index()


def dimension_comparison(summaries: Sequence[YearSummary]) -> pd.DataFrame:
    """一级指标 × year: 分值 (one column when the years agree), 得分 per year, change, and 合计."""
    long = dimension_scores(summaries)
    order = _first_seen_order(long["一级指标"])
    wide = by_year(long, "一级指标", "得分", order=order)
    weights = long.pivot_table(
        index="一级指标", columns="年度", values="分值", aggfunc="first"
    ).reindex(order)
    years = [s.year for s in summaries]
    if weights.nunique(axis=1, dropna=True).le(1).all():
        wide.insert(1, "分值", weights.bfill(axis=1).iloc[:, 0].to_numpy())
    else:
        for position, year in enumerate(years, start=1):
            wide.insert(position, f"{year}年分值", weights[year].to_numpy())
    total = {
        column: wide[column].sum(min_count=1) for column in wide.columns if column != "一级指标"
    }
    # The total comes from score.json, the authority, rather than from re-adding rounded subtotals.
    for s in summaries:
        total[_year_label(s.year)] = s.score.get("total")
    first_total, last_total = total[_year_label(years[0])], total[_year_label(years[-1])]
    complete = first_total is not None and last_total is not None
    total[change_label(years[0], years[-1])] = (
        round(last_total - first_total, 4) if complete else math.nan
    )
    total["一级指标"] = TOTAL_ROW
    result = pd.concat([wide, pd.DataFrame([total])], ignore_index=True)
    return result.rename(columns={_year_label(y): f"{y}年得分" for y in years})


def _metric_value(summary: YearSummary, name: str) -> float:
    hit = summary.metrics.loc[summary.metrics["metric"] == name, "value"]
    return float(hit.iloc[0]) if len(hit) else math.nan


def arrival_rates(summaries: Sequence[YearSummary]) -> pd.DataFrame:
    """One row per year: 资金到位率 and 到位及时率 (the metrics scoring used), with the amounts behind them."""
    rows = []
    for s in summaries:
        grants = s.grants
        late = grants["late_fen"] > 0
        rows.append(
            {
                "年度": s.year,
                "资金到位率": _metric_value(s, "fund_arrival_rate"),
                "到位及时率": _metric_value(s, "fund_timely_rate"),
                "拨款笔数": len(grants),
                "下达金额_fen": int(grants["amount_fen"].sum()),
                "到位金额_fen": int(grants["arrived_by_as_of_fen"].sum()),
                "未按时到位笔数": int(late.sum()),
                "未按时到位金额_fen": int(grants["late_fen"].sum()),
            }
        )
    frame = pd.DataFrame(rows)
    for column in ("下达金额", "到位金额", "未按时到位金额"):
        frame[f"{column}_fen"] = fen_to_yuan(frame[f"{column}_fen"].astype("int64"))
    return frame.rename(columns=lambda c: c.replace("_fen", "（元）"))


def satisfaction_by_group(summaries: Sequence[YearSummary]) -> pd.DataFrame:
    """Long frame: year × respondent group (全部受访者 first) with its rate and interval."""
    frame = pd.concat([s.satisfaction.assign(年度=s.year) for s in summaries], ignore_index=True)
    order = _first_seen_order(frame["group"])
    frame["group"] = pd.Categorical(frame["group"].astype(str), categories=order)
    frame = frame.sort_values(["group", "年度"], kind="stable", ignore_index=True)
    frame["group"] = frame["group"].astype("string")
    return frame.rename(
        columns={
            "group": "受访者类别",
            "n_valid": "有效答案数",
            "n_satisfied": "满意答案数",
            "rate": "满意率",
            "lower": "区间下限",
            "upper": "区间上限",
        }
    )[["年度", "受访者类别", "有效答案数", "满意答案数", "满意率", "区间下限", "区间上限"]]


def rate_difference_interval(
    p_new: float,
    lower_new: float,
    upper_new: float,
    p_old: float,
    lower_old: float,
    upper_old: float,
) -> tuple[float, float, float]:
    """Change p_new − p_old and its interval by Newcombe's square-and-add method.

    It combines the two years' own intervals (Wilson in the survey step), so the change is judged
    at the same confidence level and with the same method as each year's rate.
    """
    diff = p_new - p_old
    low = diff - math.sqrt((p_new - lower_new) ** 2 + (upper_old - p_old) ** 2)
    high = diff + math.sqrt((upper_new - p_new) ** 2 + (p_old - lower_old) ** 2)
    return diff, low, high


def satisfaction_change(satisfaction: pd.DataFrame) -> pd.DataFrame:
    """Per respondent group: the earliest and latest year's rate, the change and its interval.

    ``satisfaction`` is :func:`satisfaction_by_group`. A change whose interval excludes 0 is
    called 上升 / 下降; otherwise 变化不明显. Answers of one respondent are correlated, so the
    true uncertainty is somewhat larger than the interval says.
    """
    years = sorted(satisfaction["年度"].unique().tolist())
    first, last = years[0], years[-1]
    keyed = satisfaction.set_index(["受访者类别", "年度"])
    groups = _first_seen_order(satisfaction["受访者类别"])
    rows = []
    for group in groups:  # a handful of respondent groups
        if (group, first) not in keyed.index or (group, last) not in keyed.index:
            continue
        old, new = keyed.loc[(group, first)], keyed.loc[(group, last)]
        diff, low, high = rate_difference_interval(
            float(new["满意率"]),
            float(new["区间下限"]),
            float(new["区间上限"]),
            float(old["满意率"]),
            float(old["区间下限"]),
            float(old["区间上限"]),
        )
        verdict = "上升" if low > 0 else "下降" if high < 0 else "变化不明显（区间含 0）"
        rows.append(
            {
                "受访者类别": group,
                f"{first}年满意率": float(old["满意率"]),
                f"{last}年满意率": float(new["满意率"]),
                "满意率变化": diff,
                "变化区间下限": low,
                "变化区间上限": high,
                "判断": verdict,
            }
        )
    return pd.DataFrame(rows)


def findings_by_dimension(
    summaries: Sequence[YearSummary], *, order: Sequence[str] | None = None
) -> pd.DataFrame:
    """Long frame: how many findings each year registered under each 一级指标 (0 where none)."""
    counts = pd.concat(
        [
            s.findings["dimension"]
            .astype("string")
            .fillna(UNKNOWN_DIMENSION)
            .value_counts(sort=False)
            .rename_axis("一级指标")
            .rename("问题数量")
            .reset_index()
            .assign(年度=s.year)
            for s in summaries
        ],
        ignore_index=True,
    )
    if order is None:
        order = _first_seen_order(dimension_scores(summaries)["一级指标"])
    labels = list(dict.fromkeys([*order, *sorted(counts["一级指标"].astype(str))]))
    grid = pd.MultiIndex.from_product(
        [[s.year for s in summaries], labels], names=["年度", "一级指标"]
    )
    full = (
        counts.set_index(["年度", "一级指标"])["问题数量"].reindex(grid, fill_value=0).reset_index()
    )
    return full.astype({"年度": "int64", "一级指标": "string", "问题数量": "int64"})[
        ["年度", "一级指标", "问题数量"]
    ]


def findings_comparison(findings_long: pd.DataFrame) -> pd.DataFrame:
    """一级指标 × year counts with the change and a 合计 row."""
    wide = by_year(findings_long, "一级指标", "问题数量")
    total = wide.drop(columns="一级指标").sum().to_dict() | {"一级指标": TOTAL_ROW}
    return pd.concat([wide, pd.DataFrame([total])], ignore_index=True).astype(
        {c: "int64" for c in wide.columns if c != "一级指标"}
    )


def _signed(value: float, unit: str = "分") -> str:
    if abs(value) < 1e-9:
        return "持平"
    return f"{'上升' if value > 0 else '下降'}{abs(value):g}{unit}"


def _pct(value: float) -> str:
    return "—" if math.isnan(value) else f"{value * 100:.1f}%"


def describe_changes(summaries: Sequence[YearSummary]) -> list[str]:
    """Chinese sentences on what changed from the earliest to the latest year, for the notebook."""
    first, last = summaries[0], summaries[-1]
    lines = []
    t0, t1 = first.score.get("total"), last.score.get("total")
    if t0 is not None and t1 is not None:
        lines.append(
            f"综合得分：{first.year}年{t0:g}分（{first.score.get('grade')}）→ {last.year}年{t1:g}分"
            f"（{last.score.get('grade')}），"
            f"{_signed(round(t1 - t0, 4))}。"
        )
    dims = dimension_comparison(summaries)
    dims = dims[dims["一级指标"] != TOTAL_ROW]
    change = change_label(first.year, last.year)
    parts = [
        f"{row['一级指标']} {row[f'{first.year}年得分']:g}→{row[f'{last.year}年得分']:g}（{_signed(row[change])}）"
        for row in dims.to_dict("records")
        if not (pd.isna(row[f"{first.year}年得分"]) or pd.isna(row[f"{last.year}年得分"]))
    ]
    if parts:
        lines.append("一级指标：" + "；".join(parts) + "。")
    arrival = arrival_rates([first, last]).set_index("年度")
    a0, a1 = arrival.loc[first.year], arrival.loc[last.year]
    lines.append(
        f"资金到位：资金到位率 {_pct(a0['资金到位率'])}→{_pct(a1['资金到位率'])}，到位及时率 "
        f"{_pct(a0['到位及时率'])}→{_pct(a1['到位及时率'])}；未按时到位 {a0['未按时到位笔数']:.0f}笔"
        f"{a0['未按时到位金额（元）']:,.2f}元 → {a1['未按时到位笔数']:.0f}笔{a1['未按时到位金额（元）']:,.2f}元。"
    )
    change_table = satisfaction_change(satisfaction_by_group([first, last]))
    overall = change_table[change_table["受访者类别"] == ALL_RESPONDENTS]
    if len(overall):
        row = overall.iloc[0]
        level = (
            f"{first.confidence * 100:g}%"
            if first.confidence and first.confidence == last.confidence
            else ""
        )
        lines.append(
            f"满意度：总体满意率 {_pct(row[f'{first.year}年满意率'])}→{_pct(row[f'{last.year}年满意率'])}，"
            f"变化 {row['满意率变化'] * 100:+.1f} 个百分点（{level}置信区间 {row['变化区间下限'] * 100:+.1f} 至 "
            f"{row['变化区间上限'] * 100:+.1f}），{row['判断']}。"
        )
    counts = findings_by_dimension([first, last])
    n0 = int(counts.loc[counts["年度"] == first.year, "问题数量"].sum())
    n1 = int(counts.loc[counts["年度"] == last.year, "问题数量"].sum())
    lines.append(f"问题清单：{n0}项 → {n1}项（{_signed(n1 - n0, '项')}）。")
    return lines


# --------------------------------------------------------------------------- charts


def _chinese_font() -> None:
    # Imported here so that importing jixiao.compare never touches matplotlib's font cache.
    from .charts import use_chinese_font

    use_chinese_font()


def _year_colours(years: Sequence[int]) -> dict[int, str]:
    return {year: YEAR_COLOURS[i % len(YEAR_COLOURS)] for i, year in enumerate(sorted(years))}


def _percent_axis(axis) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{x * 100:.0f}%"))


def _grouped_bars(ax, long: pd.DataFrame, category: str, value: str, label_format) -> list[str]:
    """Bars for each category, one per year side by side; returns the category order."""
    categories = _first_seen_order(long[category])
    years = sorted(long["年度"].unique().tolist())
    colours = _year_colours(years)
    width = 0.8 / len(years)
    for i, year in enumerate(years):
        part = long[long["年度"] == year].set_index(category).reindex(categories)
        values = part[value].astype("Float64").fillna(0).astype("float64")
        offsets = [c - 0.4 + width * (i + 0.5) for c in range(len(categories))]
        bars = ax.bar(offsets, values, width * 0.92, color=colours[year], label=_year_label(year))
        ax.bar_label(bars, labels=[label_format(v) for v in values], padding=2, fontsize=8.5)
    ax.set_xticks(range(len(categories)), categories)
    ax.spines[["top", "right"]].set_visible(False)
    return categories


def plot_dimension_scores(long: pd.DataFrame, overview: pd.DataFrame | None = None):
    """Grouped bars: each 一级指标's score per year, with its 分值 drawn as a grey outline behind.

    ``long`` is :func:`dimension_scores`; ``overview`` (:func:`score_overview`) adds each year's
    综合得分 and 等级 to the legend.
    """
    _chinese_font()
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4.6))
    ax = fig.add_subplot()
    weights = long.groupby("一级指标", sort=False)["分值"].max()
    categories = _first_seen_order(long["一级指标"])
    ax.bar(
        range(len(categories)),
        weights.reindex(categories).astype("float64"),
        0.9,
        color="none",
        edgecolor="#a6a6a6",
        linestyle="--",
        linewidth=1,
        label="分值",
    )
    _grouped_bars(ax, long, "一级指标", "得分", lambda v: f"{v:g}")
    handles, labels = ax.get_legend_handles_labels()
    if overview is not None:
        notes = {
            _year_label(int(y)): f"（综合 {t:g} 分，{g}）"
            for y, t, g in zip(
                overview["年度"], overview["综合得分"], overview["评价等级"], strict=True
            )
        }
        labels = [label + notes.get(label, "") for label in labels]
    ax.legend(
        handles,
        labels,
        frameon=False,
        loc="upper left",
        ncols=len(labels),
        bbox_to_anchor=(0, -0.08),
    )
    ax.set_ylim(0, float(weights.max()) * 1.15)
    ax.set_ylabel("分")
    ax.set_title("各一级指标得分年度对比（虚线框为分值）")
    fig.tight_layout()
    return fig


def plot_arrival_rates(arrival: pd.DataFrame):
    """Grouped bars: 资金到位率 and 到位及时率 per year against the 100% target."""
    _chinese_font()
    from matplotlib.figure import Figure

    long = arrival.melt(
        id_vars="年度", value_vars=list(ARRIVAL_PERCENT), var_name="指标", value_name="比率"
    )
    fig = Figure(figsize=(8, 4.2))
    ax = fig.add_subplot()
    _grouped_bars(ax, long, "指标", "比率", lambda v: f"{v * 100:.1f}%")
    ax.axhline(1.0, color="#7f7f7f", linestyle="--", linewidth=1, label="目标 100%")
    ax.set_ylim(0, 1.1)  # bars start at zero so the gap to the target is not exaggerated
    _percent_axis(ax.yaxis)
    late = "；".join(
        f"{y}年未按时到位 {n:.0f} 笔 {amount:,.2f} 元" if n else f"{y}年全部按时到位"
        for y, n, amount in zip(
            arrival["年度"], arrival["未按时到位笔数"], arrival["未按时到位金额（元）"], strict=True
        )
    )
    ax.set_xlabel(late, fontsize=9)
    ax.set_title("资金到位率与到位及时率年度对比")
    # Outside the axes: inside, a swatch would sit on a bar of its own colour and vanish.
    ax.legend(frameon=False, loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout()
    return fig


def plot_satisfaction(satisfaction: pd.DataFrame, *, confidence: float | None = None):
    """Dot and interval per respondent group, one row of dots per year (全部受访者 on top)."""
    _chinese_font()
    from matplotlib.figure import Figure

    groups = _first_seen_order(satisfaction["受访者类别"])
    years = sorted(satisfaction["年度"].unique().tolist())
    colours = _year_colours(years)
    fig = Figure(figsize=(8, 0.75 * len(groups) * max(len(years), 2) / 2 + 1.9))
    ax = fig.add_subplot()
    step = 0.7 / len(years)
    positions = {g: len(groups) - 1 - i for i, g in enumerate(groups)}
    for i, year in enumerate(years):
        part = satisfaction[satisfaction["年度"] == year]
        y = part["受访者类别"].map(positions).astype("float64") + 0.35 - step * (i + 0.5)
        rate = part["满意率"].astype("float64")
        errors = [
            rate - part["区间下限"].astype("float64"),
            part["区间上限"].astype("float64") - rate,
        ]
        ax.errorbar(
            rate,
            y,
            xerr=errors,
            fmt="o",
            color=colours[year],
            ecolor=colours[year],
            capsize=3,
            markersize=5,
            label=_year_label(year),
        )
        for x, yy in zip(rate, y, strict=True):
            ax.annotate(
                f"{x * 100:.1f}%",
                (x, yy),
                textcoords="offset points",
                xytext=(0, 5),
                ha="center",
                fontsize=8,
            )
    ax.set_yticks([positions[g] for g in groups], groups)
    ax.set_ylim(-0.6, len(groups) - 0.4)
    low = float(satisfaction["区间下限"].min())
    ax.set_xlim(max(0.0, math.floor((low - 0.03) * 20) / 20), 1.0)
    _percent_axis(ax.xaxis)
    level = f"{confidence * 100:g}% " if confidence else ""
    ax.set_xlabel(f"满意率（非常满意＋满意 ÷ 有效答案），横线为{level}置信区间")
    ax.set_title("满意率年度对比（按受访者类别）")
    ax.legend(frameon=False, loc="lower left")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def plot_findings_by_dimension(findings_long: pd.DataFrame):
    """Grouped bars: how many findings each year under each 一级指标."""
    _chinese_font()
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(7, 4.2))
    ax = fig.add_subplot()
    _grouped_bars(ax, findings_long, "一级指标", "问题数量", lambda v: f"{v:.0f}")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max(1.0, float(findings_long["问题数量"].max())) * 1.18)
    totals = findings_long.groupby("年度")["问题数量"].sum()
    ax.legend(
        ax.get_legend_handles_labels()[0],
        [f"{_year_label(int(y))}（共 {n} 项）" for y, n in totals.items()],
        frameon=False,
    )
    ax.set_ylabel("问题数量（项）")
    ax.set_title("问题清单按一级指标分布年度对比")
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- workbook


def workbook_sheets(
    overview: pd.DataFrame,
    dimensions: pd.DataFrame,
    arrival: pd.DataFrame,
    satisfaction: pd.DataFrame,
    satisfaction_delta: pd.DataFrame,
    findings: pd.DataFrame,
) -> Mapping[str, object]:
    """The comparison workbook's sheets, with 元 and % columns marked for ``export.write_workbook``."""
    delta_percent = tuple(
        c for c in satisfaction_delta.columns if "满意率" in c or c.startswith("变化区间")
    )
    return {
        "综合得分": Sheet(overview),
        "一级指标得分": Sheet(dimensions),
        "资金到位": Sheet(
            arrival,
            money=ARRIVAL_MONEY,
            percent=ARRIVAL_PERCENT,
            integer=("拨款笔数", "未按时到位笔数"),
        ),
        "满意度": Sheet(
            satisfaction, percent=SATISFACTION_PERCENT, integer=("有效答案数", "满意答案数")
        ),
        "满意率变化": Sheet(satisfaction_delta, percent=delta_percent),
        "问题数量": Sheet(findings, integer=tuple(c for c in findings.columns if c != "一级指标")),
    }
