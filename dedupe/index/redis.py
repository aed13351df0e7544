"""The shared persistent index: signatures, exact keys and band buckets in one Redis database.

Many `dedupe filter` processes check batches against it at once. A batch's kept documents are
committed in one MULTI/EXEC transaction (applied whole or not at all) under WATCH of the document
counter. Before queueing the writes, the commit re-reads the buckets and exact keys the batch
touches: if documents committed after the batch was checked (`since`, a document-number
watermark) sit in any of them, it writes nothing and names the rows, so the worker verifies them
against the newcomers and retries; if another commit lands between the read and EXEC, EXEC fails
and the commit reads again. Two workers holding copies of one story therefore never both keep it.
Layout, a key prefix (`?name=`, default `dedupe`) then:

    NAME:meta          hash   format and the signature settings (as the SQLite index's meta table)
    NAME:n             string last document number (documents are numbered 1, 2, ... in commit order)
    NAME:stats         hash   documents, batches, rechecks (commits refused for a re-check)
    NAME:d:<n>         string <u32 shingles><u64 exact key><signature bytes><doc id, UTF-8>
    NAME:x:<shard>     hash   exact key (8 bytes, big-endian) -> first document number with it
    NAME:b:<shard>     hash   band key (8 bytes, big-endian) -> document numbers, packed little-endian u32
    NAME:t:<token>     string first document number of a committed batch (a day; makes a retried commit a no-op)

`shard` is the top 16 bits of the 64-bit key, so each hash stays small enough for Redis's compact
listpack encoding up to a few hundred thousand documents (datasketch's Redis storage keeps one
hash per band plus one set per bucket; sharding by key costs far less memory per entry).
Signatures are the raw hash values (uint32 for affine32, else uint64): datasketch's
`LeanMinHash(seed=..., hashvalues=...)` takes them as they are.
"""

from __future__ import annotations

import struct
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np

from dedupe.errors import ConfigError, DedupeError
from dedupe.index.sqlite import IndexedDoc
from dedupe.near.settings import mismatch_advice

FORMAT = "dedupe-redis-index-1"
SCHEMES = ("redis", "rediss", "unix")
_HEAD = struct.Struct("<IQ")  # distinct shingles, exact key
_MAX_DOCS = 2**32 - 1  # document numbers are packed as u32 in the buckets
_PIPELINE = 2000  # commands per pipeline round trip
_CHUNK_DOCS = 2000  # documents per MGET
_REPLY_TIMEOUT = 600.0  # seconds to wait for a reply: a large batch's EXEC may take seconds on a busy server
_RETRIES = 10  # reconnection attempts (backoff up to 2 s each) before a command fails


class IndexConflict(Exception):
    """Documents committed by another worker since this batch was checked share a bucket or an exact
    key with some of its rows: verify those rows against documents numbered above `since`, then retry."""

    def __init__(self, positions: list[int], since: int, upto: int) -> None:
        self.positions = positions
        self.since = since
        self.upto = upto
        super().__init__(f"{len(positions)} documents to re-check against documents {since + 1}..{upto}")


class IndexUnavailable(DedupeError):
    """The Redis server cannot be reached or refused a command."""


@dataclass(frozen=True)
class RedisLocation:
    """Where an index lives: the client URL (without our own `name` parameter) and the key prefix."""

    url: str
    name: str

    @classmethod
    def parse(cls, text: str) -> RedisLocation:
        parts = urlsplit(text)
        if parts.scheme not in SCHEMES:
            raise ConfigError(f"{text}: not a Redis URL (expected redis://HOST:PORT/DB)")
        query = parse_qsl(parts.query, keep_blank_values=True)
        names = [v for k, v in query if k == "name"]
        name = names[-1] if names else "dedupe"
        if not name or any(c in name for c in " {}"):
            raise ConfigError(f"{text}: name={name!r} must be a non-empty word")
        rest = urlencode([(k, v) for k, v in query if k != "name"])
        return cls(urlunsplit((parts.scheme, parts.netloc, parts.path, rest, parts.fragment)), name)

    def shown(self) -> str:
        """The URL with any password hidden, for messages and stats."""
        parts = urlsplit(self.url)
        netloc = parts.netloc
        if "@" in netloc:
            creds, host = netloc.rsplit("@", 1)
            user = creds.split(":", 1)[0]
            netloc = f"{user}:***@{host}" if ":" in creds else f"{user}@{host}"
        suffix = "" if self.name == "dedupe" else ("&" if parts.query else "?") + f"name={self.name}"
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, "")) + suffix


