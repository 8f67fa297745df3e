"""Score every available system on every benchmark set in a folder.

Usage::

    python benchmarks/compare.py ../shared/data [--limit N] [--converter C]

For each set found in DATA_DIR (a sub-folder, or a sub-sub-folder, whose
layout a boilerstrip reader recognises) this runs every system whose packages
are installed (boilerstrip and, with the ``[bench]`` extra, the peers) and

- writes ``benchmarks/results/quality.json`` (the set-level numbers of every
  system; per-page scores are left out to keep the file small, and
  ``boilerstrip eval --json`` gives them for one set);
- rewrites the quality section of ``benchmarks/RESULTS.md``, between
  ``<!-- quality:start -->`` and ``<!-- quality:end -->``, leaving the rest of
  the file as it is;
- draws ``benchmarks/quality.png``: shingle F1 against pages per second.

Sets the shipped model was trained on are marked: boilerstrip's score there
is not a generalisation score.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

# Run from a checkout without installing: the package is next to this folder.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import command_line, write_section

from boilerstrip.convert import DEFAULT_CONVERTER, Converter
from boilerstrip.datasets import EVAL_ONLY_DATASETS, DatasetError, detect_format, iter_pages
from boilerstrip.eval_cli import NOT_APPLICABLE, format_percent, score_cells
from boilerstrip.evaluate import DatasetReport, SystemReport, evaluate_pages, report_to_dict
from boilerstrip.peers import SystemName, available_systems, make_system

BENCHMARKS = Path(__file__).resolve().parent
RESULTS_MD = BENCHMARKS / "RESULTS.md"
RESULTS_JSON = BENCHMARKS / "results" / "quality.json"
PLOT = BENCHMARKS / "quality.png"

START_MARKER = "<!-- quality:start -->"
END_MARKER = "<!-- quality:end -->"

TRAIN_SETS = frozenset({"wcxb-dev", "mozilla-readability"})
"""Folders the shipped model was trained and tuned on (see models/MODEL_CARD.md)."""

SEARCH_DEPTH = 2
"""How deep below DATA_DIR to look for sets (``cleaneval/cleaneval-dev`` is two levels)."""


@dataclass(frozen=True, slots=True)
class FoundSet:
    """A benchmark set found under DATA_DIR."""

    name: str
    path: Path
    format: str

    @property
    def use(self) -> str:
        """TRAIN, EVAL-ONLY, or EVAL (a set neither trained on nor restricted)."""
        if self.name.split("/")[0] in TRAIN_SETS:
            return "TRAIN"
        return "EVAL-ONLY" if self.format in EVAL_ONLY_DATASETS else "EVAL"


def find_sets(data_dir: Path) -> list[FoundSet]:
    """Every folder under ``data_dir`` (itself excluded) a reader recognises, shallowest first.

    A recognised folder is not searched further.
    """
    found: list[FoundSet] = []
    frontier = [p for p in sorted(data_dir.iterdir()) if p.is_dir()]
    for _ in range(SEARCH_DEPTH):
        deeper: list[Path] = []
        for folder in frontier:
            try:
                dataset_format = detect_format(folder)
            except DatasetError:
                deeper.extend(p for p in sorted(folder.iterdir()) if p.is_dir())
                continue
            name = folder.relative_to(data_dir).as_posix()
            found.append(FoundSet(name, folder, dataset_format.value))
        frontier = deeper
    return found


def run_set(
    found: FoundSet, systems: Sequence[SystemName], *, converter: Converter, limit: int | None
) -> DatasetReport:
    """Score ``systems`` on one set, with a counter on stderr."""
    started = time.perf_counter()

    def progress(done: int) -> None:
        if done % 50 == 0:
            elapsed = time.perf_counter() - started
            print(f"  {found.name}: {done} pages, {elapsed:.0f} s", file=sys.stderr, flush=True)

    return evaluate_pages(
        iter_pages(found.path, limit=limit),
        [make_system(s) for s in systems],
        dataset=found.name,
        format=found.format,
        converter=converter,
        progress=progress,
    )


# ---------------------------------------------------------------------------
# Markdown


def _error_summary(system: SystemReport) -> str:
    if not system.errors:
        return "0"
    kinds = Counter(f"{e.stage}: {e.reason.split(':', 1)[0]}" for e in system.errors)
    return f"{len(system.errors)} (" + "; ".join(f"{k} x{n}" for k, n in kinds.items()) + ")"


def _system_cell(system: SystemReport, found: FoundSet) -> str:
    if system.system == SystemName.BOILERSTRIP.value and found.use == "TRAIN":
        return "boilerstrip ⚠ trained on this set"
    return system.system


def set_section(found: FoundSet, report: DatasetReport) -> list[str]:
    """The markdown for one set: a heading, a table, block scores and removed kinds."""
    pages_read = report.systems[0].pages_read if report.systems else 0
    convert_rate = (
        f"{report.converted_pages / report.convert_seconds:.0f} pages/s"
        if report.convert_seconds > 0
        else NOT_APPLICABLE
    )
    lines = [
        f"### {found.name} ({found.use}, format `{found.format}`, {pages_read} pages read)",
        "",
    ]
    if found.use == "TRAIN":
        lines += [
            "The shipped model was trained on this set: boilerstrip's row below measures fit, "
            "not generalisation. Its grouped cross-validation scores (folds by site) are in "
            "`models/MODEL_CARD.md`. The peers' rows are fair.",
            "",
        ]
    lines += [
        f"Text systems read the `{report.converter}` conversion of the HTML "
        f"({convert_rate}, not included in their pages/s).",
        "",
        "| system | F1 | P | R | word F1 mean | word F1 median | with | without | pages/s "
        "| scored | errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for system in report.systems:
        cells = [
            _system_cell(system, found),
            *score_cells(system, plus_minus=" ± "),
            _error_summary(system),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    block_rows = [s for s in report.systems if s.blocks is not None]
    if block_rows:
        classes = [c.gold for c in block_rows[0].blocks.classes] if block_rows[0].blocks else []
        lines += [
            "",
            "Block level (a gold block is kept when half its shingles are in the output; "
            "content = title + body): accuracy, F1 of each predicted label, and the share of "
            "each gold label's blocks kept.",
            "",
            "| system | accuracy | content F1 | noise F1 | "
            + " | ".join(f"{c} kept" for c in classes)
            + " |",
            "|---|---|---|---|" + "---|" * len(classes),
        ]
        for system in block_rows:
            blocks = system.blocks
            assert blocks is not None
            kept = {c.gold: c for c in blocks.classes}
            shares = [
                format_percent(kept[c].kept / kept[c].blocks) if c in kept else NOT_APPLICABLE
                for c in classes
            ]
            content, noise = blocks.labels
            scores = [format_percent(x) for x in (blocks.accuracy, content.f1, noise.f1)]
            row = " | ".join([_system_cell(system, found), *scores])
            lines.append(f"| {row} | " + " | ".join(shares) + " |")
    for system in report.systems:
        if system.removed:
            total = sum(c.blocks for c in system.removed)
            kinds = ", ".join(
                f"{c.kind.value} {c.blocks} ({100 * c.blocks / total:.1f}%)" for c in system.removed
            )
            lines += ["", f"Blocks boilerstrip removed ({total}), by kind: {kinds}."]
    return [*lines, ""]


MODEL_HASH_CHARS = 12
"""Hex digits of the model file's SHA-256 shown: enough to tell two models apart."""


