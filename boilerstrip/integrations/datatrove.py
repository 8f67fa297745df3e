"""A datatrove pipeline step that keeps only the reporting body of each document.

Needs ``pip install boilerstrip[datatrove]``.

:class:`BoilerstripCleaner` rewrites every :class:`datatrove.data.Document`'s
text to its cleaned body and stores in ``doc.metadata["boilerstrip"]`` what
was removed (see :meth:`boilerstrip.integrations.CleanReport.as_dict`)::

    {"blocks": 12, "blocks_removed": 5, "chars_removed": 840,
     "removed_by_kind": {"title": 1, "navigation": 3, "share": 1, "donation": 0, ...}}

Documents left empty are dropped (``keep_empty=True`` keeps them). The step
adds to datatrove's stats: ``total``, ``forwarded``, ``dropped``, ``empty``
(documents left empty, dropped or not), ``blocks_removed``, ``chars_removed``
and ``removed_<kind>`` for each kind that was removed.

Example (a pipeline of two tasks, reading and writing JSONL)::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from boilerstrip.integrations.datatrove import BoilerstripCleaner

    LocalPipelineExecutor(
        pipeline=[
            JsonlReader("pages/"),
            BoilerstripCleaner(keep_title=True),
            JsonlWriter("clean/"),
        ],
        tasks=2,
        logging_dir="logs/",
    ).run()
"""

from __future__ import annotations

from collections.abc import Iterator

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.utils.typeshelper import StatHints

from boilerstrip.integrations import clean_with_report, worker_model

__all__ = ["DEFAULT_METADATA_KEY", "BoilerstripCleaner"]

DEFAULT_METADATA_KEY = "boilerstrip"
"""One metadata key for all counts, so they never collide with other steps' keys."""

EMPTY_STAT = "empty"
"""Stat counting documents whose cleaned text is empty, whether dropped or kept."""


class BoilerstripCleaner(PipelineStep):  # type: ignore[misc]  # datatrove ships no type hints
    """Replace each document's text with its cleaned body; record what was removed.

    Options (keyword-only):

    * ``keep_title``: keep the headline and standfirst (default: body only);
    * ``keep_empty``: forward documents whose body is empty instead of dropping them;
    * ``model_path``: a model file to use instead of the shipped model; each
      task's process loads it once, so it must be readable where tasks run;
    * ``metadata_key``: where in ``doc.metadata`` the counts go.

    >>> from datatrove.data import Document
    >>> step = BoilerstripCleaner(keep_empty=True)
    >>> [d.text for d in step.run(iter([Document(text=" \\n ", id="blank")]))]
    ['']
    >>> step.stats["empty"].total
    1
    """

    name = "🧹 boilerstrip"
    type = "✂️ - FORMAT"

    def __init__(
        self,
        *,
        keep_title: bool = False,
        keep_empty: bool = False,
        model_path: str | None = None,
        metadata_key: str = DEFAULT_METADATA_KEY,
    ) -> None:
        super().__init__()
        self.keep_title = keep_title
        self.keep_empty = keep_empty
        self.model_path = model_path
        self.metadata_key = metadata_key

    def run(
        self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1
    ) -> Iterator[Document]:
        """Clean every document of ``data``; yield those kept."""
        if data is None:
            return
        model = worker_model(self.model_path)
        for doc in data:
            self.stat_update(StatHints.total)
            with self.track_time():
                try:
                    report = clean_with_report(doc.text, keep_title=self.keep_title, model=model)
                except TypeError as exc:
                    raise TypeError(f"document {doc.id!r}: {exc}") from exc
            doc.metadata[self.metadata_key] = report.as_dict()
            self.stat_update("blocks_removed", value=report.blocks_removed)
            self.stat_update("chars_removed", value=report.chars_removed)
            for kind, count in report.removed_by_kind:
                if count:
                    self.stat_update(f"removed_{kind.value}", value=count)
            doc.text = report.text
            if not report.text:
                self.stat_update(EMPTY_STAT)
                if not self.keep_empty:
                    self.stat_update(StatHints.dropped)
                    continue
            self.stat_update(StatHints.forwarded)
            self.update_doc_stats(doc)
            yield doc
