"""The embedded persistent index: one SQLite file of signatures, exact keys and band buckets.

WAL journal; each batch is added in one transaction, so a crash leaves the batch wholly absent.
Lookups go through indexed tables in bounded chunks: checking a batch never loads the index.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from dedupe.errors import ConfigError
from dedupe.near.settings import mismatch_advice

FORMAT = "dedupe-index-2"  # 2: distinct shingle counts, for containment
_CHUNK = 500  # SQL parameters per lookup statement
_DOC_BITS = 40  # a (row, document number) pair packed in one int64 while joining lookups

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS batches (n INTEGER PRIMARY KEY, added TEXT NOT NULL, documents INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    n INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL,
    exact_key INTEGER NOT NULL,
    signature BLOB NOT NULL,
    shingles INTEGER NOT NULL,
    batch INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS docs_exact ON docs (exact_key);
CREATE TABLE IF NOT EXISTS buckets (key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc)) WITHOUT ROWID;
"""


def _signed(values: np.ndarray) -> list[int]:
    """uint64 keys as SQLite's signed 64-bit integers (same bits)."""
    return np.ascontiguousarray(values, dtype=np.uint64).view(np.int64).tolist()


def _ranges(counts: np.ndarray) -> np.ndarray:
    """0..c-1 for each c in counts, concatenated."""
    ends = np.cumsum(counts)
    return np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - counts, counts)


@dataclass
class IndexedDoc:
    """One document already in the index."""

    n: int
    doc_id: str
    signature: np.ndarray
    shingles: int = 0  # distinct shingles (0: unknown)


