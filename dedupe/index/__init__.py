"""Persistent index of kept documents for pre-ingest filtering: one SQLite file (default), or a
Redis database shared by many workers (`redis://HOST:PORT/DB`)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from dedupe.errors import ConfigError
from dedupe.index.redis import IndexConflict, RedisIndex, is_redis_url
from dedupe.index.sqlite import IndexedDoc, SQLiteIndex

# Both backends offer: settings, path, mark(), held(), lookup_exact, query, documents,
# add_batch(items, since=None), stats(), len(), close().
Index = SQLiteIndex | RedisIndex

BACKENDS = ("sqlite", "redis")


def open_index(path: str | Path, settings: Mapping[str, str] | None, backend: str = "sqlite") -> Index:
    """Open (or create) the index at `path`; settings that differ from the stored ones are a ConfigError.

    A redis://, rediss:// or unix:// URL opens the Redis backend whatever `backend` says.
    settings=None opens an existing index read-as-is (for `dedupe index stats`).
    """
    if backend not in BACKENDS:
        raise ConfigError(f"index backend {backend!r} is not available; expected one of {', '.join(BACKENDS)}")
    if is_redis_url(str(path)):
        return RedisIndex(str(path), settings)
    if backend == "redis":
        raise ConfigError(f"{path}: [index] backend = \"redis\" needs a redis://HOST:PORT/DB location")
    return SQLiteIndex(path, settings)


__all__ = ["BACKENDS", "Index", "IndexConflict", "IndexedDoc", "RedisIndex", "SQLiteIndex", "open_index"]
