"""Reader for the WCXB (Web Content eXtraction Benchmark) layout.

A split folder holds ``html/NNNN.html.gz`` and ``ground-truth/NNNN.json``; the
benchmark root holds split folders (``dev/``, ``test/``) and ``metadata.json``,
whose ``files`` map gives each page's ``page_type`` and ``domain``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from boilerstrip.datasets._io import (
    READ_ERRORS,
    describe,
    find_files,
    host_of,
    lines,
    load_json_file,
    missing_side,
    natural_key,
    page_url,
    read_html,
    read_json,
)
from boilerstrip.datasets.types import Format, Gold, Page, PageError

DATASET = Format.WCXB.value
HTML_DIR = "html"
GOLD_DIR = "ground-truth"
METADATA_FILE = "metadata.json"


def is_split_dir(path: Path) -> bool:
    """True for a folder holding ``html/`` and ``ground-truth/``."""
    return (path / HTML_DIR).is_dir() and (path / GOLD_DIR).is_dir()


def split_dirs(root: Path) -> list[Path]:
    """The split folders under ``root`` (or ``root`` itself when it is one)."""
    if is_split_dir(root):
        return [root]
    if not root.is_dir():
        return []
    return [child for child in sorted(root.iterdir()) if is_split_dir(child)]


def _metadata(root: Path) -> dict[str, Any]:
    """``metadata.json``'s per-file entries, from ``root`` or its parent."""
    for folder in (root, root.parent):
        path = folder / METADATA_FILE
        if path.is_file():
            data = load_json_file(path)
            files = data.get("files") if isinstance(data, dict) else None
            return files if isinstance(files, dict) else {}
    return {}


def iter_wcxb(root: Path) -> Iterator[Page | PageError]:
    """Yield every page of a WCXB benchmark root or split folder, sorted by id.

    Ids are the file stems (``"0001"``); when several splits are read they are
    prefixed with the split name (``"dev/0001"``).
    """
    metadata = _metadata(root)
    splits = split_dirs(root)
    for split in splits:
        prefix = f"{split.name}/" if len(splits) > 1 else ""
        htmls = find_files(split / HTML_DIR, ".html")
        golds = find_files(split / GOLD_DIR, ".json")
        for stem in sorted(htmls.keys() | golds.keys(), key=natural_key):
            entry = metadata.get(stem)
            yield _read_page(
                prefix + stem,
                htmls.get(stem),
                golds.get(stem),
                entry if isinstance(entry, dict) else {},
            )


def _read_page(
    page_id: str, html_path: Path | None, gold_path: Path | None, entry: dict[str, Any]
) -> Page | PageError:
    if html_path is None or gold_path is None:
        return missing_side(page_id, DATASET, html_path, gold_path)
    try:
        record = read_json(gold_path)
    except READ_ERRORS as error:
        return PageError(page_id, DATASET, str(gold_path), f"malformed gold: {describe(error)}")
    truth = record.get("ground_truth") if isinstance(record, dict) else None
    if not isinstance(truth, dict):
        return PageError(page_id, DATASET, str(gold_path), "malformed gold: no ground_truth")
    main_content = truth.get("main_content")
    if not isinstance(main_content, str):
        return PageError(page_id, DATASET, str(gold_path), "no gold: main_content missing")
    try:
        html = read_html(html_path)
    except READ_ERRORS as error:
        return PageError(page_id, DATASET, str(html_path), f"unreadable html: {describe(error)}")
    url = _string(record.get("url")) or page_url(html)
    domain = entry.get("domain")
    site = host_of(f"http://{domain}") if isinstance(domain, str) else None
    gold = Gold(
        text=lines(main_content),
        title=_string(truth.get("title")),
        with_snippets=_strings(truth.get("with")),
        without_snippets=_strings(truth.get("without")),
        page_type=_page_type(record, truth, entry),
    )
    return Page(
        id=page_id,
        dataset=DATASET,
        url=url,
        html=html,
        text=None,
        gold=gold,
        site=site or host_of(url),
    )


def _page_type(record: dict[str, Any], truth: dict[str, Any], entry: dict[str, Any]) -> str | None:
    internal = record.get("_internal")
    if isinstance(internal, dict):
        page_type = internal.get("page_type")
        if isinstance(page_type, dict) and _string(page_type.get("primary")):
            return _string(page_type.get("primary"))
    return _string(truth.get("page_type")) or _string(entry.get("page_type"))


def _string(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str) and item.strip())
