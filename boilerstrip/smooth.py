"""Context smoothing: revise each block's probabilities from its neighbours.

The context-free classifier sees one block (and a few cues of its neighbours).
Boilerplate comes in runs and so does the body, so the second stage looks at
the context-free probabilities of a window of blocks around each block, and at
page-level summaries of where the body mass lies, and decides again. This is
the stacking scheme: the second stage is trained on out-of-fold first-stage
probabilities, so it learns how far to trust them.

Example:
    >>> import numpy as np
    >>> probs = np.array([[0.1, 0.1, 0.8], [0.9, 0.05, 0.05], [0.2, 0.0, 0.8]])
    >>> context_inputs(probs, np.zeros((3, 0))).shape
    (3, 18)
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

WINDOW = 3
"""Blocks on each side whose first-stage probabilities the second stage sees."""

PROB_FLOOR = 1e-4
"""Keeps log-odds finite for probabilities of exactly 0 or 1."""

N_PAGE_SUMMARIES = 4
"""Columns of page-level summaries appended by :func:`context_inputs`."""


def context_inputs(probs: FloatArray, dense: FloatArray) -> FloatArray:
    """Second-stage inputs for each block.

    ``probs`` are the first-stage probabilities (columns body, title, noise);
    ``dense`` are the block's own dense features. The result holds, for each
    offset in ``-WINDOW..WINDOW``, the body-vs-noise and title-vs-noise
    log-odds of that neighbour (0 beyond the page's ends); then page-level
    summaries (mean body probability, share of the body mass before the block,
    share after it, distance to the most body-like block); then ``dense``.
    """
    n = probs.shape[0]
    p = np.clip(probs, PROB_FLOOR, 1.0)
    body_odds = np.log(p[:, 0]) - np.log(p[:, 2])
    title_odds = np.log(p[:, 1]) - np.log(p[:, 2])
    # Each neighbour's odds: the page's odds shifted, zero past either end.
    padded = np.zeros((n + 2 * WINDOW, 2))
    padded[WINDOW : WINDOW + n, 0] = body_odds
    padded[WINDOW : WINDOW + n, 1] = title_odds
    columns = [padded[WINDOW + off : WINDOW + off + n] for off in range(-WINDOW, WINDOW + 1)]
    body = probs[:, 0]
    total = max(float(body.sum()), PROB_FLOOR)
    before = (np.cumsum(body) - body) / total
    after = 1.0 - before - body / total
    best = int(np.argmax(body)) if n else 0
    distance = np.abs(np.arange(n) - best) / max(n, 1)
    summaries = np.column_stack([np.full(n, body.mean() if n else 0.0), before, after, distance])
    return np.hstack([*columns, summaries, dense])
