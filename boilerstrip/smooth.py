"""Context smoothing: revise each block's probabilities from its neighbours.

The context-free classifier sees one block (and a few cues of its neighbours).
Boilerplate comes in runs and so does the body, so the second stage looks at
the context-free probabilities of a window of blocks around each block, and at
page-level summaries of where the body mass lies, and decides again. This is
the stacking scheme: the second stage is trained on out-of-fold first-stage
probabilities, so it learns how far to trust them.

The first stage has one class more than the labels: noise that reads like
prose (:data:`~boilerstrip.features.PROSE_TOKENS` words or more: appeals,
reader comments, teaser summaries, notices) is a class of its own, apart from
the short widgets. Its score weighs what such a block says rather than its
shape, which is that of a body paragraph, and the second stage sees it for
every neighbour.

Last, each page's *core* is found (:func:`core_mask`): the run of consecutive
blocks that holds the most likely body, each block counting its length times
how far its body probability lies above :data:`CORE_FLOOR`. Inside the core a
block is body from :data:`BODY_THRESHOLD` on; outside it, only from
:data:`OUTSIDE_THRESHOLD` on (:func:`label_blocks`). An article is one stretch
of text, and what reads like body away from it (teasers under the footer, a
sidebar, reader comments after a row of widgets) mostly is not.

Example:
    >>> import numpy as np
    >>> probs = np.array([[0.1, 0.1, 0.7, 0.1], [0.9, 0.05, 0.03, 0.02], [0.2, 0.0, 0.1, 0.7]])
    >>> dense = np.zeros((3, len(DENSE_NAMES)))
    >>> context_inputs(probs, dense, ContentWords.empty()).shape == (3, context_width())
    True
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from boilerstrip.arrays import Pages, clip
from boilerstrip.features import DENSE_NAMES, ContentWords

FloatArray = npt.NDArray[np.float64]

FIRST_STAGE_CLASSES = ("body", "title", "noise", "prose-noise")
"""Columns of the first stage's probabilities: the three labels, with noise of
fewer than :data:`~boilerstrip.features.PROSE_TOKENS` words in ``noise`` and
longer noise in ``prose-noise``."""

SHORT_NOISE = FIRST_STAGE_CLASSES.index("noise")
"""Column of noise shorter than prose (menus, buttons, captions, footers)."""

PROSE_NOISE = FIRST_STAGE_CLASSES.index("prose-noise")
"""Column (and training class) of noise that reads like prose."""

ODDS_PER_BLOCK = 3
"""Log-odds the second stage reads for each block of the window: body vs noise,
title vs noise, and prose noise vs body."""

WINDOW = 3
"""Blocks on each side whose first-stage probabilities the second stage sees."""

PROB_FLOOR = 1e-4
"""Keeps log-odds finite for probabilities of exactly 0 or 1."""

N_PAGE_SUMMARIES = 6
"""Columns of page-level summaries appended by :func:`context_inputs`."""

SUPPORT_CAP = 2.0
"""A content word found in this much body probability elsewhere on the page
(two sure body blocks) counts as fully supported."""


NEIGHBOUR_CUES = ("repeats_in_doc", "frac_digit_tokens", "log_tokens")
"""Dense features (of :data:`~boilerstrip.features.DENSE_NAMES`) the second
stage reads for each neighbour in the window: how often the neighbour's text
recurs on the page, its share of number tokens and its length. Reader comments
and listings alternate prose with short repeated or dated lines ("Reply",
"March 3, 2011 at 4:15 pm"); an article's paragraphs follow one another."""

_CUE_COLUMNS = [DENSE_NAMES.index(name) for name in NEIGHBOUR_CUES]
_LOG_CHARS = DENSE_NAMES.index("log_chars")

_NEIGHBOUR_OFFSETS = tuple(off for off in range(-WINDOW, WINDOW + 1) if off)


def context_width() -> int:
    """Number of columns :func:`context_inputs` gives for each block.

    >>> context_width() == 27 + 2 * WINDOW * len(NEIGHBOUR_CUES) + len(DENSE_NAMES)
    True
    """
    return (
        ODDS_PER_BLOCK * (2 * WINDOW + 1)
        + N_PAGE_SUMMARIES
        + len(_NEIGHBOUR_OFFSETS) * len(NEIGHBOUR_CUES)
        + len(DENSE_NAMES)
    )


