"""Re-checking kept documents against what other workers committed to a shared index meanwhile.

A worker checks its batch against the index, decides, then commits the kept documents. If another
worker committed a document sharing a band bucket or an exact key with one of them in between,
the commit is refused (IndexConflict) and the rows named are verified here against the newcomers
only (documents numbered above the watermark: the older ones were checked already), with the same
rule as `find_clusters` uses against the index. A row that matches is rejected as a duplicate of
the indexed document, exactly as if that document had been indexed before the batch was checked.
"""

from __future__ import annotations

import numpy as np

from dedupe import reasons
from dedupe.document import Cluster, Document
from dedupe.near.verify import MatchRule, Similarity, estimate_containment


def recheck_kept(docs: list[Document], rows: list[int], signatures: np.ndarray, exact_keys: np.ndarray,
                 sizes: np.ndarray, band_keys: np.ndarray, index, cfg, after: int) -> list[int]:
    """Reject the `rows` of `docs` that duplicate an index document numbered above `after`.

    signatures, exact_keys and sizes are indexed by row of `docs`; band_keys has one row per
    entry of `rows`. Returns the rows rejected.
    """
    if not rows:
        return []
    rule = MatchRule.from_config(cfg)
    exact = index.lookup_exact(np.array([exact_keys[r] for r in rows], dtype=np.uint64))
    found = index.query(band_keys)
    newer = index.documents(n for cands in found for n in cands if n > after)
    rejected: list[int] = []
    for r, cands in zip(rows, found):
        doc = docs[r]
        hit = exact.get(int(exact_keys[r]))
        if hit is not None:
            _reject(doc, hit, 1.0, 1.0, reasons.EXACT_DUPLICATE)
            rejected.append(r)
            continue
        cands = [n for n in cands if n in newer]
        if not cands:
            continue
        jac = np.array([Similarity.estimate(signatures[r], newer[n].signature) for n in cands])
        other = np.array([newer[n].shingles for n in cands], dtype=np.int64)
        mine = np.full(len(cands), sizes[r])
        cont = estimate_containment(jac, mine, other)
        ok = np.flatnonzero(rule.decide_sizes(jac, cont, mine, other))
        if len(ok):
            best = int(ok[np.argmax(jac[ok])])  # the most similar; the lowest number on ties
            _reject(doc, newer[cands[best]].doc_id, float(jac[best]), float(cont[best]), reasons.NEAR_DUPLICATE)
            rejected.append(r)
    return rejected


def _reject(doc: Document, indexed_id: str, jaccard: float, containment: float, why: str) -> None:
    """The document becomes a duplicate of an indexed one (its own batch members keep pointing at it)."""
    doc.cluster = Cluster(id=indexed_id, size=2, representative=indexed_id, similarity=round(jaccard, 4),
                          containment=round(containment, 4))
    doc.duplicate_of = indexed_id
    doc.reject(why)
