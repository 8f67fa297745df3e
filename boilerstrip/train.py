"""Train the shipped model from the TRAIN benchmark sets, reproducibly.

Usage::

    python -m boilerstrip.train --data ../shared/data --out models/

Steps (each deterministic; every random choice uses a seed derived from
``--seed`` and the page id):

1. read the TRAIN sets (never an EVAL-ONLY set) and turn each page's HTML into
   text with several converters, as users' text is made;
2. segment each text and label its blocks by aligning them to the gold text
   (:mod:`boilerstrip.align`);
3. add augmented copies: glued blocks, hard-wrapped blank-line paragraphs,
   headline removed, noise runs shuffled, reviewed noise blocks inserted;
4. fit the context-free block classifier (noise of
   :data:`~boilerstrip.features.PROSE_TOKENS` words or more is a class of its
   own there), get out-of-fold probabilities with cross-validation grouped by
   site, fit the context networks (a committee of
   :data:`CONTEXT_NETS`) on them;
5. fit the kind classifier on the reviewed kind-labeled noise set;
6. report grouped cross-validated scores, save the model and its card.

Needs the ``[train]`` extra (HTML converters, scipy).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import pickle
import random
import re
import sys
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from boilerstrip.align import align_labels
from boilerstrip.argtypes import positive
from boilerstrip.arrays import Pages
from boilerstrip.features import (
    DENSE_NAMES,
    HASH_BITS,
    N_BUCKETS,
    PROSE_TOKENS,
    ContentWords,
    Features,
    Vocabulary,
    extract,
    word_hashes,
)
from boilerstrip.model import (
    FORMAT_VERSION,
    KIND_HASH_BITS,
    LABELS,
    MODEL_FILENAME,
    Z_CLIP,
    Committee,
    Linear,
    Model,
    Network,
    one_vs_rest,
    softmax,
    standardise,
)
from boilerstrip.segment import assemble, segment
from boilerstrip.smooth import (
    BODY_THRESHOLD,
    CORE_FLOOR,
    FIRST_STAGE_CLASSES,
    KIND_VOTE,
    NEIGHBOUR_CUES,
    OUTSIDE_THRESHOLD,
    PROSE_NOISE,
    TITLE_THRESHOLD,
    as_labels,
    block_weights,
    context_inputs,
    core_mask,
    decide_labels,
    label_blocks,
    smooth_kinds,
)
from boilerstrip.types import NOISE_KINDS, Block, Document, Kind, Label

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[str], None]
Converted = tuple[str, str, str, str, str, str | None, tuple[str, ...], tuple[str, ...]]
"""A converted page text: (page id, site, converter, text, gold text, gold title,
without snippets, the page's ``<h1>`` texts)."""

CACHE_VERSION = 2
"""Part of the conversion cache's key: bumped when :data:`Converted` changes."""

MAX_HEADINGS = 3
"""``<h1>`` texts kept per page as fallback titles."""

TRAIN_SETS = ("wcxb-dev", "mozilla-readability")
"""The only sets whose pages may train the shipped model (see the data README)."""

EVAL_ONLY_SETS = ("dragnet", "cleaneval", "l3s-gn1", "l3s")
"""Sets reserved for evaluation (folder names and reader names): training refuses them."""

KIND_COLUMNS = ("kind", "text", "dataset", "page_id")
"""Columns the kind-labeled set must have."""

DEFAULT_CONVERTERS = ("lxml", "resiliparse", "inscriptis")
"""Three converters that break lines differently, as users' tools do
(html-text breaks lines much as lxml does; a fourth would cost memory, not variety)."""

N_FOLDS = 4
"""Folds of the cross-validation grouped by site."""

STOPWORDS_PER_SET = 300
"""Most frequent body tokens taken as stopwords: the function words of the
training languages (mostly English), learned; those of other languages are
listed (:data:`DEFAULT_FUNCTION_WORDS_FILE`)."""

DEFAULT_FUNCTION_WORDS_FILE = Path("models") / "vocabulary" / "function-words.tsv"
"""Function words of languages the TRAIN sets hardly hold, added to the learned
stopwords (see ``models/vocabulary/README.md``)."""

FUNCTION_WORD_COLUMNS = ("language", "words")
"""Columns of the function-words file."""

BLOCK_ALPHA = 1e-5
"""L2 penalty of the block classifier. With averaged SGD the weights come close
to the penalised optimum, and a smaller penalty let pairs of correlated dense
features (characters and words per block) take large opposite weights that
extrapolate badly to scripts without spaces."""

KIND_C = 0.3
"""Penalty parameter of the kind classifier, a linear SVM trained on a few
thousand rows. First chosen by 4-fold cross-validation grouped by page on the
training part of the reviewed set: accuracy 0.706, against 0.699 at C=0.1,
0.700 at C=1, and 0.660 for the averaged-SGD logistic regression used before
(which named many kinds 'newsletter' or 'other'). Checked again with the
blocks' features in their page and the random draw (the :func:`fit_kinds`
cross-validation, :data:`KIND_FOLDS` folds; ``benchmarks/kind_c.py``):
reviewed / draw accuracy 0.733 / 0.729 at C=0.3, 0.733 / 0.723 at C=0.1,
0.730 / 0.723 at C=1."""

SVM_MAX_ITER = 5000
"""Iterations of liblinear's coordinate descent for the kind classifier."""

SGD_EPOCHS = 8
"""Passes of stochastic gradient descent; a fixed number keeps training deterministic."""

SGD_JOBS = 2
"""Threads fitting the one-vs-rest classes side by side (the machine has 2 cores);
each class is fitted alone with the same seed, so results do not depend on it."""

ABSENT_CLASS_SCORE = -30.0
"""Score given to a class the training rows lack, so it is never predicted."""

CONTEXT_MAX_ROWS = 400_000
"""The context network is fitted on at most this many blocks (a seeded sample):
it has a few thousand weights, and more rows only cost time."""

CONTEXT_ROWS_PER_TEXT = 150
"""The context network's sample takes each block of a text with probability
min(1, 150 / blocks in the text): long pages count by their first 150 blocks'
worth, so that the short texts (snippets, short pages) are not a rounding
error in the sample."""

BLOCK_ROWS_PER_TEXT = 150
"""Each block of a text of ``n`` blocks weighs ``sqrt(min(1, 150 / n))`` in the
block classifier's fit (:func:`block_row_weights`): a page of 1,500 menu items
weighs as much as one of about 470 blocks, not ten times as much as one of 150.
The pages are scored one by one, and the context network's sample already
counts long texts by about 150 of their blocks (:data:`CONTEXT_ROWS_PER_TEXT`).
Grouped CV page F1 0.8417 / 0.8390 / 0.8193 (inscriptis / lxml / resiliparse)
against 0.8415 / 0.8382 / 0.8195 with every block weighing 1, and 15 of the 21
clean cases right against 13; weighing ``min(1, 150 / n)`` itself scored
0.8404 / 0.8354 / 0.8184 (``benchmarks/EXPERIMENTS.md``)."""

CONTEXT_EPOCHS = 15
"""Passes of the context network's optimiser (early stopping may end sooner)."""

CONTEXT_NETS = 3
"""Members of the context stage's :class:`~boilerstrip.model.Committee`, each
fitted with its own seed (start and sample of rows). The model card gives the
grouped CV page F1 of each member alone beside that of their mean."""

CONTEXT_HIDDEN = (32,)
"""One hidden layer of 32 units: enough to combine neighbours' odds non-linearly."""

AUGMENT_SHARE = 0.35
"""Share of page texts that also get an augmented copy."""

INSERT_SHARE = 0.5
"""Share of page texts that also get a copy with reviewed noise inserted."""

CROP_SHARE = 0.25
"""Share of page texts that also get a copy cut down to a few units (see :func:`crop`)."""

MAX_CROP_UNITS = 8
"""A cropped copy keeps at most this many consecutive units."""

MINI_SHARE = 0.25
"""Share of page texts that also get a miniature copy (see :func:`miniature`)."""

MINI_BODY_UNITS = 5
"""A miniature copy keeps at most this many consecutive body units."""

MINI_NOISE_UNITS = 6
"""A miniature copy keeps at most this many noise units before its body and as many after."""

CLOSING_SHARE = 0.25
"""Share of page texts that also get a copy whose last body paragraph ends in a
short sentence on its own line (see :func:`split_closing`)."""

CLOSING_MINI_SHARE = 0.5
"""Share of the miniature copies that get the same split."""

CLOSING_MAX_WORDS = 15
"""A closing sentence put on its own line has at most this many words."""

SENTENCE_CASE_SHARE = 0.25
"""Share of page texts that also get a copy with their headline in sentence case
(see :func:`sentence_case_titles`)."""

CIPHER_SHARE = 0.25
"""Share of page texts that also get a copy in an unseen 'language' (see :func:`cipher`)."""

CIPHER_GROUPS = ("aeiou", "bcdfghjklmnpqrstvwxyz")
"""Letters are permuted within these groups, so ciphered words keep the look of words."""

CIPHER_KEEP = re.compile(r"\S*(?:https?:|www\.|@|\.com|\.org|\.net|©)\S*", re.IGNORECASE)
"""Tokens a cipher leaves alone: links, e-mail addresses and copyright marks look
the same in every language."""

IDEOGRAPH_SHARE = 0.15
"""Share of texts also copied into a made-up script written without spaces, as
Chinese and Japanese are (see :func:`ideograph_cipher`): the TRAIN sets hold
no such page."""

IDEOGRAPH_BASE = 0x4E00
IDEOGRAPH_COUNT = 20_000
"""Code words are drawn from the first 20,000 CJK Unified Ideographs."""

KANA_BASE = 0x3041
KANA_COUNT = 83
"""The 83 hiragana from U+3041."""

KANA_SHARE = 0.5
"""Share of ideographic copies that look Japanese rather than Chinese: there,
words of up to :data:`KANA_MAX_LETTERS` letters (mostly function words) become
one hiragana, as Japanese particles are."""

KANA_MAX_LETTERS = 2
"""Longest word written as one kana in the Japanese-like copies."""

IDEOGRAPH_LETTERS_PER_CHAR = 3
"""A word of n letters becomes ceil(n / 3) ideographs (about two for an English word)."""

FULL_WIDTH = {
    ".": "\u3002",
    ",": "\uff0c",
    ";": "\uff1b",
    ":": "\uff1a",
    "!": "\uff01",
    "?": "\uff1f",
}
"""Sentence punctuation and its full-width form."""

_IDEOGRAPH_UNITS = re.compile(r"[^\W\d_]+|[.,;:!?](?=\s|$)|(?<=[\w.,;:!?]) (?=[^\W\d_])")
"""What the made-up script rewrites: words, sentence punctuation before a space
or a line end, and a space between words (dropped)."""

WRAP_WIDTH = 72
"""Hard-wrap width for the blank-line paragraph augmentation."""

DEFAULT_KINDS_FILE = Path("models") / "kinds" / "noise-kinds.tsv"
"""The reviewed kind-labeled noise set, relative to the repository root."""

DEFAULT_APPEALS_FILE = Path("models") / "kinds" / "appeals.tsv"
"""Hand-written multi-block appeals and body hard negatives (see APPEALS.md)."""

APPEAL_COLUMNS = ("kind", "language", "group", "text")
"""Columns of the appeals file."""

APPEAL_SHARE = 0.8
"""Share of page texts that also get a copy with hand-written appeals inserted."""

MAX_APPEALS = 3
"""At most this many appeals are inserted into one copy."""

BODY_ONLY_SHARE = 0.1
"""Share of page texts that also get a copy holding only their title and body:
text from an extractor that already removed the boilerplate must come back whole."""

APPEAL_BODY_SHARE = 0.3
"""Share of those copies that also get a body hard negative (prose about money,
subscriptions or comments as news), so that topic words alone do not make noise."""

KIND_FOLDS = 5
"""Folds, grouped by page, of the kind classifier's cross-validation: each
labeled block of a real page is scored by a classifier that never saw its page."""

DEFAULT_KIND_SAMPLE_FILE = Path("models") / "kinds" / "noise-sample.tsv"
"""Noise blocks drawn at random from the TRAIN pages and labeled by hand
(``models/kinds/sample_noise.py``): kinds in the proportions pages hold them."""

KIND_PAGE_DATASETS = {"wcxb-dev": "wcxb", "mozilla-readability": "readability"}
"""The readers' dataset names (the prefix of :attr:`Example.page_id`) by the
folder names the kind-labeled files write."""


@dataclass(frozen=True)
class Example:
    """One training text with its block labels."""

    page_id: str
    site: str
    source: str
    doc: Document
    labels: tuple[Label, ...]
    gold: str


@dataclass
class Matrix:
    """Features and labels of many documents, stacked.

    The hashed features of each document are kept compact: for each block,
    its distinct buckets (reduced to ``width``) in increasing order, as int32,
    with their summed values as float32. A training set of three million
    blocks then fits in memory beside its design matrix.
    """

    width: int = N_BUCKETS
    dense: list[FloatArray] = field(default_factory=list)
    counts: list[npt.NDArray[np.int64]] = field(default_factory=list)
    cols: list[npt.NDArray[np.int32]] = field(default_factory=list)
    vals: list[npt.NDArray[np.float32]] = field(default_factory=list)
    labels: list[npt.NDArray[np.int64]] = field(default_factory=list)
    words: list[ContentWords] = field(default_factory=list)
    doc_slices: list[tuple[int, int]] = field(default_factory=list)
    n_rows: int = 0

    def release_features(self) -> None:
        """Drop the per-document feature arrays once they are in a matrix
        (the content words stay: the context stage reads them per document)."""
        self.dense.clear()
        self.counts.clear()
        self.cols.clear()
        self.vals.clear()

    def add(self, features: Features, labels: Sequence[int]) -> None:
        n = features.n_blocks
        keys = features.rows * self.width + (features.cols & (self.width - 1))
        distinct, inverse = np.unique(keys, return_inverse=True)
        sums = np.bincount(inverse.ravel(), weights=features.vals, minlength=distinct.size)
        self.dense.append(features.dense)
        self.counts.append(np.bincount(distinct // self.width, minlength=n))
        self.cols.append((distinct % self.width).astype(np.int32))
        self.vals.append(sums.astype(np.float32))
        self.labels.append(np.asarray(labels, dtype=np.int64))
        self.words.append(features.words)
        self.doc_slices.append((self.n_rows, self.n_rows + n))
        self.n_rows += n


def _seed_for(*parts: str) -> int:
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "little")


# --------------------------------------------------------------------------- data


def load_examples(
    data_dir: Path,
    *,
    converters: Sequence[str] = DEFAULT_CONVERTERS,
    cache_dir: Path | None = None,
    limit: int | None = None,
    progress: Progress = lambda _msg: None,
) -> list[Example]:
    """Convert, segment and label every TRAIN page with every converter
    (the first ``limit`` pages of each set; all by default), caching the
    converted texts in ``cache_dir`` when given."""
    from boilerstrip.convert import Converter, html_to_text
    from boilerstrip.datasets import EVAL_ONLY_DATASETS, Page, PageError, detect_format, iter_pages

    examples: list[Example] = []
    for name in TRAIN_SETS:
        folder = data_dir / name
        if not folder.exists():
            raise FileNotFoundError(f"TRAIN set {name!r} not found in {data_dir}")
        found = detect_format(folder).value
        if found in EVAL_ONLY_DATASETS or folder.resolve().name in EVAL_ONLY_SETS:
            raise ValueError(
                f"{folder} holds the EVAL-ONLY set {found!r}: it may never train the model"
            )
        cache_file = None
        if cache_dir is not None:
            files = [p for p in folder.rglob("*") if p.is_file()]
            newest = max((p.stat().st_mtime_ns for p in files), default=0)
            fingerprint = f"{folder.resolve()}|{len(files)}|{newest}"
            key = hashlib.sha256(
                f"{name}|{fingerprint}|{','.join(converters)}|{limit}|{CACHE_VERSION}".encode()
            ).hexdigest()
            cache_file = cache_dir / f"{name}-{key[:12]}.pickle"
            if cache_file.exists():
                with cache_file.open("rb") as fh:
                    cached: list[Converted] = pickle.load(fh)
                examples.extend(_label(cached))
                progress(f"{name}: {len(cached)} converted texts from cache")
                continue
        converted: list[Converted] = []
        n_pages = n_errors = 0
        started = time.perf_counter()
        for item in iter_pages(folder, limit=limit):
            if isinstance(item, PageError):
                n_errors += 1
                progress(f"  skipped {item.dataset}/{item.id}: {item.reason}")
                continue
            assert isinstance(item, Page)
            if item.dataset in EVAL_ONLY_DATASETS:
                raise ValueError(f"{folder}: page {item.id} is from EVAL-ONLY set {item.dataset!r}")
            if item.html is None or not item.gold.text.strip():
                n_errors += 1
                progress(f"  skipped {item.dataset}/{item.id}: no HTML or empty gold")
                continue
            n_pages += 1
            site = item.site or item.id
            headings = page_headings(item.html)
            for conv in converters:
                try:
                    text = html_to_text(item.html, converter=Converter(conv))
                except Exception as exc:
                    progress(f"  {conv} failed on {item.dataset}/{item.id}: {exc}")
                    continue
                converted.append(
                    (
                        f"{item.dataset}/{item.id}",
                        site,
                        conv,
                        text,
                        item.gold.text,
                        item.gold.title,
                        tuple(item.gold.without_snippets),
                        headings,
                    )
                )
            if n_pages % 100 == 0:
                rate = n_pages / (time.perf_counter() - started)
                progress(f"{name}: {n_pages} pages converted ({rate:.1f} pages/s)")
        progress(f"{name}: {n_pages} pages, {n_errors} skipped, {len(converted)} texts")
        if cache_file is not None:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            with cache_file.open("wb") as fh:
                pickle.dump(converted, fh)
        examples.extend(_label(converted))
    return examples


def _label(
    converted: Sequence[Converted],
) -> Iterator[Example]:
    for page_id, site, conv, text, gold, title, without, headings in converted:
        doc = segment(text)
        if not doc.blocks:
            continue
        labels = align_labels(doc, gold, title=title, headings=headings, without=without)
        yield Example(page_id, site, conv, doc, tuple(labels), gold)


def page_headings(html: str) -> tuple[str, ...]:
    """The non-empty ``<h1>`` texts of a page (whitespace collapsed), at most
    :data:`MAX_HEADINGS`; none when the HTML cannot be parsed."""
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return ()
    found = (" ".join(h.text_content().split()) for h in root.iter("h1"))
    return tuple(text for text in found if text)[:MAX_HEADINGS]


# --------------------------------------------------------------------------- augmentation


def augment(example: Example, *, seed: int) -> Example | None:
    """A deterministic variant of ``example`` (or None when it does not apply).

    One of: glue a noise block to the next body block with no space; hard-wrap
    body paragraphs and separate blocks with blank lines; drop the headline;
    shuffle the runs of noise blocks.
    """
    rng = random.Random(_seed_for(example.page_id, example.source, str(seed)))
    units = _units(example)
    if len(units) < 3:
        return None
    choice = rng.randrange(4)
    if choice == 0:
        candidates = [
            i
            for i in range(len(units) - 1)
            if units[i][1] is Label.NOISE
            and units[i + 1][1] is Label.BODY
            and units[i][0][-1:] in ".!?"
            and units[i][0][-2:-1].islower()
            and units[i + 1][0][:1].isupper()
        ]
        if not candidates:
            return None
        i = rng.choice(candidates)
        glued = units[i][0] + units[i + 1][0]
        units = [*units[:i], (glued, Label.BODY), *units[i + 2 :]]
        text = "\n".join(u for u, _ in units)
    elif choice == 1:
        text = "\n\n".join(_wrap(u, WRAP_WIDTH) for u, _ in units)
    elif choice == 2:
        kept = [u for u in units if u[1] is not Label.TITLE]
        if len(kept) == len(units):
            return None
        text = "\n".join(u for u, _ in kept)
    else:
        runs: list[list[tuple[str, Label]]] = []
        for unit in units:
            if runs and (runs[-1][0][1] is Label.NOISE) == (unit[1] is Label.NOISE):
                runs[-1].append(unit)
            else:
                runs.append([unit])
        noise_runs = [r for r in runs if r[0][1] is Label.NOISE]
        rng.shuffle(noise_runs)
        it = iter(noise_runs)
        order = [next(it) if r[0][1] is Label.NOISE else r for r in runs]
        text = "\n".join(u for run in order for u, _ in run)
    return _relabel(example, text, units, "+aug")


def cipher(example: Example, *, seed: int) -> Example | None:
    """A copy of ``example`` whose letters are permuted: a page in a language never seen.

    Words, bigrams and character trigrams become unknown, stopwords and
    second-person cues go unrecognised, while the shape of each block (length,
    case, punctuation, digits) and the page's repetitions stay. The model must
    then decide from what carries over to any language, and hashed word
    weights become corrections on top of that rather than its footing. The
    permutation keeps vowels vowels and consonants consonants, and leaves
    links and copyright marks alone. None when ciphering would move a block
    boundary.
    """
    rng = random.Random(_seed_for(example.page_id, example.source, "cipher", str(seed)))
    table: dict[int, str] = {}
    for letters in CIPHER_GROUPS:
        shuffled = list(letters)
        rng.shuffle(shuffled)
        for plain, coded in zip(letters, shuffled, strict=True):
            table[ord(plain)] = coded
            table[ord(plain.upper())] = coded.upper()
    doc = segment(_rewrite_outside_kept(example.doc.text, lambda piece: piece.translate(table)))
    spans = [(b.start, b.end) for b in doc.blocks]
    if spans != [(b.start, b.end) for b in example.doc.blocks]:
        return None
    return Example(
        example.page_id, example.site, example.source + "+cipher", doc, example.labels, example.gold
    )


def _rewrite_outside_kept(text: str, rewrite: Callable[[str], str]) -> str:
    """``text`` with ``rewrite`` applied to everything but the :data:`CIPHER_KEEP` tokens."""
    pieces: list[str] = []
    last = 0
    for kept in CIPHER_KEEP.finditer(text):
        pieces += [rewrite(text[last : kept.start()]), kept.group()]
        last = kept.end()
    pieces.append(rewrite(text[last:]))
    return "".join(pieces)


def ideograph_cipher(example: Example, *, seed: int) -> Example | None:
    """A copy of ``example`` in a made-up script written without spaces.

    Every word becomes a fixed code of ideographs (the same word the same code
    throughout the copy, so repetitions and function words keep their
    frequency), sentence punctuation becomes full-width, and the spaces
    between words go: a page looks to the features as a Chinese page does,
    or, in half of the copies where short words become one kana, as a
    Japanese one. Links and copyright marks stay as written, and so do line
    breaks. None when the copy does not keep the example's blocks.
    """
    rng = random.Random(_seed_for(example.page_id, example.source, "ideograph", str(seed)))
    salt = str(rng.random())
    kana = rng.random() < KANA_SHARE
    codes: dict[str, str] = {}

    def code(word: str) -> str:
        key = word.lower()
        found = codes.get(key)
        if found is None:
            h = _seed_for("ideograph", salt, key)
            if kana and len(key) <= KANA_MAX_LETTERS:
                found = chr(KANA_BASE + h % KANA_COUNT)
            else:
                n = -(-len(key) // IDEOGRAPH_LETTERS_PER_CHAR)
                found = "".join(
                    chr(IDEOGRAPH_BASE + (h >> (14 * k)) % IDEOGRAPH_COUNT) for k in range(n)
                )
            codes[key] = found
        return found

    def rewrite(match: re.Match[str]) -> str:
        unit = match.group()
        if unit == " ":
            return ""
        return FULL_WIDTH.get(unit) or code(unit)

    text = _rewrite_outside_kept(
        example.doc.text, lambda piece: _IDEOGRAPH_UNITS.sub(rewrite, piece)
    )
    return _same_blocks_copy(example, text, "+ideograph")


def _same_blocks_copy(example: Example, text: str, tag: str) -> Example | None:
    """``example`` with its text rewritten as ``text``, keeping its labels; None
    when ``text`` does not segment into the same units and blocks."""
    doc = segment(text)
    if [b.unit for b in doc.blocks] != [b.unit for b in example.doc.blocks]:
        return None
    return Example(
        example.page_id, example.site, example.source + tag, doc, example.labels, example.gold
    )


INSERTED_KINDS = (
    Kind.DONATION,
    Kind.SUBSCRIPTION,
    Kind.NEWSLETTER,
    Kind.COMMENTS,
    Kind.SHARE,
    Kind.COOKIE,
    Kind.ADVERT,
    Kind.RELATED,
    Kind.BYLINE_DATE,
)
"""Kinds of reviewed noise inserted into other pages: the appeals, prompts and
widgets that stand inside or next to the body, where position alone cannot
give them away."""

MAX_INSERTED_RUNS = 3
"""At most this many runs of reviewed noise are inserted into one text."""

MAX_RUN_BLOCKS = 4
"""A run of inserted noise has one to this many blocks of the same kind."""


PROSE_GROUP = "prose"
"""Pool group of prose-like noise taken from the aligned training texts."""

PROSE_MIN_CHARS = 80
"""Noise blocks at least this long and ending a sentence read like prose."""

PROSE_WEIGHT = 3
"""Prose noise is drawn as often as three kinds together: it is what a model
that trusts length and punctuation keeps by mistake (appeals, disclosures, bios)."""

NoisePool = dict[str, list[tuple[str, str]]]
"""Group (a kind's value, or :data:`PROSE_GROUP`) to (text, page id) rows."""


def noise_pool(
    kind_rows: Sequence[tuple[Kind, str, str]], examples: Sequence[Example]
) -> NoisePool:
    """Noise blocks to insert into other pages.

    The reviewed kind-labeled rows of :data:`INSERTED_KINDS`, and prose-like
    noise from the aligned texts: blocks labelled noise, at least
    :data:`PROSE_MIN_CHARS` long, ending a sentence, and speaking to the reader
    or for the publisher (second person or first person plural). Each text is
    taken once, from one converter's output.
    """
    from boilerstrip.align import tokens
    from boilerstrip.features import FIRST_PERSON_PLURAL, SECOND_PERSON_AND_CALLS

    address = FIRST_PERSON_PLURAL | SECOND_PERSON_AND_CALLS
    pool: NoisePool = defaultdict(list)
    for kind, text, page_id in kind_rows:
        if kind in INSERTED_KINDS:
            pool[kind.value].append((text, page_id))
    seen: set[str] = set()
    for ex in examples:
        if "+" in ex.source:
            continue
        for block, label in zip(ex.doc.blocks, ex.labels, strict=True):
            text = block.text
            if (
                label is Label.NOISE
                and len(text) >= PROSE_MIN_CHARS
                and text[-1] in ".!?"
                and text not in seen
                and any(t in address for t in tokens(text))
            ):
                seen.add(text)
                pool[PROSE_GROUP].append((text, ex.page_id))
    return dict(pool)


def insert_noise(example: Example, pool: NoisePool, *, seed: int) -> Example | None:
    """A copy of ``example`` with runs of noise blocks from other pages inserted.

    Runs go right after the headline, at the top, inside the body or at the
    end, so the model meets appeals and prompts wherever pages put them.
    """
    rng = random.Random(_seed_for(example.page_id, example.source, "insert", str(seed)))
    groups = sorted(pool)
    choices = [g for g in groups for _ in range(PROSE_WEIGHT if g == PROSE_GROUP else 1)]
    units = _units(example)
    if not choices or len(units) < 2:
        return None
    title_at = next((i for i, (_, lab) in enumerate(units) if lab is Label.TITLE), None)
    for _ in range(rng.randint(1, MAX_INSERTED_RUNS)):
        rows = pool[rng.choice(choices)]
        run = []
        for _ in range(rng.randint(1, MAX_RUN_BLOCKS)):
            text, page_id = rows[rng.randrange(len(rows))]
            if page_id != example.page_id:
                run.append((text, Label.NOISE))
        where = rng.random()
        if title_at is not None and where < 0.4:
            at = title_at + 1
        elif where < 0.5:
            at = 0
        elif where < 0.8:
            at = rng.randrange(len(units) + 1)
        else:
            at = len(units)
        units = [*units[:at], *run, *units[at:]]
        if title_at is not None and at <= title_at:
            title_at += len(run)
    return _relabel(example, "\n".join(u for u, _ in units), units, "+ins")


@dataclass(frozen=True)
class AppealGroup:
    """One hand-written appeal (or body hard negative): its blocks in page order."""

    kind: Kind
    language: str
    group: str
    texts: tuple[str, ...]


def read_appeals(path: Path) -> list[AppealGroup]:
    """The groups of the appeals file, in file order.

    Raises:
        ValueError: a column is missing, a kind is unknown, or a group's rows
            are not contiguous or mix kinds.
    """
    groups: list[AppealGroup] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = [c for c in APPEAL_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
        seen: set[str] = set()
        for line_no, row in enumerate(reader, start=2):
            try:
                kind = Kind(row["kind"])
            except ValueError as exc:
                raise ValueError(f"{path}:{line_no}: unknown kind {row['kind']!r}") from exc
            if kind is not Kind.BODY and not kind.is_noise:
                raise ValueError(f"{path}:{line_no}: kind {kind.value!r} is neither body nor noise")
            name = row["group"]
            if not (row["text"] or "").strip():
                raise ValueError(f"{path}:{line_no}: group {name!r} has a row without text")
            if groups and groups[-1].group == name:
                last = groups[-1]
                if last.kind is not kind:
                    raise ValueError(f"{path}:{line_no}: group {name!r} mixes kinds")
                groups[-1] = AppealGroup(kind, last.language, name, (*last.texts, row["text"]))
                continue
            if name in seen:
                raise ValueError(f"{path}:{line_no}: rows of group {name!r} are not contiguous")
            seen.add(name)
            groups.append(AppealGroup(kind, row["language"], name, (row["text"],)))
    return groups


def insert_appeal(example: Example, groups: Sequence[AppealGroup], *, seed: int) -> Example | None:
    """A copy of ``example`` with one or two hand-written appeals inserted whole.

    The appeal goes right after the headline, inside the body or at the end,
    where news pages put them. Sometimes a body hard negative is inserted
    inside the body too; its text joins the gold, so it is labelled body.
    """
    rng = random.Random(_seed_for(example.page_id, example.source, "appeal", str(seed)))
    noise = [g for g in groups if g.kind is not Kind.BODY]
    body = [g for g in groups if g.kind is Kind.BODY]
    units = _units(example)
    if not noise or len(units) < 2:
        return None
    title_at = next((i for i, (_, lab) in enumerate(units) if lab is Label.TITLE), None)
    body_at = [i for i, (_, lab) in enumerate(units) if lab is Label.BODY]
    for _ in range(rng.randint(1, MAX_APPEALS)):
        appeal = rng.choice(noise)
        where = rng.random()
        body_at = [i for i, (_, lab) in enumerate(units) if lab is Label.BODY]
        if title_at is not None and where < 0.35:
            at = title_at + 1
        elif body_at and where < 0.75:
            at = rng.randint(body_at[0], body_at[-1] + 1)
        else:
            at = len(units)
        run = [(text, Label.NOISE) for text in appeal.texts]
        units = [*units[:at], *run, *units[at:]]
        if title_at is not None and at <= title_at:
            title_at += len(run)
    gold = example.gold
    if body and body_at and rng.random() < APPEAL_BODY_SHARE:
        negative = rng.choice(body)
        inside = [i for i, (_, lab) in enumerate(units) if lab is Label.BODY]
        at = rng.randint(inside[0], inside[-1] + 1)
        units = [*units[:at], *((t, Label.BODY) for t in negative.texts), *units[at:]]
        gold = gold + "\n" + "\n".join(negative.texts)
    with_gold = Example(
        example.page_id, example.site, example.source, example.doc, example.labels, gold
    )
    return _relabel(with_gold, "\n".join(u for u, _ in units), units, "+appeal")


def body_only(example: Example) -> Example | None:
    """A copy of ``example`` with its noise removed: title and body units only."""
    units = [(u, lab) for u, lab in _units(example) if lab is not Label.NOISE]
    if sum(lab is Label.BODY for _, lab in units) < 1 or len(units) == len(_units(example)):
        return None
    return _relabel(example, "\n".join(u for u, _ in units), units, "+body")


_WORD = re.compile(r"[^\W\d_]+")


def sentence_case_titles(example: Example) -> Example | None:
    """A copy of ``example`` whose title blocks are written in sentence case.

    Most TRAIN pages capitalise every word of a headline ('Council Approves New
    Cycle Lanes'), while many sites, and most languages, write it as a sentence
    ('Council approves new cycle lanes'); a model that learned headlines from
    their capitals takes those for body. A capitalised word after the first
    is lower-cased when the page also writes it in lower case elsewhere, so
    names keep their capital. None when no title block changes, or when the
    copy would not keep the example's blocks.
    """
    lower_words = set(_WORD.findall(example.doc.text))
    text = example.doc.text
    pieces: list[str] = []
    last = 0

    def lower_case(match: re.Match[str]) -> str:
        word = match.group()
        if match.start() == 0 or not word[:1].isupper() or not word[1:].islower():
            return word
        lowered = word[0].lower() + word[1:]
        return lowered if lowered in lower_words else word

    for block, label in zip(example.doc.blocks, example.labels, strict=True):
        if label is Label.TITLE:
            written = _WORD.sub(lower_case, block.text)
            if written != block.text:
                pieces += [text[last : block.start], written]
                last = block.end
    if not pieces:
        return None
    pieces.append(text[last:])
    return _same_blocks_copy(example, "".join(pieces), "+sentence")


def crop(example: Example, *, seed: int) -> Example | None:
    """A copy of ``example`` cut down to a few consecutive units (1 to :data:`MAX_CROP_UNITS`).

    Users also feed snippets, short pages and pieces of pages: a lone share
    line is still noise, a lone paragraph still body, without the page around
    them. The window holds a body unit: short texts given to a cleaner are
    mostly body with a little boilerplate around it, and windows drawn anywhere
    on a page (two thirds noise) taught the model that short texts are noise.
    """
    rng = random.Random(_seed_for(example.page_id, example.source, "crop", str(seed)))
    blocks = example.doc.blocks
    unit_starts = _unit_starts(blocks)
    body_units = [k for k, i in enumerate(unit_starts) if example.labels[i] is Label.BODY]
    if len(unit_starts) < 2 or not body_units:
        return None
    size = rng.randint(1, min(MAX_CROP_UNITS, len(unit_starts) - 1))
    anchor = rng.choice(body_units)
    first = rng.randint(max(0, anchor - size + 1), min(anchor, len(unit_starts) - size))
    lo = unit_starts[first]
    hi = unit_starts[first + size] if first + size < len(unit_starts) else len(blocks)
    text = example.doc.text
    doc = segment(
        "\n".join(text[blocks[i].start : blocks[j - 1].end] for i, j in _unit_spans(blocks, lo, hi))
    )
    # Labels carry over block for block; the window is re-aligned to nothing.
    if [b.text for b in doc.blocks] != [b.text for b in blocks[lo:hi]]:
        return None
    return Example(
        example.page_id,
        example.site,
        example.source + "+crop",
        doc,
        example.labels[lo:hi],
        example.gold,
    )


def miniature(example: Example, *, seed: int) -> Example | None:
    """A copy of ``example`` thinned to a small page of the same layout.

    It keeps the title units, a run of 2 to :data:`MINI_BODY_UNITS` consecutive
    body units, and a few of the noise units before and after that run (up to
    :data:`MINI_NOISE_UNITS` on each side, in page order): a short page with
    its menu, byline, share bar, related links and footer, as small sites and
    short news items give. Cropped copies (:func:`crop`) hold little noise
    and copies of title and body none, so without these the context stage
    learns that short texts are body.
    """
    rng = random.Random(_seed_for(example.page_id, example.source, "mini", str(seed)))
    blocks = example.doc.blocks
    unit_starts = _unit_starts(blocks)
    unit_ends = [*unit_starts[1:], len(blocks)]
    labels = [example.labels[i] for i in unit_starts]
    body_units = [k for k, lab in enumerate(labels) if lab is Label.BODY]
    if len(body_units) < 2:
        return None
    size = rng.randint(2, min(MINI_BODY_UNITS, len(body_units)))
    first = rng.randrange(len(body_units) - size + 1)
    lo, hi = body_units[first], body_units[first + size - 1] + 1
    keep = set(range(lo, hi))
    keep |= {k for k, lab in enumerate(labels) if lab is Label.TITLE}
    for side in (range(0, lo), range(hi, len(labels))):
        noise = [k for k in side if labels[k] is Label.NOISE]
        if noise:
            keep |= set(rng.sample(noise, min(len(noise), rng.randint(1, MINI_NOISE_UNITS))))
    chosen = sorted(keep)
    if len(chosen) == len(labels) or not any(labels[k] is Label.NOISE for k in chosen):
        return None
    text = example.doc.text
    doc = segment(
        "\n".join(text[blocks[unit_starts[k]].start : blocks[unit_ends[k] - 1].end] for k in chosen)
    )
    wanted = [b.text for k in chosen for b in blocks[unit_starts[k] : unit_ends[k]]]
    if [b.text for b in doc.blocks] != wanted:
        return None
    new_labels = tuple(lab for k in chosen for lab in example.labels[unit_starts[k] : unit_ends[k]])
    return Example(
        example.page_id, example.site, example.source + "+mini", doc, new_labels, example.gold
    )


_OPENING_QUOTES = "\"'\u201c\u2018\u201e\u201a\u00ab\u2039\u300c\u300e("

_SENTENCE_GAP = re.compile(r"[.!?\u2026][\"'\u201d\u2019\u00bb)]{0,3}\s+")


def split_closing(example: Example, *, seed: int) -> Example | None:
    """A copy of ``example`` whose last body paragraph ends in a sentence on its own line.

    Many articles end on a short sentence in a paragraph of its own ("The vote,
    she said, is due in March."), right above the share bar and the
    comment prompt. The TRAIN pages seldom do, and what their gold keeps
    there is mostly contact lines and sign-offs, so without these copies the
    context stage learns that a short block between the body and the footer
    is noise. The split goes at the last sentence end (a lower-case letter, a
    terminal, a space, then a capital) that leaves 3 to
    :data:`CLOSING_MAX_WORDS` words after it. None when there is none.
    """
    del seed
    units = _units(example)
    body_at = [i for i, (_, lab) in enumerate(units) if lab is Label.BODY]
    if not body_at:
        return None
    last = body_at[-1]
    unit = units[last][0]
    if "\n" in unit:
        return None
    cut = None
    for match in _SENTENCE_GAP.finditer(unit):
        before, after = unit[: match.start()], unit[match.end() :]
        if (
            before[-2:].isalpha()
            and before[-1:].islower()
            and after.lstrip(_OPENING_QUOTES)[:1].isupper()
            and 3 <= len(after.split()) <= CLOSING_MAX_WORDS
        ):
            cut = match
    if cut is None:
        return None
    head = (unit[: cut.start() + len(cut.group().rstrip())], Label.BODY)
    units = [*units[:last], head, (unit[cut.end() :], Label.BODY), *units[last + 1 :]]
    return _relabel(example, "\n".join(u for u, _ in units), units, "+closing")


def _unit_starts(blocks: Sequence[Block]) -> list[int]:
    """Index of the first block of each unit of ``blocks``, in order."""
    return [i for i, b in enumerate(blocks) if i == 0 or b.unit != blocks[i - 1].unit]


def _unit_spans(blocks: Sequence[Block], lo: int, hi: int) -> Iterator[tuple[int, int]]:
    """Block index ranges ``[i, j)`` of the units of ``blocks[lo:hi]``, in order."""
    i = lo
    while i < hi:
        j = i + 1
        while j < hi and blocks[j].unit == blocks[i].unit:
            j += 1
        yield i, j
        i = j


def _relabel(
    example: Example, text: str, units: Sequence[tuple[str, Label]], tag: str
) -> Example | None:
    """Segment a variant's ``text`` and label it against the example's gold.

    The units labelled title (headline, standfirst) keep their label: each
    goes to the block with its text that has as many same-text blocks before
    it as the unit has same-text units before it (a menu may repeat the
    headline above the real one).
    """
    doc = segment(text)
    if not doc.blocks:
        return None
    labels = align_labels(doc, example.gold)
    for k, (unit, label) in enumerate(units):
        if label is not Label.TITLE:
            continue
        nth = sum(1 for other, _ in units[:k] if other == unit)
        same = [i for i, block in enumerate(doc.blocks) if block.text == unit]
        if nth < len(same):
            labels[same[nth]] = Label.TITLE
    return Example(
        example.page_id, example.site, example.source + tag, doc, tuple(labels), example.gold
    )


def _units(example: Example) -> list[tuple[str, Label]]:
    out: list[tuple[str, Label]] = []
    last_unit = -1
    for block, label in zip(example.doc.blocks, example.labels, strict=True):
        if block.unit == last_unit:
            lab = out[-1][1]
            out[-1] = (example.doc.text[_unit_start(example.doc, block.unit) : block.end], lab)
        else:
            out.append((block.text, label))
        last_unit = block.unit
    return out


def _unit_start(doc: Document, unit: int) -> int:
    return next(b.start for b in doc.blocks if b.unit == unit)


def _wrap(text: str, width: int) -> str:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return "\n".join(lines)


# --------------------------------------------------------------------------- fitting


def read_function_words(path: Path) -> dict[str, list[str]]:
    """The function-words file: language code to its words, in file order.

    Raises ``ValueError`` naming the file and line when the header is not
    :data:`FUNCTION_WORD_COLUMNS`, a language is empty or listed twice, or a
    word is not exactly one token as :func:`~boilerstrip.features.extract`
    splits text (a stopword must match a token to count).
    """
    lists: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or tuple(header) != FUNCTION_WORD_COLUMNS:
            expected = "<TAB>".join(FUNCTION_WORD_COLUMNS)
            raise ValueError(f"{path}: the header must be {expected!r}, got {header!r}")
        for line_no, row in enumerate(reader, start=2):
            if len(row) != len(FUNCTION_WORD_COLUMNS):
                raise ValueError(f"{path}:{line_no}: expected 2 tab-separated columns")
            language, words = row[0].strip(), row[1].split()
            if not language or not words:
                raise ValueError(f"{path}:{line_no}: empty language or word list")
            if language in lists:
                raise ValueError(f"{path}:{line_no}: language {language!r} listed twice")
            for word in words:
                if word_hashes([word]).shape[0] != 1:
                    raise ValueError(f"{path}:{line_no}: {word!r} is not one token")
            lists[language] = words
    return lists


def learn_vocabulary(
    examples: Sequence[Example], *, function_words: Iterable[str] = ()
) -> Vocabulary:
    """Stopwords: the most frequent tokens of body blocks of the training texts,
    and the listed ``function_words``.

    The TRAIN sets are mostly English, so the learned words are English ones;
    without the listed words a paragraph in Portuguese or Russian would have
    no stopwords at all and look like a menu.
    """
    from boilerstrip.align import tokens

    counts: Counter[str] = Counter()
    for ex in examples:
        if not ex.source.endswith("+aug") and ex.source == ex.source.split("+")[0]:
            for block, label in zip(ex.doc.blocks, ex.labels, strict=True):
                if label is Label.BODY:
                    counts.update(tokens(block.text))
    top = [w for w, _ in counts.most_common(STOPWORDS_PER_SET)]
    return Vocabulary(stopword_hashes=np.unique(word_hashes([*top, *function_words])))


def build_matrix(examples: Sequence[Example], vocabulary: Vocabulary) -> Matrix:
    matrix = Matrix()
    for ex in examples:
        feats = extract(ex.doc, vocabulary=vocabulary)
        matrix.add(feats, [LABELS.index(label) for label in ex.labels])
    return matrix


@dataclass(frozen=True)
class Design:
    """The design matrix of a linear layer: standardised dense columns, then hashed ones."""

    x: Any
    mean: FloatArray
    scale: FloatArray
    n_dense: int


def make_design(matrix: Matrix, dense: FloatArray) -> Design:
    """Standardise ``dense`` (see :func:`standardise`) and put it beside the matrix's
    hashed features in one CSR matrix.

    ``dense`` holds the dense columns of every block of ``matrix``. The CSR
    arrays are allocated once and filled document by document, with no
    intermediate coordinate lists: memory stays near the size of the result.
    Built once and shared by every fold (folds differ by sample weights, not
    by copies), which keeps training within the machine's memory.
    """
    from scipy import sparse

    mean = dense.mean(axis=0)
    scale = dense.std(axis=0)
    scale[scale < 1e-9] = 1.0
    n_dense = dense.shape[1]
    per_row = np.concatenate([*matrix.counts, np.zeros(0, dtype=np.int64)]) + n_dense
    indptr = np.zeros(matrix.n_rows + 1, dtype=np.int64)
    np.cumsum(per_row, out=indptr[1:])
    nnz = int(indptr[-1])
    index_dtype = np.int32 if nnz < np.iinfo(np.int32).max else np.int64
    indices = np.empty(nnz, dtype=index_dtype)
    data = np.empty(nnz, dtype=np.float64)
    dense_cols = np.arange(n_dense, dtype=index_dtype)
    for (a, b), counts, cols, vals in zip(
        matrix.doc_slices, matrix.counts, matrix.cols, matrix.vals, strict=True
    ):
        lo, hi = int(indptr[a]), int(indptr[b])
        starts = indptr[a:b] - lo  # where each block's row begins in this document's slice
        dense_at = (starts[:, None] + np.arange(n_dense)).ravel()
        first_of_row = np.repeat(np.cumsum(counts) - counts, counts)
        hashed_at = np.repeat(starts + n_dense, counts) + np.arange(cols.shape[0]) - first_of_row
        doc_indices = indices[lo:hi]
        doc_data = data[lo:hi]
        doc_indices[dense_at] = np.tile(dense_cols, b - a)
        doc_data[dense_at] = standardise(dense[a:b], mean, scale).ravel()
        doc_indices[hashed_at] = cols + n_dense
        doc_data[hashed_at] = vals
    x = sparse.csr_matrix(
        (data, indices, indptr.astype(index_dtype)),
        shape=(matrix.n_rows, n_dense + matrix.width),
    )
    return Design(x=x, mean=mean, scale=scale, n_dense=n_dense)


def fit_linear(
    design: Design,
    y: npt.NDArray[np.int64],
    *,
    alpha: float,
    n_classes: int,
    seed: int,
    sample_weight: FloatArray | None = None,
) -> Linear:
    """Fit a one-vs-rest logistic regression by SGD and store it as a :class:`Linear` layer.

    The weights are the average of the SGD iterates: the last iterate alone
    swings with the last rows it saw, so two nearly equal training sets gave
    visibly different models.

    Rows with ``sample_weight`` 0 add nothing to the gradient, so their labels are
    not learned (that is how folds are held out); their steps still apply the L2
    shrinkage and count in the average.
    """
    from sklearn.linear_model import SGDClassifier

    clf = SGDClassifier(
        loss="log_loss",
        alpha=alpha,
        max_iter=SGD_EPOCHS,
        tol=None,
        average=True,
        random_state=seed,
        n_jobs=SGD_JOBS,
    )
    clf.fit(design.x, y, sample_weight=sample_weight)
    return _as_linear(clf, design, n_classes)


def _as_linear(clf: Any, design: Design, n_classes: int) -> Linear:
    """A fitted scikit-learn linear classifier as a :class:`Linear` layer with a
    row for each of ``n_classes`` (a class it never saw scores very low)."""
    coef = np.zeros((n_classes, design.x.shape[1]))
    intercept = np.full(n_classes, ABSENT_CLASS_SCORE)
    if clf.coef_.shape[0] == 1:  # two classes: scikit-learn stores one row for classes_[1]
        rows = {int(clf.classes_[1]): (clf.coef_[0], clf.intercept_[0])}
        rows[int(clf.classes_[0])] = (-clf.coef_[0], -clf.intercept_[0])
    else:
        rows = {int(cls): (clf.coef_[j], clf.intercept_[j]) for j, cls in enumerate(clf.classes_)}
    for cls, (w, b) in rows.items():
        coef[cls], intercept[cls] = w, b
    return Linear(
        mean=design.mean,
        scale=design.scale,
        dense_weights=coef[:, : design.n_dense],
        sparse_weights=coef[:, design.n_dense :].astype(np.float32),
        intercept=intercept,
    )


def fit_svm(
    design: Design,
    y: npt.NDArray[np.int64],
    *,
    c: float,
    n_classes: int,
    seed: int,
    rows: npt.NDArray[np.bool_] | None = None,
) -> Linear:
    """Fit a one-vs-rest linear SVM on ``rows`` (default: all) as a :class:`Linear` layer.

    Its scores are margins, not log-odds: only their order (the highest names
    the class) means something.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.svm import LinearSVC

    x, target = (design.x, y) if rows is None else (design.x[rows], y[rows])
    clf = LinearSVC(C=c, random_state=seed, max_iter=SVM_MAX_ITER)
    with warnings.catch_warnings():
        # liblinear may stop at max_iter before its tolerance; the scores are kept.
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        clf.fit(x, target)
    return _as_linear(clf, design, n_classes)


def first_stage_targets(y: npt.NDArray[np.int64], dense: FloatArray) -> npt.NDArray[np.int64]:
    """The block classifier's classes (:data:`~boilerstrip.smooth.FIRST_STAGE_CLASSES`):
    the labels, with noise blocks of :data:`~boilerstrip.features.PROSE_TOKENS`
    words or more moved to the prose-noise class.

    >>> dense = np.zeros((3, len(DENSE_NAMES)))
    >>> dense[:, DENSE_NAMES.index("log_tokens")] = np.log1p([3, 40, 40])
    >>> first_stage_targets(np.array([2, 2, 0]), dense).tolist()
    [2, 3, 0]
    """
    n_tokens = np.expm1(dense[:, DENSE_NAMES.index("log_tokens")])
    out = y.copy()
    out[(y == LABELS.index(Label.NOISE)) & (n_tokens > PROSE_TOKENS - 0.5)] = PROSE_NOISE
    return out


def _predict_linear(layer: Linear, design: Design, rows: npt.NDArray[np.int64]) -> FloatArray:
    """The layer's probabilities for some rows of the design matrix it was fitted on."""
    assert layer.sparse_weights is not None
    weights = np.hstack([layer.dense_weights, layer.sparse_weights.astype(np.float64)])
    return one_vs_rest(np.asarray(design.x[rows] @ weights.T) + layer.intercept)


def block_row_weights(text_sizes: npt.NDArray[np.int64]) -> FloatArray:
    """The weight of each row in the block classifier's fit, ``text_sizes[i]`` being
    the number of blocks of row i's text (see :data:`BLOCK_ROWS_PER_TEXT`).

    >>> block_row_weights(np.array([0, 10, 150, 600])).round(2).tolist()
    [1.0, 1.0, 1.0, 0.5]
    """
    return np.sqrt(np.minimum(1.0, BLOCK_ROWS_PER_TEXT / np.maximum(text_sizes, 1)))


def context_sample(text_sizes: npt.NDArray[np.int64], *, seed: int) -> npt.NDArray[np.int64]:
    """Rows for the context network: each row of a text of ``n`` blocks with
    probability ``min(1, CONTEXT_ROWS_PER_TEXT / n)``, then at most
    :data:`CONTEXT_MAX_ROWS` of them; ``text_sizes[i]`` is the size of row i's text.

    >>> sizes = np.array([2, 2] + [1500] * 1500)
    >>> rows = context_sample(sizes, seed=0)
    >>> rows[:2].tolist(), bool(120 < rows.size - 2 < 180)
    ([0, 1], True)
    """
    rng = np.random.default_rng(seed)
    share = np.minimum(1.0, CONTEXT_ROWS_PER_TEXT / np.maximum(text_sizes, 1))
    rows = np.flatnonzero(rng.random(text_sizes.shape[0]) < share)
    if rows.size > CONTEXT_MAX_ROWS:
        rows = np.sort(rng.choice(rows, CONTEXT_MAX_ROWS, replace=False))
    return rows


def fit_network(
    inputs: FloatArray,
    y: npt.NDArray[np.int64],
    *,
    text_sizes: npt.NDArray[np.int64],
    seed: int,
) -> Network:
    """Fit the context network (an MLP) on a sample of the rows (see
    :func:`context_sample`) and store it as a :class:`Network`."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    pick = context_sample(text_sizes, seed=seed)
    inputs, y = inputs[pick], y[pick]
    mean = inputs.mean(axis=0)
    scale = inputs.std(axis=0)
    scale[scale < 1e-9] = 1.0
    clf = MLPClassifier(
        hidden_layer_sizes=CONTEXT_HIDDEN,
        alpha=1e-4,
        batch_size=512,
        learning_rate_init=1e-3,
        max_iter=CONTEXT_EPOCHS,
        early_stopping=True,
        n_iter_no_change=4,
        random_state=seed,
    )
    with warnings.catch_warnings():
        # The epoch cap is deliberate (time budget); the warning would only repeat it.
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        clf.fit(standardise(inputs, mean, scale), y)
    layers = [np.asarray(w) for w in clf.coefs_]
    biases = [np.asarray(b) for b in clf.intercepts_]
    # Map the output columns back to LABELS order (classes_ are sorted label indices).
    out_w = np.zeros((layers[-1].shape[0], len(LABELS)))
    out_b = np.full(len(LABELS), ABSENT_CLASS_SCORE)
    for j, cls in enumerate(clf.classes_):
        out_w[:, int(cls)] = layers[-1][:, j]
        out_b[int(cls)] = biases[-1][j]
    layers[-1], biases[-1] = out_w, out_b
    return Network(mean=mean, scale=scale, weights=tuple(layers), biases=tuple(biases))


def fit_committee(
    inputs: FloatArray,
    y: npt.NDArray[np.int64],
    *,
    text_sizes: npt.NDArray[np.int64],
    seed: int,
) -> Committee:
    """Fit :data:`CONTEXT_NETS` context networks with seeds ``seed``, ``seed + 1``, ...
    (see :func:`fit_network`) and store them as a :class:`Committee`."""
    return Committee(
        tuple(
            fit_network(inputs, y, text_sizes=text_sizes, seed=seed + k)
            for k in range(CONTEXT_NETS)
        )
    )


def split_pool(
    pool: NoisePool, examples: Sequence[Example], fold_of_site: Mapping[str, int], n_folds: int
) -> list[NoisePool]:
    """The noise pool split by the cross-validation fold of each row's source page.

    A page of fold *f* only gets noise taken from pages of fold *f*: the block
    classifiers fitted without fold *f* never saw the inserted text, so the
    out-of-fold probabilities the context network learns from are as unsure
    about it as they will be about new noise. A row whose page is not among
    ``examples`` goes to a fold drawn from its page id.
    """
    fold_of_page = {ex.page_id: fold_of_site[ex.site] for ex in examples}
    pools: list[NoisePool] = [defaultdict(list) for _ in range(n_folds)]
    for group, rows in pool.items():
        for text, page_id in rows:
            fold = fold_of_page.get(page_id, _seed_for("pool-fold", page_id) % n_folds)
            pools[fold][group].append((text, page_id))
    return [dict(p) for p in pools]


def split_appeals(groups: Sequence[AppealGroup], n_folds: int) -> list[list[AppealGroup]]:
    """The appeal groups split into ``n_folds`` parts by a hash of the group's name.

    Pages of fold *f* only get appeals of part *f*, for the reason given in
    :func:`split_pool`: out-of-fold probabilities must meet appeals unseen.
    """
    parts: list[list[AppealGroup]] = [[] for _ in range(n_folds)]
    for group in groups:
        parts[_seed_for("appeal-fold", group.group) % n_folds].append(group)
    return parts


def _site_folds(sites: Sequence[str], n_folds: int) -> list[int]:
    """Assign each site to a fold, deterministically, balancing the number of rows."""
    fold_of: dict[str, int] = {}
    for site in sorted(set(sites), key=lambda s: _seed_for("fold", s)):
        fold_of[site] = len(fold_of) % n_folds
    return [fold_of[s] for s in sites]


@dataclass(frozen=True)
class CvReport:
    """Grouped cross-validated scores of the whole pipeline."""

    block_accuracy: float
    body_precision: float
    body_recall: float
    body_f1: float
    first_stage_accuracy: float
    page_scores: dict[str, float]
    n_blocks: int
    n_texts: int
    title_f1_by_threshold: dict[str, float] = field(default_factory=dict)
    """Title F1 of the blocks when body gives way to title at each threshold
    (see :data:`~boilerstrip.smooth.TITLE_THRESHOLD`), and with none ("argmax")."""
    page_f1_by_body_threshold: dict[str, dict[str, float]] = field(default_factory=dict)
    """Page 4-shingle F1 by converter when a block in its page's core is body from
    each compared threshold of its body probability on (see
    :data:`~boilerstrip.smooth.BODY_THRESHOLD`), and as the most likely label
    ("argmax"); outside the core, from :data:`~boilerstrip.smooth.OUTSIDE_THRESHOLD` on."""
    page_f1_by_core_rule: dict[str, dict[str, float]] = field(default_factory=dict)
    """Page 4-shingle F1 by converter for each compared floor of the core
    (:data:`~boilerstrip.smooth.CORE_FLOOR`) and threshold outside it
    (:data:`~boilerstrip.smooth.OUTSIDE_THRESHOLD`), keyed ``"FLOOR/OUTSIDE"``."""
    page_f1_without_core: dict[str, dict[str, float]] = field(default_factory=dict)
    """Page 4-shingle F1 by converter with one threshold for every block, the core
    not looked at (the rule before :func:`~boilerstrip.smooth.core_mask`)."""
    member_page_f1: list[dict[str, float]] = field(default_factory=list)
    """Page 4-shingle F1 by converter of each context network of the committee
    alone (seeds ``seed``, ``seed + 1``, ...); ``page_scores`` are the committee's."""


def _copies(
    examples: Sequence[Example],
    *,
    share: float,
    pick: str,
    seed: int,
    make: Callable[..., Example | None],
) -> list[Example]:
    """``make(example, seed=seed)`` for a seeded ``share`` of the examples (``pick``
    names the draw, so each kind of copy picks its own texts)."""
    return [
        copy
        for ex in examples
        if random.Random(_seed_for(ex.page_id, ex.source, pick, str(seed))).random() < share
        and (copy := make(ex, seed=seed)) is not None
    ]


def train(
    data_dir: Path,
    *,
    converters: Sequence[str] = DEFAULT_CONVERTERS,
    kinds_file: Path,
    kind_sample_file: Path | None = DEFAULT_KIND_SAMPLE_FILE,
    appeals_file: Path = DEFAULT_APPEALS_FILE,
    function_words_file: Path = DEFAULT_FUNCTION_WORDS_FILE,
    seed: int = 0,
    cache_dir: Path | None = None,
    limit: int | None = None,
    n_folds: int = N_FOLDS,
    progress: Progress = lambda _msg: None,
) -> tuple[Model, dict[str, Any]]:
    """Train a model from the TRAIN sets in ``data_dir``; return it and its report."""
    import sklearn

    started = time.perf_counter()
    examples = load_examples(
        data_dir, converters=converters, cache_dir=cache_dir, limit=limit, progress=progress
    )
    examples.sort(key=lambda e: (e.page_id, e.source))
    sites = [ex.site for ex in examples]
    fold_of_site = dict(zip(sites, _site_folds(sites, n_folds), strict=True))
    augmented = _copies(examples, share=AUGMENT_SHARE, pick="pick", seed=seed, make=augment)
    pool = noise_pool(read_kinds(kinds_file), examples)
    progress("noise pool: " + ", ".join(f"{g} {len(rows)}" for g, rows in sorted(pool.items())))
    fold_pools = split_pool(pool, examples, fold_of_site, n_folds)
    inserted = _copies(
        examples,
        share=INSERT_SHARE,
        pick="pick-insert",
        seed=seed,
        make=lambda ex, seed: insert_noise(ex, fold_pools[fold_of_site[ex.site]], seed=seed),
    )
    appeal_groups = read_appeals(appeals_file)
    fold_appeals = split_appeals(appeal_groups, n_folds)
    appealed = _copies(
        examples,
        share=APPEAL_SHARE,
        pick="pick-appeal",
        seed=seed,
        make=lambda ex, seed: insert_appeal(ex, fold_appeals[fold_of_site[ex.site]], seed=seed),
    )
    body_copies = _copies(
        examples,
        share=BODY_ONLY_SHARE,
        pick="pick-body",
        seed=seed,
        make=lambda ex, seed: body_only(ex),
    )
    ciphered = _copies(examples, share=CIPHER_SHARE, pick="pick-cipher", seed=seed, make=cipher)
    ideographic = _copies(
        examples, share=IDEOGRAPH_SHARE, pick="pick-ideograph", seed=seed, make=ideograph_cipher
    )
    cropped = _copies(examples, share=CROP_SHARE, pick="pick-crop", seed=seed, make=crop)
    miniatures = _copies(examples, share=MINI_SHARE, pick="pick-mini", seed=seed, make=miniature)
    closing = _copies(
        examples, share=CLOSING_SHARE, pick="pick-closing", seed=seed, make=split_closing
    )
    closing += _copies(
        miniatures, share=CLOSING_MINI_SHARE, pick="pick-closing", seed=seed, make=split_closing
    )
    sentence_cased = _copies(
        examples,
        share=SENTENCE_CASE_SHARE,
        pick="pick-sentence-case",
        seed=seed,
        make=lambda ex, seed: sentence_case_titles(ex),
    )
    augmented += inserted + appealed + body_copies + ciphered + ideographic + cropped
    augmented += sentence_cased + miniatures + closing
    progress(
        f"{len(examples)} texts, {len(augmented)} augmented copies "
        f"({len(inserted)} with reviewed noise inserted, {len(appealed)} with an appeal, "
        f"{len(body_copies)} of title and body only, {len(ciphered)} ciphered, "
        f"{len(ideographic)} in a made-up ideographic script, "
        f"{len(cropped)} cropped, {len(miniatures)} miniature, "
        f"{len(closing)} with a closing sentence on its own line, "
        f"{len(sentence_cased)} with a sentence-case headline)"
    )
    all_examples = examples + augmented
    function_words = read_function_words(function_words_file)
    vocabulary = learn_vocabulary(
        examples, function_words=[w for words in function_words.values() for w in words]
    )
    matrix = build_matrix(all_examples, vocabulary)
    dense = np.vstack(matrix.dense)
    matrix.dense.clear()
    y = np.concatenate(matrix.labels)
    design = make_design(matrix, dense)
    matrix.release_features()
    progress(
        f"features: {matrix.n_rows} blocks, {design.x.nnz} matrix entries "
        f"({time.perf_counter() - started:.0f} s); labels {dict(Counter(y.tolist()))}"
    )
    doc_folds = [fold_of_site[ex.site] for ex in all_examples]
    row_folds = np.concatenate(
        [np.full(b - a, f) for (a, b), f in zip(matrix.doc_slices, doc_folds, strict=True)]
    )

    y_first = first_stage_targets(y, dense)
    text_sizes = np.concatenate([np.full(b - a, b - a) for a, b in matrix.doc_slices])
    row_weight = block_row_weights(text_sizes)
    oof = np.zeros((matrix.n_rows, len(FIRST_STAGE_CLASSES)))
    for fold in range(n_folds):
        train_rows = row_folds != fold
        layer = fit_linear(
            design,
            y_first,
            alpha=BLOCK_ALPHA,
            n_classes=len(FIRST_STAGE_CLASSES),
            seed=seed,
            sample_weight=train_rows * row_weight,
        )
        test_rows = np.flatnonzero(~train_rows)
        oof[test_rows] = _predict_linear(layer, design, test_rows)
        progress(
            f"block classifier, fold {fold + 1}/{n_folds} ({time.perf_counter() - started:.0f} s)"
        )
    ctx_inputs = np.vstack(
        [
            context_inputs(oof[a:b], dense[a:b], words)
            for (a, b), words in zip(matrix.doc_slices, matrix.words, strict=True)
        ]
    )
    matrix.words.clear()

    member_oof = np.zeros((CONTEXT_NETS, matrix.n_rows, len(LABELS)))
    for fold in range(n_folds):
        train_rows = row_folds != fold
        committee = fit_committee(
            ctx_inputs[train_rows], y[train_rows], text_sizes=text_sizes[train_rows], seed=seed
        )
        for k, net in enumerate(committee.members):
            member_oof[k, ~train_rows] = softmax(net.scores(ctx_inputs[~train_rows]))
        progress(f"context networks, fold {fold + 1}/{n_folds}")
    cv = _cv_report(
        all_examples,
        matrix,
        y,
        as_labels(oof),
        member_oof.mean(axis=0),  # what Committee.probabilities gives
        n_original=len(examples),
        weights=block_weights(dense),
        members=list(member_oof),
    )
    del member_oof
    progress(f"grouped CV: {cv}")

    blocks = fit_linear(
        design,
        y_first,
        alpha=BLOCK_ALPHA,
        n_classes=len(FIRST_STAGE_CLASSES),
        seed=seed,
        sample_weight=row_weight,
    )
    del design
    context = fit_committee(ctx_inputs, y, text_sizes=text_sizes, seed=seed)
    progress(f"final block classifier and context networks ({time.perf_counter() - started:.0f} s)")

    kinds, kind_labels, kind_report = fit_kinds(
        kinds_file,
        vocabulary,
        seed=seed,
        appeals=appeal_groups,
        sample=kind_sample_file,
        pages=page_texts(examples),
        noise_blocks=noise_blocks_of(blocks, context, vocabulary),
    )
    progress(f"kind classifier: {kind_report['n_rows']} rows")

    info: dict[str, Any] = {
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "trained_on": list(TRAIN_SETS),
        "converters": list(converters),
        "seed": seed,
        "date": date.today().isoformat(),
        "n_texts": len(examples),
        "function_word_languages": sorted(function_words),
        "n_stopwords": int(vocabulary.stopword_hashes.shape[0]),
        "n_augmented": len(augmented),
        "n_appealed": len(appealed),
        "n_body_only": len(body_copies),
        "n_ciphered": len(ciphered),
        "n_ideographic": len(ideographic),
        "n_cropped": len(cropped),
        "n_miniature": len(miniatures),
        "n_closing": len(closing),
        "n_sentence_case": len(sentence_cased),
        "n_blocks": int(matrix.n_rows),
        "label_counts": {LABELS[k].value: int(v) for k, v in sorted(Counter(y.tolist()).items())},
        "first_stage_counts": {
            FIRST_STAGE_CLASSES[k]: int(v) for k, v in sorted(Counter(y_first.tolist()).items())
        },
        "cv": cv.__dict__,
        "kinds": kind_report,
        "dense_features": list(DENSE_NAMES),
        "hash_bits": HASH_BITS,
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    model = Model(
        vocabulary=vocabulary,
        blocks=blocks,
        context=context,
        kinds=kinds,
        kind_labels=kind_labels,
        info=info,
    )
    return model, info


def _cv_report(
    examples: Sequence[Example],
    matrix: Matrix,
    y: npt.NDArray[np.int64],
    first: FloatArray,
    final: FloatArray,
    *,
    n_original: int,
    weights: FloatArray,
    members: Sequence[FloatArray] = (),
) -> CvReport:
    """The grouped CV scores of ``final`` (out-of-fold probabilities of every row
    of ``matrix``); ``weights``: each row's length in characters (the core's)."""
    pages = Pages.of_sizes([b - a for a, b in matrix.doc_slices])
    core = core_mask(final[:, 0], weights, pages=pages)
    pred = decide_labels(final, core=core)
    body = LABELS.index(Label.BODY)
    tp = int(((pred == body) & (y == body)).sum())
    fp = int(((pred == body) & (y != body)).sum())
    fn = int(((pred != body) & (y == body)).sum())
    precision = tp / max(tp + fp, 1)
    recall = tp / max(tp + fn, 1)
    originals = examples[:n_original]
    page_scores = _page_scores(originals, matrix, pred)

    def body_from(threshold: float | None) -> dict[str, float]:
        if threshold == BODY_THRESHOLD:
            return _f1_only(page_scores)
        labels = decide_labels(final, body_threshold=threshold, core=core)
        return _f1_only(_page_scores(originals, matrix, labels))

    def core_rule(floor: float, outside: float) -> dict[str, float]:
        if (floor, outside) == (CORE_FLOOR, OUTSIDE_THRESHOLD):
            return _f1_only(page_scores)
        its_core = core_mask(final[:, 0], weights, pages=pages, floor=floor)
        labels = decide_labels(final, core=its_core, outside_threshold=outside)
        return _f1_only(_page_scores(originals, matrix, labels))

    return CvReport(
        block_accuracy=round(float((pred == y).mean()), 4),
        body_precision=round(precision, 4),
        body_recall=round(recall, 4),
        body_f1=round(2 * precision * recall / max(precision + recall, 1e-9), 4),
        first_stage_accuracy=round(float((first.argmax(axis=1) == y).mean()), 4),
        page_scores=page_scores,
        n_blocks=len(y),
        n_texts=n_original,
        title_f1_by_threshold=_title_f1_by_threshold(final, y, core=core),
        page_f1_by_body_threshold={
            "argmax" if threshold is None else f"{threshold:g}": body_from(threshold)
            for threshold in (None, *BODY_THRESHOLDS_COMPARED)
        },
        page_f1_by_core_rule={
            f"{floor:g}/{outside:g}": core_rule(floor, outside)
            for floor in CORE_FLOORS_COMPARED
            for outside in OUTSIDE_THRESHOLDS_COMPARED
        },
        page_f1_without_core={
            f"{threshold:g}": _f1_only(
                _page_scores(originals, matrix, decide_labels(final, body_threshold=threshold))
            )
            for threshold in THRESHOLDS_WITHOUT_CORE
        },
        member_page_f1=[
            _f1_only(_page_scores(originals, matrix, label_blocks(member, weights, pages=pages)))
            for member in members
        ],
    )


def _f1_only(page_scores: Mapping[str, float]) -> dict[str, float]:
    """The ``SOURCE:f1`` entries of :func:`_page_scores`' result."""
    return {key: value for key, value in page_scores.items() if key.endswith(":f1")}


def _page_scores(
    examples: Sequence[Example], matrix: Matrix, pred: npt.NDArray[np.int64]
) -> dict[str, float]:
    """Page 4-shingle F1, precision and recall by converter (``SOURCE:f1``...) of
    the body that ``pred`` (label indices of every row) keeps in ``examples``,
    the first texts of ``matrix``."""
    from boilerstrip.evaluate import shingle_counts, shingle_score

    body = LABELS.index(Label.BODY)
    predictions: dict[str, list[str]] = defaultdict(list)
    golds: dict[str, list[str]] = defaultdict(list)
    for ex, (a, b) in zip(examples, matrix.doc_slices[: len(examples)], strict=True):
        keep = [int(p) == body for p in pred[a:b]]
        predictions[ex.source].append(assemble(ex.doc, keep))
        golds[ex.source].append(ex.gold)
    page_scores: dict[str, float] = {}
    for source in sorted(predictions):
        result = shingle_score(
            [shingle_counts(g, p) for g, p in zip(golds[source], predictions[source], strict=True)],
            resamples=0,
        )
        page_scores[f"{source}:f1"] = round(result.f1, 4)
        page_scores[f"{source}:precision"] = round(result.precision, 4)
        page_scores[f"{source}:recall"] = round(result.recall, 4)
    return page_scores


BODY_THRESHOLDS_COMPARED = (0.15, 0.2, 0.25, 0.3, 0.35, 0.45)
"""Thresholds of :data:`~boilerstrip.smooth.BODY_THRESHOLD` the CV report compares."""

CORE_FLOORS_COMPARED = (0.35, 0.45, 0.55)
"""Floors of :data:`~boilerstrip.smooth.CORE_FLOOR` the CV report compares."""

OUTSIDE_THRESHOLDS_COMPARED = (0.7, 0.8, 0.9)
"""Thresholds of :data:`~boilerstrip.smooth.OUTSIDE_THRESHOLD` the CV report compares."""

THRESHOLDS_WITHOUT_CORE = (0.35, 0.45)
"""Single body thresholds (the core not looked at) the CV report scores beside
the core's rule: 0.45 was ``clean``'s rule before the core."""

TITLE_THRESHOLDS_COMPARED = (0.5, 0.4, 0.3, 0.25, 0.2, 0.15, 0.1)
"""Thresholds of :data:`~boilerstrip.smooth.TITLE_THRESHOLD` the CV report compares."""


def _title_f1_by_threshold(
    final: FloatArray, y: npt.NDArray[np.int64], *, core: npt.NDArray[np.bool_] | None = None
) -> dict[str, float]:
    """Title F1 of the blocks with no title threshold ("argmax": body and title
    as decided without it) and with each compared threshold.

    >>> final = np.array([[0.7, 0.3, 0.0], [0.9, 0.1, 0.0], [0.1, 0.1, 0.8]])
    >>> _title_f1_by_threshold(final, np.array([1, 0, 2]))["0.25"]
    1.0
    """
    title = LABELS.index(Label.TITLE)
    scores: dict[str, float] = {}
    for threshold in (None, *TITLE_THRESHOLDS_COMPARED):
        pred = decide_labels(final, title_threshold=threshold, core=core)
        tp = int(((pred == title) & (y == title)).sum())
        predicted, actual = int((pred == title).sum()), int((y == title).sum())
        f1 = 2 * tp / max(predicted + actual, 1)
        scores["argmax" if threshold is None else f"{threshold:g}"] = round(f1, 4)
    return scores


# --------------------------------------------------------------------------- kinds


def page_texts(examples: Iterable[Example]) -> dict[tuple[str, str], Document]:
    """Each example's document by (page id, converter): where :func:`fit_kinds`
    finds the page a labeled block was cut from (see :attr:`KindRow.source`)."""
    return {(ex.page_id, ex.source): ex.doc for ex in examples}


@dataclass(frozen=True)
class KindRow:
    """One kind-labeled block: its kind, text, and the page text it was cut from."""

    kind: Kind
    text: str
    dataset: str
    page_id: str
    converter: str

    @property
    def page(self) -> str:
        """``dataset/page_id``: the unit the kind classifier's folds keep together."""
        return f"{self.dataset}/{self.page_id}"

    @property
    def source(self) -> tuple[str, str]:
        """The key of the page text in the training examples: (page id, converter)."""
        return (
            f"{KIND_PAGE_DATASETS.get(self.dataset, self.dataset)}/{self.page_id}",
            self.converter,
        )


def read_kind_rows(path: Path, *, noise_only: bool = True) -> list[KindRow]:
    """Rows of a kind-labeled file (``noise-kinds.tsv`` or ``noise-sample.tsv``).

    With ``noise_only`` a body or title row is an error; without it such rows
    (blocks of the article that the alignment took for noise) are skipped.
    """
    rows: list[KindRow] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = [c for c in KIND_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
        for line_no, row in enumerate(reader, start=2):
            if row["dataset"] in EVAL_ONLY_SETS:
                raise ValueError(f"{path}:{line_no}: line from EVAL-ONLY set {row['dataset']!r}")
            try:
                kind = Kind(row["kind"])
            except ValueError as exc:
                raise ValueError(f"{path}:{line_no}: unknown kind {row['kind']!r}") from exc
            if not kind.is_noise:
                if noise_only:
                    raise ValueError(f"{path}:{line_no}: kind {kind.value!r} is not a noise kind")
                continue
            converter = row.get("converter") or ""
            rows.append(KindRow(kind, row["text"], row["dataset"], row["page_id"], converter))
    return rows


def read_kinds(path: Path) -> list[tuple[Kind, str, str]]:
    """Rows of the reviewed kind-labeled noise set: (kind, text, page id)."""
    return [(r.kind, r.text, r.page) for r in read_kind_rows(path)]


def _flat(text: str) -> str:
    return " ".join(text.split())


class _PageFeatures:
    """Features of labeled blocks computed in their page, when the page is known.

    The kind of a block shows in its neighbours as much as in itself: a single
    word in a run of menu items is navigation, a short line after the body is
    a related link. A labeled block is looked up (by its text, whitespace
    collapsed) in the page text it was cut from, and gets the features it has
    there; a block whose page or text is not found gets the features of the
    block alone.
    """

    def __init__(self, pages: Mapping[tuple[str, str], Document], vocabulary: Vocabulary) -> None:
        self.pages = pages
        self.vocabulary = vocabulary
        self.found = 0
        self._cache: dict[tuple[str, str], tuple[Features, dict[str, int]]] = {}

    def _page(self, key: tuple[str, str]) -> tuple[Features, dict[str, int]]:
        if key not in self._cache:
            doc = self.pages[key]
            index: dict[str, int] = {}
            for i, block in enumerate(doc.blocks):
                index.setdefault(_flat(block.text), i)
            self._cache[key] = (extract(doc, vocabulary=self.vocabulary), index)
        return self._cache[key]

    def locate(self, row: KindRow) -> int | None:
        """The block's index in its page text, or None when the page or the block is not found."""
        if row.source not in self.pages:
            return None
        return self._page(row.source)[1].get(_flat(row.text))

    def of(self, row: KindRow) -> Features:
        at = self.locate(row)
        if at is not None:
            self.found += 1
            return self._page(row.source)[0].subset(np.array([at], dtype=np.int64))
        return self.alone(row.text)

    def page_scores(self, key: tuple[str, str], layer: Linear) -> FloatArray:
        """``layer``'s scores for every block of a page text."""
        feats = self._page(key)[0]
        return layer.scores(feats.dense, feats)

    def alone(self, text: str) -> Features:
        doc = segment(text)
        alone = Document(text=doc.text, blocks=doc.blocks[:1], separator=doc.separator)
        return extract(alone, vocabulary=self.vocabulary)

    def group(self, texts: Sequence[str]) -> Features:
        """Features of a hand-written group's blocks, the group read as a page."""
        doc = segment("\n".join(texts))
        if len(doc.blocks) != len(texts):
            return _stack([self.alone(t) for t in texts])
        return extract(doc, vocabulary=self.vocabulary)


def _stack(parts: Sequence[Features]) -> Features:
    """Features of several documents as those of one (rows renumbered in order)."""
    offsets = np.cumsum([0, *(p.n_blocks for p in parts)])
    return Features(
        dense=np.vstack([p.dense for p in parts]),
        rows=np.concatenate([p.rows + o for p, o in zip(parts, offsets[:-1], strict=True)]),
        cols=np.concatenate([p.cols for p in parts]),
        vals=np.concatenate([p.vals for p in parts]),
        words=ContentWords.empty(),
    )


def _kind_scores(
    pred: npt.NDArray[np.int64], y: npt.NDArray[np.int64], kind_labels: Sequence[Kind]
) -> dict[str, Any]:
    """Accuracy and per-kind precision / recall / support of predicted kind indices."""
    per_kind: dict[str, dict[str, float]] = {}
    for k, kind in enumerate(kind_labels):
        tp = int(((pred == k) & (y == k)).sum())
        n_pred = int((pred == k).sum())
        n_true = int((y == k).sum())
        per_kind[kind.value] = {
            "precision": round(tp / n_pred, 3) if n_pred else 0.0,
            "recall": round(tp / n_true, 3) if n_true else 0.0,
            "support": n_true,
        }
    accuracy = round(float((pred == y).mean()), 3) if y.size else 0.0
    return {"n": int(y.size), "accuracy": accuracy, "per_kind": per_kind}


def fit_kinds(
    path: Path,
    vocabulary: Vocabulary,
    *,
    seed: int,
    appeals: Sequence[AppealGroup] = (),
    sample: Path | None = None,
    pages: Mapping[tuple[str, str], Document] | None = None,
    noise_blocks: Callable[[Document], npt.NDArray[np.bool_]] | None = None,
    c: float = KIND_C,
) -> tuple[Linear, tuple[Kind, ...], dict[str, Any]]:
    """Fit the kind classifier; report its per-kind scores, cross-validated by page.

    It learns from the reviewed set ``path``, the hand-labeled random draw
    ``sample`` (its body and title rows, blocks the alignment missed, are
    left out) and the noise blocks of ``appeals``. ``pages`` maps (page id,
    converter) to the training texts: a labeled block found in its page gets
    the features it has there, neighbours and position included (see
    :class:`_PageFeatures`). Each reviewed and sampled block is scored by a
    classifier fitted without its page (:data:`KIND_FOLDS` folds); the
    appeals are always in the training part. ``c`` is the SVM's penalty.

    Given ``noise_blocks`` (which blocks of a page text the block stages call
    noise), a block found in its page is also scored as ``classify`` names
    kinds, with its noise neighbours' votes (:func:`~boilerstrip.smooth.smooth_kinds`);
    the report's ``reviewed`` and ``sample`` scores are then those, and
    ``alone`` holds the accuracies without the votes.
    """
    reviewed = read_kind_rows(path)
    drawn = read_kind_rows(sample, noise_only=False) if sample is not None else []
    written = [g for g in appeals if g.kind.is_noise]
    kinds_seen = {r.kind for r in (*reviewed, *drawn)} | {g.kind for g in written}
    kind_labels = tuple(k for k in NOISE_KINDS if k in kinds_seen)
    lookup = _PageFeatures(pages or {}, vocabulary)
    matrix = Matrix(width=1 << KIND_HASH_BITS)
    groups: list[str] = []
    origin: list[str] = []
    located: list[tuple[tuple[str, str], int] | None] = []
    for name, rows in (("reviewed", reviewed), ("sample", drawn)):
        for row in rows:
            matrix.add(lookup.of(row), [kind_labels.index(row.kind)])
            groups.append(row.page)
            origin.append(name)
            at = lookup.locate(row)
            located.append(None if at is None else (row.source, at))
    for group in written:
        matrix.add(lookup.group(group.texts), [kind_labels.index(group.kind)] * len(group.texts))
        groups += [f"appeals/{group.group}"] * len(group.texts)
        origin += ["appeals"] * len(group.texts)
        located += [None] * len(group.texts)
    y = np.concatenate(matrix.labels)
    design = make_design(matrix, np.vstack(matrix.dense))
    real = sorted({g for g, o in zip(groups, origin, strict=True) if o != "appeals"})
    random.Random(seed).shuffle(real)
    fold_of = {g: i % KIND_FOLDS for i, g in enumerate(real)}
    fold = np.array([fold_of.get(g, -1) for g in groups])
    pred = np.full(y.shape, -1, dtype=np.int64)
    voted = np.full(y.shape, -1, dtype=np.int64)
    noise_of: dict[tuple[str, str], npt.NDArray[np.bool_]] = {}
    for k in range(KIND_FOLDS):
        test = fold == k
        if test.any() and (~test).any():
            layer = fit_svm(design, y, c=c, n_classes=len(kind_labels), seed=seed, rows=~test)
            pred[test] = _predict_linear(layer, design, np.flatnonzero(test)).argmax(axis=1)
            if noise_blocks is not None:
                voted[test] = pred[test]
                scores: dict[tuple[str, str], FloatArray] = {}
                for i in np.flatnonzero(test):
                    spot = located[i]
                    if spot is None:
                        continue
                    key, at = spot
                    if key not in scores:
                        scores[key] = lookup.page_scores(key, layer)
                        noise_of[key] = noise_blocks(lookup.pages[key])
                    voted[i] = _voted_kind(scores[key], noise_of[key], at)
    where = np.array(origin)
    final = fit_svm(design, y, c=c, n_classes=len(kind_labels), seed=seed)
    shown = voted if noise_blocks is not None else pred
    report: dict[str, Any] = {
        "n_rows": int(y.size),
        "n_written_rows": int((where == "appeals").sum()),
        "n_sample_rows": len(drawn),
        "n_found_in_page": lookup.found,
        "folds": KIND_FOLDS,
        "reviewed": _kind_scores(shown[where == "reviewed"], y[where == "reviewed"], kind_labels),
        "sample": _kind_scores(shown[where == "sample"], y[where == "sample"], kind_labels),
        "counts": {k.value: int((y == i).sum()) for i, k in enumerate(kind_labels)},
    }
    if noise_blocks is not None:
        report["kind_vote"] = KIND_VOTE
        report["alone"] = {
            part: _kind_scores(pred[where == part], y[where == part], kind_labels)["accuracy"]
            for part in ("reviewed", "sample")
        }
    return final, kind_labels, report


def _voted_kind(scores: FloatArray, noise: npt.NDArray[np.bool_], at: int) -> int:
    """The kind ``classify`` names for block ``at`` of a page (taken as noise) whose
    blocks have kind ``scores`` and of which ``noise`` are noise."""
    blocks = np.flatnonzero(noise | (np.arange(noise.shape[0]) == at))
    kinds = smooth_kinds(scores[blocks], blocks)
    return int(kinds[np.searchsorted(blocks, at)])


def noise_blocks_of(
    blocks: Linear, context: Committee, vocabulary: Vocabulary
) -> Callable[[Document], npt.NDArray[np.bool_]]:
    """Which blocks of a document the block stages ``blocks`` and ``context`` call noise."""

    def noise(doc: Document) -> npt.NDArray[np.bool_]:
        feats = extract(doc, vocabulary=vocabulary)
        first = blocks.probabilities(feats.dense, feats)
        final = context.probabilities(context_inputs(first, feats.dense, feats.words))
        labels = label_blocks(final, block_weights(feats.dense))
        is_noise: npt.NDArray[np.bool_] = labels == LABELS.index(Label.NOISE)
        return is_noise

    return noise


# --------------------------------------------------------------------------- card and CLI


def _threshold_scores(by_threshold: Mapping[str, Mapping[str, float]]) -> str:
    """``"0.25 inscriptis 0.84, lxml 0.83; 0.3 ..."``: page F1 by threshold and converter."""
    return "; ".join(
        f"{threshold} " + ", ".join(f"{k.split(':')[0]} {v}" for k, v in sorted(scores.items()))
        for threshold, scores in by_threshold.items()
    )


def write_model_card(path: Path, info: dict[str, Any], *, model_file: Path, command: str) -> None:
    """Write ``MODEL_CARD.md`` from the training report."""
    cv = info["cv"]
    kinds = info["kinds"]
    voted = "alone" in kinds
    size_mb = model_file.stat().st_size / 1e6
    lines = [
        "# boilerstrip model card",
        "",
        f"- File: `{model_file.name}` ({size_mb:.2f} MB), format {FORMAT_VERSION}",
        f"- Trained: {info['date']} in {info['train_seconds']} s with `{command}`",
        f"- scikit-learn {info['sklearn_version']}, numpy {info['numpy_version']}, "
        f"seed {info['seed']}",
        "",
        "## Training data",
        "",
        "Only the TRAIN sets of the benchmark collection (EVAL-ONLY sets are never read):",
        "",
        "| set | license | attribution |",
        "|---|---|---|",
        "| wcxb-dev | CC-BY-4.0 | WCXB: Web Content eXtraction Benchmark, © 2026 Murrough Foley |",
        "| mozilla-readability | Apache-2.0 | Readability test pages, "
        "© 2010 Arc90 Inc, Mozilla and contributors |",
        "",
        f"{info['n_texts']} page texts ({len(info['converters'])} HTML-to-text converters: "
        f"{', '.join(info['converters'])}), {info['n_augmented']} augmented copies, "
        f"{info['n_blocks']} blocks; labels {info['label_counts']}.",
        "Block labels come from aligning each block to the gold text (`boilerstrip/align.py`);",
        "on 194 blocks checked by eye the aligned label was right for 90.7% "
        "(`benchmarks/ALIGNMENT.md`).",
        "Kinds come from the reviewed kind-labeled set `models/kinds/noise-kinds.tsv` and "
        "a random draw of noise blocks labeled by hand (`models/kinds/noise-sample.tsv`).",
        f"Augmented copies include {info.get('n_appealed', 0)} texts with a hand-written "
        "appeal or prompt inserted (`models/kinds/appeals.tsv`, original text written for "
        "this project, MIT; see `models/kinds/APPEALS.md`), some with a body hard negative, "
        f"{info.get('n_body_only', 0)} copies holding only the title and body, "
        f"{info.get('n_ciphered', 0)} copies with their letters permuted "
        "(a language never seen: the model must not lean on English words), "
        f"{info.get('n_ideographic', 0)} copies rewritten in a made-up script without "
        "spaces between words, one code of ideographs per word (the TRAIN sets hold no "
        "Chinese or Japanese page), "
        f"{info.get('n_cropped', 0)} copies cut down to a few consecutive blocks "
        "(snippets and short pages), "
        f"{info.get('n_miniature', 0)} miniature copies (the title, a run of body "
        "paragraphs and a few of the page's noise blocks on each side: short pages with "
        "their menus, share bars and footers), "
        f"{info.get('n_closing', 0)} copies whose last body paragraph ends in a short "
        "sentence on a line of its own (many articles end so, right above the share bar; "
        "the TRAIN pages seldom do), "
        f"and {info.get('n_sentence_case', 0)} copies with the headline in sentence case "
        "(most TRAIN headlines capitalise every word; many sites and languages do not).",
        "In the cross-validation a page only gets appeals and inserted noise "
        "assigned to its own fold, so out-of-fold scores meet them unseen.",
        "",
        "## Features",
        "",
        f"{len(info['dense_features'])} dense features (shape, stopwords, punctuation, "
        "second-person and call-to-act cues, position, neighbours), standardised and "
        f"clipped to ±{Z_CLIP:g} standard deviations, and hashed word "
        f"unigrams and bigrams (apart for prose blocks of {PROSE_TOKENS}+ words), "
        f"character trigrams, first/last word and binned shape crossings in 2^{info['hash_bits']} "
        "buckets. See `boilerstrip/features.py`.",
        "",
        f"Stopwords: the {STOPWORDS_PER_SET} most frequent tokens of the TRAIN body blocks "
        "(mostly English), and the hand-written function-word lists of "
        f"`{DEFAULT_FUNCTION_WORDS_FILE.as_posix()}` for "
        f"{', '.join(info.get('function_word_languages', [])) or 'no language'}; "
        f"{info.get('n_stopwords', '?')} distinct words in all.",
        "",
        "## Stages",
        "",
        "1. Context-free block classifier (one-vs-rest logistic regression, averaged SGD; "
        f"each block of a text of n blocks weighs sqrt(min(1, {BLOCK_ROWS_PER_TEXT} / n)), "
        "so that long pages do not drown the others) "
        f"with four classes: body, title, noise, and noise of {PROSE_TOKENS}+ words "
        "(appeals, comments, teasers, notices), which reads like prose and so is "
        "told apart by what it says rather than by its shape; "
        f"training blocks per class {info.get('first_stage_counts', {})}.",
        f"2. Context stage: a committee of {CONTEXT_NETS} small networks (MLP, hidden "
        f"layers {CONTEXT_HIDDEN}) over the out-of-fold log-odds of a window of blocks "
        "(body vs noise, title vs noise, prose noise vs body), page summaries, the "
        f"neighbours' {', '.join(NEIGHBOUR_CUES)} and the block's dense features; "
        "the mean of their probabilities gives the final body / title / noise. Each "
        "network has its own seed and is fitted on its own sample that takes at most "
        f"about {CONTEXT_ROWS_PER_TEXT} blocks of each text, so that short texts are not "
        "lost among the blocks of long pages.",
        "3. Kind classifier for noise blocks: a one-vs-rest linear SVM "
        f"(C={KIND_C}, chosen by cross-validation grouped by page) over the block's "
        "features in its page (its own and its neighbours'); its scores only rank the kinds.",
        "",
        "## Grouped cross-validation (folds by site)",
        "",
        f"Blocks: {cv['n_blocks']}; texts: {cv['n_texts']}.",
        "",
        "| score | value |",
        "|---|---|",
        f"| block accuracy, context-free stage | {cv['first_stage_accuracy']} |",
        f"| block accuracy, after context | {cv['block_accuracy']} |",
        f"| body precision / recall / F1 (blocks) | {cv['body_precision']} / "
        f"{cv['body_recall']} / {cv['body_f1']} |",
    ]
    for key, value in sorted(cv["page_scores"].items()):
        lines.append(f"| page 4-shingle {key} | {value} |")
    if cv.get("member_page_f1"):
        lines += [
            "",
            "Page 4-shingle F1 of each context network of the committee alone (seeds "
            f"{info['seed']} to {info['seed'] + len(cv['member_page_f1']) - 1}; the table gives "
            "their mean's): "
            + "; ".join(
                ", ".join(f"{k.split(':')[0]} {v}" for k, v in sorted(member.items()))
                for member in cv["member_page_f1"]
            )
            + ".",
        ]
    outside = "alike" if OUTSIDE_THRESHOLD is None else f"from {OUTSIDE_THRESHOLD} on"
    threshold_tables = (
        (
            "page_f1_by_body_threshold",
            "Page 4-shingle F1 when a block in its page's core (the run of blocks with the "
            f"largest sum of characters times P(body) - {CORE_FLOOR}) is body from a threshold "
            "of its body probability on, or as the most likely label (argmax), and a block "
            f"outside the core {outside}; `clean` uses "
            f"{'the argmax' if BODY_THRESHOLD is None else BODY_THRESHOLD}: ",
        ),
        (
            "page_f1_by_core_rule",
            "The same by the core's floor and the threshold outside it (`FLOOR/OUTSIDE`; "
            f"`clean` uses {CORE_FLOOR:g}/{OUTSIDE_THRESHOLD}, and "
            f"{'the argmax' if BODY_THRESHOLD is None else BODY_THRESHOLD} inside): ",
        ),
        (
            "page_f1_without_core",
            "The same with one threshold for every block, the core not looked at: ",
        ),
    )
    for key, intro in threshold_tables:
        if cv.get(key):
            lines += ["", intro + _threshold_scores(cv[key]) + "."]
    if cv.get("title_f1_by_threshold"):
        lines += [
            "",
            "Title F1 of the blocks when body gives way to title from a threshold on "
            f"(`clean` uses {TITLE_THRESHOLD}; the scores above are at it): "
            + ", ".join(f"{k} {v}" for k, v in cv["title_f1_by_threshold"].items())
            + ".",
        ]
    lines += [
        "",
        "## Kinds (cross-validated by page)",
        "",
        f"{kinds['n_rows']} labeled noise blocks: the reviewed set, "
        f"{kinds['n_sample_rows']} noise blocks drawn at random from the TRAIN pages and "
        "labeled by hand (`models/kinds/noise-sample.tsv`), and "
        f"{kinds['n_written_rows']} blocks of the hand-written appeals. "
        f"{kinds['n_found_in_page']} of the real pages' blocks were found in their page "
        "text and classified with their neighbours. Each block of a real page is scored "
        f"by a classifier fitted without its page ({kinds['folds']} folds; the appeals "
        "are always in the training part)"
        + (
            f", and, as `classify` names kinds, with the votes of the noise blocks next to it "
            f"in its page (each adds {kinds['kind_vote']} to the score of its own best kind; "
            "`boilerstrip/smooth.py`, `smooth_kinds`)."
            if voted
            else "."
        ),
        "",
        f"- Random draw (kinds in the proportions pages hold them): accuracy "
        f"{kinds['sample']['accuracy']} on {kinds['sample']['n']} blocks"
        + (f" ({kinds['alone']['sample']} without the neighbours' votes)" if voted else "")
        + ".",
        f"- Reviewed set (every kind in fair numbers): accuracy "
        f"{kinds['reviewed']['accuracy']} on {kinds['reviewed']['n']} blocks"
        + (f" ({kinds['alone']['reviewed']} without the neighbours' votes)" if voted else "")
        + ".",
        "",
        "| kind | precision (reviewed) | recall (reviewed) | support (reviewed) | "
        "precision (draw) | recall (draw) | support (draw) | training rows |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, s in kinds["reviewed"]["per_kind"].items():
        d = kinds["sample"]["per_kind"][kind]
        lines.append(
            f"| {kind} | {s['precision']} | {s['recall']} | {s['support']} | "
            f"{d['precision']} | {d['recall']} | {d['support']} | {kinds['counts'][kind]} |"
        )
    lines += [
        "",
        "## Loading",
        "",
        "The file is a joblib pickle: loading it can run code. Load only model files you trust.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def train_data_problem(data_dir: Path) -> str:
    """What is wrong with ``data_dir`` as the folder of the TRAIN sets ("" if nothing).

    >>> train_data_problem(Path("/nonexistent"))
    '/nonexistent: no such folder'
    """
    if not data_dir.is_dir():
        return f"{data_dir}: no such folder"
    missing = [name for name in TRAIN_SETS if not (data_dir / name).is_dir()]
    if missing:
        return (
            f"{data_dir}: no TRAIN set {missing[0]!r} in it "
            f"(the folder holding {', '.join(TRAIN_SETS)})"
        )
    return ""


def _check_out(parser: argparse.ArgumentParser, out: Path) -> None:
    """Fail before training, not after it, when ``out`` cannot take the model."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".{MODEL_FILENAME}.write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        parser.error(f"--out {out}: cannot write there: {exc.strerror or exc}")


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: ``python -m boilerstrip.train``."""
    parser = argparse.ArgumentParser(
        prog="python -m boilerstrip.train",
        description="Rebuild the boilerstrip model from the TRAIN benchmark sets.",
        epilog="Example: python -m boilerstrip.train --data ../shared/data --out models/",
    )
    from boilerstrip.convert import Converter

    parser.add_argument("--data", type=Path, required=True, help="folder holding the TRAIN sets")
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="output folder for the model, its card and report (models/ replaces the shipped one)",
    )
    parser.add_argument(
        "--kinds",
        type=Path,
        default=None,
        help=f"kind-labeled noise set (default: {DEFAULT_KINDS_FILE})",
    )
    parser.add_argument(
        "--kind-sample",
        type=Path,
        default=DEFAULT_KIND_SAMPLE_FILE,
        help="noise blocks drawn at random and labeled by hand, for the kind classifier "
        f"(default: {DEFAULT_KIND_SAMPLE_FILE})",
    )
    parser.add_argument(
        "--appeals",
        type=Path,
        default=DEFAULT_APPEALS_FILE,
        help=f"hand-written appeals and hard negatives (default: {DEFAULT_APPEALS_FILE})",
    )
    parser.add_argument(
        "--function-words",
        type=Path,
        default=DEFAULT_FUNCTION_WORDS_FILE,
        help="function words added to the learned stopwords "
        f"(default: {DEFAULT_FUNCTION_WORDS_FILE})",
    )
    parser.add_argument(
        "--converters",
        nargs="+",
        default=list(DEFAULT_CONVERTERS),
        choices=[c.value for c in Converter],
        help="HTML-to-text converters",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of every random choice")
    parser.add_argument(
        "--folds", type=positive, default=N_FOLDS, help="cross-validation folds (2 or more)"
    )
    parser.add_argument("--cache", type=Path, default=None, help="cache converted texts here")
    parser.add_argument(
        "--limit", type=positive, default=None, help="at most N pages per set (tests)"
    )
    args = parser.parse_args(argv)
    if args.folds < 2:
        parser.error(f"argument --folds: must be 2 or more, got {args.folds}")
    if problem := train_data_problem(args.data):
        parser.error(f"--data {problem}")

    def progress(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    kinds_file = args.kinds or DEFAULT_KINDS_FILE
    hint = " (the defaults are paths in the repository: run from its root, or name the file)"
    if not kinds_file.is_file():
        parser.error(f"kind-labeled set not found: {kinds_file}{hint}")
    if not args.kind_sample.is_file():
        parser.error(f"kind sample not found: {args.kind_sample}{hint}")
    if not args.appeals.is_file():
        parser.error(f"appeals file not found: {args.appeals}{hint}")
    if not args.function_words.is_file():
        parser.error(f"function-words file not found: {args.function_words}{hint}")
    _check_out(parser, args.out)
    model, info = train(
        args.data,
        converters=args.converters,
        kinds_file=kinds_file,
        kind_sample_file=args.kind_sample,
        appeals_file=args.appeals,
        function_words_file=args.function_words,
        seed=args.seed,
        cache_dir=args.cache,
        limit=args.limit,
        n_folds=args.folds,
        progress=progress,
    )
    args.out.mkdir(parents=True, exist_ok=True)
    model_file = args.out / MODEL_FILENAME
    model.save(model_file)
    command = "python -m boilerstrip.train " + " ".join(
        a for a in (argv if argv is not None else sys.argv[1:])
    )
    write_model_card(args.out / "MODEL_CARD.md", info, model_file=model_file, command=command)
    (args.out / "training-report.json").write_text(json.dumps(info, indent=2, sort_keys=True))
    progress(f"wrote {model_file} ({model_file.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