class SQLiteIndex:
    """Signatures and band buckets of every kept document of earlier batches."""

    def __init__(self, path: str | Path, settings: Mapping[str, str] | None) -> None:
        self.path = Path(path)
        if settings is None and not self.path.exists():
            raise ConfigError(f"{self.path}: no index here")
        try:
            self.conn = sqlite3.connect(str(self.path), isolation_level=None)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA cache_size=-65536")  # 64 MiB page cache at most
            stored = self._stored_settings()
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"{self.path}: not a dedupe index ({exc})") from None
        if stored is None:
            if settings is None:
                raise ConfigError(f"{self.path}: not a dedupe index (no metadata)")
            self._create(settings)
            stored = dict(settings)
        elif settings is not None:
            self._check(stored, settings)
        self.settings = {k: v for k, v in stored.items() if k != "format"}
        self.scheme = self.settings["scheme"]
        self.dtype = np.uint32 if self.scheme == "affine32" else np.uint64
        self.num_perm = int(self.settings["num_perm"])

    def _stored_settings(self) -> dict[str, str] | None:
        has_meta = self.conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        if not has_meta:
            if self.conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone():
                raise ConfigError(f"{self.path}: not a dedupe index (an SQLite file with other tables)")
            return None
        rows = dict(self.conn.execute("SELECT key, value FROM meta").fetchall())
        if rows.get("format") != FORMAT:
            raise ConfigError(f"{self.path}: not a {FORMAT} index (format {rows.get('format')!r})")
        return rows

    def _create(self, settings: Mapping[str, str]) -> None:
        with self._transaction():
            for statement in _SCHEMA.strip().split(";"):
                if statement.strip():
                    self.conn.execute(statement)
            self.conn.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT,))
            self.conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted((k, str(v)) for k, v in settings.items()))

    def _check(self, stored: Mapping[str, str], settings: Mapping[str, str]) -> None:
        differing = [k for k in sorted(set(stored) | set(settings)) if k != "format" and stored.get(k) != settings.get(k)]
        if differing:
            built = ", ".join(f"{k}={stored.get(k)}" for k in differing)
            wanted = ", ".join(f"{k}={settings.get(k)}" for k in differing)
            raise ConfigError(
                f"{self.path}: index was built with {built}; this run uses {wanted}. "
                + mismatch_advice(stored, differing)
            )

    class _Tx:
        """One batch's writes: a transaction of its own, or a savepoint inside a held run."""

        def __init__(self, conn: sqlite3.Connection) -> None:
            self.conn = conn

        def __enter__(self) -> None:
            self.nested = self.conn.in_transaction
            self.conn.execute("SAVEPOINT batch" if self.nested else "BEGIN IMMEDIATE")

        def __exit__(self, exc_type, exc, tb) -> None:
            if self.nested:
                if exc_type is not None:
                    self.conn.execute("ROLLBACK TO batch")
                self.conn.execute("RELEASE batch")
            else:
                self.conn.execute("COMMIT" if exc_type is None else "ROLLBACK")

    def _transaction(self) -> _Tx:
        return self._Tx(self.conn)

    @contextmanager
    def held(self, commit: bool = True) -> Iterator[None]:
        """Hold every batch added inside the block in one transaction, committed when the block ends
        cleanly and rolled back otherwise: `dedupe filter` commits the index only after its outputs.
        commit=False always rolls back (`dedupe gate` checks against the index without growing it)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT" if commit else "ROLLBACK")

    def mark(self) -> None:
        """No watermark: the held transaction excludes other writers, so nothing can conflict."""
        return None

    # lookups -------------------------------------------------------------------------------

    def lookup_exact(self, keys: np.ndarray) -> dict[int, str]:
        """exact key -> id of the earliest indexed document with it, for the keys present."""
        out: dict[int, str] = {}
        signed = sorted(set(_signed(keys)))
        for lo in range(0, len(signed), _CHUNK):
            chunk = signed[lo : lo + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT exact_key, doc_id FROM docs WHERE n IN (SELECT MIN(n) FROM docs WHERE exact_key IN ({marks}) GROUP BY exact_key)",
                chunk,
            )
            for key, doc_id in rows:
                out[key & 0xFFFFFFFFFFFFFFFF] = doc_id
        return out

    def query(self, keys: np.ndarray) -> list[list[int]]:
        """For each row of band keys (n × bands), the indexed documents sharing a bucket (ascending)."""
        rows = keys.shape[0]
        flat = np.ascontiguousarray(keys, dtype=np.uint64).reshape(-1).view(np.int64)
        unique, where = np.unique(flat, return_inverse=True)
        hits: list[tuple[int, int]] = []
        listed = unique.tolist()
        for lo in range(0, len(listed), _CHUNK):
            chunk = listed[lo : lo + _CHUNK]
            marks = ",".join("?" * len(chunk))
            hits.extend(self.conn.execute(f"SELECT key, doc FROM buckets WHERE key IN ({marks})", chunk).fetchall())
        found: list[list[int]] = [[] for _ in range(rows)]
        if not hits:
            return found
        hit = np.array(hits, dtype=np.int64)
        # (row, doc) for every row holding a key that hit: join the hits to the rows by key position
        hit_pos = np.searchsorted(unique, hit[:, 0])
        order = np.argsort(where, kind="stable")  # row-key slots grouped by key position
        starts = np.searchsorted(where[order], np.arange(len(unique)))
        counts = np.bincount(where, minlength=len(unique))
        per_hit = counts[hit_pos]
        slots = order[np.repeat(starts[hit_pos], per_hit) + _ranges(per_hit)]
        pairs = np.unique((slots // keys.shape[1]) << _DOC_BITS | np.repeat(hit[:, 1], per_hit))  # row, then doc
        bounds = np.searchsorted(pairs >> _DOC_BITS, np.arange(rows + 1))
        docs = (pairs & ((1 << _DOC_BITS) - 1)).tolist()
        for row in np.flatnonzero(np.diff(bounds)).tolist():
            found[row] = docs[bounds[row]:bounds[row + 1]]
        return found

    def documents(self, ns: Iterable[int]) -> dict[int, IndexedDoc]:
        """Indexed documents by their index number."""
        out: dict[int, IndexedDoc] = {}
        wanted = sorted(set(ns))
        for lo in range(0, len(wanted), _CHUNK):
            chunk = wanted[lo : lo + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(f"SELECT n, doc_id, signature, shingles FROM docs WHERE n IN ({marks})", chunk)
            for n, doc_id, blob, shingles in rows:
                out[n] = IndexedDoc(n, doc_id, np.frombuffer(blob, dtype=self.dtype), shingles)
        return out

    # writes --------------------------------------------------------------------------------

    def add_batch(self, items: Iterable[tuple], since: int | None = None) -> int:
        """Add (doc id, exact key, signature, band keys[, distinct shingles]) items in one transaction;
        returns how many. Without a shingle count, containment cannot be checked against the item.
        `since` is for shared backends (see RedisIndex.add_batch); one SQLite writer has no conflicts.

        The iterable is consumed inside the transaction: if it raises, or the process dies,
        nothing of this batch is stored.
        """
        with self._transaction():
            cur = self.conn.execute(
                "INSERT INTO batches (added, documents) VALUES (?, 0)",
                (datetime.now(timezone.utc).isoformat(timespec="seconds"),),
            )
            batch = cur.lastrowid
            first = self.conn.execute("SELECT COALESCE(MAX(n), 0) + 1 FROM docs").fetchone()[0]
            rows, bucket_keys = [], []
            for doc_id, exact_key, signature, keys, *rest in items:
                shingles = int(rest[0]) if rest else 0
                sig = np.ascontiguousarray(signature, dtype=self.dtype)
                if sig.shape != (self.num_perm,):
                    raise ValueError(f"signature of {doc_id!r} has shape {sig.shape}, index expects ({self.num_perm},)")
                rows.append((first + len(rows), doc_id, exact_key, sig.tobytes(), shingles, batch))
                bucket_keys.append(np.ascontiguousarray(keys, dtype=np.uint64))
            count = len(rows)
            if count:
                exact = _signed(np.array([r[2] for r in rows], dtype=np.uint64))
                self.conn.executemany(
                    "INSERT INTO docs (n, doc_id, exact_key, signature, shingles, batch) VALUES (?, ?, ?, ?, ?, ?)",
                    ((n, doc_id, key, sig, shingles, b) for (n, doc_id, _, sig, shingles, b), key in zip(rows, exact)))
                sizes = np.fromiter(map(len, bucket_keys), dtype=np.int64, count=count)
                key_col = np.concatenate(bucket_keys).view(np.int64)
                doc_col = np.repeat(np.arange(first, first + count, dtype=np.int64), sizes)
                order = np.lexsort((doc_col, key_col))  # in key order: B-tree inserts touch neighbouring pages
                self.conn.executemany("INSERT OR IGNORE INTO buckets VALUES (?, ?)",
                                      zip(key_col[order].tolist(), doc_col[order].tolist()))
            self.conn.execute("UPDATE batches SET documents = ? WHERE n = ?", (count, batch))
        return count

    # reporting -----------------------------------------------------------------------------

    def stats(self) -> dict:
        """Path, bytes on disk (with the WAL), documents, batches and settings."""
        size = sum(os.path.getsize(p) for p in (str(self.path), f"{self.path}-wal") if os.path.exists(p))
        documents = self.conn.execute("SELECT COUNT(*) FROM docs").fetchone()[0]
        batches = self.conn.execute("SELECT COUNT(*) FROM batches").fetchone()[0]
        return {"path": str(self.path), "size_bytes": size, "documents": documents, "batches": batches, "settings": dict(self.settings)}

    def __len__(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM docs").fetchone()[0]

    def is_empty(self) -> bool:
        """No document indexed yet (a run's first batch need not look anything up)."""
        return self.conn.execute("SELECT 1 FROM docs LIMIT 1").fetchone() is None

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> SQLiteIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
