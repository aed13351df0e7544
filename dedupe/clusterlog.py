"""The run's record of every duplicate cluster, kept on disk so memory does not grow with the run.

`dedupe filter` reports the largest clusters and `dedupe clusters` writes all of them, but a run
of millions of documents has hundreds of thousands of clusters. Their lines go to a private
temporary SQLite database (SQLite's empty file name: on disk, deleted when closed), with only a
bounded page cache in memory.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from itertools import groupby
from typing import Any

from dedupe.document import Document

CACHE_KIB = 16 * 1024  # SQLite page cache of the log; the rest stays in its temporary file


def brief(doc: Document) -> dict[str, Any]:
    """What a cluster line says of one document."""
    return {"id": doc.id, "source": doc.source, "url": doc.url, "published": doc.published}


class ClusterLog:
    """Every cluster of more than one document seen in the run, built up batch by batch."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("")
        self._db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self._db.execute("CREATE TABLE reps (rep TEXT PRIMARY KEY, first INTEGER NOT NULL, brief TEXT NOT NULL,"
                         " size INTEGER NOT NULL)")
        self._db.execute("CREATE TABLE members (rep TEXT NOT NULL, seq INTEGER NOT NULL, line TEXT NOT NULL)")
        self._db.execute("CREATE INDEX members_by_rep ON members (rep, seq)")
        self._seq = 0
        self.count = 0       # clusters
        self.duplicates = 0  # members other than the representatives

    def add(self, docs: list[Document]) -> None:
        """Record the duplicates of one batch under their representatives (input order)."""
        briefs = {d.id: d for d in docs if d.cluster is not None and d.cluster.size > 1 and d.duplicate_of is None}
        rows, grown = [], {}
        for doc in docs:
            if doc.duplicate_of is None or doc.cluster is None:
                continue
            rep = doc.duplicate_of
            line = brief(doc) | {"similarity": doc.cluster.similarity, "containment": doc.cluster.containment,
                                 "reason": doc.reasons[0]}
            self._seq += 1
            rows.append((rep, self._seq, json.dumps(line, ensure_ascii=False)))
            if rep not in grown:
                grown[rep] = [0, self._seq, brief(briefs[rep]) if rep in briefs else {"id": rep, "earlier": True}]
            grown[rep][0] += 1
        if not rows:
            return
        with self._db:
            self._db.executemany("INSERT INTO members VALUES (?, ?, ?)", rows)
            for rep, (n, first, rep_brief) in grown.items():
                updated = self._db.execute("UPDATE reps SET size = size + ? WHERE rep = ?", (n, rep)).rowcount
                if not updated:
                    self._db.execute("INSERT INTO reps VALUES (?, ?, ?, ?)",
                                     (rep, first, json.dumps(rep_brief, ensure_ascii=False), n))
                    self.count += 1
        self.duplicates += len(rows)

    def __len__(self) -> int:
        return self.count

    def clusters(self) -> Iterator[dict[str, Any]]:
        """One record per cluster, in order of first appearance."""
        yield from self._records("ORDER BY reps.first", ())

    def largest(self, n: int) -> list[dict[str, Any]]:
        """The n largest clusters (ties: first seen first)."""
        reps = [r for (r,) in self._db.execute("SELECT rep FROM reps ORDER BY size DESC, first LIMIT ?", (n,))]
        if not reps:
            return []
        order = {rep: i for i, rep in enumerate(reps)}
        marks = ",".join("?" * len(reps))
        return sorted(self._records(f"WHERE reps.rep IN ({marks}) ORDER BY reps.first", reps),
                      key=lambda c: order[c["cluster"]])

    def sizes(self) -> dict[int, int]:
        """How many clusters there are of each size (representative included), smallest size first."""
        return dict(self._db.execute("SELECT 1 + size, COUNT(*) FROM reps GROUP BY size ORDER BY size"))

    def _records(self, where_order: str, params: Any) -> Iterator[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT reps.rep, reps.brief, reps.size, members.line FROM reps JOIN members ON members.rep = reps.rep "
            f"{where_order}, members.seq", params)
        for rep, group in groupby(rows, key=lambda row: row[0]):
            first = next(group)
            members = [json.loads(first[3])] + [json.loads(row[3]) for row in group]
            yield {"cluster": rep, "size": 1 + first[2], "representative": json.loads(first[1]), "members": members}

    def close(self) -> None:
        """Drop the temporary database."""
        self._db.close()