def context_inputs(
    probs: FloatArray, dense: FloatArray, words: ContentWords, *, pages: Pages | None = None
) -> FloatArray:
    """Second-stage inputs for each block.

    ``probs`` are the first-stage probabilities (columns
    :data:`FIRST_STAGE_CLASSES`); ``dense`` are the blocks' dense features
    (columns :data:`~boilerstrip.features.DENSE_NAMES`); ``words`` their
    content words. The result holds, for each offset in ``-WINDOW..WINDOW``,
    the body-vs-noise, title-vs-noise and prose-noise-vs-body log-odds of that
    neighbour (noise being both noise columns; 0 beyond the page's ends); then
    page-level summaries (mean body probability, share of the body mass before
    the block, share after it, distance to the most body-like block, and the
    two topic-support measures of :func:`topic_support`); then, for each
    offset but 0, the neighbour's :data:`NEIGHBOUR_CUES` (0 beyond the page's
    ends); then ``dense``.

    The rows may be the blocks of several pages, one after another, as
    ``pages`` tells (by default, one page): neighbours and summaries then stay
    within each page, and ``words`` must be those of
    :func:`~boilerstrip.features.extract_pages`.
    """
    if probs.ndim != 2 or probs.shape[1] != len(FIRST_STAGE_CLASSES):
        raise ValueError(
            f"context_inputs() expects {len(FIRST_STAGE_CLASSES)} probability columns "
            f"{FIRST_STAGE_CLASSES}, got shape {probs.shape}"
        )
    n = probs.shape[0]
    if dense.shape != (n, len(DENSE_NAMES)):
        raise ValueError(
            f"context_inputs() expects dense features of shape ({n}, {len(DENSE_NAMES)}) "
            f"(DENSE_NAMES), got {dense.shape}"
        )
    if pages is None:
        pages = Pages.single(n)
    out = np.empty((n, context_width()))
    # Each neighbour's odds: the page's odds shifted, zero past either end.
    odds = np.empty((n, ODDS_PER_BLOCK))
    log_p = np.log(clip(probs, PROB_FLOOR, 1.0))
    log_noise = np.log(clip(probs[:, SHORT_NOISE] + probs[:, PROSE_NOISE], PROB_FLOOR, 1.0))
    np.subtract(log_p[:, 0], log_noise, out=odds[:, 0])
    np.subtract(log_p[:, 1], log_noise, out=odds[:, 1])
    np.subtract(log_p[:, PROSE_NOISE], log_p[:, 0], out=odds[:, 2])
    for k, off in enumerate(range(-WINDOW, WINDOW + 1)):
        pages.shift(out[:, k * ODDS_PER_BLOCK : (k + 1) * ODDS_PER_BLOCK], odds, off)
    body = probs[:, 0]
    page = pages.page
    page_body = pages.sums(body)
    total = np.maximum(page_body, PROB_FLOOR)[page]
    col = ODDS_PER_BLOCK * (2 * WINDOW + 1)
    out[:, col] = (page_body / np.maximum(pages.sizes, 1))[page]
    before = out[:, col + 1]
    np.subtract(np.cumsum(body), body, out=before)
    if pages.n_pages > 1:  # the body mass of the pages before
        before -= before[pages.first[page]]
    before /= total
    out[:, col + 2] = 1.0 - before - body / total
    best = pages.first_max(body) - pages.first
    out[:, col + 3] = np.abs(pages.local - best[page]) / np.maximum(pages.sizes, 1)[page]
    out[:, col + 4 : col + 6] = topic_support(body, words, pages=pages)
    col += N_PAGE_SUMMARIES
    cues = dense[:, _CUE_COLUMNS]
    for off in _NEIGHBOUR_OFFSETS:
        pages.shift(out[:, col : col + len(NEIGHBOUR_CUES)], cues, off)
        col += len(NEIGHBOUR_CUES)
    out[:, col:] = dense
    return out


