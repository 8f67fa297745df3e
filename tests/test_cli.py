"""The ``boilerstrip`` command end to end: formats, counts, bad records, errors, Ctrl-C."""

from __future__ import annotations

import bz2
import contextlib
import errno
import gzip
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import boilerstrip
from boilerstrip import core
from boilerstrip.cli import Progress, main

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "cli"
PAGES = DATA / "pages"
PAGE_FILES = ["harbour.txt", "world/bibliothek.txt", "world/marche.txt"]
NATO = Path(__file__).parent / "data" / "independent-nato-turkey.txt"
SUMMARY = re.compile(
    r"^boilerstrip: (?P<records>[\d,]+) records? in = (?P<out>[\d,]+) out "
    r"\((?P<cleaned>[\d,]+) cleaned, (?P<empty>[\d,]+) empty after cleaning\) "
    r"\+ (?P<errors>[\d,]+) errors?"
)


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def summary(stderr: str) -> dict[str, int]:
    """The counts in the summary line on stderr."""
    found = [SUMMARY.match(line) for line in stderr.splitlines()]
    matches = [m for m in found if m]
    assert len(matches) == 1, stderr
    return {k: int(v.replace(",", "")) for k, v in matches[0].groupdict().items()}


def read_jsonl(path: Path) -> list[dict[str, object]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
        return [json.loads(line) for line in fh]


def set_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_bundled_example_prints_the_article_body(capsys: pytest.CaptureFixture[str]) -> None:
    text = NATO.read_text(encoding="utf-8")
    assert main(["clean", str(NATO)]) == 0
    out, err = capsys.readouterr()
    assert out == boilerstrip.clean(text) + "\n"
    assert summary(err) == {"records": 1, "out": 1, "cleaned": 1, "empty": 0, "errors": 0}


def test_keep_title_and_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = page("harbour.txt")
    set_stdin(monkeypatch, text.encode())
    assert main(["clean", "--keep-title", "-q"]) == 0
    out, err = capsys.readouterr()
    assert out == boilerstrip.clean(text, keep_title=True) + "\n"
    assert err == ""


def test_folder_to_folder_mirrors_the_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["clean", str(PAGES), "-o", f"{tmp_path / 'out'}/"]) == 0
    written = sorted(
        p.relative_to(tmp_path / "out").as_posix()
        for p in (tmp_path / "out").rglob("*")
        if p.is_file()
    )
    assert written == PAGE_FILES
    for name in PAGE_FILES:
        cleaned = boilerstrip.clean(page(name))
        expected = cleaned + "\n" if cleaned else ""
        assert (tmp_path / "out" / name).read_text(encoding="utf-8") == expected
    assert summary(capsys.readouterr().err)["records"] == 3


def test_folder_to_jsonl_names_each_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", str(PAGES), "-q"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows == [
        {"path": str(PAGES / name), "text": boilerstrip.clean(page(name))} for name in PAGE_FILES
    ]


def test_jsonl_keeps_fields_and_writes_the_output_field(tmp_path: Path) -> None:
    out = tmp_path / "clean.jsonl"
    assert (
        main(["clean", str(DATA / "pages.jsonl"), "-o", str(out), "--output-field", "body", "-q"])
        == 0
    )
    rows = read_jsonl(out)
    originals = [
        json.loads(line) for line in (DATA / "pages.jsonl").read_text("utf-8").splitlines()
    ]
    assert rows == [{**o, "body": boilerstrip.clean(str(o["text"]))} for o in originals]


