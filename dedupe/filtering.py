"""The filter job: documents in batches through language, strip, learned chrome, near-duplicates
(batch and index), classifier and the keep/reject decision.

Memory is bounded by the batch: each batch is checked against itself and against the index of
every document kept before it (the user's `--index`, or a temporary one for this run), so a
copy in batch 9 of a story kept in batch 1 is still caught. Inside a batch the keep policy
chooses the representative; across batches the document seen first stays, as a pre-ingest
filter in front of a store must.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from itertools import islice
from time import perf_counter
from typing import Any

from dedupe import reasons
from dedupe.clusterlog import ClusterLog
from dedupe.collector import collector_paused
from dedupe.config import Config
from dedupe.document import Document
from dedupe.index import IndexConflict, open_index
from dedupe.near import band_keys, find_clusters, index_settings
from dedupe.near.claims import recheck_kept
from dedupe.near.settings import lsh_shape
from dedupe.near.signer import Signed, Signer
from dedupe.reasons import label_reason
from dedupe.strip import LearnedChrome
from dedupe.timings import StageClock
from dedupe.workers import Workers


# the counters of ClusterResult that add up over the batches of a run
TOTALLED = ("documents", "exact_duplicates", "near_duplicates", "index_duplicates", "candidate_pairs", "verified_pairs")


def _batches(docs: Iterable[Document], size: int) -> Iterator[tuple[list[Document], bool]]:
    """(batch, is_last) for consecutive batches of `size`; one document read ahead tells the last."""
    it = iter(docs)
    ahead = list(islice(it, 1))
    while ahead:
        with collector_paused():  # the batch's records live until it is written: no use walking them
            batch = ahead + list(islice(it, max(1, size) - 1))
            ahead = list(islice(it, 1))
        yield batch, not ahead


class FilterJob:
    """Runs every stage over documents batch by batch and decides keep or reject for each.

    `index` is an open index (persistent or temporary) that kept documents are added to;
    `reject_labels` maps a classifier label to the probability at or above which it rejects.
    `scratch_index`: the index is this run's temporary one, so the last batch is not added to it
    (nothing would ever read it).
    """

    def __init__(self, cfg: Config, index: Any, workers: Workers, *, reject_labels: dict[str, float] | None = None,
                 learned: bool = True, scratch_index: bool = False) -> None:
        self.cfg = cfg
        self.index = index
        self.scratch_index = scratch_index
        self.workers = workers
        self.classify = workers.local.classifier is not None
        self.reject_labels = dict(reject_labels or {})
        self.learned = LearnedChrome(cfg.strip.learned) if learned and cfg.strip.learned.enabled else None
        self.signer = Signer(cfg.near)
        self.sample_mod = 0  # > 0: signing also keeps the word shingles the classifier's context samples
        # the context shingles words with ta marbuta folded (dedupe/quality/context.py)
        if self.classify and self.signer.shingles_words_as(cfg.quality.containment_ngram, ta_marbuta=True):
            self.sample_mod = cfg.quality.containment_sample_mod
        self.bands, self.rows = lsh_shape(cfg.near)
        self.totals: dict[str, int] = dict.fromkeys(("batches", *TOTALLED, "added_to_index"), 0)
        self.clusters = ClusterLog()
        self.clock = StageClock()  # seconds per stage, for the report

    def run(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Every input document once, in input order, with its decision made."""
        for batch, last in _batches(self.clock.iterate(docs, "read"), self.cfg.filter.batch_docs):
            with collector_paused():  # the stages make many objects and no cycles (dedupe.collector)
                decided = self._batch(batch, remember=not (last and self.scratch_index))
            for doc in decided:
                start = perf_counter()
                yield doc  # what the caller does with it (writing it out) counts as "write"
                self.clock.add("write", perf_counter() - start)

    @property
    def timings(self) -> dict[str, float]:
        """Seconds spent so far in each stage (read, language, strip, learned, sign, match, classify,
        index, write); language and strip are split from the workers' wall time by their own measure."""
        return self.clock.to_dict()

    def _batch(self, batch: list[Document], remember: bool = True) -> list[Document]:
        seen = dict(self.workers.local.seconds)
        self.clock.start()
        live = self.workers.prepare([d for d in batch if d.error is None])
        self.clock.lap_shares({k: v - seen[k] for k, v in self.workers.local.seconds.items()})
        if self.learned is not None:
            chrome = self.learned.learn(live)
            for doc in live:
                self.learned.apply(doc, chrome)
        self.clock.lap("learned")
        texts = [d.text for d in live]
        sample = None
        if self.sample_mod:  # the classifier's context samples the shingles signing makes anyway
            signed, sample = self.signer.sign_and_sample(texts, self.sample_mod)
        else:
            signed = self.signer.sign_all(texts)
        self.clock.lap("sign")
        since = self.index.mark()  # a shared index: what later commits by other workers are measured from
        result = find_clusters(live, self.cfg.near, self.cfg.keep_policy, index=self.index, update_index=False,
                               signed=signed)
        self.clock.lap("match")
        if self.classify and live:
            facts = self.workers.local.classifier.near_facts(live, sample)
            live = self.workers.classify(live, facts)
        self._decide(live)
        self.clock.lap("classify")
        if remember:
            self._remember(live, signed, since)
        self._count(result)
        self.clusters.add(live)
        by_order = {d.input_order: d for d in live}
        self.clock.lap("index")
        return [by_order.get(d.input_order, d) for d in batch]

    def _decide(self, docs: list[Document]) -> None:
        """Reject documents whose label probability reaches its --reject-label threshold."""
        for doc in docs:
            for label, p in self.reject_labels.items():
                if doc.labels.get(label, 0.0) >= p:
                    doc.reject(label_reason(label))

    def _remember(self, docs: list[Document], signed: Signed, since: int | None = None) -> None:
        """Add the batch's kept documents (those with any token) to the index, in one transaction.

        On a shared index the commit is refused while other workers committed documents sharing a
        bucket with kept ones after `since`; those are verified against the newcomers (a match is
        rejected as its duplicate) and the commit is tried again from the new watermark.
        """
        while True:
            kept = [i for i, d in enumerate(docs) if d.decision != "reject" and signed.kinds[i] != "empty"]
            if not kept:
                return
            keys = band_keys(signed.signatures[kept], self.bands, self.rows)
            try:
                self.totals["added_to_index"] += self.index.add_batch(
                    ((docs[i].id, int(signed.exact_keys[i]), signed.signatures[i], keys[k], int(signed.sizes[i]))
                     for k, i in enumerate(kept)), since=since)
                return
            except IndexConflict as conflict:
                rows = [kept[p] for p in conflict.positions]
                late = recheck_kept(docs, rows, signed.signatures, signed.exact_keys, signed.sizes,
                                    keys[conflict.positions], self.index, self.cfg.near, after=conflict.since)
                for i in late:
                    why = "exact_duplicates" if reasons.EXACT_DUPLICATE in docs[i].reasons else "near_duplicates"
                    self.totals[why] += 1
                    self.totals["index_duplicates"] += 1
                since = conflict.upto

    def _count(self, result: Any) -> None:
        self.totals["batches"] += 1
        for name in TOTALLED:
            self.totals[name] += getattr(result, name)


@contextmanager
def run_index(path: str | None, cfg: Config, commit: bool = True) -> Iterator[Any]:
    """The index a run checks and grows: the one at `path`, or a temporary one deleted afterwards.

    Everything the run adds is held in one transaction that commits only when the block ends
    cleanly, so an index never holds documents whose outputs were not written; commit=False
    rolls it back even then (a gate checks a batch without adding it).
    """
    settings = index_settings(cfg.near)
    with ExitStack() as stack:
        if not path:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="dedupe-index-"))
            path = os.path.join(tmp, "run.sqlite")
        index = open_index(path, settings, cfg.index.backend)
        stack.callback(index.close)
        with index.held(commit):
            yield index
