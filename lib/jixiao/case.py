"""What a year's ``parameters.toml`` says about the case file itself (shared by ingest and the runner).

One top-level key is not a notebook parameter but a statement about the data:
``reconstructed_case = true`` says the people in it are fictional, so the ingest step may use
the public pseudonym salt. The runner passes it to no notebook and refuses it on the command line.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from .errors import ParameterError
from .schema import PARAMETERS_FILE

RECONSTRUCTED_CASE = "reconstructed_case"
CASE_FILE_KEYS = {RECONSTRUCTED_CASE: bool}


def read_parameters_file(file: Path) -> dict:
    """A ``parameters.toml`` as a dict (empty when there is none); case-file keys are type-checked."""
    file = Path(file)
    if not file.is_file():
        return {}
    try:
        values = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"{file}: not valid TOML: {exc}") from exc
    for key, kind in CASE_FILE_KEYS.items():
        if key in values and not isinstance(values[key], kind):
            raise ParameterError(f"{file}: {key} 应为 true 或 false，收到 {values[key]!r}")
    return values


def declares_reconstructed_case(folder: Path) -> bool:
    """True when ``folder/parameters.toml`` says ``reconstructed_case = true`` (fictional data)."""
    return read_parameters_file(Path(folder) / PARAMETERS_FILE).get(RECONSTRUCTED_CASE) is True
