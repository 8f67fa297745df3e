"""The public functions: :func:`clean`, :func:`classify` and :func:`clean_many`.

They compose the stages and nothing else::

    text ─► segment ─► features ─► blocks model ─► context model ─► kinds ─► assemble
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from boilerstrip.features import extract
from boilerstrip.model import LABELS, Model, default_model, softmax
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


def decide(doc: Document, model: Model) -> list[Decision]:
    """Label every block of a segmented document (the classify and smooth stages)."""
    if not doc.blocks:
        return []
    features = extract(doc, vocabulary=model.vocabulary)
    first = model.block_probabilities(features)
    final = softmax(model.context.scores(context_inputs(first, features.dense)))
    best = final.argmax(axis=1)
    kind_probs = model.kind_probabilities(features)
    kind_best = kind_probs.argmax(axis=1)
    decisions: list[Decision] = []
    for i, block in enumerate(doc.blocks):
        label = LABELS[int(best[i])]
        if label is Label.NOISE:
            kind = model.kind_labels[int(kind_best[i])]
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
    decisions = decide(doc, model if model is not None else default_model())
    wanted = (Label.BODY, Label.TITLE) if keep_title else (Label.BODY,)
    return assemble(doc, [d.label in wanted for d in decisions])


def _clean_one(text: str, keep_title: bool) -> str:
    return clean(text, keep_title=keep_title)


def clean_many(
    texts: Iterable[str],
    *,
    n_jobs: int = 1,
    batch_size: int = DEFAULT_BATCH_SIZE,
    keep_title: bool = False,
) -> Iterator[str]:
    """Clean many documents, in order, lazily, in ``n_jobs`` processes.

    Each worker process loads the default model once. ``n_jobs=0`` uses every
    core. The first document that cannot be cleaned (for example, one that is
    not a ``str``) raises its error when the iterator reaches it.

    >>> list(clean_many(["", "Share on Facebook"]))
    ['', '']
    """
    from boilerstrip.batch import parallel_map

    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    items = (_check_text(t) for t in texts)
    for outcome in parallel_map(
        _clean_one_default, ((t, keep_title) for t in items), n_jobs=n_jobs, chunk_size=batch_size
    ):
        yield outcome.unwrap()


def _clean_one_default(item: tuple[str, bool]) -> str:
    text, keep_title = item
    return _clean_one(text, keep_title)


__all__ = ["DEFAULT_BATCH_SIZE", "classify", "clean", "clean_many", "decide"]
