"""The cyclic garbage collector paused over batch work that makes many objects and no cycles.

Stripping, signing, clustering and labelling a batch allocate millions of small objects, all
freed by reference counting; yet every few hundred allocations CPython starts a collection, and
now and then one that walks every object the process holds (a batch's documents with their
records). Pausing it over such work saves that walking; it is restored afterwards, so cycles made
elsewhere are collected as before.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (nested blocks are fine)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
