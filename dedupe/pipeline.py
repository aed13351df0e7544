"""Stages are callables over iterables of Documents; a pipeline chains them in order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from dedupe.document import Document


class Stage(Protocol):
    """One step: consumes documents, yields them with its findings added (datatrove's PipelineStep)."""

    def __call__(self, docs: Iterable[Document]) -> Iterator[Document]: ...


def run_pipeline(docs: Iterable[Document], stages: list[Stage]) -> Iterator[Document]:
    """Chain the stages lazily; documents already rejected as unreadable pass through untouched."""
    stream: Iterable[Document] = docs
    for stage in stages:
        stream = _skip_unreadable(stage, stream)
    yield from stream


def _skip_unreadable(stage: Stage, docs: Iterable[Document]) -> Iterator[Document]:
    """Run `stage` on readable documents only, keeping input order."""
    pending: list[Document] = []

    def readable() -> Iterator[Document]:
        for doc in docs:
            if doc.error is not None:
                pending.append(doc)
                continue
            yield doc

    for doc in stage(readable()):
        while pending and pending[0].input_order < doc.input_order:
            yield pending.pop(0)
        yield doc
    yield from pending
