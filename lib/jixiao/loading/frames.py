"""The generic loader: a sheet's rows under its header, stacked over files, dropped, converted, rejected.

Every file of a kind is stacked into one :class:`Frame`, so each conversion runs once over the
whole batch; each row keeps its file, sheet and Excel row for the rejects and the provenance columns.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd

from jixiao import schema
from jixiao.concurrency import side_by_side
from jixiao.distinct import spread, spread_text
from jixiao.readers import RawGrid
from jixiao.xlsx_cells import column_letters

from .cells import (
    SPACES,
    Converted,
    convert_column,
    dtype_for,
    excel_display,
    shortest_text,
)
from .columns import (
    Texts,
    as_text_piece,
    clean_column,
    clean_money,
    stack_pieces,
    take_converted,
)
from .headers import HeaderMatch, header_lookup, require_header
from .result import (
    MASKED_VALUE,
    PERSONAL_COLUMNS,
    TEXT_DTYPE,
    empty_dropped,
    empty_rejects,
    notes_frame,
)

TOTAL_ROW_WORDS = ("合计", "总计", "小计")


@dataclass
class Part:
    """One sheet's data region: its header match and its raw rows, indexed by Excel row number."""

    grid: RawGrid
    header: HeaderMatch
    body: pd.DataFrame  # all grid columns, rows below the header
    found: dict[str, str]  # canonical (or extra) name → header as found, in sheet order
    notes: list[tuple[str, str, int]]  # (column, action, count) recorded while preparing
    # Workbook columns judged while the file was read (grid column → as_text_piece), for
    # stacking beside CSV text without doing it for every file at once afterwards.
    judged: dict[int, tuple[bool, pd.Series | None]] = field(default_factory=dict)

    def judge_text_columns(self) -> None:
        """Work out now, for each mapped column of Python objects, whether it holds text only
        (and its cells as text): done in the thread that read the file."""
        for j in self.header.columns:
            if j in self.body.columns and self.body[j].dtype == object:
                self.judged[j] = as_text_piece(self.body[j])


def prepare(grid: RawGrid, table: schema.Table, extra: dict[str, str] | None = None) -> Part:
    lookup = header_lookup(table, extra)
    required = [c.name for c in table.columns if c.required]
    header = require_header(grid, table, lookup, required)
    start = header.row + header.n_rows
    body = grid.cells.iloc[start:]
    body.index = pd.RangeIndex(start + 1, start + 1 + len(body), name="row")
    part = Part(grid, header, body, {}, [])
    part.notes.extend(("", note, 1) for note in grid.notes)
    if grid.encoding:
        compatible = "（兼容 GBK）" if grid.encoding == "gb18030" else ""
        separator = "制表符" if grid.delimiter == "\t" else "逗号"
        part.notes.append(
            ("", f"CSV 编码识别为 {grid.encoding}{compatible}，分隔符为{separator}", 1)
        )
    if header.row:
        part.notes.append(
            ("", f"表头位于第 {header.row + 1} 行，上方 {header.row} 行标题已跳过", 1)
        )
    if header.n_rows == 2:
        part.notes.append(
            ("", f"第 {header.row + 1}–{header.row + 2} 行为两行合并表头，已合并识别", 1)
        )
    known = {c.name: c.header for c in table.columns}
    for _, (name, shown) in sorted(header.columns.items()):
        part.found[name] = shown
        target = known.get(name, name)
        if name in known and shown != target:
            part.notes.append((shown, f"表头「{shown}」识别为「{target}」（{name}）", 1))
    codes = {c.name for c in table.columns if c.type == "code"}
    for j, (name, shown) in header.columns.items():
        if name in codes and j in part.body.columns:
            _codes_as_displayed(part, j, shown)
    return part


