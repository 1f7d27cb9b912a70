"""Reading and writing the year's derived tables (``data/processed/<year>/``) and output folder."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import paths, steps
from .errors import InputError


def read_table(year: int | str, name: str, *, folder: Path | None = None) -> pd.DataFrame:
    """A processed table by name (``ledger``, ``survey``, ``findings`` …)."""
    source = Path(folder) if folder is not None else paths.processed_dir(year)
    file = source / f"{name}.parquet"
    if not file.is_file():
        raise InputError(
            f"没有找到处理后的数据表 {name}.parquet：请先运行前面的步骤（01_ingest 等） / "
            f"processed table missing, run the earlier notebooks first",
            file=file,
        )
    return pd.read_parquet(file, engine="pyarrow")


def read_optional_table(
    year: int | str, name: str, *, folder: Path | None = None
) -> pd.DataFrame | None:
    """A processed table an earlier step may not have produced (e.g. no filled-in 抽样清单 yet)."""
    source = Path(folder) if folder is not None else paths.processed_dir(year)
    file = source / f"{name}.parquet"
    return pd.read_parquet(file, engine="pyarrow") if file.is_file() else None


def write_table(
    year: int | str, name: str, frame: pd.DataFrame, *, folder: Path | None = None
) -> Path:
    if name not in steps.declared_tables():
        raise InputError(
            f"数据表 {name} 未在 jixiao.steps 中声明：请在产生它的步骤的 writes 中登记 / "
            f"processed table {name!r} is not declared by any step"
        )
    target_dir = Path(folder) if folder is not None else paths.processed_dir(year)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{name}.parquet"
    frame.to_parquet(target, index=False, engine="pyarrow")
    return target


def output_folder(year: int | str, output_dir: str | Path | None = None) -> Path:
    """Where a notebook writes figures and workbooks: the pipeline's run folder, else reports/<year>."""
    folder = paths.project_path(output_dir) if output_dir else paths.reports_dir(year)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