TITLE_THRESHOLD = 0.25
"""A block taken as body (see :data:`BODY_THRESHOLD`) whose title probability is
at least this is taken as title (not kept by ``clean``). Headlines are rare (one
block in 300) and look like the article's subheadings, so the context stage
seldom puts them first. The training's grouped cross-validation compares
thresholds from 0.5 down to 0.1 (``models/MODEL_CARD.md``). For the model shipped
now 0.25 gives the best title F1 (0.503, against 0.489 without a title threshold
and 0.500 for 0.3)."""


BODY_THRESHOLD: float | None = 0.25
"""Inside the page's core (:func:`core_mask`), a block is body when its final body
probability is at least this (then, as the most likely label, it may still give
way to title); ``None``: body only as the most likely label. Outside the core
a block needs :data:`OUTSIDE_THRESHOLD`. The training's grouped
cross-validation compares thresholds (``models/MODEL_CARD.md``): for the model
shipped now, 0.15 to 0.3 score within 0.1 points of each other (0.25: 0.8417 /
0.8390 / 0.8193 page F1 on inscriptis / lxml / resiliparse text), and each beats
one threshold for every block, the core not looked at (0.45, the rule before the
core: 0.8322 / 0.8277 / 0.8133)."""

OUTSIDE_THRESHOLD: float | None = 0.8
"""Outside the page's core (:func:`core_mask`), a block is body only when its
final body probability is at least this: related-story teasers, sidebars,
listings and reader comments that read like body, away from the article,
must be sure to be kept. ``None``: the same rule inside and out. The grouped
cross-validation scores 0.7, 0.8 and 0.9 within 0.1 points of each other."""

CORE_FLOOR = 0.45
"""A block adds ``chars * (P(body) - CORE_FLOOR)`` to a run of blocks: the core
of a page is the run with the largest sum (see :func:`core_mask`). In the grouped
cross-validation (0.8 outside) 0.35 scores up to 0.12 points above 0.45 and 0.55
up to 0.62 below it (``models/MODEL_CARD.md``). 0.45 is taken: with 0.35 a short
widget line next to the article (a newsletter prompt at 0.39 with an earlier
model) joins the core and is kept, as a page's body then only needs 0.25."""


def block_weights(dense: FloatArray) -> FloatArray:
    """Each block's length in characters, from its dense features: the weights
    of :func:`core_mask`.

    >>> block_weights(np.log1p(np.array([[12.0], [0.0]])) * np.eye(1, len(DENSE_NAMES))).tolist()
    [12.0, 0.0]
    """
    return np.rint(np.expm1(dense[:, _LOG_CHARS]))


def core_mask(
    body: FloatArray,
    weights: FloatArray,
    *,
    pages: Pages | None = None,
    floor: float = CORE_FLOOR,
) -> npt.NDArray[np.bool_]:
    """Which blocks lie in their page's core: the run of consecutive blocks with
    the largest sum of ``weights * (body - floor)`` (``weights``: each block's
    length in characters, :func:`block_weights`). An article is one stretch of
    text; what reads like body elsewhere on the page (teasers, a sidebar,
    comments after a gap of widgets) mostly is not. A page whose every run has a
    sum of 0 or less has no core. ``pages`` as for :func:`context_inputs`.

    >>> core_mask(np.array([0.9, 0.1, 0.8, 0.9, 0.1, 0.1, 0.1, 0.6]),
    ...           np.array([50.0, 10, 80, 90, 20, 20, 20, 40])).tolist()
    [True, True, True, True, False, False, False, False]
    >>> core_mask(np.array([0.2, 0.1]), np.array([30.0, 30.0])).tolist()
    [False, False]
    """
    n = body.shape[0]
    gain = weights * (body - floor)
    if pages is None or pages.n_pages == 1:
        return _core_of_page(gain)
    ends = np.cumsum(gain)
    before = ends - gain  # the batch's sum before each block
    page_start = before[pages.first[pages.page]]
    ends -= page_start  # the page's sum up to each block, and before it:
    before -= page_start
    # The lowest sum before each block on its page, for all pages in one pass:
    # each page is shifted below every page before it, so a running minimum
    # never reaches back across a page's start.
    shift = pages.page * (2.0 * float(np.abs(gain).sum()) + 1.0)
    lowest = np.minimum.accumulate(before - shift) + shift
    # The best run ending at block j starts after the lowest sum before it.
    totals = ends - lowest
    last = pages.first_max(totals)[pages.page]
    index = np.arange(n)
    upto = index <= last
    first = pages.first_max(np.where(upto, -before, -np.inf))[pages.page]
    # The run's own sum, free of the shift's rounding: a page of gains of 0 or
    # less has no core, as alone.
    has_core = ends[last] - before[first] > 0
    inside: npt.NDArray[np.bool_] = has_core & upto & (index >= first)
    return inside


