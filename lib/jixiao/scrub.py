"""Personal data in free text of every raw kind, masked at ingest before anything is written.

The questionnaire and interview log are masked column by column (:mod:`jixiao.privacy`); but a
phone or ID number can sit anywhere an evaluator's files hold free text — a ledger 摘要
(支付张三劳务费 身份证…), a 收款单位, an observation's 问题描述, an output's note. Every text
column the schema declares (type ``text``) outside the identity, provenance and classification
columns is scrubbed here: mobiles (also 3-4-4 with spaces, dashes or dots, full-width digits),
15- and 18-digit ID numbers, and the respondents' names. What was masked is recorded as a
normalisation (file, sheet, column, how many cells).
"""

from __future__ import annotations

import re

import pandas as pd

from . import schema
from .distinct import encode, spread
from .privacy import _NOT_FREE_TEXT, ID_PATTERN, _mask_number

SCRUB_ACTION = "隐去个人信息（手机号、身份证号、受访者姓名）"
# Mobiles in 3-4-4 groups separated by a space, dash or dot; digits already half-width (NFKC).
_PHONE_IN_TEXT = r"(?<!\d)1[3-9]\d[-. ]?\d{4}[-. ]?\d{4}(?!\d)"
_NUMBERS = re.compile(f"{ID_PATTERN}|{_PHONE_IN_TEXT}")


def free_text_columns(table: schema.Table, frame: pd.DataFrame) -> list[str]:
    """The text columns of a raw kind that may carry personal data in passing."""
    return [
        c.name
        for c in table.columns
        if c.type == "text" and c.name not in _NOT_FREE_TEXT and c.name in frame.columns
    ]


def _mask(match: re.Match) -> str:
    return _mask_number(re.sub(r"[-. ]", "", match.group(0)))


def _arrow_text(text: pd.Series):
    """A text column as an Arrow array with missing cells as "": zero-copy when pandas already
    holds the column in Arrow (a Python str per cell otherwise)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(text.dtype, pd.StringDtype) and text.dtype.storage == "pyarrow":
        cells = pa.array(text.array)
    else:
        cells = pa.array(text.to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)
    if isinstance(cells, pa.ChunkedArray):
        cells = cells.combine_chunks()
    return pc.fill_null(cells, "")


def _digit_rich(text: pd.Series, minimum: int = 11) -> pd.Series:
    """Cells with at least ``minimum`` digits (a phone has 11, an ID 15 or 18), in one pyarrow
    pass, so the per-cell patterns below run on those few cells only."""
    import pyarrow.compute as pc

    count = pc.count_substring_regex(_arrow_text(text), "[0-9\uff10-\uff19]")
    return pd.Series(
        pc.greater_equal(count, minimum).to_numpy(zero_copy_only=False), index=text.index
    )


def _containing(text: pd.Series, alternation: str) -> pd.Series:
    import pyarrow.compute as pc

    hit = pc.match_substring_regex(_arrow_text(text), alternation)
    return pd.Series(hit.to_numpy(zero_copy_only=False), index=text.index)


def scrub_series(series: pd.Series, names: dict[str, str]) -> pd.Series:
    """Phones, ID numbers and known names in a text column replaced by their masks."""
    text = series.astype("string")
    out = text.copy()
    rich = _digit_rich(text)
    if rich.any():
        half_width = text[rich].str.normalize("NFKC")
        # Only cells holding a candidate are rewritten, so full-width text elsewhere stays as loaded.
        candidates = half_width.str.contains(_NUMBERS, na=False)
        replaced = half_width.str.replace(_NUMBERS, _mask, regex=True)
        out[rich] = text[rich].where(~candidates, replaced)
    usable = {
        raw: masked for raw, masked in names.items() if isinstance(raw, str) and len(raw) >= 2
    }
    if usable:
        alternation = "|".join(re.escape(n) for n in sorted(usable, key=lambda n: (-len(n), n)))
        named = _containing(out, alternation)
        if named.any():
            out[named] = out[named].str.replace(
                alternation, lambda m: usable[m.group(0)], regex=True
            )
    return out


def scrub_table(
    table: schema.Table, frame: pd.DataFrame, names: dict[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A raw kind's canonical frame with its free text scrubbed, and the normalisation rows
    (file, sheet, column header, action, count) saying what was masked where."""
    out = frame.copy()
    headers = {c.name: c.header for c in table.columns}
    notes: list[pd.DataFrame] = []
    for column in free_text_columns(table, frame):
        before = frame[column].astype("string")
        coded = encode(before)
        if coded is None:  # hardly a value repeats: every cell scrubbed
            after = scrub_series(before, names)
            changed = (before.fillna("") != after.fillna("")).to_numpy()
        else:  # a ledger's 摘要, 往来单位, 制单人 repeat: each distinct text scrubbed once
            positions, distinct = coded
            done = scrub_series(distinct, names)
            changed = (distinct.fillna("") != done.fillna("")).to_numpy()[positions]
            after = spread(done, positions, frame.index) if changed.any() else before
        if not changed.any():
            continue
        out[column] = after.astype(frame[column].dtype)
        where = frame.loc[changed, ["source_file", "source_sheet"]].astype("string").fillna("")
        counts = where.groupby(["source_file", "source_sheet"], sort=True).size()
        notes.append(
            pd.DataFrame(
                {
                    "file": counts.index.get_level_values(0),
                    "sheet": counts.index.get_level_values(1),
                    "column": headers[column],
                    "action": SCRUB_ACTION,
                    "count": counts.to_numpy().astype("int64"),
                }
            )
        )
    columns = ["file", "sheet", "column", "action", "count"]
    found = pd.concat(notes, ignore_index=True) if notes else pd.DataFrame(columns=columns)
    return out, found.astype({"count": "int64"})
