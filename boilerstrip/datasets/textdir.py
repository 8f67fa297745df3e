"""Reader for a folder of plain-text pages with gold: ``NAME.txt`` + ``NAME.gold.txt``.

Both files may be gzipped (``.txt.gz``). ``Page.text`` is the input text as
written; the gold text is normalised to one block a line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from boilerstrip.datasets._io import (
    READ_ERRORS,
    describe,
    find_files,
    has_files,
    lines,
    natural_key,
    read_text,
)
from boilerstrip.datasets.types import Format, Gold, Page, PageError

DATASET = Format.TEXTDIR.value
TEXT_SUFFIX = ".txt"
GOLD_SUFFIX = ".gold.txt"


def is_textdir(path: Path) -> bool:
    """True for a folder holding at least one ``*.gold.txt``."""
    return has_files(path, GOLD_SUFFIX)


def iter_textdir(root: Path) -> Iterator[Page | PageError]:
    """Yield one page per ``NAME.txt`` / ``NAME.gold.txt`` pair, sorted by name."""
    golds = find_files(root, GOLD_SUFFIX)
    texts = {
        stem: path
        for stem, path in find_files(root, TEXT_SUFFIX).items()
        if not path.name.endswith((GOLD_SUFFIX, GOLD_SUFFIX + ".gz"))
    }
    for name in sorted(texts.keys() | golds.keys(), key=natural_key):
        text_path, gold_path = texts.get(name), golds.get(name)
        if text_path is None:
            assert gold_path is not None
            yield PageError(name, DATASET, str(gold_path), "no text")
        elif gold_path is None:
            yield PageError(name, DATASET, str(text_path), "no gold")
        else:
            yield _read_page(name, text_path, gold_path)


def _read_page(name: str, text_path: Path, gold_path: Path) -> Page | PageError:
    try:
        text = read_text(text_path)
    except READ_ERRORS as error:
        return PageError(name, DATASET, str(text_path), f"unreadable text: {describe(error)}")
    try:
        gold = read_text(gold_path)
    except READ_ERRORS as error:
        return PageError(name, DATASET, str(gold_path), f"malformed gold: {describe(error)}")
    return Page(
        id=name, dataset=DATASET, url=None, html=None, text=text, gold=Gold(text=lines(gold))
    )
