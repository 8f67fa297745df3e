"""Reader for JSON Lines: one page a line, plain or gzipped (``.jsonl.gz``).

Each line is an object with the input (``"text"`` or ``"html"``, strings) and
``"gold"``: either the gold text, or an object with ``"text"`` and optionally
``"title"``, ``"with"``, ``"without"``, ``"page_type"`` and ``"blocks"``
(a list of ``{"text", "label"}``). Optional: ``"id"`` (default: the line
number), ``"url"``, ``"site"`` (default: the URL's domain) and ``"dataset"``
(default ``"jsonl"``; keep a page's original dataset name so that
evaluation-only data stays recognisable). Blank lines are skipped; any other
line that is not such an object becomes a :class:`PageError` whose path ends
with ``:LINE``.

>>> import json
>>> json.dumps({"id": "a", "text": "Menu\\nBody", "gold": "Body"})
'{"id": "a", "text": "Menu\\\\nBody", "gold": "Body"}'
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from boilerstrip.datasets._io import GZIP_SUFFIX, READ_ERRORS, describe, host_of, lines
from boilerstrip.datasets.types import Format, Gold, GoldBlock, Page, PageError

DATASET = Format.JSONL.value
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
# How far into a file of another name detection looks for a first record.
SNIFF_BYTES = 4096


def _open(path: Path) -> io.BufferedIOBase:
    if path.name.endswith(GZIP_SUFFIX):
        return gzip.open(path, "rb")
    return path.open("rb")


def is_jsonl(path: Path) -> bool:
    """True for a ``.jsonl``/``.ndjson`` file, or a file whose first line is a JSON object."""
    if not path.is_file():
        return False
    if path.name.lower().endswith(JSONL_SUFFIXES):
        return True
    try:
        with _open(path) as handle:
            head = handle.read(SNIFF_BYTES)
    except READ_ERRORS:
        return False
    first = next((line for line in head.splitlines() if line.strip()), b"")
    return first.lstrip().startswith(b"{")


class _RecordError(ValueError):
    """A line that is valid JSON but not a usable page record."""

    def __init__(self, category: str, detail: str = "") -> None:
        super().__init__(f"{category}: {detail}" if detail else category)


def iter_jsonl(path: Path) -> Iterator[Page | PageError]:
    """Yield one record per non-blank line, in file order.

    A file that breaks off mid-way (e.g. a truncated gzip stream) ends with a
    PageError for the line where reading failed.
    """
    number = 0
    try:
        with _open(path) as handle:
            for number, raw in enumerate(handle, start=1):
                if raw.strip():
                    yield _read_line(path, number, raw)
    except READ_ERRORS as error:
        where = number + 1
        yield PageError(
            str(where), DATASET, f"{path}:{where}", f"unreadable file: {describe(error)}"
        )


def _read_line(path: Path, number: int, raw: bytes) -> Page | PageError:
    where = f"{path}:{number}"
    try:
        record = json.loads(raw.decode("utf-8"))
    except ValueError as error:
        return PageError(str(number), DATASET, where, f"malformed record: {describe(error)}")
    if not isinstance(record, dict):
        kind = type(record).__name__
        return PageError(str(number), DATASET, where, f"malformed record: not an object ({kind})")
    page_id = record.get("id")
    page_id = str(page_id) if isinstance(page_id, (str, int)) and str(page_id) else str(number)
    named = record.get("dataset")
    try:
        return _page(record, page_id)
    except _RecordError as error:
        dataset = named if isinstance(named, str) and named else DATASET
        return PageError(page_id, dataset, where, str(error))


def _page(record: dict[str, Any], page_id: str) -> Page:
    dataset = _optional(record, "dataset") or DATASET
    text, html = _optional(record, "text"), _optional(record, "html")
    if text is None and html is None:
        raise _RecordError("no input", 'needs a "text" or "html" string')
    url = _optional(record, "url")
    return Page(
        id=page_id,
        dataset=dataset,
        url=url,
        html=html,
        text=text,
        gold=_gold(record.get("gold")),
        site=_optional(record, "site") or host_of(url),
    )


def _gold(value: object) -> Gold:
    if value is None:
        raise _RecordError("no gold")
    if isinstance(value, str):
        return Gold(text=lines(value))
    if not isinstance(value, dict) or not isinstance(value.get("text"), str):
        raise _RecordError("malformed gold", 'expected a string or an object with "text"')
    blocks = value.get("blocks") or []
    if not isinstance(blocks, list) or not all(
        isinstance(b, dict) and isinstance(b.get("text"), str) and isinstance(b.get("label"), str)
        for b in blocks
    ):
        raise _RecordError("malformed gold", '"blocks" must be a list of {"text", "label"}')
    return Gold(
        text=lines(value["text"]),
        title=_optional(value, "title"),
        with_snippets=_strings(value.get("with")),
        without_snippets=_strings(value.get("without")),
        blocks=tuple(GoldBlock(text=b["text"], label=b["label"]) for b in blocks),
        page_type=_optional(value, "page_type"),
    )


def _optional(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _RecordError("malformed record", f'"{key}" must be a string')
    return value


def _strings(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _RecordError("malformed gold", "snippet lists must hold strings")
    return tuple(value)
