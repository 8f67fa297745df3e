"""Where the benchmark sets keep their page HTML, and how the speed benchmarks read and cache it.

``throughput.py`` and ``spark_overhead.py`` both turn the benchmark sets' HTML
into page text once and cache it (with the pages made from it) as JSON Lines
outside the repository. They differ in which sets they read, the converter,
and how they cut pages; what they share is here.

Every benchmark script writes its own section of ``RESULTS.md`` with
:func:`write_section`.

Example::

    files = html_files(Path("../shared/data"), TRAIN_HTML)
    html = read_html(files[0])
    write_jsonl(Path("/tmp/texts.jsonl"), [{"text": html_to_text(html)}])
    texts = [row["text"] for row in read_jsonl(Path("/tmp/texts.jsonl"))]

boilerstrip is imported only when a page is read, so that a script can first
put the checkout on ``sys.path``.
"""

from __future__ import annotations

import gzip
import json
import os
import shlex
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

TRAIN_HTML = (
    "wcxb-dev/dev/html/*.html.gz",
    "mozilla-readability/test-pages/*/source.html.gz",
)
"""The page HTML of the sets the shipped model was trained on (not gold files)."""

EVAL_ONLY_HTML = (
    "dragnet/HTML/*.html.gz",
    "cleaneval/*/input/*.html.gz",
    "l3s-gn1/original/*.html.gz",
)
"""The page HTML of the sets kept for evaluation (read for speed only, never to train)."""

ALL_HTML = TRAIN_HTML + EVAL_ONLY_HTML
"""Every benchmark set's page HTML, TRAIN sets first."""


def html_files(data_dir: Path, patterns: Sequence[str]) -> list[Path]:
    """The files under ``data_dir`` matching each of ``patterns`` in turn, sorted within each.

    An empty list when nothing matches: each caller says what it was looking for.
    """
    files: list[Path] = []
    for pattern in patterns:
        files.extend(sorted(data_dir.glob(pattern)))
    return files


def read_html(path: Path) -> str:
    """A page's HTML as text: gunzipped when the name ends in ``.gz``, decoded as a browser would.

    Decoding never fails (see :func:`boilerstrip.convert.decode_html`); a corrupt
    ``.gz`` file raises as :mod:`gzip` does.
    """
    from boilerstrip.convert import decode_html

    raw = path.read_bytes()
    return decode_html(gzip.decompress(raw) if path.suffix == ".gz" else raw)


def read_jsonl(path: Path) -> list[Any]:
    """Every line of a JSON Lines file, parsed (the lines :func:`write_jsonl` wrote)."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def write_jsonl(path: Path, rows: Iterable[Any]) -> None:
    """One row a line as UTF-8 JSON, under a temporary name renamed when complete.

    An interrupted run leaves no partial cache that a later run would take as whole.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.part")
    with temp.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    os.replace(temp, path)


def write_section(section: str, results: Path, *, start: str, end: str) -> None:
    """Put ``section`` (which begins with ``start`` and ends with ``end``) in place
    of the part of ``results`` between those markers, or append it; the rest of
    the file stays. A missing file is created with a heading. The file is
    replaced whole (a temporary file, then a rename), so a reader never sees
    half of it.
    """
    text = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n\n"
    at, until = text.find(start), text.find(end)
    if at != -1 and until > at:
        text = text[:at] + section.rstrip("\n") + text[until + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    if not text.endswith("\n"):
        text += "\n"
    fd, temp = tempfile.mkstemp(dir=results.parent, prefix=".RESULTS.", suffix=".part")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(temp, 0o644)
    os.replace(temp, results)


def command_line(script: str, argv: Sequence[str] | None) -> str:
    """The command that regenerates a script's section: ``python benchmarks/SCRIPT``
    and the arguments it was given (``argv``, or this process's), ``--no-write``
    left out.

    >>> command_line("kind_c.py", ["../shared/data", "--c", "0.3", "--no-write"])
    'python benchmarks/kind_c.py ../shared/data --c 0.3'
    """
    given = sys.argv[1:] if argv is None else argv
    return shlex.join(["python", f"benchmarks/{script}", *(a for a in given if a != "--no-write")])


def publish_section(text: str, results: Path, *, start: str, end: str, print_only: bool) -> None:
    """Print ``text`` (with ``print_only``, a script's ``--no-write``) or put it in
    ``results`` with :func:`write_section` and say so on standard error."""
    if print_only:
        print(text.rstrip("\n"))
    else:
        write_section(text, results, start=start, end=end)
        print(f"wrote {results}", file=sys.stderr)
