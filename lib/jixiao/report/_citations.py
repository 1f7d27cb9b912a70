"""Which working paper stands behind a figure of the report, cited by its 索引号.

The numbers are read from the ``workpapers.xlsx`` the same run wrote (its sheets are numbered
in order, :func:`jixiao.workpapers.workpaper_index`), so the report cites exactly the sheets a
reviewer finds there; a sheet the workbook lacks is not cited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jixiao.workpapers import workpaper_index

WORKPAPERS_FILE = "workpapers.xlsx"

# The sheet holding the data behind each metric an indicator is scored on.
METRIC_SHEETS = {
    "fund_arrival_rate": ("资金到位",),
    "fund_timely_rate": ("资金到位",),
    "budget_execution_rate": ("资金到位",),
    "separate_accounting_units": ("检查标记明细",),
    "satisfaction_rate": ("问卷统计",),
    "voucher_deviation_upper_limit": ("抽样清单", "抽样评价"),
    "sampling_population_amount": ("抽样清单",),
    "findings": ("问题清单",),  # an indicator that lost points for findings of the register
}
# The sheet holding the data behind each chart of 附件5 (figure name → sheets).
FIGURE_SHEETS = {
    "score_by_dimension": ("图表数据_维度得分",),
    "score_waterfall": ("图表数据_得分瀑布",),
    "arrival_timeline": ("资金到位",),
    "account_mixing": ("图表数据_科目混用",),
    "sampling_strata": ("图表数据_抽样分层",),
    "survey_likert_items": ("图表数据_各题满意度",),
    "survey_satisfaction_by_community": ("问卷统计",),
}


@dataclass(frozen=True)
class Citations:
    """Sheet name → 索引号 of the year's workpapers; empty when the workbook is not there."""

    indexes: dict[str, str] = field(default_factory=dict)

    def __call__(self, *sheets: str) -> str:
        """（底稿索引号 JX2017-05、JX2017-09） for the sheets that exist, else ""."""
        found = list(dict.fromkeys(self.indexes[s] for s in sheets if s in self.indexes))
        return f"（底稿索引号 {'、'.join(found)}）" if found else ""

    def for_metrics(self, metrics) -> str:
        return self(*(s for m in metrics for s in METRIC_SHEETS.get(m, ())))


def read_citations(year: int | str, output_dir: Path) -> Citations:
    """The 索引号 of every sheet of ``<output_dir>/workpapers.xlsx`` (in workbook order).

    Only the workbook's list of sheets is read (calamine reads ``xl/workbook.xml``), never the
    sheets themselves: openpyxl's read-only mode parses every sheet to size it, which is minutes
    for a flag sheet of a few hundred thousand rows."""
    book = Path(output_dir) / WORKPAPERS_FILE
    if not book.is_file():
        return Citations()
    import pandas as pd

    with pd.ExcelFile(book, engine="calamine") as workbook:
        names = list(workbook.sheet_names)
    return Citations({name: workpaper_index(year, n) for n, name in enumerate(names, start=1)})
