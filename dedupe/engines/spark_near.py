"""Near-duplicates on Spark: exact groups, LSH buckets, verified pairs, components and the split
around representatives, each as DataFrame operations calling dedupe.near's own functions.

The same rules as dedupe.near.clusters.find_clusters on one batch: exact groups choose their head
by the keep policy; heads sharing a band key become candidates (every pair of a bucket, or for a
bucket of more than 64 heads the star on its first plus the chain, as dedupe.near.lsh does);
candidates are verified by dedupe.near.verify.Similarity; components come from
dedupe.engines.spark_graph; each component is split around its representatives by
dedupe.near.clusters._split_components, one component per group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from dedupe import reasons
from dedupe.engines.spark_graph import components
from dedupe.near.clusters import _split_components
from dedupe.near.lsh import _bucket_pairs
from dedupe.near.minhash import dtype_of
from dedupe.near.settings import lsh_shape
from dedupe.near.verify import Similarity

ASSIGNMENT_SCHEMA = "_order long, _rep long, _role string, _sim double, _cont double"


@dataclass
class NearStats:
    """What the near-duplicate step counted (the local ClusterResult's counters) and how components were found."""

    candidate_pairs: int = 0
    verified_pairs: int = 0
    component_method: str = ""
    component_rounds: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _pairs_from_buckets(batches):
    for batch in batches:
        a_out, b_out = [], []
        for members in batch.column("members").to_pylist():
            pairs = _bucket_pairs(np.array(sorted(members), dtype=np.int64))
            a_out.append(pairs[:, 0])
            b_out.append(pairs[:, 1])
        if a_out:
            yield pa.RecordBatch.from_arrays([pa.array(np.concatenate(a_out)), pa.array(np.concatenate(b_out))],
                                             names=["a", "b"])


def _verifier(near_cfg, with_text: bool):
    dtype = dtype_of(near_cfg.scheme)

    def verify(batches):
        for batch in batches:
            k = batch.num_rows
            if not k:
                continue
            cols = batch.to_pydict()
            sigs = np.stack([np.frombuffer(s, dtype=dtype) for s in cols["sig_a"] + cols["sig_b"]])
            sizes = np.array(cols["size_a"] + cols["size_b"], dtype=np.int64)
            texts = cols["text_a"] + cols["text_b"] if with_text else None
            sim = Similarity(sigs, near_cfg, texts, sizes)
            ok, _, _ = sim.matches(np.arange(k), np.arange(k, 2 * k))
            keep = np.flatnonzero(ok)
            yield pa.RecordBatch.from_arrays([pa.array(np.asarray(cols["a"], dtype=np.int64)[keep]),
                                              pa.array(np.asarray(cols["b"], dtype=np.int64)[keep])], names=["a", "b"])
    return verify


def _splitter(near_cfg, with_text: bool):
    dtype = dtype_of(near_cfg.scheme)

    def split(nodes: pa.Table, edges: pa.Table) -> pa.Table:
        nodes = nodes.sort_by("_order")
        orders = nodes.column("_order").to_pylist()
        keep = nodes.column("_keep").to_pylist()
        sigs = np.stack([np.frombuffer(s, dtype=dtype) for s in nodes.column("_sig").to_pylist()])
        sizes = np.array(nodes.column("_size").to_pylist(), dtype=np.int64)
        texts = nodes.column("_text").to_pylist() if with_text else None
        pos = {o: k for k, o in enumerate(orders)}
        pairs = sorted((pos[a], pos[b]) for a, b in zip(edges.column("a").to_pylist(), edges.column("b").to_pylist()))
        verified = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        sim = Similarity(sigs, near_cfg, texts, sizes)
        out: dict[str, list] = {"_order": [], "_rep": [], "_role": [], "_sim": [], "_cont": []}
        for rep, near in _split_components(len(orders), verified, list(range(len(orders))), lambda r: keep[r], sim):
            rows = [(rep, "rep", 1.0, 1.0)] + [(m, "near", s, c) for m, s, c in near]
            for m, role, s, c in rows:
                out["_order"].append(orders[m])
                out["_rep"].append(orders[rep])
                out["_role"].append(role)
                out["_sim"].append(float(s))
                out["_cont"].append(float(c))
        return pa.table(out, schema=pa.schema([("_order", pa.int64()), ("_rep", pa.int64()), ("_role", pa.string()),
                                              ("_sim", pa.float64()), ("_cont", pa.float64())]))
    return split


def near_duplicates(signed, near_cfg, *, driver_max_edges: int, max_rounds: int, force_stars: bool = False,
                    bands_per_pass: int = 0):
    """(assignment DataFrame with ASSIGNMENT_SCHEMA for every live document with tokens, NearStats).

    `signed`: live documents with _order, _kind, _exact, _keep, _sig, _size, _bands (and _text
    when verify_exact is on). Roles: rep (represents its cluster), exact (same tokens as its
    group's head, which represents), near (duplicate of _rep), each with Jaccard and containment.
    """
    from pyspark.sql import functions as F

    stats = NearStats()
    with_text = bool(getattr(near_cfg, "verify_exact", False))
    docs = signed.where(F.col("_kind") != "empty")
    # 1. exact groups: the head is the best by keep policy
    heads_of = docs.groupBy("_exact").agg(F.min_by("_order", "_keep").alias("_head"))
    grouped = docs.select("_order", "_exact").join(heads_of, "_exact")
    head_cols = ["_order", "_keep", "_sig", "_size"] + (["_text"] if with_text else [])
    heads = docs.join(heads_of.select(F.col("_head").alias("_order")), "_order").select(*head_cols, "_bands")
    # 2. candidates: heads sharing a key in one band; `bands_per_pass` bands shuffled at a time
    bands = lsh_shape(near_cfg)[0]
    step = bands_per_pass if 0 < bands_per_pass < bands else bands
    keyed = heads.select("_order", F.posexplode("_bands").alias("band", "key"))
    pairs = None
    for lo in range(0, bands, step):
        buckets = (keyed.where((F.col("band") >= lo) & (F.col("band") < lo + step))
                   .groupBy("band", "key").agg(F.collect_list("_order").alias("members"))
                   .where(F.size("members") > 1).select("members"))
        found = buckets.mapInArrow(_pairs_from_buckets, "a long, b long").distinct()
        if step < bands:
            found = found.localCheckpoint()
        pairs = found if pairs is None else pairs.unionByName(found)
    pairs = pairs.distinct().localCheckpoint()
    stats.candidate_pairs = pairs.count()
    # 3. verification, as locally
    side = heads.select(*head_cols)
    left = side.select(*[F.col(c).alias(c.replace("_", "", 1) + "_a") for c in side.columns])
    right = side.select(*[F.col(c).alias(c.replace("_", "", 1) + "_b") for c in side.columns])
    joined = (pairs.join(left, pairs.a == left.order_a).join(right, pairs.b == right.order_b)
              .select("a", "b", "sig_a", "sig_b", "size_a", "size_b", *(["text_a", "text_b"] if with_text else [])))
    verified = joined.mapInArrow(_verifier(near_cfg, with_text), "a long, b long").localCheckpoint()
    stats.verified_pairs = verified.count()
    # 4. components, 5. split around representatives (one group per component)
    found = components(verified, driver_max_edges=driver_max_edges, max_rounds=max_rounds, force_stars=force_stars)
    stats.component_method, stats.component_rounds = found.method, found.rounds
    comp = found.frame
    nodes = side.join(comp.select(F.col("node").alias("_order"), F.col("component").alias("_node_comp")), "_order")
    edges = verified.join(comp.select(F.col("node").alias("a"), F.col("component").alias("_edge_comp")), "a")
    split = nodes.groupBy("_node_comp").cogroup(edges.groupBy("_edge_comp")).applyInArrow(
        _splitter(near_cfg, with_text), ASSIGNMENT_SCHEMA)
    lone = (heads.select("_order").join(comp.select(F.col("node").alias("_order")), "_order", "left_anti")
            .select("_order", F.col("_order").alias("_rep"), F.lit("rep").alias("_role"),
                    F.lit(1.0).alias("_sim"), F.lit(1.0).alias("_cont")))
    head_roles = split.unionByName(lone).withColumnRenamed("_order", "_head")
    # every document of an exact group follows its head
    assigned = grouped.join(head_roles, "_head").select(
        "_order", "_rep",
        F.when(F.col("_order") == F.col("_head"), F.col("_role"))
         .when(F.col("_role") == "rep", F.lit("exact")).otherwise(F.lit("near")).alias("_role"),
        F.when((F.col("_order") != F.col("_head")) & (F.col("_role") == "rep"), F.lit(1.0)).otherwise(F.col("_sim")).alias("_sim"),
        F.when((F.col("_order") != F.col("_head")) & (F.col("_role") == "rep"), F.lit(1.0)).otherwise(F.col("_cont")).alias("_cont"),
    )
    return assigned, stats


def mark(doc, role: str | None, rep_id: str | None, size: int, sim: float, cont: float) -> None:
    """Set cluster, duplicate_of and the duplicate rejection on `doc`, as dedupe.near.clusters does."""
    from dedupe.document import Cluster

    if role is None or role == "rep":
        doc.cluster = Cluster(id=doc.id, size=size if role else 1, representative=doc.id, similarity=1.0)
        return
    doc.cluster = Cluster(id=rep_id, size=size, representative=rep_id, similarity=round(sim, 4),
                          containment=round(cont, 4))
    doc.duplicate_of = rep_id
    doc.reject(reasons.EXACT_DUPLICATE if role == "exact" else reasons.NEAR_DUPLICATE)
