"""dedupe's filter as a datatrove pipeline step (extra `datatrove`: `pip install 'dedupe-gate[datatrove]'`).

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from dedupe.integrations.datatrove import DedupeFilter

    LocalPipelineExecutor(pipeline=[
        JsonlReader("raw/"),
        DedupeFilter(index="store.sqlite", exclusion_writer=JsonlWriter("rejected/")),
        JsonlWriter("kept/"),
    ], tasks=1).run()

Each datatrove Document becomes a record (its metadata, plus `text` and `id`), runs through
`dedupe.filter` batch by batch, and comes out with its text stripped of boilerplate and
`metadata["dedupe"]` holding what dedupe found; rejected ones go to the exclusion writer with
their first reason, as datatrove's own filters do. With more than one task, give each task its
own SQLite index or share a redis:// one: a SQLite file takes one writer at a time.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from datatrove.data import Document as DatatroveDocument
from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.utils.typeshelper import StatHints

from dedupe import api
from dedupe.config import Config


class DedupeFilter(PipelineStep):
    """Strips boilerplate, drops exact and near duplicates (in the stream and against `index`) and,
    with `reject_labels`, documents the classifier labels; adds `metadata["dedupe"]` to each kept one.

    `config` is a Config or a TOML path; `classify` defaults to False here (labels cost time;
    turn it on, or give `reject_labels`, to have them); `strip_text=False` keeps each document's
    text as it came. Unreadable documents (empty text) are dropped with reason `unreadable`.
    """

    name = "🧹 dedupe"
    type = "🔻 - FILTER"

    def __init__(self, config: Config | str | None = None, *, index: str | None = None, classify: bool | None = None,
                 reject_labels: Mapping[str, float] | Iterable[str] | None = None, model: str | None = None,
                 exclusion_writer: Any = None, strip_text: bool = True, workers: int = 1) -> None:
        super().__init__()
        self.config = config
        self.index = index
        self.classify = bool(reject_labels) if classify is None else classify
        self.reject_labels = reject_labels
        self.model = model
        self.exclusion_writer = exclusion_writer
        self.strip_text = strip_text
        self.workers = workers

    def _records(self, data: Iterable[DatatroveDocument], pending: deque[DatatroveDocument],
                 text_field: str, id_field: str) -> Iterator[dict[str, Any]]:
        for doc in data:
            pending.append(doc)
            yield {**doc.metadata, text_field: doc.text, id_field: doc.id}

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """Every input document, in order: kept ones yielded (cleaned, annotated), rejected ones excluded."""
        if data is None:
            return
        cfg = api._settings(self.config, "skip")
        pending: deque[DatatroveDocument] = deque()
        records = self._records(data, pending, cfg.input.text_field, cfg.input.id_field)
        run = api.filter(records, cfg, index=self.index, classify=self.classify, reject_labels=self.reject_labels,
                         model=self.model, workers=self.workers)
        with self.exclusion_writer if self.exclusion_writer else contextlib.nullcontext() as writer, run:
            for found in run:
                doc = pending.popleft()
                self.stat_update(StatHints.total)
                doc.metadata["dedupe"] = found.dedupe_fields()
                if found.error is None and self.strip_text:
                    doc.text = found.text
                if found.decision == "reject":
                    self.stat_update(StatHints.dropped)
                    for reason in found.reasons:
                        self.stat_update(f"dropped_{reason}")
                    if writer is not None:
                        doc.metadata["filter_reason"] = found.reasons[0] if found.reasons else "rejected"
                        writer.write(doc, rank)
                    continue
                self.stat_update(StatHints.forwarded)
                self.update_doc_stats(doc)
                yield doc
