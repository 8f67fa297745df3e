"""Read web-content-extraction benchmarks into one shape: pages with gold text.

:func:`iter_pages` detects a dataset's layout and yields a :class:`Page` for
each readable page and a :class:`PageError` for each one that is not, in a
sorted, deterministic order. Page HTML is decoded (see
:func:`boilerstrip.convert.decode_html`) but not converted to text.

>>> from boilerstrip.datasets import iter_pages, Page
>>> pages = [p for p in iter_pages("/data/wcxb-dev") if isinstance(p, Page)]  # doctest: +SKIP
"""

from boilerstrip.datasets.cleaneval import gold_blocks as cleaneval_gold_blocks
from boilerstrip.datasets.dragnet import dragnet_splits, split_main_and_comments
from boilerstrip.datasets.l3s import annotated_blocks
from boilerstrip.datasets.reader import detect_format, iter_pages
from boilerstrip.datasets.types import (
    EVAL_ONLY_DATASETS,
    DatasetError,
    DatasetFormatError,
    Format,
    Gold,
    GoldBlock,
    Page,
    PageError,
)

__all__ = [
    "EVAL_ONLY_DATASETS",
    "DatasetError",
    "DatasetFormatError",
    "Format",
    "Gold",
    "GoldBlock",
    "Page",
    "PageError",
    "annotated_blocks",
    "cleaneval_gold_blocks",
    "detect_format",
    "dragnet_splits",
    "iter_pages",
    "split_main_and_comments",
]
