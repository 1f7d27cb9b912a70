"""Benchmark: every ledger check of jixiao.compliance on a generated 1,000,000-line ledger.

Generates a canonical ledger in memory (balanced two-line vouchers across 500 units, 2017-01 …
2018-06, numbered per unit, type and month, with a few numbers missing), then times the
separate-accounting, scope and general-ledger checks on the first 100,000 lines and on all
1,000,000. Peak memory is the process's maximum resident set size.

Last line of output: JSON with rows, total_s, peak_mb, rows_100k_s, growth_ratio, targets.
Run: .venv/bin/python benchmarks/bench_compliance.py
"""

from __future__ import annotations

import json
import resource
import sys
import time

import numpy as np
import pandas as pd

from jixiao.compliance import (
    check_arrival,
    check_scope,
    check_separate_accounting,
    load_scope_rules,
    run_ledger_analytics,
    with_community,
)

ROWS = 1_000_000
SMALL = 100_000
UNITS = 500
SEED = 20171231
TARGET_S = 10
TARGET_MB = 2048

SUMMARIES = np.array(
    ["购办公用品", "缴电费", "缴水费", "电话费", "物业费", "工资", "差旅费", "印刷费", "邮寄费", "维修费",
     "服务站装修工程款", "服务站设备购置", "社工培训费", "公益创投项目", "社会组织孵化活动", "社会工作室建设"]
)
PROJECT_SUMMARIES = 10  # summaries from index 10 on are project spending
GRANT_TYPES = np.array(["公共服务站基础设施建设", "三社联动试点"])


