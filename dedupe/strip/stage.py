"""Stripper: the pipeline stage that strips rule-pack boilerplate from each document."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from dedupe.document import Document
from dedupe.strip.engine import strip_text
from dedupe.strip.offsets import remap_removals
from dedupe.strip.rules import RuleSet


class Stripper:
    """Adds to each document: cleaned `text`, `removed` spans (original offsets) and strip signals."""

    def __init__(self, rules: RuleSet):
        self.rules = rules

    def __call__(self, docs: Iterable[Document]) -> Iterator[Document]:
        for doc in docs:
            yield doc if doc.error is not None else self.strip(doc)

    def strip(self, doc: Document) -> Document:
        """Strip one document in place (its language decides which packs apply) and return it."""
        result = strip_text(doc.text, doc.lang, self.rules)
        original = doc.original_text if doc.original_text is not None else doc.text
        new = remap_removals(result.removed, doc.removed, original)
        doc.removed = sorted(doc.removed + new, key=lambda r: r.start)
        doc.text = result.text
        for s in result.signals:
            doc.add_signal(s)
        return doc
