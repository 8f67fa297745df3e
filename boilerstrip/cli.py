"""The ``boilerstrip`` command: ``clean``, ``classify`` and ``eval``.

A thin front end over the library: it reads records with
:mod:`boilerstrip.io`, cleans them with :func:`boilerstrip.batch.parallel_map`
(in worker processes with ``-j``) and writes them back, in input order.

Exit codes: 0 done (bad records, if any, saved with ``--errors`` or
``--keep-errors``), 1 a problem while running (unreadable model, unwritable
output) or bad records that were only listed on stderr, 2 a usage problem
(unknown option, missing input), 130 interrupted, 141 output pipe closed.

Example:
    >>> main(["--version"])  # doctest: +SKIP
    boilerstrip 0.1.0
    0
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import shutil
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

from boilerstrip import __version__
from boilerstrip.argtypes import non_negative, positive
from boilerstrip.batch import (
    DEFAULT_CHUNK_SIZE,
    keep_freed_memory,
    parallel_map,
    quiet_resource_tracker,
    single_threaded_blas,
)
from boilerstrip.errors import BoilerstripError
from boilerstrip.io import (
    STDIN_NAME,
    FolderWriter,
    Format,
    InputError,
    JsonlWriter,
    ParquetWriter,
    Record,
    Source,
    TextWriter,
    Writer,
    check_inputs,
    format_of,
    is_special_file,
    iter_sources,
    parquet_schema,
    read_records,
    read_text,
    sniff_stdin,
    writing_stdout,
)

if TYPE_CHECKING:
    from boilerstrip.model import Model
    from boilerstrip.types import Decision

PROG = "boilerstrip"

EXIT_OK = 0
EXIT_RUNTIME = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
"""128 + SIGINT, what shells report for a command stopped with Ctrl-C."""
EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE, what shells report when the reader of the output went away."""

DEFAULT_MAX_BYTES = 16 * 1024 * 1024
"""Records larger than this are reported as errors: a page of text is rarely over
1 MB, and a 16 MB one is a dump that would hold a worker for seconds."""

MAX_ERROR_LINES = 20
"""Bad records reported one by one on stderr (without --errors) before only counting."""

PROGRESS_INTERVAL = 0.25
"""Seconds between progress-bar updates: smooth to the eye, cheap to draw."""

MEGABYTE = 1_000_000

FATAL_WORKER_ERRORS = frozenset({"ModelError", "ModelVersionError"})
"""Errors that would fail every record alike: stop the run instead of reporting each."""

WORKER_MODULES = ("joblib.externals.loky.process_executor", "boilerstrip.cli")
"""What the worker processes of ``-j N`` have imported before they start (they
are forked from a server process that imported these once)."""


class UsageError(BoilerstripError):
    """The command line asks for something that cannot be done."""


# --- work done in worker processes ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TaskOptions:
    """What a worker needs besides the text (sent once per chunk, not per record)."""

    keep_title: bool = False
    with_blocks: bool = False
    model_path: str | None = None


BlockRow = tuple[str, str, float, int, int, str]
"""label, kind, probability, start, end, text of one block."""


@dataclass(frozen=True, slots=True)
class CleanResult:
    """A worker's answer for one record."""

    text: str
    blocks: tuple[BlockRow, ...] | None = None


@functools.cache
def _model(path: str | None) -> Model | None:
    """The model at ``path``, loaded once per process; ``None`` for the default."""
    if path is None:
        return None
    from boilerstrip.model import Model

    return Model.load(path)


def clean_task(options: TaskOptions, text: str | None) -> CleanResult | None:
    """Clean one record's text (``None`` for a bad record, which passes through).

    Module-level so that worker processes can unpickle it.
    """
    if text is None:
        return None
    from boilerstrip import core

    model = _model(options.model_path)
    cleaned = core.clean(text, keep_title=options.keep_title, model=model)
    return _result(options, text, cleaned)


