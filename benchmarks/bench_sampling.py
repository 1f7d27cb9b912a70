"""Benchmark: stratified and monetary unit selection from a 1,000,000-line population.

Run: .venv/bin/python benchmarks/bench_sampling.py
The last line printed is a JSON object with the times in seconds (target: under 2 s each).
Each timing covers the whole call, including validating and ordering the population.
"""

from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd

from jixiao.sampling import select_mus, select_stratified

ROWS = 1_000_000
UNITS = 27
TARGET_S = 2.0


def synthetic_population(rows: int = ROWS, seed: int = 2017) -> pd.DataFrame:
    """Ledger-like lines: 27 unit files, Excel rows from 5, amounts log-normal around 1,000 元, a few ≤ 0."""
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(UNITS), -(-rows // UNITS))[:rows]
    row = np.arange(rows) - np.searchsorted(unit, unit, side="left") + 5
    amounts = np.round(rng.lognormal(mean=11.5, sigma=1.2, size=rows)).astype(np.int64)
    amounts[rng.random(rows) < 0.002] *= -1
    names = np.array([f"社区{i:02d}" for i in range(UNITS)], dtype=object)
    frame = pd.DataFrame(
        {
            "source_file": pd.array(
                np.char.add(np.char.add("明细账_", names[unit].astype(str)), ".xlsx"), dtype="str"
            ),
            "source_sheet": pd.array(np.full(rows, "明细账"), dtype="str"),
            "source_row": row.astype(np.int64),
            "unit": pd.array(names[unit].astype(str), dtype="str"),
            "amount_fen": amounts,
        }
    )
    # Arrival order must not matter: shuffle so the canonical sort does real work.
    return frame.iloc[rng.permutation(rows)].reset_index(drop=True)


def timed(call) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def main() -> None:
    population = synthetic_population()
    stratified_s, stratified = timed(
        lambda: select_stratified(population, 400, 20171231, by="unit", allocation="neyman")
    )
    mus_s, mus = timed(lambda: select_mus(population, 400, 20171231))
    print(
        f"stratified: {len(stratified.sample)} items from {stratified.population_count:,} in {stratified_s:.3f} s"
    )
    print(
        f"MUS: {len(mus.sample)} items, {len(mus.excluded)} excluded (≤ 0), interval {mus.interval_fen / 100:,.2f} 元 in {mus_s:.3f} s"
    )
    print(
        json.dumps(
            {
                "rows": ROWS,
                "stratified_s": round(stratified_s, 3),
                "mus_s": round(mus_s, 3),
                "target_s": TARGET_S,
            }
        )
    )


if __name__ == "__main__":
    main()