def _core_of_page(gain: FloatArray) -> npt.NDArray[np.bool_]:
    """:func:`core_mask` of one page from each block's gain, with fewer array
    operations than a batch needs (``clean`` of one page calls it)."""
    inside = np.zeros(gain.shape[0], dtype=bool)
    if gain.shape[0] == 0:
        return inside
    ends = np.cumsum(gain)
    before = ends - gain
    totals = ends - np.minimum.accumulate(before)
    last = int(np.argmax(totals))
    if totals[last] > 0:
        inside[int(np.argmin(before[: last + 1])) : last + 1] = True
    return inside


def decide_labels(
    final: FloatArray,
    *,
    title_threshold: float | None = TITLE_THRESHOLD,
    body_threshold: float | None = BODY_THRESHOLD,
    core: npt.NDArray[np.bool_] | None = None,
    outside_threshold: float | None = OUTSIDE_THRESHOLD,
) -> npt.NDArray[np.int64]:
    """The label index of each block (columns of the labels: body, title, noise)
    from its final probabilities: the most likely label, except that body gives
    way to title from ``title_threshold`` on (``None``: the most likely label).
    With a ``body_threshold``, a block is body when its body probability reaches
    it, and otherwise the likelier of title and noise. With ``core`` (see
    :func:`core_mask`), a block outside the core is body only from
    ``outside_threshold`` on; it may still be title.

    >>> decide_labels(np.array([[0.6, 0.3, 0.1], [0.8, 0.2, 0.0], [0.3, 0.2, 0.5]]),
    ...               body_threshold=None).tolist()
    [1, 0, 2]
    >>> final = np.array([[0.45, 0.05, 0.5], [0.7, 0.0, 0.3], [0.3, 0.35, 0.35]])
    >>> decide_labels(final, body_threshold=0.45).tolist()
    [0, 0, 2]
    >>> final = np.array([[0.3, 0.0, 0.7], [0.7, 0.0, 0.3], [0.7, 0.0, 0.3]])
    >>> decide_labels(final, core=np.array([True, True, False])).tolist()
    [0, 0, 2]
    """
    best: npt.NDArray[np.int64] = final.argmax(axis=1)
    rest = np.where(final[:, 1] > final[:, 2], 1, 2)
    if body_threshold is not None:
        best = np.where(final[:, 0] >= body_threshold, 0, rest).astype(np.int64)
    if title_threshold is not None:
        best[(best == 0) & (final[:, 1] >= title_threshold)] = 1
    if core is not None and outside_threshold is not None:
        # Titles first: a headline is short and often stands just outside the core.
        doubtful = (best == 0) & ~core & (final[:, 0] < outside_threshold)
        best = np.where(doubtful, rest, best).astype(np.int64)
    return best


def label_blocks(
    final: FloatArray, weights: FloatArray, *, pages: Pages | None = None
) -> npt.NDArray[np.int64]:
    """:func:`decide_labels` with each page's core: what ``clean`` and ``classify``
    decide. ``weights`` are the blocks' lengths in characters (:func:`block_weights`).

    >>> final = np.array([[0.9, 0.0, 0.1], [0.1, 0.0, 0.9], [0.7, 0.0, 0.3]])
    >>> label_blocks(final, np.array([300.0, 200.0, 50.0])).tolist()
    [0, 2, 2]
    """
    return decide_labels(final, core=core_mask(final[:, 0], weights, pages=pages))


