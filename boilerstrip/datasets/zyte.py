"""Reader for the layout of Zyte's article-extraction-benchmark.

Layout: ``html/<id>.html`` (or ``.html.gz``) and one ``ground-truth.json``
mapping each id to ``{"articleBody": ..., "url": ..., "headline": ...}``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from boilerstrip.datasets._io import (
    READ_ERRORS,
    describe,
    find_file,
    find_files,
    host_of,
    lines,
    load_json_file,
    natural_key,
    read_html,
)
from boilerstrip.datasets.types import DatasetError, Format, Gold, Page, PageError

DATASET = Format.ZYTE.value
HTML_DIR = "html"
GOLD_FILE = "ground-truth.json"


def is_zyte(path: Path) -> bool:
    """True for a folder holding ``html/`` and ``ground-truth.json``."""
    return (path / HTML_DIR).is_dir() and find_file(path, GOLD_FILE) is not None


def iter_zyte(root: Path) -> Iterator[Page | PageError]:
    """Yield every page, sorted by id. A bad ``ground-truth.json`` raises DatasetError."""
    gold_path = find_file(root, GOLD_FILE)
    if gold_path is None:
        raise DatasetError(f"{root} has no {GOLD_FILE}")
    truth = load_json_file(gold_path)
    if not isinstance(truth, dict):
        raise DatasetError(f"{gold_path} must map page ids to objects")
    htmls = find_files(root / HTML_DIR, ".html")
    for page_id in sorted(htmls.keys() | truth.keys(), key=natural_key):
        html_path = htmls.get(page_id)
        if html_path is None:
            yield PageError(page_id, DATASET, str(gold_path), "no html")
        elif page_id not in truth:
            yield PageError(page_id, DATASET, str(html_path), "no gold")
        else:
            yield _read_page(page_id, html_path, gold_path, truth[page_id])


def _read_page(page_id: str, html_path: Path, gold_path: Path, record: Any) -> Page | PageError:
    body = record.get("articleBody") if isinstance(record, dict) else None
    if not isinstance(body, str):
        return PageError(page_id, DATASET, str(gold_path), "malformed gold: no articleBody")
    try:
        html = read_html(html_path)
    except READ_ERRORS as error:
        return PageError(page_id, DATASET, str(html_path), f"unreadable html: {describe(error)}")
    url = record.get("url") if isinstance(record.get("url"), str) else None
    headline = record.get("headline")
    title = headline.strip() or None if isinstance(headline, str) else None
    return Page(
        id=page_id,
        dataset=DATASET,
        url=url,
        html=html,
        text=None,
        gold=Gold(text=lines(body), title=title),
        site=host_of(url),
    )
