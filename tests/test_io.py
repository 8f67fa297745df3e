"""Record readers and writers: every format, compression, and every kind of bad record."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import os
import stat
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from boilerstrip.io import (
    WARC_LENGTH_MISMATCH,
    AtomicFile,
    Compression,
    FolderWriter,
    Format,
    InputError,
    JsonlWriter,
    OutputError,
    Record,
    Source,
    TextWriter,
    check_inputs,
    decode_document,
    format_of,
    iter_sources,
    read_jsonl,
    read_records,
    read_text,
    read_warc,
    sniff_stdin,
    split_suffixes,
)

DATA = Path(__file__).parent / "data" / "cli"
PAGES = DATA / "pages"
PAGE_FILES = ["harbour.txt", "world/bibliothek.txt", "world/marche.txt"]


def jsonl(text: str, **kwargs: object) -> list[Record]:
    return list(read_jsonl(io.BytesIO(text.encode("utf-8")), name="in.jsonl", **kwargs))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "fmt", "compression"),
    [
        ("a.txt", Format.TEXT, Compression.NONE),
        ("a", Format.TEXT, Compression.NONE),
        ("a.jsonl", Format.JSONL, Compression.NONE),
        ("a.ndjson.gz", Format.JSONL, Compression.GZIP),
        ("A.JSONL.BZ2", Format.JSONL, Compression.BZIP2),
        ("x.warc.wet.gz", Format.WARC, Compression.GZIP),
        ("x.warc", Format.WARC, Compression.NONE),
        ("x.parquet", Format.PARQUET, Compression.NONE),
        ("page.txt.zst", Format.TEXT, Compression.ZSTD),
    ],
)
def test_format_and_compression_come_from_the_suffixes(
    name: str, fmt: Format, compression: Compression
) -> None:
    assert format_of(name) is fmt
    assert split_suffixes(name)[1] is compression


def test_jsonl_good_records_keep_every_field() -> None:
    records = jsonl('{"id": 1, "text": "Hello", "meta": {"a": [1, 2]}}\n{"text": "Zwei"}\n')
    assert [(r.position, r.text, r.error) for r in records] == [
        (1, "Hello", None),
        (2, "Zwei", None),
    ]
    assert records[0].fields == {"id": 1, "text": "Hello", "meta": {"a": [1, 2]}}
    assert records[0].unit == "line"
    assert records[0].where() == "in.jsonl, line 1"


def test_jsonl_blank_lines_are_not_records_but_keep_their_numbers() -> None:
    records = jsonl('{"text": "a"}\n\n   \n{"text": "b"}')
    assert [(r.position, r.text) for r in records] == [(1, "a"), (4, "b")]


def test_jsonl_each_kind_of_bad_record_is_reported_with_its_line() -> None:
    lines = [
        '{"text": "fine"}',
        "{not json",
        "[1, 2]",
        '{"body": "no text field"}',
        '{"text": 42}',
        '{"text": null}',
        '{"text": "nul \\u0000 inside"}',
    ]
    records = jsonl("\n".join(lines) + "\n")
    assert [(r.position, r.error) for r in records] == [
        (1, None),
        (2, "invalid JSON: Expecting property name enclosed in double quotes at column 2"),
        (3, "not a JSON object (got an array)"),
        (4, "no field 'text'"),
        (5, "field 'text' is a number, not a string"),
        (6, "field 'text' is null, not a string"),
        (7, "binary data in field 'text' (NUL character)"),
    ]
    assert all(r.text is None for r in records[1:])
    assert records[1].raw == "{not json"
    assert records[3].fields == {"body": "no text field"}


def test_jsonl_undecodable_bytes_are_a_bad_record_and_reading_goes_on() -> None:
    data = b'{"text": "ok"}\n{"text": "caf\xe9"}\n{"text": "after"}\n'
    records = list(read_jsonl(io.BytesIO(data), name="in.jsonl"))
    assert [(r.position, r.text, r.error) for r in records] == [
        (1, "ok", None),
        (2, None, "not valid UTF-8 (byte 0xe9 at column 14)"),
        (3, "after", None),
    ]
    assert records[1].raw == '{"text": "caf\ufffd"}'


def test_jsonl_a_line_over_max_bytes_is_skipped_without_losing_the_next() -> None:
    big = json.dumps({"text": "x" * 5000})
    data = f'{{"text": "short"}}\n{big}\n{{"text": "next"}}\n'.encode()
    records = list(read_jsonl(io.BytesIO(data), name="in.jsonl", max_bytes=100))
    assert [(r.position, r.text) for r in records] == [(1, "short"), (2, None), (3, "next")]
    assert records[1].error == "larger than the limit of 100 bytes (--max-bytes)"
    assert records[1].size == len(big) + 1


def test_jsonl_other_text_field() -> None:
    records = jsonl('{"content": "Bonjour", "text": 1}\n', text_field="content")
    assert records[0].text == "Bonjour"


def test_decode_document_accepts_utf8_and_refuses_binary() -> None:
    assert decode_document("\ufeffZürich".encode()) == "Zürich"
    with pytest.raises(ValueError, match=r"^binary data \(NUL byte at offset 3\)$"):
        decode_document(b"PNG\x00\x01\x02")
    with pytest.raises(ValueError, match=r"^not valid UTF-8 \(byte 0xff at offset 0\)$"):
        decode_document(b"\xff\xfa")


@pytest.mark.parametrize(
    "data",
    [
        "Zürich, Montag.".encode("utf-16"),  # with a byte-order mark
        "Zürich, Montag: the council met.".encode("utf-16-le"),
        "Zürich, Montag: the council met.".encode("utf-16-be"),
        b"\xff\xfe",
    ],
    ids=["bom", "le", "be", "bom-only"],
)
def test_utf16_text_is_named_as_such(data: bytes) -> None:
    message = r"^UTF-16 text, not UTF-8: convert it first \(iconv -f UTF-16 -t UTF-8 FILE\)$"
    with pytest.raises(ValueError, match=message):
        decode_document(data)


def test_text_reader_gives_one_document_or_one_error() -> None:
    assert [r.text for r in read_text(io.BytesIO("Grüße".encode()), name="a.txt")] == ["Grüße"]
    [big] = read_text(io.BytesIO(b"x" * 11), name="a.txt", max_bytes=10)
    assert (big.text, big.error) == (None, "larger than the limit of 10 bytes (--max-bytes)")
    [junk] = read_text(io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00"), name="a.png")
    assert junk.error == "binary data (NUL byte at offset 8)"
    assert junk.where() == "a.png"


def test_folders_are_walked_in_order_without_hidden_files() -> None:
    sources = list(iter_sources([str(PAGES)], fmt=Format.AUTO))
    assert [s.relative for s in sources] == PAGE_FILES
    assert all(s.format is Format.TEXT for s in sources)


def test_missing_input_is_named() -> None:
    with pytest.raises(InputError, match=r"^nope/x\.txt: no such file or folder$"):
        check_inputs(["-", "nope/x.txt"])


def test_warc_conversion_records_with_id_url_and_date() -> None:
    skipped: Counter[str] = Counter()
    with open(DATA / "sample.warc.wet", "rb") as fh:
        records = list(read_warc(fh, name="sample.warc.wet", skipped=skipped))
    assert [r.position for r in records] == [2, 3, 4]
    assert [r.fields["url"] for r in records] == [
        "https://news.example/harbour",
        "https://news.example/bibliothek",
        "https://news.example/marche",
    ]
    assert [r.fields["date"] for r in records] == [
        "2024-03-01T10:00:00Z",
        "2024-03-02T10:00:00Z",
        "2024-03-03T10:00:00Z",
    ]
    assert all(str(r.fields["id"]).startswith("<urn:uuid:") for r in records)
    assert [r.text for r in records] == [(PAGES / f).read_text("utf-8") for f in PAGE_FILES]
    assert skipped == Counter({"warcinfo": 1, "metadata": 1})


def test_warc_record_over_max_bytes_is_an_error_record() -> None:
    with open(DATA / "sample.warc.wet", "rb") as fh:
        records = list(read_warc(fh, name="s.wet", max_bytes=600))
    assert [(r.position, r.error is None) for r in records] == [(2, False), (3, True), (4, True)]
    assert records[0].error == "larger than the limit of 600 bytes (--max-bytes)"
    assert records[0].fields["url"] == "https://news.example/harbour"


def test_a_file_that_is_not_warc_is_refused_by_name() -> None:
    with pytest.raises(InputError, match=r"^junk\.warc: not a WARC file"):
        list(read_warc(io.BytesIO(b"hello, not a warc\n" * 10), name="junk.warc"))


def test_a_truncated_warc_keeps_the_records_before_the_break(tmp_path: Path) -> None:
    data = (DATA / "sample.warc.wet").read_bytes()
    cut = data.index(b"Accueil") + 100
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(gzip.compress(data[:cut]))
    source = Source(name=str(path), path=path, format=Format.WARC)
    records = list(read_records(source))
    assert [(r.position, r.error) for r in records] == [
        (2, None),
        (3, None),
        (4, "truncated: 100 of 595 bytes"),
    ]


def _zstd_compress(data: bytes) -> bytes:
    import zstandard

    return bytes(zstandard.ZstdCompressor().compress(data))


@pytest.mark.parametrize(
    ("suffix", "compress", "whole_lines"),
    [(".gz", gzip.compress, 100), (".zst", _zstd_compress, 100), (".bz2", bz2.compress, 0)],
)
def test_truncated_compressed_jsonl_keeps_whole_lines_and_reports_where_it_broke(
    tmp_path: Path, suffix: str, compress: Callable[[bytes], bytes], whole_lines: int
) -> None:
    lines = "".join(json.dumps({"text": f"document {i} " * 50}) + "\n" for i in range(2000))
    packed = compress(lines.encode())
    path = tmp_path / f"cut.jsonl{suffix}"
    path.write_bytes(packed[: len(packed) // 2])
    records = list(read_records(Source(name=path.name, path=path, format=Format.JSONL)))
    good = [r for r in records if r.error is None]
    assert records[-1].error is not None
    assert records[-1].error.startswith("cannot read from here on: ")
    assert records[-1].position == len(records)
    assert len(good) >= whole_lines  # bz2 decompresses blocks of 900 kB: none is whole here
    assert [r.text for r in good] == [f"document {i} " * 50 for i in range(len(good))]


@pytest.mark.parametrize("cut", [30, 0])
def test_a_zstd_file_cut_in_its_first_frame_is_an_error_and_an_empty_one_is_empty(
    tmp_path: Path, cut: int
) -> None:
    path = tmp_path / "cut.jsonl.zst"
    path.write_bytes(_zstd_compress(b'{"text": "a page"}\n' * 500)[:cut])
    errors = [r.error for r in read_records(Source(name=path.name, path=path, format=Format.JSONL))]
    expected = ["cannot read from here on: compressed file ended before the end of its zstd frame"]
    assert errors == (expected if cut else [])


@pytest.mark.parametrize("suffix", ["", ".gz", ".bz2", ".zst"])
def test_jsonl_round_trip_through_each_compression(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"out.jsonl{suffix}"
    rows = [{"id": i, "text": f"Grüße {i} \u2603"} for i in range(5)]
    writer = JsonlWriter(path)
    for row in rows:
        writer.write(row)
    writer.close()
    assert sorted(os.listdir(tmp_path)) == [path.name]
    raw = path.read_bytes()
    expected_magic = {"": b'{"id"', ".gz": b"\x1f\x8b", ".bz2": b"BZh", ".zst": b"\x28\xb5\x2f\xfd"}
    assert raw.startswith(expected_magic[suffix])
    source = next(iter_sources([str(path)], fmt=Format.AUTO))
    assert source.format is Format.JSONL
    assert [dict(r.fields) for r in read_records(source)] == rows


def test_text_round_trip_compressed(tmp_path: Path) -> None:
    path = tmp_path / "page.txt.bz2"
    writer = TextWriter(path)
    writer.write({}, text="Erste Zeile\nZweite Zeile")
    writer.close()
    assert bz2.decompress(path.read_bytes()) == b"Erste Zeile\nZweite Zeile\n"
    [record] = read_records(next(iter_sources([str(path)], fmt=Format.AUTO)))
    assert record.text == "Erste Zeile\nZweite Zeile\n"


def test_several_text_documents_are_separated_by_a_form_feed_line(tmp_path: Path) -> None:
    path = tmp_path / "all.txt"
    writer = TextWriter(path)
    for text in ["one", "", "three\nlines"]:
        writer.write({}, text=text)
    writer.close()
    assert path.read_text() == "one\n\f\n\f\nthree\nlines\n"


def test_folder_writer_mirrors_relative_paths(tmp_path: Path) -> None:
    writer = FolderWriter(tmp_path / "out")
    writer.write({}, text="a", relative="x.txt")
    writer.write({}, text="b", relative="sub/y.txt.gz")
    writer.close()
    assert (tmp_path / "out" / "x.txt").read_text() == "a\n"
    assert gzip.decompress((tmp_path / "out" / "sub" / "y.txt.gz").read_bytes()) == b"b\n"


def test_parquet_round_trip_in_row_groups(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    from boilerstrip import io as bio

    path = tmp_path / "out.parquet"
    writer = bio.ParquetWriter(path)
    rows = [{"id": i, "text": f"row {i}"} for i in range(bio.PARQUET_ROW_GROUP_ROWS + 5)]
    for row in rows:
        writer.write(row)
    writer.close()
    assert pq.ParquetFile(path).num_row_groups == 2
    records = list(read_records(Source(name="out.parquet", path=path, format=Format.PARQUET)))
    assert [r.fields for r in records] == rows
    assert [r.text for r in records[:2]] == ["row 0", "row 1"]
    assert records[-1].where() == f"out.parquet, row {len(rows)}"


def test_parquet_null_text_is_a_bad_row_and_a_missing_column_is_refused(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": [1, 2], "text": ["ok", None]}), path)
    records = list(read_records(Source(name="in.parquet", path=path, format=Format.PARQUET)))
    assert [(r.text, r.error) for r in records] == [
        ("ok", None),
        (None, "column 'text' is null, not a string"),
    ]
    source = Source(name="in.parquet", path=path, format=Format.PARQUET)
    with pytest.raises(InputError, match=r"^in\.parquet: no column 'body' \(columns: id, text\)"):
        list(read_records(source, text_field="body"))


def test_atomic_file_appears_only_when_committed(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    atomic = AtomicFile(target)
    atomic.writing.write_text("partial")
    assert not target.exists()
    assert atomic.writing.parent == tmp_path
    atomic.discard()
    assert os.listdir(tmp_path) == []
    writer = JsonlWriter(target)
    writer.write({"a": 1})
    writer.discard()
    assert os.listdir(tmp_path) == []


def test_output_through_a_link_replaces_the_file_and_keeps_the_link(tmp_path: Path) -> None:
    target = tmp_path / "data" / "out.jsonl"
    target.parent.mkdir()
    target.write_text("old\n")
    link = tmp_path / "latest.jsonl"
    link.symlink_to(target)
    writer = JsonlWriter(link)
    writer.write({"a": 1})
    writer.close()
    assert link.is_symlink()
    assert target.read_text() == '{"a": 1}\n'
    assert sorted(os.listdir(target.parent)) == ["out.jsonl"]


def test_output_to_a_dangling_link_creates_the_file_it_names(tmp_path: Path) -> None:
    link = tmp_path / "out.jsonl"
    link.symlink_to(tmp_path / "real.jsonl")
    writer = JsonlWriter(link)
    writer.write({"a": 1})
    writer.close()
    assert link.is_symlink()
    assert (tmp_path / "real.jsonl").read_text() == '{"a": 1}\n'


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_output_to_a_named_pipe_is_written_into_it(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    writer = JsonlWriter(fifo)
    writer.write({"a": 1})
    writer.close()
    reader.join(timeout=10)
    assert received == [b'{"a": 1}\n']
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert os.listdir(tmp_path) == ["pipe"]


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_output_to_a_device_is_written_into_it() -> None:
    writer = JsonlWriter(Path("/dev/null"))
    writer.write({"a": 1})
    writer.close()
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_device_is_an_error_naming_it() -> None:
    writer = JsonlWriter(Path("/dev/full"))
    with pytest.raises(OutputError, match=r"^/dev/full: cannot write: No space left on device"):
        writer.write({"a": "x" * 100_000})
        writer.close()
    writer.discard()
    assert stat.S_ISCHR(Path("/dev/full").stat().st_mode)


def test_output_in_a_missing_folder_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"out\.jsonl: folder .*nowhere does not exist$"):
        JsonlWriter(tmp_path / "nowhere" / "out.jsonl")


def test_unpaired_surrogates_are_escaped_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    writer = JsonlWriter(path)
    writer.write({"text": "a\ud800b"})
    writer.close()
    assert json.loads(path.read_text("ascii")) == {"text": "a\ud800b"}


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (b'{"text": "hi"}\n', Format.JSONL),
        (b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", Format.WARC),
        (b"Just a page of text.\n", Format.TEXT),
    ],
)
def test_standard_input_format_and_compression_are_sniffed(data: bytes, fmt: Format) -> None:
    for raw in (data, gzip.compress(data)):
        stream, found = sniff_stdin(io.BufferedReader(io.BytesIO(raw)), Format.AUTO)  # type: ignore[arg-type]
        assert found is fmt
        assert stream.read() == data


@pytest.mark.parametrize("first", [b"", b"\r\n"])
def test_a_byte_order_mark_before_the_first_jsonl_line_is_skipped(first: bytes) -> None:
    data = b"\xef\xbb\xbf" + first + b'{"text": "eins"}\n{"text": "zwei"}\n'
    records = list(read_jsonl(io.BytesIO(data), name="bom.jsonl"))
    assert [(r.text, r.error) for r in records] == [("eins", None), ("zwei", None)]


def test_a_cut_zstd_stream_on_standard_input_is_an_input_error() -> None:
    cut = _zstd_compress(b'{"text": "a page"}\n' * 500)[:30]
    with pytest.raises(InputError, match=r"^<stdin>: cannot read: compressed file ended before"):
        sniff_stdin(io.BytesIO(cut), Format.AUTO)


def test_a_gzip_output_names_itself_not_its_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "clean.jsonl.gz"
    writer = JsonlWriter(path)
    writer.write({"text": "x"})
    writer.close()
    raw = path.read_bytes()
    assert raw[3] & 0x08  # FNAME flag: a name follows the 10-byte header
    assert raw[10 : raw.index(b"\x00", 10)] == b"clean.jsonl"


def _warc_record(number: int, declared: int, content: bytes) -> bytes:
    head = (
        f"WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Record-ID: <urn:uuid:{number}>\r\n"
        f"Content-Length: {declared}\r\n\r\n"
    )
    return head.encode() + content + b"\r\n\r\n"


def test_a_warc_record_longer_than_its_content_length_is_an_error_and_nothing_is_printed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = _warc_record(1, 10, b"Hello world, this is longer than ten bytes.") + _warc_record(
        2, 5, b"Hello"
    )
    records = list(read_warc(io.BytesIO(data), name="bad.warc"))
    assert [(r.position, r.text, r.error) for r in records] == [
        (1, None, WARC_LENGTH_MISMATCH),
        (2, "Hello", None),
    ]
    assert capsys.readouterr() == ("", "")
