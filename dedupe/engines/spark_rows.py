"""Moving Documents between Spark and the stages: pickled Documents in a binary column, sortable
byte keys for the keep policy and the publication order, signed 64-bit views of unsigned hashes.

Documents cross the Arrow boundary as pickles, as they cross the process boundary of the local
engine's worker pool: the stages see the very objects they see locally. Each Python worker builds
its stages (rules compiled, model loaded) once per configuration.
"""

from __future__ import annotations

import pickle
import struct
from datetime import datetime, timezone
from typing import Any

import numpy as np

from dedupe.document import Document

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_BENCHES: dict[bytes, Any] = {}


def dump(doc: Document) -> bytes:
    """A Document as bytes for a binary column."""
    return pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL)


def load(data: bytes) -> Document:
    """The Document a `dump` made in another stage of the same run (never bytes from outside)."""
    return pickle.loads(data)


def workbench(cfg: Any, classify: bool, model_path: str | None) -> Any:
    """This Python worker's Workbench for these settings, built on first use."""
    from dedupe.workers import Workbench

    key = pickle.dumps((cfg, classify, model_path))
    if key not in _BENCHES:
        _BENCHES[key] = Workbench(cfg, classify, model_path)
    return _BENCHES[key]


def signed64(values: Any) -> np.ndarray:
    """uint64 hashes as int64 (Spark's long), bit for bit."""
    return np.asarray(values, dtype=np.uint64).view(np.int64)


def _sortable_float(x: float) -> bytes:
    (bits,) = struct.unpack(">Q", struct.pack(">d", x))
    bits = bits ^ 0xFFFFFFFFFFFFFFFF if bits >> 63 else bits | (1 << 63)
    return bits.to_bytes(8, "big")


def _sortable(value: Any) -> bytes:
    if isinstance(value, datetime):
        value = (value - _EPOCH) // _micro()
    if isinstance(value, (bool, int)):
        return (int(value) + (1 << 63)).to_bytes(8, "big")
    if isinstance(value, float):
        return _sortable_float(value)
    if isinstance(value, str):
        return value.encode("utf-8") + b"\x00"
    if isinstance(value, tuple):
        return b"".join(_sortable(v) for v in value)
    raise TypeError(f"cannot order a {type(value).__name__} in Spark")


def _micro() -> Any:
    from datetime import timedelta

    return timedelta(microseconds=1)


def sort_key(key: tuple) -> bytes:
    """Bytes that sort (unsigned, as Spark compares binary) as the tuple `key` sorts in Python."""
    return _sortable(tuple(key))
