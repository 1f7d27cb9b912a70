"""A DuckDB SQL reference of the six general-ledger analytics (GL-01 … GL-06), for the benchmark.

Not part of the suite: it exists so that ``bench_compliance.py`` can time jixiao's pandas
analytics against a columnar SQL engine on the same generated ledger and assert that both flag
the same lines. Each query returns the flagged lines as (rule, line) pairs, ``line`` being the
row's position in the ledger frame; the parameters are jixiao's defaults. The holiday calendar
is an input (jixiao's own ``day_kinds``), not something the reference re-derives.

DuckDB is a benchmark-only dependency (``pip install -e ".[bench]"``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jixiao.compliance.workdays import day_kinds

WINDOW_DAYS = 7
ROUND_MULTIPLE_FEN = 100_000
ROUND_MIN_FEN = 1_000_000
THRESHOLD_FEN = 1_000_000
VOUCHER_START = 1

_BLANK = "coalesce(trim({0}), '') = ''"

LINES = """
CREATE OR REPLACE TEMP TABLE lines AS
SELECT *,
       min(line) OVER (PARTITION BY unit, voucher_type, voucher_no, voucher, date) AS voucher_id,
       regexp_replace(account_code, '[.\\-_/·\\s]', '', 'g') LIKE '5%' AND debit_fen > 0 AS is_payment
FROM ledger_frame
"""

DUPLICATES = """
WITH pay AS (SELECT * FROM lines WHERE is_payment),
{passes}
SELECT DISTINCT 'GL-01' AS rule, line FROM (
  {union}
)
"""

_DUPLICATE_PASS = """
ordered_{key} AS (
  SELECT line, voucher_id, date,
         lag(date) OVER w AS prev_date, lag(voucher_id) OVER w AS prev_voucher,
         lead(date) OVER w AS next_date, lead(voucher_id) OVER w AS next_voucher
  FROM pay WHERE NOT ({blank})
  WINDOW w AS (PARTITION BY unit, {key}, debit_fen ORDER BY date, voucher_id, line)
),
hits_{key} AS (
  SELECT line FROM ordered_{key}
  WHERE (prev_voucher IS NOT NULL AND prev_voucher <> voucher_id
         AND date_diff('day', prev_date, date) <= {window})
     OR (next_voucher IS NOT NULL AND next_voucher <> voucher_id
         AND date_diff('day', date, next_date) <= {window})
)"""

GAPS = """
WITH present AS (
  SELECT unit, voucher_type, date_trunc('month', date) AS month, voucher_no AS no, min(line) AS line
  FROM lines WHERE voucher_no IS NOT NULL
  GROUP BY ALL
),
stats AS (
  SELECT unit, voucher_type, month, max(no) AS top, count(*) AS n FROM present GROUP BY ALL
),
expected AS (
  SELECT unit, voucher_type, month, unnest(range({start}, top + 1)) AS no
  FROM stats WHERE top - {start} + 1 > n
),
missing AS (
  SELECT * FROM expected ANTI JOIN present USING (unit, voucher_type, month, no)
),
runs AS (
  SELECT unit, voucher_type, month, min(no) AS first, max(no) AS last
  FROM (SELECT *, no - row_number() OVER (PARTITION BY unit, voucher_type, month ORDER BY no)
                 AS run FROM missing)
  GROUP BY unit, voucher_type, month, run
)
SELECT 'GL-02' AS rule, p.line
FROM runs r JOIN present p
  ON p.unit = r.unit AND p.voucher_type = r.voucher_type AND p.month = r.month
 AND p.no = CASE WHEN r.first > {start} THEN r.first - 1 ELSE r.last + 1 END