def _codes_as_displayed(part: Part, column: int, shown: str) -> None:
    """Code cells typed as numbers become the text Excel shows (0101 under format 0000)."""
    values = part.body[column]
    if isinstance(values.dtype, pd.StringDtype):
        return  # text cells (a CSV): no numbers
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        return  # text cells only (one pass in C, not a type per cell)
    # calamine hands numbers as float (int for some .xls); bool is not a code
    numeric = values.map(type).isin((float, int))
    if not numeric.any():
        return
    formats = part.grid.number_formats(column) if part.grid.number_formats else None
    rows = values.index[numeric]
    numbers = pd.to_numeric(values[numeric]).astype("float64")
    if formats is None:
        shown_codes = numbers.map(shortest_text)  # only the numeric cells of a code column
        part.notes.append(
            (
                shown,
                "编码为数字单元格，无法读取其显示格式（.xls），按数值读取：请核对前导 0 和末尾的 0",
                int(numeric.sum()),
            )
        )
    else:
        by_row = pd.Series(formats, dtype=object)
        codes = pd.Series(by_row.reindex(rows - 1).fillna("General").to_numpy(), index=rows)
        shown_codes = pd.Series(index=rows, dtype=object)
        for code, group in codes.groupby(codes, sort=True):
            shown_codes[group.index] = excel_display(numbers[group.index], code)
            part.notes.append(
                (shown, f"编码为数字单元格，按 Excel 显示格式「{code}」读取为文本", len(group))
            )
    body = part.body.copy()
    body.loc[rows, column] = shown_codes.astype(object)
    part.body = body


@dataclass
class Frame:
    """The rows of one or more sheets of the same kind, converted together.

    Every file's rows are stacked once, so each conversion runs once over the whole batch
    instead of once per file and column. ``part`` and ``row`` give each position's file (an
    index into ``parts``) and Excel row; notes are kept per file, in the order they were made.
    """

    parts: list[Part]
    table: schema.Table
    part: np.ndarray  # int: which part each row comes from
    row: np.ndarray  # int: Excel row number within its part
    texts: Texts  # name → text cells (NA where empty or where the part lacks the column)
    found: dict[str, np.ndarray]  # name → header as found, per part ("" where the part lacks it)
    notes: list[dict] = field(default_factory=list)
    # name → {position: "D4 =SUM(…)"} for formula cells saved without a value (xlsx)
    formulas: dict[str, dict[int, str]] = field(default_factory=dict)
    # name → (positions, distinct cleaned texts) for columns whose values repeat
    encoded: dict[str, tuple[np.ndarray, pd.Series]] = field(default_factory=dict)
    # name → amounts already converted (money columns), every stacked row
    converted: dict[str, Converted] = field(default_factory=dict)
    # the stacked rows that became data rows, in order (set by load_frame)
    loaded: np.ndarray | None = None

    def missing(self, name: str) -> np.ndarray:
        """Where column ``name`` is empty (everywhere when no file has it)."""
        if name not in self.texts:
            return np.ones(len(self.part), dtype=bool)
        return self.texts.missing(name)

    @property
    def index(self) -> pd.RangeIndex:
        return pd.RangeIndex(len(self.part))

    def per_row(self, per_part, rows: np.ndarray) -> np.ndarray:
        """A value per part → one per stacked row of ``rows`` (positions)."""
        return np.asarray(per_part, dtype=object)[self.part[rows]]

    def note(self, k: int, column: str, action: str, count: int) -> None:
        if count:
            grid = self.parts[k].grid
            self.notes.append(
                {
                    "part": k,
                    "file": grid.file,
                    "sheet": grid.sheet,
                    "column": column,
                    "action": action,
                    "count": int(count),
                }
            )

    def note_rows(self, columns, action: str, parts: np.ndarray) -> None:
        """One note per file, counting the rows an action applied to by the part each came from;
        ``columns`` is one header for all files or one per part."""
        counts = np.bincount(np.asarray(parts, dtype="int64"), minlength=len(self.parts))
        for k in np.flatnonzero(counts):
            self.note(
                int(k), columns if isinstance(columns, str) else columns[k], action, int(counts[k])
            )

    def notes_frame(self) -> pd.DataFrame:
        records = sorted(self.notes, key=lambda n: n["part"])  # stable: each file keeps its order
        return notes_frame([{k: v for k, v in n.items() if k != "part"} for n in records])


# Stacked columns of at least this many rows are cleaned side by side (Arrow's kernels release
# the GIL): each column's work is independent of the others'.
_THREADED_ROWS = 200_000


def _pieces(parts: list[Part], lengths: list[int], name: str) -> tuple[list, list]:
    """Column ``name`` of each part (a part without it: its rows as ``None``), and how each
    piece was judged while read (see :func:`.columns.stack_pieces`)."""
    pieces, judged = [], []
    for p, n in zip(parts, lengths, strict=True):
        j = next((j for j, (cname, _) in p.header.columns.items() if cname == name), None)
        present = j is not None and j in p.body.columns
        pieces.append(p.body[j] if present else pd.Series([None] * n, dtype=object))
        judged.append(p.judged.get(j) if present else None)
    return pieces, judged


