"""The one place that knows the project's folders.

The root is found from this package's location (``lib/jixiao`` → two levels up), never
from the current directory, so JupyterLab, papermill and pytest all see the same folders.

``jixiao run`` stages a year's processed tables in a temporary folder next to
``data/processed/`` and moves them into place only when every notebook passed; it tells each
notebook where that folder is through the papermill parameter ``processed_root`` (a
project-relative path, recorded in the executed notebook), which the notebook hands to
:func:`use_processed_root` and :func:`processed_dir` then honours. Relative path parameters are read against the project root
(:func:`project_path`), whichever folder the notebook runs in.

Two roots. The **suite** (``SUITE_ROOT``: the clone the package is installed from) holds the
notebooks and templates. The **engagement** (``ROOT``) holds one evaluation's ``data/raw/``,
``data/processed/`` and ``reports/``: the repository itself is the reference engagement (the
2017 / 2018 cases); ``jixiao new PATH`` makes another one anywhere, marked by a ``jixiao.toml``
file. :func:`use_project_dir` switches every path below to an engagement; a kernel started by
JupyterLab inside an engagement folder finds it by the marker in its working folder or a parent,
and ``jixiao run`` tells the notebooks through the papermill parameter ``project_dir``.
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


SUITE_ROOT = _find_root()
NOTEBOOKS_DIR = SUITE_ROOT / "notebooks"
FONTS_DIR = PACKAGE_DIR / "fonts"
ENGAGEMENT_MARKER = "jixiao.toml"  # the file that marks an engagement folder (jixiao new)

# The engagement's folders; rebound together by use_project_dir.
ROOT = SUITE_ROOT
DATA_DIR = ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
REPORTS_DIR = ROOT / "reports"
# Set by the runner for the kernels it starts: the staging folder that stands in for data/processed.
_processed_root_override: Path | None = None


def find_engagement(start: str | os.PathLike) -> Path | None:
    """The engagement folder holding ``start`` (its own or a parent folder with ``jixiao.toml``)."""
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if (folder / ENGAGEMENT_MARKER).is_file():
            return folder
    return None


def use_project_dir(value: str | os.PathLike | None) -> Path:
    """Work on the engagement at ``value`` (a folder with ``jixiao.toml``); ``None`` keeps the one
    found at import (the working folder's engagement, else the reference project). Returns it."""
    global ROOT, DATA_DIR, RAW_DIR, PROCESSED_DIR, REPORTS_DIR
    if value is None:
        return ROOT
    folder = Path(value).resolve()
    if folder != SUITE_ROOT.resolve() and not (folder / ENGAGEMENT_MARKER).is_file():
        raise RuntimeError(
            f"{folder} 不是评价项目文件夹（缺少 {ENGAGEMENT_MARKER}）：请先运行 jixiao new {folder} "
            f"/ not an engagement folder (no {ENGAGEMENT_MARKER})"
        )
    ROOT = folder
    DATA_DIR = ROOT / "data"
    RAW_DIR = DATA_DIR / "raw"
    PROCESSED_DIR = DATA_DIR / "processed"
    REPORTS_DIR = ROOT / "reports"
    return ROOT


def is_reference_project() -> bool:
    """True while working on the repository's own data (the reference engagement)."""
    return ROOT.resolve() == SUITE_ROOT.resolve()


# A kernel JupyterLab starts in an engagement's notebooks/ folder works on that engagement.
_found_at_import = find_engagement(Path.cwd())
if _found_at_import is not None and not os.environ.get("JIXIAO_ROOT"):
    use_project_dir(_found_at_import)


def raw_dir(year: int | str) -> Path:
    return RAW_DIR / str(year)


def use_processed_root(value: str | os.PathLike | None) -> None:
    """Read and write processed tables under ``value`` (the runner's staging folder, relative to
    the project root); ``None`` goes back to ``data/processed``."""
    global _processed_root_override
    _processed_root_override = project_path(value) if value else None


def processed_root() -> Path:
    """``data/processed``, or the runner's staging folder while ``jixiao run`` is running."""
    return _processed_root_override or PROCESSED_DIR


def project_relative(path: str | os.PathLike) -> str:
    """A path as the project sees it (``data/processed/…``) when inside the project, else as is."""
    path = Path(path)
    try:
        return path.resolve().relative_to(ROOT.resolve()).as_posix()
    except ValueError:
        return str(path)


def processed_dir(year: int | str) -> Path:
    return processed_root() / str(year)


def project_path(value: str | os.PathLike) -> Path:
    """A path parameter as the evaluator means it: absolute as given, relative to the project root.

    Notebooks run with their own folder as the working directory; reading ``data/raw/2017``
    against the root here keeps what the runner checked and what the notebook opens the same.
    """
    path = Path(value)
    return path if path.is_absolute() else ROOT / path


def reports_dir(year: int | str) -> Path:
    return REPORTS_DIR / str(year)


def figures_dir(year: int | str) -> Path:
    return reports_dir(year) / "figures"
