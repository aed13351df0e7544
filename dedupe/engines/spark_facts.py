"""The classifier's near-duplicate context (dedupe.quality.context) counted with DataFrame joins.

For each document: whether it is the earliest member of its cluster (by publication date, then
input order), and of its sampled word 5-grams (those shared by at most `max_postings` documents)
the most found in one earlier document, and in any other one. dedupe.quality.context.facts_of
turns these counts into NearFacts on the executors, as batch_near_facts does locally.
"""

from __future__ import annotations

import inspect

from dedupe.quality.context import batch_near_facts

MAX_POSTINGS = inspect.signature(batch_near_facts).parameters["max_postings"].default
FACTS_COLUMNS = ("_earliest", "_best", "_best_id", "_shared", "_sampled_n")


def near_counts(docs, max_postings: int = MAX_POSTINGS):
    """DataFrame(_order, *FACTS_COLUMNS) for `docs` (_order, _id, _rank, _cluster, _sampled)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    first = Window.partitionBy("_cluster")
    earliest = docs.select("_order", (F.col("_rank") == F.min("_rank").over(first)).alias("_earliest"))
    grams = docs.select("_order", "_rank", F.explode("_sampled").alias("h"))
    common = grams.groupBy("h").agg(F.count("*").alias("k")).where(F.col("k") <= max_postings).select("h")
    g = grams.join(common, "h")
    pairs = (g.alias("i").join(g.alias("j"), "h").where(F.col("i._order") != F.col("j._order"))
             .groupBy(F.col("i._order").alias("_order"), F.col("j._order").alias("_other"))
             .agg(F.count("*").alias("c"), F.first("i._rank").alias("ri"), F.first("j._rank").alias("rj")))
    shared = pairs.groupBy("_order").agg(F.max("c").alias("_shared"))
    best = (pairs.where(F.col("rj") < F.col("ri"))
            .groupBy("_order").agg(F.min(F.struct((-F.col("c")).alias("nc"), F.col("rj"), F.col("_other"))).alias("b"))
            .select("_order", (-F.col("b.nc")).alias("_best"), F.col("b._other").alias("_best_order")))
    ids = docs.select(F.col("_order").alias("_best_order"), F.col("_id").alias("_best_id"))
    best = best.join(ids, "_best_order").drop("_best_order")
    return (docs.select("_order", F.size("_sampled").alias("_sampled_n"))
            .join(earliest, "_order").join(shared, "_order", "left").join(best, "_order", "left")
            .select("_order", "_earliest", F.coalesce("_best", F.lit(0)).alias("_best"), "_best_id",
                    F.coalesce("_shared", F.lit(0)).alias("_shared"), "_sampled_n"))
