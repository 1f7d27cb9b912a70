"""Benchmark: every ledger check of jixiao.compliance on a generated 1,000,000-line ledger.

Generates a canonical ledger in memory (balanced two-line vouchers across 500 units, 2017-01 …
2018-06, numbered per unit, type and month, with a few numbers missing) and a filled-in 抽样清单
of one expense line in a thousand, then times every check — fund arrival, separate accounting,
scope, the general-ledger analytics with Benford's test (GL-01 … GL-07), the voucher evidence
(EVD-01 … EVD-03) — and the findings register built from all of them, on the first 100,000
lines and on all 1,000,000. The ledger is prepared once (``prepare_ledger``: each line's
community, text keys coded), as notebook 03 does, and that is timed with the checks; as in
the notebook (``ledger = compliance.prepare_ledger(ledger, allocations)``) only the prepared
ledger is kept, so the text of the coded columns is freed. Peak memory (``peak_mb``) is the
process's largest resident set while the checks run, the ledger included: on Linux the count
starts after the ledger is generated (``/proc/self/clear_refs``, ``peak_counted_from``), and the generator's freed scratch memory is first handed back to the
system (``scratch_released``: Arrow's pool, and glibc's ``malloc_trim`` where there is one), so
it is not counted; elsewhere the peak is the whole process's. ``peak_mb_with_reference`` is the
same after the Benford spike and the DuckDB reference, which copies the ledger into DuckDB;
both run on the ledger generated again (same seed, same lines), after the timed runs.

The generated amounts conform to Benford's law (no GL-07); the flagging path of a failed test is
timed separately on the same 1,000,000 lines with a planted first-digit spike.

Last line of output: JSON with rows, total_s, peak_mb, rows_100k_s, growth_ratio, the CPU
seconds of both runs (total_cpu_s, rows_100k_cpu_s: on a shared machine wall time includes
waiting for a core), targets, the
flag counts per check and the Benford conclusion, and benford_spike_s / benford_spike.
With the bench extra installed (``pip install -e ".[bench]"``), the six GL analytics (GL-01 …
GL-06) are also timed against a DuckDB SQL reference (``gl_duckdb.py``) on one and two threads,
and the flagged lines are asserted identical: ``ratio_vs_duckdb`` is jixiao's time over DuckDB's
on one thread.
Run: .venv/bin/python benchmarks/bench_compliance.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from jixiao.compliance import (
    benford_flags,
    benford_test,
    check_arrival,
    ledger_amounts,
    load_scope_rules,
    prepare_ledger,
    run_ledger_checks,
    voucher_evidence_findings,
)
from jixiao.compliance.analytics import (
    duplicate_payments,
    off_day_postings,
    round_amounts,
    split_payments,
    unbalanced_vouchers,
    voucher_gaps,
)
from jixiao.compliance.common import concat_flags
from jixiao.findings import build_register

ROWS = 1_000_000
SMALL = 100_000
UNITS = 500
SEED = 20171231
TARGET_S_PER_MILLION = 2.5  # issue 16: every check <= 2.5 s at 1M lines, <= 25 s at 10M
TARGET_GROWTH = 10.5  # ten times the lines in at most 10.5 times the time
TARGET_MB = 6144  # peak at 10M lines
TARGET_RATIO_VS_DUCKDB = 1.5  # the six GL analytics against DuckDB SQL on one thread
FIELDWORK_EVERY = 1_000  # one sampled expense line per thousand ledger lines

SUMMARIES = np.array(
    [
        "购办公用品",
        "缴电费",
        "缴水费",
        "电话费",
        "物业费",
        "工资",
        "差旅费",
        "印刷费",
        "邮寄费",
        "维修费",
        "服务站装修工程款",
        "服务站设备购置",
        "社工培训费",
        "公益创投项目",
        "社会组织孵化活动",
        "社会工作室建设",
    ]
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
    vouchers = pd.DataFrame(
        {
            "unit": unit,
            "date": date,
            "vtype": vtype,
            "amount": amount,
            "summary_idx": summary_idx,
            "is_project": is_project,
            "grant_type": grant_type,
            "receipt": vtype == "收",
        }
    )
    vouchers["month"] = vouchers["date"].dt.to_period("M")
    vouchers = vouchers.sort_values(["unit", "vtype", "date"], kind="stable", ignore_index=True)
    vouchers["no"] = vouchers.groupby(["unit", "vtype", "month"], sort=False).cumcount() + 1
    vouchers = vouchers.loc[rng.random(len(vouchers)) > 0.001].reset_index(drop=True)  # a few gaps

    m = len(vouchers)
    receipt = vouchers["receipt"].to_numpy()
    project_line = vouchers["is_project"].to_numpy()
    project = pd.Series(
        np.where(project_line, GRANT_TYPES[vouchers["grant_type"].to_numpy()], None), dtype="str"
    )
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
        account_code=pd.Series(
            np.where(receipt, "1002", np.where(project_line, "50010201", "50010101")), dtype="str"
        ),
        debit_fen=amount,
        credit_fen=zero,
        project=no_project.where(receipt, project),
        counterparty=pd.Series(payees[rng.integers(0, len(payees), m)], dtype="str"),
    )
    credit_side = head.assign(
        _line=1,
        account_code=pd.Series(
            np.where(receipt, np.where(project_line, "400102", "400101"), "1002"), dtype="str"
        ),
        debit_fen=zero,
        credit_fen=amount,
        project=project.where(receipt, no_project),
        counterparty=pd.Series(pd.NA, index=range(m), dtype="str"),
    )
    ledger = pd.concat([debit_side, credit_side], ignore_index=True).sort_values(
        ["_voucher", "_line"], kind="stable"
    )
    ledger = ledger.drop(columns=["_voucher", "_line"]).reset_index(drop=True)
    ledger["voucher"] = ledger["voucher_type"] + "-" + ledger["voucher_no"].astype("str")
    ledger["source_file"] = (
        "明细账_" + ledger["unit"].str.replace("居民委员会", "", regex=False) + ".xlsx"
    ).astype("str")
    ledger["source_sheet"] = "明细账"
    ledger["source_row"] = pd.array(
        ledger.groupby("unit", sort=False).cumcount().to_numpy() + 5, dtype="Int64"
    )

    communities = pd.Series([f"第{i:03d}社区" for i in range(UNITS)], dtype="str")
    allocations = pd.DataFrame(
        {
            "grant_id": [f"G{i:04d}" for i in range(UNITS)],
            "community": communities,
            "grant_type": GRANT_TYPES[np.arange(UNITS) % 2],
            "doc_number": "荆财社〔2017〕1号",
            "issued_date": pd.Timestamp("2017-03-01"),
            "amount_fen": np.full(UNITS, 5_000_000, np.int64),
            "arrived_date": pd.Timestamp("2017-04-01")
            + pd.to_timedelta(rng.integers(0, 400, UNITS), unit="D"),
            "arrived_fen": pd.array([None] * UNITS, dtype="Int64"),
            "source_file": "资金下达明细_2017.xlsx",
            "source_sheet": "资金下达",
            "source_row": pd.array(np.arange(3, 3 + UNITS), dtype="Int64"),
        }
    )
    return ledger.iloc[:rows].reset_index(drop=True), allocations


def fieldwork_sheet(ledger: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    """The read-back 抽样清单 (canonical, as fieldwork_for_compliance gives it): every
    ``FIELDWORK_EVERY``-th expense line, with a few vouchers lacking documents, approval or
    compliance and a few misstatements."""
    expense = ledger.loc[ledger["account_code"].str.startswith("5") & (ledger["debit_fen"] > 0)]
    items = max(1, len(ledger) // FIELDWORK_EVERY)
    sample = expense.iloc[:: max(1, len(expense) // items)].iloc[:items].reset_index(drop=True)
    rng = np.random.default_rng(seed)
    n = len(sample)

    def answers(no_share: float) -> pd.arrays.BooleanArray:
        return pd.array(rng.random(n) >= no_share, dtype="boolean")

    misstated = rng.random(n) < 0.02
    return pd.DataFrame(
        {
            "unit": sample["unit"],
            "date": sample["date"],
            "voucher": sample["voucher"],
            "summary": sample["summary"],
            "amount_fen": pd.array(sample["debit_fen"], dtype="Int64"),
            "source_file": sample["source_file"],
            "source_sheet": sample["source_sheet"],
            "source_row": sample["source_row"],
            "fieldwork_file": "抽样清单_已填_2017.xlsx",
            "fieldwork_sheet": "抽样清单",
            "fieldwork_row": np.arange(2, n + 2),
            "documents_complete": answers(0.03),
            "approved": answers(0.02),
            "compliant": answers(0.05),
            "misstatement_fen": pd.array(
                np.where(misstated, sample["debit_fen"] // 10, 0), dtype="Int64"
            ),
            "note": pd.Series(pd.NA, index=range(n), dtype="str"),
        }
    )


OBSERVATIONS = pd.DataFrame(
    {
        "observation_id": ["OBS-02a", "OBS-04"],
        "title": ["评价指标体系尚未形成", "社会组织缺乏发展后劲"],
        "description": ["未设置绩效评价指标体系。", "社区社会组织普遍小、弱、散。"],
        "dimension": ["投入", "效果"],
        "indicator": ["绩效指标明确性", "可持续影响"],
        "units": ["", ""],
        "evidence_source": ["案卷研究", "座谈会"],
        "evidence_detail": ["", "座谈会记录"],
        "severity": ["中", "中"],
    }
)


def run_all(
    handed: list[pd.DataFrame],
    allocations: pd.DataFrame,
    rules: pd.DataFrame,
    fieldwork: pd.DataFrame,
) -> dict:
    """Every check on the ledger ``handed`` over (taken out of the list), prepared once as
    notebook 03 does: ``ledger = compliance.prepare_ledger(ledger, allocations)`` keeps the
    prepared ledger only, so its text columns are freed once coded."""
    ledger = prepare_ledger(handed.pop(), allocations)  # community and coded keys, once
    arrival = check_arrival(allocations, as_of="2019-10-31")
    checks = run_ledger_checks(ledger, allocations, rules, period_end="2018-12-31")
    separate, scope, analytics = checks.separate, checks.scope, checks.analytics
    evidence = voucher_evidence_findings(fieldwork, allocations)
    register = build_register(
        arrival, separate, scope, analytics.flags, evidence, observations=OBSERVATIONS
    )
    return {
        "arrival": len(arrival.flags),
        "separate": len(separate),
        "scope": len(scope),
        "analytics": len(analytics.flags),
        "benford": int(analytics.flags["rule"].eq("GL-07").sum()),
        "evidence": len(evidence),
        "register": len(register),
        "benford_conformity": analytics.benford.conformity,
    }


def benford_spike(ledger: pd.DataFrame) -> tuple[float, dict]:
    """The generated amounts conform to Benford's law, so GL-07 raises nothing above. Here every
    8th line's amount is moved to 50.00–59.99 元 (first digit 5), the test fails and the
    flagging path (every line with a spike digit cited) is timed on the whole ledger."""
    amounts = ledger_amounts(ledger)
    spiked = amounts.where(np.arange(len(amounts)) % 8 != 0, 5_000 + amounts % 1_000)
    start = time.perf_counter()
    result = benford_test(spiked)
    flags = benford_flags(result, ledger, amounts=spiked)
    return time.perf_counter() - start, {
        "flags": len(flags),
        "conformity": result.conformity,
        "mad": round(result.mad, 4),
    }


def timed(handed: list[pd.DataFrame], allocations, rules) -> tuple[float, dict]:
    """The checks' time on the ledger ``handed`` over in a one-item list (emptied: the caller
    keeps no reference, as in the notebook)."""
    fieldwork = fieldwork_sheet(handed[0])  # an input, not part of the checks' time
    start, cpu = time.perf_counter(), time.process_time()
    counts = run_all(handed, allocations, rules, fieldwork)
    counts["cpu_s"] = round(
        time.process_time() - cpu, 3
    )  # helps read a wall time on a busy machine
    return time.perf_counter() - start, counts


def six_analytics(ledger: pd.DataFrame) -> pd.DataFrame:
    """GL-01 … GL-06 with their defaults, as the DuckDB reference computes them."""
    return concat_flags(
        [
            duplicate_payments(ledger),
            voucher_gaps(ledger),
            off_day_postings(ledger),
            round_amounts(ledger),
            split_payments(ledger),
            unbalanced_vouchers(ledger),
        ]
    )


def against_duckdb(ledger: pd.DataFrame) -> dict:
    """The six analytics against DuckDB SQL on one and on two threads, flag sets asserted equal."""
    try:
        import gl_duckdb
    except ImportError:  # pragma: no cover - the bench extra is not installed
        return {"ratio_vs_duckdb": None, "duckdb": 'not installed (pip install -e ".[bench]")'}
    try:
        gl_duckdb.flagged_lines(ledger.iloc[:2_000], threads=1)  # warm-up
    except ModuleNotFoundError:
        return {"ratio_vs_duckdb": None, "duckdb": 'not installed (pip install -e ".[bench]")'}
    start = time.perf_counter()
    ours = gl_duckdb.jixiao_flagged_lines(six_analytics(ledger), ledger)
    jixiao_s = time.perf_counter() - start
    seconds = {}
    for threads in (1, 2):
        start = time.perf_counter()
        reference = gl_duckdb.flagged_lines(ledger, threads=threads)
        seconds[threads] = time.perf_counter() - start
        if reference != ours:
            raise AssertionError(
                f"flag sets differ from DuckDB: {len(ours - reference)} only in jixiao, "
                f"{len(reference - ours)} only in DuckDB"
            )
    return {
        "gl_six_s": round(jixiao_s, 3),
        "duckdb_1thread_s": round(seconds[1], 3),
        "duckdb_2threads_s": round(seconds[2], 3),
        "ratio_vs_duckdb": round(jixiao_s / seconds[1], 2),
        "target_ratio_vs_duckdb": TARGET_RATIO_VS_DUCKDB,
        "gl_flags_compared": len(ours),
    }


PROC_STATUS = Path("/proc/self/status")


def release_scratch() -> bool:
    """Hand the generator's freed scratch memory back to the system before the count starts.
    Arrow's pool and glibc's malloc keep freed blocks for reuse, so without this the resident
    set after generating 10M lines holds gigabytes of freed arrays that a ledger read from
    parquet (as notebook 03 reads it) never had. True when glibc's trim was available."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (Windows, macOS): Arrow's pool released only
        return False
    libc.malloc_trim(0)
    return True


