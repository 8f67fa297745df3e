"""Small numpy helpers shared by the stages, written for arrays of a page's size.

A page has a few hundred blocks, so what costs time is the number of numpy
calls, not their work: these helpers use the fewest calls that do the job.
For the same reason the stages can take several pages at once: their blocks
follow one another in the arrays, and :class:`Pages` tells where each page's
blocks lie, so that what is computed per page stays within it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def clip(
    values: FloatArray, low: float, high: float, *, out: FloatArray | None = None
) -> FloatArray:
    """``values`` clipped to ``[low, high]``, into ``out`` (a new array by default).

    Two ufuncs: ``np.clip`` goes through several layers of Python on each call,
    which cost more than the clipping itself on small arrays.

    >>> clip(np.array([-5.0, 0.5, 5.0]), 0.0, 1.0).tolist()
    [0.0, 0.5, 1.0]
    """
    result: FloatArray = np.maximum(values, low, out=out)
    np.minimum(result, high, out=result)
    return result


def shift_rows(out: npt.NDArray[np.float64], values: npt.NDArray[np.float64], offset: int) -> None:
    """Set ``out[i] = values[i + offset]`` where that row exists, else 0.

    ``out`` and ``values`` have the same number of rows: each block gets the
    value of the block ``offset`` places away, zero past either end.

    >>> out = np.empty(4)
    >>> shift_rows(out, np.array([1.0, 2.0, 3.0, 4.0]), -1)
    >>> out.tolist()
    [0.0, 1.0, 2.0, 3.0]
    """
    n = values.shape[0]
    lo, hi = max(0, -offset), max(0, min(n, n - offset))
    out[:lo] = 0.0
    out[max(hi, lo) :] = 0.0
    if hi > lo:
        out[lo:hi] = values[lo + offset : hi + offset]


@dataclass(frozen=True, slots=True)
class Pages:
    """Where the blocks of each page of a batch lie.

    The blocks of all pages are in one sequence, page after page: page ``p``
    holds blocks ``first[p] : first[p] + sizes[p]`` (a page may have none).
    ``page`` and ``local`` give each block its page and its index in it.

    >>> pages = Pages.of_sizes([2, 0, 3])
    >>> pages.page.tolist(), pages.local.tolist()
    ([0, 0, 2, 2, 2], [0, 1, 0, 1, 2])
    >>> pages.sums(np.array([1.0, 2.0, 3.0, 4.0, 5.0])).tolist()
    [3.0, 0.0, 12.0]
    """

    first: IntArray
    sizes: IntArray
    page: IntArray
    local: IntArray

    @classmethod
    def of_sizes(cls, sizes: Sequence[int] | IntArray) -> Pages:
        """The pages of a batch whose pages have ``sizes`` blocks, in order."""
        size = np.asarray(sizes, dtype=np.int64)
        if size.ndim != 1 or (size.size and int(size.min()) < 0):
            raise ValueError(f"page sizes must be a list of counts >= 0, got {sizes!r}")
        first = np.zeros(size.shape[0], dtype=np.int64)
        np.cumsum(size[:-1], out=first[1:])
        page = np.repeat(np.arange(size.shape[0], dtype=np.int64), size)
        local = np.arange(page.shape[0], dtype=np.int64) - first[page]
        return cls(first=first, sizes=size, page=page, local=local)

    @classmethod
    def single(cls, n_blocks: int) -> Pages:
        """One page of ``n_blocks`` blocks."""
        return cls(
            first=np.zeros(1, dtype=np.int64),
            sizes=np.array([n_blocks], dtype=np.int64),
            page=np.zeros(n_blocks, dtype=np.int64),
            local=np.arange(n_blocks, dtype=np.int64),
        )

    @property
    def n_pages(self) -> int:
        """Number of pages (empty ones included)."""
        return int(self.sizes.shape[0])

    @property
    def n_blocks(self) -> int:
        """Number of blocks of all pages."""
        return int(self.page.shape[0])

    def sums(self, values: npt.NDArray[np.float64] | IntArray) -> FloatArray:
        """The sum of ``values`` (one per block) over each page; 0 for an empty page.

        Each page's sum adds its blocks in order, as it would alone.
        """
        # With weights, bincount gives floats (its stubs say integers).
        return cast(FloatArray, np.bincount(self.page, weights=values, minlength=self.n_pages))

    def maxima(self, values: FloatArray, *, empty: float = 0.0) -> FloatArray:
        """The largest of ``values`` (one per block) on each page; ``empty`` for an empty page."""
        out = np.full(self.n_pages, empty)
        filled = self.sizes > 0
        if self.n_blocks:
            out[filled] = np.maximum.reduceat(values, self.first[filled])
        return out

    def first_max(self, values: FloatArray) -> IntArray:
        """Index (in the batch) of the first block with its page's largest value;
        ``first`` for an empty page."""
        best = self.maxima(values, empty=np.inf)[self.page]
        candidates = np.where(values >= best, self.local, self.n_blocks)
        out = self.first.copy()
        filled = self.sizes > 0
        if self.n_blocks:
            out[filled] += np.minimum.reduceat(candidates, self.first[filled])
        return out

    def shift(
        self, out: npt.NDArray[np.float64], values: npt.NDArray[np.float64], offset: int
    ) -> None:
        """:func:`shift_rows` within each page: ``out[i] = values[i + offset]``
        where that block is on the same page, else 0."""
        shift_rows(out, values, offset)
        if self.n_pages > 1:
            target = self.local + offset
            out[(target < 0) | (target >= self.sizes[self.page])] = 0.0


__all__ = ["Pages", "clip", "shift_rows"]
