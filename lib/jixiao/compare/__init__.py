"""Comparing evaluation years: score by dimension, fund arrival, satisfaction and findings.

Each year's run (``jixiao run --year <year>``) leaves ``reports/<year>/score.json`` and the
derived tables in ``data/processed/<year>/``. This package reads those outputs for several
years (I/O only in the ``load_*`` functions), lays them side by side in frames with Chinese
headers, and draws the comparison charts. "Change" always means the latest year minus the
earliest one.

- :mod:`.load` — the years' outputs read into one :class:`YearSummary` each (the I/O edge).
- :mod:`.tables` — the comparison frames, the sentences on what changed, the workbook sheets.
- :mod:`.charts` — the comparison charts (matplotlib imported only when one is drawn).
- :mod:`.crosswalk` — a 2013-framework year against a 2020-framework one, like with like, from
  the editable table ``templates/框架对照_2013_2020.csv`` (scores as shares of their weights).
"""

from ._common import ALL_RESPONDENTS, ARRIVAL_PERCENT
from .charts import (
    YEAR_COLOURS,
    plot_arrival_rates,
    plot_dimension_scores,
    plot_findings_by_dimension,
    plot_satisfaction,
)
from .crosswalk import crosswalk_comparison, describe_crosswalk, load_crosswalk
from .load import (
    REQUIRED_TABLES,
    SATISFACTION_TABLES,
    YearSummary,
    load_year_summary,
    load_years,
    missing_outputs,
    output_folder,
)
from .tables import (
    ARRIVAL_MONEY,
    SATISFACTION_PERCENT,
    TOTAL_ROW,
    UNKNOWN_DIMENSION,
    arrival_rates,
    by_year,
    change_label,
    describe_changes,
    dimension_comparison,
    dimension_scores,
    findings_by_dimension,
    findings_comparison,
    rate_difference_interval,
    satisfaction_by_group,
    satisfaction_change,
    score_overview,
    workbook_sheets,
)

__all__ = [
    "ALL_RESPONDENTS",
    "ARRIVAL_MONEY",
    "ARRIVAL_PERCENT",
    "REQUIRED_TABLES",
    "SATISFACTION_PERCENT",
    "SATISFACTION_TABLES",
    "TOTAL_ROW",
    "UNKNOWN_DIMENSION",
    "YEAR_COLOURS",
    "YearSummary",
    "arrival_rates",
    "by_year",
    "change_label",
    "crosswalk_comparison",
    "describe_crosswalk",
    "describe_changes",
    "dimension_comparison",
    "dimension_scores",
    "findings_by_dimension",
    "findings_comparison",
    "load_crosswalk",
    "load_year_summary",
    "load_years",
    "missing_outputs",
    "output_folder",
    "plot_arrival_rates",
    "plot_dimension_scores",
    "plot_findings_by_dimension",
    "plot_satisfaction",
    "rate_difference_interval",
    "satisfaction_by_group",
    "satisfaction_change",
    "score_overview",
    "workbook_sheets",
]
