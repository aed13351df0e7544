"""Which record fields hold a document's text, id, URL, source, date and language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldMap:
    """Names of the input record's fields; an empty name means the record has no such field."""

    text_field: str = "text"
    id_field: str = "id"
    url_field: str = "url"
    source_field: str = ""
    date_field: str = "published"
    lang_field: str = "lang"

    @classmethod
    def from_config(cls, cfg: Any) -> "FieldMap":
        """From `Config.input` (dedupe.config.InputConfig) or anything with the same attributes."""
        return cls(
            text_field=cfg.text_field,
            id_field=cfg.id_field,
            url_field=cfg.url_field,
            source_field=cfg.source_field,
            date_field=cfg.date_field,
            lang_field=cfg.lang_field,
        )
