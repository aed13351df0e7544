"""The stages that run before classifying (language, strip, optionally near-duplicates), built from a Config.

`dedupe classify`, `dedupe sources` and `dedupe train` use the same preparation, so a model is
trained on documents cleaned exactly as the ones it will label.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from dedupe.config import Config
from dedupe.document import Document
from dedupe.lang import LanguageDetector
from dedupe.pipeline import Stage
from dedupe.strip import RuleSet, Stripper


class MarkOnly:
    """Stage wrapper: keeps what another stage found (clusters) but undoes its keep/reject decision."""

    def __init__(self, stage: Stage):
        self.stage = stage

    def __call__(self, docs: Iterable[Document]) -> Iterator[Document]:
        for doc in self.stage(docs):
            doc.decision = None
            doc.reasons = []
            yield doc


def preparation_stages(cfg: Config, near: bool = False) -> list[Stage]:
    """LanguageDetector and Stripper; with `near`, near-duplicate clusters too (marked, nothing rejected)."""
    stages: list[Stage] = [LanguageDetector.from_config(cfg.lang),
                           Stripper(RuleSet.load(cfg.strip.rules_dirs, cfg.strip.disable))]
    if near:
        from dedupe.near import NearDuplicates

        stages.append(MarkOnly(NearDuplicates(cfg.near, cfg.keep_policy)))
    return stages
