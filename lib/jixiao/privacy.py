"""Personal data in questionnaires and interview logs: mask it, pseudonymise it, scan for leaks.

Survey and interview sheets carry names, mobile numbers and 身份证号 because real sheets do.
None of that may reach ``data/processed/`` or any output. The ingest step calls
``mask_personal_data`` on the raw frames before anything is written; the leak scan
(``find_personal_data``) checks every processed file and output afterwards.

Masking rules (what an evaluator sees)
--------------------------------------
name        surname kept, the given name replaced by a fixed ``**`` (张三 and 张三丰 both → 张**,
            so the mask does not reveal the length); common two-character surnames are kept
            whole (欧阳娜娜 → 欧阳**); a one-character entry becomes ``*``.
phone       digits only; first 3 and last 4 kept, the rest ``*`` (13812345678 → 138****5678;
            a +86 / 0086 prefix is dropped first). Fewer than 7 digits: every digit masked.
id_number   first 6 (region code) and last 4 kept, the birth date and sequence masked
            (420802199001011234 → 420802********1234; 15-digit IDs keep 6 + 4 as well).
            Fewer than 14 characters: every character masked.

Other text columns (interview notes, remarks) are scrubbed too: mobile and ID patterns
inside free text are masked the same way, and the raw names of the frame's own ``name``
column are replaced by their masks wherever they occur.

Pseudonym
---------
``person_key`` = ``"P-"`` + the first 10 hex digits of HMAC-SHA256(salt, scrypt(identity)),
where identity is the normalised phone number when there is one (so a survey respondent and the
same person's phone interview link up), else the normalised ID number, else
name + community; ``person_key_basis`` says which (``phone`` / ``id_number`` / ``name``).
The same salt gives the same key in every file, run and machine; a different salt gives
unrelated keys.

Why the salt must be secret and the key slow: a masked phone (156****6328) hides only four
digits, so anyone holding the salt can try all 10,000 candidates against ``person_key``. With a
plain HMAC that takes 20 ms. scrypt (N = 2¹⁰, r = 8: about 2 ms and 1 MiB per try, ≈ 1 s
for the 431 respondents of the 2017 case) makes it about 20 s of one core per person and
2–3 hours for the whole 2017 survey: a thousand times slower, not impossible. The protection for real data is therefore the secret salt
(``JIXIAO_PRIVACY_SALT``; the ingest step refuses real data without it); the slow key only
limits the damage if that salt leaks.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from .errors import ParameterError
from .scan_reading import (  # the scan's file suffixes and is_scannable are part of this API
    SCANNABLE_SUFFIXES,  # noqa: F401
    TABLE_SUFFIXES,  # noqa: F401
    TEXT_SUFFIXES,  # noqa: F401
    columns_of,
    is_scannable,  # noqa: F401
)
from .schema import PROVENANCE_COLUMNS

IDENTITY_COLUMNS = ("name", "phone", "id_number")
KEY_COLUMN = "person_key"
BASIS_COLUMN = "person_key_basis"
KEY_PREFIX = "P-"
KEY_HEX_DIGITS = 10
# scrypt cost of one pseudonym (≈ 2 ms and 1 MiB): changing it changes every key, so it is fixed.
KDF_N, KDF_R, KDF_P, KDF_LENGTH = 2**10, 8, 1, 32
KDF_CONTEXT = b"jixiao person_key v2\x00"
# identities() prefix → the column the pseudonym was computed from.
BASES = {"phone": "phone", "id": "id_number", "name": "name"}

# Two-character surnames kept whole so 欧阳娜娜 masks to 欧阳** rather than 欧**.
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "令狐",
    "长孙",
    "宇文",
    "司徒",
    "司空",
    "夏侯",
    "轩辕",
    "端木",
    "西门",
    "南宫",
    "独孤",
    "澹台",
    "百里",
    "呼延",
    "万俟",
)

PHONE_PATTERN = r"(?<!\d)1[3-9]\d{9}(?!\d)"
ID_PATTERN = r"(?<!\d)(?:\d{17}[\dXx]|\d{15})(?!\d)"
# The leak scan looks for 18-digit IDs only (15-digit numbers are too common in other data),
# and for mobiles also written in 3-4-4 groups (139-1234-5678, 139 1234 5678).
ID18_PATTERN = r"(?<!\d)\d{17}[\dXx](?!\d)"
PHONE_SCAN_PATTERN = r"(?<!\d)1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)"

# Columns whose text is never scrubbed: identity columns are masked on their own, and the
# provenance / classification columns hold no personal data but must stay exactly as loaded.
_NOT_FREE_TEXT = (
    set(IDENTITY_COLUMNS)
    | set(PROVENANCE_COLUMNS)
    | {KEY_COLUMN, BASIS_COLUMN, "community", "group"}
)


# ---------------------------------------------------------------------------------------
# Masking
# ---------------------------------------------------------------------------------------


def _as_text(series: pd.Series) -> pd.Series:
    """Stripped text; blanks become NA. Floats from Excel (13812345678.0) lose the ``.0``."""
    text = series.astype("string").str.normalize("NFKC").str.strip()
    text = text.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    return text.mask(text == "")


def normalise_name(series: pd.Series) -> pd.Series:
    return _as_text(series).str.replace(r"\s+", "", regex=True)


def normalise_phone(series: pd.Series) -> pd.Series:
    """Digits only, country prefix dropped; NA when no digit is left."""
    digits = _as_text(series).str.replace(r"\D", "", regex=True)
    digits = digits.str.replace(r"^(?:0086|86)(1[3-9]\d{9})$", r"\1", regex=True)
    return digits.mask(digits == "")


def normalise_id(series: pd.Series) -> pd.Series:
    text = _as_text(series).str.replace(r"\s+", "", regex=True).str.upper()
    return text.mask(text == "")


def mask_names(series: pd.Series) -> pd.Series:
    names = normalise_name(series)
    compound = names.str.startswith(COMPOUND_SURNAMES) & (names.str.len() >= 3)
    surname = names.str.slice(0, 2).where(compound, names.str.slice(0, 1))
    masked = surname + "**"
    return masked.where(names.str.len() > 1, "*").where(names.notna())


def _keep_ends(text: pd.Series, head: int, tail: int, min_length: int) -> pd.Series:
    """Keep ``head`` leading and ``tail`` trailing characters, star the middle; too short: all stars."""
    length = text.str.len()
    stars = pd.Series("*", index=text.index, dtype="string")
    middle = stars.str.repeat((length - head - tail).clip(lower=0).fillna(0).astype(int).tolist())
    kept = text.str.slice(0, head) + middle + text.str.slice(-tail)
    all_stars = stars.str.repeat(length.fillna(0).astype(int).tolist())
    return kept.where(length >= min_length, all_stars).where(text.notna())


def mask_phones(series: pd.Series) -> pd.Series:
    return _keep_ends(normalise_phone(series), 3, 4, 7)


def mask_ids(series: pd.Series) -> pd.Series:
    return _keep_ends(normalise_id(series), 6, 4, 14)


def _mask_number(found: str) -> str:
    """Mask a mobile (11 digits) or ID number (15/18 characters) found inside text."""
    if len(found) == 11:
        return found[:3] + "****" + found[-4:]
    return found[:6] + "*" * (len(found) - 10) + found[-4:]


def _mask_match(match: re.Match) -> str:
    return _mask_number(re.sub(r"[- ]", "", match.group(0)))


def redact_text(series: pd.Series, name_masks: dict[str, str] | None = None) -> pd.Series:
    """Mask mobile / ID patterns inside free text and replace the given raw names by their masks.

    Mobiles written in groups (139-1234-5678, 139 1234 5678) are masked as 139****5678.
    """
    text = series.astype("string")
    text = text.str.replace(f"{ID_PATTERN}|{PHONE_SCAN_PATTERN}", _mask_match, regex=True)
    names = {
        raw: masked
        for raw, masked in (name_masks or {}).items()
        if isinstance(raw, str) and len(raw) >= 2
    }
    if names:
        # Longest first so 欧阳娜娜 is replaced before a shorter name that is part of it.
        alternation = "|".join(re.escape(raw) for raw in sorted(names, key=lambda n: (-len(n), n)))
        text = text.str.replace(alternation, lambda m: names[m.group(0)], regex=True)
    return text


def pseudonym_key(identity: str, *, salt: str) -> str:
    """``P-`` + 10 hex of HMAC-SHA256(salt, scrypt(identity, salt)): slow on purpose (see the module notes)."""
    secret = salt.encode("utf-8")
    stretched = hashlib.scrypt(
        str(identity).encode("utf-8"),
        salt=KDF_CONTEXT + secret,
        n=KDF_N,
        r=KDF_R,
        p=KDF_P,
        dklen=KDF_LENGTH,
    )
    return KEY_PREFIX + hmac.new(secret, stretched, hashlib.sha256).hexdigest()[:KEY_HEX_DIGITS]


def pseudonym_keys(identity: pd.Series, *, salt: str) -> pd.Series:
    """``pseudonym_key`` of each value, computed once per distinct identity."""
    _check_salt(salt)
    distinct = list(identity.dropna().unique())
    # hashlib.scrypt releases the GIL, so the slow-on-purpose keys spread over the cores; the key
    # of each identity is the same whichever thread computes it.
    workers = max(1, min(os.cpu_count() or 1, len(distinct) // 64))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        keys = list(pool.map(lambda value: pseudonym_key(value, salt=salt), distinct))
    return identity.map(dict(zip(distinct, keys, strict=True))).astype("string")


def _check_salt(salt: str) -> None:
    if not isinstance(salt, str) or not salt.strip():
        raise ParameterError(
            "salt must be a non-empty string (keep it outside the repository for real data)"
        )


def identities(df: pd.DataFrame) -> pd.Series:
    """What the pseudonym is computed from: phone, else ID number, else name + community."""
    blank = pd.Series(pd.NA, index=df.index, dtype="string")
    phone = normalise_phone(df["phone"]) if "phone" in df else blank
    phone = phone.where(phone.str.len() >= 7)
    id_number = normalise_id(df["id_number"]) if "id_number" in df else blank
    name = normalise_name(df["name"]) if "name" in df else blank
    community = _as_text(df["community"]).fillna("") if "community" in df else ""
    identity = ("phone:" + phone).fillna("id:" + id_number).fillna("name:" + name + "|" + community)
    return identity.astype("string")


def key_basis(identity: pd.Series) -> pd.Series:
    """Which column an identity (from :func:`identities`) came from: phone, id_number or name."""
    return identity.str.extract(r"^(phone|id|name):", expand=False).map(BASES).astype("string")


def name_masks(names: pd.Series) -> dict[str, str]:
    """Raw name → its mask (张三 → 张**), for scrubbing the names out of free text."""
    pairs = (
        pd.DataFrame({"raw": normalise_name(names), "masked": mask_names(names)})
        .dropna()
        .drop_duplicates("raw")
    )
    return dict(zip(pairs["raw"], pairs["masked"], strict=True))


def mask_personal_data(df: pd.DataFrame, *, salt: str) -> pd.DataFrame:
    """Return a copy with name / phone / id_number masked, free text scrubbed, ``person_key`` and
    ``person_key_basis`` added.

    Apply once, to the frame as loaded from the raw sheet: the pseudonym is computed from the
    unmasked values. ``person_key`` (and its basis) is NA for rows with no name, phone or ID number.
    """
    _check_salt(salt)
    out = df.copy()
    identity = identities(df)
    # Outputs use pandas' default text dtype ("str"), like every other canonical table.
    out[KEY_COLUMN] = pseudonym_keys(identity, salt=salt).astype("str")
    out[BASIS_COLUMN] = key_basis(identity).astype("str")
    masks: dict[str, str] = {}
    if "name" in df:
        masks = name_masks(df["name"])
        out["name"] = mask_names(df["name"]).astype("str")
    if "phone" in df:
        out["phone"] = mask_phones(df["phone"]).astype("str")
    if "id_number" in df:
        out["id_number"] = mask_ids(df["id_number"]).astype("str")
    for column in out.columns:
        if column in _NOT_FREE_TEXT:
            continue
        if pd.api.types.infer_dtype(out[column], skipna=True) in ("string", "empty"):
            out[column] = redact_text(out[column], masks).astype("str")
    return out


# ---------------------------------------------------------------------------------------
# Leak scan
# ---------------------------------------------------------------------------------------

HIT_KINDS = {"phone": "手机号", "id_number": "身份证号", "name": "姓名"}


@dataclass(frozen=True)
class PersonalDataHit:
    kind: str  # "phone", "id_number" or "name"
    where: str  # file / sheet / column[row] or line number
    masked: str  # the match, masked, so reporting a leak does not repeat it

    def __str__(self) -> str:
        return f"{self.where}: {HIT_KINDS[self.kind]} {self.masked}"


@dataclass(frozen=True)
class _ScanPatterns:
    numbers: re.Pattern  # phones and ID numbers only
    everything: re.Pattern  # numbers and the respondents' names, one alternative
    names: tuple[str, ...]


def _scan_patterns(names) -> _ScanPatterns:
    raw_names = sorted(
        {str(n).strip() for n in names if isinstance(n, str) and len(str(n).strip()) >= 2},
        key=lambda n: (-len(n), n),
    )
    # A digit run right after a decimal point is the fraction of a number (a rate in a table,
    # a coordinate in an SVG), not an ID or phone number.
    not_a_fraction = r"(?<!\.)"
    # Nor is a digit run inside a hexadecimal token (a SHA-256 in a manifest, a colour).
    not_in_hex = (r"(?<![0-9a-fA-F])", r"(?![0-9a-fA-F])")
    parts = [
        f"(?P<id_number>{not_a_fraction}{not_in_hex[0]}{ID18_PATTERN}{not_in_hex[1]})",
        f"(?P<phone>{not_a_fraction}{not_in_hex[0]}{PHONE_SCAN_PATTERN}{not_in_hex[1]})",
    ]
    numbers = re.compile("|".join(parts))
    if raw_names:
        parts.append(f"(?P<name>{'|'.join(re.escape(n) for n in raw_names)})")
    return _ScanPatterns(numbers, re.compile("|".join(parts)), tuple(raw_names))


def _matches(text: pd.Series, positions: np.ndarray, pattern: re.Pattern) -> pd.Series:
    """(cell position, match, kind) → matched value, for the cells at ``positions``."""
    cells = text.iloc[positions].astype("string")
    cells.index = positions
    found = cells.dropna().str.extractall(pattern)
    # One column per kind, at most one non-null per match; stacking keeps match order.
    return found.stack().dropna() if not found.empty else pd.Series(dtype=object)


def _found(text: pd.Series, patterns: _ScanPatterns, candidates: np.ndarray) -> list[tuple]:
    """(position, kind, masked match) of each match among the ``candidates`` cells, in cell and
    then match order. Cells that may hold a name get the full pattern; the others only the (fast)
    number part."""
    if not candidates.any():
        return []
    parts = [
        _matches(text, np.flatnonzero(candidates == 1), patterns.numbers),
        _matches(text, np.flatnonzero(candidates == 2), patterns.everything),
    ]
    parts = [m for m in parts if not m.empty]
    if not parts:
        return []
    matches = pd.concat(parts)
    order = np.lexsort((matches.index.get_level_values(1), matches.index.get_level_values(0)))
    found = []
    for (position, _, kind), value in matches.iloc[order].items():
        masked = (
            mask_names(pd.Series([value])).iloc[0]
            if kind == "name"
            else _mask_number(re.sub(r"[- ]", "", value))
        )
        found.append((position, kind, masked))
    return found


def _hits_in_series(
    text: pd.Series, patterns: _ScanPatterns, label, candidates: np.ndarray
) -> list[PersonalDataHit]:
    """One hit per match among the ``candidates`` cells; ``label(index)`` says where the cell is."""
    return [
        PersonalDataHit(kind, label(text.index[position]), masked)
        for position, kind, masked in _found(text, patterns, candidates)
    ]


def _column_hits(cells: pd.Series, label, text, kinds: np.ndarray, patterns) -> list:
    """The hits of one column, the exact patterns run once per distinct candidate text
    (``text``: its :class:`~jixiao.scan_distinct.ColumnText`, ``kinds`` its texts' candidacy)."""
    ids = np.flatnonzero(kinds)
    if not ids.size:
        return []
    candidates = pd.Series(text.distinct.take(pa.array(ids)).to_pylist(), dtype="string")
    by_text: dict[int, list[tuple[str, str]]] = {}
    for position, kind, masked in _found(candidates, patterns, kinds[ids]):
        by_text.setdefault(int(ids[position]), []).append((kind, masked))
    if not by_text:
        return []
    rows, codes = text.rows_holding(np.fromiter(by_text, dtype=np.int64))
    index = cells.index
    return [
        PersonalDataHit(kind, label(index[row]), masked)
        for row, code in zip(rows.tolist(), codes.tolist(), strict=True)
        for kind, masked in by_text[code]
    ]


def find_personal_data_in(objects: list, names=()) -> list[list[PersonalDataHit]]:
    """:func:`find_personal_data` of each object; each column's distinct texts scanned once."""
    from .scan_distinct import candidate_kinds, column_text

    patterns = _scan_patterns(names)
    found = []
    for obj in objects:
        columns = columns_of(obj, patterns.names)
        texts = [column_text(cells, patterns.names) for cells, _ in columns]
        kinds = candidate_kinds([t.distinct for t in texts], patterns.names)
        found.append(
            [
                hit
                for (cells, label), text, kind in zip(columns, texts, kinds, strict=True)
                for hit in _column_hits(cells, label, text, kind, patterns)
            ]
        )
    return found


def find_personal_data(obj, names=()) -> list[PersonalDataHit]:
    """Every mobile number, 18-digit ID number and given raw name found in ``obj``.

    ``obj`` is a string (scanned as text), a Series, a DataFrame or a ``Path`` to a file with a suffix in
    ``SCANNABLE_SUFFIXES`` (parquet and Excel are read cell by cell, every sheet; the rest
    as text). Names shorter than two characters are not searched for (they would match
    everywhere). Hits carry the matched value masked.
    """
    return find_personal_data_in([obj], names)[0]
