"""Tests of boilerstrip.smooth: the context network's inputs and the kinds' votes."""

from __future__ import annotations

import numpy as np
import pytest

from boilerstrip.arrays import Pages
from boilerstrip.features import DENSE_NAMES, LEXICON_BITS, ContentWords
from boilerstrip.smooth import (
    FIRST_STAGE_CLASSES,
    KIND_VOTE,
    N_PAGE_SUMMARIES,
    NEIGHBOUR_CUES,
    ODDS_PER_BLOCK,
    PROB_FLOOR,
    SUPPORT_CAP,
    WINDOW,
    as_labels,
    context_inputs,
    context_width,
    core_mask,
    decide_labels,
    smooth_kinds,
)

NO_WORDS = ContentWords.empty()

N_DENSE = len(DENSE_NAMES)

N_ODDS = ODDS_PER_BLOCK * (2 * WINDOW + 1)
"""Body, title and prose-noise log-odds for each offset in -WINDOW..WINDOW."""

PROBS = np.array(
    [
        [0.1, 0.1, 0.6, 0.2],
        [0.7, 0.1, 0.2, 0.0],
        [0.9, 0.05, 0.0, 0.05],
        [0.2, 0.0, 0.1, 0.7],
        [0.3, 0.3, 0.2, 0.2],
    ]
)


def odds_column(offset: int, which: int) -> int:
    """Column of the body (which=0), title (1) or prose-noise (2) log-odds at ``offset``."""
    return ODDS_PER_BLOCK * (offset + WINDOW) + which


def log_odds(row: np.ndarray, which: int) -> float:
    """Body or title against all noise; prose noise against body."""
    p = np.clip(row, PROB_FLOOR, 1.0)
    noise = max(row[2] + row[3], PROB_FLOOR)
    if which == 2:
        return float(np.log(p[3]) - np.log(p[0]))
    return float(np.log(p[which]) - np.log(noise))


N_CUES = 2 * WINDOW * len(NEIGHBOUR_CUES)
"""Each neighbour's cues, for each offset in -WINDOW..WINDOW but 0."""


def no_dense(n: int) -> np.ndarray:
    return np.zeros((n, N_DENSE))


@pytest.mark.parametrize("n", [5, 1, 12])
def test_shape(n: int) -> None:
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(len(FIRST_STAGE_CLASSES)), size=n)
    out = context_inputs(probs, rng.normal(size=(n, N_DENSE)), NO_WORDS)
    assert out.shape == (n, N_ODDS + N_PAGE_SUMMARIES + N_CUES + N_DENSE)
    assert np.isfinite(out).all()


def test_empty_page() -> None:
    out = context_inputs(np.zeros((0, 4)), no_dense(0), NO_WORDS)
    assert out.shape == (0, N_ODDS + N_PAGE_SUMMARIES + N_CUES + N_DENSE)


def test_neighbour_log_odds_and_zero_beyond_the_page() -> None:
    out = context_inputs(PROBS, no_dense(len(PROBS)), NO_WORDS)
    n = len(PROBS)
    for i in range(n):
        for offset in range(-WINDOW, WINDOW + 1):
            j = i + offset
            for which in range(ODDS_PER_BLOCK):
                value = out[i, odds_column(offset, which)]
                if 0 <= j < n:
                    assert value == pytest.approx(log_odds(PROBS[j], which))
                else:
                    assert value == 0.0, (i, offset, which)


def test_offsets_beyond_a_one_block_page_are_zero() -> None:
    out = context_inputs(np.array([[0.6, 0.1, 0.2, 0.1]]), no_dense(1), NO_WORDS)
    own = odds_column(0, 0)
    assert out[0, own] == pytest.approx(np.log(0.6 / 0.3))
    assert out[0, own + 2] == pytest.approx(np.log(0.1 / 0.6))
    others = [c for c in range(N_ODDS) if c not in (own, own + 1, own + 2)]
    assert (out[0, others] == 0.0).all()


def test_zero_probabilities_are_floored() -> None:
    probs = np.array([[0.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 0.0]])
    out = context_inputs(probs, no_dense(2), NO_WORDS)
    floor = np.log(PROB_FLOOR)
    assert out[0, odds_column(0, 0)] == pytest.approx(floor)
    assert out[1, odds_column(0, 0)] == pytest.approx(-floor)
    assert out[1, odds_column(0, 1)] == pytest.approx(0.0)
    assert out[1, odds_column(0, 2)] == pytest.approx(floor)


def test_page_summaries() -> None:
    out = context_inputs(PROBS, no_dense(len(PROBS)), NO_WORDS)
    summaries = out[:, N_ODDS : N_ODDS + N_PAGE_SUMMARIES]
    body = PROBS[:, 0]
    total = body.sum()
    np.testing.assert_allclose(summaries[:, 0], body.mean())
    np.testing.assert_allclose(summaries[:, 1], (np.cumsum(body) - body) / total)
    np.testing.assert_allclose(summaries[:, 2], 1.0 - np.cumsum(body) / total, atol=1e-12)
    np.testing.assert_allclose(summaries[:, 3], np.abs(np.arange(5) - 2) / 5)
    np.testing.assert_array_equal(summaries[:, 4:], 0.0)  # no content words, no support


