"""Near-duplicate clusters of a batch (and against a persistent index), and the keep decision.

Order of work: exact keys (batch, then index), then MinHash candidates against the index, then
banded LSH inside the batch. Candidate pairs are verified against the threshold; union-find
joins verified pairs; each component is then split around representatives chosen by the keep
policy, and a member stays only if it is itself similar enough to its representative, so a
chain A~B~C never makes A and C duplicates of each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from dedupe import reasons
from dedupe.document import Cluster, Document
from dedupe.errors import ConfigError
from dedupe.near.keep_policy import KeepPolicy
from dedupe.near.lsh import band_keys, candidate_pairs
from dedupe.near.settings import index_settings, lsh_shape
from dedupe.near.signer import Signed, Signer
from dedupe.near.unionfind import UnionFind
from dedupe.near.verify import Similarity, estimate_containment

Member = tuple[int, float, float, str]  # (row, Jaccard, containment, reason) of a duplicate


@dataclass
class ClusterResult:
    """What find_clusters found: counts, LSH parameters, and the clusters of more than one document."""

    documents: int = 0
    exact_duplicates: int = 0
    near_duplicates: int = 0
    index_duplicates: int = 0
    candidate_pairs: int = 0
    verified_pairs: int = 0
    added_to_index: int = 0
    bands: int = 0
    rows: int = 0
    clusters: dict[str, list[str]] = field(default_factory=dict)  # representative id -> member ids (rep first)

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def find_clusters(
    docs: list[Document],
    cfg,
    keep_policy_cfg,
    index=None,
    update_index: bool = True,
    signed: Signed | None = None,
) -> ClusterResult:
    """Set cluster, duplicate_of and near/exact duplicate rejections on `docs` (in place).

    Documents with `error` set are absent. With an index, documents duplicating indexed ones
    point at the indexed id, and (unless update_index is False) the batch's kept documents are
    added in one transaction. `signed` = Signer.sign_all of the live documents' texts,
    when the caller signed them already (e.g. while streaming, to drop texts early).
    """
    bands, rows = lsh_shape(cfg)
    result = ClusterResult(bands=bands, rows=rows)
    live = [d for d in docs if d.error is None]
    result.documents = len(live)
    if not live:
        return result
    if index is not None:
        wanted = index_settings(cfg)
        differing = sorted(k for k in wanted if index.settings.get(k) != wanted[k])
        if differing:
            raise ConfigError(f"{index.path}: index was built with other settings ({', '.join(differing)})")
    policy = KeepPolicy(keep_policy_cfg.source_priority if keep_policy_cfg else [])
    signer = Signer(cfg)
    sigs, exact_keys, kinds, sizes = signed if signed is not None else signer.sign_all([d.text for d in live])
    if len(kinds) != len(live):
        raise ValueError(f"signed has {len(kinds)} rows for {len(live)} live documents")
    keys = band_keys(sigs, bands, rows)
    sim = Similarity(sigs, cfg, [d.text for d in live], sizes)

    # 1. Exact groups among documents with any token; the best by keep policy stands for the group.
    groups: dict[int, list[int]] = {}
    for i, kind in enumerate(kinds):
        if kind != "empty":
            groups.setdefault(int(exact_keys[i]), []).append(i)
    for members in groups.values():
        members.sort(key=lambda i: policy.key(live[i]))
    heads = sorted(groups[k][0] for k in groups)

    index_clusters: dict[str, list[Member]] = {}  # indexed id -> members

    # 2. Against the index: exact keys, then MinHash candidates.
    if index is not None and not index.is_empty():
        indexed_exact = index.lookup_exact(np.array([exact_keys[h] for h in heads], dtype=np.uint64))
        remaining = []
        for h in heads:
            hit = indexed_exact.get(int(exact_keys[h]))
            if hit is None:
                remaining.append(h)
                continue
            index_clusters.setdefault(hit, []).extend((m, 1.0, 1.0, reasons.EXACT_DUPLICATE) for m in groups[int(exact_keys[h])])
        heads = remaining
        if heads:
            found = index.query(keys[heads])
            indexed = index.documents(n for cands in found for n in cands)
            remaining = []
            for h, cands in zip(heads, found):
                best = None
                if cands:
                    jac = np.array([Similarity.estimate(sigs[h], indexed[n].signature) for n in cands])
                    other = np.array([indexed[n].shingles for n in cands], dtype=np.int64)
                    cont = estimate_containment(jac, np.full(len(cands), sizes[h]), other)
                    ok = sim.rule.decide_sizes(jac, cont, np.full(len(cands), sizes[h]), other)
                    for k in np.flatnonzero(ok).tolist():
                        if best is None or jac[k] > best[0]:
                            best = (float(jac[k]), float(cont[k]), indexed[cands[k]].doc_id)
                if best is None:
                    remaining.append(h)
                    continue
                index_clusters.setdefault(best[2], []).extend(
                    (m, best[0], best[1], reasons.NEAR_DUPLICATE) for m in groups[int(exact_keys[h])])
            heads = remaining

    # 3. Inside the batch: LSH candidates among group heads, verified, joined, split around representatives.
    head_pos = np.array(heads, dtype=np.int64)
    pairs = candidate_pairs(keys[head_pos]) if len(head_pos) > 1 else np.empty((0, 2), dtype=np.int64)
    result.candidate_pairs = len(pairs)
    verified = pairs[sim.matches(head_pos[pairs[:, 0]], head_pos[pairs[:, 1]])[0]] if len(pairs) else pairs
    result.verified_pairs = len(verified)
    clusters = _split_components(len(heads), verified, heads, lambda i: policy.key(live[i]), sim)

    # 4. Write the findings on the documents: the cluster id is its representative's id.
    for rep, near in clusters:
        members: list[Member] = [(m, 1.0, 1.0, reasons.EXACT_DUPLICATE) for m in groups[int(exact_keys[rep])] if m != rep]
        for m, s, c in near:
            members.extend((x, s, c, reasons.NEAR_DUPLICATE) for x in groups[int(exact_keys[m])])
        rep_doc = live[rep]
        rep_doc.cluster = Cluster(id=rep_doc.id, size=1 + len(members), representative=rep_doc.id, similarity=1.0)
        _mark(live, rep_doc.id, members, result)
    for indexed_id, members in index_clusters.items():
        _mark(live, indexed_id, members, result)
        result.index_duplicates += len(members)
    for doc in live:
        if doc.cluster is None:  # no tokens: nothing to compare, a cluster of its own
            doc.cluster = Cluster(id=doc.id, size=1, representative=doc.id, similarity=1.0)

    # 5. Kept documents of this batch join the index, all in one transaction.
    if index is not None and update_index:
        kept = [rep for rep, _ in clusters]
        kept.sort()
        result.added_to_index = index.add_batch((live[i].id, int(exact_keys[i]), sigs[i], keys[i], int(sizes[i])) for i in kept)
    return result


def _mark(live: list[Document], rep_id: str, members: list[Member], result: ClusterResult) -> None:
    """Reject each member as a duplicate of `rep_id`, with its cluster, and count it."""
    size = 1 + len(members)
    for m, s, c, why in members:
        doc = live[m]
        doc.cluster = Cluster(id=rep_id, size=size, representative=rep_id, similarity=round(s, 4), containment=round(c, 4))
        doc.duplicate_of = rep_id
        doc.reject(why)
        result.exact_duplicates += why == reasons.EXACT_DUPLICATE
        result.near_duplicates += why == reasons.NEAR_DUPLICATE
    if members:
        result.clusters[rep_id] = [rep_id] + [live[m].id for m, *_ in sorted(members)]


def _components(members: list[int], edges: list[tuple[int, int]]) -> list[list[int]]:
    """Connected components (each ascending) of `members` under `edges`, via union-find."""
    pos = {m: k for k, m in enumerate(members)}
    uf = UnionFind(len(members))
    for a, b in edges:
        if a in pos and b in pos:
            uf.union(pos[a], pos[b])
    return [[members[k] for k in group] for group in uf.groups().values()]


def _split_components(n: int, verified: np.ndarray, heads: list[int], order_key, sim):
    """Clusters from verified pairs: per component, the best document by keep policy represents
    the members similar enough to it; the others are re-split into components and handled alike.

    Returns [(representative row, [(member row, Jaccard and containment with the representative)])].
    """
    edges = [(int(a), int(b)) for a, b in verified.tolist()]
    adjacency: dict[int, list[tuple[int, int]]] = {}
    for e in edges:
        adjacency.setdefault(e[0], []).append(e)
    out: list[tuple[int, list[tuple[int, float, float]]]] = []
    pending = _components(list(range(n)), edges)
    while pending:
        members = pending.pop()
        if len(members) == 1:  # most documents: nothing to order or verify
            out.append((heads[members[0]], []))
            continue
        rows = sorted((heads[m] for m in members), key=order_key)
        rep_row, rest_rows = rows[0], rows[1:]
        if not rest_rows:
            out.append((rep_row, []))
            continue
        ok, jac, cont = sim.matches(np.full(len(rest_rows), rep_row), np.array(rest_rows))
        near = [(r, float(j), float(c)) for r, k, j, c in zip(rest_rows, ok, jac, cont) if k]
        out.append((rep_row, near))
        taken = {r for r, _, _ in near} | {rep_row}
        rest = [m for m in members if heads[m] not in taken]
        if rest:
            sub_edges = [e for m in rest for e in adjacency.get(m, ())]
            pending.extend(_components(rest, sub_edges))
    out.sort(key=lambda c: c[0])
    return out


class NearDuplicates:
    """Stage: adds cluster and duplicate_of to each document, rejecting exact and near duplicates."""

    def __init__(self, cfg, keep_cfg, index=None) -> None:
        self.cfg = cfg
        self.keep_cfg = keep_cfg
        self.index = index
        self.result: ClusterResult | None = None

    def __call__(self, docs: Iterable[Document]) -> Iterator[Document]:
        batch = list(docs)  # clustering needs the whole batch
        self.result = find_clusters(batch, self.cfg, self.keep_cfg, self.index)
        yield from batch
