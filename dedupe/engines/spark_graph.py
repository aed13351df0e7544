"""Connected components of a DataFrame of edges: union-find on the driver when the edges fit,
else large-star / small-star (Kiveris et al., "Connected Components in MapReduce and Beyond",
2014) in DataFrames, with the lineage cut by a local checkpoint after every round.

Edges here are verified near-duplicate pairs, so their number grows with the duplicates, not
with the corpus: union-find on the driver is the usual path. Large-star / small-star converges
in O(log^2 n) rounds (in practice a handful); `max_rounds` bounds it and the rounds taken are
reported. Either way a component is labelled by its smallest node.
"""

from __future__ import annotations

from dataclasses import dataclass

from dedupe.errors import DedupeError
from dedupe.near.unionfind import UnionFind


@dataclass
class Components:
    """node -> component (its smallest node), how it was found and in how many rounds."""

    frame: object  # DataFrame(node long, component long)
    method: str  # "union-find" | "large-star/small-star"
    rounds: int
    edges: int


def components(edges, *, driver_max_edges: int, max_rounds: int, force_stars: bool = False) -> Components:
    """Components of the undirected graph `edges` (DataFrame with long columns a, b; a != b)."""
    n = edges.count()
    if n <= driver_max_edges and not force_stars:
        return Components(_union_find(edges), "union-find", 0, n)
    frame, rounds = _stars(edges, max_rounds)
    return Components(frame, "large-star/small-star", rounds, n)


def _union_find(edges):
    import pyarrow as pa

    table = edges.select("a", "b").toArrow()
    a, b = table.column("a").to_pylist(), table.column("b").to_pylist()
    nodes = sorted(set(a) | set(b))
    pos = {x: k for k, x in enumerate(nodes)}
    uf = UnionFind(len(nodes))
    for x, y in zip(a, b):
        uf.union(pos[x], pos[y])
    comp = {}
    for members in uf.groups().values():
        for k in members:
            comp[nodes[k]] = nodes[members[0]]  # members ascending: the first is the smallest
    out = pa.table({"node": pa.array(nodes, pa.int64()), "component": pa.array([comp[x] for x in nodes], pa.int64())})
    return edges.sparkSession.createDataFrame(out)


def _large_star(e):
    """Every node's larger neighbours link to the smallest of its neighbourhood (itself included)."""
    from pyspark.sql import functions as F

    both = e.select("a", "b").unionByName(e.select(F.col("b").alias("a"), F.col("a").alias("b")))
    low = both.groupBy("a").agg(F.least(F.min("b"), F.col("a")).alias("m"))
    return (both.join(low, "a").where(F.col("b") > F.col("a"))
            .select(F.col("b").alias("a"), F.col("m").alias("b")).distinct())


def _small_star(e):
    """Every node and its smaller neighbours link to the smallest of those."""
    from pyspark.sql import functions as F

    down = e.select(F.greatest("a", "b").alias("a"), F.least("a", "b").alias("b")).distinct()
    low = down.groupBy("a").agg(F.min("b").alias("m"))
    linked = down.join(low, "a")
    out = (linked.where(F.col("b") != F.col("m")).select(F.col("b").alias("a"), F.col("m").alias("b"))
           .unionByName(low.select("a", F.col("m").alias("b"))))
    return out.distinct()


def _stars(edges, max_rounds: int):
    from pyspark.sql import functions as F

    e = edges.select(F.greatest("a", "b").alias("a"), F.least("a", "b").alias("b")).distinct().localCheckpoint()
    for rounds in range(1, max_rounds + 1):
        nxt = _small_star(_large_star(e)).localCheckpoint()
        changed = nxt.exceptAll(e).limit(1).count() + e.exceptAll(nxt).limit(1).count()
        e = nxt
        if not changed:
            # a star: every edge joins a node to its component's smallest node
            roots = e.select(F.col("b").alias("node"), F.col("b").alias("component")).distinct()
            return e.select(F.col("a").alias("node"), F.col("b").alias("component")).unionByName(roots), rounds
    raise DedupeError(f"connected components: no convergence in {max_rounds} rounds of large-star/small-star "
                      "(raise [spark] max_component_rounds)")
