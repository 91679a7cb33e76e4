"""Medians and 90th percentiles as PostgreSQL's `percentile_cont` gives them.

Both backends and every dimension use this one definition (linear interpolation between the
closest ranks), so a figure is the same whichever database the desk runs on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

BIG_ENDIAN_DOUBLES = np.dtype(">f8")  # what PostgreSQL's float8send writes


def percentile(values: Sequence[float], share: float) -> float | None:
    """`percentile_cont`: linear interpolation between the closest ranks of sorted values."""
    if not len(values):
        return None
    rank = (len(values) - 1) * share
    low, high = math.floor(rank), math.ceil(rank)
    first, second = float(values[low]), float(values[high])
    return first + (second - first) * (rank - low)


def median_and_p90(ordered: Sequence[float]) -> tuple[float | None, float | None]:
    """The two figures the desk shows, from values already in order."""
    return percentile(ordered, 0.5), percentile(ordered, 0.9)


def packed_percentiles(parts: list[bytes]) -> tuple[float | None, float | None]:
    """Median and 90th percentile of the doubles packed in `parts` (float8send's bytes,
    concatenated by the database per group): one sort of all of them, in C."""
    return median_and_p90(np.sort(np.frombuffer(b"".join(parts), dtype=BIG_ENDIAN_DOUBLES)))
