"""Heavy libraries imported on first use, so that importing a step module stays cheap."""

from __future__ import annotations


def scipy_stats():
    """``scipy.stats`` (≈ 0.5 s to import): the report notebook reads constants from modules that
    use it without ever computing a distribution."""
    from scipy import stats

    return stats