def test_pages_of_a_batch_are_read_apart() -> None:
    """Several pages in one call: each page's rows are those it gets alone."""
    rng = np.random.default_rng(0)
    sizes = [5, 1, 0, 9, 2]
    pages = Pages.of_sizes(sizes)
    probs = rng.dirichlet(np.ones(len(FIRST_STAGE_CLASSES)), size=sum(sizes))
    dense = rng.normal(size=(sum(sizes), N_DENSE))
    alone, rows, slots = [], [], []
    for page, (lo, n) in enumerate(zip(pages.first.tolist(), sizes, strict=True)):
        # Words 1..3 on every page: the same slot on two pages must not support each other.
        page_rows = np.repeat(np.arange(n), 2)
        page_slots = np.tile([1, 2], n) + (np.arange(2 * n) % 3 == 0)
        order = np.argsort(page_slots, kind="stable")
        words = ContentWords(rows=page_rows[order], slots=page_slots[order])
        alone.append(context_inputs(probs[lo : lo + n], dense[lo : lo + n], words))
        rows.append(words.rows + lo)
        slots.append(words.slots + (page << LEXICON_BITS))
    batch_words = ContentWords(rows=np.concatenate(rows), slots=np.concatenate(slots))
    batch = context_inputs(probs, dense, batch_words, pages=pages)
    np.testing.assert_allclose(batch, np.vstack(alone), rtol=1e-12, atol=1e-12)


def test_topic_support_counts_other_blocks_body_probability() -> None:
    """Blocks 1 and 2 share word 7 and block 3 has it too; block 4 alone has word 9."""
    words = ContentWords(rows=np.array([1, 2, 3, 4]), slots=np.array([7, 7, 7, 9]))
    out = context_inputs(PROBS, no_dense(len(PROBS)), words)
    support = out[:, N_ODDS + 4 : N_ODDS + 6]
    body = PROBS[:, 0]
    total = body.sum()
    other = {1: body[2] + body[3], 2: body[1] + body[3], 3: body[1] + body[2]}
    for block, mass in other.items():
        assert support[block, 0] == pytest.approx(min(mass, SUPPORT_CAP) / SUPPORT_CAP)
        assert support[block, 1] == pytest.approx(mass / (total - body[block]))
    np.testing.assert_array_equal(support[[0, 4]], 0.0)


def test_context_width_matches_the_inputs() -> None:
    out = context_inputs(PROBS, no_dense(len(PROBS)), NO_WORDS)
    assert out.shape[1] == context_width()


def test_dense_features_are_appended_unchanged() -> None:
    dense = np.arange(5 * N_DENSE, dtype=np.float64).reshape(5, N_DENSE)
    out = context_inputs(PROBS, dense, NO_WORDS)
    np.testing.assert_array_equal(out[:, -N_DENSE:], dense)


def test_neighbour_cues_and_zero_beyond_the_page() -> None:
    """Block i reads, for each offset but 0, the cues of block i + offset."""
    rng = np.random.default_rng(1)
    dense = rng.normal(size=(len(PROBS), N_DENSE))
    out = context_inputs(PROBS, dense, NO_WORDS)
    start = N_ODDS + N_PAGE_SUMMARIES
    cue_columns = [DENSE_NAMES.index(name) for name in NEIGHBOUR_CUES]
    n = len(PROBS)
    for i in range(n):
        col = start
        for offset in [o for o in range(-WINDOW, WINDOW + 1) if o]:
            got = out[i, col : col + len(NEIGHBOUR_CUES)]
            j = i + offset
            want = dense[j, cue_columns] if 0 <= j < n else np.zeros(len(NEIGHBOUR_CUES))
            np.testing.assert_array_equal(got, want)
            col += len(NEIGHBOUR_CUES)


@pytest.mark.parametrize("shape", [(5, 3), (5, 5), (5,)])
def test_probabilities_without_four_columns_are_refused(shape: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match=r"expects 4 probability columns .* got shape"):
        context_inputs(np.full(shape, 0.25), no_dense(5), NO_WORDS)


@pytest.mark.parametrize("shape", [(5, 3), (4, N_DENSE), (5, N_DENSE + 1)])
def test_dense_features_of_another_shape_are_refused(shape: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match=r"expects dense features of shape \(5, \d+\)"):
        context_inputs(np.full((5, 4), 0.25), np.zeros(shape), NO_WORDS)


def test_as_labels_adds_prose_noise_to_noise() -> None:
    np.testing.assert_allclose(
        as_labels(PROBS),
        np.column_stack([PROBS[:, 0], PROBS[:, 1], PROBS[:, 2] + PROBS[:, 3]]),
    )


# --------------------------------------------------------------------------- kinds

CLOSE = KIND_VOTE / 2
"""A lead of one kind over another that one neighbour's vote overturns."""

