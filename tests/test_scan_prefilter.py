"""The leak scan's vectorised pre-filters never drop a cell the exact patterns would flag."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pyarrow as pa

from jixiao import privacy
from jixiao.scan_prefilter import name_candidates, name_prefix_pattern, number_candidates

NAMES = ["王小明", "欧阳娜娜", "李四", "Li Na"]


def _cells(values, chunks=1):
    size = max(1, len(values) // chunks)
    parts = [values[i : i + size] for i in range(0, len(values), size)] or [[]]
    return pa.chunked_array([pa.array(p, type=pa.large_string()) for p in parts])


def test_name_prefilter_finds_names_at_any_position_and_in_any_chunk():
    values = [
        "",
        "王小明",
        "访谈对象：欧阳娜娜（居民）",
        "李",
        "x",
        "四",
        "x李四",
        "Li Na said",
        "王小",
        None,
    ]
    flags = name_candidates(_cells(values, chunks=3), NAMES)
    # 王小 is only a name's first two characters: a candidate the exact pass then drops.
    assert flags.tolist() == [False, True, True, False, False, False, True, True, True, False]


def test_number_prefilter_keeps_phone_and_id_shapes_only():
    values = [
        "电话13812345678",
        "139-1234-5678",
        "１３８１２３４５６７８",
        "身份证42080219900101123X",
        "金额 12,345,678.90 元",
        "2017-03-05 2017-04-06",
        "",
    ]
    flags = number_candidates(_cells(values))
    assert flags.tolist() == [True, True, False, True, False, False, False]


def _exact_hits(frame: pd.DataFrame, names) -> list[str]:
    """The exact pattern over every cell, no pre-filter: what the scan must find."""
    patterns = privacy._scan_patterns(names)
    everything = np.full(len(frame), 2, dtype=np.int8)
    hits = []
    for column in frame.columns:
        hits += privacy._hits_in_series(
            frame[column], patterns, lambda i, c=column: f"{c}[{i}]", everything
        )
    return [str(h) for h in hits]


def test_scan_with_prefilters_equals_the_exact_scan_on_random_text():
    rng = random.Random(7)
    alphabet = "社区居民满意度调查王李小明娜欧阳0123456789-. ,："
    pieces = ["13812345678", "139 1234 5678", "420802199001011234", *NAMES, "3.13812345678"]

    def cell():
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        if rng.random() < 0.3:
            at = rng.randint(0, len(text))
            text = text[:at] + rng.choice(pieces) + text[at:]
        return text

    frame = pd.DataFrame({f"c{k}": [cell() for _ in range(400)] for k in range(3)})
    found = [
        str(h) for h in privacy.find_personal_data(frame, names=NAMES) if "表头" not in h.where
    ]
    assert found == _exact_hits(frame, NAMES)
    assert len(found) > 50  # the random text really holds hits


def test_the_name_prefix_pattern_marks_exactly_the_cells_holding_a_prefix():
    import pyarrow.compute as pc

    rng = random.Random(16)
    names = ["王小明", "李娜", "欧阳修远", "a.b c", "(x)", "张"]
    alphabet = "王小明李娜欧阳修远张三a.b c(x)-12 \n"
    cells = pa.chunked_array(
        [["".join(rng.choice(alphabet) for _ in range(rng.randrange(12))) for _ in range(3000)]],
        type=pa.large_string(),
    )
    pattern = name_prefix_pattern(names)
    by_pattern = pc.match_substring_regex(cells, pattern).to_numpy(zero_copy_only=False)
    prefixes = [n[:2] for n in names if len(n) >= 2]
    exact = [any(p in cell for p in prefixes) for cell in cells.to_pylist()]
    np.testing.assert_array_equal(by_pattern, exact)
    # name_candidates may also mark a cell whose last character begins a prefix the next
    # cell completes; both keep every cell holding a name.
    assert not (by_pattern & ~name_candidates(cells, names)).any()
    assert by_pattern.any() and not by_pattern.all()
    assert name_prefix_pattern(["张"]) is None
