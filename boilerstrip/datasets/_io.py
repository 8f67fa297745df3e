"""File helpers shared by the dataset readers."""

from __future__ import annotations

import codecs
import gzip
import json
import re
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from boilerstrip.convert import decode_html, normalize_lines
from boilerstrip.datasets.types import DatasetError, PageError

GZIP_SUFFIX = ".gz"

# What reading one page's files can raise: missing or unreadable files, broken
# gzip streams, malformed JSON.
READ_ERRORS: tuple[type[BaseException], ...] = (OSError, EOFError, zlib.error, ValueError)


def read_bytes(path: Path) -> bytes:
    """The file's bytes, gunzipped when its name ends in ``.gz``."""
    data = path.read_bytes()
    if path.name.endswith(GZIP_SUFFIX):
        return gzip.decompress(data)
    return data


def read_html(path: Path) -> str:
    """An HTML file (plain or gzipped) decoded with :func:`decode_html`."""
    return decode_html(read_bytes(path))


def decode_text(data: bytes) -> str:
    """Decode a plain-text file: BOM, then strict UTF-8, else windows-1252 (never raises)."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le")):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    if data.startswith(codecs.BOM_UTF16_BE):
        return data[2:].decode("utf-16-be", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_text(path: Path) -> str:
    """A text file (plain or gzipped) decoded with :func:`decode_text`."""
    return decode_text(read_bytes(path))


def read_json(path: Path) -> Any:
    """A JSON file (plain or gzipped), UTF-8."""
    return json.loads(decode_text(read_bytes(path)))


_DIGITS = re.compile(r"(\d+)")


def natural_key(name: str) -> tuple[object, ...]:
    """Sort key that orders embedded numbers by value: ``"2" < "10"``.

    >>> sorted(["10", "2", "a1"], key=natural_key)
    ['2', '10', 'a1']
    """
    parts = _DIGITS.split(name)
    # Even positions are text, odd positions numbers, so tuples compare like with like.
    return (*(int(part) if index % 2 else part for index, part in enumerate(parts)), name)


def find_files(folder: Path, suffix: str) -> dict[str, Path]:
    """Map ``NAME`` to the path of ``NAME<suffix>`` or ``NAME<suffix>.gz`` in ``folder``.

    When both exist the plain file wins. A missing folder gives an empty map.
    """
    found: dict[str, Path] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.iterdir()):
        name = path.name
        if name.startswith(".") or not path.is_file():
            continue
        if name.endswith(suffix + GZIP_SUFFIX):
            stem = name[: -len(suffix + GZIP_SUFFIX)]
            found.setdefault(stem, path)
        elif name.endswith(suffix):
            found[name[: -len(suffix)]] = path
    return found


def find_file(folder: Path, name: str) -> Path | None:
    """``folder/name`` or ``folder/name.gz``, whichever exists (plain first)."""
    for candidate in (folder / name, folder / (name + GZIP_SUFFIX)):
        if candidate.is_file():
            return candidate
    return None


def has_files(folder: Path, suffix: str) -> bool:
    """True when ``folder`` holds at least one ``*<suffix>`` or ``*<suffix>.gz`` file."""
    if not folder.is_dir():
        return False
    return any(path.name.endswith((suffix, suffix + GZIP_SUFFIX)) for path in folder.iterdir())


def host_of(url: str | None) -> str | None:
    """The lower-cased host of ``url`` without ``www.``; None unless it looks like a domain.

    >>> host_of("https://WWW.Example.org:8080/a")
    'example.org'
    >>> host_of("http://fakehost/test") is None
    True
    """
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    return host.removeprefix("www.")


def lines(text: str) -> str:
    """Plain gold text with one block a line (see :func:`normalize_lines`)."""
    return normalize_lines(text)


def describe(error: BaseException) -> str:
    """A one-line description of an exception for a PageError reason."""
    message = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def load_json_file(path: Path) -> Any:
    """Read a dataset-level JSON file; a failure is a :class:`DatasetError` naming it."""
    try:
        return read_json(path)
    except READ_ERRORS as error:
        raise DatasetError(f"cannot read {path}: {describe(error)}") from error


_TAG = re.compile(r"<(meta|link)\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([a-zA-Z:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


def page_url(html: str) -> str | None:
    """The page's own URL from ``og:url`` or ``<link rel=canonical>``, if declared.

    >>> page_url('<link href="https://a.org/x" rel="canonical">')
    'https://a.org/x'
    """
    og_url: str | None = None
    canonical: str | None = None
    for match in _TAG.finditer(html):
        attributes = {
            name.lower(): double or single or bare
            for name, double, single, bare in _ATTRIBUTE.findall(match.group(2))
        }
        if match.group(1).lower() == "meta":
            if attributes.get("property", attributes.get("name", "")).lower() == "og:url":
                og_url = og_url or attributes.get("content")
        elif "canonical" in attributes.get("rel", "").lower().split():
            canonical = canonical or attributes.get("href")
    for url in (og_url, canonical):
        if url and url.strip().lower().startswith(("http://", "https://")):
            return url.strip()
    return None


def missing_side(
    page_id: str, dataset: str, html_path: Path | None, gold_path: Path | None
) -> PageError:
    """The error for a page that has its HTML or its gold file but not both."""
    if html_path is None:
        return PageError(page_id, dataset, str(gold_path), "no html")
    return PageError(page_id, dataset, str(html_path), "no gold")
