"""The ``boilerstrip eval`` subcommand: score systems on a labeled benchmark.

``boilerstrip.cli`` calls :func:`register` to add the subcommand; the parsed
arguments carry :func:`run` as ``func``. Example::

    boilerstrip eval ../shared/data/dragnet --system boilerstrip trafilatura --json out.json

prints a table (per system: shingle F1, precision and recall with their
bootstrap deviations, word F1 mean and median, snippet checks, pages per
second, errors), lists every page that could not be scored with the reason,
and writes the same numbers, with per-page scores, as JSON.

Exit status: 0 when the run finished (pages that failed are counted and
listed, not fatal); 1 when no system could score a single page, or the
model cannot be loaded; 2 when the run could not start (unknown dataset
layout, missing peer package, unwritable JSON path).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from boilerstrip.argtypes import positive
from boilerstrip.convert import DEFAULT_CONVERTER, Converter
from boilerstrip.datasets import DatasetError, Format, iter_pages
from boilerstrip.errors import BoilerstripError
from boilerstrip.evaluate import DatasetReport, SystemReport, evaluate_pages, report_to_dict
from boilerstrip.io import writing_stdout
from boilerstrip.model import Model
from boilerstrip.peers import System, SystemName, available_systems, make_system

ALL_SYSTEMS = "all"
"""``--system all`` runs every system whose packages are installed."""

EXIT_OK = 0
EXIT_RUNTIME = 1
"""No system scored a page, or the model could not be loaded."""
EXIT_USAGE = 2
"""argparse's own status for bad arguments; used for every run that cannot start."""

PREFIX = "boilerstrip: error:"
"""How every error line starts, as in the other commands."""

EVAL_EPILOG = """\
examples:
  boilerstrip eval data/cleaneval                       score boilerstrip
  boilerstrip eval data/dragnet --system all --json dragnet.json
  boilerstrip eval pages.jsonl --limit 100 --model my.joblib
  boilerstrip eval data/l3s-gn1 --converter inscriptis --system boilerstrip justext

A JSON Lines dataset has one page a line: its "text" or "html", and "gold",
the text that should be kept. --json writes the table's numbers and every
page's scores.
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``eval`` subcommand to a parser's subcommands.

    >>> parser = argparse.ArgumentParser(prog="boilerstrip")
    >>> register(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["eval", "data/wcxb", "--system", "c4", "all-text"])
    >>> args.systems, args.func is run
    (['c4', 'all-text'], True)
    """
    parser = subparsers.add_parser(
        "eval",
        help="score text cleaners on a labeled benchmark",
        description=(
            "Score boilerstrip (and, with the [bench] extra, peer systems) on a labeled "
            "benchmark folder: Zyte 4-shingle F1/P/R with bootstrap deviations, word F1, "
            "snippet checks, block-level scores where the gold has blocks, speed and errors."
        ),
        epilog=EVAL_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "dataset", metavar="DATASET_DIR", type=Path, help="benchmark folder (or JSON Lines file)"
    )
    parser.add_argument(
        "--format",
        choices=[f.value for f in Format],
        help="dataset layout (default: detected from the folder)",
    )
    parser.add_argument(
        "--converter",
        choices=[c.value for c in Converter],
        default=DEFAULT_CONVERTER.value,
        help=f"HTML-to-text converter for text systems (default: {DEFAULT_CONVERTER.value})",
    )
    parser.add_argument(
        "--system",
        dest="systems",
        action="extend",
        nargs="+",
        choices=[s.value for s in SystemName] + [ALL_SYSTEMS],
        metavar="S",
        help=(
            "systems to score, any of: "
            + ", ".join(s.value for s in SystemName)
            + f", or {ALL_SYSTEMS!r} for every installed one (default: boilerstrip)"
        ),
    )
    parser.add_argument(
        "--model",
        type=Path,
        metavar="PATH",
        help="model file for the boilerstrip system (default: the shipped one)",
    )
    parser.add_argument(
        "--json",
        dest="json_path",
        type=Path,
        metavar="OUT",
        help="also write the scores, with every page's, as JSON to OUT",
    )
    parser.add_argument("--limit", type=positive, metavar="N", help="read only the first N pages")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress counter on stderr")
    parser.set_defaults(func=run)


def chosen_systems(names: Sequence[str] | None) -> list[SystemName]:
    """The systems named on the command line, in order, without repeats.

    >>> chosen_systems(None)
    [<SystemName.BOILERSTRIP: 'boilerstrip'>]
    >>> chosen_systems(["c4", "all-text", "c4"])
    [<SystemName.C4: 'c4'>, <SystemName.ALL_TEXT: 'all-text'>]
    """
    if not names:
        return [SystemName.BOILERSTRIP]
    chosen: list[SystemName] = []
    for name in names:
        expanded = available_systems() if name == ALL_SYSTEMS else (SystemName(name),)
        chosen.extend(s for s in expanded if s not in chosen)
    return chosen


