"""Tests of boilerstrip.arrays: Pages, the layout of a batch of pages."""

from __future__ import annotations

import numpy as np
import pytest

from boilerstrip.arrays import Pages, shift_rows


def test_pages_of_sizes_number_blocks_within_their_page() -> None:
    pages = Pages.of_sizes([3, 0, 1, 2])
    assert pages.n_pages == 4
    assert pages.n_blocks == 6
    assert pages.first.tolist() == [0, 3, 3, 4]
    assert pages.page.tolist() == [0, 0, 0, 2, 3, 3]
    assert pages.local.tolist() == [0, 1, 2, 0, 0, 1]


def test_single_is_one_page() -> None:
    single, of_sizes = Pages.single(4), Pages.of_sizes([4])
    for field in ("first", "sizes", "page", "local"):
        np.testing.assert_array_equal(getattr(single, field), getattr(of_sizes, field))


@pytest.mark.parametrize("sizes", [[-1], [[1, 2]]])
def test_bad_sizes_are_refused(sizes: list[object]) -> None:
    with pytest.raises(ValueError, match="page sizes must be a list of counts >= 0"):
        Pages.of_sizes(sizes)  # type: ignore[arg-type]


@pytest.mark.parametrize("offset", [-3, -2, -1, 1, 2, 3])
def test_shift_stays_within_each_page(offset: int) -> None:
    sizes = [3, 0, 1, 4]
    pages = Pages.of_sizes(sizes)
    values = np.arange(1.0, 9.0)
    out = np.full(8, np.nan)
    pages.shift(out, values, offset)
    expected = []
    for lo, n in zip(pages.first.tolist(), sizes, strict=True):
        alone = np.empty(n)
        shift_rows(alone, values[lo : lo + n], offset)
        expected.extend(alone.tolist())
    assert out.tolist() == expected


def test_sums_maxima_and_first_max_per_page() -> None:
    pages = Pages.of_sizes([3, 0, 2, 1])
    values = np.array([0.5, 0.9, 0.9, 0.2, 0.1, 0.7])
    assert pages.sums(values).tolist() == pytest.approx([2.3, 0.0, 0.3, 0.7])
    assert pages.maxima(values).tolist() == [0.9, 0.0, 0.2, 0.7]
    assert pages.maxima(values, empty=-1.0).tolist() == [0.9, -1.0, 0.2, 0.7]
    # Ties go to the first block, as np.argmax does; an empty page gets its start.
    assert pages.first_max(values).tolist() == [1, 3, 3, 5]


def test_no_blocks_at_all() -> None:
    pages = Pages.of_sizes([0, 0])
    empty = np.zeros(0)
    assert pages.sums(empty).tolist() == [0.0, 0.0]
    assert pages.maxima(empty).tolist() == [0.0, 0.0]
    assert pages.first_max(empty).tolist() == [0, 0]