def generate(rows: int, seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A balanced canonical ledger of ``rows`` lines and one grant per community."""
    rng = np.random.default_rng(seed)
    n = rows // 2 + rows // 500  # two lines per voucher, plus spare for the numbers dropped below
    unit = rng.integers(0, UNITS, n)
    days = rng.integers(0, 546, n)  # 2017-01-01 … 2018-06-30
    date = np.datetime64("2017-01-01") + days.astype("timedelta64[D]")
    vtype = rng.choice(np.array(["记", "付", "收"]), n, p=[0.5, 0.4, 0.1])
    amount = np.round(np.exp(rng.normal(7.5, 1.6, n)) * 100).astype(np.int64) + 1
    summary_idx = rng.integers(0, len(SUMMARIES), n)
    is_project = summary_idx >= PROJECT_SUMMARIES
    grant_type = np.where(summary_idx >= 13, 1, 0)
    vouchers = pd.DataFrame({"unit": unit, "date": date, "vtype": vtype, "amount": amount,
                             "summary_idx": summary_idx, "is_project": is_project, "grant_type": grant_type, "receipt": vtype == "收"})
    vouchers["month"] = vouchers["date"].dt.to_period("M")
    vouchers = vouchers.sort_values(["unit", "vtype", "date"], kind="stable", ignore_index=True)
    vouchers["no"] = vouchers.groupby(["unit", "vtype", "month"], sort=False).cumcount() + 1
    vouchers = vouchers.loc[rng.random(len(vouchers)) > 0.001].reset_index(drop=True)  # a few gaps

    m = len(vouchers)
    receipt = vouchers["receipt"].to_numpy()
    project_line = vouchers["is_project"].to_numpy()
    project = pd.Series(np.where(project_line, GRANT_TYPES[vouchers["grant_type"].to_numpy()], None), dtype="str")
    no_project = pd.Series(pd.NA, index=range(m), dtype="str")
    payees = np.array([f"供应商{i:04d}" for i in range(2000)])
    units = np.array([f"第{i:03d}社区居民委员会" for i in range(UNITS)])
    head = pd.DataFrame(
        {
            "_voucher": np.arange(m),
            "unit": pd.Series(units[vouchers["unit"].to_numpy()], dtype="str"),
            "date": vouchers["date"].to_numpy().astype("datetime64[us]"),
            "voucher_type": pd.Series(vouchers["vtype"].to_numpy(), dtype="str"),
            "voucher_no": pd.array(vouchers["no"].to_numpy(), dtype="Int64"),
            "summary": pd.Series(SUMMARIES[vouchers["summary_idx"].to_numpy()], dtype="str"),
            "account_name": "",
        }
    )
    zero = np.zeros(m, np.int64)
    amount = vouchers["amount"].to_numpy()
    debit_side = head.assign(
        _line=0,
        account_code=pd.Series(np.where(receipt, "1002", np.where(project_line, "50010201", "50010101")), dtype="str"),
        debit_fen=amount, credit_fen=zero,
        project=no_project.where(receipt, project),
        counterparty=pd.Series(payees[rng.integers(0, len(payees), m)], dtype="str"),
    )
    credit_side = head.assign(
        _line=1,
        account_code=pd.Series(np.where(receipt, np.where(project_line, "400102", "400101"), "1002"), dtype="str"),
        debit_fen=zero, credit_fen=amount,
        project=project.where(receipt, no_project),
        counterparty=pd.Series(pd.NA, index=range(m), dtype="str"),
    )
    ledger = pd.concat([debit_side, credit_side], ignore_index=True).sort_values(["_voucher", "_line"], kind="stable")
    ledger = ledger.drop(columns=["_voucher", "_line"]).reset_index(drop=True)
    ledger["voucher"] = ledger["voucher_type"] + "-" + ledger["voucher_no"].astype("str")
    ledger["source_file"] = ("明细账_" + ledger["unit"].str.replace("居民委员会", "", regex=False) + ".xlsx").astype("str")
    ledger["source_sheet"] = "明细账"
    ledger["source_row"] = pd.array(ledger.groupby("unit", sort=False).cumcount().to_numpy() + 5, dtype="Int64")

    communities = pd.Series([f"第{i:03d}社区" for i in range(UNITS)], dtype="str")
    allocations = pd.DataFrame(
        {
            "grant_id": [f"G{i:04d}" for i in range(UNITS)],
            "community": communities,
            "grant_type": GRANT_TYPES[np.arange(UNITS) % 2],
            "doc_number": "荆财社〔2017〕1号",
            "issued_date": pd.Timestamp("2017-03-01"),
            "amount_fen": np.full(UNITS, 5_000_000, np.int64),
            "arrived_date": pd.Timestamp("2017-04-01") + pd.to_timedelta(rng.integers(0, 400, UNITS), unit="D"),
            "arrived_fen": pd.array([None] * UNITS, dtype="Int64"),
            "source_file": "资金下达明细_2017.xlsx",
            "source_sheet": "资金下达",
            "source_row": pd.array(np.arange(3, 3 + UNITS), dtype="Int64"),
        }
    )
    return ledger.iloc[:rows].reset_index(drop=True), allocations


def run_all(ledger: pd.DataFrame, allocations: pd.DataFrame, rules: pd.DataFrame) -> dict[str, int]:
    ledger = with_community(ledger, allocations)
    arrival = check_arrival(allocations, as_of="2019-10-31")
    separate = check_separate_accounting(ledger, allocations, rules)
    scope = check_scope(ledger, allocations, rules, period_end="2018-12-31")
    analytics = run_ledger_analytics(ledger, allocations=allocations)
    return {"arrival": len(arrival.flags), "separate": len(separate), "scope": len(scope), "analytics": len(analytics.flags)}


def timed(ledger, allocations, rules) -> tuple[float, dict[str, int]]:
    start = time.perf_counter()
    counts = run_all(ledger, allocations, rules)
    return time.perf_counter() - start, counts


def main() -> int:
    rules = load_scope_rules()
    ledger, allocations = generate(ROWS)
    small = ledger.iloc[:SMALL].reset_index(drop=True)
    timed(small.iloc[:2_000], allocations, rules)  # warm-up: imports, regex compilation
    t_small, counts_small = timed(small, allocations, rules)
    t_full, counts_full = timed(ledger, allocations, rules)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    if sys.platform == "darwin":
        peak_mb /= 1024  # macOS reports bytes
    print(f"100,000 lines: {t_small:.2f} s, flags {counts_small}")
    print(f"{len(ledger):,} lines: {t_full:.2f} s, flags {counts_full}")
    result = {
        "rows": len(ledger),
        "total_s": round(t_full, 3),
        "peak_mb": round(peak_mb, 1),
        "rows_100k_s": round(t_small, 3),
        "growth_ratio": round(t_full / t_small, 2),
        "target_s": TARGET_S,
        "target_mb": TARGET_MB,
    }
    print(json.dumps(result))
    return 0 if result["total_s"] <= TARGET_S and result["peak_mb"] <= TARGET_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
