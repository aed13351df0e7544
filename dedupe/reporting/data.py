"""What the report shows, gathered from a run's documents one at a time, in bounded memory.

`ReportCollector.add` sees every document after the filter's decision; it keeps counters (reasons,
removals per rule and category, per-source tallies), a few stripped examples per rule, and, in a
private temporary SQLite database (on disk, dropped on close), the facts of each clustered document
and the first `[report] diff_chars` characters of its text. `build` joins that with the run's
ClusterLog into one plain dict: the data of the JSON file and of the HTML page.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dedupe.clusterlog import ClusterLog
from dedupe.config import Config, as_dict
from dedupe.document import Document
from dedupe.near.keep_policy import RULES, KeepPolicy, deciding_rule
from dedupe.quality.model import LABELS
from dedupe.quality.sources import SourceTally, source_of
from dedupe.summary import LABELLED, RunSummary

FORMAT = "dedupe-report/1"
CACHE_KIB = 8 * 1024  # page cache of the document store; the rest stays in its temporary file

# why the kept document of a cluster was kept, when the keep policy did not choose among its members
KEPT_EARLIER = "kept_earlier"
KEEP_RULES: dict[str, str] = RULES | {
    KEPT_EARLIER: "kept before this batch (an earlier batch or the --index): the first kept copy stays",
}


@dataclass
class _Example:
    id: str
    source: str
    before: str
    text: str
    after: str
    cut: int  # characters of the removed span left out of `text`


def _title(doc: Document) -> str | None:
    """The record's `title` field, when it has a string one (shown to tell articles apart)."""
    title = doc.record.get("title") if isinstance(doc.record, dict) else None
    return (title.strip() or None) if isinstance(title, str) else None


