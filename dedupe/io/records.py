"""From one raw input record to a Document, or to the reason it cannot be read."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from dedupe.document import Document
from dedupe.io.fields import FieldMap
from dedupe.reasons import UNREADABLE
from dedupe.source import registered_domain


@dataclass
class RawRecord:
    """What a format reader found at one place: a parsed record, or the problem and what was salvaged."""

    where: str
    record: dict[str, Any] | None
    problem: str | None = None
    salvage: dict[str, Any] = field(default_factory=dict)


class Unreadable(Exception):
    """A record that parsed but cannot be a document (no text, empty, too large, ...)."""

    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem


def json_type(value: Any) -> str:
    """The JSON name of a value's type, for messages a user reads."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    return type(value).__name__


def _text(record: dict[str, Any], fields: FieldMap, max_chars: int) -> str:
    name = fields.text_field
    if name not in record:
        raise Unreadable(f"missing text field {name!r}")
    text = record[name]
    if not isinstance(text, str):
        raise Unreadable(f"text field {name!r} is not a string (got {json_type(text)})")
    if not text.strip():
        raise Unreadable("empty text")
    if len(text) > max_chars:
        raise Unreadable(f"text too large: {len(text)} characters (max_chars is {max_chars})")
    return text


def record_id(record: dict[str, Any], fields: FieldMap, fallback: str) -> str:
    """The record's id as a string; `fallback` (its file and line) when it has none."""
    if not fields.id_field:
        return fallback
    value = record.get(fields.id_field)
    if value is None or value == "":
        return fallback
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    raise Unreadable(f"id field {fields.id_field!r} is not a string or integer (got {json_type(value)})")


def _optional_str(record: dict[str, Any], name: str) -> str | None:
    if not name:
        return None
    value = record.get(name)
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None


def _date(record: dict[str, Any], name: str) -> str | None:
    if not name:
        return None
    value = record.get(name)
    if isinstance(value, (_dt.date, _dt.datetime)):  # Parquet date and timestamp columns
        return value.isoformat()
    return _optional_str(record, name)


def build_document(raw: RawRecord, fields: FieldMap, max_chars: int, order: int) -> Document:
    """A Document from a parsed record; raises Unreadable with the problem when it cannot be one."""
    record = raw.record
    assert record is not None
    text = _text(record, fields, max_chars)
    doc_id = record_id(record, fields, raw.where)
    url = _optional_str(record, fields.url_field)
    source = _optional_str(record, fields.source_field) or registered_domain(url)
    return Document(
        id=doc_id,
        text=text,
        url=url,
        source=source,
        published=_date(record, fields.date_field),
        lang=_optional_str(record, fields.lang_field),
        record=record,
        where=raw.where,
        input_order=order,
    )


def unreadable_document(where: str, problem: str, salvage: dict[str, Any], fields: FieldMap, order: int) -> Document:
    """The reject that stands in for a record that could not be read (`--on-error skip`)."""
    try:
        doc_id = record_id(salvage, fields, where)
    except Unreadable:
        doc_id = where
    return Document(
        id=doc_id,
        text="",
        record=salvage,
        where=where,
        error=problem,
        decision="reject",
        reasons=[UNREADABLE],
        input_order=order,
    )