def test_jsonl_with_blocks_lists_every_decision(tmp_path: Path) -> None:
    out = tmp_path / "clean.jsonl"
    assert main(["clean", str(DATA / "pages.jsonl"), "-o", str(out), "--with-blocks", "-q"]) == 0
    rows = read_jsonl(out)
    originals = [
        json.loads(line) for line in (DATA / "pages.jsonl").read_text("utf-8").splitlines()
    ]
    for row, original in zip(rows, originals, strict=True):
        decisions = boilerstrip.classify(str(original["text"]))
        assert row["blocks"] == [
            {
                "label": d.label.value,
                "kind": d.kind.value,
                "probability": round(d.probability, 4),
                "start": d.start,
                "end": d.end,
                "text": d.text,
            }
            for d in decisions
        ]


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".zst"])
def test_compressed_jsonl_in_and_out(tmp_path: Path, suffix: str) -> None:
    zstandard = pytest.importorskip("zstandard")
    compress = {
        ".gz": gzip.compress,
        ".bz2": bz2.compress,
        ".zst": zstandard.ZstdCompressor().compress,
    }[suffix]
    decompress = {
        ".gz": gzip.decompress,
        ".bz2": bz2.decompress,
        ".zst": lambda b: zstandard.ZstdDecompressor().stream_reader(io.BytesIO(b)).read(),
    }[suffix]
    plain = tmp_path / "plain.jsonl"
    assert main(["clean", str(DATA / "pages.jsonl"), "-o", str(plain), "-q"]) == 0
    packed_in = tmp_path / f"in.jsonl{suffix}"
    packed_in.write_bytes(compress((DATA / "pages.jsonl").read_bytes()))
    packed_out = tmp_path / f"out.jsonl{suffix}"
    assert main(["clean", str(packed_in), "-o", str(packed_out), "-q"]) == 0
    assert decompress(packed_out.read_bytes()) == plain.read_bytes()


def test_wet_file_gives_jsonl_with_id_url_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", str(DATA / "sample.warc.wet")]) == 0
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["url"] for r in rows] == [f"https://news.example/{Path(n).stem}" for n in PAGE_FILES]
    assert [r["text"] for r in rows] == [boilerstrip.clean(page(n)) for n in PAGE_FILES]
    assert [sorted(r) for r in rows] == [["date", "id", "text", "url"]] * 3
    assert summary(err)["records"] == 3
    assert "skipped 2 WARC records without page text (metadata: 1, warcinfo: 1)" in err


def test_gzipped_wet_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    set_stdin(monkeypatch, gzip.compress((DATA / "sample.warc.wet").read_bytes()))
    assert main(["clean", "-", "-q"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["text"] for r in rows] == [boilerstrip.clean(page(n)) for n in PAGE_FILES]


def test_parquet_column_in_column_out(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    texts = [page(n) for n in PAGE_FILES]
    source = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": [1, 2, 3], "text": texts}), source)
    out = tmp_path / "out.parquet"
    assert main(["clean", str(source), "-o", str(out), "--output-field", "body", "-q"]) == 0
    table = pq.read_table(out)
    assert table.column_names == ["id", "text", "body"]
    assert table.column("id").to_pylist() == [1, 2, 3]
    assert table.column("text").to_pylist() == texts
    assert table.column("body").to_pylist() == [boilerstrip.clean(t) for t in texts]


def test_parquet_bad_rows_kept_with_an_error_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    source = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": [1, 2], "text": [page("harbour.txt"), None]}), source)
    out = tmp_path / "out.parquet"
    assert main(["clean", str(source), "-o", str(out), "--keep-errors"]) == 0
    table = pq.read_table(out)
    assert table.column("error").to_pylist() == [None, "column 'text' is null, not a string"]
    assert table.column("text").to_pylist() == [boilerstrip.clean(page("harbour.txt")), None]
    assert summary(capsys.readouterr().err)["errors"] == 1


def unfit_for_parquet(tmp_path: Path) -> Path:
    """JSON lines of which the second has an unpaired surrogate and the fourth an id of
    another type than the others: neither can go into a Parquet table with them."""
    path = tmp_path / "unfit.jsonl"
    rows = [
        {"id": 1, "text": page("harbour.txt")},
        {"id": 2, "text": page("world/marche.txt"), "note": "A lone \ud800 surrogate"},
        {"id": 3, "text": "Share on Facebook"},
        {"id": "four", "text": page("world/bibliothek.txt")},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_rows_parquet_cannot_take_go_to_the_errors_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    source = unfit_for_parquet(tmp_path)
    out, errors = tmp_path / "out.parquet", tmp_path / "errors.jsonl"
    assert main(["clean", str(source), "-o", str(out), "--errors", str(errors)]) == 0
    table = pq.read_table(out)
    assert table.column("id").to_pylist() == [1, 3]
    assert table.column("text").to_pylist() == [
        boilerstrip.clean(page("harbour.txt")),
        boilerstrip.clean("Share on Facebook"),
    ]
    rows = read_jsonl(errors)
    assert [(r["line"], r["fields"]["id"]) for r in rows] == [(2, 2), (4, "four")]  # type: ignore[index]
    assert all(str(r["error"]).startswith("cannot be written to Parquet: ") for r in rows)
    counts = summary(capsys.readouterr().err)
    assert counts["records"] == counts["out"] + counts["errors"] == 4
    assert counts["errors"] == 2


@pytest.mark.parametrize("keep", [[], ["--keep-errors"]])
def test_rows_parquet_cannot_take_are_listed_when_kept_nowhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], keep: list[str]
) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    source = unfit_for_parquet(tmp_path)
    out = tmp_path / "out.parquet"
    assert main(["clean", str(source), "-o", str(out), "-q", *keep]) == 1
    assert pq.read_table(out).column("id").to_pylist() == [1, 3]
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"boilerstrip: {source}, line 2: cannot be written to Parquet: ")
    assert err[1].startswith(f"boilerstrip: {source}, line 4: cannot be written to Parquet: ")
    counts = summary("\n".join(err))
    assert (counts["records"], counts["out"], counts["errors"]) == (4, 2, 2)


