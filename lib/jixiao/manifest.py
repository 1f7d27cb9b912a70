"""Run manifests: which raw files (by SHA-256), which parameters and which software produced a result.

A manifest lets a reviewer check that the processed data and reports were rebuilt from exactly
the files the evaluator received. It is deterministic: the same inputs, parameters and package
versions give byte-identical JSON (no timestamps, relative paths, sorted keys).
"""

from __future__ import annotations

import hashlib
import json
import platform
from importlib import metadata
from pathlib import Path

from jixiao import paths

PACKAGES = (
    "pandas",
    "numpy",
    "scipy",
    "pyarrow",
    "python-calamine",
    "openpyxl",
    "matplotlib",
    "papermill",
    "nbconvert",
    "ipykernel",
    "chinese-calendar",
    "jixiao",
)
_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:  # read-only: raw files are never modified
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def relative_name(path: Path, base: Path) -> str:
    """``path`` relative to ``base`` with forward slashes, so manifests match across machines."""
    path, base = Path(path).resolve(), Path(base).resolve()
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.name


def project_relative(folder: Path) -> str:
    """A folder inside the project as ``data/raw/2017``; outside it, only its name."""
    return (
        relative_name(folder, paths.ROOT)
        if paths.ROOT.resolve() in Path(folder).resolve().parents
        else Path(folder).name
    )


def file_hashes(files, base: Path) -> dict[str, str]:
    """``{relative path: sha256}`` for the given files, sorted by path."""
    pairs = {relative_name(f, base): sha256_file(f) for f in files}
    return dict(sorted(pairs.items()))


def folder_hashes(folder: Path) -> dict[str, str]:
    """Hashes of every file under ``folder`` (hidden files and Excel lock files excluded)."""
    folder = Path(folder)
    if not folder.is_dir():
        return {}
    files = [
        f
        for f in folder.rglob("*")
        if f.is_file()
        and not any(part.startswith((".", "~$")) for part in f.relative_to(folder).parts)
    ]
    return file_hashes(files, folder)


def package_versions(names=PACKAGES) -> dict[str, str]:
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "未安装"
    return versions


def environment() -> dict:
    return {"python": platform.python_version(), "packages": package_versions()}


def run_record(
    *, year: int, raw_folder: Path, parameters: dict | None = None, timings: dict | None = None
) -> dict:
    """The manifest of a whole year's run: raw inputs, parameters, timings, environment."""
    record = {
        "year": int(year),
        "raw_folder": project_relative(raw_folder),
        "inputs": folder_hashes(raw_folder),
        "parameters": parameters or {},
        "environment": environment(),
    }
    if timings is not None:
        record["timings_s"] = timings
    return record


def write_json(path: Path, record: dict) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True, default=str)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def read_json(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))