class _Progress:
    """A ``\\r`` counter on a terminal; silent when quiet or not a terminal."""

    def __init__(self, stream: TextIO, *, total: int | None, enabled: bool) -> None:
        self._stream = stream
        self._total = total
        self._enabled = enabled
        self._shown = False

    def __call__(self, done: int) -> None:
        if not self._enabled:
            return
        of_total = f"/{self._total}" if self._total is not None else ""
        self._stream.write(f"\rpages {done}{of_total}")
        self._stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self._stream.write("\n")
            self._stream.flush()


def run(args: argparse.Namespace) -> int:
    """Carry out ``boilerstrip eval`` with parsed arguments; return the exit status."""
    try:
        model = Model.load(args.model) if args.model else None
    except BoilerstripError as error:  # no usable model
        print(f"{PREFIX} {error}", file=sys.stderr)
        return EXIT_RUNTIME
    try:
        systems: list[System] = [
            make_system(name, model=model) for name in chosen_systems(args.systems)
        ]
    except BoilerstripError as error:  # a missing peer package
        print(f"{PREFIX} {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.json_path is not None and (problem := _unwritable(args.json_path)):
        print(f"{PREFIX} {args.json_path}: cannot write: {problem}", file=sys.stderr)
        return EXIT_USAGE
    dataset_format = Format(args.format) if args.format else None
    converter = Converter(args.converter)
    try:
        records = iter_pages(args.dataset, format=dataset_format, limit=args.limit)
        detected = dataset_format.value if dataset_format else _detected_format(args.dataset)
    except (DatasetError, OSError) as error:
        print(f"{PREFIX} {error}", file=sys.stderr)
        return EXIT_USAGE
    progress = _Progress(
        sys.stderr, total=args.limit, enabled=not args.quiet and sys.stderr.isatty()
    )
    try:
        report = evaluate_pages(
            records,
            systems,
            dataset=str(args.dataset),
            format=detected,
            converter=converter,
            progress=progress,
        )
    except (DatasetError, OSError) as error:
        progress.close()
        print(f"{PREFIX} {error}", file=sys.stderr)
        return EXIT_USAGE
    progress.close()
    with writing_stdout():
        sys.stdout.write(format_report(report))
    if args.json_path is not None:
        try:
            write_json(report, args.json_path)
        except OSError as error:
            reason = error.strerror or error
            print(f"{PREFIX} {args.json_path}: cannot write: {reason}", file=sys.stderr)
            return EXIT_RUNTIME
    if all(system.pages_read == 0 for system in report.systems):
        print(f"{PREFIX} {args.dataset}: the dataset holds no page", file=sys.stderr)
        return EXIT_RUNTIME
    if all(system.pages_scored == 0 for system in report.systems):
        print(f"{PREFIX} no page could be scored (see the errors above)", file=sys.stderr)
        return EXIT_RUNTIME
    return EXIT_OK


def _unwritable(path: Path) -> str:
    """Why a report could not be written to ``path`` ("" if it seems it can):
    checked before the evaluation, so that a typo does not cost the run."""
    if path.is_dir():
        return "is a folder"
    folder = path.parent
    if not folder.is_dir():
        return f"no folder {folder}"
    if not os.access(folder, os.W_OK):
        return f"folder {folder} is not writable"
    return ""


def _detected_format(path: Path) -> str:
    from boilerstrip.datasets import detect_format

    return detect_format(path).value


def write_json(report: DatasetReport, path: Path) -> None:
    """Write the report, per-page scores included, as indented UTF-8 JSON."""
    text = json.dumps(report_to_dict(report), indent=1, ensure_ascii=False, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------
# The table


NOT_APPLICABLE = "-"
"""Shown for a number that does not apply (no snippets, no blocks, no time spent)."""

WHOLE_SPEED_FROM = 1000
"""Pages per second from which decimals are noise (the all-text baseline is near-instant)."""


def format_percent(value: float | None) -> str:
    """A share in % with one decimal; :data:`NOT_APPLICABLE` for ``None``.

    >>> format_percent(0.5), format_percent(None)
    ('50.0', '-')
    """
    return NOT_APPLICABLE if value is None else f"{100 * value:.1f}"


def format_speed(pages_per_second: float) -> str:
    """Pages per second: one decimal, or whole numbers with thousands separators from 1,000 up.

    >>> format_speed(12.34), format_speed(283456.7)
    ('12.3', '283,457')
    """
    if pages_per_second >= WHOLE_SPEED_FROM:
        return f"{pages_per_second:,.0f}"
    return f"{pages_per_second:.1f}"


def score_cells(report: SystemReport, *, plus_minus: str = "±") -> list[str]:
    """One system's scores as table cells, in the order of the ``eval`` table.

    Shingle F1, precision and recall, each with its bootstrap deviation after
    ``plus_minus``; word F1 mean and median; the shares of ``with`` and
    ``without`` snippets; pages per second; pages scored. The system's name
    and its errors are left to the caller, who shows them its own way
    (``benchmarks/compare.py`` writes the same cells as Markdown).

    >>> from boilerstrip.evaluate import ShingleScore, SystemReport, WordSummary
    >>> shingles = ShingleScore(0.9, 0.8, 0.847, 0.01, 0.02, 0.015, 2, 2, 2)
    >>> words = WordSummary(precision=0.9, recall=0.8, f1=0.85, f1_median=0.86, pages=2)
    >>> report = SystemReport("c4", 2, 2, (), shingles, words, None, None, None, 0.5, 4.0, ())
    >>> score_cells(report, plus_minus=" ± ")
    ['84.7 ± 1.5', '90.0 ± 1.0', '80.0 ± 2.0', '85.0', '86.0', '-', '-', '4.0', '2']
    """
    shingles, words, snippets = report.shingles, report.words, report.snippets
    scored = report.pages_scored > 0

    def with_std(value: float, std: float) -> str:
        if not scored:
            return NOT_APPLICABLE
        return f"{format_percent(value)}{plus_minus}{format_percent(std)}"

    return [
        with_std(shingles.f1, shingles.f1_std),
        with_std(shingles.precision, shingles.precision_std),
        with_std(shingles.recall, shingles.recall_std),
        format_percent(words.f1 if scored else None),
        format_percent(words.f1_median if scored else None),
        format_percent(snippets.with_share if snippets else None),
        format_percent(snippets.without_share if snippets else None),
        format_speed(report.pages_per_second),
        str(report.pages_scored),
    ]


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=False)]
    lines = []
    for row in (header, *rows):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def _system_row(report: SystemReport) -> list[str]:
    return [report.system, *score_cells(report), str(len(report.errors))]


