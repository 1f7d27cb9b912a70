"""What a year's ``parameters.toml`` says about the case file itself (shared by ingest and the runner).

Two entries are not notebook parameters but statements about the data, read by the ingest step;
the runner passes them to no notebook and refuses them on the command line:

- ``reconstructed_case = true`` says the people in it are fictional, so the ingest step may use
  the public pseudonym salt;
- a ``[units]`` table maps a unit's name as a ledger writes it (title line or file name) to the
  name the evaluation uses, e.g. ``"中天社区居委会" = "中天社区"``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from .errors import ParameterError
from .schema import PARAMETERS_FILE

RECONSTRUCTED_CASE = "reconstructed_case"
UNIT_NAMES = "units"
CASE_FILE_KEYS = {RECONSTRUCTED_CASE: bool, UNIT_NAMES: dict}


def read_parameters_file(file: Path) -> dict:
    """A ``parameters.toml`` as a dict (empty when there is none); case-file keys are type-checked."""
    file = Path(file)
    if not file.is_file():
        return {}
    try:
        values = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"{file}: not valid TOML: {exc}") from exc
    if RECONSTRUCTED_CASE in values and not isinstance(values[RECONSTRUCTED_CASE], bool):
        raise ParameterError(
            f"{file}: {RECONSTRUCTED_CASE} 应为 true 或 false，收到 {values[RECONSTRUCTED_CASE]!r}"
        )
    if UNIT_NAMES in values:
        _check_unit_names(file, values[UNIT_NAMES])
    return values


def _check_unit_names(file: Path, table: object) -> None:
    if not isinstance(table, dict):
        raise ParameterError(
            f'{file}: [{UNIT_NAMES}] 应为一节「"明细账中的写法" = "评价采用的名称"」，收到 {table!r}'
        )
    for written, used in table.items():
        if not isinstance(used, str) or not used.strip():
            raise ParameterError(
                f"{file}: [{UNIT_NAMES}] 中「{written}」的值应为单位名称（文字），收到 {used!r}；"
                f'写法如 "{written}" = "评价采用的单位名称"'
            )


def unit_names(folder: Path) -> dict[str, str]:
    """The ``[units]`` table of ``folder/parameters.toml``: name as written → name used."""
    return dict(read_parameters_file(Path(folder) / PARAMETERS_FILE).get(UNIT_NAMES, {}))


def declares_reconstructed_case(folder: Path) -> bool:
    """True when ``folder/parameters.toml`` says ``reconstructed_case = true`` (fictional data)."""
    return read_parameters_file(Path(folder) / PARAMETERS_FILE).get(RECONSTRUCTED_CASE) is True
