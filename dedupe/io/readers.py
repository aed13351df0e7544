"""read_documents: every input (files, folders, `-`) as Documents, in input order, bad records handled."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from dedupe.document import Document
from dedupe.errors import InputError
from dedupe.io.fields import FieldMap
from dedupe.io.files import read_single
from dedupe.io.formats import STDIO, input_format, known_endings
from dedupe.io.jsonl import open_binary, read_jsonl, stdin_binary
from dedupe.io.parquet import read_parquet
from dedupe.io.records import RawRecord, Unreadable, build_document, unreadable_document

DEFAULT_MAX_CHARS = 5_000_000
ON_ERROR = ("fail", "skip")
STDIN_NAME = "<stdin>"


def expand_inputs(inputs: list[str]) -> list[tuple[str, str]]:
    """(path, format) for every input file: folders walked recursively in sorted order.

    Raises InputError at once for a path that does not exist or a file with an unknown ending,
    whatever --on-error says: those are mistakes in the command, not in the data. Inside folders,
    files with other endings and hidden entries (names starting with ".") are passed over.
    """
    found: list[tuple[str, str]] = []
    for path in inputs:
        if path == STDIO:
            found.append((path, "stdin"))
        elif os.path.isdir(path):
            found.extend(_walk(path))
        elif os.path.exists(path):
            fmt = input_format(path)
            if fmt is None:
                raise InputError(path, f"unknown input format: expected {known_endings()}, a folder, or - for stdin")
            found.append((path, fmt))
        else:
            raise InputError(path, "no such file or directory")
    return found


def _walk(root: str) -> list[tuple[str, str]]:
    files: list[tuple[tuple[str, ...], str, str]] = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            fmt = input_format(name)
            if fmt is None or name.startswith("."):
                continue
            path = os.path.join(directory, name)
            files.append((tuple(os.path.relpath(path, root).split(os.sep)), path, fmt))
    return [(path, fmt) for _, path, fmt in sorted(files)]


def _raw_records(path: str, fmt: str, fields: FieldMap, max_chars: int) -> Iterator[RawRecord]:
    max_line_bytes = 4 * max_chars + (1 << 20)  # room for the other fields of a record at max_chars
    if fmt == "stdin":
        yield from read_jsonl(stdin_binary(), STDIN_NAME, max_line_bytes)
    elif fmt in ("jsonl", "jsonl.gz", "jsonl.zst"):
        try:
            stream = open_binary(path, fmt)
        except OSError as exc:
            yield RawRecord(path, None, f"unreadable file: {exc.strerror or exc}")
            return
        with stream:
            yield from read_jsonl(stream, path, max_line_bytes)
    elif fmt == "parquet":
        yield from read_parquet(path)
    else:
        yield read_single(path, fmt, fields, max_chars)


def _documents(files: list[tuple[str, str]], fields: FieldMap, on_error: str, max_chars: int) -> Iterator[Document]:
    raws = (raw for path, fmt in files for raw in _raw_records(path, fmt, fields, max_chars))
    return _from_raw(raws, fields, on_error, max_chars)


def _from_raw(raws: Iterable[RawRecord | Document], fields: FieldMap, on_error: str, max_chars: int) -> Iterator[Document]:
    """Each raw record as a Document (a Document given as such passes through), `input_order` 0, 1, 2, ..."""
    for order, raw in enumerate(raws):
        if isinstance(raw, Document):
            raw.input_order = order
            yield raw
            continue
        problem, salvage = raw.problem, raw.salvage
        doc: Document | None = None
        if problem is None:
            try:
                doc = build_document(raw, fields, max_chars, order)
            except Unreadable as exc:
                problem, salvage = exc.problem, raw.record or {}
        if doc is None:
            assert problem is not None
            if on_error == "fail":
                raise InputError(raw.where, problem)
            doc = unreadable_document(raw.where, problem, salvage, fields, order)
        yield doc


def _raw_objects(records: Iterable[Any], name: str) -> Iterator[RawRecord | Document]:
    for n, record in enumerate(records, 1):
        if isinstance(record, Document):
            yield record
        elif isinstance(record, Mapping):
            yield RawRecord(f"{name}:{n}", dict(record))
        else:
            yield RawRecord(f"{name}:{n}", None, f"record is not a mapping (got {type(record).__name__})")


def documents_from_records(records: Iterable[Any], fields: FieldMap | None = None, on_error: str = "fail",
                           max_chars: int = DEFAULT_MAX_CHARS, name: str = "<records>") -> Iterator[Document]:
    """Documents from in-memory records (dicts), read by the same rules as the lines of a JSONL file.

    A record is named `<records>:N` (N from 1) in errors and in `Document.where`. Documents among
    the records pass through as they are, with `input_order` set to their position.
    """
    if on_error not in ON_ERROR:
        raise ValueError(f"on_error must be one of {ON_ERROR}, not {on_error!r}")
    return _from_raw(_raw_objects(records, name), fields or FieldMap(), on_error, max_chars)


def read_documents(
    inputs: list[str],
    fields: FieldMap | None = None,
    on_error: str = "fail",
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Iterator[Document]:
    """Documents from every input in order, `input_order` 0, 1, 2, ...

    Inputs are files by ending (.jsonl, .jsonl.gz, .jsonl.zst, .parquet, .txt, .html, .htm,
    .html.gz), folders (recursively, sorted), or `-` for JSONL on stdin. A record that cannot be
    read raises InputError (on_error="fail") or becomes a rejected Document with reason
    `unreadable`, `error` set and whatever could be salvaged as its record (on_error="skip").
    Missing paths and unknown endings raise InputError here, before anything is read.
    """
    if on_error not in ON_ERROR:
        raise ValueError(f"on_error must be one of {ON_ERROR}, not {on_error!r}")
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]  # type: ignore[list-item]
    files = expand_inputs([os.fspath(p) for p in inputs])
    return _documents(files, fields or FieldMap(), on_error, max_chars)


def read_configured(inputs: list[str], input_config: Any) -> Iterator[Document]:
    """read_documents with fields, on_error and max_chars taken from `Config.input`."""
    return read_documents(inputs, FieldMap.from_config(input_config), input_config.on_error, input_config.max_chars)