KIND_CASES = [
    # (block indices of the noise blocks, each one's scores for kinds 0 and 1, expected kinds)
    pytest.param([3], [[0.0, CLOSE]], [1], id="alone-keeps-its-own"),
    pytest.param([3, 4], [[1.0, 0.0], [0.0, CLOSE]], [0, 0], id="close-call-takes-the-neighbour"),
    pytest.param([3, 4], [[1.0, 0.0], [0.0, 3 * CLOSE]], [0, 1], id="clear-lead-stays"),
    pytest.param([3, 5], [[1.0, 0.0], [0.0, CLOSE]], [0, 1], id="a-block-apart-does-not-vote"),
    pytest.param(
        [3, 4, 5], [[0.0, 1.0], [CLOSE, 0.0], [0.0, 1.0]], [1, 1, 1], id="both-neighbours-vote"
    ),
    # A vote is the neighbour's own best kind, from before the votes.
    pytest.param(
        [3, 4, 5], [[CLOSE, 0.0], [0.0, CLOSE], [CLOSE, 0.0]], [1, 0, 1], id="votes-use-own-kinds"
    ),
]


@pytest.mark.parametrize(("blocks", "scores", "expected"), KIND_CASES)
def test_smooth_kinds(blocks: list[int], scores: list[list[float]], expected: list[int]) -> None:
    got = smooth_kinds(np.array(scores), np.array(blocks, dtype=np.int64))
    assert got.tolist() == expected


def test_smooth_kinds_of_no_blocks() -> None:
    assert smooth_kinds(np.zeros((0, 3)), np.zeros(0, dtype=np.int64)).tolist() == []


# --------------------------------------------------------------------------- the core

CORE_CASES = [
    # (body probabilities, lengths in characters, blocks in the core)
    ([0.9, 0.9, 0.9], [100, 100, 100], [True, True, True]),
    # A short weak line between strong paragraphs costs less than they add.
    ([0.9, 0.3, 0.9], [200, 20, 200], [True, True, True]),
    # A long stretch of widgets splits the page: the larger side is the core.
    ([0.9, 0.9, 0.1, 0.1, 0.1, 0.7], [200, 200, 100, 100, 100, 100], [True, True] + [False] * 4),
    # Weak edges stay out: each would take from the run.
    ([0.3, 0.9, 0.4], [100, 200, 100], [False, True, False]),
    # Nothing above the floor: no core.
    ([0.2, 0.4, 0.1], [100, 100, 100], [False, False, False]),
]


@pytest.mark.parametrize(("body", "chars", "expected"), CORE_CASES)
def test_core_is_the_run_with_the_most_body_mass(
    body: list[float], chars: list[int], expected: list[bool]
) -> None:
    mask = core_mask(np.array(body), np.array(chars, dtype=float))
    assert mask.tolist() == expected


def test_each_page_of_a_batch_has_its_own_core() -> None:
    body = np.array([0.9, 0.1, 0.2, 0.1, 0.8, 0.9])
    chars = np.full(6, 100.0)
    pages = Pages.of_sizes([2, 0, 1, 3])
    assert core_mask(body, chars, pages=pages).tolist() == [True, False, False, False, True, True]


def test_a_page_without_gains_has_no_core_in_a_batch() -> None:
    """Gains of 0 (or less) on a page after a long one: the batch's running sums
    must not round into a core the page alone would not have."""
    body = np.array([0.9] * 50 + [0.3, 0.45, 0.45])
    chars = np.array([997.0] * 50 + [137.0, 100.0, 100.0])
    mask = core_mask(body, chars, pages=Pages.of_sizes([50, 3]))
    assert mask[50:].tolist() == [False, False, False]


def test_core_of_no_blocks() -> None:
    assert core_mask(np.zeros(0), np.zeros(0)).tolist() == []
    assert core_mask(np.zeros(0), np.zeros(0), pages=Pages.of_sizes([0, 0])).tolist() == []


@pytest.mark.parametrize(("body", "chars", "expected"), CORE_CASES)
def test_a_page_has_the_same_core_alone_and_in_a_batch(
    body: list[float], chars: list[int], expected: list[bool]
) -> None:
    """A page between two others, and a page alone, take different paths to their core."""
    others = [0.9, 0.1, 0.9]
    batch_body = np.array([*others, *body, *others])
    batch_chars = np.array([100.0] * 3 + chars + [100.0] * 3)
    pages = Pages.of_sizes([3, len(body), 3])
    mask = core_mask(batch_body, batch_chars, pages=pages).tolist()
    assert mask[3 : 3 + len(body)] == expected
    assert mask[:3] == mask[-3:] == [True, True, True]


def test_outside_the_core_body_takes_the_outside_threshold() -> None:
    final = np.array([[0.3, 0.0, 0.7], [0.79, 0.0, 0.21], [0.81, 0.0, 0.19], [0.3, 0.6, 0.1]])
    core = np.array([True, False, False, False])
    labels = decide_labels(final, body_threshold=0.25, core=core, outside_threshold=0.8)
    assert labels.tolist() == [0, 2, 0, 1]
    # Without a core every block takes the body threshold.
    assert decide_labels(final, body_threshold=0.25).tolist() == [0, 0, 0, 1]
