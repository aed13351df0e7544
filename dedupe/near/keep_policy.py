"""Which document of a cluster is kept: earliest published, then source priority, then longest, then first."""

from __future__ import annotations

from datetime import datetime, timezone

from dedupe.document import Document

_UNDATED = datetime.max.replace(tzinfo=timezone.utc)


def published_at(value: str | None) -> datetime:
    """`published` as an aware UTC datetime (naive means UTC); missing or unparseable sorts last."""
    if not value:
        return _UNDATED
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return _UNDATED
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


class KeepPolicy:
    """Orders documents so the one to keep comes first; deterministic for any input order."""

    def __init__(self, source_priority: list[str] | None = None) -> None:
        self.rank = {s.lower(): i for i, s in enumerate(source_priority or [])}

    def key(self, doc: Document) -> tuple:
        """Sort key: (published, source rank, -text length, input order)."""
        source_rank = self.rank.get((doc.source or "").lower(), len(self.rank))
        return (published_at(doc.published), source_rank, -len(doc.text), doc.input_order)

    def order(self, docs: list[Document]) -> list[Document]:
        """The documents, best to keep first."""
        return sorted(docs, key=self.key)

    def deciding_rule(self, kept: Document, other: Document) -> str:
        """The rule (one of RULES) on which `kept` came before `other`: why it was kept instead."""
        return deciding_rule(self.key(kept), self.key(other))


# the keep policy's rules in the order they are tried, each with what it means for the kept document
RULES: dict[str, str] = {
    "published": "published earliest",
    "source_priority": "source listed first in [keep_policy] source_priority",
    "length": "longest text",
    "input_order": "first in input order",
}


def deciding_rule(kept_key: tuple, other_key: tuple) -> str:
    """The first rule whose part of the two sort keys differs (keys from KeepPolicy.key)."""
    for rule, a, b in zip(RULES, kept_key, other_key):
        if a != b:
            return rule
    return "input_order"
