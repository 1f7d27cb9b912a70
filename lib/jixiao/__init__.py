"""jixiao — 财政支出绩效评价 audit analysis: loading, sampling, compliance, survey, scoring."""

__version__ = "0.1.0"
