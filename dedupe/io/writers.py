"""Writers for documents and plain records: JSONL (plain, gzip, zstd), Parquet, CSV, stdout; all atomic.

Bytes are deterministic: JSON with keys in the order given, `ensure_ascii=False`, compact
separators, one record per line; gzip with no file name and mtime 0; zstd single-threaded.
"""

from __future__ import annotations

import base64
import csv
import datetime as _dt
import decimal
import gzip
import io
import json
import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any

import orjson
import zstandard

from dedupe.document import Document
from dedupe.errors import DedupeError
from dedupe.io.atomic import AtomicFile, AtomicOutputs
from dedupe.io.jsonl import any_float
from dedupe.io.formats import DOCUMENT_OUTPUT_ENDINGS, RECORD_OUTPUT_ENDINGS, known_endings, output_format
from dedupe.io.parquet import write_parquet

GZIP_LEVEL = 6
ZSTD_LEVEL = 3


def json_default(value: Any) -> Any:
    """JSON for the non-JSON values Parquet inputs carry: dates as ISO 8601, decimals as text, bytes as base64."""
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"cannot write a {type(value).__name__} as JSON")


def _not_finite(value: float) -> bool:
    return not math.isfinite(value)


def json_line(record: dict[str, Any]) -> bytes:
    """One record as one line of UTF-8 JSON; text with unpaired surrogates is \\u-escaped, not lost.

    orjson writes it (2x faster than json on news text); what orjson refuses (unpaired surrogates,
    integers past 64 bits, keys that are not strings) or would write as null (NaN, infinities)
    goes through json as before.
    """
    if not any_float(record, _not_finite):
        try:
            return orjson.dumps(record, default=json_default, option=orjson.OPT_APPEND_NEWLINE)
        except (orjson.JSONEncodeError, TypeError):
            pass
    try:
        return (json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=json_default) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(record, ensure_ascii=True, separators=(",", ":"), default=json_default) + "\n").encode("ascii")


class RecordWriter:
    """Writes dict records to `path` (format by ending); the file appears only on commit()."""

    def __init__(self, path: str, csv_ok: bool = False):
        endings = RECORD_OUTPUT_ENDINGS if csv_ok else DOCUMENT_OUTPUT_ENDINGS
        fmt = output_format(path, endings)
        if fmt is None:
            raise DedupeError(f"{path}: unknown output format: expected {known_endings(endings)} or - for stdout")
        self.path = path
        self.format = fmt
        self.count = 0
        self._file = AtomicFile(path)
        self._buffer: list[dict[str, Any]] = []  # Parquet and CSV need every record to fix their columns
        self._stream: IO[bytes] = self._file.stream
        self._encoder: Any = None
        if fmt == "jsonl.gz":
            self._encoder = gzip.GzipFile(filename="", mode="wb", fileobj=self._file.stream, mtime=0, compresslevel=GZIP_LEVEL)
            self._stream = self._encoder
        elif fmt == "jsonl.zst":
            self._encoder = zstandard.ZstdCompressor(level=ZSTD_LEVEL).stream_writer(self._file.stream, closefd=False)
            self._stream = self._encoder
        self._done = False

    def write(self, record: dict[str, Any]) -> None:
        """Add one record."""
        self.count += 1
        if self.format in ("parquet", "csv"):
            self._buffer.append(record)
        else:
            self._stream.write(json_line(record))

    def finish(self) -> None:
        """Write everything buffered, close the encoders and fsync; the target is not replaced yet."""
        if self._done:
            return
        if self.format == "parquet":
            write_parquet(self._buffer, self._file.stream, json_default)
        elif self.format == "csv":
            self._file.stream.write(csv_bytes(self._buffer))
        elif self._encoder is not None:
            self._encoder.close()  # writes the gzip trailer / zstd frame end; the file stays open
        self._buffer = []
        self._file.finish()
        self._done = True

    def commit(self) -> None:
        """Finish, then rename the temporary file over the target."""
        self.finish()
        self._file.commit()

    def abort(self) -> None:
        """Discard everything written; the target is untouched."""
        self._buffer = []
        self._done = True
        self._file.abort()

    def __enter__(self) -> "RecordWriter":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None:
            self.abort()
            return
        try:
            self.commit()
        except BaseException:
            self.abort()
            raise


class DocumentWriter(RecordWriter):
    """Writes Documents as output records: the input record, cleaned text, and the `dedupe` object."""

    def __init__(self, path: str, text_field: str = "text"):
        super().__init__(path, csv_ok=False)
        self.text_field = text_field

    def write(self, doc: Document) -> None:  # type: ignore[override]
        """Add one document as `doc.to_record(text_field)`."""
        super().write(doc.to_record(self.text_field))


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=json_default)


def csv_bytes(records: list[dict[str, Any]]) -> bytes:
    """Records as CSV: a header of every key in first-seen order; nested values as JSON text."""
    columns: dict[str, None] = {}
    for record in records:
        for key in record:
            columns.setdefault(key, None)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(columns))
    for record in records:
        writer.writerow([_csv_cell(record.get(key)) for key in columns])
    return out.getvalue().encode("utf-8")


def open_writer(path: str, text_field: str = "text") -> DocumentWriter:
    """A document writer for `path` (.jsonl, .jsonl.gz, .jsonl.zst, .parquet, - for stdout); use it in `with`."""
    return DocumentWriter(path, text_field)


def write_records(path: str, records: Iterable[dict[str, Any]]) -> int:
    """Write plain records (clusters, sources, ...) atomically to `path`, also .csv; returns how many."""
    with RecordWriter(path, csv_ok=True) as writer:
        for record in records:
            writer.write(record)
    return writer.count


@contextmanager
def open_outputs(output: str, rejects: str | None = None, text_field: str = "text") -> Iterator[tuple[DocumentWriter, DocumentWriter]]:
    """(kept, rejected) writers committed together at the end, or not at all; rejects=None shares the output."""
    with AtomicOutputs() as outs:
        kept = outs.open(output, text_field)
        rejected = outs.open(rejects, text_field) if rejects else kept
        yield kept, rejected
