"""Agreement statistics against hand-computed values."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.domain.agreement import (
    adjacent_agreement,
    agreement,
    exact_agreement,
    quadratic_weighted_kappa,
    standardised_mean_difference,
)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ([1, 2, 3, 4, 5], [1, 2, 3, 4, 5], 1.0),
        # perfect disagreement on a two-point scale
        ([0, 0, 1, 1], [1, 1, 0, 0], -1.0),
        # O = diag + (3,2); E = outer([1,1,1],[1,2,0])/3: 1 - (1/4)/(3/4)
        ([1, 2, 3], [1, 2, 2], 2 / 3),
        # uniform margins, sum w*O = 6, sum w*E = 8
        ([0, 1, 2, 0, 1, 2], [0, 1, 2, 1, 2, 0], 0.25),
        # same as above with the scale shifted: kappa is shift-invariant
        ([10, 11, 12, 10, 11, 12], [10, 11, 12, 11, 12, 10], 0.25),
    ],
)
def test_qwk_known_values(first: list[int], second: list[int], expected: float) -> None:
    assert quadratic_weighted_kappa(first, second) == pytest.approx(expected)


def test_qwk_is_symmetric() -> None:
    a, b = [0, 1, 2, 2, 1, 0, 2], [0, 2, 2, 1, 1, 0, 0]
    assert quadratic_weighted_kappa(a, b) == pytest.approx(quadratic_weighted_kappa(b, a))


def test_qwk_explicit_scale_changes_nothing_when_margins_cover_it() -> None:
    assert quadratic_weighted_kappa([0, 2], [0, 2], 0, 2) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("first", "second"),
    [([], []), ([2, 2, 2], [2, 2, 2])],
)
def test_qwk_undefined_returns_none(first: list[int], second: list[int]) -> None:
    assert quadratic_weighted_kappa(first, second) is None


@pytest.mark.parametrize(
    ("first", "second", "low", "high"),
    [([1, 2], [1], None, None), ([0, 5], [0, 1], 0, 3), ([-1, 0], [0, 0], 0, 2)],
)
def test_qwk_rejects_bad_input(
    first: list[int], second: list[int], low: int | None, high: int | None
) -> None:
    with pytest.raises(ValueError):
        quadratic_weighted_kappa(first, second, low, high)


@pytest.mark.parametrize(
    ("first", "second", "exact", "adjacent"),
    [
        ([0, 1, 2, 3], [0, 1, 2, 3], 1.0, 1.0),
        ([0, 1, 2, 3], [1, 1, 0, 3], 0.5, 0.75),
        ([0, 0], [3, 2], 0.0, 0.0),
        ([], [], None, None),
    ],
)
def test_exact_and_adjacent(
    first: list[int], second: list[int], exact: float | None, adjacent: float | None
) -> None:
    assert exact_agreement(first, second) == exact
    assert adjacent_agreement(first, second) == adjacent


def test_adjacent_rejects_negative_tolerance() -> None:
    with pytest.raises(ValueError):
        adjacent_agreement([1], [1], tolerance=-1)


@pytest.mark.parametrize(
    ("system", "human", "expected"),
    [
        ([1, 2, 3], [2, 3, 4], -1.0),
        ([2, 3, 4], [1, 2, 3], 1.0),
        # var(system)=1, var(human)=4 -> pooled sqrt(2.5); diff 0
        ([1, 2, 3], [0, 2, 4], 0.0),
        # diff = 1, pooled = sqrt((1 + 4) / 2)
        ([2, 3, 4], [0, 2, 4], 1 / math.sqrt(2.5)),
        ([3, 3], [3, 3], 0.0),
    ],
)
def test_smd_known_values(system: list[int], human: list[int], expected: float) -> None:
    assert standardised_mean_difference(system, human) == pytest.approx(expected)


@pytest.mark.parametrize(("system", "human"), [([1], [1]), ([], []), ([3, 3], [2, 2])])
def test_smd_undefined(system: list[int], human: list[int]) -> None:
    assert standardised_mean_difference(system, human) is None


def test_agreement_summary_combines_every_figure() -> None:
    pairs = [(0, 0), (1, 1), (2, 2), (0, 1), (1, 2), (2, 0)]
    result = agreement(pairs)
    assert result.n == 6
    assert result.exact == pytest.approx(0.5)
    assert result.adjacent == pytest.approx(5 / 6)
    assert result.qwk == pytest.approx(0.25)
    assert result.smd == pytest.approx(0.0)


def test_agreement_of_nothing() -> None:
    result = agreement([])
    assert (result.n, result.exact, result.adjacent, result.qwk, result.smd) == (
        0, None, None, None, None)


ratings = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=1, max_size=60)


@given(ratings)
def test_agreement_properties(pairs: list[tuple[int, int]]) -> None:
    first, second = [a for a, _ in pairs], [b for _, b in pairs]
    result = agreement(pairs)
    assert result.n == len(pairs)
    assert 0 <= result.exact <= result.adjacent <= 1
    if result.qwk is not None:
        assert -1 - 1e-9 <= result.qwk <= 1 + 1e-9
        assert result.qwk == pytest.approx(quadratic_weighted_kappa(second, first))
    if first == second and result.qwk is not None:
        assert result.qwk == pytest.approx(1.0)
    if result.smd is not None:
        flipped = standardised_mean_difference(second, first)
        assert flipped == pytest.approx(-result.smd)
