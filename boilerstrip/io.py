"""Read documents from, and write cleaned documents to, the formats corpora come in.

Readers turn an input into a stream of :class:`Record` objects, one per
document, without ever holding a whole file in memory:

* **text**: one document per file (a folder is walked recursively), or the
  whole of standard input;
* **JSONL**: one JSON object per line, the document in a text field;
* **WARC/WET** (``warcio``): every ``conversion`` record (the text of a page);
* **Parquet** (``pyarrow``): one document per row, read in batches.

Files ending in ``.gz``, ``.bz2`` or ``.zst`` are decompressed on the fly and
output files with those suffixes are compressed. A record that cannot be used
(invalid JSON, a missing or non-string field, bytes that are not UTF-8, binary
data, a document over the size limit) is not dropped: it comes out as a
:class:`Record` whose ``error`` says why, with its file and line.

Writers (:class:`TextWriter`, :class:`FolderWriter`, :class:`JsonlWriter`,
:class:`ParquetWriter`) write to a temporary file beside the destination and
rename it when :meth:`Writer.close` is called, so an interrupted run never
leaves a half-written file under the final name.

Example:
    >>> import io
    >>> stream = io.BytesIO(b'{"id": 1, "text": "Hello"}\\nnot json\\n')
    >>> [(r.position, r.text, r.error) for r in read_jsonl(stream, name="a.jsonl")]
    [(1, 'Hello', None), (2, None, 'invalid JSON: Expecting value at column 1')]
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import json
import os
import re
import stat
import sys
import tempfile
import zlib
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import partial
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

from boilerstrip.errors import BoilerstripError

STDIN_NAME = "<stdin>"
"""How standard input is named in messages and error records."""

PARQUET_READ_ROWS = 1_000
"""Rows read from Parquet at a time: about 10 MB of typical pages, so memory stays flat."""

PARQUET_ROW_GROUP_ROWS = 1_000
"""Rows per written Parquet row group, for the same reason."""

LINE_READ_SIZE = 1 << 16
"""Bytes read at a time while skipping the rest of an over-long line."""

SNIFF_BYTES = 64
"""Bytes of standard input looked at to guess its compression and format."""


class Format(str, Enum):
    """An input or output format. ``AUTO`` means: decide from the file name."""

    AUTO = "auto"
    TEXT = "text"
    JSONL = "jsonl"
    WARC = "warc"
    PARQUET = "parquet"


class Compression(str, Enum):
    """A compression chosen by file suffix (or sniffed on standard input)."""

    NONE = "none"
    GZIP = "gzip"
    BZIP2 = "bz2"
    ZSTD = "zstd"


COMPRESSION_SUFFIXES: Mapping[str, Compression] = {
    ".gz": Compression.GZIP,
    ".gzip": Compression.GZIP,
    ".bz2": Compression.BZIP2,
    ".zst": Compression.ZSTD,
    ".zstd": Compression.ZSTD,
}

FORMAT_SUFFIXES: Mapping[str, Format] = {
    ".jsonl": Format.JSONL,
    ".ndjson": Format.JSONL,
    ".warc": Format.WARC,
    ".wet": Format.WARC,
    ".parquet": Format.PARQUET,
    ".pq": Format.PARQUET,
}

_MAGIC: tuple[tuple[bytes, Compression], ...] = (
    (b"\x1f\x8b", Compression.GZIP),
    (b"BZh", Compression.BZIP2),
    (b"\x28\xb5\x2f\xfd", Compression.ZSTD),
)


class InputError(BoilerstripError):
    """An input cannot be read at all (missing, unreadable, not of its format)."""


class OutputError(BoilerstripError):
    """An output cannot be written."""


class MissingExtraError(BoilerstripError):
    """A format needs an optional package that is not installed."""


def _require(module: str, extra: str, what: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(
            f"{what} needs the {module.split('.')[0]} package: pip install 'boilerstrip[{extra}]'"
        ) from None


def split_suffixes(name: str) -> tuple[str, Compression]:
    """The name without its compression suffix, and the compression.

    >>> split_suffixes("pages.jsonl.zst")
    ('pages.jsonl', <Compression.ZSTD: 'zstd'>)
    """
    base, suffix = os.path.splitext(name)
    compression = COMPRESSION_SUFFIXES.get(suffix.lower())
    if compression is None:
        return name, Compression.NONE
    return base, compression


def format_of(name: str) -> Format:
    """The format a file name says, ``TEXT`` when it says none.

    >>> format_of("CC-MAIN-00001.warc.wet.gz")
    <Format.WARC: 'warc'>
    >>> format_of("page.txt")
    <Format.TEXT: 'text'>
    """
    base, _ = split_suffixes(name)
    return FORMAT_SUFFIXES.get(os.path.splitext(base)[1].lower(), Format.TEXT)


@dataclass(frozen=True, slots=True)
class Record:
    """One document read from an input, or the reason it could not be read.

    ``unit`` says what ``position`` counts (``"file"``, ``"line"``,
    ``"record"`` or ``"row"``, from 1). ``fields`` holds the record's other
    values (JSONL fields, Parquet columns, WARC id, URL and date). ``text``
    is ``None`` exactly when ``error`` is set; ``raw`` then keeps what could
    be read of the bad record. ``relative`` is a text file's path inside the
    folder it was found in. ``size`` is the record's size in bytes.
    """

    source: str
    unit: str
    position: int
    text: str | None
    fields: Mapping[str, Any] = field(default_factory=dict)
    size: int = 0
    error: str | None = None
    raw: str | None = None
    relative: str = ""

    def where(self) -> str:
        """``"file, line 3"``: the record's place, for messages."""
        if self.unit == "file":
            return self.source
        return f"{self.source}, {self.unit} {self.position}"


