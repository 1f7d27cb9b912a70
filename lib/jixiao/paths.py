"""The one place that knows the project's folders.

The root is found from this package's location (``lib/jixiao`` → two levels up), never
from the current directory, so JupyterLab, papermill and pytest all see the same folders.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _find_root() -> Path:
    override = os.environ.get("JIXIAO_ROOT")
    if override:
        return Path(override).resolve()
    candidate = PACKAGE_DIR.parent.parent
    if (candidate / "pyproject.toml").is_file():
        return candidate
    raise RuntimeError(
        f"Cannot find the project root above {PACKAGE_DIR}: install jixiao in editable mode "
        "(pip install -e .) from a clone of the project, or set JIXIAO_ROOT."
    )


ROOT = _find_root()
DATA_DIR = ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
REPORTS_DIR = ROOT / "reports"
NOTEBOOKS_DIR = ROOT / "notebooks"
FONTS_DIR = PACKAGE_DIR / "fonts"


def raw_dir(year: int | str) -> Path:
    return RAW_DIR / str(year)


def processed_dir(year: int | str) -> Path:
    return PROCESSED_DIR / str(year)


def reports_dir(year: int | str) -> Path:
    return REPORTS_DIR / str(year)


def figures_dir(year: int | str) -> Path:
    return reports_dir(year) / "figures"
