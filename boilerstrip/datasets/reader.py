"""Format detection and the one entry point that reads any supported dataset."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

from boilerstrip.datasets import readability, wcxb
from boilerstrip.datasets.types import DatasetFormatError, Format, Page, PageError

Reader = Callable[[Path], Iterator[Page | PageError]]
Detector = Callable[[Path], bool]

_READERS: dict[Format, Reader] = {
    Format.WCXB: wcxb.iter_wcxb,
    Format.READABILITY: readability.iter_readability,
}


def _is_wcxb(path: Path) -> bool:
    return path.is_dir() and bool(wcxb.split_dirs(path))


def _is_readability(path: Path) -> bool:
    if not path.is_dir():
        return False
    folder = readability.pages_root(path)
    return any(readability.is_page_dir(child) for child in folder.iterdir())


# Checked in this order; the first match wins.
_DETECTORS: tuple[tuple[Format, Detector], ...] = (
    (Format.WCXB, _is_wcxb),
    (Format.READABILITY, _is_readability),
)


def detect_format(path: str | Path) -> Format:
    """Tell which dataset layout ``path`` has.

    Raises :class:`DatasetFormatError` naming the path when it matches none.

    >>> detect_format("tests/data/datasets/wcxb")  # doctest: +SKIP
    <Format.WCXB: 'wcxb'>
    """
    folder = Path(path)
    if not folder.exists():
        raise DatasetFormatError(f"dataset path does not exist: {folder}")
    for dataset_format, matches in _DETECTORS:
        if matches(folder):
            return dataset_format
    known = ", ".join(f.value for f, _ in _DETECTORS)
    raise DatasetFormatError(
        f"cannot tell the dataset format of {folder}: its layout matches none of {known}"
    )


def _check_layout(folder: Path, dataset_format: Format) -> None:
    """Raise unless ``folder`` has the layout of ``dataset_format``."""
    if not folder.exists():
        raise DatasetFormatError(f"dataset path does not exist: {folder}")
    matches = dict(_DETECTORS)[dataset_format]
    if not matches(folder):
        raise DatasetFormatError(
            f"{folder} does not have the {dataset_format.value!r} dataset layout"
        )


def iter_pages(
    path: str | Path, *, format: Format | None = None, limit: int | None = None
) -> Iterator[Page | PageError]:
    """Read every page of a dataset, in a sorted, deterministic order.

    ``format`` skips detection; ``limit`` caps the number of records yielded
    (pages and errors together). A page that cannot be read is yielded as a
    :class:`PageError` naming its file and the reason; nothing is dropped.

    >>> for record in iter_pages("/data/wcxb-dev", limit=2):  # doctest: +SKIP
    ...     print(record.id, type(record).__name__)
    0001 Page
    0002 Page
    """
    folder = Path(path)
    chosen = detect_format(folder) if format is None else Format(format)
    reader = _READERS.get(chosen)
    if reader is None:
        raise DatasetFormatError(f"no reader for format {chosen.value!r} (reading {folder})")
    if format is not None:
        _check_layout(folder, chosen)
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    records = reader(folder)
    return records if limit is None else itertools.islice(records, limit)