def reset_peak_rss() -> bool:
    """Start the peak-memory count afresh (Linux: the high-water mark back to the current
    resident set), so the peak is the checks' and not the ledger generator's scratch memory."""
    try:
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
    except OSError:
        return False
    return True


def peak_rss_mb() -> float | None:
    """The process's largest resident set (since :func:`reset_peak_rss` where it works), MiB."""
    if PROC_STATUS.exists():
        for line in PROC_STATUS.read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    try:
        import resource
    except ImportError:  # Windows: no portable peak without a dependency
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    return peak / 1024 if sys.platform == "darwin" else peak  # macOS reports bytes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    rows = parser.parse_args().rows
    rules = load_scope_rules(year=2017)
    ledger, allocations = generate(rows)
    n_small = max(2_000, rows // 10)
    timed([ledger.iloc[:2_000].copy()], allocations, rules)  # warm-up: imports, regexes
    small, full = [ledger.iloc[:n_small].copy()], [ledger]
    del ledger  # handed over: each run frees the text columns it has coded
    trimmed = release_scratch()
    peak_reset = reset_peak_rss()
    t_small, counts_small = timed(small, allocations, rules)
    t_full, counts_full = timed(full, allocations, rules)
    # The checks' peak: the generated ledger, the tenth-size run and the full run. The spike
    # test and the DuckDB reference (which copies the ledger into DuckDB) come after it, on
    # the same ledger generated again (same seed, same lines; not timed).
    peak_mb = peak_rss_mb()
    ledger, _ = generate(rows)
    t_spike, spike = benford_spike(ledger)
    duck = against_duckdb(ledger)
    print(f"{n_small:,} lines: {t_small:.2f} s, flags {counts_small}")
    print(f"{len(ledger):,} lines: {t_full:.2f} s, flags {counts_full}")
    print(f"Benford with a first-digit spike, {len(ledger):,} lines: {t_spike:.2f} s, {spike}")
    result = {
        "rows": len(ledger),
        "total_s": round(t_full, 3),
        "peak_mb": round(peak_mb, 1) if peak_mb is not None else None,
        "peak_mb_with_reference": round(peak_rss_mb() or 0, 1) or None,
        "peak_counted_from": "after generation" if peak_reset else "process start",
        "scratch_released": "arrow pool and malloc_trim" if trimmed else "arrow pool",
        "rows_100k_s": round(t_small, 3),  # a tenth of the lines (100,000 at the default)
        "growth_ratio": round(t_full / t_small, 2),
        "total_cpu_s": counts_full.pop("cpu_s"),
        "rows_100k_cpu_s": counts_small.pop("cpu_s"),
        "target_s": round(TARGET_S_PER_MILLION * len(ledger) / 1_000_000, 3),
        "target_growth_ratio": TARGET_GROWTH,
        "target_mb": TARGET_MB,
        "flags": counts_full,
        "benford_spike_s": round(t_spike, 3),
        "benford_spike": spike,
        **duck,
    }
    print(json.dumps(result, ensure_ascii=False))
    duck_ok = duck["ratio_vs_duckdb"] is None or duck["ratio_vs_duckdb"] <= TARGET_RATIO_VS_DUCKDB
    met = (
        result["total_s"] <= result["target_s"]
        and (result["peak_mb"] or 0) <= TARGET_MB
        and result["growth_ratio"] <= TARGET_GROWTH
        and duck_ok
    )
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
