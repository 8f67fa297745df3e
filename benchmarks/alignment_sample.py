"""Draw a sample of aligned training blocks for checking the alignment rule by eye.

Usage::

    python benchmarks/alignment_sample.py ../shared/data [--seed 0] [--pages 40]

Pages are drawn from the TRAIN sets only (``boilerstrip.train.TRAIN_SETS``),
each with one of the training converters in turn; every page is converted,
segmented and labelled exactly as training does it (``html_to_text``,
``segment``, ``align_labels``). From each page a few blocks are drawn so that
every label appears: the aligned title when there is one, then body and noise
blocks in turn. The TSV has empty ``judged_label`` and ``note`` columns to be
filled in by a reader who compares each block with the page's gold text.
"""

from __future__ import annotations

import argparse
import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from boilerstrip.align import align_labels
from boilerstrip.convert import Converter, html_to_text
from boilerstrip.datasets import Page, iter_pages
from boilerstrip.segment import segment
from boilerstrip.train import DEFAULT_CONVERTERS, TRAIN_SETS
from boilerstrip.types import Label

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "alignment-sample.tsv"
COLUMNS = (
    "dataset",
    "page_id",
    "converter",
    "block_index",
    "aligned_label",
    "text",
    "judged_label",
    "note",
)
TEXT_CHARS = 300
"""Enough of a block to judge it; longer blocks are sentences of a paragraph anyway."""

SMALL_SET_SHARE = 0.25
"""Share of the pages drawn from the smaller TRAIN set (mozilla-readability has 130
pages against 1,356): enough pages to say something about it on its own."""


@dataclass(frozen=True)
class Row:
    """One sampled block with its aligned label."""

    dataset: str
    page_id: str
    converter: str
    block_index: int
    label: Label
    text: str


def _seed(*parts: object) -> int:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "little")


def _usable(page: Page) -> bool:
    """Training skips pages with no HTML or an empty gold; so does the sample."""
    return page.html is not None and bool(page.gold.text.strip())


def draw_pages(folder: Path, count: int, *, seed: int) -> list[Page]:
    """``count`` pages of one set (with HTML and non-empty gold), in draw order."""
    ids = sorted(p.id for p in iter_pages(folder) if isinstance(p, Page) and _usable(p))
    chosen = random.Random(_seed(seed, folder.name)).sample(ids, min(count, len(ids)))
    order = {page_id: i for i, page_id in enumerate(chosen)}
    pages = [p for p in iter_pages(folder) if isinstance(p, Page) and p.id in order]
    return sorted(pages, key=lambda p: order[p.id])


def sample_blocks(labels: Sequence[Label], count: int, *, rng: random.Random) -> list[int]:
    """Indices of up to ``count`` blocks: the title if any, then body and noise in turn."""
    pools = {
        label: rng.sample(
            [i for i, x in enumerate(labels) if x is label],
            sum(x is label for x in labels),
        )
        for label in Label
    }
    picked = pools[Label.TITLE][:1]
    turn = [Label.BODY, Label.NOISE]
    rng.shuffle(turn)
    while len(picked) < count and (pools[Label.BODY] or pools[Label.NOISE]):
        for label in turn:
            if pools[label] and len(picked) < count:
                picked.append(pools[label].pop())
    return sorted(picked)


def escape(text: str, *, limit: int = TEXT_CHARS) -> str:
    """``text`` cut to ``limit`` characters with tabs and line breaks escaped.

    >>> escape("a\\tb\\nc")
    'a\\\\tb\\\\nc'
    >>> escape("abcdef", limit=4)
    'abc…'
    """
    cut = text if len(text) <= limit else text[: limit - 1] + "…"
    return cut.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def sample(data_dir: Path, *, seed: int, pages: int, blocks_per_page: int) -> list[Row]:
    """Sampled blocks of ``pages`` TRAIN pages, ``blocks_per_page`` from each."""
    small = max(1, round(pages * SMALL_SET_SHARE))
    counts = {TRAIN_SETS[0]: pages - small, TRAIN_SETS[1]: small}
    rows: list[Row] = []
    for name in TRAIN_SETS:
        drawn = draw_pages(data_dir / name, counts[name], seed=seed)
        for i, page in enumerate(drawn):
            assert page.html is not None
            converter = DEFAULT_CONVERTERS[i % len(DEFAULT_CONVERTERS)]
            doc = segment(html_to_text(page.html, converter=Converter(converter)))
            gold = page.gold
            labels = align_labels(doc, gold.text, title=gold.title, without=gold.without_snippets)
            rng = random.Random(_seed(seed, page.dataset, page.id))
            for index in sample_blocks(labels, blocks_per_page, rng=rng):
                text = doc.blocks[index].text
                rows.append(Row(name, page.id, converter, index, labels[index], text))
    return rows


def write_tsv(rows: Sequence[Row], out: Path) -> None:
    """Write ``rows`` with empty judgement columns."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        fh.write("\t".join(COLUMNS) + "\n")
        for r in rows:
            cells = (r.dataset, r.page_id, r.converter, str(r.block_index), r.label.value)
            fh.write("\t".join([*cells, escape(r.text), "", ""]) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Sample aligned training blocks from the TRAIN sets for checking by eye."
    )
    parser.add_argument("data_dir", type=Path, metavar="DATA_DIR", help="folder of the sets")
    parser.add_argument("--seed", type=int, default=0, help="seed of every draw (default 0)")
    parser.add_argument("--pages", type=int, default=40, help="pages to draw (default 40)")
    parser.add_argument(
        "--blocks-per-page", type=int, default=5, help="blocks drawn per page (default 5)"
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"TSV to write (default {DEFAULT_OUT})"
    )
    args = parser.parse_args(argv)
    if args.pages < 2 or args.blocks_per_page < 1:
        parser.error("--pages must be >= 2 and --blocks-per-page >= 1")
    rows = sample(
        args.data_dir, seed=args.seed, pages=args.pages, blocks_per_page=args.blocks_per_page
    )
    write_tsv(rows, args.out)
    by_label = {label.value: sum(r.label is label for r in rows) for label in Label}
    print(f"{len(rows)} blocks from {len({(r.dataset, r.page_id) for r in rows})} pages")
    print(f"aligned labels: {by_label}; written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
