"""Agreement between automatic and human ratings (pure: stdlib only).

Scoring quality is judged the way the field does it (ETS RSMTool): exact and
adjacent agreement, quadratic weighted kappa (QWK) and the standardised mean
difference (SMD) between the two raters. Ratings are ordinal integers, for a
rubric criterion the position of the awarded level (0 = lowest).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Agreement:
    """Agreement figures for ``n`` paired ratings (None where undefined)."""

    n: int
    exact: float | None
    adjacent: float | None
    qwk: float | None
    smd: float | None


def _check_pairs(first: Sequence[int], second: Sequence[int]) -> None:
    """Raise ValueError unless both rating lists have the same length."""
    if len(first) != len(second):
        raise ValueError(f"rating lists differ in length: {len(first)} != {len(second)}")


def exact_agreement(first: Sequence[int], second: Sequence[int]) -> float | None:
    """Return the share of pairs rated identically (None when there are no pairs)."""
    _check_pairs(first, second)
    if not first:
        return None
    return sum(1 for a, b in zip(first, second, strict=True) if a == b) / len(first)


def adjacent_agreement(
    first: Sequence[int], second: Sequence[int], tolerance: int = 1
) -> float | None:
    """Return the share of pairs at most ``tolerance`` levels apart (None when empty)."""
    _check_pairs(first, second)
    if tolerance < 0:
        raise ValueError("tolerance must not be negative")
    if not first:
        return None
    close = sum(1 for a, b in zip(first, second, strict=True) if abs(a - b) <= tolerance)
    return close / len(first)


def quadratic_weighted_kappa(
    first: Sequence[int],
    second: Sequence[int],
    min_rating: int | None = None,
    max_rating: int | None = None,
) -> float | None:
    """Return Cohen's kappa with quadratic weights over the ordinal scale.

    The scale runs from ``min_rating`` to ``max_rating`` (default: the smallest
    and largest rating seen). Returns None when there are no pairs or when kappa is
    undefined (both raters used one and the same rating throughout).
    """
    _check_pairs(first, second)
    if not first:
        return None
    low = min(*first, *second) if min_rating is None else min_rating
    high = max(*first, *second) if max_rating is None else max_rating
    if any(r < low or r > high for r in (*first, *second)):
        raise ValueError(f"ratings must lie in [{low}, {high}]")
    size = high - low + 1
    observed = [[0.0] * size for _ in range(size)]
    for a, b in zip(first, second, strict=True):
        observed[a - low][b - low] += 1
    hist_a = [sum(row) for row in observed]
    hist_b = [sum(observed[i][j] for i in range(size)) for j in range(size)]
    count = len(first)
    numerator = denominator = 0.0
    for i in range(size):
        for j in range(size):
            weight = (i - j) ** 2
            numerator += weight * observed[i][j]
            denominator += weight * hist_a[i] * hist_b[j] / count
    if denominator == 0:
        return None
    return 1.0 - numerator / denominator


def _mean(values: Sequence[float]) -> float:
    """Return the arithmetic mean of a non-empty sequence."""
    return sum(values) / len(values)


def _sample_variance(values: Sequence[float]) -> float:
    """Return the sample variance (n - 1 denominator) of at least two values."""
    centre = _mean(values)
    return sum((v - centre) ** 2 for v in values) / (len(values) - 1)


def standardised_mean_difference(
    system: Sequence[float], human: Sequence[float]
) -> float | None:
    """Return (mean(system) - mean(human)) / pooled SD, as RSMTool reports it.

    The pooled SD is sqrt((var(system) + var(human)) / 2) with sample variances.
    Returns None with fewer than two pairs, or when both raters are constant but
    disagree (0.0 when they are constant and agree).
    """
    _check_pairs(system, human)
    if len(system) < 2:
        return None
    difference = _mean(system) - _mean(human)
    pooled = math.sqrt((_sample_variance(system) + _sample_variance(human)) / 2)
    if pooled == 0:
        return 0.0 if difference == 0 else None
    return difference / pooled


def agreement(
    pairs: Iterable[tuple[int, int]],
    min_rating: int | None = None,
    max_rating: int | None = None,
) -> Agreement:
    """Summarise (automatic, human) rating pairs into every agreement figure."""
    listed = list(pairs)
    auto = [a for a, _ in listed]
    human = [h for _, h in listed]
    return Agreement(
        n=len(listed),
        exact=exact_agreement(auto, human),
        adjacent=adjacent_agreement(auto, human),
        qwk=quadratic_weighted_kappa(auto, human, min_rating, max_rating),
        smd=standardised_mean_difference(auto, human),
    )
