"""Reader for L3S-GN1 (Kohlschütter et al., WSDM 2010). EVAL-ONLY: research use.

Layout: ``original/UUID.html`` (the crawled page), ``annotated/UUID.html`` (the
same page with every text block wrapped in ``<span class="x-nc-selN">``) and
``url-mapping.txt`` (``<urn:uuid:UUID>`` TAB URL). Both HTML folders accept
``.html`` and ``.html.gz``. Elements marked ``x-nc-invisible`` were invisible to
the annotators and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from boilerstrip.convert import (
    BLOCK_TAGS,
    CELL_TAGS,
    SKIPPED_TAGS,
    Converter,
    ConverterMissingError,
)
from boilerstrip.datasets._io import (
    READ_ERRORS,
    describe,
    find_files,
    host_of,
    missing_side,
    natural_key,
    read_html,
    read_text,
)
from boilerstrip.datasets.types import DatasetError, Format, Gold, GoldBlock, Page, PageError

DATASET = Format.L3S.value
ORIGINAL_DIR = "original"
ANNOTATED_DIR = "annotated"
URL_MAPPING_FILE = "url-mapping.txt"
INVISIBLE_CLASS = "x-nc-invisible"

# The annotation classes x-nc-sel0..5 and the block labels they stand for.
LABELS: dict[str, str] = {
    "0": "noise",
    "1": "title",
    "2": "body",
    "3": "supplemental",
    "4": "related",
    "5": "comments",
}
# Text outside every annotated span was not selected as content.
UNLABELED = "noise"

_SELECTION_CLASS = re.compile(r"\bx-nc-sel(\d)\b")
_URN = re.compile(r"<?urn:uuid:([0-9a-fA-F-]+)>?")


def is_l3s(path: Path) -> bool:
    """True for a folder holding ``original/`` and ``annotated/``."""
    return (path / ORIGINAL_DIR).is_dir() and (path / ANNOTATED_DIR).is_dir()


def url_mapping(root: Path) -> dict[str, str]:
    """Map UUID to page URL from ``url-mapping.txt`` (empty when the file is absent)."""
    path = root / URL_MAPPING_FILE
    if not path.is_file():
        return {}
    try:
        text = read_text(path)
    except READ_ERRORS as error:
        raise DatasetError(f"cannot read {path}: {describe(error)}") from error
    urls: dict[str, str] = {}
    for line in text.splitlines():
        key, _, url = line.partition("\t")
        match = _URN.fullmatch(key.strip())
        if match and url.strip():
            urls[match.group(1).lower()] = url.strip()
    return urls


def annotated_blocks(html: str) -> tuple[GoldBlock, ...]:
    """The labeled text blocks of an annotated page, in page order.

    Lines break at block-level elements as in the LXML converter; a line whose
    spans carry different labels becomes one block per label run.

    >>> annotated_blocks('<p><span class="x-nc-sel1">Head</span></p>'
    ...                  '<p><span class="x-nc-sel2">Body </span><span class="x-nc-sel2">'
    ...                  'text</span><span class="x-nc-sel0">Share</span></p>')
    (GoldBlock(text='Head', label='title'), GoldBlock(text='Body text', label='body'), \
GoldBlock(text='Share', label='noise'))
    """
    try:
        import lxml.etree
        import lxml.html
    except ImportError as error:
        raise ConverterMissingError(
            f"reading L3S-GN1 annotations needs lxml (the {Converter.LXML.value!r} converter); "
            "install it with: pip install 'boilerstrip[convert]'"
        ) from error
    parser = lxml.html.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True
    )
    try:
        root = lxml.html.fromstring(html.encode("utf-8", errors="replace"), parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return ()
    if root is None:
        return ()
    return tuple(_BlockWriter().walk(root))


class _BlockWriter:
    """Walks an annotated tree and cuts its text into labeled blocks."""

    def __init__(self) -> None:
        self._blocks: list[GoldBlock] = []
        self._segments: list[tuple[str, str]] = []

    def walk(self, root: Any) -> list[GoldBlock]:
        # Entries are (element, entering, label in force around the element).
        stack: list[tuple[Any, bool, str]] = [(root, True, UNLABELED)]
        while stack:
            element, entering, outer = stack.pop()
            tag = element.tag.lower() if isinstance(element.tag, str) else ""
            if not entering:
                if tag in BLOCK_TAGS:
                    self._break()
                self._add(element.tail, outer)
                continue
            classes = element.get("class") or "" if tag else ""
            if not tag or tag in SKIPPED_TAGS or INVISIBLE_CLASS in classes.split():
                self._add(element.tail, outer)
                continue
            if tag == "br":
                self._break()
                self._add(element.tail, outer)
                continue
            if tag in BLOCK_TAGS:
                self._break()
            elif tag in CELL_TAGS:
                self._add(" ", outer)
            selection = _SELECTION_CLASS.search(classes)
            inner = LABELS.get(selection.group(1), UNLABELED) if selection else outer
            stack.append((element, False, outer))
            self._add(element.text, inner)
            stack.extend((child, True, inner) for child in reversed(list(element)))
        self._break()
        return self._blocks

    def _add(self, text: str | None, label: str) -> None:
        if text:
            self._segments.append((text, label))

    def _break(self) -> None:
        run: list[str] = []
        run_label: str | None = None
        for text, label in self._segments:
            if not text.strip():
                run.append(text)
                continue
            if run_label is not None and label != run_label:
                self._close(run, run_label)
                run = []
            run_label = label
            run.append(text)
        if run_label is not None:
            self._close(run, run_label)
        self._segments = []

    def _close(self, run: list[str], label: str) -> None:
        text = " ".join("".join(run).split())
        if text:
            self._blocks.append(GoldBlock(text=text, label=label))


def iter_l3s(root: Path) -> Iterator[Page | PageError]:
    """Yield every L3S-GN1 page, sorted by UUID."""
    urls = url_mapping(root)
    originals = find_files(root / ORIGINAL_DIR, ".html")
    annotated = find_files(root / ANNOTATED_DIR, ".html")
    for page_id in sorted(originals.keys() | annotated.keys(), key=natural_key):
        yield _read_page(
            page_id, originals.get(page_id), annotated.get(page_id), urls.get(page_id.lower())
        )


def _read_page(
    page_id: str, html_path: Path | None, gold_path: Path | None, url: str | None
) -> Page | PageError:
    if html_path is None or gold_path is None:
        return missing_side(page_id, DATASET, html_path, gold_path)
    try:
        blocks = annotated_blocks(read_html(gold_path))
    except READ_ERRORS as error:
        return PageError(page_id, DATASET, str(gold_path), f"malformed gold: {describe(error)}")
    try:
        html = read_html(html_path)
    except READ_ERRORS as error:
        return PageError(page_id, DATASET, str(html_path), f"unreadable html: {describe(error)}")
    titles = [block.text for block in blocks if block.label == "title"]
    gold = Gold(
        text="\n".join(block.text for block in blocks if block.label == "body"),
        title=" ".join(titles) or None,
        blocks=blocks,
    )
    return Page(
        id=page_id, dataset=DATASET, url=url, html=html, text=None, gold=gold, site=host_of(url)
    )