def _model_line(systems: Sequence[str]) -> list[str]:
    """Name the model file boilerstrip ran with, so the numbers can be tied to it."""
    if SystemName.BOILERSTRIP.value not in systems:
        return []
    import hashlib

    from boilerstrip.model import default_model_path

    path = default_model_path()
    if not path.is_file():
        return []
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:MODEL_HASH_CHARS]
    return [f"Model: `{path.name}`, SHA-256 `{digest}…`.", ""]


def quality_section(
    sets: Sequence[tuple[FoundSet, DatasetReport]],
    *,
    command: str,
    seconds: float,
    limit: int | None,
    load: float,
) -> str:
    """The whole quality section, markers included."""
    today = datetime.now(timezone.utc).date().isoformat()
    systems = sorted({s.system for _, r in sets for s in r.systems})
    lines = [
        START_MARKER,
        "## Quality",
        "",
        f"Generated {today} by `{command}` in {seconds / 60:.0f} minutes on one core "
        f"({platform.machine()}, {os.cpu_count()} cores shared with other work, load average "
        f"{load:.1f} at start, Python {platform.python_version()}); "
        "rerun that command to regenerate this section, `benchmarks/results/quality.json` "
        "and `benchmarks/quality.png`."
        + (f" **Only the first {limit} pages of each set were read.**" if limit else ""),
        "",
        f"Systems: {', '.join(systems)}. `boilerstrip` is `boilerstrip.clean(text)` with the "
        "shipped model (title not kept); `all-text` returns the text unchanged; `c4` applies "
        "the C4 corpus line rules; `justext` runs jusText on the same text (one `<p>` a line, "
        "stoplist with the most hits); `trafilatura` and `resiliparse` read the HTML.",
        "",
        "Columns: Zyte 4-shingle F1, precision and recall in % (page-normalised, precision "
        "averaged over pages with output, recall over pages with gold, F1 of the averages) "
        "± bootstrap standard deviation (1,000 resamples of pages); word F1: bag-of-words F1 "
        "per page, mean and median; with / without: % of WCXB `with` snippets found and of "
        "`without` snippets absent; pages/s: the system's own time only, one core.",
        "",
        "Use of each set: **TRAIN** sets (wcxb-dev, mozilla-readability) were used to train "
        "the shipped model, so boilerstrip's score on them is **not** a generalisation score; "
        "**EVAL-ONLY** sets (dragnet, cleaneval, l3s-gn1) were never used for training or "
        "tuning and give the fair comparison.",
        "",
        *_model_line(systems),
        "![F1 against pages per second](quality.png)",
        "",
    ]
    for found, report in sets:
        lines += set_section(found, report)
    lines.append(END_MARKER)
    return "\n".join(lines) + "\n"


