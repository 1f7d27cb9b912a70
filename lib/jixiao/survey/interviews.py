"""Phone interviews: coded answers counted by question and community, notes kept apart.

Notes carry the pseudonym, never a name; personal data inside a note is masked once more.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..privacy import name_masks, redact_text

INTERVIEW_HEADERS = {
    "interview_id": "访谈编号",
    "interview_date": "访谈日期",
    "community": "社区",
    "group": "受访者类别",
    "person_key": "受访者代码",
    "question_id": "问题编号",
    "question": "访谈问题",
    "answer_code": "回答编码",
    "n": "人次",
    "share": "占比",
    "note": "访谈摘要",
}
# Usual answer codes in a sensible reading order; any other code follows, sorted.
INTERVIEW_CODE_ORDER = (
    "非常满意",
    "满意",
    "基本满意",
    "一般",
    "不太满意",
    "不满意",
    "非常不满意",
    "是",
    "否",
    "不清楚",
)


@dataclass
class InterviewSummary:
    by_question: pd.DataFrame  # question_id, question, answer_code, n, share
    by_community: pd.DataFrame  # question_id, question, community, answer_code, n, share
    notes: (
        pd.DataFrame
    )  # interview_id, interview_date, community, group, person_key, question_id, question, note
    interviews: int

    def summary(self) -> str:
        return f"电话访谈 {self.interviews} 人次，问题 {self.by_question['question_id'].nunique()} 个，记录摘要 {len(self.notes)} 条。"

    def community_table(self) -> pd.DataFrame:
        """One row per community, one column per question and answer (``T2 满意``), counts; Chinese headers."""
        data = self.by_community
        if data.empty:
            return pd.DataFrame({INTERVIEW_HEADERS["community"]: pd.Series(dtype="string")})
        order = list(
            dict.fromkeys(zip(data["question_id"], data["answer_code"], strict=False))
        )  # question order, then code order
        wide = data.pivot_table(
            index="community",
            columns=["question_id", "answer_code"],
            values="n",
            aggfunc="sum",
            fill_value=0,
        )
        wide = wide.reindex(columns=pd.MultiIndex.from_tuples(order)).fillna(0).astype("int64")
        wide.columns = [f"{q} {code}" for q, code in wide.columns]
        return wide.rename_axis(INTERVIEW_HEADERS["community"]).reset_index()


def _count_codes(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    counts = (
        frame.groupby(keys + ["answer_code"], dropna=False, sort=False)
        .size()
        .rename("n")
        .reset_index()
    )
    totals = counts.groupby(keys, dropna=False, sort=False)["n"].transform("sum")
    counts["share"] = counts["n"] / totals
    rank = {code: i for i, code in enumerate(INTERVIEW_CODE_ORDER)}
    counts["_rank"] = counts["answer_code"].map(rank).fillna(len(rank))
    counts = counts.sort_values(keys + ["_rank", "answer_code"], kind="stable").drop(
        columns="_rank"
    )
    counts["n"] = counts["n"].astype("int64")
    return counts.reset_index(drop=True)


def summarise_interviews(interviews: pd.DataFrame) -> InterviewSummary:
    """Coded answers counted by question (and community), shares within each; notes kept apart.

    Notes carry ``person_key`` (when the frame has been masked) and never the name or phone;
    phone and ID patterns and the frame's own names inside a note are masked once more, so an
    unmasked frame passed by mistake does not leak through the notes.
    """
    frame = interviews.copy()
    frame["answer_code"] = frame["answer_code"].astype("string").str.strip()
    frame["question_id"] = frame["question_id"].astype("string").str.strip()
    # One question text per id (the first written), so a retyped question does not split counts.
    questions = frame.drop_duplicates("question_id")[["question_id", "question"]]
    by_question = _count_codes(frame, ["question_id"]).merge(
        questions, on="question_id", how="left"
    )
    by_community = _count_codes(frame, ["question_id", "community"]).merge(
        questions, on="question_id", how="left"
    )
    by_question = by_question[["question_id", "question", "answer_code", "n", "share"]]
    by_community = by_community[
        ["question_id", "question", "community", "answer_code", "n", "share"]
    ]
    note_cols = [
        c
        for c in (
            "interview_id",
            "interview_date",
            "community",
            "group",
            "person_key",
            "question_id",
            "question",
            "note",
        )
        if c in frame
    ]
    notes = (
        frame.loc[frame["note"].astype("string").str.strip().fillna("").ne(""), note_cols]
        if "note" in frame
        else frame.iloc[0:0][note_cols]
    )
    notes = notes.sort_values(
        [c for c in ("interview_id", "question_id") if c in notes], kind="stable", ignore_index=True
    )
    if "note" in notes:
        masks = name_masks(frame["name"]) if "name" in frame else None
        notes["note"] = redact_text(notes["note"], masks).astype(frame["note"].dtype)
    return InterviewSummary(
        by_question=by_question,
        by_community=by_community,
        notes=notes,
        interviews=int(frame["interview_id"].nunique()),
    )
