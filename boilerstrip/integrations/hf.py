"""Clean a Hugging Face ``datasets.Dataset`` with ``Dataset.map(batched=True)``.

Needs ``pip install boilerstrip[hf]``.

:class:`BatchCleaner` is a small picklable function object: ``datasets``
sends it to each of the ``num_proc`` processes, and each process loads the
model once, the first time it cleans a batch
(:func:`boilerstrip.integrations.worker_model`), and cleans each batch
with :func:`boilerstrip.clean_batch`. It holds only its options,
so ``datasets`` can fingerprint it and reuse its cache.

Example::

    from datasets import load_dataset
    from boilerstrip.integrations.hf import BatchCleaner

    pages = load_dataset("json", data_files="pages.jsonl", split="train")
    cleaned = pages.map(BatchCleaner(), batched=True, num_proc=4)
    cleaned[0]["clean_text"]

This module does not import ``datasets``: it only needs the batches that
``Dataset.map`` passes in (a mapping from column name to a list of values).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from boilerstrip.core import clean_batch_or_none
from boilerstrip.integrations import worker_model

__all__ = ["DEFAULT_INPUT_COLUMN", "DEFAULT_OUTPUT_COLUMN", "BatchCleaner"]

DEFAULT_INPUT_COLUMN = "text"
"""The column name most text datasets on the Hub use."""

DEFAULT_OUTPUT_COLUMN = "clean_text"
"""A new column by default, so the raw text stays available beside the body."""


@dataclass(frozen=True, kw_only=True)
class BatchCleaner:
    """Clean column ``input_column`` of a batch into ``output_column``; nulls stay null.

    ``output_column`` may equal ``input_column`` to replace the text in place.
    ``model_path`` names a model file to use instead of the shipped model.

    >>> BatchCleaner()({"text": ["", None], "id": [1, 2]})
    {'clean_text': ['', None]}
    """

    input_column: str = DEFAULT_INPUT_COLUMN
    output_column: str = DEFAULT_OUTPUT_COLUMN
    keep_title: bool = False
    model_path: str | None = None

    def __call__(self, batch: Mapping[str, Sequence[object]]) -> dict[str, list[str | None]]:
        """The cleaned texts of one batch, as ``{output_column: [...]}``.

        Raises :class:`KeyError` if the batch has no ``input_column`` and
        :class:`TypeError` for a value that is neither a ``str`` nor ``None``, or
        for a column that is one value, not a list (``map`` without ``batched=True``).
        """
        try:
            texts = batch[self.input_column]
        except KeyError:
            raise KeyError(
                f"batch has no column {self.input_column!r} to clean; "
                f"its columns are {sorted(batch)}"
            ) from None
        if texts is None or isinstance(texts, (str, bytes)):
            raise TypeError(
                f"column {self.input_column!r} of the batch is one "
                f"{type(texts).__name__}, not a list of texts: give BatchCleaner to "
                "Dataset.map(..., batched=True)"
            )
        checked: list[str | None] = []
        for position, text in enumerate(texts):
            if text is not None and not isinstance(text, str):
                raise TypeError(
                    f"column {self.input_column!r}, row {position} of the batch: "
                    f"expected str or None, got {type(text).__name__}"
                )
            checked.append(text)
        model = worker_model(self.model_path)
        cleaned = clean_batch_or_none(checked, keep_title=self.keep_title, model=model)
        return {self.output_column: cleaned}
