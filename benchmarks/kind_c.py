"""The kind classifier's penalty: cross-validated kind accuracy for a few values of C.

Usage::

    python benchmarks/kind_c.py DATA_DIR [--c 0.1 0.3 1] [--cache DIR] [--no-write]

Runs the kind classifier's own cross-validation (``fit_kinds`` in
``boilerstrip/train.py``: folds grouped by page, each labeled block of a real
page scored by a classifier fitted without its page) once for each C, on the
files the shipped model is trained from: the reviewed set
``models/kinds/noise-kinds.tsv``, the random draw ``models/kinds/noise-sample.tsv``
and the hand-written appeals, with each labeled block's features taken in its
TRAIN page text. The block stages are not trained; the stopwords are the
shipped model's. Needs the ``[train]`` extra (the converters) and reads only the
TRAIN sets of DATA_DIR. Takes about a minute (a few more without ``--cache``,
to convert the pages).

The results replace the section between ``<!-- kind-c:start -->`` and
``<!-- kind-c:end -->`` in ``benchmarks/RESULTS.md`` (``--no-write`` prints them).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus import command_line, publish_section

from boilerstrip.model import default_model
from boilerstrip.train import (
    DEFAULT_APPEALS_FILE,
    DEFAULT_KIND_SAMPLE_FILE,
    DEFAULT_KINDS_FILE,
    KIND_C,
    fit_kinds,
    load_examples,
    page_texts,
    read_appeals,
    train_data_problem,
)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
START_MARK = "<!-- kind-c:start -->"
END_MARK = "<!-- kind-c:end -->"
DEFAULT_CS = (0.1, 0.3, 1.0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", type=Path, help="folder holding the TRAIN sets")
    parser.add_argument("--c", type=float, nargs="+", default=list(DEFAULT_CS), help="values of C")
    parser.add_argument("--cache", type=Path, default=None, help="conversion cache folder")
    parser.add_argument("--results", type=Path, default=RESULTS, help="file to update")
    parser.add_argument("--no-write", action="store_true", help="print, do not write")
    args = parser.parse_args(argv)
    if problem := train_data_problem(args.data_dir):
        parser.error(problem)

    started = time.perf_counter()
    examples = load_examples(
        args.data_dir, cache_dir=args.cache, progress=lambda msg: print(msg, file=sys.stderr)
    )
    pages = page_texts(examples)
    vocabulary = default_model().vocabulary
    appeals = read_appeals(ROOT / DEFAULT_APPEALS_FILE)
    rows = []
    for c in args.c:
        _, _, report = fit_kinds(
            ROOT / DEFAULT_KINDS_FILE,
            vocabulary,
            seed=0,
            appeals=appeals,
            sample=ROOT / DEFAULT_KIND_SAMPLE_FILE,
            pages=pages,
            c=c,
        )
        rows.append((c, report))
        print(f"C={c}: done", file=sys.stderr)
    first = rows[0][1]
    lines = [
        START_MARK,
        "## Kind classifier: its penalty C",
        "",
        f"Generated {datetime.now(timezone.utc):%Y-%m-%d} by "
        f"`{command_line('kind_c.py', argv)}` in {time.perf_counter() - started:.0f} s "
        f"(Python {platform.python_version()}). Reads the TRAIN sets only.",
        "",
        f"Accuracy of the kind classifier's cross-validation ({first['folds']} folds grouped "
        "by page; each block scored alone, before its noise neighbours' votes), on the "
        "reviewed set (every kind in fair numbers, "
        f"{first['reviewed']['n']} blocks) and on the random draw (kinds in the proportions "
        f"pages hold them, {first['sample']['n']} blocks). The shipped model uses "
        f"C={KIND_C}.",
        "",
        "| C | reviewed | random draw |",
        "|---|---|---|",
        *(
            f"| {c} | {r['reviewed']['accuracy']:.3f} | {r['sample']['accuracy']:.3f} |"
            for c, r in rows
        ),
        END_MARK,
        "",
    ]
    text = "\n".join(lines)
    publish_section(text, args.results, start=START_MARK, end=END_MARK, print_only=args.no_write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
