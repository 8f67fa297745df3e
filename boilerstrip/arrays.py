"""Small numpy helpers shared by the stages, written for arrays of a page's size.

A page has a few hundred blocks, so what costs time is the number of numpy
calls, not their work: these helpers use the fewest calls that do the job.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


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


__all__ = ["clip", "shift_rows"]
