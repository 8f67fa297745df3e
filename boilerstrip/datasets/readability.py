"""Reader for Mozilla Readability's test pages.

Each page is a folder ``<name>/`` with ``source.html``, ``expected.html`` (the
article Readability extracts) and ``expected-metadata.json``; the folders sit
in ``test-pages/`` or directly in the folder given. Gold text is
``expected.html`` converted with the LXML converter, one block a line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from boilerstrip.convert import Converter, html_to_text
from boilerstrip.datasets._io import (
    READ_ERRORS,
    describe,
    find_file,
    host_of,
    natural_key,
    page_url,
    read_html,
    read_json,
)
from boilerstrip.datasets.types import Format, Gold, Page, PageError

DATASET = Format.READABILITY.value
PAGES_DIR = "test-pages"
SOURCE_FILE = "source.html"
EXPECTED_FILE = "expected.html"
METADATA_FILE = "expected-metadata.json"
# Readability's expected output is a fragment; our own walker converts it the
# same way on every machine, independent of third-party converter versions.
GOLD_CONVERTER = Converter.LXML


def is_page_dir(path: Path) -> bool:
    """True for a folder holding a ``source.html`` or ``source.html.gz``."""
    return path.is_dir() and find_file(path, SOURCE_FILE) is not None


def pages_root(root: Path) -> Path:
    """The folder whose subfolders are the pages."""
    return root / PAGES_DIR if (root / PAGES_DIR).is_dir() else root


def iter_readability(root: Path) -> Iterator[Page | PageError]:
    """Yield every test page under ``root``, sorted by folder name.

    Every subfolder counts as a page; one without a source or expected file
    is yielded as a :class:`PageError`.
    """
    folder = pages_root(root)
    for page_dir in sorted(
        (child for child in folder.iterdir() if child.is_dir()), key=lambda p: natural_key(p.name)
    ):
        if page_dir.name.startswith("."):
            continue
        yield _read_page(page_dir)


def _read_page(page_dir: Path) -> Page | PageError:
    page_id = page_dir.name
    source = find_file(page_dir, SOURCE_FILE)
    if source is None:
        return PageError(page_id, DATASET, str(page_dir), "no html")
    expected = find_file(page_dir, EXPECTED_FILE)
    if expected is None:
        return PageError(page_id, DATASET, str(page_dir), "no gold")
    title: str | None = None
    metadata_path = find_file(page_dir, METADATA_FILE)
    if metadata_path is not None:
        try:
            metadata = read_json(metadata_path)
        except READ_ERRORS as error:
            reason = f"malformed gold: {describe(error)}"
            return PageError(page_id, DATASET, str(metadata_path), reason)
        if isinstance(metadata, dict) and isinstance(metadata.get("title"), str):
            title = metadata["title"].strip() or None
    try:
        html = read_html(source)
    except READ_ERRORS as error:
        return PageError(page_id, DATASET, str(source), f"unreadable html: {describe(error)}")
    try:
        expected_html = read_html(expected)
    except READ_ERRORS as error:
        return PageError(page_id, DATASET, str(expected), f"malformed gold: {describe(error)}")
    url = page_url(html)
    site = host_of(url)
    return Page(
        id=page_id,
        dataset=DATASET,
        url=url if site else None,
        html=html,
        text=None,
        gold=Gold(text=html_to_text(expected_html, converter=GOLD_CONVERTER), title=title),
        site=site or page_id,
    )
