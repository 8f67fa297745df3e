"""Tests of boilerstrip.smooth.context_inputs: the context network's inputs."""

from __future__ import annotations

import numpy as np
import pytest

from boilerstrip.smooth import N_PAGE_SUMMARIES, PROB_FLOOR, WINDOW, context_inputs

N_ODDS = 2 * (2 * WINDOW + 1)
"""Body and title log-odds for each offset in -WINDOW..WINDOW."""

PROBS = np.array(
    [
        [0.1, 0.1, 0.8],
        [0.7, 0.1, 0.2],
        [0.9, 0.05, 0.05],
        [0.2, 0.0, 0.8],
        [0.3, 0.3, 0.4],
    ]
)


def odds_column(offset: int, which: int) -> int:
    """Column of the body (which=0) or title (which=1) log-odds at ``offset``."""
    return 2 * (offset + WINDOW) + which


def log_odds(row: np.ndarray, which: int) -> float:
    p = np.clip(row, PROB_FLOOR, 1.0)
    return float(np.log(p[which]) - np.log(p[2]))


@pytest.mark.parametrize(("n", "n_dense"), [(5, 0), (5, 3), (1, 2), (12, 7)])
def test_shape(n: int, n_dense: int) -> None:
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(3), size=n)
    out = context_inputs(probs, rng.normal(size=(n, n_dense)))
    assert out.shape == (n, N_ODDS + N_PAGE_SUMMARIES + n_dense)
    assert np.isfinite(out).all()


def test_empty_page() -> None:
    out = context_inputs(np.zeros((0, 3)), np.zeros((0, 4)))
    assert out.shape == (0, N_ODDS + N_PAGE_SUMMARIES + 4)


def test_neighbour_log_odds_and_zero_beyond_the_page() -> None:
    out = context_inputs(PROBS, np.zeros((len(PROBS), 0)))
    n = len(PROBS)
    for i in range(n):
        for offset in range(-WINDOW, WINDOW + 1):
            j = i + offset
            for which in (0, 1):
                value = out[i, odds_column(offset, which)]
                if 0 <= j < n:
                    assert value == pytest.approx(log_odds(PROBS[j], which))
                else:
                    assert value == 0.0, (i, offset, which)


def test_offsets_beyond_a_one_block_page_are_zero() -> None:
    out = context_inputs(np.array([[0.6, 0.1, 0.3]]), np.zeros((1, 0)))
    own = odds_column(0, 0)
    assert out[0, own] == pytest.approx(np.log(0.6 / 0.3))
    others = [c for c in range(N_ODDS) if c not in (own, own + 1)]
    assert (out[0, others] == 0.0).all()


def test_zero_probabilities_are_floored() -> None:
    out = context_inputs(np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]), np.zeros((2, 0)))
    floor = np.log(PROB_FLOOR)
    assert out[0, odds_column(0, 0)] == pytest.approx(floor)
    assert out[1, odds_column(0, 0)] == pytest.approx(-floor)
    assert out[1, odds_column(0, 1)] == pytest.approx(0.0)


def test_page_summaries() -> None:
    out = context_inputs(PROBS, np.zeros((len(PROBS), 0)))
    summaries = out[:, N_ODDS : N_ODDS + N_PAGE_SUMMARIES]
    body = PROBS[:, 0]
    total = body.sum()
    np.testing.assert_allclose(summaries[:, 0], body.mean())
    np.testing.assert_allclose(summaries[:, 1], (np.cumsum(body) - body) / total)
    np.testing.assert_allclose(summaries[:, 2], 1.0 - np.cumsum(body) / total, atol=1e-12)
    np.testing.assert_allclose(summaries[:, 3], np.abs(np.arange(5) - 2) / 5)


def test_dense_features_are_appended_unchanged() -> None:
    dense = np.arange(15, dtype=np.float64).reshape(5, 3)
    out = context_inputs(PROBS, dense)
    np.testing.assert_array_equal(out[:, -3:], dense)