def is_redis_url(path: object) -> bool:
    """True for redis://, rediss:// and unix:// locations."""
    return isinstance(path, str) and urlsplit(path).scheme in SCHEMES


def _fields(keys: np.ndarray) -> list[bytes]:
    """uint64 keys as 8-byte big-endian strings (the first two bytes are the shard)."""
    raw = np.ascontiguousarray(keys, dtype=">u8").tobytes()
    return [raw[i : i + 8] for i in range(0, len(raw), 8)]


class RedisIndex:
    """Signatures and band buckets of every kept document, shared by every worker using the server."""

    def __init__(self, location: str, settings: Mapping[str, str] | None) -> None:
        try:
            import redis
            from redis.backoff import ExponentialBackoff
            from redis.retry import Retry
        except ImportError:
            raise ConfigError(f"{location}: the Redis index needs the redis package: pip install 'dedupe-gate[redis]'") from None
        self._redis_errors = (redis.RedisError,)
        self._retryable = (redis.ConnectionError, redis.TimeoutError)
        self._watch_error = redis.WatchError
        self.location = RedisLocation.parse(location)
        self.path = self.location.shown()
        self.prefix = self.location.name + ":"
        try:
            # Reconnect through a server restart; a retried commit is safe (its token makes it run once).
            retry = Retry(ExponentialBackoff(cap=2.0, base=0.05), _RETRIES)
            self.client = redis.Redis.from_url(self.location.url, retry=retry, socket_timeout=_REPLY_TIMEOUT,
                                               socket_connect_timeout=5.0,
                                               retry_on_error=[redis.ConnectionError, redis.TimeoutError])
            self.client.ping()
        except ValueError as exc:
            raise ConfigError(f"{self.path}: {exc}") from None
        except redis.RedisError as exc:
            raise IndexUnavailable(f"{self.path}: cannot reach Redis ({exc})") from None
        stored = self._stored_settings()
        if stored is None:
            if settings is None:
                raise ConfigError(f"{self.path}: no index here (no {self.prefix}meta key)")
            self._create(settings)
            stored = self._stored_settings() or {}
        if settings is not None:
            self._check(stored, settings)
        self.settings = {k: v for k, v in stored.items() if k != "format"}
        self.scheme = self.settings["scheme"]
        self.dtype = np.dtype(np.uint32 if self.scheme == "affine32" else np.uint64).newbyteorder("<")
        self.num_perm = int(self.settings["num_perm"])
        self.bands = int(self.settings["bands"])
        self._overlay = None  # a private SQLite index for a run that checks without committing

    # settings ------------------------------------------------------------------------------

    def _stored_settings(self) -> dict[str, str] | None:
        try:
            kind = self.client.type(self.prefix + "meta").decode()
            if kind == "none":
                return None
            if kind != "hash":
                raise ConfigError(f"{self.path}: not a dedupe index ({self.prefix}meta is a {kind})")
            rows = {k.decode(): v.decode() for k, v in self.client.hgetall(self.prefix + "meta").items()}
        except self._redis_errors as exc:
            raise IndexUnavailable(f"{self.path}: {exc}") from None
        if rows.get("format") != FORMAT:
            raise ConfigError(f"{self.path}: not a {FORMAT} index (format {rows.get('format')!r})")
        return rows

    def _create(self, settings: Mapping[str, str]) -> None:
        """Write the meta hash in one command, unless another worker created the index meanwhile
        (WATCH/MULTI): then its settings are the ones checked."""
        import redis

        key = self.prefix + "meta"
        try:
            with self.client.pipeline(transaction=True) as pipe:
                pipe.watch(key)
                if pipe.exists(key):
                    return
                pipe.multi()
                pipe.hset(key, mapping={"format": FORMAT, **{k: str(v) for k, v in sorted(settings.items())}})
                pipe.execute()
        except redis.WatchError:
            return
        except self._redis_errors as exc:
            raise IndexUnavailable(f"{self.path}: {exc}") from None

    def _check(self, stored: Mapping[str, str], settings: Mapping[str, str]) -> None:
        differing = [k for k in sorted(set(stored) | set(settings)) if k != "format" and stored.get(k) != settings.get(k)]
        if differing:
            built = ", ".join(f"{k}={stored.get(k)}" for k in differing)
            wanted = ", ".join(f"{k}={settings.get(k)}" for k in differing)
            raise ConfigError(
                f"{self.path}: index was built with {built}; this run uses {wanted}. "
                + mismatch_advice(stored, differing) + " (or ?name=... for another index on this server)"
            )

    # transactions --------------------------------------------------------------------------

    @contextmanager
    def held(self, commit: bool = True) -> Iterator[None]:
        """commit=True: nothing to hold, each batch commits when it is decided so other workers see
        it at once (docs/scaling.md says what that means when a run fails later). commit=False
        (check without growing the index): the run's batches go to a private temporary SQLite
        overlay that lookups also read, and are dropped when the block ends."""
        if commit:
            yield
            return
        import tempfile

        from dedupe.index.sqlite import SQLiteIndex

        with tempfile.TemporaryDirectory(prefix="dedupe-overlay-") as tmp:
            self._overlay = SQLiteIndex(f"{tmp}/overlay.sqlite", self.settings)
            try:
                yield
            finally:
                self._overlay.close()
                self._overlay = None

    def mark(self) -> int:
        """The watermark to pass as `since` to add_batch: the last document number committed now."""
        return int(self._call(self.client.get, self.prefix + "n") or 0)

    # lookups -------------------------------------------------------------------------------

    def _call(self, fn, *args):
        try:
            return fn(*args)
        except self._redis_errors as exc:
            raise IndexUnavailable(f"{self.path}: {exc}") from None

    def _hmget_sharded(self, table: str, keys, raw: bool = False) -> dict[int, bytes]:
        """key -> stored value for the keys present in the sharded hashes `table` (x or b): one HMGET
        per shard, pipelined. raw=True lets Redis errors through (for the commit's own retry loop)."""
        keys = np.unique(np.asarray(keys, dtype=np.uint64))
        if not len(keys):
            return {}
        fields = _fields(keys)
        shards = (keys >> np.uint64(48)).astype(np.int64)
        starts = np.flatnonzero(np.r_[True, shards[1:] != shards[:-1]]).tolist()
        groups = list(zip(starts, starts[1:] + [len(keys)]))
        ints = keys.tolist()
        out: dict[int, bytes] = {}
        for lo in range(0, len(groups), _PIPELINE):
            part = groups[lo : lo + _PIPELINE]
            pipe = self.client.pipeline(transaction=False)
            for a, b in part:
                pipe.execute_command("HMGET", f"{self.prefix}{table}:{int(shards[a])}", *fields[a:b])
            for (a, b), values in zip(part, pipe.execute() if raw else self._call(pipe.execute)):
                for k, v in zip(ints[a:b], values):
                    if v is not None:
                        out[k] = v
        return out

    def lookup_exact(self, keys: np.ndarray) -> dict[int, str]:
        """exact key -> id of the earliest indexed document with it, for the keys present."""
        hits = self._hmget_sharded("x", keys)
        docs = self.documents(int(v) for v in hits.values())
        out = {k: docs[int(v)].doc_id for k, v in hits.items() if int(v) in docs}
        if self._overlay is not None:
            out = self._overlay.lookup_exact(keys) | out  # the shared index's documents came first
        return out

    def query(self, keys: np.ndarray) -> list[list[int]]:
        """For each row of band keys (n × bands), the indexed documents sharing a bucket (ascending)."""
        keys = np.asarray(keys, dtype=np.uint64)
        buckets = self._hmget_sharded("b", keys.reshape(-1))
        found: list[list[int]] = []
        for row in keys.tolist():
            members: set[int] = set()
            for k in row:
                v = buckets.get(k)
                if v is not None:
                    members.update(np.frombuffer(v, dtype="<u4").tolist())
            found.append(sorted(members))
        if self._overlay is not None:  # overlay documents as negative numbers, after none of the shared ones
            for row, extra in zip(found, self._overlay.query(keys)):
                row[:0] = sorted(-n for n in extra)
        return found

    def documents(self, ns: Iterable[int]) -> dict[int, IndexedDoc]:
        """Indexed documents by their index number."""
        wanted = sorted(set(ns))
        out: dict[int, IndexedDoc] = {}
        if self._overlay is not None and wanted and wanted[0] < 0:
            for n, doc in self._overlay.documents(-n for n in wanted if n < 0).items():
                out[-n] = IndexedDoc(-n, doc.doc_id, doc.signature, doc.shingles)
            wanted = [n for n in wanted if n > 0]
        width = self.num_perm * self.dtype.itemsize
        for lo in range(0, len(wanted), _CHUNK_DOCS):
            chunk = wanted[lo : lo + _CHUNK_DOCS]
            records = self._call(self.client.mget, [f"{self.prefix}d:{n}" for n in chunk])
            for n, rec in zip(chunk, records):
                if rec is None:
                    continue
                shingles, _ = _HEAD.unpack_from(rec)
                start = _HEAD.size
                sig = np.frombuffer(rec, dtype=self.dtype, count=self.num_perm, offset=start)
                out[n] = IndexedDoc(n, rec[start + width :].decode("utf-8"), sig, shingles)
        return out

    # writes --------------------------------------------------------------------------------

    def add_batch(self, items: Iterable[tuple], since: int | None = None) -> int:
        """Add (doc id, exact key, signature, band keys[, distinct shingles]) items in one MULTI/EXEC
        transaction; returns how many. With `since` (from mark() before the batch was checked),
        raises IndexConflict and writes nothing when documents committed after it share a bucket or
        an exact key with any item. The iterable is consumed before anything is sent, and the
        server applies the transaction whole or not at all: if the process dies, nothing of this
        batch is stored.
        """
        items = list(items)
        if not items:
            return 0
        if self._overlay is not None:
            return self._overlay.add_batch(items)
        batch = _Batch.of(items, self.dtype, self.num_perm, self.bands)
        token = f"{self.prefix}t:{uuid.uuid4().hex}"
        failures = 0
        while True:
            try:
                done = self._try_commit(batch, since, token)
            except self._watch_error:
                continue  # another worker committed meanwhile: read again
            except self._retryable as exc:
                failures += 1
                if failures > _RETRIES:
                    raise IndexUnavailable(f"{self.path}: {exc}") from None
                time.sleep(min(2.0, 0.05 * 2**failures))
                continue
            except self._redis_errors as exc:
                raise IndexUnavailable(f"{self.path}: {exc}") from None
            return done

    def _try_commit(self, batch: _Batch, since: int | None, token: str) -> int:
        """One attempt: WATCH the document counter, read what the batch touches, refuse on a conflict,
        else queue every write and EXEC (which fails if any commit happened since the WATCH)."""
        m = len(batch.records)
        with self.client.pipeline(transaction=True) as pipe:
            pipe.watch(self.prefix + "n")
            if pipe.get(token) is not None:
                return m  # an earlier attempt committed; its reply was lost
            if pipe.hget(self.prefix + "meta", "format") != FORMAT.encode():
                raise ConfigError(f"{self.path}: the index is gone or is not a {FORMAT} index")
            last = int(pipe.get(self.prefix + "n") or 0)
            if last + m > _MAX_DOCS:
                raise ConfigError(f"{self.path}: the index is full ({_MAX_DOCS:,} documents)")
            buckets = self._hmget_sharded("b", batch.unique, raw=True)  # on another connection: fine,
            exact = self._hmget_sharded("x", batch.exact_unique, raw=True)  # EXEC fails if n moved
            if since is not None and last > since:
                newest = np.array([_last_number(buckets.get(k)) for k in batch.unique.tolist()], dtype=np.int64)
                clash = (newest[batch.inverse] > since).any(axis=1)
                clash |= np.array([int(exact.get(k, 0)) > since for k in batch.exact_keys.tolist()])
                if clash.any():
                    pipe.unwatch()
                    self.client.hincrby(self.prefix + "stats", "rechecks", 1)
                    raise IndexConflict(np.flatnonzero(clash).tolist(), since, last)
            first = last + 1
            pipe.multi()
            pipe.set(self.prefix + "n", last + m)
            for shard, mapping in batch.bucket_writes(buckets, first).items():
                pipe.hset(f"{self.prefix}b:{shard}", mapping=mapping)
            for shard, mapping in batch.exact_writes(exact, first).items():
                pipe.hset(f"{self.prefix}x:{shard}", mapping=mapping)
            for lo in range(0, m, _CHUNK_DOCS):
                pipe.mset({f"{self.prefix}d:{first + i}": rec for i, rec in enumerate(batch.records[lo : lo + _CHUNK_DOCS], lo)})
            pipe.hincrby(self.prefix + "stats", "documents", m)
            pipe.hincrby(self.prefix + "stats", "batches", 1)
            pipe.set(token, first, ex=86400)
            pipe.execute()
        return m

    # reporting -----------------------------------------------------------------------------

    def stats(self) -> dict:
        """URL, server memory, documents, batches, rechecks (commits refused until rows were verified
        against other workers' newer documents) and settings."""
        counts = {k.decode(): int(v) for k, v in self._call(self.client.hgetall, self.prefix + "stats").items()}
        memory = self._call(self.client.info, "memory")
        return {
            "backend": "redis",
            "path": self.path,
            "size_bytes": int(memory.get("used_memory", 0)),
            "documents": counts.get("documents", 0),
            "batches": counts.get("batches", 0),
            "rechecks": counts.get("rechecks", 0),
            "settings": dict(self.settings),
        }

    def __len__(self) -> int:
        return int(self._call(self.client.hget, self.prefix + "stats", "documents") or 0)

    def is_empty(self) -> bool:
        """No document committed yet by any worker, nor held in a check-only run's overlay (what
        other workers commit later is rechecked at the batch's commit)."""
        return len(self) == 0 and (self._overlay is None or self._overlay.is_empty())

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> RedisIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _last_number(value: bytes | None) -> int:
    """The highest (last appended) document number in a packed bucket, 0 for none."""
    return int.from_bytes(value[-4:], "little") if value else 0


