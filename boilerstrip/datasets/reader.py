"""Format detection and the one entry point that reads any supported dataset."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

from boilerstrip.datasets import cleaneval, dragnet, jsonl, l3s, readability, textdir, wcxb, zyte
from boilerstrip.datasets.types import DatasetFormatError, Format, Page, PageError

Reader = Callable[[Path], Iterator[Page | PageError]]
Detector = Callable[[Path], bool]


def _is_wcxb(path: Path) -> bool:
    return bool(wcxb.split_dirs(path))


def _is_readability(path: Path) -> bool:
    if not path.is_dir():
        return False
    folder = readability.pages_root(path)
    return any(readability.is_page_dir(child) for child in folder.iterdir())


def _is_cleaneval(path: Path) -> bool:
    return bool(cleaneval.subsets(path))


# Checked in this order; the first match wins. Zyte before WCXB: both have html/.
_FORMATS: tuple[tuple[Format, Detector, Reader], ...] = (
    (Format.JSONL, jsonl.is_jsonl, jsonl.iter_jsonl),
    (Format.ZYTE, zyte.is_zyte, zyte.iter_zyte),
    (Format.WCXB, _is_wcxb, wcxb.iter_wcxb),
    (Format.DRAGNET, dragnet.is_dragnet, dragnet.iter_dragnet),
    (Format.CLEANEVAL, _is_cleaneval, cleaneval.iter_cleaneval),
    (Format.L3S, l3s.is_l3s, l3s.iter_l3s),
    (Format.READABILITY, _is_readability, readability.iter_readability),
    (Format.TEXTDIR, textdir.is_textdir, textdir.iter_textdir),
)
_DETECTORS: dict[Format, Detector] = {f: detector for f, detector, _ in _FORMATS}
_READERS: dict[Format, Reader] = {f: reader for f, _, reader in _FORMATS}

_LAYOUTS = (
    "wcxb (html/ + ground-truth/), zyte (html/ + ground-truth.json), "
    "dragnet (HTML/ + Corrected/), cleaneval (input/ + GoldStandard/), "
    "l3s (original/ + annotated/), readability (<name>/source.html), "
    "textdir (NAME.txt + NAME.gold.txt), jsonl (a .jsonl file)"
)


def detect_format(path: str | Path) -> Format:
    """Tell which dataset layout ``path`` has.

    Raises :class:`DatasetFormatError` naming the path when it matches none.

    >>> detect_format("tests/data/datasets/wcxb")
    <Format.WCXB: 'wcxb'>
    """
    target = Path(path)
    if not target.exists():
        raise DatasetFormatError(f"dataset path does not exist: {target}")
    for dataset_format, matches, _ in _FORMATS:
        if matches(target):
            return dataset_format
    raise DatasetFormatError(
        f"cannot tell the dataset format of {target}: expected one of {_LAYOUTS}"
    )


def _check_layout(target: Path, dataset_format: Format) -> None:
    """Raise unless ``target`` has the layout of ``dataset_format``."""
    if not target.exists():
        raise DatasetFormatError(f"dataset path does not exist: {target}")
    if not _DETECTORS[dataset_format](target):
        raise DatasetFormatError(
            f"{target} does not have the {dataset_format.value!r} dataset layout"
        )


def iter_pages(
    path: str | Path, *, format: Format | None = None, limit: int | None = None
) -> Iterator[Page | PageError]:
    """Read every page of a dataset, in a sorted, deterministic order.

    ``format`` skips detection (the layout is still checked); ``limit`` caps
    the number of records yielded (pages and errors together). A page that
    cannot be read is yielded as a :class:`PageError` naming its file and the
    reason; nothing is dropped. Layout problems raise :class:`DatasetFormatError`
    at once; an unreadable dataset-level file (``metadata.json``,
    ``ground-truth.json``...) raises :class:`DatasetError` while iterating.

    >>> [record.id for record in iter_pages("tests/data/datasets/wcxb", limit=2)]
    ['0001', '0002']
    """
    target = Path(path)
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    if format is None:
        chosen = detect_format(target)
    else:
        chosen = Format(format)
        _check_layout(target, chosen)
    records = _READERS[chosen](target)
    return records if limit is None else itertools.islice(records, limit)
