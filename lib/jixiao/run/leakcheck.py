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
from pathlib import Path

from .. import schema
from ..errors import InputError
from ..privacy import PersonalDataHit, find_personal_data, is_scannable

OFFICE_SUFFIXES = (".docx",)
MARKUP_SUFFIXES = (".html", ".htm")
# Embedded fonts and images are base64, nobody's data; their digit runs could look like numbers.
_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+")


class PersonalDataLeak(InputError):
    """A run's output holds a phone, ID number or respondent's name in clear."""


def respondent_names(raw_folder: Path) -> list[str]:
    """The raw names of the year's respondents (questionnaire and interview log), for the scan."""
    from .. import loading

    names: set[str] = set()
    for path in sorted(Path(raw_folder).glob(schema.SURVEY.file_glob)):
        names |= set(loading.load_survey(path)["survey"].data["name"].dropna().astype(str))
    for path in sorted(Path(raw_folder).glob(schema.INTERVIEWS.file_glob)):
        names |= set(loading.load_interviews(path).data["name"].dropna().astype(str))
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


def scan_file(path: Path, names: list[str]) -> list[PersonalDataHit]:
    suffix = path.suffix.lower()
    if suffix == ".ipynb":
        text = _notebook_text(path)
    elif suffix in OFFICE_SUFFIXES:
        text = _office_text(path)
    elif suffix in MARKUP_SUFFIXES:
        text = _DATA_URI.sub("", path.read_text(encoding="utf-8", errors="replace"))
    elif is_scannable(path):
        return [_placed(h, path) for h in find_personal_data(path, names=names)]
    else:
        return []
    return [_placed(h, path, prefix=f"{path.name} ") for h in find_personal_data(text, names=names)]


def _placed(hit: PersonalDataHit, path: Path, prefix: str = "") -> PersonalDataHit:
    where = (
        hit.where if hit.where.startswith(path.name) else f"{prefix or path.name + ' '}{hit.where}"
    )
    return PersonalDataHit(hit.kind, where, hit.masked)


def check_outputs(folders: list[Path], names: list[str]) -> None:
    """Raise :class:`PersonalDataLeak` naming every hit in the files under ``folders``."""
    hits: list[str] = []
    for folder in folders:
        for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
            relative = path.relative_to(folder).as_posix()
            hits += [f"{relative}：{h}" for h in scan_file(path, names)]
    if hits:
        raise PersonalDataLeak(
            "本次运行的输出含有未脱敏的个人信息，结果未放入 reports/ 与 data/processed/（上次成功的结果保留）"
            " / personal data found in this run's outputs:\n  "
            + "\n  ".join(hits[:50])
            + (f"\n  …共 {len(hits)} 处" if len(hits) > 50 else "")
        )
