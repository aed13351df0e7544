"""JSONL reading: one JSON object per line, from plain, gzip or zstd files or stdin."""

from __future__ import annotations

import gzip
import io
import json
import sys
import zlib
from collections.abc import Callable, Iterator
from typing import IO, Any

import orjson
import zstandard

from dedupe.io.records import RawRecord, json_type

# What a broken or truncated compressed stream raises while it is being read.
STREAM_ERRORS: tuple[type[BaseException], ...] = (OSError, EOFError, zlib.error, zstandard.ZstdError)

_BOM = b"\xef\xbb\xbf"


def open_binary(path: str, fmt: str) -> IO[bytes]:
    """A binary stream of the decompressed bytes of `path` (fmt: jsonl, jsonl.gz, jsonl.zst, html.gz)."""
    if fmt in ("jsonl.gz", "html.gz"):
        return gzip.open(path, "rb")
    if fmt == "jsonl.zst":
        return io.BufferedReader(ZstdStream(open(path, "rb")))
    return open(path, "rb")


class ZstdStream(io.RawIOBase):
    """Decompressed bytes of a zstd file (any number of frames) that raises EOFError when the file
    ends inside a frame: zstandard's own stream_reader just stops there, which would lose records
    without a word."""

    _CHUNK = 1 << 17

    def __init__(self, raw: IO[bytes]):
        self._raw = raw
        self._dctx = zstandard.ZstdDecompressor()
        self._dobj = self._dctx.decompressobj()
        self._pending = b""
        self._in_frame = False  # fed bytes of a frame that has not ended yet

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            chunk = self._raw.read(self._CHUNK)
            if not chunk:
                if self._in_frame:
                    raise EOFError("zstd frame ends early")
                return 0
            self._feed(chunk)
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def _feed(self, data: bytes) -> None:
        out = []
        while data:
            self._in_frame = True
            out.append(self._dobj.decompress(data))
            if not self._dobj.eof:
                break
            self._in_frame = False
            data = self._dobj.unused_data
            self._dobj = self._dctx.decompressobj()
        self._pending += b"".join(out)

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


def stdin_binary() -> IO[bytes]:
    """Standard input as bytes (a text-only replacement of sys.stdin is encoded as UTF-8)."""
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is not None:
        return buffer
    return io.BytesIO(sys.stdin.read().encode("utf-8", "surrogateescape"))


def _salvage(line: bytes) -> dict[str, str]:
    return {"raw": line.decode("utf-8", "replace").rstrip("\r\n")}


_HUGE = float(2**63)


_SCALARS = (str, int, bool, type(None))


def any_float(value: Any, test: Callable[[float], bool]) -> bool:
    """Whether `test` holds for some float anywhere in a JSON value (dicts and lists walked).

    Walked with a stack, strings and integers passed over first: it runs on every record read
    and written, and a record is mostly strings.
    """
    todo = [value]
    while todo:
        item = todo.pop()
        if type(item) in _SCALARS:
            continue
        if isinstance(item, float):
            if test(item):
                return True
        elif isinstance(item, dict):
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    return False


def _huge(value: float) -> bool:
    """orjson reads integers past 64 bits as floats: a line holding one is read again by json."""
    return not -_HUGE < value < _HUGE


def parse_line(line: bytes, where: str) -> RawRecord:
    """One JSONL line as a record, or the problem with the line's text salvaged as {"raw": ...}."""
    line = line.rstrip(b"\r\n")
    try:  # orjson reads the common case (valid UTF-8, RFC 8259 JSON) several times faster than json
        value = orjson.loads(line)
    except orjson.JSONDecodeError:
        pass  # json decides, and words the problem, as before (it also reads NaN and huge integers)
    else:
        if isinstance(value, dict) and not any_float(value, _huge):
            return RawRecord(where, value)
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return RawRecord(where, None, f"invalid UTF-8 at byte {exc.start}", _salvage(line))
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        # json's messages either end in " at" ("Unterminated string starting at") or not
        place = f" column {exc.colno}" if exc.msg.endswith(" at") else f" (column {exc.colno})"
        return RawRecord(where, None, f"invalid JSON: {exc.msg}{place}", _salvage(line))
    except RecursionError:
        return RawRecord(where, None, "invalid JSON: nested too deeply", _salvage(line))
    if not isinstance(value, dict):
        return RawRecord(where, None, f"not a JSON object (got {json_type(value)})", _salvage(line))
    return RawRecord(where, value)


def read_jsonl(stream: IO[bytes], name: str, max_line_bytes: int) -> Iterator[RawRecord]:
    """Every non-blank line of `stream`, where = `name:line` (1-based); blank lines are not records.

    A line longer than `max_line_bytes` is reported as too large without being held in memory; a
    stream that breaks (not gzip, truncated, corrupt) ends with one problem record at that point.
    """
    lineno = 0
    while True:
        try:
            line = stream.readline(max_line_bytes + 1)
        except STREAM_ERRORS as exc:
            where = name if lineno == 0 else f"{name}:{lineno + 1}"
            yield RawRecord(where, None, f"unreadable file: {describe_stream_error(exc)}")
            return
        if not line:
            return
        lineno += 1
        where = f"{name}:{lineno}"
        if len(line) > max_line_bytes and not line.endswith(b"\n"):
            head = line[:200]
            try:
                while True:
                    rest = stream.readline(1 << 20)
                    if not rest or rest.endswith(b"\n"):
                        break
            except STREAM_ERRORS:
                pass
            yield RawRecord(where, None, f"record too large: more than {max_line_bytes} bytes", _salvage(head))
            continue
        if lineno == 1 and line.startswith(_BOM):
            line = line[len(_BOM):]
        if not line.strip():
            continue
        yield parse_line(line, where)


def describe_stream_error(exc: BaseException) -> str:
    """A short, stable description of a stream error (no temp paths, no object reprs)."""
    if isinstance(exc, gzip.BadGzipFile):
        return "not a gzip file"
    if isinstance(exc, zstandard.ZstdError):
        return f"not a valid zstd stream ({exc})"
    if isinstance(exc, EOFError):
        return "compressed data ends early (truncated file)"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__