BROKEN_JSON = "Expecting property name enclosed in double quotes at column 2"


def bad_jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "mixed.jsonl"
    lines = [
        json.dumps({"id": 1, "text": page("harbour.txt")}).encode(),
        b"{broken",
        json.dumps({"id": 3, "content": "no text"}).encode(),
        json.dumps({"id": 4, "text": ["not", "a", "string"]}).encode(),
        b'{"id": 5, "text": "caf\xe9"}',
        json.dumps({"id": 6, "text": "x" * 3000}).encode(),
        json.dumps({"id": 7, "text": "Share on Facebook"}).encode(),
        json.dumps({"id": 8, "text": page("world/marche.txt")}).encode(),
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_bad_records_go_to_the_errors_file_and_counts_hold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    errors = tmp_path / "errors.jsonl"
    source = bad_jsonl(tmp_path)
    assert (
        main(["clean", str(source), "-o", str(out), "--errors", str(errors), "--max-bytes", "2000"])
        == 0
    )
    rows = read_jsonl(out)
    assert [r["id"] for r in rows] == [1, 7, 8]
    bad = read_jsonl(errors)
    assert bad == [
        {
            "source": str(source),
            "line": 2,
            "error": f"invalid JSON: {BROKEN_JSON}",
            "raw": "{broken",
        },
        {
            "source": str(source),
            "line": 3,
            "error": "no field 'text'",
            "fields": {"id": 3, "content": "no text"},
        },
        {
            "source": str(source),
            "line": 4,
            "error": "field 'text' is an array, not a string",
            "fields": {"id": 4, "text": ["not", "a", "string"]},
        },
        {
            "source": str(source),
            "line": 5,
            "error": "not valid UTF-8 (byte 0xe9 at column 23)",
            "raw": '{"id": 5, "text": "caf\ufffd"}',
        },
        {
            "source": str(source),
            "line": 6,
            "error": "larger than the limit of 2,000 bytes (--max-bytes)",
        },
    ]
    counts = summary(capsys.readouterr().err)
    assert counts["records"] == 8
    assert counts["errors"] == 5
    assert counts["out"] == len(rows) == 3
    assert counts["records"] == counts["out"] + counts["errors"]
    empty = sum(1 for r in rows if not str(r["text"]).strip())
    assert counts["empty"] == empty
    assert counts["cleaned"] == 3 - empty


def test_keep_errors_leaves_bad_records_in_place(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert (
        main(
            [
                "clean",
                str(bad_jsonl(tmp_path)),
                "-o",
                str(out),
                "--keep-errors",
                "--max-bytes",
                "2000",
                "-q",
            ]
        )
        == 0
    )
    rows = read_jsonl(out)
    assert len(rows) == 8
    assert [r["error"] is None for r in rows] == [
        True,
        False,
        False,
        False,
        False,
        False,
        True,
        True,
    ]
    assert rows[2] == {"id": 3, "content": "no text", "text": None, "error": "no field 'text'"}
    assert rows[1] == {
        "source": str(tmp_path / "mixed.jsonl"),
        "line": 2,
        "error": f"invalid JSON: {BROKEN_JSON}",
        "raw": "{broken",
        "text": None,
    }
    assert all("text" in r and "error" in r for r in rows)


def test_without_errors_file_bad_records_are_listed_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = bad_jsonl(tmp_path)
    assert main(["clean", str(source), "-o", str(tmp_path / "o.jsonl"), "--max-bytes", "2000"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"boilerstrip: {source}, line 2: invalid JSON: {BROKEN_JSON}"
    assert err[3] == f"boilerstrip: {source}, line 5: not valid UTF-8 (byte 0xe9 at column 23)"
    assert "use --errors FILE to keep them" in err[5]


def test_quiet_still_lists_bad_records_that_are_not_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = bad_jsonl(tmp_path)
    argv = ["clean", str(source), "-o", str(tmp_path / "o.jsonl"), "--max-bytes", "2000", "-q"]
    assert main(argv) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"boilerstrip: {source}, line 2: invalid JSON: {BROKEN_JSON}"
    assert summary("\n".join(err))["errors"] == 5


def test_quiet_says_nothing_when_bad_records_are_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = bad_jsonl(tmp_path)
    errors = tmp_path / "e.jsonl"
    argv = ["clean", str(source), "-o", str(tmp_path / "o.jsonl"), "--errors", str(errors), "-q"]
    assert main([*argv, "--max-bytes", "2000"]) == 0
    assert capsys.readouterr().err == ""
    assert len(read_jsonl(errors)) == 5


def test_errors_file_that_is_the_output_under_another_name_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = bad_jsonl(tmp_path)
    monkeypatch.chdir(tmp_path)
    argv = ["clean", str(source), "-o", str(tmp_path / "o.jsonl"), "--errors", "o.jsonl"]
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        "boilerstrip: error: o.jsonl: is both the output and the errors file\n"
    )
    assert not (tmp_path / "o.jsonl").exists()


def test_wet_error_rows_keep_the_record_number_and_its_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    errors = tmp_path / "e.jsonl"
    argv = ["clean", str(DATA / "sample.warc.wet"), "--errors", str(errors), "--max-bytes", "10"]
    assert main(argv) == 0
    rows = read_jsonl(errors)
    assert [r["record"] for r in rows] == [2, 3, 4]  # record 1 is the warcinfo
    assert [r["fields"]["url"] for r in rows] == [  # type: ignore[index]
        f"https://news.example/{Path(n).stem}" for n in PAGE_FILES
    ]
    assert summary(capsys.readouterr().err)["errors"] == 3


def test_text_output_of_unpaired_surrogates_is_valid_utf8(tmp_path: Path) -> None:
    source = tmp_path / "s.jsonl"
    source.write_text(json.dumps({"text": page("harbour.txt") + "\nBad \ud800 end."}) + "\n")
    out = tmp_path / "o.txt"
    assert main(["clean", str(source), "-o", str(out), "--output-format", "text", "-q"]) == 0
    written = out.read_bytes().decode("utf-8")  # strict: raises on invalid UTF-8
    assert "\ud800" not in written


def test_binary_files_in_a_folder_are_errors_not_crashes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "a.txt").write_text(page("harbour.txt"), encoding="utf-8")
    (folder / "b.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "c.txt").write_bytes(b"Stra\xdfe")
    errors = tmp_path / "errors.jsonl"
    assert (
        main(["clean", str(folder), "-o", str(tmp_path / "out.jsonl"), "--errors", str(errors)])
        == 0
    )
    assert read_jsonl(errors) == [
        {"source": str(folder / "b.png"), "error": "binary data (NUL byte at offset 8)"},
        {"source": str(folder / "c.txt"), "error": "not valid UTF-8 (byte 0xdf at offset 4)"},
    ]
    assert summary(capsys.readouterr().err)["errors"] == 2


def test_an_exception_in_one_record_does_not_stop_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The failure is where cleaning starts, so the record fails both in its
    # chunk (cleaned together) and alone (when the chunk is rerun item by item).
    real_cut = core.cut

    def flaky(text: str) -> object:
        if "Stadtbibliothek" in text:
            raise RuntimeError("simulated failure")
        return real_cut(text)

    monkeypatch.setattr(core, "cut", flaky)
    errors = tmp_path / "errors.jsonl"
    assert (
        main(
            [
                "clean",
                str(DATA / "pages.jsonl"),
                "-o",
                str(tmp_path / "o.jsonl"),
                "--errors",
                str(errors),
            ]
        )
        == 0
    )
    assert [r["id"] for r in read_jsonl(tmp_path / "o.jsonl")] == ["doc-1", "doc-3"]
    [bad] = read_jsonl(errors)
    assert bad["line"] == 2
    assert bad["error"] == "cleaning failed: RuntimeError: simulated failure"
    assert summary(capsys.readouterr().err)["errors"] == 1


def test_two_workers_give_the_same_output_as_one(tmp_path: Path) -> None:
    source = tmp_path / "many.jsonl"
    texts = [page(PAGE_FILES[i % 3]) + f"\nItem {i}." for i in range(150)]
    source.write_text("".join(json.dumps({"n": i, "text": t}) + "\n" for i, t in enumerate(texts)))
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["clean", str(source), "-o", str(one), "-j", "1", "-q"]) == 0
    assert main(["clean", str(source), "-o", str(two), "-j", "2", "--chunk-size", "7", "-q"]) == 0
    assert one.read_bytes() == two.read_bytes()
    assert [r["n"] for r in read_jsonl(two)] == list(range(150))


def test_classify_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", str(NATO), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    decisions = boilerstrip.classify(NATO.read_text(encoding="utf-8"))
    assert rows == [
        {
            "index": i,
            "label": d.label.value,
            "kind": d.kind.value,
            "probability": round(d.probability, 4),
            "start": d.start,
            "end": d.end,
            "text": d.text,
        }
        for i, d in enumerate(decisions)
    ]


def test_classify_table_plain_and_coloured(capsys: pytest.CaptureFixture[str]) -> None:
    decisions = boilerstrip.classify(page("harbour.txt"))
    assert main(["classify", str(PAGES / "harbour.txt")]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{d.label.value:<5}  {d.kind.value:<14}  {d.probability:.2f}  {d.text}" for d in decisions
    ]
    assert err.startswith(f"boilerstrip: {len(decisions)} blocks: ")
    assert main(["classify", str(PAGES / "harbour.txt"), "--color", "always"]) == 0
    coloured = capsys.readouterr().out.splitlines()
    assert len(coloured) == len(decisions)
    assert all(line.startswith("\x1b[") and line.endswith("\x1b[0m") for line in coloured)


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"boilerstrip {boilerstrip.__version__}\n"
    assert main(["clean", "--help"]) == 0
    help_text = capsys.readouterr().out
    assert "boilerstrip clean crawl.jsonl.gz -o clean.jsonl.gz -j 0 --errors bad.jsonl" in help_text
    assert "records in = records out + errors" in help_text


def test_classify_refuses_a_file_over_its_max_bytes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", str(NATO), "--max-bytes", "100"]) == 2
    assert capsys.readouterr().err == (
        f"boilerstrip: error: {NATO}: larger than the limit of 100 bytes (--max-bytes)\n"
    )


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["clean", "missing.txt"], 2, "boilerstrip: error: missing.txt: no such file or folder"),
        (["clean", str(PAGES), "--format", "xml"], 2, "argument --format: invalid choice: 'xml'"),
        (
            ["clean", str(NATO), "-o", "/nonexistent-dir/out.txt"],
            1,
            "boilerstrip: error: /nonexistent-dir/out.txt: folder /nonexistent-dir does not exist",
        ),
        (
            ["clean", str(NATO), "-o", "x.warc"],
            2,
            "boilerstrip: error: x.warc: cannot write WARC; write JSON lines (.jsonl)",
        ),
        (
            ["clean", str(NATO), "--output-format", "parquet"],
            2,
            "boilerstrip: error: Parquet output needs a file: -o FILE.parquet",
        ),
        (
            ["clean", str(NATO), "--with-blocks"],
            2,
            "boilerstrip: error: --with-blocks needs JSON lines output (-o FILE.jsonl)",
        ),
        (["clean", str(NATO), "-j", "-1"], 2, "argument -j/--jobs: must be 0 or more, got -1"),
        (["clean", str(NATO), "-j", "two"], 2, "argument -j/--jobs: not a whole number: 'two'"),
        (
            ["clean", str(NATO), "--chunk-size", "0"],
            2,
            "argument --chunk-size: must be 1 or more, got 0",
        ),
        (
            ["clean", str(NATO), "--model", "nope.joblib"],
            1,
            "boilerstrip: error: model file not found: nope.joblib",
        ),
        (
            ["classify", str(PAGES)],
            2,
            f"boilerstrip: error: {PAGES}: is a folder; classify shows one page (a text file)",
        ),
        (
            ["classify", str(DATA / "pages.jsonl")],
            2,
            f"boilerstrip: error: {DATA / 'pages.jsonl'}: a JSON lines file holds many pages; "
            "classify shows one page (a text file). To see the blocks of each: boilerstrip "
            f"clean {DATA / 'pages.jsonl'} --with-blocks",
        ),
    ],
)
def test_user_errors_are_one_line_without_traceback(
    argv: list[str], code: int, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == code
    out, err = capsys.readouterr()
    assert message in err
    assert "Traceback" not in err
    assert out == ""


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs a read-only /proc")
def test_unwritable_output_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", str(NATO), "-o", "/proc/out.txt"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("boilerstrip: error: /proc/out.txt: cannot write: ")
    assert len(err.splitlines()) == 1


def test_output_over_an_existing_file_is_replaced_only_at_the_end(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    out.write_text("old")
    assert main(["clean", str(NATO), "-o", str(out), "-q"]) == 0
    assert (
        out.read_text(encoding="utf-8")
        == boilerstrip.clean(NATO.read_text(encoding="utf-8")) + "\n"
    )
    assert os.listdir(tmp_path) == ["out.txt"]
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found.update(int(c) for c in children)
    return found


def _workers(pid: int) -> set[int]:
    """The worker processes of the command ``pid``: its children, or the children
    of its fork server (a child too); not the resource trackers."""
    workers: set[int] = set()
    for child in _children(pid):
        with contextlib.suppress(FileNotFoundError):
            command = Path(f"/proc/{child}/cmdline").read_text()
            if "forkserver" in command:
                workers |= _children(child)
            elif "resource_tracker" not in command:
                workers.add(child)
    return workers


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_ctrl_c_stops_workers_and_leaves_no_output(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "boilerstrip",
            "clean",
            "-",
            "-o",
            str(out),
            "-j",
            "2",
            "--chunk-size",
            "1",
        ],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    )
    assert proc.stdin is not None
    line = json.dumps({"text": page("harbour.txt")}).encode() + b"\n"
    proc.stdin.write(line * 20)
    proc.stdin.flush()
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(workers) < 2:
        workers = _workers(proc.pid)
        time.sleep(0.1)
    assert len(workers) >= 2
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] != []
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err.decode().rstrip().endswith("boilerstrip: interrupted; no output written")
    assert "Traceback" not in err.decode()
    assert os.listdir(tmp_path) == []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers)


