"""The shared persistent index: signatures, exact keys and band buckets in one Redis database.

Many `dedupe filter` processes check batches against it at once. A batch's kept documents are
committed by one Lua script (atomic on the server: all of them or none), which first re-checks
the batch's band buckets and exact keys for documents committed after the batch was checked
(`since`, a document-number watermark); if any, it writes nothing and names the rows, so the
worker verifies them against the newcomers and retries. Two workers holding copies of one story
therefore never both keep it. Layout, a key prefix (`?name=`, default `dedupe`) then:

    NAME:meta          hash   format and the signature settings (as the SQLite index's meta table)
    NAME:n             string last document number (documents are numbered 1, 2, ... in commit order)
    NAME:stats         hash   documents, batches
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
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np

from dedupe.errors import ConfigError, DedupeError
from dedupe.index.sqlite import IndexedDoc

FORMAT = "dedupe-redis-index-1"
SCHEMES = ("redis", "rediss", "unix")
_HEAD = struct.Struct("<IQ")  # distinct shingles, exact key
_MAX_DOCS = 2**32 - 1  # document numbers are packed as u32 in the buckets
_PIPELINE = 2000  # commands per pipeline round trip
_CHUNK_DOCS = 2000  # documents per MGET
_RETRIES = 10  # reconnection attempts (backoff up to 2 s each) before a command fails

# One batch, atomically: (1) with since >= 0, any row whose exact key or a band bucket holds a
# document numbered above `since` is a conflict: return {0, last number, rows}; (2) otherwise
# number the documents and write records, exact keys and buckets: return {1, first number, count}.
_COMMIT = r"""
local p, since, m, B, format, token = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], ARGV[6]
if redis.call('HGET', p .. 'meta', 'format') ~= format then
  return redis.error_reply('the index at this prefix is gone or is not a ' .. format .. ' index')
