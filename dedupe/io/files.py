"""One document per file: plain text (.txt) and HTML pages (.html, .htm, optionally gzipped)."""

from __future__ import annotations

import os
from typing import Any

from dedupe.io.fields import FieldMap
from dedupe.io.formats import stem
from dedupe.io.html import extract_html
from dedupe.io.jsonl import STREAM_ERRORS, describe_stream_error, open_binary
from dedupe.io.records import RawRecord


def _read_bytes(path: str, fmt: str, max_bytes: int) -> bytes:
    """The (decompressed) bytes of a file, at most `max_bytes + 1` of them."""
    with open_binary(path, fmt) as stream:
        return stream.read(max_bytes + 1)


def read_single(path: str, fmt: str, fields: FieldMap, max_chars: int) -> RawRecord:
    """The record of a .txt or HTML file: {id: file name without ending, text, url?, title?}."""
    max_bytes = 4 * max_chars + (1 << 20)  # HTML carries markup around the text
    try:
        if fmt in ("txt", "html") and os.path.getsize(path) > max_bytes:
            return RawRecord(path, None, f"file too large: more than {max_bytes} bytes")
        data = _read_bytes(path, fmt, max_bytes)
    except STREAM_ERRORS as exc:
        return RawRecord(path, None, f"unreadable file: {describe_stream_error(exc)}")
    if len(data) > max_bytes:
        return RawRecord(path, None, f"file too large: more than {max_bytes} bytes")
    if b"\x00" in data:
        return RawRecord(path, None, "binary file (contains NUL bytes)")
    record: dict[str, Any] = {fields.id_field or "id": stem(path)}
    if fmt == "txt":
        try:
            record[fields.text_field] = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return RawRecord(path, None, f"invalid UTF-8 at byte {exc.start}", record)
        return RawRecord(path, record)
    extracted = extract_html(data)
    record[fields.text_field] = extracted["text"]
    if "url" in extracted:
        record[fields.url_field or "url"] = extracted["url"]
    if "title" in extracted:
        record["title"] = extracted["title"]
    if not extracted["text"]:
        return RawRecord(path, None, "no main text found in HTML", record)
    return RawRecord(path, record)
