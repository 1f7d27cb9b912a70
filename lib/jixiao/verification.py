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


def _read(folder: Path, name: str) -> pd.DataFrame | None:
    file = folder / f"{name}.parquet"
    return pd.read_parquet(file) if file.is_file() else None


def _blank(values: pd.Series) -> pd.Series:
    text = values.astype("string")
    return values.isna() | text.str.strip().eq("").fillna(False)


def _file_row(kind: str, file: str, rows: pd.DataFrame, rejected: int, dropped: int) -> dict:
    table = schema.RAW_TABLES[kind]
    dates = [c.name for c in table.columns if c.type == "date" and c.name in rows.columns]
    row: dict = {
        "table": table.title,
        "file": file,
        "read": len(rows) + rejected + dropped,
        "loaded": len(rows),
        "rejected": rejected,
        "dropped": dropped,
    }
    if dates and not rows.empty:
        values = pd.to_datetime(rows[dates[0]], errors="coerce").dropna()
        if not values.empty:
            row["first_date"] = values.min().date().isoformat()
            row["last_date"] = values.max().date().isoformat()
    for money in ("debit_fen", "credit_fen", "amount_fen"):
        if money in rows.columns:
            row[money] = round(int(pd.to_numeric(rows[money]).fillna(0).sum()) / 100, 2)
    unit = UNIT_COLUMNS.get(kind)
    if unit and unit in rows.columns:
        row["units"] = int(rows[unit].nunique())
    if "account_code" in rows.columns:
        row["accounts"] = int(rows["account_code"].nunique())
    blanks = [
        f"{c.header}{int(_blank(rows[c.name]).sum())}处"
        for c in table.columns
        if c.required and c.name in rows.columns and _blank(rows[c.name]).any()
    ]
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
        data = _read(folder, kind)
        if data is None:
            continue
        # grouped by a column name, not a Series: pandas reads a one-row Series key as a list of
        # keys and get_group then fails (a one-group 抽样计划 sheet has one row)
        by_file = (
            data.assign(_file=data["source_file"].astype(str)).groupby("_file", sort=True)
            if "source_file" in data.columns and not data.empty
            else None
        )
        kind_rejects = rejects[rejects["table"] == kind]
        kind_dropped = dropped[dropped["table"] == kind]
        files = sorted(
            set(by_file.groups if by_file is not None else ())
            | set(kind_rejects["file"].astype(str))
            | set(kind_dropped["file"].astype(str))
        )
        for file in files:
            has_rows = by_file is not None and file in by_file.groups
            rows = by_file.get_group(file) if has_rows else data.iloc[0:0]
            out.append(
                _file_row(
                    kind,
                    file,
                    rows,
                    int((kind_rejects["file"].astype(str) == file).sum()),
                    int((kind_dropped["file"].astype(str) == file).sum()),
                )
            )
    frame = pd.DataFrame(out, columns=list(VERIFICATION_HEADERS))
    return frame.astype({"units": "Int64", "accounts": "Int64"})