end
local done = redis.call('GET', p .. 't:' .. token)
if done then return {1, tonumber(done), m} end  -- a retry of a commit whose reply was lost
local function shard(s, at) return tostring(string.byte(s, at) * 256 + string.byte(s, at + 1)) end
if since >= 0 then
  local conflicts = {}
  for i = 0, m - 1 do
    local ex, bk = ARGV[8 + 3 * i], ARGV[9 + 3 * i]
    local hit = redis.call('HGET', p .. 'x:' .. shard(ex, 1), ex)
    local clash = hit and tonumber(hit) > since
    if not clash then
      for j = 0, B - 1 do
        local f = string.sub(bk, 8 * j + 1, 8 * j + 8)
        local v = redis.call('HGET', p .. 'b:' .. shard(f, 1), f)
        if v and struct.unpack('<I4', v, #v - 3) > since then clash = true break end
      end
    end
    if clash then conflicts[#conflicts + 1] = i end
  end
  if #conflicts > 0 then
    return {0, tonumber(redis.call('GET', p .. 'n') or '0'), conflicts}
  end
end
if m == 0 then return {1, 0, 0} end
local last = redis.call('INCRBY', p .. 'n', m)
if last > 4294967295 then
  redis.call('DECRBY', p .. 'n', m)
  return redis.error_reply('the index is full (2^32 - 1 documents)')
end
local first = last - m + 1
for i = 0, m - 1 do
  local n = first + i
  local rec, ex, bk = ARGV[7 + 3 * i], ARGV[8 + 3 * i], ARGV[9 + 3 * i]
  redis.call('SET', p .. 'd:' .. n, rec)
  redis.call('HSETNX', p .. 'x:' .. shard(ex, 1), ex, n)
  local packed = struct.pack('<I4', n)
  for j = 0, B - 1 do
    local f = string.sub(bk, 8 * j + 1, 8 * j + 8)
    local key = p .. 'b:' .. shard(f, 1)
    local v = redis.call('HGET', key, f)
    redis.call('HSET', key, f, (v or '') .. packed)
  end
end
redis.call('HINCRBY', p .. 'stats', 'documents', m)
redis.call('HINCRBY', p .. 'stats', 'batches', 1)
redis.call('SET', p .. 't:' .. token, first, 'EX', 86400)
return {1, first, m}
"""


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
        self.location = RedisLocation.parse(location)
        self.path = self.location.shown()
        self.prefix = self.location.name + ":"
        try:
            # Reconnect through a server restart; a retried commit is safe (its token makes it run once).
            retry = Retry(ExponentialBackoff(cap=2.0, base=0.05), _RETRIES)
            self.client = redis.Redis.from_url(self.location.url, retry=retry,
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
        self._commit = self.client.register_script(_COMMIT)
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
                "Use the settings the index was built with, or another index (?name=...)"
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

    def _hmget_sharded(self, table: str, keys: list[int]) -> dict[int, bytes]:
        """key -> stored value for the keys present in the sharded hashes `table` (x or b)."""
        by_shard: dict[int, list[int]] = {}
        for k in keys:
            by_shard.setdefault(k >> 48, []).append(k)
        out: dict[int, bytes] = {}
        shards = sorted(by_shard)
        for lo in range(0, len(shards), _PIPELINE):
            pipe = self.client.pipeline(transaction=False)
            part = shards[lo : lo + _PIPELINE]
            for s in part:
                pipe.hmget(f"{self.prefix}{table}:{s}", _fields(np.array(by_shard[s], dtype=np.uint64)))
            for s, values in zip(part, self._call(pipe.execute)):
                for k, v in zip(by_shard[s], values):
                    if v is not None:
                        out[k] = v
        return out

    def lookup_exact(self, keys: np.ndarray) -> dict[int, str]:
        """exact key -> id of the earliest indexed document with it, for the keys present."""
        hits = self._hmget_sharded("x", sorted({int(k) for k in np.asarray(keys, dtype=np.uint64).tolist()}))
        docs = self.documents(int(v) for v in hits.values())
        out = {k: docs[int(v)].doc_id for k, v in hits.items() if int(v) in docs}
        if self._overlay is not None:
            out = self._overlay.lookup_exact(keys) | out  # the shared index's documents came first
        return out

    def query(self, keys: np.ndarray) -> list[list[int]]:
        """For each row of band keys (n × bands), the indexed documents sharing a bucket (ascending)."""
        keys = np.asarray(keys, dtype=np.uint64)
        buckets = self._hmget_sharded("b", sorted(set(keys.reshape(-1).tolist())))
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
        """Add (doc id, exact key, signature, band keys[, distinct shingles]) items in one Lua script;
        returns how many. With `since` (from mark() before the batch was checked), raises
        IndexConflict and writes nothing when documents committed after it share a bucket or an
        exact key with any item. The iterable is consumed before anything is sent: if it raises,
        or the process dies, nothing of this batch is stored.
        """
        args: list[bytes | int | str] = []
        count = 0
        items_list = list(items)
        for doc_id, exact_key, signature, keys, *rest in items_list:
            shingles = int(rest[0]) if rest else 0
            sig = np.ascontiguousarray(signature, dtype=self.dtype)
            if sig.shape != (self.num_perm,):
                raise ValueError(f"signature of {doc_id!r} has shape {sig.shape}, index expects ({self.num_perm},)")
            band = np.ascontiguousarray(keys, dtype=">u8")
            if band.shape != (self.bands,):
                raise ValueError(f"band keys of {doc_id!r} have shape {band.shape}, index expects ({self.bands},)")
            exact = int(exact_key) & 0xFFFFFFFFFFFFFFFF
            args += [_HEAD.pack(min(shingles, 2**32 - 1), exact) + sig.tobytes() + str(doc_id).encode("utf-8"),
                     exact.to_bytes(8, "big"), band.tobytes()]
            count += 1
        if count == 0:
            return 0
        if self._overlay is not None:
            return self._overlay.add_batch(items_list)
        head = [self.prefix, -1 if since is None else int(since), count, self.bands, FORMAT, uuid.uuid4().hex]
        reply = self._call(lambda: self._commit(keys=[], args=head + args))
        if int(reply[0]) == 0:
            raise IndexConflict([int(i) for i in reply[2]], int(since or 0), int(reply[1]))
        return int(reply[2])

    # reporting -----------------------------------------------------------------------------

    def stats(self) -> dict:
        """URL, server memory, documents, batches and settings."""
        counts = {k.decode(): int(v) for k, v in self._call(self.client.hgetall, self.prefix + "stats").items()}
        memory = self._call(self.client.info, "memory")
        return {
            "backend": "redis",
            "path": self.path,
            "size_bytes": int(memory.get("used_memory", 0)),
            "documents": counts.get("documents", 0),
            "batches": counts.get("batches", 0),
            "settings": dict(self.settings),
        }

    def __len__(self) -> int:
        return int(self._call(self.client.hget, self.prefix + "stats", "documents") or 0)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> RedisIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