def stack(parts: list[Part], table: schema.Table) -> Frame:
    lengths = [len(p.body) for p in parts]
    names = list(dict.fromkeys(name for p in parts for name in p.found))
    columns = Texts()
    found: dict[str, np.ndarray] = {}
    encoded: dict[str, tuple[np.ndarray, pd.Series]] = {}
    converted: dict[str, Converted] = {}
    money = {c.name for c in table.columns if c.type == "money"}
    jobs = []
    for name in names:
        pieces, judged = _pieces(parts, lengths, name)
        if name in money:  # converted piece by piece: never one stack of Python objects
            blank_is_zero = name in ("debit_fen", "credit_fen")
            jobs.append(partial(clean_money, pieces, judged, blank_is_zero))
        else:
            jobs.append(partial(clean_column, stack_pieces(pieces, judged)))
    if sum(lengths) >= _THREADED_ROWS:
        cleaned = side_by_side(*jobs)
    else:
        cleaned = [job() for job in jobs]
    for name, (kind, result) in zip(names, cleaned, strict=True):
        if kind == "money":
            converted[name], empty, build = result
            columns.put_lazy(name, build, empty)
        elif kind == "coded":
            columns.put_coded(name, *result)
            encoded[name] = result
        else:
            columns.put(name, *result)
        found[name] = np.array([p.found.get(name, "") for p in parts], dtype=object)
    frame = Frame(
        parts=parts,
        table=table,
        part=np.repeat(np.arange(len(parts)), lengths),
        row=np.concatenate([p.body.index.to_numpy(dtype="int64") for p in parts])
        if parts
        else np.zeros(0, dtype="int64"),
        texts=columns,
        found=found,
        encoded=encoded,
        converted=converted,
    )
    for k, p in enumerate(parts):
        for column, action, count in p.notes:
            frame.note(k, column, action, count)
    offsets = np.concatenate([[0], np.cumsum(lengths)]) if parts else [0]
    for k, p in enumerate(parts):
        start = p.header.row + p.header.n_rows
        for (row, column), formula in sorted(p.grid.uncached_formulas.items()):
            if row >= start and column in p.header.columns:
                name = p.header.columns[column][0]
                cell = f"{column_letters(column)}{row + 1}"
                frame.formulas.setdefault(name, {})[int(offsets[k]) + row - start] = (
                    f"{cell} {formula}"
                )
    return frame


_WHOLE_NUMBER = re.compile(r"^\s*(-?[0-9]+)\.0\s*$")


def _row_text(body: pd.DataFrame) -> pd.Series:
    if body.empty:
        return pd.Series(dtype=TEXT_DTYPE)
    # Runs once per batch on the dropped rows (a few, or thousands of 合计 lines in a province's
    # ledgers): Arrow's kernels over whole columns, Python only where a cell may need it.
    text = body.where(body.notna(), "").astype(TEXT_DTYPE)
    for c in text.columns:
        # "12.0" (a whole number read as a float) → "12". Only a cell containing ".0" can
        # match, so Python's regex (its \s is Unicode whitespace) runs on those cells alone.
        column = text[c]
        maybe = column.str.contains(".0", regex=False).to_numpy(dtype=bool)
        if maybe.any():
            fixed = column[maybe].astype(object).str.replace(_WHOLE_NUMBER, r"\1", regex=True)
            text[c] = column.where(~maybe, fixed.astype(TEXT_DTYPE))
    joined = (
        text.iloc[:, 0].str.cat([text[c] for c in text.columns[1:]], sep=" ")
        if len(text.columns) > 1
        else text.iloc[:, 0]
    )
    # Blank cells leave runs of separators; one space between the values that are there.
    return joined.str.replace(r" {2,}", " ", regex=True).str.strip().astype(TEXT_DTYPE)


def _dropped_rows(frame: Frame, positions: np.ndarray, kind: np.ndarray) -> pd.DataFrame:
    """The dropped rows (stacked positions) and what each is (``kind``, one per position)."""
    if not len(positions):
        return empty_dropped()
    # The whole sheet row (mapped and unmapped cells), so the evaluator sees what was dropped.
    # Rows are found by position in each body's sheet-row labels (a range: arithmetic, no hash).
    bodies = [
        frame.parts[k].body.take(
            frame.parts[k].body.index.get_indexer(frame.row[positions[frame.part[positions] == k]])
        )
        for k in np.unique(frame.part[positions])
    ]
    text = _row_text(pd.concat(bodies, ignore_index=True))
    return pd.DataFrame(
        {
            "file": pd.Series(
                frame.per_row([p.grid.file for p in frame.parts], positions), dtype=TEXT_DTYPE
            ),
            "sheet": pd.Series(
                frame.per_row([p.grid.sheet for p in frame.parts], positions), dtype=TEXT_DTYPE
            ),
            "row": pd.Series(frame.row[positions], dtype="int64"),
            "kind": pd.Series(kind, dtype=TEXT_DTYPE),
            "text": text.reset_index(drop=True),
        }
    )


