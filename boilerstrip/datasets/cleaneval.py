"""Reader for the CleanEval shared task data (SIGWAC, 2007). EVAL-ONLY.

A subset folder holds ``input/N.html`` (or ``.html.gz``) and
``GoldStandard/N.txt``. Each input starts with a wrapper line
``<text id="URL" title="..." encoding="...">`` (and ends with ``</text>``)
around the raw page; each gold file starts with ``URL: ...`` followed by the
cleaned text, every block introduced by a ``<p>``, ``<h>`` or ``<l>`` marker.
The parent folder of several subsets (``cleaneval-dev/``, ``cleaneval-final/``)
can be read at once; ids are then ``"dev/N"``, ``"final/N"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from boilerstrip.convert import decode_html
from boilerstrip.datasets._io import (
    READ_ERRORS,
    describe,
    find_files,
    host_of,
    missing_side,
    natural_key,
    read_bytes,
    read_text,
)
from boilerstrip.datasets.types import Format, Gold, Page, PageError

DATASET = Format.CLEANEVAL.value
INPUT_DIR = "input"
GOLD_DIR = "GoldStandard"
SUBSET_PREFIX = "cleaneval-"
URL_PREFIX = "URL:"

_WRAPPER = re.compile(rb"\A\s*<text\b([^>]*)>[ \t]*\r?\n?", re.IGNORECASE)
_WRAPPER_END = re.compile(rb"</text>\s*\Z", re.IGNORECASE)
_WRAPPER_ID = re.compile(rb"""\bid\s*=\s*"([^"]*)\"""", re.IGNORECASE)
# Block markers; a few gold files write them in capitals or mid-line (table cells).
_MARKER = re.compile(r"<[phl]>", re.IGNORECASE)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def is_subset(path: Path) -> bool:
    """True for a folder holding ``input/`` and ``GoldStandard/``."""
    return (path / INPUT_DIR).is_dir() and (path / GOLD_DIR).is_dir()


def subsets(root: Path) -> list[Path]:
    """The subset folders: ``root`` itself, or its children that are subsets."""
    if is_subset(root):
        return [root]
    if not root.is_dir():
        return []
    return [child for child in sorted(root.iterdir()) if is_subset(child)]


def strip_wrapper(data: bytes) -> tuple[bytes, str | None]:
    """Remove CleanEval's ``<text id=...>`` wrapper; return the page and the URL.

    >>> strip_wrapper(b'<text id="http://a.org/" encoding="utf8">\\n<p>x</p>\\n</text>\\n')
    (b'<p>x</p>\\n', 'http://a.org/')
    """
    match = _WRAPPER.match(data)
    if match is None:
        return data, None
    body = _WRAPPER_END.sub(b"", data[match.end() :])
    found = _WRAPPER_ID.search(match.group(1))
    url = found.group(1).decode("utf-8", errors="replace").strip() if found else None
    return body, url or None


def gold_blocks(gold: str) -> tuple[str | None, list[str]]:
    """Parse a gold file: its ``URL:`` line and its blocks, one string each.

    Inside a block, hard-wrapped lines are joined with a space; a blank line
    starts a new block even without a marker.

    >>> gold_blocks("URL: http://a.org/\\n<h>Title\\n<p>One\\nline.\\n\\nTwo <l>item")
    ('http://a.org/', ['Title', 'One line.', 'Two', 'item'])
    """
    url: str | None = None
    first, _, rest = gold.partition("\n")
    if first.strip().startswith(URL_PREFIX):
        url = first.strip()[len(URL_PREFIX) :].strip() or None
        gold = rest
    blocks: list[str] = []
    for marked in _MARKER.split(gold.replace("\r\n", "\n").replace("\r", "\n")):
        for paragraph in _BLANK_LINE.split(marked):
            text = " ".join(paragraph.split())
            if text:
                blocks.append(text)
    return url, blocks


def iter_cleaneval(root: Path) -> Iterator[Page | PageError]:
    """Yield every page of one CleanEval subset, or of all subsets under ``root``."""
    folders = subsets(root)
    for folder in folders:
        name = folder.name.removeprefix(SUBSET_PREFIX)
        prefix = f"{name}/" if len(folders) > 1 else ""
        inputs = find_files(folder / INPUT_DIR, ".html")
        golds = find_files(folder / GOLD_DIR, ".txt")
        for stem in sorted(inputs.keys() | golds.keys(), key=natural_key):
            yield _read_page(prefix + stem, inputs.get(stem), golds.get(stem))


def _read_page(page_id: str, html_path: Path | None, gold_path: Path | None) -> Page | PageError:
    if html_path is None or gold_path is None:
        return missing_side(page_id, DATASET, html_path, gold_path)
    try:
        gold_url, blocks = gold_blocks(read_text(gold_path))
    except READ_ERRORS as error:
        return PageError(page_id, DATASET, str(gold_path), f"malformed gold: {describe(error)}")
    try:
        body, url = strip_wrapper(read_bytes(html_path))
    except READ_ERRORS as error:
        return PageError(page_id, DATASET, str(html_path), f"unreadable html: {describe(error)}")
    url = url or gold_url
    return Page(
        id=page_id,
        dataset=DATASET,
        url=url,
        html=decode_html(body),
        text=None,
        gold=Gold(text="\n".join(blocks)),
        site=host_of(url),
    )
