"""Reader for the Dragnet data (Moz, 2012). EVAL-ONLY: never train on it.

Layout: ``HTML/X.html`` (or ``.html.gz``) and ``Corrected/X.html.corrected.txt``,
the page's content cut and pasted by hand; when the page has user comments
they follow a separator line ``!@#$%^&*()  COMMENTS``. The main content is
the text before it. ``training.txt`` and ``test.txt`` list the page ids of
the original train/test split (see :func:`dragnet_splits`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from boilerstrip.datasets._io import (
    READ_ERRORS,
    describe,
    find_files,
    host_of,
    lines,
    missing_side,
    natural_key,
    page_url,
    read_html,
    read_text,
)
from boilerstrip.datasets.types import DatasetError, Format, Gold, Page, PageError

DATASET = Format.DRAGNET.value
HTML_DIR = "HTML"
GOLD_DIR = "Corrected"
GOLD_SUFFIX = ".html.corrected.txt"
SPLIT_FILES = {"train": "training.txt", "test": "test.txt"}
COMMENTS_WORD = "COMMENTS"
# The separator is typed by hand: its punctuation varies ("!@#$%^&*() ",
# "@#$%^&*()", "!@ $%^&*()"...), so any run of at least this many of its
# characters followed by COMMENTS counts.
SEPARATOR_CHARS = frozenset("!@#$%^&*()")
SEPARATOR_MIN_CHARS = 5


def is_dragnet(path: Path) -> bool:
    """True for a folder holding ``HTML/`` and ``Corrected/``."""
    return (path / HTML_DIR).is_dir() and (path / GOLD_DIR).is_dir()


def split_main_and_comments(gold: str) -> tuple[str, str]:
    """Cut a Dragnet gold text at its comments separator line.

    >>> split_main_and_comments("Body\\n!@#$%^&*()  COMMENTS\\nNice post")
    ('Body\\n', 'Nice post')
    """
    offset = 0
    for line in gold.splitlines(keepends=True):
        if _is_separator(line):
            return gold[:offset], gold[offset + len(line) :]
        offset += len(line)
    return gold, ""


def _is_separator(line: str) -> bool:
    stripped = line.strip()
    if not stripped.endswith(COMMENTS_WORD):
        return False
    marks = "".join(stripped[: -len(COMMENTS_WORD)].split())
    return len(marks) >= SEPARATOR_MIN_CHARS and set(marks) <= SEPARATOR_CHARS


def dragnet_splits(root: str | Path) -> dict[str, str]:
    """Map page id to ``"train"`` or ``"test"`` from ``training.txt`` and ``test.txt``.

    Ids listed in neither file are absent. Raises :class:`DatasetError` when a
    list cannot be read or an id is in both.
    """
    folder = Path(root)
    splits: dict[str, str] = {}
    for split, name in SPLIT_FILES.items():
        path = folder / name
        if not path.is_file():
            continue
        try:
            ids = read_text(path).split()
        except READ_ERRORS as error:
            raise DatasetError(f"cannot read {path}: {describe(error)}") from error
        for page_id in ids:
            if splits.setdefault(page_id, split) != split:
                raise DatasetError(f"page {page_id!r} is in both split lists of {folder}")
    return splits


def iter_dragnet(root: Path) -> Iterator[Page | PageError]:
    """Yield every Dragnet page, sorted by id (``"R76"``, ``"T5"``, ``"100"``...)."""
    htmls = find_files(root / HTML_DIR, ".html")
    golds = find_files(root / GOLD_DIR, GOLD_SUFFIX)
    for page_id in sorted(htmls.keys() | golds.keys(), key=natural_key):
        yield _read_page(page_id, htmls.get(page_id), golds.get(page_id))


def _read_page(page_id: str, html_path: Path | None, gold_path: Path | None) -> Page | PageError:
    if html_path is None or gold_path is None:
        return missing_side(page_id, DATASET, html_path, gold_path)
    try:
        gold = read_text(gold_path)
    except READ_ERRORS as error:
        return PageError(page_id, DATASET, str(gold_path), f"malformed gold: {describe(error)}")
    try:
        html = read_html(html_path)
    except READ_ERRORS as error:
        return PageError(page_id, DATASET, str(html_path), f"unreadable html: {describe(error)}")
    main, _comments = split_main_and_comments(gold)
    url = page_url(html)
    site = host_of(url)
    return Page(
        id=page_id,
        dataset=DATASET,
        url=url if site else None,
        html=html,
        text=None,
        gold=Gold(text=lines(main)),
        site=site,
    )