# → (mask, kind: what each dropped row is, e.g. 合计行; an array or Series over the rows, or a
# function of row positions giving the kinds of those rows only)
DropRule = Callable[[Frame, pd.Series], tuple[pd.Series, np.ndarray | Callable]]


def per_column(frame: Frame, name: str, fn) -> pd.Series:
    """``fn`` (a vectorised function of a text Series, elementwise) of a stacked column, worked
    out once per distinct value when the column's values repeat."""
    coded = frame.encoded.get(name)
    if coded is None:
        return fn(frame.texts[name])
    positions, distinct = coded
    return spread(fn(distinct), positions, frame.index)


def _blank_and_total_rows(frame: Frame) -> tuple[pd.Series, pd.Series]:
    """Fully blank rows, and total rows (a text cell reading 合计 / 总计 / 小计)."""
    index = frame.index
    blank = np.ones(len(index), dtype=bool)
    for name in frame.texts:
        blank &= frame.missing(name)
    # Cells under no recognised header must be empty too: checked sheet by sheet (their columns differ).
    others_blank = []
    for p in frame.parts:
        others = p.body.drop(columns=[j for j in p.header.columns if j in p.body.columns])
        others_blank.append(
            ((others == "") | others.isna()).all(axis=1).to_numpy()
            if not others.empty
            else np.ones(len(p.body), dtype=bool)
        )
    if others_blank:
        blank &= np.concatenate(others_blank)
    for cells in frame.formulas.values():
        blank[list(cells)] = False
    blank = pd.Series(blank, index=index)
    total = pd.Series(False, index=index)

    def is_total(text: pd.Series) -> pd.Series:
        return text.str.replace(SPACES, "", regex=True).isin(TOTAL_ROW_WORDS)

    for col in frame.table.columns:
        if col.name in frame.texts and col.type in ("text", "code"):
            total |= per_column(frame, col.name, is_total)
    blank_rows = blank.to_numpy()

    def kind(positions: np.ndarray) -> np.ndarray:
        return np.where(blank_rows[positions], "空行", "合计行").astype(object)

    return blank | total, kind