def clean_tasks(options: TaskOptions, texts: Sequence[str | None]) -> list[CleanResult | None]:
    """:func:`clean_task` for a chunk of records, their texts cleaned together
    (:func:`boilerstrip.core.clean_batch`). Module-level for the workers."""
    from boilerstrip import core

    model = _model(options.model_path)
    cleaned = core.clean_batch_or_none(texts, keep_title=options.keep_title, model=model)
    return [
        None if text is None or body is None else _result(options, text, body)
        for text, body in zip(texts, cleaned, strict=True)
    ]


def _result(options: TaskOptions, text: str, cleaned: str) -> CleanResult:
    """A record's answer, with its blocks when asked for."""
    blocks = None
    if options.with_blocks:
        from boilerstrip import core

        decisions = core.classify(text, model=_model(options.model_path))
        blocks = tuple(_block_row(d) for d in decisions)
    return CleanResult(text=cleaned, blocks=blocks)


def _block_row(decision: Decision) -> BlockRow:
    return (
        decision.label.value,
        decision.kind.value,
        round(decision.probability, 4),
        decision.start,
        decision.end,
        decision.text,
    )


# --- the parser ----------------------------------------------------------------------------

MAIN_EPILOG = """\
examples:
  boilerstrip clean page.txt                      print the article body of one page
  boilerstrip clean pages/ -o cleaned/            a folder of text files, one cleaned file each
  boilerstrip clean crawl.jsonl.gz -o clean.jsonl.zst -j 0 --errors bad.jsonl
  boilerstrip clean CC-MAIN-*.warc.wet.gz -o clean.jsonl
  boilerstrip classify page.txt                   see why each block was kept or dropped

Run `boilerstrip COMMAND --help` for each command's options.
"""

CLEAN_EPILOG = """\
formats (--format auto decides from each file name; compressed files end in
.gz, .bz2 or .zst and are read and written compressed):
  text      one document per file; a folder is walked recursively
  jsonl     one JSON object a line (.jsonl, .ndjson); the text is in --text-field;
            every other field is kept (a field the output writes, such as
            "error" with --keep-errors, is replaced, with a warning)
  warc      WARC/WET files (.warc, .wet): each conversion record (page text) is
            cleaned; the output is JSONL with id, url, date and text
  parquet   one row per document (.parquet); output keeps every column

output (--output-format auto): by the suffix of -o (.jsonl, .parquet, a folder
ending in / for one text file per input text file, at its path under the
input folder; two inputs that would share a path are refused before any is
cleaned); without -o, one text file or standard input gives text and
everything else gives JSON lines. In one text stream, documents are separated
by a form feed line ("\\f"): split on it to get them back.

bad records (invalid JSON, missing or non-string text, bytes that are not UTF-8,
binary data, records over --max-bytes, a record that fails to clean) never stop
the run: they go to --errors FILE as JSON lines (source, line, record or row
number, error, and the record's other fields or its raw text), or
stay in the output with an "error" field (--keep-errors), or are listed on stderr
(and the exit code is then 1). At the end a summary on stderr counts them:
records in = records out + errors.

examples:
  boilerstrip clean page.txt > body.txt
  cat page.txt | boilerstrip clean --keep-title
  boilerstrip clean pages/ -o cleaned/
  boilerstrip clean pages/ -o pages.jsonl
  boilerstrip clean crawl.jsonl.gz -o clean.jsonl.gz -j 0 --errors bad.jsonl
  boilerstrip clean crawl.jsonl --text-field content --output-field body --with-blocks
  boilerstrip clean CC-MAIN-00000.warc.wet.gz -o clean.jsonl.zst -j 2
  boilerstrip clean pages.parquet -o clean.parquet --keep-errors
"""

CLASSIFY_EPILOG = """\
Each block of the page is shown with the label the model gave it (body, title
or noise), the kind of noise (navigation, share, newsletter, ...), and the
model's probability for the label. `clean` keeps the body blocks.

examples:
  boilerstrip classify page.txt
  boilerstrip classify page.txt --json | jq -r 'select(.label=="noise") | .kind'
"""