def write_results_md(section: str, path: Path = RESULTS_MD) -> None:
    """Replace the quality section of ``path``, or add it; other sections are kept."""
    write_section(section, path, start=START_MARKER, end=END_MARKER)


# ---------------------------------------------------------------------------
# Plot


PLOT_COLUMNS = 3
"""Panels per row in the plot: five sets fit in two rows."""


def draw_plot(sets: Sequence[tuple[FoundSet, DatasetReport]], path: Path = PLOT) -> None:
    """One panel per set: shingle F1 against pages per second, one point per system.

    The all-text baseline does no work, so it has no meaningful speed: it is
    drawn as a dashed line at its F1 instead of a point.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.ticker import NullFormatter

    systems = sorted({s.system for _, r in sets for s in r.systems})
    colours = {name: f"C{i}" for i, name in enumerate(systems)}
    rows = -(-len(sets) // PLOT_COLUMNS)
    figure, grid = plt.subplots(
        rows, PLOT_COLUMNS, figsize=(4.2 * PLOT_COLUMNS, 3.6 * rows), dpi=100, squeeze=False
    )
    panels = list(grid.flat)
    for axes, (found, report) in zip(panels, sets, strict=False):
        for system in report.systems:
            if system.pages_scored == 0:
                continue
            f1 = 100 * system.shingles.f1
            colour = colours[system.system]
            if system.system == SystemName.ALL_TEXT.value:
                axes.axhline(f1, color=colour, linestyle="--", linewidth=1)
                continue
            trained = system.system == SystemName.BOILERSTRIP.value and found.use == "TRAIN"
            axes.scatter(
                system.pages_per_second,
                f1,
                s=55,
                color=colour,
                facecolors="none" if trained else colour,
                linewidths=1.5,
            )
        axes.set_xscale("log")
        axes.xaxis.set_minor_formatter(NullFormatter())
        axes.set_title(f"{found.name} ({found.use})", fontsize=10)
        axes.grid(True, which="major", alpha=0.3)
        axes.set_xlabel("pages/s (one core, log)", fontsize=8)
        axes.set_ylabel("shingle F1 (%)", fontsize=8)
        axes.tick_params(labelsize=8)
    legend_axes = panels[len(sets)] if len(panels) > len(sets) else None
    for axes in panels[len(sets) :]:
        axes.axis("off")
    handles = [
        Line2D([], [], marker="o", linestyle="", color=colours[n], label=n)
        for n in systems
        if n != SystemName.ALL_TEXT.value
    ]
    if SystemName.ALL_TEXT.value in colours:
        handles.append(
            Line2D([], [], linestyle="--", color=colours[SystemName.ALL_TEXT.value],
                   label="all-text (F1 only)")
        )  # fmt: skip
    handles.append(
        Line2D([], [], marker="o", linestyle="", markerfacecolor="none", color="black",
               label="hollow: boilerstrip on a set it trained on")
    )  # fmt: skip
    if legend_axes is not None:
        legend_axes.legend(handles=handles, loc="center", fontsize=9, title="system")
    else:
        figure.legend(handles=handles, loc="lower center", ncol=4, fontsize=8)
    figure.suptitle("Zyte 4-shingle F1 against speed, per benchmark set")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


# ---------------------------------------------------------------------------


def _summary_json(
    sets: Sequence[tuple[FoundSet, DatasetReport]], *, command: str, limit: int | None
) -> dict[str, Any]:
    out: list[dict[str, Any]] = []
    for found, report in sets:
        data = report_to_dict(report)
        for system in data["systems"]:
            del system["pages"]
        data["use"] = found.use
        out.append(data)
    return {
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": command,
        "limit": limit,
        "train_sets": sorted(TRAIN_SETS),
        "sets": out,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the comparison; return the exit status."""
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=f"Writes {RESULTS_JSON.relative_to(RESULTS_MD.parent.parent)}, the quality "
        f"section of {RESULTS_MD.relative_to(RESULTS_MD.parent.parent)} and "
        f"{PLOT.relative_to(RESULTS_MD.parent.parent)} in the repository; --no-write prints "
        "the section instead (for trial runs with --limit).",
    )
    parser.add_argument("data_dir", metavar="DATA_DIR", type=Path, help="folder of benchmark sets")
    parser.add_argument("--limit", type=int, metavar="N", help="read only N pages of each set")
    parser.add_argument(
        "--converter",
        choices=[c.value for c in Converter],
        default=DEFAULT_CONVERTER.value,
        help=f"HTML-to-text converter (default: {DEFAULT_CONVERTER.value})",
    )
    parser.add_argument(
        "--system",
        dest="systems",
        action="extend",
        nargs="+",
        choices=[s.value for s in SystemName],
        metavar="S",
        help="systems to run (default: every installed one)",
    )
    parser.add_argument("--no-write", action="store_true", help="print the section; write no file")
    args = parser.parse_args(argv)
    command = command_line("compare.py", argv)
    if not args.data_dir.is_dir():
        print(f"compare.py: not a folder: {args.data_dir}", file=sys.stderr)
        return 2
    found_sets = find_sets(args.data_dir)
    if not found_sets:
        print(f"compare.py: no benchmark set found in {args.data_dir}", file=sys.stderr)
        return 2
    systems = [SystemName(s) for s in args.systems] if args.systems else available_systems()
    print(
        f"sets: {', '.join(f.name for f in found_sets)}; "
        f"systems: {', '.join(s.value for s in systems)}",
        file=sys.stderr,
    )
    load = os.getloadavg()[0]
    started = time.perf_counter()
    results: list[tuple[FoundSet, DatasetReport]] = []
    for found in found_sets:
        report = run_set(found, systems, converter=Converter(args.converter), limit=args.limit)
        results.append((found, report))
        print(f"{found.name}: done, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    elapsed = time.perf_counter() - started
    section = quality_section(
        results, command=command, seconds=elapsed, limit=args.limit, load=load
    )
    if args.no_write:
        print(section)
        return 0
    RESULTS_JSON.parent.mkdir(parents=True, exist_ok=True)
    summary = _summary_json(results, command=command, limit=args.limit)
    RESULTS_JSON.write_text(
        json.dumps(summary, indent=1, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8"
    )
    write_results_md(section)
    draw_plot(results)
    print(f"wrote {RESULTS_JSON}, {RESULTS_MD}, {PLOT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