def load_frame(
    frame: Frame,
    *,
    drop_rule: DropRule | None = None,
    validate_choices: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict]:
    """Drop, convert and reject over the whole batch → (data with ``_part``, rejects with ``_part``,
    dropped, counts)."""
    table = frame.table
    drop, kind_of = _blank_and_total_rows(frame)
    first = drop.to_numpy(dtype=bool)
    if drop_rule is not None:
        more, more_kind = drop_rule(frame, drop)
        drop = drop | more
    drop_mask = drop.to_numpy(dtype=bool)
    # What each dropped row is, worked out for the dropped rows only.
    positions = np.flatnonzero(drop_mask)
    kind = np.empty(len(positions), dtype=object)
    by_first = first[positions]
    kind[by_first] = kind_of(positions[by_first])
    if drop_rule is not None and not by_first.all():
        rest = positions[~by_first]
        kind[~by_first] = more_kind(rest) if callable(more_kind) else np.asarray(more_kind)[rest]
    dropped = _dropped_rows(frame, positions, kind)
    keep = ~drop_mask
    index = frame.index[keep]
    part = frame.part[keep]
    files = np.array([p.grid.file for p in frame.parts], dtype=object)
    sheets = np.array([p.grid.sheet for p in frame.parts], dtype=object)

    columns: dict[str, pd.Series] = {}
    reject_parts: list[pd.DataFrame] = []
    bad_rows = np.zeros(len(index), dtype=bool)
    everything = bool(keep.all())

    def kept(text: pd.Series) -> pd.Series:
        return text if everything else text[keep]

    def converted(col: schema.Column) -> tuple[Converted, pd.Series | None]:
        """The column converted, and its kept cells where the conversion needed them."""
        coded = frame.encoded.get(col.name)
        if col.name in frame.converted:
            # Amounts converted while stacking; their text is built only for rejects.
            conv = frame.converted[col.name]
            return (conv if everything else take_converted(conv, keep, index)), None
        # A column converted per distinct value needs its cells only for rejects.
        text = None if coded is not None else kept(frame.texts[col.name])
        encoded = (coded[0][keep], coded[1]) if coded is not None else None
        return convert_column(
            text, col, validate_choices=validate_choices, encoded=encoded, index=index
        ), text

    # The columns' conversions are independent: side by side for a long batch (spreading the
    # distinct values back is Arrow's take, which releases the GIL).
    present = [col for col in table.columns if col.name in frame.texts]
    jobs = [partial(converted, col) for col in present]
    results = side_by_side(*jobs) if len(index) >= _THREADED_ROWS else [job() for job in jobs]
    conversions = dict(zip([col.name for col in present], results, strict=True))
    for col in table.columns:
        if col.name not in frame.texts:
            columns[col.name] = pd.Series(pd.NA, index=index).astype(dtype_for(col))
            continue
        coded = frame.encoded.get(col.name)
        positions = coded[0][keep] if coded is not None else None
        conv, text = conversions[col.name]
        headers = frame.found[col.name]
        for action, mask in conv.actions.items():
            frame.note_rows(headers, action, part[mask.to_numpy(dtype=bool)])
        blank_allowed = not col.required or col.name in ("debit_fen", "credit_fen")
        empty = (
            text.isna().to_numpy(dtype=bool) if text is not None else frame.missing(col.name)[keep]
        )
        missing = empty & (not blank_allowed)
        formulas = frame.formulas.get(col.name, {})
        uncached = np.zeros(len(index), dtype=bool)
        if formulas:
            formula = pd.Series(formulas, dtype=TEXT_DTYPE).reindex(index)
            uncached = formula.notna().to_numpy(dtype=bool)
        bad = conv.bad.to_numpy(dtype=bool) | missing | uncached
        if bad.any():
            if not formulas:
                formula = pd.Series(pd.NA, index=index, dtype=TEXT_DTYPE)
            reason = (
                conv.reason
                if isinstance(conv.reason, pd.Series)
                else pd.Series(conv.reason, index=index)
            )
            reason = reason.where(~missing, "必填项为空")
            reason = reason.where(
                ~uncached,
                "公式单元格 "
                + formula.fillna("")
                + " 没有保存计算结果（读作空白会被当作 0）；请在 Excel 中打开、重新计算并保存后再导入",
            )
            if text is None:
                text = (
                    spread(coded[1], positions, index)
                    if coded is not None
                    else kept(frame.texts[col.name])
                )
            value = (
                text.fillna("")
                if col.name not in PERSONAL_COLUMNS
                else pd.Series(MASKED_VALUE, index=index)
            ).where(~uncached, formula.str.replace("^[^ ]* ", "", regex=True))
            reject_parts.append(
                pd.DataFrame(
                    {
                        "_part": part[bad],
                        "file": files[part[bad]],
                        "sheet": sheets[part[bad]],
                        "row": frame.row[keep][bad],
                        "column": headers[part[bad]],
                        "value": value.to_numpy()[bad],
                        "reason": reason.to_numpy()[bad],
                    }
                )
            )
            bad_rows |= bad
        columns[col.name] = conv.values
    canonical = {c.name for c in table.columns}
    for name in frame.texts:  # extra columns, in sheet order
        if name not in canonical:
            columns[name] = kept(frame.texts[name])

    loaded = ~bad_rows
    data = pd.DataFrame(columns, index=index, copy=False)  # the columns are this call's own
    if not loaded.all():
        data = data.loc[loaded]
    for col in table.columns:
        data[col.name] = data[col.name].astype(dtype_for(col))
    part_loaded = part[loaded]
    data["source_file"] = spread_text(part_loaded, [p.grid.file for p in frame.parts], data.index)
    data["source_sheet"] = spread_text(part_loaded, [p.grid.sheet for p in frame.parts], data.index)
    data["source_row"] = frame.row[keep][loaded].astype("int64")
    data["_part"] = part[loaded]
    frame.loaded = index.to_numpy()[loaded]
    data = data.reset_index(drop=True)

    rejects = pd.concat(reject_parts, ignore_index=True) if reject_parts else _empty_part_rejects()
    rejects = rejects.sort_values(["_part", "row"], kind="stable").reset_index(drop=True)
    counts = {
        "read": len(frame.part),
        "loaded": int(loaded.sum()),
        "rejected": int(bad_rows.sum()),
        "dropped": int(drop_mask.sum()),
    }
    return data, rejects, dropped, counts


def _empty_part_rejects() -> pd.DataFrame:
    return empty_rejects().assign(_part=pd.Series(dtype="int64"))