def _add_max_bytes(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--max-bytes",
        type=non_negative,
        default=DEFAULT_MAX_BYTES,
        metavar="N",
        help=f"{what} (default: {DEFAULT_MAX_BYTES:,}; 0 = no limit)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``boilerstrip`` command."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Keep the article body of scraped web pages given as plain text.",
        epilog=MAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    clean = commands.add_parser(
        "clean",
        help="clean pages: files, folders, JSONL, WARC/WET, Parquet",
        description="Clean the text of web pages: keep the article body, drop the rest.",
        epilog=CLEAN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    clean.add_argument(
        "inputs",
        nargs="*",
        metavar="INPUT",
        help="files or folders to read; '-' or nothing reads standard input",
    )
    clean.add_argument(
        "-o", "--output", metavar="OUTPUT", help="file or folder/ to write (default: stdout)"
    )
    clean.add_argument(
        "--format",
        choices=[f.value for f in Format],
        default=Format.AUTO.value,
        help="input format (default: auto, from each file name)",
    )
    clean.add_argument(
        "--output-format",
        choices=[Format.AUTO.value, Format.TEXT.value, Format.JSONL.value, Format.PARQUET.value],
        default=Format.AUTO.value,
        help="output format (default: auto, see below)",
    )
    clean.add_argument(
        "-j",
        "--jobs",
        type=non_negative,
        default=1,
        metavar="N",
        help="worker processes (default: 1; 0 = all cores)",
    )
    clean.add_argument(
        "--chunk-size",
        type=positive,
        default=DEFAULT_CHUNK_SIZE,
        metavar="N",
        help=f"records sent to a worker and cleaned together (default: {DEFAULT_CHUNK_SIZE})",
    )
    clean.add_argument(
        "--text-field",
        default="text",
        metavar="NAME",
        help="JSONL field / Parquet column holding the text (default: text)",
    )
    clean.add_argument(
        "--output-field",
        metavar="NAME",
        help="field for the cleaned text (default: replace --text-field)",
    )
    clean.add_argument(
        "--with-blocks",
        action="store_true",
        help="JSONL output: add each block's label, kind, probability, offsets and text",
    )
    clean.add_argument(
        "--keep-title", action="store_true", help="keep the headline and standfirst too"
    )
    _add_max_bytes(clean, "records over N bytes are errors")
    errors = clean.add_mutually_exclusive_group()
    errors.add_argument(
        "--errors", metavar="FILE", help="write bad records to FILE (JSON lines, with reasons)"
    )
    errors.add_argument(
        "--keep-errors",
        action="store_true",
        help="keep bad records in the output with an 'error' field (JSONL, Parquet)",
    )
    clean.add_argument("--model", metavar="PATH", help="model file (default: the shipped one)")
    clean.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bar and no summary, unless bad records were neither written "
        "nor kept (they are always listed)",
    )
    clean.set_defaults(func=run_clean)

    classify = commands.add_parser(
        "classify",
        help="show each block of a page with its label, kind and probability",
        description="Show why each block of a page is kept or dropped.",
        epilog=CLASSIFY_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    classify.add_argument("file", metavar="FILE", help="a text file, or '-' for standard input")
    classify.add_argument("--json", action="store_true", help="one JSON object per block")
    classify.add_argument(
        "--color",
        choices=["auto", "always", "never"],
        default="auto",
        help="colour the labels (default: auto, when stdout is a terminal)",
    )
    classify.add_argument("--model", metavar="PATH", help="model file (default: the shipped one)")
    _add_max_bytes(classify, "refuse a file over N bytes")
    classify.set_defaults(func=run_classify)

    from boilerstrip import eval_cli

    eval_cli.register(commands)
    return parser


# --- entry point ---------------------------------------------------------------------------


def _error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


_INTERRUPTED = threading.Event()
"""Set by Ctrl-C. The command installs its own SIGINT handler for the run, so
Ctrl-C works even when the process started with SIGINT ignored (a background
job, where Python installs none); and the flag is checked again before any
output is committed, so a KeyboardInterrupt caught and dropped somewhere
cannot end an interrupted run as a complete one."""


def _on_interrupt(signum: int, frame: object) -> None:
    _INTERRUPTED.set()
    raise KeyboardInterrupt


def _check_not_interrupted() -> None:
    """Raise KeyboardInterrupt if Ctrl-C was pressed during the run, even if it was swallowed."""
    if _INTERRUPTED.is_set():
        raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error argparse reported
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    single_threaded_blas()  # this process is ours: see single_threaded_blas
    keep_freed_memory()  # likewise
    quiet_resource_tracker()  # and so is its stderr
    _INTERRUPTED.clear()
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, _on_interrupt) if in_main_thread else None
    try:
        return _run(args)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _run(args: argparse.Namespace) -> int:
    try:
        code: int = args.func(args)
    except UsageError as exc:
        _error(str(exc))
        return EXIT_USAGE
    except InputError as exc:
        _error(str(exc))
        return EXIT_USAGE
    except BoilerstripError as exc:
        _error(str(exc))
        return EXIT_RUNTIME
    except KeyboardInterrupt:
        print(f"\n{PROG}: interrupted; no output written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of our output went away (`| head`): stop quietly.
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return code


# --- clean ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Plan:
    """Where and how the output of ``clean`` goes."""

    format: Format
    path: Path | None
    folder: bool


def _plan_output(args: argparse.Namespace, inputs: Sequence[str], stdin_format: Format) -> Plan:
    requested = Format(args.output_format)
    path = Path(args.output) if args.output else None
    folder = bool(args.output) and (
        args.output.endswith(("/", os.sep)) or (path is not None and path.is_dir())
    )
    if requested is Format.AUTO:
        if folder:
            requested = Format.TEXT
        elif path is not None:
            requested = format_of(path.name)
            if requested is Format.WARC:
                raise UsageError(f"{args.output}: cannot write WARC; write JSON lines (.jsonl)")
        else:
            single_text = len(inputs) == 1 and (
                (inputs[0] == "-" and stdin_format is Format.TEXT)
                or (
                    inputs[0] != "-"
                    and Path(inputs[0]).is_file()
                    and _input_format(args, inputs[0]) is Format.TEXT
                )
            )
            requested = Format.TEXT if single_text else Format.JSONL
    if requested is Format.PARQUET and path is None:
        raise UsageError("Parquet output needs a file: -o FILE.parquet")
    if folder and requested is not Format.TEXT:
        raise UsageError(f"{args.output}: a folder output holds text files; use a file name")
    if folder:
        assert path is not None
        for name in inputs:
            if name == "-":
                raise UsageError(
                    f"{name}: writing a folder needs text files as input; use -o FILE.jsonl"
                )
            if Path(name).is_dir() and path.resolve().is_relative_to(Path(name).resolve()):
                raise UsageError(f"{args.output}: the output folder is inside the input {name}")
        _check_folder_sources(args, inputs)
    return Plan(format=requested, path=path, folder=folder)


def _check_folder_sources(args: argparse.Namespace, inputs: Sequence[str]) -> None:
    """Refuse, before any page is cleaned, a folder output that would lose pages:
    an input file that is not one text page (JSONL, WARC, Parquet: several
    records), or two inputs written to the same path of the output folder
    (``a/page.txt`` and ``b/page.txt`` both become ``page.txt``). Only the file
    names are read; with one input no two paths can meet, so none is kept."""
    writers: dict[str, str] = {}
    for source in iter_sources(inputs, fmt=Format(args.format)):
        if source.format is not Format.TEXT:
            raise UsageError(
                f"{source.name}: writing a folder needs text files as input; use -o FILE.jsonl"
            )
        if len(inputs) > 1:
            first = writers.setdefault(source.relative, source.name)
            if first != source.name:
                raise UsageError(
                    f"{first} and {source.name} would both be written to "
                    f"{Path(args.output) / source.relative}; clean them into separate "
                    "folders, or write JSON lines (-o FILE.jsonl), which name each input"
                )


def _input_format(args: argparse.Namespace, name: str) -> Format:
    chosen = Format(args.format)
    return format_of(Path(name).name) if chosen is Format.AUTO else chosen


def _check_options(args: argparse.Namespace, inputs: Sequence[str], plan: Plan) -> None:
    if args.with_blocks and plan.format is not Format.JSONL:
        raise UsageError("--with-blocks needs JSON lines output (-o FILE.jsonl)")
    if args.keep_errors and plan.format is Format.TEXT:
        raise UsageError("--keep-errors needs JSONL or Parquet output (-o FILE.jsonl)")
    written = [p for p in (plan.path, Path(args.errors) if args.errors else None) if p]
    for name in inputs:
        if name == "-":
            continue
        for out in written:
            if out.exists() and _same_file(out, Path(name)):
                raise UsageError(f"{name}: is both an input and an output")
    if plan.path is not None and args.errors and _same_file(Path(args.errors), plan.path):
        raise UsageError(f"{args.errors}: is both the output and the errors file")


def _same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` name the same regular file (or would, once written).

    Pipes and devices (``/dev/null``) may take several streams.
    """
    if is_special_file(a) or is_special_file(b):
        return False
    if a.exists() and b.exists():
        return os.path.samefile(a, b)
    return a.resolve() == b.resolve()


def _open_writer(plan: Plan, schema: Any, on_reject: Callable[[object, str], None]) -> Writer:
    if plan.folder:
        assert plan.path is not None
        return FolderWriter(plan.path)
    if plan.format is Format.PARQUET:
        assert plan.path is not None
        return ParquetWriter(plan.path, schema=schema, on_reject=on_reject)
    if plan.format is Format.JSONL:
        return JsonlWriter(plan.path)
    return TextWriter(plan.path)


def _parquet_output_schema(args: argparse.Namespace, sources: Sequence[str]) -> Any:
    """The input's Arrow schema plus the output columns, when the first input is Parquet."""
    first = next((n for n in sources if n != "-" and Path(n).is_file()), None)
    if first is None or _input_format(args, first) is not Format.PARQUET:
        return None
    schema = parquet_schema(Path(first), name=first)
    import pyarrow as pa

    out_field = args.output_field or args.text_field
    if out_field not in schema.names:
        schema = schema.append(pa.field(out_field, pa.string()))
    if args.keep_errors and "error" not in schema.names:
        schema = schema.append(pa.field("error", pa.string()))
    return schema


class Progress:
    """A one-line progress display on stderr: documents, MB, documents per second."""

    def __init__(self, stream: TextIO, *, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.started = time.monotonic()
        self._shown = 0.0
        self.docs = 0
        self.bytes = 0

    def add(self, size: int) -> None:
        self.docs += 1
        self.bytes += size
        if self.enabled:
            now = time.monotonic()
            if now - self._shown >= PROGRESS_INTERVAL:
                self._shown = now
                self.stream.write(f"\r\x1b[K{self._line(now)}")
                self.stream.flush()

    def _line(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-9)
        return (
            f"{self.docs:,} docs  {self.bytes / MEGABYTE:,.1f} MB  "
            f"{self.docs / elapsed:,.0f} docs/s  {self.bytes / MEGABYTE / elapsed:,.2f} MB/s"
        )

    def clear(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


@dataclass
class Tally:
    """Counts for the summary: every record read is in exactly one of the last three."""

    records: int = 0
    cleaned: int = 0
    empty: int = 0
    errors: int = 0
    unkept: int = 0
    """Errors written neither to --errors nor to the output (only listed on stderr)."""


def _records(
    args: argparse.Namespace,
    inputs: Sequence[str],
    stdin: tuple[Any, Format] | None,
    skipped: Counter[str],
) -> Iterator[Record]:
    for name in inputs:
        if name == "-":
            assert stdin is not None
            stream, fmt = stdin
            source = Source(name=STDIN_NAME, path=None, format=fmt)
            yield from read_records(
                source,
                stream=stream,
                text_field=args.text_field,
                max_bytes=args.max_bytes,
                skipped=skipped,
            )
            continue
        for source in iter_sources([name], fmt=Format(args.format)):
            try:
                yield from read_records(
                    source, text_field=args.text_field, max_bytes=args.max_bytes, skipped=skipped
                )
            except InputError as exc:
                # A whole file that cannot be read is one bad record; the run goes on.
                reason = str(exc).removeprefix(f"{source.name}: ")
                yield Record(
                    source=source.name,
                    unit="file",
                    position=1,
                    text=None,
                    error=reason,
                    relative=source.relative,
                )


def _output_row(
    record: Record, result: CleanResult, *, out_field: str, keep_errors: bool
) -> dict[str, Any]:
    row: dict[str, Any] = dict(record.fields)
    if record.unit == "file" and record.source != STDIN_NAME:
        row["path"] = record.source
    row[out_field] = result.text
    if result.blocks is not None:
        row["blocks"] = [
            {
                "label": b[0],
                "kind": b[1],
                "probability": b[2],
                "start": b[3],
                "end": b[4],
                "text": b[5],
            }
            for b in result.blocks
        ]
    if keep_errors:
        row["error"] = None
    return row


def _error_row(record: Record, reason: str) -> dict[str, Any]:
    row: dict[str, Any] = {"source": record.source}
    if record.unit != "file":
        row[record.unit] = record.position
    row["error"] = reason
    if record.fields:
        row["fields"] = dict(record.fields)
    elif record.raw is not None:
        row["raw"] = record.raw
    return row


def _kept_error_row(record: Record, reason: str, out_field: str) -> dict[str, Any]:
    """A bad record as it stays in the output: its own fields when it has any (else
    where it came from and its raw text), the output field empty, and the reason."""
    row = dict(record.fields) if record.fields else _error_row(record, reason)
    row[out_field] = None
    row["error"] = reason
    return row


def run_clean(args: argparse.Namespace) -> int:
    """The ``clean`` command."""
    inputs: list[str] = list(args.inputs) or ["-"]
    if not args.inputs and sys.stdin.isatty():
        raise UsageError("no input: name a FILE or folder, or pipe text in (see --help)")
    if inputs.count("-") > 1:
        raise UsageError("standard input ('-') can be read only once")
    check_inputs(inputs)
    stdin: tuple[Any, Format] | None = None
    if "-" in inputs:
        stdin = sniff_stdin(sys.stdin.buffer, Format(args.format))
    plan = _plan_output(args, inputs, stdin[1] if stdin else Format.TEXT)
    _check_options(args, inputs, plan)
    model_path = None
    if args.model:
        _model(args.model)  # fail now, with a clear message, not in every worker
        model_path = str(Path(args.model).resolve())
    options = TaskOptions(
        keep_title=args.keep_title, with_blocks=args.with_blocks, model_path=model_path
    )
    schema = _parquet_output_schema(args, inputs) if plan.format is Format.PARQUET else None
    out_field: str = args.output_field or args.text_field
    # Output fields that replace an input field of the same name: said once each.
    replaced = {
        name: option
        for name, option, on in (
            (out_field, f"--output-field {out_field}", out_field != args.text_field),
            ("blocks", "--with-blocks", args.with_blocks),
            ("error", "--keep-errors", args.keep_errors),
        )
        if on
    }

    errors_writer: JsonlWriter | None = None
    tally = Tally()
    skipped: Counter[str] = Counter()
    progress = Progress(sys.stderr, enabled=sys.stderr.isatty() and not args.quiet)
    pending: deque[Record] = deque()

    def bad(record: Record, reason: str, *, can_keep: bool = True) -> None:
        tally.errors += 1
        if errors_writer is not None:
            errors_writer.write(_error_row(record, reason))
            return
        if args.keep_errors and can_keep:
            writer.write(_kept_error_row(record, reason, out_field), text="", relative="")
            return
        tally.unkept += 1
        if tally.unkept <= MAX_ERROR_LINES:  # even with --quiet: it is kept nowhere
            progress.clear()
            print(f"{PROG}: {record.where()}: {reason}", file=sys.stderr)

    def reject(key: object, reason: str) -> None:
        # A written row the output format could not take (Parquet): an error after all.
        record, empty = cast(tuple[Record, bool], key)
        if empty:
            tally.empty -= 1
        else:
            tally.cleaned -= 1
        bad(record, reason, can_keep=False)

    writer = _open_writer(plan, schema, reject)

    def texts() -> Iterator[str | None]:
        for record in _records(args, inputs, stdin, skipped):
            pending.append(record)
            yield record.text

    outcomes = parallel_map(
        functools.partial(clean_task, options),
        texts(),
        n_jobs=args.jobs,
        chunk_size=args.chunk_size,
        batched=functools.partial(clean_tasks, options),
        preload=WORKER_MODULES,
    )
    try:
        if args.errors:
            errors_writer = JsonlWriter(Path(args.errors))
        for outcome in outcomes:
            record = pending.popleft()
            tally.records += 1
            progress.add(record.size)
            if outcome.error_type in FATAL_WORKER_ERRORS:
                raise BoilerstripError(str(outcome.error).split(": ", 1)[-1])
            reason = record.error
            if reason is None and not outcome.ok:
                reason = f"cleaning failed: {outcome.error}"
            if reason is not None:
                bad(record, reason)
                continue
            result = outcome.value
            assert result is not None
            empty = not result.text.strip()
            if empty:
                tally.empty += 1
            else:
                tally.cleaned += 1
            for name in replaced.keys() & record.fields.keys():
                progress.clear()
                print(
                    f"{PROG}: warning: {record.where()}: the input has a field {name!r}, "
                    f"which {replaced.pop(name)} replaces in every record",
                    file=sys.stderr,
                )
            row = _output_row(record, result, out_field=out_field, keep_errors=args.keep_errors)
            writer.write(row, text=result.text, relative=record.relative, key=(record, empty))
        progress.clear()
        _check_not_interrupted()
        writer.close()
        if errors_writer is not None:
            errors_writer.close()
    except BaseException:
        outcomes.close()
        progress.clear()
        writer.discard()
        if errors_writer is not None:
            errors_writer.discard()
        raise
    if tally.unkept or not args.quiet:
        _print_summary(tally, skipped, args, time.monotonic() - progress.started, progress.bytes)
    if tally.unkept:
        return EXIT_RUNTIME  # some records were neither written nor saved anywhere
    return EXIT_OK


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _print_summary(
    tally: Tally, skipped: Counter[str], args: argparse.Namespace, seconds: float, size: int
) -> None:
    out = tally.cleaned + tally.empty
    if tally.errors == 0:
        where = ""
    elif args.errors:
        where = f" (in {args.errors})"
    elif args.keep_errors and not tally.unkept:
        where = " (kept in the output with an 'error' field)"
    elif args.keep_errors:
        where = (
            f" ({tally.errors - tally.unkept:,} kept in the output with an 'error' field, "
            f"{tally.unkept:,} listed above)"
        )
    else:
        where = " (listed above; use --errors FILE to keep them)"
    rate = tally.records / seconds if seconds > 0 else 0.0
    print(
        f"{PROG}: {_count(tally.records, 'record')} in = {out:,} out "
        f"({tally.cleaned:,} cleaned, {tally.empty:,} empty after cleaning) "
        f"+ {_count(tally.errors, 'error')}{where}; "
        f"{seconds:,.1f} s, {rate:,.0f} docs/s, {size / MEGABYTE / max(seconds, 1e-9):,.2f} MB/s",
        file=sys.stderr,
    )
    if skipped:
        kinds = ", ".join(f"{kind}: {count:,}" for kind, count in sorted(skipped.items()))
        print(
            f"{PROG}: skipped {sum(skipped.values()):,} WARC records without page text "
            f"({kinds}); boilerstrip reads text: use WET files or conversion records",
            file=sys.stderr,
        )


# --- classify ------------------------------------------------------------------------------

_COLOURS: Mapping[str, str] = {"body": "\x1b[32m", "title": "\x1b[1;36m", "noise": "\x1b[31m"}
_DIM = "\x1b[2m"
_RESET = "\x1b[0m"


_FORMAT_NAMES: Mapping[Format, str] = {
    Format.JSONL: "JSON lines",
    Format.WARC: "WARC",
    Format.PARQUET: "Parquet",
}


def run_classify(args: argparse.Namespace) -> int:
    """The ``classify`` command."""
    name: str = args.file
    if name == "-":
        stream, _ = sniff_stdin(sys.stdin.buffer, Format.TEXT)
        source = STDIN_NAME
    else:
        check_inputs([name])
        if Path(name).is_dir():
            raise UsageError(f"{name}: is a folder; classify shows one page (a text file)")
        fmt = format_of(Path(name).name)
        if fmt is not Format.TEXT:
            raise UsageError(
                f"{name}: a {_FORMAT_NAMES[fmt]} file holds many pages; classify shows one "
                f"page (a text file). To see the blocks of each: boilerstrip clean {name} "
                "--with-blocks"
            )
        from boilerstrip.io import open_input

        stream = open_input(Path(name))
        source = name
    with contextlib.closing(stream):
        record = next(read_text(stream, name=source, max_bytes=args.max_bytes))
    if record.text is None:
        raise InputError(f"{source}: {record.error}")
    from boilerstrip import core

    model = _model(str(Path(args.model).resolve())) if args.model else None
    decisions = core.classify(record.text, model=model)
    out = sys.stdout
    if args.json:
        with writing_stdout():
            for index, d in enumerate(decisions):
                row = {
                    "index": index,
                    "label": d.label.value,
                    "kind": d.kind.value,
                    "probability": round(d.probability, 4),
                    "start": d.start,
                    "end": d.end,
                    "text": d.text,
                }
                out.write(json.dumps(row, ensure_ascii=False).translate(_JSON_CONTROLS) + "\n")
        return EXIT_OK
    colour = args.color == "always" or (args.color == "auto" and out.isatty())
    width = shutil.get_terminal_size().columns if out.isatty() else 0
    with writing_stdout():
        for d in decisions:
            out.write(_classify_line(d, colour=colour, width=width) + "\n")
    counts = Counter(d.label.value for d in decisions)
    summary = ", ".join(f"{counts[label]} {label}" for label in ("body", "title", "noise"))
    print(f"{PROG}: {len(decisions)} blocks: {summary}", file=sys.stderr)
    return EXIT_OK


_JSON_CONTROLS = {code: f"\\u{code:04x}" for code in range(0x7F, 0xA0)}
"""The control characters ``json.dumps`` leaves raw (DEL and C1, among them the
one-byte CSI), escaped as JSON allows: ``classify --json`` is often read on a terminal."""

_SHOWN_CONTROLS = {
    code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0)) if not chr(code).isspace()
}
"""Control characters shown as ``\\x1b``: a page's escape sequences must not drive
the terminal (clear it, retitle it) when ``classify`` prints its blocks."""


def _classify_line(decision: Decision, *, colour: bool, width: int) -> str:
    """``label  kind  probability  text``, the text cut to ``width`` columns when set."""
    label = decision.label.value
    head = f"{label:<5}  {decision.kind.value:<14}  {decision.probability:.2f}  "
    text = " ".join(decision.text.split()).translate(_SHOWN_CONTROLS)
    if width and len(head) + len(text) > width:
        text = text[: max(width - len(head) - 1, 10)] + "…"
    if not colour:
        return head + text
    start = _COLOURS.get(label, "")
    text_style = _DIM if label == "noise" else ""
    return f"{start}{head}{_RESET}{text_style}{text}{_RESET}"


__all__ = [
    "DEFAULT_MAX_BYTES",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_RUNTIME",
    "EXIT_USAGE",
    "CleanResult",
    "TaskOptions",
    "build_parser",
    "clean_task",
    "main",
]