def as_labels(probs: FloatArray) -> FloatArray:
    """First-stage probabilities folded into the label columns (body, title, noise).

    >>> as_labels(np.array([[0.5, 0.1, 0.3, 0.1]])).tolist()
    [[0.5, 0.1, 0.4]]
    """
    out: FloatArray = probs[:, :PROSE_NOISE].copy()
    out[:, SHORT_NOISE] += probs[:, PROSE_NOISE]
    return out


def topic_support(
    body: FloatArray, words: ContentWords, *, pages: Pages | None = None
) -> FloatArray:
    """How much of the page's likely body shares each block's content words.

    For each content word of a block, its *support* is the body probability
    of the other blocks holding it. Two columns: the mean over the block's
    words of the support capped at :data:`SUPPORT_CAP` (divided by it), and
    the mean support as a share of the other blocks' total body probability.
    An article's paragraphs return to the same names and topics; an appeal or
    a prompt inside it talks about something else. Blocks without content
    words get zeros. ``pages`` as for :func:`context_inputs`.

    >>> words = ContentWords(rows=np.array([0, 2, 1]), slots=np.array([5, 5, 9]))
    >>> topic_support(np.array([1.0, 1.0, 0.5]), words).round(2).tolist()
    [[0.25, 0.33], [0.0, 0.0], [0.5, 0.5]]
    """
    n = body.shape[0]
    out = np.zeros((n, 2))
    if words.rows.size == 0:
        return out
    if pages is None:
        pages = Pages.single(n)
    own = body[words.rows]
    slots = words.slots
    new_word = np.ones(slots.shape, dtype=bool)
    new_word[1:] = slots[1:] != slots[:-1]
    # The index of each entry's run of equal slots, and each run's sum.
    run = np.cumsum(new_word) - 1
    other = np.add.reduceat(own, np.flatnonzero(new_word))[run] - own
    rest = np.maximum(pages.sums(body)[pages.page[words.rows]] - own, PROB_FLOOR)
    count = np.maximum(np.bincount(words.rows, minlength=n), 1)
    capped = np.minimum(other, SUPPORT_CAP) / SUPPORT_CAP
    out[:, 0] = np.bincount(words.rows, weights=capped, minlength=n) / count
    out[:, 1] = np.bincount(words.rows, weights=other / rest, minlength=n) / count
    return out


KIND_VOTE = 0.2
"""What a neighbouring noise block's kind adds to a noise block's score for that
kind. A widget's blocks share a kind (a comment form's heading, its prompt and
its button), and a block whose own words leave two kinds close takes its
neighbours'. The kind classifier's scores are SVM margins, so 0.2 decides only
between kinds about that close. In the kind classifier's grouped
cross-validation (``models/MODEL_CARD.md``) it raises the accuracy on the random
draw of noise blocks and leaves it on the reviewed set about where it is."""


def smooth_kinds(scores: FloatArray, blocks: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The kind index of each noise block from its kind scores and its neighbours'.

    ``scores[r]`` are the kind scores of block ``blocks[r]`` (block indices in
    increasing order, the noise blocks of a page). Each block's own best kind
    is a vote: the noise blocks right before and after it (``blocks[r] ± 1``)
    add :data:`KIND_VOTE` to that kind's score. A block alone keeps its own
    best kind.

    >>> scores = np.array([[1.0, 0.0], [0.45, 0.5], [1.0, 0.0], [0.0, 0.3]])
    >>> smooth_kinds(scores, np.array([4, 5, 6, 9])).tolist()
    [0, 0, 0, 1]
    """
    own: npt.NDArray[np.int64] = scores.argmax(axis=1)
    if own.shape[0] < 2:
        return own
    voted = scores.copy()
    # Pairs (r, r + 1) of noise blocks next to each other on the page.
    pair = np.flatnonzero(blocks[1:] == blocks[:-1] + 1)
    voted[pair + 1, own[pair]] += KIND_VOTE
    voted[pair, own[pair + 1]] += KIND_VOTE
    best: npt.NDArray[np.int64] = voted.argmax(axis=1)
    return best