@dataclass(frozen=True, slots=True)
class Source:
    """A file (or standard input) to read, with its format resolved."""

    name: str
    path: Path | None
    format: Format
    relative: str = ""


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def decode_document(data: bytes) -> str:
    """``data`` as text, or :class:`ValueError` saying why it is not text.

    A UTF-8 byte-order mark is dropped. Bytes with a NUL are binary data.

    >>> decode_document(b"caf\\xc3\\xa9")
    'café'
    >>> decode_document(b"caf\\xe9")
    Traceback (most recent call last):
    ValueError: not valid UTF-8 (byte 0xe9 at offset 3)
    """
    nul = data.find(b"\x00")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (nul != -1 and _looks_utf16(data)):
        raise ValueError("UTF-16 text, not UTF-8: convert it first (iconv -f UTF-16 -t UTF-8 FILE)")
    if nul != -1:
        raise ValueError(f"binary data (NUL byte at offset {nul})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


UTF16_SNIFF_BYTES = 1000
"""Bytes looked at to tell UTF-16 text without a byte-order mark from binary data."""


def _looks_utf16(data: bytes) -> bool:
    r"""Whether ``data`` starts like UTF-16 text of a Latin script: a NUL in
    almost every other byte (the high bytes of its characters), and few elsewhere.

    >>> _looks_utf16("Hello world".encode("utf-16-le")), _looks_utf16(b"\x00\x01\x02\x03" * 9)
    (True, False)
    """
    head = data[:UTF16_SNIFF_BYTES]
    if len(head) < 8:
        return False
    even, odd = head[0::2].count(0), head[1::2].count(0)
    high, low = max(even, odd), min(even, odd)
    return high >= 0.9 * (len(head) // 2) and low <= 0.05 * (len(head) // 2)


def _too_big(size: int, max_bytes: int) -> str:
    return f"larger than the limit of {max_bytes:,} bytes (--max-bytes)"


def _decompressing(stream: BinaryIO, compression: Compression, name: str) -> BinaryIO:
    if compression is Compression.GZIP:
        return cast(BinaryIO, gzip.GzipFile(fileobj=stream, mode="rb"))
    if compression is Compression.BZIP2:
        return cast(BinaryIO, bz2.BZ2File(stream, mode="rb"))
    if compression is Compression.ZSTD:
        zstandard = _require("zstandard", "io", f"{name}: reading zstd")
        return cast(BinaryIO, io.BufferedReader(_ZstdFrames(stream, zstandard.ZstdDecompressor())))
    return stream


ZSTD_READ_BYTES = 1 << 17
"""Compressed bytes read at a time from a zstd stream."""

ZSTD_FEED_BYTES = 1 << 10
"""Compressed bytes decompressed at a time. zstd packs up to 128 KiB of repeated
bytes into a few, so a kibibyte of input may give some 32 MiB of output at most:
memory stays bounded whatever the file holds."""


class _ZstdFrames(io.RawIOBase):
    """The frames of a zstd stream decompressed one after another.

    zstandard's own stream reader ends quietly where a truncated file ends; this
    one raises :class:`EOFError` when the data stops inside a frame, as gzip and
    bz2 do, so that a cut file is reported and not taken for a whole one.
    """

    def __init__(self, stream: BinaryIO, decompressor: Any) -> None:
        super().__init__()
        self._stream = stream
        self._decompressor = decompressor
        self._frame: Any = None  # the decompressor of the current frame
        self._input = memoryview(b"")  # compressed bytes not yet decompressed
        self._pending = memoryview(b"")  # decompressed bytes not yet read
        self._ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            if not self._input:
                if self._ended:
                    return 0
                self._input = memoryview(self._stream.read(ZSTD_READ_BYTES))
                if not self._input:
                    self._ended = True
                    if self._frame is not None and not self._frame.eof:
                        raise EOFError("compressed file ended before the end of its zstd frame")
                    return 0
            piece = self._input[:ZSTD_FEED_BYTES]
            self._input = self._input[ZSTD_FEED_BYTES:]
            self._pending = memoryview(self._decompress(piece))
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def _decompress(self, data: memoryview | bytes) -> bytes:
        out = []
        while data:
            if self._frame is None or self._frame.eof:
                self._frame = self._decompressor.decompressobj()
            out.append(self._frame.decompress(data))
            data = self._frame.unused_data if self._frame.eof else b""
        return b"".join(out)

    def close(self) -> None:
        self._stream.close()
        super().close()


def open_input(path: Path, *, name: str | None = None) -> BinaryIO:
    """Open ``path`` for reading bytes, decompressing by its suffix."""
    shown = name or str(path)
    try:
        stream = cast(BinaryIO, open(path, "rb"))  # noqa: SIM115 - returned to the caller
    except OSError as exc:
        raise InputError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    _, compression = split_suffixes(path.name)
    return _decompressing(stream, compression, shown)


def _peekable(stream: BinaryIO) -> io.BufferedReader:
    if isinstance(stream, io.BufferedReader):
        return stream
    return io.BufferedReader(cast(Any, stream))


def sniff_stdin(stream: BinaryIO, fmt: Format) -> tuple[BinaryIO, Format]:
    """Standard input decompressed if it is compressed, and its format.

    With ``Format.AUTO`` a stream starting with ``WARC/`` is WARC, one starting
    with ``{`` is JSONL, anything else is one text document.
    """
    buffered = _peekable(stream)
    head = buffered.peek(SNIFF_BYTES)[:SNIFF_BYTES]
    compression = next((c for magic, c in _MAGIC if head.startswith(magic)), Compression.NONE)
    if compression is not Compression.NONE:
        decompressed = _decompressing(cast(BinaryIO, buffered), compression, STDIN_NAME)
        buffered = _peekable(decompressed)
        try:
            head = buffered.peek(SNIFF_BYTES)[:SNIFF_BYTES]
        except _read_errors() as exc:
            raise InputError(f"{STDIN_NAME}: cannot read: {exc}") from None
    out = cast(BinaryIO, buffered)
    if fmt is Format.AUTO:
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if start.startswith(b"WARC/"):
            fmt = Format.WARC
        elif start.startswith(b"{"):
            fmt = Format.JSONL
        else:
            fmt = Format.TEXT
    if fmt is Format.PARQUET:
        raise InputError(f"{STDIN_NAME}: Parquet input must be a file, not standard input")
    return out, fmt


def check_inputs(inputs: Sequence[str]) -> None:
    """Raise :class:`InputError` for the first input that does not exist."""
    for name in inputs:
        if name == "-":
            continue
        path = Path(name)
        if not path.exists():
            raise InputError(f"{name}: no such file or folder")
        if not (path.is_file() or path.is_dir()):
            raise InputError(f"{name}: not a regular file or folder")


def iter_sources(inputs: Sequence[str], *, fmt: Format) -> Iterator[Source]:
    """Every file named by ``inputs``, folders walked in sorted order (lazily).

    Hidden files and folders (names starting with ``.``) inside a folder are
    skipped. ``-`` is not handled here (see :func:`sniff_stdin`).
    """
    for name in inputs:
        path = Path(name)
        if path.is_dir():
            yield from _walk(path, fmt=fmt)
        else:
            chosen = format_of(path.name) if fmt is Format.AUTO else fmt
            yield Source(name=name, path=path, format=chosen, relative=path.name)


def _walk(root: Path, *, fmt: Format) -> Iterator[Source]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for file_name in sorted(f for f in files if not f.startswith(".")):
            path = Path(folder) / file_name
            chosen = format_of(file_name) if fmt is Format.AUTO else fmt
            relative = path.relative_to(root).as_posix()
            yield Source(name=str(path), path=path, format=chosen, relative=relative)


def _read_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OSError, EOFError, zlib.error]
    zstandard = sys.modules.get("zstandard")
    if zstandard is not None:
        errors.append(zstandard.ZstdError)
    return tuple(errors)


def read_records(
    source: Source,
    *,
    stream: BinaryIO | None = None,
    text_field: str = "text",
    max_bytes: int = 0,
    skipped: Counter[str] | None = None,
) -> Iterator[Record]:
    """Every record of ``source`` (from ``stream`` if given, else from its path).

    ``max_bytes=0`` means no size limit. A file that breaks off part way (a
    truncated or corrupt compressed file) ends with one error record saying
    where reading stopped; the records before it are kept. ``skipped`` counts
    WARC records that carry no page text, by type.
    """
    if source.format is Format.PARQUET:
        if source.path is None:
            raise InputError(f"{source.name}: Parquet input must be a file")
        yield from read_parquet(
            source.path, name=source.name, text_field=text_field, max_bytes=max_bytes
        )
        return
    opened = stream
    if opened is None:
        assert source.path is not None
        opened = open_input(source.path, name=source.name)
    last = 0
    try:
        if source.format is Format.JSONL:
            reader = read_jsonl(
                opened, name=source.name, text_field=text_field, max_bytes=max_bytes
            )
        elif source.format is Format.WARC:
            reader = read_warc(opened, name=source.name, max_bytes=max_bytes, skipped=skipped)
        else:
            reader = read_text(
                opened, name=source.name, max_bytes=max_bytes, relative=source.relative
            )
        unit = {Format.JSONL: "line", Format.WARC: "record"}.get(source.format, "file")
        try:
            for record in reader:
                last = record.position
                yield record
        except _read_errors() as exc:
            if unit == "file":
                yield Record(
                    source=source.name,
                    unit=unit,
                    position=1,
                    text=None,
                    error=f"cannot read: {exc}",
                    relative=source.relative,
                )
            else:
                yield Record(
                    source=source.name,
                    unit=unit,
                    position=last + 1,
                    text=None,
                    error=f"cannot read from here on: {exc}",
                )
    finally:
        if stream is None:
            opened.close()


def read_text(
    stream: IO[bytes], *, name: str, max_bytes: int = 0, relative: str = ""
) -> Iterator[Record]:
    """The whole stream as one document.

    >>> [r.text for r in read_text(io.BytesIO(b"Hello"), name="a.txt")]
    ['Hello']
    """
    base = partial(Record, source=name, unit="file", position=1, relative=relative)
    yield _read_document(stream, base, max_bytes=max_bytes)


def _read_document(
    stream: IO[bytes],
    base: Callable[..., Record],
    *,
    max_bytes: int,
    declared_size: str | None = None,
) -> Record:
    """The rest of ``stream`` as one document: a record with its text, or with why it has none.

    ``base`` makes the record from its place in the input. With ``max_bytes``
    set, at most one byte more is read, enough to tell the document is over
    the limit without holding all of it. ``declared_size`` is the size the
    input announced (a WARC ``Content-Length``): the size an over-long
    document is reported with, and a document that stops short of it is
    truncated.

    >>> base = partial(Record, source="a.txt", unit="file", position=1)
    >>> _read_document(io.BytesIO(b"Hello"), base, max_bytes=0).text
    'Hello'
    >>> _read_document(io.BytesIO(b"Hel"), base, max_bytes=0, declared_size="5").error
    'truncated: 3 of 5 bytes'
    """
    data = stream.read(max_bytes + 1) if max_bytes > 0 else stream.read()
    if max_bytes > 0 and len(data) > max_bytes:
        size = int(declared_size or len(data))
        return base(text=None, size=size, error=_too_big(size, max_bytes))
    if declared_size is not None and declared_size.isdigit() and len(data) < int(declared_size):
        reason = f"truncated: {len(data):,} of {int(declared_size):,} bytes"
        return base(text=None, size=len(data), error=reason)
    try:
        text = decode_document(data)
    except ValueError as exc:
        return base(text=None, size=len(data), error=str(exc))
    return base(text=text, size=len(data))


def _skip_line(stream: IO[bytes], chunk: bytes) -> int:
    """Read past the end of the current line; the number of bytes skipped."""
    skipped = 0
    while chunk and not chunk.endswith(b"\n"):
        chunk = stream.readline(LINE_READ_SIZE)
        skipped += len(chunk)
    return skipped


UTF8_BOM = b"\xef\xbb\xbf"
"""The byte-order mark some tools write at the start of a UTF-8 file."""


def read_jsonl(
    stream: IO[bytes], *, name: str, text_field: str = "text", max_bytes: int = 0
) -> Iterator[Record]:
    """One record per non-blank line; the document is the string in ``text_field``.

    Blank lines are not records (their numbers still count). ``fields`` is the
    whole parsed object; ``raw`` keeps a bad line's text. A UTF-8 byte-order
    mark before the first line is skipped.
    """
    number = 0
    limit = max_bytes + 1 if max_bytes > 0 else -1
    while True:
        line = stream.readline(limit)
        if not line:
            return
        number += 1
        base = partial(Record, source=name, unit="line", position=number)
        if max_bytes > 0 and len(line) > max_bytes and not line.endswith(b"\n"):
            size = len(line) + _skip_line(stream, line)
            yield base(text=None, size=size, error=_too_big(size, max_bytes))
            continue
        if number == 1 and line.startswith(UTF8_BOM):  # written by some Windows tools
            line = line[len(UTF8_BOM) :]
        if not line.strip():
            continue
        try:
            decoded = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            reason = f"not valid UTF-8 (byte 0x{line[exc.start]:02x} at column {exc.start + 1})"
            raw = line.decode("utf-8", errors="replace").rstrip("\r\n")
            yield base(text=None, size=len(line), error=reason, raw=raw)
            continue
        try:
            value = json.loads(decoded)
        except json.JSONDecodeError as exc:
            reason = f"invalid JSON: {exc.msg} at column {exc.colno}"
            raw = decoded.rstrip("\r\n")
            yield base(text=None, size=len(line), error=reason, raw=raw)
            continue
        if not isinstance(value, dict):
            reason = f"not a JSON object (got {_json_type(value)})"
            raw = decoded.rstrip("\r\n")
            yield base(text=None, size=len(line), error=reason, raw=raw)
            continue
        if text_field not in value:
            reason = f"no field {text_field!r}"
            yield base(text=None, fields=value, size=len(line), error=reason)
            continue
        text = value[text_field]
        if not isinstance(text, str):
            reason = f"field {text_field!r} is {_json_type(text)}, not a string"
            yield base(text=None, fields=value, size=len(line), error=reason)
            continue
        if "\x00" in text:
            reason = f"binary data in field {text_field!r} (NUL character)"
            yield base(text=None, fields=value, size=len(line), error=reason)
            continue
        yield base(text=text, fields=value, size=len(line))


WARC_TEXT_TYPE = "conversion"
"""WARC record type of a page's extracted text (what WET files hold)."""


class _Notes(io.TextIOBase):
    """A text stream that only remembers whether anything was written to it."""

    def __init__(self) -> None:
        super().__init__()
        self.written = False

    def write(self, text: str) -> int:
        self.written = self.written or bool(text)
        return len(text)


WARC_LENGTH_MISMATCH = (
    "its Content-Length does not match its content (more data follows it before the "
    "next record): its text may be cut"
)
"""The error of a WARC record that warcio finds misaligned while reading on."""


def read_warc(
    stream: IO[bytes],
    *,
    name: str,
    max_bytes: int = 0,
    skipped: Counter[str] | None = None,
) -> Iterator[Record]:
    """One record per ``conversion`` record, with its id, URL and date in ``fields``.

    Other record types carry no page text; they are counted in ``skipped``.
    ``position`` counts every WARC record in the file. A record followed by more
    data than its Content-Length says is an error record
    (:data:`WARC_LENGTH_MISMATCH`): its text may be cut.
    """
    archive = _require("warcio.archiveiterator", "io", f"{name}: reading WARC")
    number = 0
    records = archive.ArchiveIterator(stream)
    held: Record | None = None  # the last record, given out once the next is found
    try:
        while True:
            # warcio writes a warning to stderr when a record is not followed by
            # its blank lines (its Content-Length is wrong); the library never
            # prints, so the warning makes that record an error instead.
            notes = _Notes()
            try:
                with contextlib.redirect_stderr(notes):
                    item = next(records, None)
            except Exception:
                if held is not None:  # read whole before the break
                    yield held
                raise
            if held is not None:
                if notes.written and held.error is None:
                    held = replace(held, text=None, error=WARC_LENGTH_MISMATCH)
                yield held
                held = None
            if item is None:
                break
            number += 1
            kind = item.rec_type
            if kind != WARC_TEXT_TYPE:
                if skipped is not None:
                    skipped[str(kind)] += 1
                continue
            headers = item.rec_headers
            fields = {
                "id": headers.get_header("WARC-Record-ID"),
                "url": headers.get_header("WARC-Target-URI"),
                "date": headers.get_header("WARC-Date"),
            }
            base = partial(Record, source=name, unit="record", position=number, fields=fields)
            held = _read_document(
                item.content_stream(),
                base,
                max_bytes=max_bytes,
                declared_size=headers.get_header("Content-Length"),
            )
    except archive.ArchiveLoadFailed as exc:
        reason = " ".join(str(exc).split())
        if number == 0:
            raise InputError(f"{name}: not a WARC file ({reason})") from None
        yield Record(
            source=name,
            unit="record",
            position=number + 1,
            text=None,
            error=f"cannot read from here on: {reason}",
        )


def _utf8_size(text: str, max_bytes: int) -> int:
    """The UTF-8 size of ``text`` where it matters for ``max_bytes``; cheap otherwise."""
    if len(text) > max_bytes or len(text) * 4 <= max_bytes:
        return len(text)
    return len(text.encode("utf-8", errors="surrogatepass"))


def parquet_schema(path: Path, *, name: str | None = None) -> Any:
    """The Arrow schema of a Parquet file (for writing output with the same columns)."""
    pq = _require("pyarrow.parquet", "parquet", f"{name or path}: reading Parquet")
    try:
        return pq.ParquetFile(path).schema_arrow
    except Exception as exc:  # pyarrow raises several types for a bad file
        raise InputError(f"{name or path}: not a Parquet file ({exc})") from None


def read_parquet(
    path: Path, *, name: str, text_field: str = "text", max_bytes: int = 0
) -> Iterator[Record]:
    """One record per row, read ``PARQUET_READ_ROWS`` at a time; other columns in ``fields``."""
    pq = _require("pyarrow.parquet", "parquet", f"{name}: reading Parquet")
    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:
        raise InputError(f"{name}: not a Parquet file ({exc})") from None
    columns = parquet.schema_arrow.names
    if text_field not in columns:
        raise InputError(
            f"{name}: no column {text_field!r} (columns: {', '.join(columns)}); "
            "choose one with --text-field"
        )
    number = 0
    with contextlib.closing(parquet):
        for batch in parquet.iter_batches(batch_size=PARQUET_READ_ROWS):
            for row in batch.to_pylist():
                number += 1
                base = partial(Record, source=name, unit="row", position=number, fields=row)
                text = row[text_field]
                if not isinstance(text, str):
                    reason = f"column {text_field!r} is {_json_type(text)}, not a string"
                    yield base(text=None, error=reason)
                    continue
                size = _utf8_size(text, max_bytes) if max_bytes > 0 else len(text)
                if max_bytes > 0 and size > max_bytes:
                    yield base(text=None, size=size, error=_too_big(size, max_bytes))
                    continue
                yield base(text=text, size=size)


# --- writing -------------------------------------------------------------------------------


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class AtomicFile:
    """A file written under a temporary name beside ``path``, renamed on :meth:`commit`.

    The temporary file is ``.NAME.XXXX.part`` in the destination folder, so
    the rename is atomic and a partial file is never mistaken for output.
    When ``path`` is a symbolic link, the file it points to is replaced and
    the link kept. When ``path`` is not a regular file (a named pipe, a
    device such as ``/dev/null`` or ``/dev/stdout``), it is written directly:
    a pipe or a device cannot be replaced. :attr:`writing` is the file to
    write to.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.direct = is_special_file(path)
        self._done = False
        if self.direct:
            self.writing = path
            self.target = path
            return
        # A link (even a dangling one) is followed to the file it names.
        self.target = Path(os.path.realpath(path)) if path.is_symlink() else path
        folder = self.target.parent if str(self.target.parent) else Path(".")
        if not folder.is_dir():
            raise OutputError(f"{path}: folder {folder} does not exist")
        try:
            fd, temp = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".part", dir=folder)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
        os.close(fd)
        self.writing = Path(temp)

    def commit(self) -> None:
        """Give the file its final name (and the usual permissions)."""
        if self._done:
            return
        self._done = True
        if self.direct:
            return
        try:
            os.chmod(self.writing, 0o666 & ~_umask())
            os.replace(self.writing, self.target)
        except OSError as exc:
            self.writing.unlink(missing_ok=True)
            raise OutputError(f"{self.path}: cannot write: {exc.strerror or exc}") from None

    def discard(self) -> None:
        """Remove the temporary file (what went to a pipe or a device stays sent)."""
        if not self._done:
            self._done = True
            if not self.direct:
                self.writing.unlink(missing_ok=True)


def is_special_file(path: Path) -> bool:
    """Whether ``path`` exists (following links) and is not a regular file or a folder."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _compressing(stream: BinaryIO, compression: Compression, name: str) -> BinaryIO:
    if compression is Compression.GZIP:
        # The header names the file being written, not the temporary one.
        return cast(BinaryIO, gzip.GzipFile(Path(name).name, mode="wb", fileobj=stream))
    if compression is Compression.BZIP2:
        return cast(BinaryIO, bz2.BZ2File(stream, mode="wb"))
    if compression is Compression.ZSTD:
        zstandard = _require("zstandard", "io", f"{name}: writing zstd")
        return cast(BinaryIO, zstandard.ZstdCompressor().stream_writer(stream, closefd=False))
    return stream


STDOUT_NAME = "<stdout>"
"""How messages name standard output."""


@contextlib.contextmanager
def writing_stdout() -> Iterator[None]:
    """Write to standard output inside this block: a failed write (a full disk)
    raises :class:`OutputError` naming it, not a bare ``OSError``. A reader that
    went away (``BrokenPipeError``) is passed on for the command to stop quietly.
    """
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(f"{STDOUT_NAME}: cannot write: {exc.strerror or exc}") from None


class _ByteSink:
    """A byte stream to a file (temporary, then renamed) or to standard output."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._atomic: AtomicFile | None = None
        self._raw: BinaryIO
        if path is None:
            self._raw = sys.stdout.buffer
            self.stream = self._raw
            return
        self._atomic = AtomicFile(path)
        self._raw = cast(BinaryIO, open(self._atomic.writing, "wb"))  # noqa: SIM115
        _, compression = split_suffixes(path.name)
        self.stream = _compressing(self._raw, compression, str(path))

    def write(self, data: bytes) -> None:
        try:
            self.stream.write(data)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(f"{self.name}: cannot write: {exc.strerror or exc}") from None

    @property
    def name(self) -> str:
        return STDOUT_NAME if self.path is None else str(self.path)

    def close(self) -> None:
        if self._atomic is None:
            self.stream.flush()
            return
        try:
            if self.stream is not self._raw:
                self.stream.close()
            self._raw.close()
        except OSError as exc:
            self._atomic.discard()
            raise OutputError(f"{self.name}: cannot write: {exc.strerror or exc}") from None
        self._atomic.commit()

    def discard(self) -> None:
        if self._atomic is None:
            return
        with contextlib.suppress(Exception):
            self._raw.close()
        self._atomic.discard()


class Writer(ABC):
    """Where cleaned records go. :meth:`close` completes the output; :meth:`discard` drops it."""

    @abstractmethod
    def write(
        self, row: Mapping[str, Any], *, text: str, relative: str, key: object = None
    ) -> None:
        """Write one record: ``row`` for structured formats, ``text`` for text ones.

        ``key`` names the record to a writer that may reject it later (see
        :class:`ParquetWriter`).
        """

    @abstractmethod
    def close(self) -> None:
        """Finish the output and give it its final name."""

    @abstractmethod
    def discard(self) -> None:
        """Remove whatever was written (an interrupted or failed run)."""


def json_line(row: Mapping[str, Any]) -> bytes:
    """``row`` as one line of JSON (UTF-8; unpaired surrogates escaped, not lost)."""
    try:
        return (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(row, ensure_ascii=True) + "\n").encode("ascii")


class JsonlWriter(Writer):
    """One JSON object a line, to ``path`` (compressed by suffix) or standard output."""

    def __init__(self, path: Path | None) -> None:
        self._sink = _ByteSink(path)

    def write(
        self, row: Mapping[str, Any], *, text: str = "", relative: str = "", key: object = None
    ) -> None:
        self._sink.write(json_line(row))

    def close(self) -> None:
        self._sink.close()

    def discard(self) -> None:
        self._sink.discard()


_SURROGATE = re.compile("[\ud800-\udfff]")


def utf8(text: str) -> bytes:
    r"""``text`` as UTF-8, with each unpaired surrogate (which only JSON input
    can carry, as ``\ud800``) written as U+FFFD: text output stays valid UTF-8.

    >>> utf8("caf\u00e9 \ud800")
    b'caf\xc3\xa9 \xef\xbf\xbd'
    """
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text).encode("utf-8")


DOCUMENT_SEPARATOR = "\f\n"
"""Written between documents in one text stream: a form feed never occurs in
cleaned text, so the documents can be split apart again."""


class TextWriter(Writer):
    """Cleaned documents as plain text; several are separated by a form-feed line."""

    def __init__(self, path: Path | None) -> None:
        self._sink = _ByteSink(path)
        self._count = 0

    def write(
        self, row: Mapping[str, Any], *, text: str, relative: str = "", key: object = None
    ) -> None:
        prefix = DOCUMENT_SEPARATOR if self._count else ""
        self._count += 1
        ending = "\n" if text and not text.endswith("\n") else ""
        self._sink.write(utf8(prefix + text + ending))

    def close(self) -> None:
        self._sink.close()

    def discard(self) -> None:
        self._sink.discard()


class FolderWriter(Writer):
    """One cleaned file per input file, at the same relative path under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{root}: cannot create folder: {exc.strerror or exc}") from None
        self._current: _ByteSink | None = None

    def write(
        self, row: Mapping[str, Any], *, text: str, relative: str, key: object = None
    ) -> None:
        target = self.root / relative
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{target.parent}: cannot create folder: {exc.strerror}") from None
        sink = _ByteSink(target)
        self._current = sink
        ending = "\n" if text and not text.endswith("\n") else ""
        sink.write(utf8(text + ending))
        sink.close()
        self._current = None

    def close(self) -> None:
        return None

    def discard(self) -> None:
        if self._current is not None:
            self._current.discard()


class ParquetWriter(Writer):
    """Rows written ``PARQUET_ROW_GROUP_ROWS`` at a time as Parquet row groups.

    With ``schema`` (an Arrow schema) every row is cast to it; without, the
    schema is taken from the first row group. A row that cannot be written
    (a value of another type than its column's, text with an unpaired
    surrogate) is passed to ``on_reject`` with the ``key`` it was written
    with and the reason, and the other rows are written; without
    ``on_reject`` such a row stops the output with an :class:`OutputError`.
    """

    def __init__(
        self,
        path: Path,
        *,
        schema: Any = None,
        on_reject: Callable[[object, str], None] | None = None,
    ) -> None:
        self._pa = _require("pyarrow", "parquet", f"{path}: writing Parquet")
        self._pq = _require("pyarrow.parquet", "parquet", f"{path}: writing Parquet")
        self.path = path
        self._atomic = AtomicFile(path)
        self._schema = schema
        self._on_reject = on_reject
        self._writer: Any = None
        self._rows: list[Mapping[str, Any]] = []
        self._keys: list[object] = []
        self._written = 0

    def write(
        self, row: Mapping[str, Any], *, text: str = "", relative: str = "", key: object = None
    ) -> None:
        self._rows.append(row)
        self._keys.append(key)
        if len(self._rows) >= PARQUET_ROW_GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        if not self._rows:
            return
        rows, keys = self._rows, self._keys
        self._rows, self._keys = [], []
        failures = (self._pa.ArrowException, TypeError, ValueError)
        try:
            table = self._pa.Table.from_pylist(rows, schema=self._schema)
        except failures as exc:
            if self._on_reject is None:
                first = self._written + 1
                raise OutputError(
                    f"{self.path}: rows {first}-{first + len(rows) - 1} do not fit the "
                    f"Parquet schema of the first rows: {exc}"
                ) from None
            table = self._table_of_fitting_rows(rows, keys)
            if table is None:
                return
        if self._writer is None:
            self._schema = table.schema
            self._writer = self._pq.ParquetWriter(str(self._atomic.writing), self._schema)
        self._writer.write_table(table)
        self._written += table.num_rows

    def _table_of_fitting_rows(
        self, rows: Sequence[Mapping[str, Any]], keys: Sequence[object]
    ) -> Any:
        """The rows that fit the schema (or, before the first row group, each
        other), as a table; every other row goes to ``on_reject``."""
        assert self._on_reject is not None
        pa = self._pa
        schema = self._schema
        fitting: list[Mapping[str, Any]] = []
        for row, key in zip(rows, keys, strict=True):
            try:
                one = pa.Table.from_pylist([row], schema=self._schema)
                if self._schema is None:
                    schema = (
                        one.schema if schema is None else pa.unify_schemas([schema, one.schema])
                    )
            except (pa.ArrowException, TypeError, ValueError) as exc:
                self._on_reject(key, f"cannot be written to Parquet: {exc}")
                continue
            fitting.append(row)
        if not fitting:
            return None
        try:
            return pa.Table.from_pylist(fitting, schema=schema)
        except (pa.ArrowException, TypeError, ValueError) as exc:
            raise OutputError(f"{self.path}: cannot write Parquet: {exc}") from None

    def close(self) -> None:
        self._flush()
        if self._writer is None:
            # No rows: still write a valid (empty) file.
            schema = self._schema if self._schema is not None else self._pa.schema([])
            self._writer = self._pq.ParquetWriter(str(self._atomic.writing), schema)
        self._writer.close()
        self._atomic.commit()

    def discard(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(Exception):
                self._writer.close()
        self._atomic.discard()


__all__ = [
    "COMPRESSION_SUFFIXES",
    "DOCUMENT_SEPARATOR",
    "FORMAT_SUFFIXES",
    "STDIN_NAME",
    "AtomicFile",
    "Compression",
    "FolderWriter",
    "Format",
    "InputError",
    "JsonlWriter",
    "MissingExtraError",
    "OutputError",
    "ParquetWriter",
    "Record",
    "Source",
    "TextWriter",
    "Writer",
    "check_inputs",
    "decode_document",
    "format_of",
    "is_special_file",
    "iter_sources",
    "json_line",
    "open_input",
    "parquet_schema",
    "read_jsonl",
    "read_parquet",
    "read_records",
    "read_text",
    "read_warc",
    "sniff_stdin",
    "split_suffixes",
]