@dataclass
class _Batch:
    """A batch's documents as the writes need them: records, unique band keys and which rows hold each."""

    records: list[bytes]
    exact_keys: np.ndarray  # per row
    exact_unique: np.ndarray
    unique: np.ndarray  # distinct band keys of the batch, ascending
    inverse: np.ndarray  # rows × bands: position of each band key in `unique`

    @classmethod
    def of(cls, items: list[tuple], dtype: np.dtype, num_perm: int, bands: int) -> _Batch:
        records, exact, keys = [], [], []
        for doc_id, exact_key, signature, band_keys, *rest in items:
            sig = np.ascontiguousarray(signature, dtype=dtype)
            if sig.shape != (num_perm,):
                raise ValueError(f"signature of {doc_id!r} has shape {sig.shape}, index expects ({num_perm},)")
            row = np.asarray(band_keys, dtype=np.uint64)
            if row.shape != (bands,):
                raise ValueError(f"band keys of {doc_id!r} have shape {row.shape}, index expects ({bands},)")
            shingles = min(int(rest[0]) if rest else 0, 2**32 - 1)
            key = int(exact_key) & 0xFFFFFFFFFFFFFFFF
            records.append(_HEAD.pack(shingles, key) + sig.tobytes() + str(doc_id).encode("utf-8"))
            exact.append(key)
            keys.append(row)
        exact_keys = np.array(exact, dtype=np.uint64)
        unique, inverse = np.unique(np.stack(keys), return_inverse=True)
        return cls(records, exact_keys, np.unique(exact_keys), unique, inverse.reshape(len(items), bands))

    def bucket_writes(self, current: dict[int, bytes], first: int) -> dict[int, dict[bytes, bytes]]:
        """shard -> {band key field: packed numbers, the stored ones then this batch's in order}."""
        flat = self.inverse.reshape(-1)
        order = np.argsort(flat, kind="stable")  # grouped by key, rows ascending inside a group
        packed = (order // self.inverse.shape[1] + first).astype("<u4").tobytes()
        ends = np.searchsorted(flat[order], np.arange(len(self.unique)), side="right").tolist()
        out: dict[int, dict[bytes, bytes]] = {}
        fields = _fields(self.unique)
        start = 0
        for key, field, end in zip(self.unique.tolist(), fields, ends):
            out.setdefault(key >> 48, {})[field] = current.get(key, b"") + packed[4 * start : 4 * end]
            start = end
        return out

    def exact_writes(self, current: dict[int, bytes], first: int) -> dict[int, dict[bytes, int]]:
        """shard -> {exact key field: first document number with it}, for keys not stored yet."""
        out: dict[int, dict[bytes, int]] = {}
        for i, key in enumerate(self.exact_keys.tolist()):
            if key in current:
                continue
            field = key.to_bytes(8, "big")
            shard = out.setdefault(key >> 48, {})
            shard.setdefault(field, first + i)
        return out
