"""What a document's neighbours in the batch say about it: cluster size, rank by date, containment.

Containment is the share of a document's word 5-grams found in one earlier document (earlier by
publication date, then input order). Only a fixed sample of 5-grams is kept (those whose stable hash
is 0 modulo `sample_mod`, Broder's MOD-k sampling), so the estimate costs little memory per batch;
5-grams shared by very many documents (site chrome) are ignored.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import regex
import xxhash

from dedupe.document import Document

_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")
_MARKS = regex.compile(r"[\u064B-\u065F\u0670\u0640]")
_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه"})

NEAR_SIGNALS: dict[str, str] = {
    "near.cluster_size_log": "log2 of the size of the document's near-duplicate cluster",
    "near.later_copy": "1 when an earlier document of its cluster exists (a later copy)",
    "near.first_publisher": "1 when it is the earliest document of a cluster with copies",
    "near.containment": "largest share of its word 5-grams found in one earlier document",
    "near.shared_copy": "largest share of its word 5-grams found in any one other document of the batch",
}


@dataclass(frozen=True)
class NearFacts:
    """The NEAR_SIGNALS of one document."""

    cluster_size: int
    later_copy: bool
    first_publisher: bool
    containment: float
    contained_in: str | None
    shared_copy: float = 0.0

    def values(self) -> dict[str, float]:
        return {
            "near.cluster_size_log": math.log2(max(self.cluster_size, 1)),
            "near.later_copy": float(self.later_copy),
            "near.first_publisher": float(self.first_publisher),
            "near.containment": self.containment,
            "near.shared_copy": self.shared_copy,
        }


def parse_date(value: str | None) -> datetime | None:
    """ISO 8601 or RFC 2822 dates (naive ones read as UTC); anything else is unknown."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def _order_key(doc: Document) -> tuple[int, float, int]:
    """Earlier first: known dates by date, then documents without a date, by input order."""
    date = parse_date(doc.published)
    return (0, date.timestamp(), doc.input_order) if date else (1, 0.0, doc.input_order)


def sampled_shingles(text: str, ngram: int = 5, sample_mod: int = 4) -> set[int]:
    """Stable 64-bit hashes of the normalised word n-grams whose hash is 0 modulo `sample_mod`."""
    words = [_MARKS.sub("", w).translate(_ALEF) for w in _WORD.findall(text.casefold())]
    out: set[int] = set()
    for i in range(len(words) - ngram + 1):
        h = xxhash.xxh3_64_intdigest(" ".join(words[i : i + ngram]).encode("utf-8"))
        if h % sample_mod == 0:
            out.add(h)
    return out


def batch_near_facts(docs: list[Document], *, ngram: int = 5, sample_mod: int = 4,
                     max_postings: int = 50) -> list[NearFacts]:
    """NearFacts for every document of the batch, in the batch's order."""
    order = sorted(range(len(docs)), key=lambda i: _order_key(docs[i]))
    rank_of = {i: r for r, i in enumerate(order)}

    clusters: dict[str, list[int]] = defaultdict(list)
    for i, doc in enumerate(docs):
        if doc.cluster is not None:
            clusters[doc.cluster.id].append(i)
    first_in_cluster = {cid: min(members, key=lambda i: rank_of[i]) for cid, members in clusters.items()}

    shingles = [sampled_shingles(doc.text, ngram, sample_mod) for doc in docs]
    postings: dict[int, list[int]] = defaultdict(list)
    for i in order:  # earliest first, so each posting list is in time order
        for h in shingles[i]:
            postings[h].append(i)

    facts = []
    for i, doc in enumerate(docs):
        earlier: Counter[int] = Counter()
        anywhere: Counter[int] = Counter()
        for h in shingles[i]:
            plist = postings[h]
            if len(plist) > max_postings:
                continue
            for j in plist:
                if j == i:
                    continue
                anywhere[j] += 1
                if rank_of[j] < rank_of[i]:
                    earlier[j] += 1
        best_j, best = min(earlier.items(), key=lambda t: (-t[1], rank_of[t[0]])) if earlier else (None, 0)
        shared = max(anywhere.values(), default=0)
        first = doc.cluster is not None and first_in_cluster[doc.cluster.id] == i
        facts.append(facts_of(doc, first, best, docs[best_j].id if best_j is not None else None, shared,
                              len(shingles[i])))
    return facts


def facts_of(doc: Document, earliest_in_cluster: bool, best: int, best_id: str | None, shared: int,
             sampled: int) -> NearFacts:
    """A document's NearFacts from what the batch says of it: whether it is the earliest member of its
    cluster, the most sampled shingles found in one earlier document (`best`, in `best_id`) and in any
    other (`shared`), out of its own `sampled` ones. Shared with the Spark engine, which counts these
    with DataFrame joins."""
    containment = best / sampled if sampled else 0.0
    size = doc.cluster.size if doc.cluster is not None else 1
    if doc.cluster is not None:
        first = earliest_in_cluster and doc.duplicate_of is None
        later = not first or doc.duplicate_of is not None
    else:
        first, later = False, doc.duplicate_of is not None
    return NearFacts(
        cluster_size=size,
        later_copy=later and size > 1 or doc.duplicate_of is not None,
        first_publisher=first and size > 1,
        containment=containment,
        contained_in=best_id if best_id is not None and best else None,
        shared_copy=shared / sampled if sampled else 0.0,
    )
