"""The report's summary for ``report.html``, in the published summary's shape, cut from the
same blocks as ``report.docx``: 基本情况, 项目成效 (with the outputs table and two charts),
主要问题, 工作建议, then the 评分表 and 问题清单 annexes the text refers to."""

from __future__ import annotations

from pathlib import Path

from jixiao import processed

from ._blocks import Block
from ._report_tables import number, percent
from .sections import effects_text, outputs_table

# Charts the summary shows under 项目成效, as the published summary did.
SUMMARY_FIGURES = (
    ("score_by_dimension", "各维度得分"),
    ("survey_satisfaction_by_community", "各{place}满意率"),
)


def section(blocks, heading: str, *, with_heading: bool = False) -> list[Block]:
    """The blocks under the heading ``heading`` up to the next heading of its level or above."""
    blocks = list(blocks)
    start = next(
        (i for i, b in enumerate(blocks) if b.kind == "heading" and b.text == heading), None
    )
    if start is None:
        return []
    level = blocks[start].level
    end = next(
        (
            i
            for i in range(start + 1, len(blocks))
            if blocks[i].kind == "heading" and blocks[i].level <= level
        ),
        len(blocks),
    )
    return blocks[start if with_heading else start + 1 : end]


def _outputs_block(year: int) -> list[Block]:
    outputs = processed.read_optional_table(year, "outputs")
    if outputs is None or outputs.empty:
        return []
    table = outputs_table(outputs)
    rows = tuple(
        (
            str(r.产出指标),
            str(r.计量单位),
            number(r.计划数),
            number(r.实际完成数),
            percent(r.完成率),
        )
        for r in table.itertuples(index=False)
    )
    return [Block("table", headers=tuple(table.columns), rows=rows)]


def _effects(year: int) -> list[Block]:
    outputs = processed.read_optional_table(year, "outputs")
    if outputs is None or outputs.empty:
        return []
    text = effects_text(
        outputs,
        processed.read_optional_table(year, "survey_satisfaction_overall"),
        processed.read_optional_table(year, "survey_coverage"),
        escape=str,
    )
    return [Block("paragraph", text=text)]


def summary_blocks(
    year: int, title: str, body, annexes, output_dir: Path, place: str = "社区"
) -> tuple[Block, ...]:
    figures = Path(output_dir) / "figures"
    charts = [
        Block("figure", text=caption.format(place=place), path=str(figures / f"{name}.png"))
        for name, caption in SUMMARY_FIGURES
        if (figures / f"{name}.png").is_file()
    ]
    return (
        Block("heading", text=title, style="title"),
        *section(body, "三、综合评价情况及评价结论"),
        Block("heading", text="一、基本情况", level=1),
        *section(body, "（一）项目概况"),
        Block("heading", text="二、项目成效", level=1),
        *_effects(year),
        *_outputs_block(year),
        *charts,
        Block("heading", text="三、主要问题", level=1),
        *section(body, "（二）存在的问题及原因分析"),
        Block("heading", text="四、工作建议", level=1),
        *section(body, "六、有关建议"),
        Block("heading", text="附件", level=1),
        *section(annexes, "附件1  评分表", with_heading=True),
        *section(annexes, "附件2  问题清单", with_heading=True),
    )
