"""Where the text each system keeps on Dragnet comes from: article, reader comments, or neither.

Usage::

    python benchmarks/comments.py DATA_DIR [--systems boilerstrip justext trafilatura]

Dragnet's gold is a page's article, then, on about 400 of its 1,381 pages,
the reader comments after a separator line. The benchmark's score (and
:mod:`compare`) counts kept comments as noise, as the reporting body leaves
them out. For the pages with comments, this script reads the HTML, converts it
to text with boilerstrip's default converter (as ``compare.py`` does), runs
each system, and splits the 4-shingles of its output into those of the
article, those found only in the comments, and the rest; it also gives the
share of the comments' shingles each system kept. Over all pages, it gives each
system's F1 as is and with its output lines that are mostly comments taken out:
what telling comments apart would be worth.

The results replace the section between ``<!-- comments:start -->`` and
``<!-- comments:end -->`` in ``benchmarks/RESULTS.md`` (``--no-write`` prints
them instead). Dragnet is EVAL-ONLY: this reads it to measure, never to train.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections import Counter
from collections.abc import Container, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus import command_line, publish_section

from boilerstrip.convert import html_to_text
from boilerstrip.datasets._io import find_files, lines, read_html, read_text
from boilerstrip.datasets.dragnet import GOLD_DIR, GOLD_SUFFIX, HTML_DIR, split_main_and_comments
from boilerstrip.evaluate import ShingleCounts, shingle_counts, shingle_score, shingles
from boilerstrip.peers import SystemName, is_available, make_system

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
START_MARK = "<!-- comments:start -->"
END_MARK = "<!-- comments:end -->"
DEFAULT_SYSTEMS = ("boilerstrip", "justext", "trafilatura", "all-text")


@dataclass
class Origins:
    """4-shingles of one system's output on the pages with comments, by origin."""

    article: int = 0
    comments: int = 0
    other: int = 0
    comments_kept: int = 0
    comments_total: int = 0
    pages: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    as_is: list[ShingleCounts] = field(default_factory=list)
    """Every Dragnet page's shingle counts against the article, as the system left it."""
    without_comments: list[ShingleCounts] = field(default_factory=list)
    """The same with the output lines that are mostly comment shingles taken out."""

    @property
    def output(self) -> int:
        """All 4-shingles of the output."""
        return self.article + self.comments + self.other


def dragnet_pages(dragnet: Path) -> list[tuple[Path, str, str]]:
    """``(HTML path, article, comments)`` of every page; comments are ``""`` where
    the gold has none."""
    htmls = find_files(dragnet / HTML_DIR, ".html")
    golds = find_files(dragnet / GOLD_DIR, GOLD_SUFFIX)
    out = []
    for page_id in sorted(htmls.keys() & golds.keys()):
        article, comments = split_main_and_comments(read_text(golds[page_id]))
        out.append((htmls[page_id], lines(article), comments.strip()))
    return out


def drop_comment_lines(output: str, comment_shingles: Container[tuple[str, ...]]) -> str:
    """``output`` without its lines of which at least half the shingles are comments'."""
    kept = []
    for line in output.split("\n"):
        counts = shingles(line)
        total = sum(counts.values())
        if not total or 2 * sum(n for s, n in counts.items() if s in comment_shingles) < total:
            kept.append(line)
    return "\n".join(kept)


