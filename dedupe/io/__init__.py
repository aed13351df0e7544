"""Reading documents from files, folders and stdin, and writing results atomically.

Readers are chosen by file ending (.jsonl, .jsonl.gz, .jsonl.zst, .parquet, .txt, .html, .htm,
.html.gz; folders recursively; `-` is JSONL on stdin). Writers likewise (.jsonl, .jsonl.gz,
.jsonl.zst, .parquet, .csv for plain records; `-` is stdout), and every file is written to a
temporary name and renamed only when complete.
"""

from __future__ import annotations

from dedupe.io.atomic import AtomicFile, AtomicOutputs
from dedupe.io.fields import FieldMap
from dedupe.io.readers import DEFAULT_MAX_CHARS, documents_from_records, expand_inputs, read_configured, read_documents
from dedupe.io.writers import DocumentWriter, RecordWriter, open_outputs, open_writer, write_records

__all__ = [
    "AtomicFile",
    "AtomicOutputs",
    "DEFAULT_MAX_CHARS",
    "DocumentWriter",
    "FieldMap",
    "RecordWriter",
    "documents_from_records",
    "expand_inputs",
    "open_outputs",
    "open_writer",
    "read_configured",
    "read_documents",
    "write_records",
]
