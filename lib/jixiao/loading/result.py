"""What every loader returns: :class:`LoadResult`, its empty frames and the column dtypes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from jixiao import schema

DATE_DTYPE = "datetime64[us]"
TEXT_DTYPE = "str"
PERSONAL_COLUMNS = ("name", "phone", "id_number")
MASKED_VALUE = "（个人信息已隐去）"
NORMALISATION_COLUMNS = ("file", "sheet", "column", "action", "count")


def _empty(columns: Iterable[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=TEXT_DTYPE) for c in columns})


def empty_rejects() -> pd.DataFrame:
    frame = _empty(schema.REJECT_COLUMNS)
    return frame.astype({"row": "int64"})


def empty_dropped() -> pd.DataFrame:
    return _empty(schema.DROPPED_COLUMNS).astype({"row": "int64"})


def empty_normalisations() -> pd.DataFrame:
    return _empty(NORMALISATION_COLUMNS).astype({"count": "int64"})


@dataclass
class LoadResult:
    """What a loader produced from one or more raw files.

    ``data`` has the canonical columns plus ``source_file``, ``source_sheet``, ``source_row``.
    ``counts`` holds read / loaded / rejected / dropped row counts (rejected counts rows, not
    cells); ``read == loaded + rejected + dropped`` always holds. ``sources`` lists the files read.
    """

    data: pd.DataFrame
    rejects: pd.DataFrame
    dropped: pd.DataFrame
    normalisations: pd.DataFrame
    counts: dict
    sources: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        c = self.counts
        if c["read"] != c["loaded"] + c["rejected"] + c["dropped"]:
            raise AssertionError(f"row counts do not reconcile: {c}")
        if c["loaded"] != len(self.data):
            raise AssertionError(f"loaded count {c['loaded']} != {len(self.data)} data rows")

    @classmethod
    def concat(cls, results: Iterable[LoadResult]) -> LoadResult:
        results = list(results)
        if not results:
            raise ValueError("nothing to concatenate")
        counts = {
            k: sum(r.counts[k] for r in results) for k in ("read", "loaded", "rejected", "dropped")
        }
        return cls(
            data=pd.concat([r.data for r in results], ignore_index=True),
            rejects=pd.concat([r.rejects for r in results], ignore_index=True),
            dropped=pd.concat([r.dropped for r in results], ignore_index=True),
            normalisations=pd.concat([r.normalisations for r in results], ignore_index=True),
            counts=counts,
            sources=tuple(s for r in results for s in r.sources),
        )

    def summary(self) -> str:
        c = self.counts
        return f"读取 {c['read']} 行：导入 {c['loaded']} 行，拒收 {c['rejected']} 行，剔除 {c['dropped']} 行"


def notes_frame(notes: list[dict]) -> pd.DataFrame:
    if not notes:
        return empty_normalisations()
    frame = pd.DataFrame(notes, columns=list(NORMALISATION_COLUMNS))
    return frame.astype(
        {c: TEXT_DTYPE for c in NORMALISATION_COLUMNS if c != "count"} | {"count": "int64"}
    )