"""

OFF_DAYS = """
SELECT 'GL-03' AS rule, line FROM lines SEMI JOIN off_days USING (date)
"""

ROUND = """
SELECT 'GL-04' AS rule, line FROM lines
WHERE is_payment AND debit_fen >= {min_fen} AND debit_fen % {multiple} = 0
"""

SPLITS = """
WITH pay AS (
  SELECT line, unit, date, voucher_id, debit_fen,
         CASE WHEN {payee_blank} THEN coalesce(summary, '') ELSE coalesce(counterparty, '') END
           AS payee,
         NOT ({payee_blank}) AS has_payee,
         date_trunc('month', date) AS period
  FROM lines WHERE is_payment AND debit_fen < {threshold}
),
same_day AS (
  SELECT line, sum(debit_fen) OVER g AS total, count(DISTINCT voucher_id) OVER g AS vouchers
  FROM pay WHERE trim(payee) <> '' WINDOW g AS (PARTITION BY unit, date, payee)
),
same_period AS (
  SELECT line, sum(debit_fen) OVER g AS total, count(DISTINCT voucher_id) OVER g AS vouchers
  FROM pay WHERE has_payee WINDOW g AS (PARTITION BY unit, payee, period)
)
SELECT DISTINCT 'GL-05' AS rule, line FROM (
  SELECT line FROM same_day WHERE total > {threshold} AND vouchers >= 2
  UNION ALL
  SELECT line FROM same_period WHERE total > {threshold} AND vouchers >= 2
)
"""

UNBALANCED = """
SELECT 'GL-06' AS rule, voucher_id AS line FROM lines
GROUP BY unit, voucher_type, voucher_no, voucher, date, voucher_id
HAVING sum(debit_fen) <> sum(credit_fen)
"""


def queries() -> dict[str, str]:
    passes = [
        _DUPLICATE_PASS.format(key=key, blank=_BLANK.format(key), window=WINDOW_DAYS)
        for key in ("counterparty", "summary")
    ]
    union = "\n  UNION ALL\n  ".join(
        f"SELECT line FROM hits_{key}" for key in ("counterparty", "summary")
    )
    return {
        "GL-01": DUPLICATES.format(passes=",".join(passes), union=union),
        "GL-02": GAPS.format(start=VOUCHER_START),
        "GL-03": OFF_DAYS,
        "GL-04": ROUND.format(min_fen=ROUND_MIN_FEN, multiple=ROUND_MULTIPLE_FEN),
        "GL-05": SPLITS.format(threshold=THRESHOLD_FEN, payee_blank=_BLANK.format("counterparty")),
        "GL-06": UNBALANCED,
    }


def flagged_lines(ledger: pd.DataFrame, *, threads: int = 1) -> set[tuple[str, int]]:
    """(rule, line position) of every line the six analytics flag, computed by DuckDB."""
    import duckdb

    columns = [
        "unit",
        "date",
        "voucher_type",
        "voucher_no",
        "voucher",
        "account_code",
        "summary",
        "counterparty",
        "debit_fen",
        "credit_fen",
    ]
    ledger_frame = ledger.loc[:, columns].assign(line=np.arange(len(ledger), dtype=np.int64))
    kinds = day_kinds(ledger["date"])
    off_days = kinds.loc[kinds["is_off"], ["date"]]
    with duckdb.connect(config={"threads": threads}) as con:
        con.register("ledger_frame", ledger_frame)
        con.register("off_days", off_days)
        con.execute(LINES)
        found: set[tuple[str, int]] = set()
        for sql in queries().values():
            found |= {(rule, int(line)) for rule, line in con.execute(sql).fetchall()}
    return found


def jixiao_flagged_lines(flags: pd.DataFrame, ledger: pd.DataFrame) -> set[tuple[str, int]]:
    """The same (rule, line position) pairs from jixiao's flags, matched by their evidence row."""
    position = pd.DataFrame(
        {
            "source_file": ledger["source_file"],
            "source_row": ledger["source_row"],
            "line": np.arange(len(ledger)),
        }
    )
    located = flags.loc[flags["rule"].isin(queries()), ["rule", "source_file", "source_row"]]
    located = located.merge(position, on=["source_file", "source_row"], how="left")
    if located["line"].isna().any():
        raise AssertionError("a jixiao flag cites no ledger line")
    return set(zip(located["rule"], located["line"].astype("int64"), strict=True))
