"""Building blocks for reconstructed case files (the evaluator's raw workbooks).

Each module builds one raw kind from plain parameters (community list, amounts, target
rates, file formats) and writes it with the Chinese sheet names and headers of
``jixiao.schema``. A year's script (``scripts/generate_case_<year>.py``) holds that year's
numbers and calls these pieces; everything random comes from one seeded numpy Generator.
"""
