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
TARGET_XLSX_VS_CALAMINE = 1.5  # load_ledger within 1.5x python-calamine's raw parse of the sheet
TARGET_CSV_VS_PYARROW = 3.0  # load_ledger within 3x pyarrow.csv.read_csv of the same file


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


def write_csv_ledger(path: Path, lines: int, seed: int = 2017) -> int:
    """The same kind of ledger as a GB18030 CSV export (title lines, header, entries, a closing
    本年累计 row), built column-wise; returns the number of rows below the header."""
    rng = np.random.default_rng(seed)
    dates = pd.Series(
        pd.Timestamp("2017-01-01") + pd.to_timedelta(np.sort(rng.integers(0, 540, lines)), unit="D")
    )
    month = dates.dt.to_period("M")
    number = dates.groupby(month).cumcount() // 2 + 1
    yuan = rng.integers(100, 5_000_000, lines) / 100
    as_text = rng.random(lines) < 0.25
    amount = pd.Series(np.where(as_text, [f"{y:,.2f}" for y in yuan], yuan.astype(str)))
    debit_side = rng.random(lines) < 0.5
    account = rng.integers(0, len(ACCOUNTS), lines)
    codes = np.array([c for c, _ in ACCOUNTS])[account]
    names = np.array([n for _, n in ACCOUNTS])[account]
    frame = pd.DataFrame(
        {
            "日期": dates.dt.strftime("%Y-%m-%d"),
            "凭证字号": "记-" + number.astype(str),
            "摘要": np.array(SUMMARIES)[rng.integers(0, len(SUMMARIES), lines)],
            "科目编码": codes,
            "科目名称": names,
            "借方": amount.where(debit_side, ""),
            "贷方": amount.where(~debit_side, ""),
            "方向": "借",
            "余额": "",
            "项目": "",
            "往来单位": "",
            "附单据数": "1",
            "制单人": "张会计",
        }
    )
    closing = pd.DataFrame([{"日期": frame["日期"].iloc[-1], "摘要": "本年累计"}])
    frame = pd.concat([frame, closing], ignore_index=True).fillna("")
    with path.open("w", encoding="gb18030", newline="") as out:
        out.write("明细账\r\n核算单位：基准测试社区居民委员会\r\n")
        frame.to_csv(out, index=False, lineterminator="\r\n")
    return len(frame)


def calamine_parse(path: Path) -> list:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name("明细账").to_python()


def pyarrow_parse(path: Path):
    import pyarrow.csv as pacsv

    options = pacsv.ReadOptions(encoding="gb18030", skip_rows=2)
    return pacsv.read_csv(path, read_options=options)


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
    parser.add_argument(
        "--csv-lines",
        type=int,
        default=1_000_000,
        help="entry lines of the GB18030 CSV ledger (0: skip the CSV part)",
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
        calamine_s, grid = warm_best_of(args.repeat, lambda: calamine_parse(path))
        assert len(grid) == rows + 4, (len(grid), rows)
        xlsx_ratio = jixiao_s / calamine_s
        print(
            f"python-calamine 仅解析：{calamine_s:.2f} s；jixiao 为其 {xlsx_ratio:.2f} 倍"
            f"（目标 ≤ {TARGET_XLSX_VS_CALAMINE}）"
        )
        csv = {}
        if args.csv_lines:
            csv_path = Path(tmp) / "明细账_基准测试社区.csv"
            csv_rows = write_csv_ledger(csv_path, args.csv_lines)
            csv_s, loaded = warm_best_of(args.repeat, lambda: load_ledger(csv_path))
            assert loaded.counts["loaded"] == args.csv_lines, loaded.counts
            arrow_s, table = warm_best_of(args.repeat, lambda: pyarrow_parse(csv_path))
            assert table.num_rows == csv_rows, (table.num_rows, csv_rows)
            csv = {
                "csv_lines": args.csv_lines,
                "csv_jixiao_s": round(csv_s, 3),
                "csv_pyarrow_s": round(arrow_s, 3),
                "csv_ratio_vs_pyarrow": round(csv_s / arrow_s, 2),
                "target_csv_ratio_vs_pyarrow": TARGET_CSV_VS_PYARROW,
            }
            print(
                f"GB18030 CSV {args.csv_lines:,} 行：jixiao {csv_s:.2f} s，pyarrow.csv {arrow_s:.2f} s，"
                f"{csv_s / arrow_s:.2f} 倍（目标 ≤ {TARGET_CSV_VS_PYARROW}）"
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
                "openpyxl_ratio": round(ratio, 2),
                "target_ratio": TARGET_RATIO,
                "calamine_s": round(calamine_s, 3),
                "xlsx_ratio_vs_calamine": round(xlsx_ratio, 2),
                "target_xlsx_ratio_vs_calamine": TARGET_XLSX_VS_CALAMINE,
                **csv,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
