"""The public functions: :func:`clean`, :func:`classify` and :func:`clean_many`.

They compose the stages and nothing else::

    text ─► segment ─► features ─► blocks ─► context ─► labels (core) ─► kinds ─► assemble
"""

from __future__ import annotations

import operator
import os
import pickle
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import compress

import numpy as np
import numpy.typing as npt

from boilerstrip.arrays import Pages
from boilerstrip.batch import one_blas_thread, parallel_map, resolve_n_jobs
from boilerstrip.features import Features, extract_pages
from boilerstrip.model import LABELS, FloatArray, Model, default_model
from boilerstrip.segment import as_document, assemble, cut, segment
from boilerstrip.smooth import block_weights, context_inputs, label_blocks, smooth_kinds
from boilerstrip.types import Block, Decision, Document, Kind, Label, Spans

DEFAULT_BATCH_SIZE = 64
"""Documents sent to a worker at a time: large enough to amortise the hand-off,
small enough to keep memory flat and output flowing."""


def _check_text(text: object, *, where: str = "") -> str:
    if not isinstance(text, str):
        raise TypeError(f"boilerstrip expects text as str{where}, got {type(text).__name__}")
    return text


def _check_flag(name: str, value: object) -> bool:
    """``value`` as a bool (numpy's pass); anything else raises :class:`TypeError`."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def _check_count(name: str, value: object, *, minimum: int, meaning: str = "") -> int:
    """``value`` as an int of at least ``minimum`` (numpy integers pass; bools,
    floats and strings raise :class:`TypeError`)."""
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise TypeError(f"{name} must be a whole number, got {type(value).__name__} {value!r}")
    number = operator.index(value)
    if number < minimum:
        raise ValueError(f"{name} must be {meaning or f'at least {minimum}'}, got {number}")
    return number


def _model(model: object) -> Model:
    """``model``, or the default model for ``None``."""
    if model is None:
        return default_model()
    if not isinstance(model, Model):
        raise TypeError(
            f"model must be a boilerstrip Model (Model.load(path)) or None, "
            f"got {type(model).__name__}"
        )
    return model


WINDOW_CHARS = 500_000
"""A document longer than this is classified in windows of about this many
characters: working memory stays bounded (a few hundred bytes a character)
whatever the document's size. Web pages are far shorter; only dumps and
concatenations are windowed, and for them page-level cues of a window are as
telling as those of the whole. Each window has its own core
(:func:`~boilerstrip.smooth.core_mask`): a dump holds many articles, not one."""

WINDOW_MARGIN = 32
"""Blocks of context on each side of a window, classified but not kept from it:
more than the reach of the neighbour features and of the context stage."""

BATCH_CHARS = 128_000
""":func:`clean_batch` classifies documents together up to about this many
characters at a time: a 10 KB page then shares the fixed cost of the numpy
calls with a dozen others (most of that cost saved), and the working memory
of a batch stays under 20 MB (about 12 MB at its peak, as traced by
tracemalloc, for 131,000 characters of benchmark pages)."""


def _predict(
    doc: Document, model: Model, *, kinds: bool
) -> tuple[FloatArray, npt.NDArray[np.int64], FloatArray]:
    """Final P(label) of every block, its label index (decided with its window's
    core), and its kind scores (one column for each of the model's kinds; an
    empty matrix unless ``kinds``)."""
    n = len(doc.blocks)
    final = np.zeros((n, len(LABELS)))
    labels = np.zeros(n, dtype=np.int64)
    kind_scores = np.zeros((n if kinds else 0, len(model.kind_labels)))
    for lo, keep_lo, keep_hi, hi in _windows(doc):
        window = doc if (lo, hi) == (0, n) else _sub_document(doc, lo, hi)
        probs, features, _ = _probabilities([window], model)
        inner = slice(keep_lo - lo, keep_hi - lo)
        final[keep_lo:keep_hi] = probs[inner]
        labels[keep_lo:keep_hi] = label_blocks(probs, block_weights(features.dense))[inner]
        if kinds:
            whole = (keep_lo, keep_hi) == (lo, hi)
            subset = features if whole else features.subset(np.arange(inner.start, inner.stop))
            kind_scores[keep_lo:keep_hi] = model.kind_scores(subset)
    return final, labels, kind_scores


def _probabilities(
    docs: Sequence[Document | Spans], model: Model
) -> tuple[FloatArray, Features, Pages]:
    """Final P(label) of every block of ``docs``, each taken whole, one page after
    another; the blocks' features; where each page's blocks are."""
    sizes = [len(doc.texts) if isinstance(doc, Spans) else len(doc.blocks) for doc in docs]
    pages = Pages.single(sizes[0]) if len(sizes) == 1 else Pages.of_sizes(sizes)
    features = extract_pages(docs, vocabulary=model.vocabulary)
    first = model.block_probabilities(features)
    inputs = context_inputs(first, features.dense, features.words, pages=pages)
    return model.context.probabilities(inputs), features, pages


def _windows(doc: Document) -> Iterator[tuple[int, int, int, int]]:
    """``(lo, keep_lo, keep_hi, hi)`` block ranges: classify ``lo:hi``, keep ``keep_lo:keep_hi``.

    One window for a document up to :data:`WINDOW_CHARS` long; otherwise
    consecutive windows of about that many characters, with
    :data:`WINDOW_MARGIN` blocks of context on each side.
    """
    blocks = doc.blocks
    n = len(blocks)
    if n == 0:
        return
    if blocks[-1].end - blocks[0].start <= WINDOW_CHARS:
        yield 0, 0, n, n
        return
    keep_lo = 0
    while keep_lo < n:
        limit = blocks[keep_lo].start + WINDOW_CHARS
        keep_hi = keep_lo + 1
        while keep_hi < n and blocks[keep_hi].end <= limit:
            keep_hi += 1
        yield max(0, keep_lo - WINDOW_MARGIN), keep_lo, keep_hi, min(n, keep_hi + WINDOW_MARGIN)
        keep_lo = keep_hi


def _sub_document(doc: Document, lo: int, hi: int) -> Document:
    """Blocks ``lo:hi`` of ``doc`` as a document of their own (offsets re-based)."""
    base = doc.blocks[lo].start
    end = doc.blocks[hi - 1].end
    blocks = tuple(
        Block(text=b.text, start=b.start - base, end=b.end - base, unit=b.unit)
        for b in doc.blocks[lo:hi]
    )
    return Document(text=doc.text[base:end], blocks=blocks, separator=doc.separator)


def decide(doc: Document, model: Model) -> list[Decision]:
    """Label every block of a segmented document and name the kind of each noise block."""
    if not doc.blocks:
        return []
    with one_blas_thread():
        final, best, kind_scores = _predict(doc, model, kinds=True)
    noise = np.flatnonzero(best == LABELS.index(Label.NOISE))
    kind_index = np.zeros(len(doc.blocks), dtype=np.int64)
    kind_index[noise] = smooth_kinds(kind_scores[noise], noise)
    decisions: list[Decision] = []
    for i, block in enumerate(doc.blocks):
        label = LABELS[int(best[i])]
        if label is Label.NOISE:
            kind = model.kind_labels[int(kind_index[i])]
        else:
            kind = Kind.BODY if label is Label.BODY else Kind.TITLE
        decisions.append(
            Decision(block=block, label=label, kind=kind, probability=float(final[i, best[i]]))
        )
    return decisions


def classify(text: str, *, model: Model | None = None) -> list[Decision]:
    """Every block of ``text`` in order, with its label, kind and probability.

    This is the explanation of :func:`clean`: the blocks labelled ``body``
    are what ``clean`` keeps.

    >>> decisions = classify("Subscribe to our newsletter\\n" + "The council met on Monday "
    ...     "and agreed, after a long debate, to repair the old bridge next spring.")
    >>> [d.label.value for d in decisions]
    ['noise', 'body']
    """
    doc = segment(_check_text(text))
    if not doc.blocks:
        return []
    return decide(doc, _model(model))


def clean(text: str, *, keep_title: bool = False, model: Model | None = None) -> str:
    """The reporting body of ``text``, each kept block as written.

    Kept blocks are joined the way the input separated them: a newline for
    one-block-a-line text, a blank line for paragraph text. With
    ``keep_title`` the headline and standfirst are kept too.

    >>> body = "The council met on Monday and agreed to repair the old bridge next spring."
    >>> clean("Home | News | Sport\\n" + body + "\\nShare on Facebook") == body
    True
    >>> clean("")
    ''
    """
    return _clean_all([_check_text(text)], keep_title=keep_title, model=_model(model))[0]


def clean_batch(
    texts: Sequence[str], *, keep_title: bool = False, model: Model | None = None
) -> list[str]:
    """``[clean(text) for text in texts]``, in this process, faster.

    Short documents are classified together, up to :data:`BATCH_CHARS`
    characters at a time, which spares most of the fixed cost of a call (for
    10 KB pages, about a third of the CPU time). The result is what
    :func:`clean` gives for each document. A document that is not a ``str``
    raises :class:`TypeError` naming its position, before any is cleaned.
    :func:`clean_many` and the ``clean`` command use it for each chunk.

    With glibc's default settings, the process hands a batch's working
    memory back to the system after each call and faults it in again on the
    next, which costs much of what batching saves: a program that owns its
    process should call :func:`boilerstrip.batch.keep_freed_memory` once.

    >>> clean_batch(["Share on Facebook\\nThe council agreed on Monday to repair the bridge.", ""])
    ['The council agreed on Monday to repair the bridge.', '']
    """
    if isinstance(texts, (str, bytes, bytearray)):
        raise TypeError(
            f"clean_batch() expects a sequence of str documents, got one "
            f"{type(texts).__name__}; for one document use clean(), or pass [text]"
        )
    checked = [_check_text(text, where=f" (document {i})") for i, text in enumerate(texts)]
    return _clean_all(checked, keep_title=keep_title, model=_model(model))


def clean_batch_or_none(
    texts: Sequence[str | None], *, keep_title: bool = False, model: Model | None = None
) -> list[str | None]:
    """:func:`clean_batch` for a column with missing documents: ``None`` stays
    ``None``, the others are cleaned together. The command's workers and the
    dataset integrations clean their batches with it.

    >>> clean_batch_or_none([None, "Share on Facebook\\nThe council met on Monday to vote."])
    [None, 'The council met on Monday to vote.']
    """
    present = [text for text in texts if text is not None]
    bodies = iter(clean_batch(present, keep_title=keep_title, model=model))
    return [None if text is None else next(bodies) for text in texts]


def _clean_all(texts: Sequence[str], *, keep_title: bool, model: Model) -> list[str]:
    """:func:`clean` of each text (checked), classifying short ones together."""
    _check_flag("keep_title", keep_title)
    # No Block or Decision objects and no kinds here: clean needs only the labels.
    out = [""] * len(texts)
    group: list[tuple[int, Document | Spans]] = []
    chars = 0
    with one_blas_thread():
        for i, text in enumerate(texts):
            blocks = cut(text)
            if isinstance(blocks, Spans) and not blocks.texts:
                continue
            if len(text) > WINDOW_CHARS:
                doc = as_document(blocks) if isinstance(blocks, Spans) else blocks
                _, labels, _ = _predict(doc, model, kinds=False)
                out[i] = assemble(doc, _kept(labels, keep_title=keep_title).tolist())
                continue
            if group and chars + len(text) > BATCH_CHARS:
                _clean_group(group, out, keep_title=keep_title, model=model)
                group, chars = [], 0
            group.append((i, blocks))
            chars += len(text)
        if group:
            _clean_group(group, out, keep_title=keep_title, model=model)
    return out


def _clean_group(
    group: Sequence[tuple[int, Document | Spans]],
    out: list[str],
    *,
    keep_title: bool,
    model: Model,
) -> None:
    """Classify the documents of ``group`` at once; put the cleaned text of the
    document at position ``i`` of the input in ``out[i]``."""
    final, features, pages = _probabilities([doc for _, doc in group], model)
    labels = label_blocks(final, block_weights(features.dense), pages=pages)
    keep = _kept(labels, keep_title=keep_title).tolist()
    for (i, doc), lo, size in zip(group, pages.first.tolist(), pages.sizes.tolist(), strict=True):
        kept = keep[lo : lo + size]
        if isinstance(doc, Spans):
            out[i] = doc.separator.join(compress(doc.texts, kept))
        else:
            out[i] = assemble(doc, kept)


def _kept(best: npt.NDArray[np.int64], *, keep_title: bool) -> npt.NDArray[np.bool_]:
    """Which blocks ``clean`` keeps, from their labels (indices into the labels)."""
    keep: npt.NDArray[np.bool_] = best == LABELS.index(Label.BODY)
    if keep_title:
        keep |= best == LABELS.index(Label.TITLE)
    return keep


def clean_many(
    texts: Iterable[str],
    *,
    n_jobs: int = 1,
    batch_size: int = DEFAULT_BATCH_SIZE,
    keep_title: bool = False,
    model: Model | None = None,
) -> Iterator[str]:
    """Clean many documents, in order, lazily, in ``n_jobs`` processes.

    Documents are read ``batch_size`` at a time and each batch is cleaned
    with :func:`clean_batch` (in this process when ``n_jobs=1``). Each worker
    process loads the default model once (a ``model`` given here is written
    once to a temporary file, which each worker loads once; the file is
    removed when the iterator ends or is closed) and keeps its freed memory for the
    next batch (:func:`boilerstrip.batch.keep_freed_memory`). ``n_jobs=0``
    uses every core. ``texts`` itself being a ``str`` raises :class:`TypeError` at once
    (it would be cleaned character by character); a document that is not a
    ``str`` raises it when the iterator reaches it; one whose cleaning fails
    raises :class:`boilerstrip.batch.ItemError`, naming its position and the
    error.

    >>> pages = ["", "Share on Facebook\\nThe council agreed on Monday to repair the bridge."]
    >>> list(clean_many(pages))
    ['', 'The council agreed on Monday to repair the bridge.']
    """
    if isinstance(texts, (str, bytes, bytearray)):
        raise TypeError(
            f"clean_many() expects an iterable of str documents, got one "
            f"{type(texts).__name__}; for one document use clean(), or pass [text]"
        )
    batch_size = _check_count("batch_size", batch_size, minimum=1)
    n_jobs = _check_count("n_jobs", n_jobs, minimum=0, meaning="0 (every core) or more")
    _check_flag("keep_title", keep_title)
    if model is not None:
        _model(model)  # a wrong type fails here, not in every worker
    if model is None or resolve_n_jobs(n_jobs) == 1:
        return _mapped(
            partial(_clean_item, keep_title=keep_title, model=model),
            partial(clean_batch, keep_title=keep_title, model=model),
            texts,
            n_jobs=n_jobs,
            batch_size=batch_size,
        )
    return _clean_many_with(
        model, texts, n_jobs=n_jobs, batch_size=batch_size, keep_title=keep_title
    )


def _mapped(
    item: Callable[[str], str],
    batched: Callable[[Sequence[str]], list[str]],
    texts: Iterable[str],
    *,
    n_jobs: int,
    batch_size: int,
) -> Iterator[str]:
    """The cleaned texts, in order, from :func:`~boilerstrip.batch.parallel_map`
    (an item's error raised as it is reached)."""
    outcomes = parallel_map(
        item,
        (_check_text(text) for text in texts),
        n_jobs=n_jobs,
        chunk_size=batch_size,
        batched=batched,
    )
    return (outcome.unwrap() for outcome in outcomes)


@dataclass(frozen=True)
class _ModelFile:
    """A model handed to worker processes as a file: ``path`` holds it pickled.
    ``token`` is new for each call, as a later call's file may get the same path."""

    path: str
    token: str


def _clean_many_with(
    model: Model, texts: Iterable[str], *, n_jobs: int, batch_size: int, keep_title: bool
) -> Iterator[str]:
    """:func:`clean_many` with a given model in worker processes. The model is
    written once to a temporary file that each worker loads once, rather than
    sent with every batch; the file is removed when the iterator ends or is
    closed."""
    handle, path = tempfile.mkstemp(prefix="boilerstrip-model-", suffix=".pickle")
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(model, out, protocol=pickle.HIGHEST_PROTOCOL)
        ref = _ModelFile(path=path, token=uuid.uuid4().hex)
        yield from _mapped(
            partial(_clean_item_with, keep_title=keep_title, ref=ref),
            partial(_clean_batch_with, keep_title=keep_title, ref=ref),
            texts,
            n_jobs=n_jobs,
            batch_size=batch_size,
        )
    finally:
        os.unlink(path)
        # An input of one batch is cleaned here, not in a worker: drop the
        # copy of the model loaded from the file.
        _model_from.cache_clear()


@lru_cache(maxsize=2)
def _model_from(ref: _ModelFile) -> Model:
    """The model of ``ref``, loaded once per worker process (it is boilerstrip's
    own temporary file, written by this call)."""
    with open(ref.path, "rb") as source:
        loaded = pickle.load(source)
    if not isinstance(loaded, Model):
        raise TypeError(f"{ref.path}: expected a pickled Model, got {type(loaded).__name__}")
    return loaded


def _clean_item_with(text: str, *, keep_title: bool, ref: _ModelFile) -> str:
    return clean(text, keep_title=keep_title, model=_model_from(ref))


def _clean_batch_with(texts: Sequence[str], *, keep_title: bool, ref: _ModelFile) -> list[str]:
    return clean_batch(texts, keep_title=keep_title, model=_model_from(ref))


def _clean_item(text: str, *, keep_title: bool, model: Model | None) -> str:
    return clean(text, keep_title=keep_title, model=model)


__all__ = [
    "BATCH_CHARS",
    "DEFAULT_BATCH_SIZE",
    "classify",
    "clean",
    "clean_batch",
    "clean_batch_or_none",
    "clean_many",
    "decide",
]