def tally(system_names: Sequence[str], dragnet: Path) -> tuple[dict[str, Origins], int]:
    """Each system's :class:`Origins`, and the number of pages with comments."""
    systems = {name: make_system(name) for name in system_names}
    tallies = {name: Origins() for name in system_names}
    pages = dragnet_pages(dragnet)
    for html_path, article, comments in pages:
        html = read_html(html_path)
        text = html_to_text(html)
        in_article = shingles(article)
        only_comments = Counter(
            {s: n for s, n in shingles(comments).items() if s not in in_article}
        )
        for name, system in systems.items():
            counts = tallies[name]
            try:
                extracted = system.extract(text=text, html=html)
            except Exception as error:  # a peer's failure on a page is counted, not fatal
                counts.errors[type(error).__name__] += 1
                extracted = ""  # and scored as what its user gets: nothing
            counts.as_is.append(shingle_counts(article, extracted))
            if not comments:
                counts.without_comments.append(counts.as_is[-1])
                continue
            counts.without_comments.append(
                shingle_counts(article, drop_comment_lines(extracted, only_comments))
            )
            output = shingles(extracted)
            counts.pages += 1
            for shingle, n in output.items():
                if shingle in in_article:
                    counts.article += n
                elif shingle in only_comments:
                    counts.comments += n
                else:
                    counts.other += n
            counts.comments_total += sum(only_comments.values())
            counts.comments_kept += sum(min(n, output[s]) for s, n in only_comments.items())
    return tallies, sum(1 for _, _, comments in pages if comments)


def _f1(pages: list[ShingleCounts]) -> str:
    return f"{100 * shingle_score(pages, resamples=0).f1:.1f}" if pages else "-"


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}" if whole else "-"


def section(tallies: dict[str, Origins], n_pages: int, command: str, seconds: float) -> str:
    """The Markdown section for RESULTS.md."""
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    lines = [
        START_MARK,
        "## Reader comments on Dragnet",
        "",
        f"Generated {stamp} by `{command}` in {seconds:.0f} s "
        f"(Python {platform.python_version()}). Dragnet is EVAL-ONLY.",
        "",
        f"The {n_pages} Dragnet pages whose gold has reader comments after the article. "
        "Text systems read the `lxml` conversion of the HTML; trafilatura reads the HTML. "
        "Each system's output is cut into 4-shingles (as in the quality section); a "
        "shingle of the article counts as article, one found only in the comments as "
        "comments, any other as other noise. *Comments kept* is the share of the "
        "comments' own shingles found in the output.",
        "",
        "The last two columns score every Dragnet page (4-shingle F1 against the article, as "
        "in the quality section): as the system left it, and with the output lines of which "
        "half the shingles or more are comments' taken out, which is what telling comments "
        "apart would be worth.",
        "",
        "| system | pages | output shingles | article % | comments % | other % "
        "| comments kept % | F1 all pages | F1 without comment lines |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, t in tallies.items():
        errors = f" ({sum(t.errors.values())} failed, scored empty)" if t.errors else ""
        lines.append(
            f"| {name} | {t.pages}{errors} | {t.output:,} | {_percent(t.article, t.output)} "
            f"| {_percent(t.comments, t.output)} | {_percent(t.other, t.output)} "
            f"| {_percent(t.comments_kept, t.comments_total)} "
            f"| {_f1(t.as_is)} | {_f1(t.without_comments)} |"
        )
    lines.append(END_MARK)
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", type=Path, help="folder holding dragnet/")
    parser.add_argument(
        "--systems",
        nargs="+",
        default=list(DEFAULT_SYSTEMS),
        choices=[s.value for s in SystemName],
        metavar="SYSTEM",
        help=f"systems to compare (default: {' '.join(DEFAULT_SYSTEMS)}; "
        f"choices: {' '.join(s.value for s in SystemName)})",
    )
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--no-write", action="store_true", help="print, do not write RESULTS.md")
    args = parser.parse_args(argv)
    dragnet = args.data_dir / "dragnet"
    if not (dragnet / GOLD_DIR).is_dir():
        parser.error(f"no Dragnet set in {args.data_dir} (expected {dragnet / GOLD_DIR})")
    missing = [name for name in args.systems if not is_available(name)]
    if missing:
        parser.error(f"not installed: {', '.join(missing)} (pip install '.[bench]')")
    started = time.perf_counter()
    tallies, n_pages = tally(args.systems, dragnet)
    command = command_line("comments.py", argv)
    text = section(tallies, n_pages, command, time.perf_counter() - started)
    publish_section(text, args.results, start=START_MARK, end=END_MARK, print_only=args.no_write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
