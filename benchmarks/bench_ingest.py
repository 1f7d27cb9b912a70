"""Ledger loading speed: jixiao.load_ledger against pandas.read_excel(engine="openpyxl").

Writes a deterministic 100,000-line 明细账 in the 2017 export format (title lines above the
header, 本月合计 / 本年累计 rows after each month, an opening 上年结转 row, a quarter of the
amounts typed as text such as "1,234.50") to a temporary folder, times both readers on the same
file the same way (one untimed warm-up call each, then the best of ``--repeat`` timed calls) and
prints the result; the last line is JSON for CI to read.

    .venv/bin/python benchmarks/bench_ingest.py [--lines 100000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from jixiao.loading import load_ledger

HEADER = [
    "日期",
    "凭证字号",
    "摘要",
    "科目编码",
    "科目名称",
    "借方",
    "贷方",
    "方向",
    "余额",
    "项目",
    "往来单位",
    "附单据数",
    "制单人",
]
ACCOUNTS = [
    ("50010101", "财政补助支出"),
    ("50010201", "财政补助支出"),
    ("1002", "银行存款"),
    ("400102", "项目支出"),
]
SUMMARIES = [
    "付水电费",
    "购办公用品",
    "付电话费",
    "服务站维修工程款",
    "社工培训活动费",
    "收到专项补助",
]
TARGET_RATIO = 5


def write_ledger(path: Path, lines: int, seed: int = 2017) -> int:
    """Write ``lines`` entry lines plus subtotal rows; returns the number of rows below the header."""
    rng = np.random.default_rng(seed)
    dates = pd.Timestamp("2017-01-01") + pd.to_timedelta(
        np.sort(rng.integers(0, 540, lines)), unit="D"
    )
    yuan = rng.integers(100, 5_000_000, lines) / 100
    account = rng.integers(0, len(ACCOUNTS), lines)
    summary = rng.integers(0, len(SUMMARIES), lines)
    as_text = rng.random(lines) < 0.25
    debit_side = rng.random(lines) < 0.5
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("明细账")
    ws.append(["明细账"])
    ws.append(["核算单位：基准测试社区居民委员会"])
    ws.append(["期间：2017年01月-2018年06月"])
    ws.append(HEADER)
    ws.append([None, None, "上年结转", None, None, None, None, "借", 0, None, None, None, None])
    rows = 1
    month = dates[0].month
    voucher = 0
    for i in range(lines):  # generating the test file, not loading it
        if dates[i].month != month:
            ws.append(
                [
                    dates[i - 1].to_pydatetime(),
                    None,
                    "本月合计",
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                ]
            )
            ws.append(
                [
                    dates[i - 1].to_pydatetime(),
                    None,
                    "本年累计",
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                ]
            )
            rows += 2
            month, voucher = dates[i].month, 0
        voucher += i % 2
        amount = f"{yuan[i]:,.2f}" if as_text[i] else float(yuan[i])
        code, name = ACCOUNTS[account[i]]
        ws.append(
            [
                dates[i].to_pydatetime(),
                f"记-{voucher + 1}",
                SUMMARIES[summary[i]],
                code,
                name,
                amount if debit_side[i] else None,
                None if debit_side[i] else amount,
                "借",
                None,
                None,
                None,
                1,
                "张会计",
            ]
        )
        rows += 1
    wb.save(path)
    return rows


def warm_best_of(repeat: int, fn):
    """One untimed warm-up call (imports, caches, first file read), then the best of ``repeat``
    timed calls. Returns (seconds, the warm-up call's result)."""
    result = fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument(
        "--repeat",
        type=int,
        default=2,
        help="timed runs of each reader after one warm-up (best counts)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "明细账_基准测试社区.xlsx"
        start = time.perf_counter()
        rows = write_ledger(path, args.lines)
        print(
            f"生成测试明细账 {args.lines:,} 行分录（表头下共 {rows:,} 行）：{time.perf_counter() - start:.1f} s"
        )
        how = f"预热 1 次后 {args.repeat} 次取最快"
        jixiao_s, result = warm_best_of(args.repeat, lambda: load_ledger(path))
        assert result.counts["loaded"] == args.lines, result.counts
        print(f"jixiao.load_ledger（解析、校验、转换为分）：{jixiao_s:.2f} s（{how}）")
        openpyxl_s, frame = warm_best_of(
            args.repeat,
            lambda: pd.read_excel(path, sheet_name="明细账", header=3, engine="openpyxl"),
        )
        assert len(frame) == rows, (len(frame), rows)
        print(f"pandas.read_excel(engine='openpyxl')（仅读取）：{openpyxl_s:.2f} s（{how}）")
        ratio = openpyxl_s / jixiao_s
        print(
            f"加速比 {ratio:.1f} 倍（目标 ≥ {TARGET_RATIO} 倍）：{'达到' if ratio >= TARGET_RATIO else '未达到'}"
        )
    print(
        json.dumps(
            {
                "lines": args.lines,
                "jixiao_s": round(jixiao_s, 3),
                "openpyxl_s": round(openpyxl_s, 3),
                "repeat": args.repeat,
                "warmup": 1,
                "ratio": round(ratio, 2),
                "target_ratio": TARGET_RATIO,
            }
        )
    )


if __name__ == "__main__":
    main()
