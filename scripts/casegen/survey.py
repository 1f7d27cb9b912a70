"""问卷调查: respondents' answers (问卷数据), the items (题目) and the sampling plan (抽样计划).

Answer counts per group and item are set exactly from the target shares (largest
remainder), then shuffled, so the satisfaction rate lands where the case wants it for any
seed; a few invalid cells and duplicated respondents are planted as real entry sheets have.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from jixiao import schema

from . import common

TEXT_LEVELS = {code: text for text, code in schema.LIKERT_LEVELS.items()}  # 5 → 非常满意 …


@dataclass(frozen=True)
class Item:
    item_id: str
    text: str
    reverse: bool = False
    shift: float = 0.0  # added to the group's satisfied share for this item


@dataclass(frozen=True)
class Group:
    name: str
    population: int
    planned: int
    achieved: int
    satisfied: float  # target share of 非常满意 + 满意 (after reverse recoding)
    very: float = 0.55  # share of 非常满意 among the satisfied
    born: tuple[dt.date, dt.date] = (dt.date(1950, 1, 1), dt.date(1998, 12, 31))
    communities: tuple[str, ...] = ()


@dataclass(frozen=True)
class SurveyCase:
    items: tuple[Item, ...]
    groups: tuple[Group, ...]
    first_day: dt.date
    last_day: dt.date
    id_area_codes: tuple[str, ...]
    id_prefix: str = "WJ"
    digit_share: float = 0.12  # respondents whose answers were keyed in as 1–5
    blanks: int = 8  # invalid cells planted: left blank …
    out_of_range: int = 3  # … keyed as 6 …
    unclear: tuple[str, ...] = ("满意吧", "满意吧", "满意吧")  # … or written as unclear text
    duplicates: int = 2  # respondents keyed in twice (exact copies, same 问卷编号)
    # Valid answers keyed untidily (digits as text or full-width, stray spaces in the words):
    # they mean the same answer. 0 keeps the sheet as tidy as the 2017 one.
    untidy_valid: int = 0


def _exact_counts(shares: np.ndarray, n: int) -> np.ndarray:
    """Largest-remainder rounding: integer counts summing to n."""
    raw = shares / shares.sum() * n
    counts = np.floor(raw).astype(np.int64)
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[: n - counts.sum()]] += 1
    return counts


def level_shares(satisfied: float, very: float) -> np.ndarray:
    """Shares of codes 5, 4, 3, 2, 1."""
    rest = 1.0 - satisfied
    return np.array(
        [satisfied * very, satisfied * (1 - very), rest * 0.7, rest * 0.22, rest * 0.08]
    )


def build_codes(rng: np.random.Generator, case: SurveyCase) -> dict[str, np.ndarray]:
    """Satisfaction codes 1–5 per group: array (respondents × items), before reverse wording."""
    codes = {}
    for g in case.groups:
        matrix = np.empty((g.achieved, len(case.items)), dtype=np.int64)
        for j, item in enumerate(case.items):
            share = min(max(g.satisfied + item.shift, 0.0), 1.0)
            counts = _exact_counts(level_shares(share, g.very), g.achieved)
            column = np.repeat(np.array([5, 4, 3, 2, 1]), counts)
            matrix[:, j] = rng.permutation(column)
        codes[g.name] = matrix
    return codes


def build_survey(rng: np.random.Generator, case: SurveyCase) -> dict:
    """Respondent rows (schema.SURVEY columns + one per item), items and plan."""
    codes = build_codes(rng, case)
    days = common.working_days(case.first_day, case.last_day)
    records = []
    for g in case.groups:
        n = g.achieved
        names = common.fictional_names(rng, n)
        phones = common.fictional_mobiles(rng, n)
        ids = common.fictional_id_numbers(rng, n, case.id_area_codes, *g.born)
        places = rng.integers(0, len(g.communities), size=n)
        dates = rng.integers(0, len(days), size=n)
        as_digits = rng.random(n) < case.digit_share
        for i in range(n):
            answers = []
            for j, item in enumerate(case.items):
                code = int(codes[g.name][i, j])
                if item.reverse:  # agreement with a negative statement: keyed as 1–5
                    answers.append(6 - code)
                else:
                    answers.append(code if as_digits[i] else TEXT_LEVELS[code])
            records.append(
                [
                    None,
                    g.name,
                    g.communities[int(places[i])],
                    names[i],
                    phones[i],
                    ids[i],
                    days[int(dates[i])],
                    *answers,
                ]
            )
    # Entry order: by survey date, then as collected (stable).
    order = sorted(range(len(records)), key=lambda k: records[k][6])
    records = [records[k] for k in order]
    for k, rec in enumerate(records, start=1):
        rec[0] = f"{case.id_prefix}{k:04d}"
    _plant_invalid(rng, records, case)
    if case.untidy_valid:
        _plant_untidy(rng, records, case)
    for k in sorted(rng.choice(len(records), size=case.duplicates, replace=False), reverse=True):
        records.insert(int(k) + 1, list(records[int(k)]))
    return dict(records=records, items=case.items, groups=case.groups)


def _plant_invalid(rng: np.random.Generator, records: list[list], case: SurveyCase) -> None:
    first_answer = len(schema.SURVEY.columns)
    forward = [j for j, item in enumerate(case.items) if not item.reverse]
    bad = [None] * case.blanks + [6] * case.out_of_range + list(case.unclear)
    cells = rng.choice(len(records) * len(forward), size=len(bad), replace=False)
    for value, cell in zip(bad, cells, strict=True):
        row, col = divmod(int(cell), len(forward))
        records[row][first_answer + forward[col]] = value


FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def untidy(value, style: int):
    """The same answer as an entry clerk might key it: '4', '４', '满 意', '非常满意　'."""
    if isinstance(value, int):
        return str(value) if style % 2 == 0 else str(value).translate(FULLWIDTH_DIGITS)
    if style % 2 == 0 and len(value) > 1:
        return value[:-1] + " " + value[-1]
    return value + "\u3000"


def _plant_untidy(rng: np.random.Generator, records: list[list], case: SurveyCase) -> None:
    first_answer = len(schema.SURVEY.columns)
    width = len(case.items)
    cells = rng.permutation(len(records) * width)
    done = 0
    for cell in cells:  # a few dozen cells are wanted; stop at the first valid ones found
        row, col = divmod(int(cell), width)
        value = records[row][first_answer + col]
        if answer_code(value) is None:
            continue
        records[row][first_answer + col] = untidy(value, done)
        done += 1
        if done == case.untidy_valid:
            break


def answer_code(value) -> int | None:
    """1–5 for a valid answer (text level or digit, full-width or spaced), None otherwise."""
    if isinstance(value, str):
        text = "".join(unicodedata.normalize("NFKC", value).split())
        if text in schema.LIKERT_LEVELS:
            return schema.LIKERT_LEVELS[text]
        return int(text) if text in ("1", "2", "3", "4", "5") else None
    if isinstance(value, int) and 1 <= value <= 5:
        return value
    return None


def satisfaction_rate(survey: dict) -> tuple[int, int]:
    """(satisfied, valid) answers over all groups and items, first copy of each respondent."""
    first_answer = len(schema.SURVEY.columns)
    seen = set()
    satisfied = valid = 0
    for rec in survey["records"]:
        if rec[0] in seen:
            continue
        seen.add(rec[0])
        for item, value in zip(survey["items"], rec[first_answer:], strict=True):
            code = answer_code(value)
            if code is None:
                continue
            code = 6 - code if item.reverse else code
            valid += 1
            satisfied += code >= 4
    return satisfied, valid


def write_survey(
    survey: dict,
    path: Path,
    *,
    title: str,
    applies_to: str,
    timestamp=common.DEFAULT_TIMESTAMP,
    community_header: str | None = None,
) -> dict[str, int]:
    header = [c.header for c in schema.SURVEY.columns] + [item.item_id for item in survey["items"]]
    if community_header:  # the project's own header for the place column (project.toml)
        header[[c.name for c in schema.SURVEY.columns].index("community")] = community_header
    wb, ws = common.new_workbook(schema.SURVEY.sheet)
    common.title_row(ws, 1, title, len(header))
    n_data = common.write_table(
        ws, header, survey["records"], start_row=2, formats={6: "yyyy-mm-dd"}
    )
    common.set_widths(ws, (10, 11, 12, 9, 14, 21, 12) + (10,) * len(survey["items"]))
    # Phone and ID numbers are text: a number cell would lose the last digits of an ID.
    for row in ws.iter_rows(min_row=3, min_col=5, max_col=6):
        for cell in row:
            cell.number_format = "@"

    items = wb.create_sheet(schema.SURVEY_ITEMS.sheet)
    n_items = common.write_table(
        items,
        [c.header for c in schema.SURVEY_ITEMS.columns],
        [(i.item_id, i.text, "是" if i.reverse else "否", applies_to) for i in survey["items"]],
    )
    common.set_widths(items, (8, 70, 8, 26))

    plan = wb.create_sheet(schema.SURVEY_PLAN.sheet)
    n_plan = common.write_table(
        plan,
        [c.header for c in schema.SURVEY_PLAN.columns],
        [(g.name, g.population, g.planned) for g in survey["groups"]],
    )
    common.set_widths(plan, (12, 12, 12))
    common.save_workbook(wb, path, timestamp=timestamp)
    return {
        schema.SURVEY.sheet: n_data,
        schema.SURVEY_ITEMS.sheet: n_items,
        schema.SURVEY_PLAN.sheet: n_plan,
    }
