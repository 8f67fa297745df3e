"""Draw noise blocks at random from the TRAIN pages, for labeling their kind by hand.

The reviewed set ``noise-kinds.tsv`` was built from rule candidates: it holds
every kind in fair numbers, but not in the proportions in which pages hold
them (half of all noise blocks are menu items). This script draws blocks the
way they occur: uniformly among all the blocks that the training alignment
labels noise, over every TRAIN page and every converter the training uses
(lxml, resiliparse, inscriptis). The labeled draw, ``noise-sample.tsv``, then
measures the kind classifier on noise as users meet it, and part of it trains
the classifier (see ``boilerstrip/train.py``, ``fit_kinds``).

Only the two TRAIN datasets are read (through ``boilerstrip.train``, which
refuses EVAL-ONLY sets).

Usage (from the repository root, with the ``[train]`` extra installed)::

    .venv/bin/python models/kinds/sample_noise.py --data ../shared/data \\
        --n 480 --seed 7 --out /tmp/noise-draw.tsv

The output is a UTF-8 TSV with the header
``kind  text  dataset  page_id  converter  before  after``: ``kind`` is
empty (to be filled by hand), ``before`` and ``after`` hold up to two blocks
on each side (joined with `` ⏎ ``) to judge the block in its page. Tabs and
newlines inside texts are replaced by spaces. The same arguments give the same
draw (``--cache`` only saves the conversion time).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from boilerstrip.train import load_examples  # noqa: E402
from boilerstrip.types import Label  # noqa: E402

CONTEXT_BLOCKS = 2
"""Blocks shown on each side of a drawn block."""

DATASET_NAMES = {"wcxb": "wcxb-dev", "readability": "mozilla-readability"}
"""Dataset names as ``noise-kinds.tsv`` writes them, by the reader's name."""

HEADER = ("kind", "text", "dataset", "page_id", "converter", "before", "after")


def _flat(text: str) -> str:
    return " ".join(text.split())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--n", type=int, default=480, help="blocks to draw (default 480)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the draw (default 7)")
    parser.add_argument("--cache", type=Path, default=None, help="conversion cache folder")
    parser.add_argument("--out", type=Path, required=True, help="TSV file to write")
    args = parser.parse_args(argv)

    examples = load_examples(
        args.data, cache_dir=args.cache, progress=lambda msg: print(msg, file=sys.stderr)
    )
    examples.sort(key=lambda e: (e.page_id, e.source))
    pool = [
        (e, i)
        for e in examples
        for i, label in enumerate(e.labels)
        if label is Label.NOISE and e.doc.blocks[i].text.strip()
    ]
    draw = random.Random(args.seed).sample(pool, min(args.n, len(pool)))
    draw.sort(key=lambda item: (item[0].page_id, item[0].source, item[1]))
    with args.out.open("w", encoding="utf-8") as fh:
        fh.write("\t".join(HEADER) + "\n")
        for example, i in draw:
            blocks = example.doc.blocks
            dataset, page_id = example.page_id.split("/", 1)
            before = blocks[max(0, i - CONTEXT_BLOCKS) : i]
            after = blocks[i + 1 : i + 1 + CONTEXT_BLOCKS]
            row = (
                "",
                _flat(blocks[i].text),
                DATASET_NAMES.get(dataset, dataset),
                page_id,
                example.source,
                " ⏎ ".join(_flat(b.text) for b in before),
                " ⏎ ".join(_flat(b.text) for b in after),
            )
            fh.write("\t".join(row) + "\n")
    print(f"{len(draw)} of {len(pool)} noise blocks drawn to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