def format_report(report: DatasetReport) -> str:
    """The report as the text ``boilerstrip eval`` prints: header, table, details, errors."""
    pages_read = report.systems[0].pages_read if report.systems else 0
    lines = [
        f"dataset   {report.dataset}",
        f"format    {report.format}",
        f"converter {report.converter} (HTML to text for text systems; "
        f"{report.converted_pages} pages, {_rate(report.converted_pages, report.convert_seconds)}"
        " pages/s)",
        f"pages     {pages_read} read",
        "",
    ]
    header = [
        "system",
        "F1",
        "P",
        "R",
        "wordF1",
        "median",
        "with",
        "without",
        "pages/s",
        "scored",
        "errors",
    ]
    lines += _table(header, [_system_row(s) for s in report.systems])
    lines += [
        "",
        "F1/P/R: Zyte 4-shingle scores in %, ± bootstrap std (1000 resamples of pages); "
        "wordF1: bag-of-words F1 per page, mean and median; with/without: % of 'with' "
        "snippets found and of 'without' snippets absent.",
    ]
    for system in report.systems:
        lines += _details(system)
    lines += _error_lines(report)
    return "\n".join(lines) + "\n"


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:.1f}" if seconds > 0 else NOT_APPLICABLE


def _details(report: SystemReport) -> list[str]:
    lines: list[str] = []
    if report.blocks is not None:
        blocks = report.blocks
        labels = ", ".join(f"{s.label} F1 {format_percent(s.f1)}" for s in blocks.labels)
        kept = ", ".join(f"{c.gold} {c.kept}/{c.blocks}" for c in blocks.classes)
        lines += [
            "",
            f"{report.system} blocks: {blocks.blocks} gold blocks, accuracy "
            f"{format_percent(blocks.accuracy)}, {labels}",
            f"{report.system} kept by gold label: {kept}",
        ]
    if report.removed is not None:
        removed = ", ".join(f"{c.kind.value} {c.blocks}" for c in report.removed) or "nothing"
        lines += ["", f"{report.system} removed blocks by kind: {removed}"]
    return lines


def _error_lines(report: DatasetReport) -> list[str]:
    if not report.systems:
        return []
    shared = set(report.systems[0].errors)
    for system in report.systems[1:]:
        shared &= set(system.errors)
    lines: list[str] = []
    ordered_shared = [e for e in report.systems[0].errors if e in shared]
    if ordered_shared:
        who = "every system" if len(report.systems) > 1 else report.systems[0].system
        lines += ["", f"errors ({who}): {len(ordered_shared)}"]
        lines += [f"  {e.id}  [{e.stage}] {e.reason}" for e in ordered_shared]
    for system in report.systems:
        own = [e for e in system.errors if e not in shared]
        if own:
            lines += ["", f"errors ({system.system} only): {len(own)}"]
            lines += [f"  {e.id}  [{e.stage}] {e.reason}" for e in own]
    return lines
