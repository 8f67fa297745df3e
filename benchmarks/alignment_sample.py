"""Draw a sample of aligned training blocks for checking the alignment rule by eye.

Usage::

    python benchmarks/alignment_sample.py ../shared/data [--seed 0] [--pages 40]
    python benchmarks/alignment_sample.py ../shared/data --recheck JUDGED_TSV

Pages are drawn from the TRAIN sets only (``boilerstrip.train.TRAIN_SETS``),
each with one of the training converters in turn; every page is converted,
segmented and labelled exactly as training does it (``html_to_text``,
``segment``, ``align_labels``). From each page a few blocks are drawn so that
every label appears: the aligned title when there is one, then body and noise
blocks in turn. The TSV has empty ``judged_label`` and ``note`` columns to be
filled in by a reader who compares each block with the page's gold text.

With ``--recheck JUDGED``, nothing is drawn: the blocks of a judged TSV are
aligned again with the current rule, and the script prints how many of their
aligned labels agree with the judgements, and which blocks changed label. This
is how a change of the rule is scored against the same judgements.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from boilerstrip.align import align_labels
from boilerstrip.convert import Converter, html_to_text
from boilerstrip.datasets import Page, iter_pages
from boilerstrip.segment import segment
from boilerstrip.train import DEFAULT_CONVERTERS, TRAIN_SETS, page_headings, train_data_problem
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


def training_labels(page: Page, converter: str) -> tuple[list[str], list[Label]]:
    """The blocks of ``page`` converted by ``converter``, and their labels as training
    gives them (:func:`boilerstrip.train.load_examples`)."""
    assert page.html is not None
    doc = segment(html_to_text(page.html, converter=Converter(converter)))
    gold = page.gold
    labels = align_labels(
        doc,
        gold.text,
        title=gold.title,
        headings=page_headings(page.html),
        without=gold.without_snippets,
    )
    return [b.text for b in doc.blocks], labels


def sample(data_dir: Path, *, seed: int, pages: int, blocks_per_page: int) -> list[Row]:
    """Sampled blocks of ``pages`` TRAIN pages, ``blocks_per_page`` from each."""
    small = max(1, round(pages * SMALL_SET_SHARE))
    counts = {TRAIN_SETS[0]: pages - small, TRAIN_SETS[1]: small}
    rows: list[Row] = []
    for name in TRAIN_SETS:
        drawn = draw_pages(data_dir / name, counts[name], seed=seed)
        for i, page in enumerate(drawn):
            converter = DEFAULT_CONVERTERS[i % len(DEFAULT_CONVERTERS)]
            texts, labels = training_labels(page, converter)
            rng = random.Random(_seed(seed, page.dataset, page.id))
            for index in sample_blocks(labels, blocks_per_page, rng=rng):
                rows.append(Row(name, page.id, converter, index, labels[index], texts[index]))
    return rows


def write_tsv(rows: Sequence[Row], out: Path) -> None:
    """Write ``rows`` with empty judgement columns."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        fh.write("\t".join(COLUMNS) + "\n")
        for r in rows:
            cells = (r.dataset, r.page_id, r.converter, str(r.block_index), r.label.value)
            fh.write("\t".join([*cells, escape(r.text), "", ""]) + "\n")


@dataclass(frozen=True)
class Rechecked:
    """One judged block aligned again: its label then and now, and the judgement."""

    dataset: str
    page_id: str
    block_index: int
    then: str
    now: str
    judged: str
    text: str


def recheck(data_dir: Path, judged: Path) -> list[Rechecked]:
    """The judged blocks of ``judged`` aligned again with the current rule.

    Raises ValueError when a block's text is no longer at its index (the
    converter or the segmenter changed since the sample was drawn).
    """
    with judged.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    missing = [c for c in COLUMNS if rows and c not in rows[0]]
    if not rows or missing:
        raise ValueError(f"{judged}: no judged rows, or columns missing: {missing}")
    wanted = {(r["dataset"], r["page_id"]) for r in rows}
    pages = {
        (name, p.id): p
        for name in sorted({d for d, _ in wanted})
        for p in iter_pages(data_dir / name)
        if isinstance(p, Page) and (name, p.id) in wanted
    }
    aligned: dict[tuple[str, str, str], tuple[list[str], list[Label]]] = {}
    out: list[Rechecked] = []
    for r in rows:
        key = (r["dataset"], r["page_id"], r["converter"])
        if key[:2] not in pages:
            raise ValueError(f"{judged}: page {key[0]}/{key[1]} not found in {data_dir}")
        if key not in aligned:
            aligned[key] = training_labels(pages[key[:2]], key[2])
        texts, labels = aligned[key]
        index = int(r["block_index"])
        if index >= len(texts) or escape(texts[index]) != r["text"]:
            raise ValueError(
                f"{judged}: block {index} of {key[0]}/{key[1]} ({key[2]}) no longer holds "
                f"{r['text'][:60]!r}: the text the sample was drawn from has changed"
            )
        out.append(
            Rechecked(
                key[0],
                key[1],
                index,
                r["aligned_label"],
                labels[index].value,
                r["judged_label"],
                r["text"],
            )
        )
    return out


def print_recheck(rows: Sequence[Rechecked]) -> None:
    """Agreement of the labels then and now with the judgements, and the changes."""
    for when in ("then", "now"):
        agree = sum(getattr(r, when) == r.judged for r in rows)
        print(
            f"aligned label {when}: {agree} / {len(rows)} agree ({100 * agree / len(rows):.1f} %)"
        )
    for label in Label:
        mine = [r for r in rows if r.now == label.value]
        agree = sum(r.judged == r.now for r in mine)
        print(f"  now {label.value}: {agree} / {len(mine)}")
    changed = [r for r in rows if r.then != r.now]
    print(f"{len(changed)} blocks changed label (then -> now, judged):")
    for r in changed:
        print(
            f"  {r.dataset}/{r.page_id} #{r.block_index}: {r.then} -> {r.now}, "
            f"judged {r.judged}: {r.text[:70]}"
        )


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
    parser.add_argument(
        "--recheck",
        type=Path,
        metavar="JUDGED",
        help="draw nothing: align the blocks of this judged TSV again with the current "
        "rule and score them against their judgements",
    )
    args = parser.parse_args(argv)
    if problem := train_data_problem(args.data_dir):
        parser.error(problem)
    if args.recheck is not None:
        try:
            print_recheck(recheck(args.data_dir, args.recheck))
        except (OSError, ValueError) as exc:
            print(f"alignment_sample.py: {exc}", file=sys.stderr)
            return 1
        return 0
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
