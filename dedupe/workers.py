"""The per-document stages (language, strip, classify), in this process or in N worker processes.

Work is cut into chunks sent in input order and gathered in the same order, and every stage is
deterministic per document, so `--workers N` writes the same bytes as `--workers 1`.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from time import perf_counter
from typing import TYPE_CHECKING, Any

from dedupe.collector import collector_paused
from dedupe.config import Config
from dedupe.document import Document
from dedupe.lang import LanguageDetector
from dedupe.strip import RuleSet, Stripper

if TYPE_CHECKING:  # the quality package loads scikit-learn: only runs that classify import it
    from dedupe.quality.context import NearFacts


class Workbench:
    """The stages one process needs, built once from the Config (rules compiled, model loaded)."""

    def __init__(self, cfg: Config, classify: bool, model_path: str | None = None) -> None:
        self.detect = LanguageDetector.from_config(cfg.lang)
        self.stripper = Stripper(RuleSet.load(cfg.strip.rules_dirs, cfg.strip.disable))
        self.classifier = None
        self.seconds = {"language": 0.0, "strip": 0.0}  # this process's time in each step of prepare
        if classify:
            from dedupe.quality import Classifier

            self.classifier = Classifier.load(model_path, cfg.quality)

    def prepare(self, docs: list[Document]) -> list[Document]:
        """Language, then rule-based stripping, of each document (seconds of each added to `seconds`)."""
        start = perf_counter()
        detected = list(self.detect(docs))
        middle = perf_counter()
        stripped = self.stripper.strip_batch(detected)
        self.seconds["language"] += middle - start
        self.seconds["strip"] += perf_counter() - middle
        return stripped

    def classify(self, docs: list[Document], facts: list[NearFacts]) -> list[Document]:
        """Labels, signals and explanation of each document, its near-duplicate context given."""
        assert self.classifier is not None, "Workbench built without a classifier"
        return self.classifier.classify(docs, facts)


_BENCH: Workbench | None = None  # the worker process's own Workbench


def _start_worker(cfg: Config, classify: bool, model_path: str | None) -> None:
    global _BENCH
    _BENCH = Workbench(cfg, classify, model_path)


def _prepare_chunk(docs: list[Document]) -> tuple[list[Document], dict[str, float]]:
    assert _BENCH is not None
    before = dict(_BENCH.seconds)
    with collector_paused():  # as in the main process (dedupe.collector)
        done = _BENCH.prepare(docs)
    return done, {k: v - before[k] for k, v in _BENCH.seconds.items()}


def _classify_chunk(job: tuple[list[Document], list[NearFacts]]) -> list[Document]:
    assert _BENCH is not None
    with collector_paused():
        return _BENCH.classify(*job)


def worker_count(requested: int | None, configured: int) -> int:
    """--workers, else the config's count; 0 means every core this process may use."""
    n = requested if requested is not None else configured
    if n <= 0:
        n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, n)


class Workers:
    """Runs Workbench steps on lists of documents, spreading large lists over worker processes.

    The pool is started on first need (a batch of at least `min_parallel_docs`) with the spawn
    method, so workers share no state with the parent (SQLite connections, threads).
    """

    def __init__(self, cfg: Config, count: int, classify: bool, model_path: str | None = None) -> None:
        self.cfg = cfg
        self.count = count
        self.chunk = max(1, cfg.workers.chunk_docs)
        self.min_parallel = cfg.workers.min_parallel_docs
        self.local = Workbench(cfg, classify, model_path)
        self._init_args = (cfg, classify, model_path)
        self._pool: Any = None

    def _parallel(self, n: int) -> bool:
        return self.count > 1 and n >= self.min_parallel

    def _get_pool(self) -> Any:
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = context.Pool(self.count, initializer=_start_worker, initargs=self._init_args)
        return self._pool

    def _chunks(self, items: Sequence[Any]) -> list[Any]:
        return [items[lo : lo + self.chunk] for lo in range(0, len(items), self.chunk)]

    def prepare(self, docs: list[Document]) -> list[Document]:
        """Workbench.prepare over `docs`, in order."""
        if not self._parallel(len(docs)):
            return self.local.prepare(docs)
        done = self._get_pool().map(_prepare_chunk, self._chunks(docs))
        for _, seconds in done:
            for step, s in seconds.items():
                self.local.seconds[step] += s
        return [doc for chunk, _ in done for doc in chunk]

    def classify(self, docs: list[Document], facts: list[NearFacts]) -> list[Document]:
        """Workbench.classify over `docs` with their facts, in order."""
        if not self._parallel(len(docs)):
            return self.local.classify(docs, facts)
        jobs = list(zip(self._chunks(docs), self._chunks(facts)))
        done = self._get_pool().map(_classify_chunk, jobs)
        return [doc for chunk in done for doc in chunk]

    def close(self) -> None:
        """Stop the worker processes, if any were started."""
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None and exc[0] is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
        self.close()
