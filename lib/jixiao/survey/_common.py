"""Helpers shared by the survey submodules: the step name, z quantiles, scale codes, percentages."""

from __future__ import annotations

from ..errors import ParameterError
from ..lazy import scipy_stats

STEP = "survey"


def _z(confidence: float) -> float:
    _check_confidence(confidence)
    return float(scipy_stats().norm.ppf(1 - (1 - confidence) / 2))


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ParameterError(f"confidence must be between 0 and 1 (e.g. 0.95), got {confidence!r}")


def _codes(scale: dict[str, int]) -> tuple[int, ...]:
    return tuple(sorted(set(int(v) for v in scale.values())))


def _level_labels(scale: dict[str, int]) -> dict[int, str]:
    """Code → the first text the scale gives for it (aliases such as 比较满意 come later)."""
    labels: dict[int, str] = {}
    for text, code in scale.items():
        labels.setdefault(int(code), text)
    return labels


def _by_list(by) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def _check_levels(levels) -> tuple[int, ...]:
    chosen = tuple(int(v) for v in levels)
    if not chosen:
        raise ParameterError(
            "satisfied_levels is empty: name the codes counted as satisfied, e.g. (5, 4)"
        )
    return chosen


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def _pct_tidy(x: float) -> str:
    """5% rather than 5.0% for round stated margins."""
    text = f"{x * 100:.1f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"
