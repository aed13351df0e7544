"""Seconds a filter run spends in each stage, so the slowest one is visible (`--report` JSON).

A perf_counter pair per batch or per document, cheap enough to be always on. Work done in
worker processes is reported as the main process's wall time of that step, split between its
stages in the proportion the workers measured.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from time import perf_counter
from typing import TypeVar

T = TypeVar("T")

# In the order a document meets them; "index" is adding the kept documents and logging clusters.
STAGES = ("read", "language", "strip", "learned", "sign", "match", "classify", "index", "write")


class StageClock:
    """Accumulated seconds per stage of one run."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(STAGES, 0.0)
        self._mark = perf_counter()

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds

    def start(self) -> None:
        """Start a lap: the next `lap` counts the time from here."""
        self._mark = perf_counter()

    def lap(self, stage: str) -> None:
        """Count the time since the last `start` or `lap` to `stage`, and start the next lap."""
        now = perf_counter()
        self.add(stage, now - self._mark)
        self._mark = now

    def lap_shares(self, shares: Mapping[str, float]) -> None:
        """Like `lap`, split between the stages of `shares` in proportion to their values (work
        measured in worker processes, whose own seconds need not add up to this wall time)."""
        now = perf_counter()
        wall, total = now - self._mark, sum(shares.values())
        for name, part in shares.items():
            self.add(name, wall * part / total if total > 0 else wall / len(shares))
        self._mark = now

    def iterate(self, items: Iterable[T], name: str) -> Iterator[T]:
        """`items`, counting the time spent producing each one (a lazy reader's parsing) to `name`."""
        it = iter(items)
        while True:
            start = perf_counter()
            try:
                item = next(it)
            except StopIteration:
                self.add(name, perf_counter() - start)
                return
            self.add(name, perf_counter() - start)
            yield item

    def to_dict(self) -> dict[str, float]:
        """Seconds per stage, rounded to milliseconds, in stage order."""
        return {name: round(s, 3) for name, s in self.seconds.items()}
