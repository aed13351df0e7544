"""Parquet records: read row by row; write with typed columns where they round-trip, JSON text where not.

Layout written: one column per top-level key, in first-seen order. A column whose values are all
scalars (or lists of scalars) of one type is a typed Arrow column. A column holding objects (such
as the `dedupe` object), nested lists or mixed types is stored as JSON text; its name is listed in
the schema metadata key `dedupe.json_columns`. Records that lack a key are told apart from records
with an explicit null: a JSON column writes null only for "absent" (an explicit null is the text
`null`), and a typed column with absent keys but no explicit nulls is listed in
`dedupe.optional_columns`. This reader uses both lists, so a record read from a file written here
equals the record written (key order follows the columns). Other Parquet files read as they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from dedupe.io.records import RawRecord

if TYPE_CHECKING:
    import pyarrow as pa

JSON_COLUMNS_KEY = b"dedupe.json_columns"
OPTIONAL_COLUMNS_KEY = b"dedupe.optional_columns"
_BATCH_ROWS = 1024


def read_parquet(path: str) -> Iterator[RawRecord]:
    """Every row as a record, where = `path#record N` (1-based)."""
    import pyarrow as pa  # here, not at the top: start-up stays fast for the runs that read no Parquet
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
        metadata = pf.schema_arrow.metadata or {}
        json_columns = set(json.loads(metadata.get(JSON_COLUMNS_KEY, b"[]")))
        optional = set(json.loads(metadata.get(OPTIONAL_COLUMNS_KEY, b"[]"))) | json_columns
    except (OSError, pa.ArrowException, ValueError) as exc:
        detail = _first_line(exc)
        problem = "not a Parquet file" if "magic bytes" in detail else f"unreadable Parquet file ({detail})"
        yield RawRecord(path, None, problem)
        return
    n = 0
    try:
        for batch in pf.iter_batches(batch_size=_BATCH_ROWS):
            for row in batch.to_pylist():
                n += 1
                for name in optional.intersection(row):
                    if row[name] is None:
                        del row[name]  # the record written had no such key
                    elif name in json_columns:
                        row[name] = json.loads(row[name])
                yield RawRecord(f"{path}#record {n}", row)
    except (OSError, pa.ArrowException, ValueError) as exc:
        yield RawRecord(f"{path}#record {n + 1}", None, f"unreadable Parquet data ({_first_line(exc)})")


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _needs_json(values: list[Any]) -> bool:
    """True when Arrow would not give these values back as they are: objects, nested lists, or a
    mix of types (Arrow would widen 1 and 2.5 to 1.0 and 2.5)."""
    outer: set[type] = set()
    inner: set[type] = set()
    for value in values:
        if value is None:
            continue
        if isinstance(value, dict):
            return True
        if isinstance(value, (list, tuple)):
            outer.add(list)
            for item in value:
                if isinstance(item, (dict, list, tuple)):
                    return True
                if item is not None:
                    inner.add(type(item))
        else:
            outer.add(type(value))
    return len(outer) > 1 or len(inner) > 1


def records_table(records: list[dict[str, Any]], json_default: Any) -> pa.Table:
    """The table for `records` in the layout described above."""
    import pyarrow as pa
    names: dict[str, None] = {}
    for record in records:
        for key in record:
            names.setdefault(key, None)
    arrays: list[pa.Array] = []
    json_columns: list[str] = []
    optional: list[str] = []
    for name in names:
        values = [record.get(name) for record in records]
        absent = [name not in record for record in records]
        explicit_null = any(v is None and not a for v, a in zip(values, absent))
        array = None
        if not _needs_json(values) and not (any(absent) and explicit_null):
            try:
                array = pa.array(values)
            except (pa.ArrowException, TypeError, ValueError, OverflowError):
                array = None
        if array is None:
            json_columns.append(name)
            encoded = [None if a else json.dumps(v, ensure_ascii=False, default=json_default) for v, a in zip(values, absent)]
            array = pa.array(encoded, type=pa.string())
        elif any(absent):
            optional.append(name)
        arrays.append(array)
    metadata = {
        JSON_COLUMNS_KEY: json.dumps(json_columns, ensure_ascii=False).encode(),
        OPTIONAL_COLUMNS_KEY: json.dumps(optional, ensure_ascii=False).encode(),
    }
    schema = pa.schema([pa.field(n, a.type) for n, a in zip(names, arrays)], metadata=metadata)
    return pa.Table.from_arrays(arrays, schema=schema)


def write_parquet(records: list[dict[str, Any]], stream: IO[bytes], json_default: Any) -> None:
    """Write `records` as one Parquet file (zstd-compressed pages) to an open binary stream."""
    import pyarrow.parquet as pq
    pq.write_table(records_table(records, json_default), stream, compression="zstd")
