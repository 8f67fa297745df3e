"""Run boilerstrip inside the data engines corpus builders already use.

Each engine has its own module and its own extra; none is imported here, so
``import boilerstrip.integrations`` stays as light as ``import boilerstrip``:

* :mod:`boilerstrip.integrations.datatrove` (``pip install boilerstrip[datatrove]``):
  :class:`~boilerstrip.integrations.datatrove.BoilerstripCleaner`, a pipeline step;
* :mod:`boilerstrip.integrations.spark` (``pip install boilerstrip[spark]``):
  :func:`~boilerstrip.integrations.spark.with_clean_column`, an Arrow UDF;
* :mod:`boilerstrip.integrations.hf` (``pip install boilerstrip[hf]``):
  :class:`~boilerstrip.integrations.hf.BatchCleaner`, for ``Dataset.map(batched=True)``.

This module holds what they share: :func:`worker_model`, which loads a model
once per worker process (the model is never shipped with the work), and
:func:`clean_with_report`, which cleans a text and says what it removed.

Example:
    >>> page = ("Home | News | Sport\\n"
    ...         "The council met on Monday and agreed to repair the bridge.\\n"
    ...         "Share on Facebook")
    >>> report = clean_with_report(page)
    >>> report.text
    'The council met on Monday and agreed to repair the bridge.'
    >>> report.blocks_removed, report.chars_removed
    (2, 38)
    >>> report.as_dict()["removed_by_kind"]["navigation"]
    1
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from boilerstrip.types import Kind, Label

if TYPE_CHECKING:
    from boilerstrip.model import Model

__all__ = ["REMOVABLE_KINDS", "CleanReport", "clean_with_report", "worker_model"]

WORKER_MODEL_CACHE_SIZE = 4
"""Distinct model files one worker process keeps loaded: a pipeline uses one or
two; the bound stops a long-lived worker from hoarding models."""

REMOVABLE_KINDS: tuple[Kind, ...] = tuple(kind for kind in Kind if kind is not Kind.BODY)
"""Kinds a cleaned text can lose: the title (unless kept) and every kind of noise.
Reports list all of them, zeros included, so that tabular outputs keep one schema."""


@lru_cache(maxsize=WORKER_MODEL_CACHE_SIZE)
def worker_model(path: str | None = None) -> Model:
    """The model at ``path`` (the shipped model for ``None``), loaded once per process.

    Engines run the cleaning in long-lived worker processes; calling this in
    the worker, not in the driver, means each process reads the model file
    once and no model travels with the data.

    Raises :class:`boilerstrip.errors.ModelError` if ``path`` is not a model file.

    >>> worker_model() is worker_model()
    True
    """
    from boilerstrip.model import Model, default_model

    if path is None:
        return default_model()
    return Model.load(path)


@dataclass(frozen=True, slots=True)
class CleanReport:
    """A cleaned text and what cleaning removed from it.

    ``blocks`` counts every block of the input; ``blocks_removed`` those left
    out of ``text``; ``chars_removed`` is ``len(input) - len(text)`` (removed
    blocks plus the whitespace between them). ``removed_by_kind`` pairs each
    kind in :data:`REMOVABLE_KINDS` with the number of removed blocks of that
    kind, in that order.
    """

    text: str
    blocks: int
    blocks_removed: int
    chars_removed: int
    removed_by_kind: tuple[tuple[Kind, int], ...]

    def as_dict(self) -> dict[str, int | dict[str, int]]:
        """The counts as plain JSON-ready values (no text), for document metadata.

        >>> clean_with_report("").as_dict()["blocks"]
        0
        """
        return {
            "blocks": self.blocks,
            "blocks_removed": self.blocks_removed,
            "chars_removed": self.chars_removed,
            "removed_by_kind": {kind.value: count for kind, count in self.removed_by_kind},
        }


def clean_with_report(
    text: str, *, keep_title: bool = False, model: Model | None = None
) -> CleanReport:
    """Clean ``text`` exactly as :func:`boilerstrip.clean` does, and count what went.

    The text is segmented and classified once; the report and the cleaned
    text come from the same decisions.

    Raises :class:`TypeError` if ``text`` is not a ``str``.

    >>> clean_with_report("", keep_title=True).text
    ''
    """
    from boilerstrip.core import decide
    from boilerstrip.segment import assemble, segment

    if not isinstance(text, str):
        raise TypeError(f"boilerstrip expects text as str, got {type(text).__name__}")
    doc = segment(text)
    decisions = decide(doc, model if model is not None else worker_model())
    wanted = (Label.BODY, Label.TITLE) if keep_title else (Label.BODY,)
    keep = [d.label in wanted for d in decisions]
    cleaned = assemble(doc, keep)
    removed = Counter(d.kind for d, kept in zip(decisions, keep, strict=True) if not kept)
    return CleanReport(
        text=cleaned,
        blocks=len(decisions),
        blocks_removed=sum(removed.values()),
        chars_removed=len(text) - len(cleaned),
        removed_by_kind=tuple((kind, removed[kind]) for kind in REMOVABLE_KINDS),
    )