def test_progress_line_counts_documents_and_megabytes() -> None:
    stream = io.StringIO()
    progress = Progress(stream, enabled=True)
    progress.add(1_500_000)
    assert stream.getvalue().startswith("\r\x1b[K1 docs  1.5 MB  ")
    progress.clear()
    assert stream.getvalue().endswith("\r\x1b[K")
    silent = io.StringIO()
    hidden = Progress(silent, enabled=False)
    hidden.add(10)
    hidden.clear()
    assert (silent.getvalue(), hidden.docs, hidden.bytes) == ("", 1, 10)


def test_a_swallowed_ctrl_c_still_ends_the_run_without_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C whose KeyboardInterrupt a library caught and dropped: the run still stops."""
    from boilerstrip import cli

    real_map = cli.parallel_map

    def map_that_swallows_ctrl_c(*args: object, **kwargs: object) -> object:
        for n, outcome in enumerate(real_map(*args, **kwargs)):  # type: ignore[arg-type]
            if n == 0:
                with contextlib.suppress(KeyboardInterrupt):
                    os.kill(os.getpid(), signal.SIGINT)
            yield outcome

    monkeypatch.setattr(cli, "parallel_map", map_that_swallows_ctrl_c)
    before = signal.getsignal(signal.SIGINT)  # SIG_IGN when the suite runs in the background
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(DATA / "pages.jsonl"), "-o", str(out), "-q"]) == 130
    assert os.listdir(tmp_path) == []
    assert capsys.readouterr().err.rstrip().endswith("boilerstrip: interrupted; no output written")
    assert signal.getsignal(signal.SIGINT) is before


@pytest.mark.parametrize(
    ("files", "inputs", "message"),
    [
        (
            ["a/page.txt", "b/page.txt"],
            ["a/page.txt", "b/page.txt"],
            "a/page.txt and b/page.txt would both be written to out/page.txt; clean them into "
            "separate folders, or write JSON lines (-o FILE.jsonl), which name each input",
        ),
        (
            ["a/s/page.txt", "b/s/page.txt", "b/other.txt"],
            ["a", "b"],
            "a/s/page.txt and b/s/page.txt would both be written to out/s/page.txt; clean them "
            "into separate folders, or write JSON lines (-o FILE.jsonl), which name each input",
        ),
        (
            ["a/page.txt", "a/more.jsonl"],
            ["a"],
            "a/more.jsonl: writing a folder needs text files as input; use -o FILE.jsonl",
        ),
    ],
)
def test_a_folder_output_that_would_lose_pages_is_refused_before_any_is_written(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    files: list[str],
    inputs: list[str],
    message: str,
) -> None:
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text('{"text": "Zeile"}\n' if name.endswith("l") else "Zeile\n")
    monkeypatch.chdir(tmp_path)
    assert main(["clean", *inputs, "-o", "out/"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"boilerstrip: error: {message}"
    assert not (tmp_path / "out").exists()


def test_an_input_field_the_output_replaces_is_warned_about_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"text": "Eine Zeile.", "error": "upstream", "blocks": 3}\n'
        '{"text": "Noch eine.", "error": "upstream"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(source), "-o", str(out), "--keep-errors", "-q"]) == 0
    assert capsys.readouterr().err == (
        f"boilerstrip: warning: {source}, line 1: the input has a field 'error', "
        "which --keep-errors replaces in every record\n"
    )
    assert [row["error"] for row in read_jsonl(out)] == [None, None]
    assert [row.get("blocks") for row in read_jsonl(out)] == [3, None]  # not written: kept


class _FullDisk(io.StringIO):
    """A standard output on a full disk."""

    def write(self, text: str) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize(
    "argv",
    [
        ["classify", str(NATO)],
        ["classify", str(NATO), "--json"],
        ["eval", str(Path(__file__).parent / "data" / "eval" / "wcxb"), "-q"],
    ],
)
def test_a_standard_output_that_cannot_be_written_is_one_error_line(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdout", _FullDisk())
    assert main(argv) == 1
    assert capsys.readouterr().err == (
        "boilerstrip: error: <stdout>: cannot write: No space left on device\n"
    )


def test_classify_shows_a_pages_control_characters_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page_file = tmp_path / "ctrl.txt"
    page_file.write_text("Mehr lesen\x1b[2J\x1b]0;x\x07 hier\u009b.\n", encoding="utf-8")
    assert main(["classify", str(page_file), "--color", "never"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.endswith("  Mehr lesen\\x1b[2J\\x1b]0;x\\x07 hier\\x9b.")
    assert main(["classify", str(page_file), "--json"]) == 0
    out = capsys.readouterr().out
    assert "\\u001b[2J\\u001b]0;x\\u0007 hier\\u009b." in out
    assert json.loads(out)["text"] == "Mehr lesen\x1b[2J\x1b]0;x\x07 hier\u009b."
