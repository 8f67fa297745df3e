"""The public functions: :func:`clean`, :func:`classify` and :func:`clean_many`.

They compose the stages and nothing else::

    text ─► segment ─► features ─► blocks model ─► context model ─► kinds ─► assemble
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial

import numpy as np

from boilerstrip.features import Features, extract
from boilerstrip.model import LABELS, FloatArray, Model, default_model, softmax
from boilerstrip.segment import assemble, segment
from boilerstrip.smooth import context_inputs
from boilerstrip.types import Decision, Document, Kind, Label

DEFAULT_BATCH_SIZE = 64
"""Documents sent to a worker at a time: large enough to amortise the hand-off,
small enough to keep memory flat and output flowing."""


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"boilerstrip expects text as str, got {type(text).__name__}")
    return text


def _label_probabilities(doc: Document, model: Model) -> tuple[Features, FloatArray]:
    """The features of every block and its final P(label) (the classify and smooth stages)."""
    features = extract(doc, vocabulary=model.vocabulary)
    first = model.block_probabilities(features)
    return features, softmax(model.context.scores(context_inputs(first, features.dense)))


def decide(doc: Document, model: Model) -> list[Decision]:
    """Label every block of a segmented document and name the kind of each noise block."""
    if not doc.blocks:
        return []
    features, final = _label_probabilities(doc, model)
    best = final.argmax(axis=1)
    noise = np.flatnonzero(best == LABELS.index(Label.NOISE))
    # Kinds are named for noise blocks only: on a long page most blocks are body.
    kind_of = dict(
        zip(
            noise.tolist(),
            model.kind_probabilities(features.subset(noise)).argmax(axis=1).tolist(),
            strict=True,
        )
    )
    decisions: list[Decision] = []
    for i, block in enumerate(doc.blocks):
        label = LABELS[int(best[i])]
        if label is Label.NOISE:
            kind = model.kind_labels[kind_of[i]]
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
    return decide(doc, model if model is not None else default_model())


def clean(text: str, *, keep_title: bool = False, model: Model | None = None) -> str:
    """The reporting body of ``text``, each kept block as written.

    Kept blocks are joined the way the input separated them: a newline for
    one-block-a-line text, a blank line for paragraph text. With
    ``keep_title`` the headline and standfirst are kept too.

    >>> body = "The council met on Monday and agreed to repair the old bridge next spring."
    >>> clean("Home | News | Sport\\n" + body) == body
    True
    >>> clean("")
    ''
    """
    doc = segment(_check_text(text))
    if not doc.blocks:
        return ""
    # No Decision objects and no kinds here: clean needs only the labels.
    _, final = _label_probabilities(doc, model if model is not None else default_model())
    best = final.argmax(axis=1)
    keep = best == LABELS.index(Label.BODY)
    if keep_title:
        keep |= best == LABELS.index(Label.TITLE)
    return assemble(doc, keep.tolist())


def clean_many(
    texts: Iterable[str],
    *,
    n_jobs: int = 1,
    batch_size: int = DEFAULT_BATCH_SIZE,
    keep_title: bool = False,
    model: Model | None = None,
) -> Iterator[str]:
    """Clean many documents, in order, lazily, in ``n_jobs`` processes.

    Each worker process loads the default model once (a ``model`` given here
    is sent to the workers with each batch instead). ``n_jobs=0`` uses every
    core. A document that is not a ``str`` raises :class:`TypeError` when the
    iterator reaches it; one whose cleaning fails raises
    :class:`boilerstrip.batch.ItemError`, naming its position and the error.

    >>> list(clean_many(["", "Share on Facebook"]))
    ['', '']
    """
    from boilerstrip.batch import parallel_map

    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    if n_jobs < 0:
        raise ValueError(f"n_jobs must be 0 (every core) or more, got {n_jobs}")
    outcomes = parallel_map(
        partial(_clean_item, keep_title=keep_title, model=model),
        (_check_text(text) for text in texts),
        n_jobs=n_jobs,
        chunk_size=batch_size,
    )
    return (outcome.unwrap() for outcome in outcomes)


def _clean_item(text: str, *, keep_title: bool, model: Model | None) -> str:
    return clean(text, keep_title=keep_title, model=model)


__all__ = ["DEFAULT_BATCH_SIZE", "classify", "clean", "clean_many", "decide"]
