"""Before a run's outputs move into place, they are scanned for personal data.

Everything the notebooks wrote — processed parquet tables, CSV, JSON, HTML, the executed
notebooks (their text, not the pixels of embedded charts), xlsx and docx (their XML), SVG — is
searched for mobiles, 18-digit ID numbers and the respondents' raw names. A hit fails the run,
naming file and column or line, and the last good outputs stay where they are.
"""

from __future__ import annotations

import json
import re
import zipfile
from functools import partial
from pathlib import Path

from .. import schema
from ..concurrency import side_by_side, thread_count
from ..errors import InputError
from ..privacy import PersonalDataHit, find_personal_data_in, is_scannable

OFFICE_SUFFIXES = (".docx",)
MARKUP_SUFFIXES = (".html", ".htm")
# Embedded fonts and images are base64, nobody's data; their digit runs could look like numbers.
_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+")


class PersonalDataLeak(InputError):
    """A run's output holds a phone, ID number or respondent's name in clear."""


def respondent_names(raw_folder: Path) -> list[str]:
    """The raw names of the year's respondents (questionnaire and interview log), for the scan."""
    from .. import loading
    from ..project_profile import project_tables

    tables = project_tables(Path(raw_folder))  # the project's own headers and groups
    names: set[str] = set()
    for path in sorted(Path(raw_folder).glob(schema.SURVEY.file_glob)):
        survey = loading.load_survey(path, tables=tables)["survey"]
        names |= set(survey.data["name"].dropna().astype(str))
    for path in sorted(Path(raw_folder).glob(schema.INTERVIEWS.file_glob)):
        log = loading.load_table(path, tables["interviews"])
        names |= set(log.data["name"].dropna().astype(str))
    return sorted(n for n in names if len(n.strip()) >= 2)


def _notebook_text(path: Path) -> str:
    """An executed notebook without its embedded images (base64 is no one's data)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for kind in [k for k in data if k.startswith("image/") and k != "image/svg+xml"]:
                del data[kind]
    return json.dumps(nb, ensure_ascii=False, indent=0)


def _office_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        parts = [n for n in archive.namelist() if n.endswith((".xml", ".rels"))]
        return "\n".join(archive.read(n).decode("utf-8", errors="replace") for n in parts)


def _scan_object(path: Path):
    """What of ``path`` is scanned: its text (notebooks, Office XML, HTML), the path itself (tables
    and other text the scanner reads) or ``None`` (nothing scannable)."""
    suffix = path.suffix.lower()
    if suffix == ".ipynb":
        return _notebook_text(path)
    if suffix in OFFICE_SUFFIXES:
        return _office_text(path)
    if suffix in MARKUP_SUFFIXES:
        return _DATA_URI.sub("", path.read_text(encoding="utf-8", errors="replace"))
    return path if is_scannable(path) else None


def _size(obj) -> int:
    return obj.stat().st_size if isinstance(obj, Path) else len(obj)


def _find_side_by_side(objects: list, names: list[str]) -> list[list[PersonalDataHit]]:
    """:func:`find_personal_data_in` of each object, the objects shared out by size between the
    threads (reading, decoding and the pre-filters run in Arrow, numpy and zlib, which release
    the GIL); each object is scanned exactly as alone, the hits come back in the objects' order."""
    groups: list[list[int]] = [[] for _ in range(max(1, min(thread_count(), len(objects))))]
    loads = [0] * len(groups)
    for index in sorted(range(len(objects)), key=lambda i: -_size(objects[i])):
        lightest = loads.index(min(loads))
        groups[lightest].append(index)
        loads[lightest] += _size(objects[index])
    found: list[list[PersonalDataHit]] = [[] for _ in objects]
    scans = side_by_side(
        *(partial(find_personal_data_in, [objects[i] for i in group], names) for group in groups)
    )
    for group, hits in zip(groups, scans, strict=True):
        for index, object_hits in zip(group, hits, strict=True):
            found[index] = object_hits
    return found


def scan_files(paths: list[Path], names: list[str]) -> list[list[PersonalDataHit]]:
    """The hits of each file, every file scanned in one vectorised pass."""
    objects = [_scan_object(path) for path in paths]
    scanned = [(path, obj) for path, obj in zip(paths, objects, strict=True) if obj is not None]
    found = iter(_find_side_by_side([obj for _, obj in scanned], names))
    hits_of = {
        path: [
            _placed(h, path, prefix="" if isinstance(obj, Path) else f"{path.name} ") for h in hits
        ]
        for (path, obj), hits in zip(scanned, found, strict=True)
    }
    return [hits_of.get(path, []) for path in paths]


def scan_file(path: Path, names: list[str]) -> list[PersonalDataHit]:
    return scan_files([path], names)[0]


def _placed(hit: PersonalDataHit, path: Path, prefix: str = "") -> PersonalDataHit:
    where = (
        hit.where if hit.where.startswith(path.name) else f"{prefix or path.name + ' '}{hit.where}"
    )
    return PersonalDataHit(hit.kind, where, hit.masked)


def output_files(folders: list[Path]) -> list[tuple[Path, Path]]:
    """(folder, file) of every file under ``folders``, in the order the scan reports them."""
    return [
        (folder, path)
        for folder in folders
        for path in sorted(p for p in Path(folder).rglob("*") if p.is_file())
    ]


def raise_on_hits(scanned: list[tuple[Path, Path, list[PersonalDataHit]]]) -> None:
    """Raise :class:`PersonalDataLeak` naming every hit of the (folder, file, hits) given."""
    hits = [
        f"{path.relative_to(folder).as_posix()}：{h}"
        for folder, path, file_hits in scanned
        for h in file_hits
    ]
    if hits:
        raise PersonalDataLeak(
            "本次运行的输出含有未脱敏的个人信息，结果未放入 reports/ 与 data/processed/（上次成功的结果保留）"
            " / personal data found in this run's outputs:\n  "
            + "\n  ".join(hits[:50])
            + (f"\n  …共 {len(hits)} 处" if len(hits) > 50 else "")
        )


def check_outputs(folders: list[Path], names: list[str]) -> None:
    """Raise :class:`PersonalDataLeak` naming every hit in the files under ``folders``."""
    files = output_files(folders)
    found = scan_files([path for _, path in files], names)
    raise_on_hits([(folder, path, hits) for (folder, path), hits in zip(files, found, strict=True)])
