"""Stripper: the pipeline stage that strips rule-pack boilerplate from each document."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from dedupe.document import Document
from dedupe.strip.engine import StripResult, strip_text, strip_texts
from dedupe.strip.offsets import remap_removals
from dedupe.strip.rules import RuleSet


class Stripper:
    """Adds to each document: cleaned `text`, `removed` spans (original offsets) and strip signals."""

    chunk = 500  # documents screened together (one keyword scan): enough to pay for the scan's set-up

    def __init__(self, rules: RuleSet):
        self.rules = rules

    def __call__(self, docs: Iterable[Document]) -> Iterator[Document]:
        batch: list[Document] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= self.chunk:
                self.strip_batch([d for d in batch if d.error is None])
                yield from batch
                batch = []
        self.strip_batch([d for d in batch if d.error is None])
        yield from batch

    def strip(self, doc: Document) -> Document:
        """Strip one document in place (its language decides which packs apply) and return it."""
        return self._apply(doc, strip_text(doc.text, doc.lang, self.rules))

    def strip_batch(self, docs: list[Document]) -> list[Document]:
        """Strip each document in place, as `strip` does, screening them together a chunk at a
        time (dedupe.strip.batchscreen); the same documents, in order."""
        for at in range(0, len(docs), self.chunk):
            part = docs[at:at + self.chunk]
            results = strip_texts([d.text for d in part], [d.lang for d in part], self.rules)
            for doc, result in zip(part, results):
                self._apply(doc, result)
        return docs

    @staticmethod
    def _apply(doc: Document, result: StripResult) -> Document:
        original = doc.original_text if doc.original_text is not None else doc.text
        new = remap_removals(result.removed, doc.removed, original)
        doc.removed = sorted(doc.removed + new, key=lambda r: r.start)
        doc.text = result.text
        for s in result.signals:
            doc.add_signal(s)
        return doc