class ReportCollector:
    """Gathers the report's data from every document of a run, then builds it with the run's clusters."""

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.limits = cfg.report
        self.policy = KeepPolicy(cfg.keep_policy.source_priority)
        self.sources = SourceTally()
        self.source_docs: Counter[str] = Counter()
        self.source_labelled: dict[str, Counter[str]] = defaultdict(Counter)
        self.category_chars: Counter[str] = Counter()
        self.classified = 0  # documents the classifier labelled (none under --no-classify)
        self.rules: dict[str, dict[str, Any]] = {}
        self.examples: dict[str, list[_Example]] = defaultdict(list)
        self._db = sqlite3.connect("")
        self._db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self._db.execute("CREATE TABLE docs (id TEXT PRIMARY KEY, facts TEXT NOT NULL, text TEXT)")

    # ------------------------------------------------------------------ one document at a time

    def add(self, doc: Document) -> None:
        """Count one document whose decision is made (any order; every document once)."""
        self._strip(doc)
        if doc.error is not None:
            return
        self.sources.add(doc)
        self.classified += bool(doc.labels)
        source = source_of(doc)
        self.source_docs[source] += 1
        self.source_labelled[source].update(label for label, p in doc.labels.items() if p >= LABELLED)
        clustered = doc.cluster is not None and doc.cluster.size > 1
        if clustered or doc.decision != "reject":
            facts = {"source": doc.source or source, "url": doc.url, "published": doc.published,
                     "title": _title(doc), "lang": doc.lang, "chars": len(doc.text),
                     "key": _plain_key(self.policy.key(doc))}
            text = doc.text[: self.limits.diff_chars + 1] if clustered else None  # one more: the diff sees it was cut
            self._db.execute("INSERT OR IGNORE INTO docs VALUES (?, ?, ?)",
                             (doc.id, json.dumps(facts, ensure_ascii=False), text))

    def _strip(self, doc: Document) -> None:
        original = doc.original_text or ""
        seen: set[str] = set()
        for r in doc.removed:
            self.category_chars[r.category] += r.end - r.start
            rule = self.rules.setdefault(r.rule, {"rule": r.rule, "category": r.category, "removals": 0,
                                                  "chars": 0, "documents": 0})
            rule["removals"] += 1
            rule["chars"] += r.end - r.start
            if r.rule not in seen:
                seen.add(r.rule)
                rule["documents"] += 1
                if len(self.examples[r.rule]) < self.limits.examples_per_rule:
                    self.examples[r.rule].append(self._example(doc, original, r.start, r.end, r.text))

    def _example(self, doc: Document, original: str, start: int, end: int, text: str) -> _Example:
        ctx, cap = self.limits.example_context_chars, self.limits.example_max_chars
        before = original[max(0, start - ctx):start]
        after = original[end:end + ctx]
        return _Example(id=doc.id, source=source_of(doc), before=("…" if start > ctx else "") + before,
                        text=text[:cap], after=after + ("…" if end + ctx < len(original) else ""),
                        cut=max(0, len(text) - cap))

    # ------------------------------------------------------------------ the whole run

    def build(self, clusters: ClusterLog, summary: RunSummary, run: dict[str, Any] | None = None) -> dict[str, Any]:
        """The report's data: summary, cluster sizes, largest clusters, what was stripped, sources.

        `clusters["items"]` is the `[report] clusters` largest; `all_clusters()` streams every one
        (for the JSON file).
        """
        s = summary.to_dict()
        documents = summary.documents
        labels = {label: {"documents": summary.labels.get(label, 0),
                          "rate": round(summary.labels.get(label, 0) / documents, 4) if documents else 0.0}
                  for label in LABELS}
        removals = {cat: {"removals": n, "chars": self.category_chars[cat]} for cat, n in sorted(summary.removals.items())}
        rules = sorted(self.rules.values(), key=lambda r: (-r["removals"], r["rule"]))
        shown_rules = [r | {"examples": [e.__dict__ for e in self.examples[r["rule"]]]} for r in rules[: self.limits.rules]]
        source_rows = self._source_rows()
        shown_sources = sorted(source_rows, key=lambda r: (-r["documents"], r["source"]))[: self.limits.sources]
        largest = [self._cluster(c, members=self.limits.members_per_cluster)
                   for c in clusters.largest(self.limits.clusters)]
        return {
            "format": FORMAT,
            "run": (run or {}) | {"settings": {"near": as_dict(self.cfg.near),
                                               "keep_policy": as_dict(self.cfg.keep_policy),
                                               "report": as_dict(self.limits)}},
            "summary": {
                "documents": documents, "kept": s["kept"], "rejected": s["rejected"], "reasons": s["reasons"],
                "chars_in": s["chars_in"], "chars_removed": s["chars_removed"],
                "stripped_share": round(s["chars_removed"] / s["chars_in"], 4) if s["chars_in"] else 0.0,
                "removals": removals, "classified": self.classified, "labels": labels, "signals": s["signals"],
                "clusters": len(clusters), "duplicates_in_clusters": clusters.duplicates,
            },
            "cluster_sizes": {str(k): v for k, v in clusters.sizes().items()},
            "clusters": {"count": len(clusters), "shown": len(largest), "items": largest},
            "stripped": {"rules_count": len(rules), "rules_shown": len(shown_rules), "rules": shown_rules},
            "sources": {"count": len(source_rows), "shown": len(shown_sources), "rows": shown_sources},
            "keep_rules": KEEP_RULES,
        }

    def all_clusters(self, clusters: ClusterLog) -> Iterator[dict[str, Any]]:
        """Every cluster of the run with its members and keep rules, in order of first appearance."""
        for c in clusters.clusters():
            yield self._cluster(c, members=None)

    def all_sources(self) -> list[dict[str, Any]]:
        """Every source row, most documents first."""
        return sorted(self._source_rows(), key=lambda r: (-r["documents"], r["source"]))

    def _source_rows(self) -> list[dict[str, Any]]:
        rows = self.sources.rows(self.cfg)
        for row in rows:
            n = self.source_docs[row["source"]]
            row["label_rates"] = {label: round(self.source_labelled[row["source"]][label] / n, 4) if n else 0.0
                                  for label in LABELS}
        return rows

    def _facts(self, ids: list[str]) -> dict[str, tuple[dict[str, Any], str | None]]:
        """The stored facts and text of each of `ids` that was stored (kept or clustered documents)."""
        out: dict[str, tuple[dict[str, Any], str | None]] = {}
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            marks = ",".join("?" * len(part))
            for doc_id, facts, text in self._db.execute(f"SELECT id, facts, text FROM docs WHERE id IN ({marks})", part):
                out[doc_id] = (json.loads(facts), text)
        return out

    def _cluster(self, record: dict[str, Any], members: int | None) -> dict[str, Any]:
        """A ClusterLog record with each document's facts, the keep rule per member, and texts for diffs."""
        rep_id = record["cluster"]
        shown = record["members"] if members is None else record["members"][:members]
        known = self._facts([rep_id] + [m["id"] for m in shown])
        rep_facts, rep_text = known.get(rep_id, ({}, None))
        earlier = bool(record["representative"].get("earlier"))
        rep = {"id": rep_id, **{k: v for k, v in record["representative"].items() if k not in ("id", "earlier")}}
        for k in ("source", "url", "published", "title", "lang"):
            if rep.get(k) is None:
                rep[k] = rep_facts.get(k)
        rep["earlier"] = earlier
        out_members = []
        for m in shown:
            facts, text = known.get(m["id"], ({}, None))
            rule = KEPT_EARLIER if earlier or "key" not in rep_facts or "key" not in facts else \
                deciding_rule(tuple(rep_facts["key"]), tuple(facts["key"]))
            out_members.append(m | {"source": m.get("source") or facts.get("source"), "title": facts.get("title"),
                                    "lang": facts.get("lang"), "keep_rule": rule, "_text": text})
        keyed = [(tuple(known[m["id"]][0]["key"]), m) for m in out_members if "key" in known.get(m["id"], ({}, None))[0]]
        runner_up = min(keyed, key=lambda t: t[0])[1] if keyed else None  # the member the policy ranked next
        return {
            "cluster": rep_id, "size": record["size"], "representative": rep,
            "keep_rule": runner_up["keep_rule"] if runner_up is not None and not earlier else KEPT_EARLIER,
            "members_shown": len(out_members), "members": out_members, "_rep_text": rep_text,
        }

    def close(self) -> None:
        """Drop the temporary document store."""
        self._db.close()


def _plain_key(key: tuple) -> list[Any]:
    """A keep-policy key as JSON-able values that compare the same way (the date as a timestamp)."""
    return [key[0].timestamp(), *key[1:]]


def public(data: Any) -> Any:
    """`data` without the private fields (names starting with `_`: texts held for the HTML diffs)."""
    if isinstance(data, dict):
        return {k: public(v) for k, v in data.items() if not k.startswith("_")}
    if isinstance(data, list):
        return [public(v) for v in data]
    return data
