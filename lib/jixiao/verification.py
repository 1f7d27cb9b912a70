"""The 数据核查确认表 (data verification statement): what was read from each source file.

One row per raw source file: rows read / loaded / rejected / dropped (read = loaded + rejected
+ dropped, as ingest checks), the date range, debit and credit totals, distinct units and
accounts, and the blanks in each required column. It is the sheet the evaluated unit is asked
to confirm, so every figure is recomputed from the processed tables and agrees with the ingest
counts in ``data/processed/<year>/manifest.json``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from . import schema

VERIFICATION_HEADERS = {
    "table": "数据表",
    "file": "来源文件",
    "read": "读取行数",
    "loaded": "导入行数",
    "rejected": "拒收行数",
    "dropped": "剔除行数",
    "first_date": "最早日期",
    "last_date": "最晚日期",
    "debit_fen": "借方合计（元）",
    "credit_fen": "贷方合计（元）",
    "amount_fen": "金额合计（元）",
    "units": "单位数",
    "accounts": "科目数",
    "blanks": "必填列空白",
    "confirmation": "被评价单位确认（签字、日期）",
}
# The column that names the unit a row belongs to, per raw kind.
UNIT_COLUMNS = {"ledger": "unit", "allocations": "community", "survey": "community"}


def _read(folder: Path, name: str, columns: list[str] | None = None) -> pd.DataFrame | None:
    file = folder / f"{name}.parquet"
    if not file.is_file():
        return None
    if columns is not None:
        present = set(pq.read_schema(file).names)
        columns = [c for c in columns if c in present]
    return pd.read_parquet(file, columns=columns)


def _blank(values: pd.Series) -> pd.Series:
    """Missing, or text that is empty or only white space. A number, date or boolean is written
    with at least one character that is not white space, so only missing ones are blank; text
    held in Arrow is trimmed by the same Arrow kernel the conversion to ``string`` would use."""
    dtype = values.dtype
    if (
        pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype)
    ) and not isinstance(dtype, pd.CategoricalDtype):
        return values.isna()
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        return values.isna() | values.str.strip().eq("").fillna(False).astype(bool)
    text = values.astype("string")
    return values.isna() | text.str.strip().eq("").fillna(False)


def _needed(kind: str) -> list[str]:
    """The columns of a raw kind the statement reads (the rest of a wide ledger stays on disk)."""
    table = schema.RAW_TABLES[kind]
    wanted = ["source_file", "debit_fen", "credit_fen", "amount_fen", "account_code"]
    wanted += [c.name for c in table.columns if c.type == "date" or c.required]
    if kind in UNIT_COLUMNS:
        wanted.append(UNIT_COLUMNS[kind])
    return list(dict.fromkeys(wanted))


def _per_file(kind: str, data: pd.DataFrame) -> dict[str, pd.Series]:
    """Each figure of the statement for every source file of ``data``: one group-by per figure
    over the whole table (a Series indexed by file name)."""
    table = schema.RAW_TABLES[kind]
    if "source_file" not in data.columns or data.empty:
        return {}
    # rows without a source file belong to no file (a group-by drops missing keys)
    files = data["source_file"].astype(str)
    # Every figure is a column of one frame grouped once: the files are hashed a single time.
    values: dict[str, pd.Series] = {"loaded": pd.Series(0, index=data.index)}
    dates = [c.name for c in table.columns if c.type == "date" and c.name in data.columns]
    if dates:
        values["date"] = pd.to_datetime(data[dates[0]], errors="coerce")
    for money in ("debit_fen", "credit_fen", "amount_fen"):
        if money in data.columns:
            values[money] = pd.to_numeric(data[money]).fillna(0)
    unit = UNIT_COLUMNS.get(kind)
    if unit and unit in data.columns:
        values["units"] = data[unit]
    if "account_code" in data.columns:
        values["accounts"] = data["account_code"]
    for column in table.columns:
        if column.required and column.name in data.columns:
            values[f"blank:{column.name}"] = _blank(data[column.name])
    grouped = pd.DataFrame(values).groupby(files, sort=True)
    figures: dict[str, pd.Series] = {"loaded": grouped["loaded"].size()}
    if dates:
        figures["first_date"], figures["last_date"] = grouped["date"].min(), grouped["date"].max()
    for name in values:
        if name in ("debit_fen", "credit_fen", "amount_fen") or name.startswith("blank:"):
            figures[name] = grouped[name].sum()
        elif name in ("units", "accounts"):
            figures[name] = grouped[name].nunique()
    return figures


def _file_row(
    kind: str, file: str, figures: dict[str, pd.Series], columns: set[str], counts: tuple[int, int]
) -> dict:
    """One file's row of the statement from the figures of :func:`_per_file` (a file with only
    rejected or dropped rows has no entry in them and counts as empty)."""
    table = schema.RAW_TABLES[kind]

    def figure(name: str, empty=0):
        values = figures.get(name)
        return values.get(file, empty) if values is not None else empty

    rejected, dropped = counts
    loaded = int(figure("loaded"))
    row: dict = {
        "table": table.title,
        "file": file,
        "read": loaded + rejected + dropped,
        "loaded": loaded,
        "rejected": rejected,
        "dropped": dropped,
    }
    first, last = figure("first_date", pd.NaT), figure("last_date", pd.NaT)
    if not pd.isna(first):
        row["first_date"] = first.date().isoformat()
        row["last_date"] = last.date().isoformat()
    for money in ("debit_fen", "credit_fen", "amount_fen"):
        if money in columns:
            row[money] = round(int(figure(money)) / 100, 2)
    unit = UNIT_COLUMNS.get(kind)
    if unit and unit in columns:
        row["units"] = int(figure("units"))
    if "account_code" in columns:
        row["accounts"] = int(figure("accounts"))
    blanks = []
    for column in table.columns:
        count = int(figure(f"blank:{column.name}")) if column.required else 0
        if count:
            blanks.append(f"{column.header}{count}处")
    row["blanks"] = "；".join(blanks) or "无"
    row["confirmation"] = ""
    return row


def verification_table(processed_folder: Path) -> pd.DataFrame | None:
    """The statement for one year's processed folder (canonical columns), None before ingest."""
    folder = Path(processed_folder)
    rejects, dropped = _read(folder, "rejects"), _read(folder, "dropped")
    if rejects is None or dropped is None:
        return None
    out = []
    for kind in schema.RAW_TABLES:
        data = _read(folder, kind, _needed(kind))
        if data is None:
            continue
        figures = _per_file(kind, data)
        rejected = rejects.loc[rejects["table"] == kind, "file"].astype(str).value_counts()
        removed = dropped.loc[dropped["table"] == kind, "file"].astype(str).value_counts()
        loaded = figures.get("loaded", pd.Series(dtype="int64"))
        files = sorted(set(loaded.index) | set(rejected.index) | set(removed.index))
        columns = set(data.columns)
        for file in files:
            counts = (int(rejected.get(file, 0)), int(removed.get(file, 0)))
            out.append(_file_row(kind, file, figures, columns, counts))
    frame = pd.DataFrame(out, columns=list(VERIFICATION_HEADERS))
    return frame.astype({"units": "Int64", "accounts": "Int64"})
