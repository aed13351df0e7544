"""One rule for rejected input in every command: an unreadable record never reaches a cleaned,
labelled or kept output. It goes to the command's rejects when it has them, else it is named on
stderr (the first NAMED_UNREADABLE) and counted."""

from __future__ import annotations

import click

from dedupe.document import Document

NAMED_UNREADABLE = 100  # unreadable records named one by one on stderr


class UnreadableNotes:
    """Unreadable records left out of every output: named on stderr (the first NAMED_UNREADABLE), then counted."""

    def __init__(self, hint: str = "--rejects FILE keeps them") -> None:
        self.count = 0
        self.hint = hint

    def add(self, doc: Document) -> None:
        self.count += 1
        if self.count <= NAMED_UNREADABLE:
            click.echo(f"unreadable, not written: {doc.where}: {doc.error}", err=True)

    def echo(self) -> None:
        if not self.count:
            return
        more = f" ({self.count - NAMED_UNREADABLE} not named above)" if self.count > NAMED_UNREADABLE else ""
        click.echo(f"unreadable records left out of the output: {self.count}{more}; {self.hint}", err=True)
