"""Files in and out of the Spark engine: JSONL (plain or gzip) and Parquet read by Spark's own
readers into the engine's records (with each record's place, `file:line` or `file#record N`, as the
local readers name it), and outputs written as the local engine writes them.

Records are parsed on the executors by dedupe.io's own functions (parse_line, build_document), so
unreadable records get the same problems and the same --on-error treatment as locally.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pyarrow as pa

from dedupe.errors import ConfigError, InputError
from dedupe.io.formats import known_endings
from dedupe.io.readers import expand_inputs

SPARK_INPUTS = {"jsonl", "jsonl.gz", "parquet"}
_SHIFT = 40  # _order = file number << 40 | line (or record) number


def _files(inputs: list[str]) -> list[tuple[str, str]]:
    files = expand_inputs(list(inputs))
    for path, fmt in files:
        if fmt not in SPARK_INPUTS:
            raise InputError(path, f"the Spark engine reads {known_endings({'.jsonl': '', '.jsonl.gz': '', '.parquet': ''})}; "
                                   "convert this input or use the local engine")
    return files


def _uri(path: str) -> str:
    return "file://" + os.path.abspath(path) if "://" not in path else path


def _same(path: str) -> str:
    """One spelling of a file's URI (Spark writes local files as file:/path, users as file:///path)."""
    from urllib.parse import unquote

    if path.startswith("file:"):
        return "/" + unquote(path[5:]).lstrip("/")
    return path


def _jsonl_parser(names: dict[str, int]):
    from dedupe.io.jsonl import parse_line

    def parse(batches):
        for batch in batches:
            c = batch.to_pydict()
            out: dict[str, list] = {"_order": [], "_where": [], "_record": [], "_problem": []}
            for value, path, line in zip(c["value"], c["path"], c["line"]):
                if line == 1 and value.startswith("\ufeff"):
                    value = value[1:]
                if not value.strip():
                    continue
                name = names[_same(path)]
                raw = parse_line(value.encode("utf-8", "surrogatepass"), f"{name[0]}:{line}")
                out["_order"].append((name[1] << _SHIFT) | line)
                out["_where"].append(raw.where)
                out["_record"].append(json.dumps(raw.record if raw.record is not None else raw.salvage, ensure_ascii=False))
                out["_problem"].append(raw.problem)
            yield pa.RecordBatch.from_pydict(out, schema=pa.schema([("_order", pa.int64()), ("_where", pa.string()),
                                                                    ("_record", pa.string()), ("_problem", pa.string())]))
    return parse


def _read_jsonl(spark, files: list[tuple[int, str]]):
    """Lines with their file and 1-based line number: a split's lines are consecutive in one
    partition, so a line's number is the lines of the file's earlier splits plus its place in its own."""
    from pyspark.sql import functions as F

    names = {_same(_uri(p)): (p, k) for k, p in files}
    lines = (spark.read.text([_uri(p) for _, p in files])
             .select("value", F.col("_metadata.file_path").alias("path"),
                     F.col("_metadata.file_block_start").alias("block"),
                     F.monotonically_increasing_id().alias("mono"))
             .localCheckpoint())
    splits = lines.groupBy("path", "block").agg(F.count("*").alias("n"), F.min("mono").alias("m0")).collect()
    offsets, done = [], {}
    for row in sorted(splits, key=lambda r: (r["path"], r["block"])):
        offsets.append((row["path"], row["block"], done.get(row["path"], 0), row["m0"]))
        done[row["path"]] = done.get(row["path"], 0) + row["n"]
    table = spark.createDataFrame(pa.table({
        "path": [o[0] for o in offsets], "block": [o[1] for o in offsets],
        "before": [o[2] for o in offsets], "m0": [o[3] for o in offsets]}))
    numbered = lines.join(F.broadcast(table), ["path", "block"]).select(
        "value", "path", (F.col("before") + F.col("mono") - F.col("m0") + 1).alias("line"))
    return numbered.mapInArrow(_jsonl_parser(names), "_order long, _where string, _record string, _problem string")


def _parquet_parser(names: dict[str, tuple[str, int]], json_columns: dict[str, tuple[set[str], set[str]]],
                    data_columns: list[str]):
    from dedupe.io.writers import json_default

    def parse(batches):
        for batch in batches:
            out: dict[str, list] = {"_order": [], "_where": [], "_record": [], "_problem": []}
            for row in batch.to_pylist():
                path, index = row.pop("_path"), row.pop("_row")
                name, k = names[_same(path)]
                record = {c: row[c] for c in data_columns}
                encoded, optional = json_columns.get(_same(path), (set(), set()))
                for c in optional | encoded:
                    if record.get(c) is None:
                        record.pop(c, None)  # the record written had no such key
                    elif c in encoded:
                        record[c] = json.loads(record[c])
                out["_order"].append((k << _SHIFT) | (index + 1))
                out["_where"].append(f"{name}#record {index + 1}")
                out["_record"].append(json.dumps(record, ensure_ascii=False, default=json_default))
                out["_problem"].append(None)
            yield pa.RecordBatch.from_pydict(out, schema=pa.schema([("_order", pa.int64()), ("_where", pa.string()),
                                                                    ("_record", pa.string()), ("_problem", pa.string())]))
    return parse


def _read_parquet(spark, files: list[tuple[int, str]]):
    import pyarrow.parquet as pq
    from pyspark.sql import functions as F

    from dedupe.io.parquet import JSON_COLUMNS_KEY, OPTIONAL_COLUMNS_KEY

    names = {_same(_uri(p)): (p, k) for k, p in files}
    json_columns: dict[str, tuple[set[str], set[str]]] = {}
    for k, p in files:
        if os.path.exists(p):
            meta = pq.read_schema(p).metadata or {}
            json_columns[_same(_uri(p))] = (set(json.loads(meta.get(JSON_COLUMNS_KEY, b"[]"))),
                                            set(json.loads(meta.get(OPTIONAL_COLUMNS_KEY, b"[]"))))
    df = spark.read.parquet(*[_uri(p) for _, p in files])
    data_columns = list(df.columns)
    df = df.select("*", F.col("_metadata.file_path").alias("_path"), F.col("_metadata.row_index").alias("_row"))
    return df.mapInArrow(_parquet_parser(names, json_columns, data_columns),
                         "_order long, _where string, _record string, _problem string")


def read_frame(spark, inputs: list[str]):
    """The engine's records (_order, _where, _record, _problem) of every input, JSONL and Parquet alike."""
    files = list(enumerate(p for p, _ in _files(inputs)))
    fmt = {p: f for p, f in _files(inputs)}
    jsonl = [(k, p) for k, p in files if fmt[p] != "parquet"]
    parquet = [(k, p) for k, p in files if fmt[p] == "parquet"]
    frames = []
    if jsonl:
        frames.append(_read_jsonl(spark, jsonl))
    if parquet:
        frames.append(_read_parquet(spark, parquet))
    if not frames:
        raise ConfigError("no input files")
    out = frames[0]
    for other in frames[1:]:
        out = out.unionByName(other)
    return out


def local_rows(df: Any, order: str) -> Any:
    """Rows of `df` in `order`, fetched to the driver a partition at a time."""
    return df.orderBy(order).toLocalIterator()
