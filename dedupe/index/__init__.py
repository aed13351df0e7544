"""Persistent index of kept documents for pre-ingest filtering (SQLite by default)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from dedupe.errors import ConfigError
from dedupe.index.sqlite import IndexedDoc, SQLiteIndex

Index = SQLiteIndex

BACKENDS = ("sqlite",)


def open_index(path: str | Path, settings: Mapping[str, str] | None, backend: str = "sqlite") -> Index:
    """Open (or create) the index at `path`; settings that differ from the stored ones are a ConfigError.

    settings=None opens an existing index read-as-is (for `dedupe index stats`).
    """
    if backend not in BACKENDS:
        raise ConfigError(f"index backend {backend!r} is not available; expected one of {', '.join(BACKENDS)}")
    return SQLiteIndex(path, settings)


__all__ = ["Index", "IndexedDoc", "SQLiteIndex", "open_index"]
