"""Learned chrome on Spark: the lines of dedupe.strip.learned counted with DataFrame aggregations.

Per document (on the executors, dedupe.strip.learned's own functions): its line keys, the hash of
them all, its body-line hashes. Across documents (DataFrames): copies of one article grouped
(equal texts, or body lines shared at `same_article_overlap`, looked at only through body lines
shared by 2..200 documents, the same cap as locally), then each learnable line's distinct article
groups per source and across sources. The decisions call learned.py's chrome_in_source and
chrome_across. Returns, per document, the chrome lines it holds: LearnedChrome.apply only asks
whether a line of the document is chrome, so its own chrome lines are all it needs.
"""

from __future__ import annotations

import pyarrow as pa

from dedupe.engines.spark_graph import components
from dedupe.strip import learned

_POSTINGS_CAP = learned._POSTINGS_CAP


def _decider(cfg):
    def same(batches):
        for batch in batches:
            c = batch.to_pydict()
            ok = [learned.same_article(s, x, y, cfg) for s, x, y in zip(c["shared"], c["size_a"], c["size_b"])]
            yield pa.RecordBatch.from_pydict({"a": c["a"], "b": c["b"], "ok": ok},
                                             schema=pa.schema([("a", pa.int64()), ("b", pa.int64()), ("ok", pa.bool_())]))
    return same


def _chrome_decider(cfg):
    def decide(batches):
        for batch in batches:
            c = batch.to_pydict()
            keep = [learned.chrome_in_source(g, cfg) if scope == "source" else learned.chrome_across(g, s, cfg)
                    for scope, g, s in zip(c["scope"], c["groups"], c["sources"])]
            yield pa.RecordBatch.from_pydict({"key": [k for k, x in zip(c["key"], keep) if x]},
                                             schema=pa.schema([("key", pa.string())]))
    return decide


def chrome_lines(lines, cfg, *, driver_max_edges: int, max_rounds: int):
    """DataFrame(_order, _chrome array<string>) for the documents holding learned chrome.

    `lines`: one row per live document: _order, _src (learned's source, may be null), _whole
    (hash of all line keys), _body (body-line hashes), _keys (its distinct learnable line keys).
    """
    from pyspark.sql import functions as F

    # article groups: equal texts, then pairs sharing enough body lines
    whole = (lines.groupBy("_whole").agg(F.min("_order").alias("a"), F.collect_list("_order").alias("m"))
             .select("a", F.explode("m").alias("b")).where(F.col("a") != F.col("b")))
    body = lines.select("_order", F.explode("_body").alias("h"))
    sizes = lines.select("_order", F.size("_body").alias("n"))
    posted = (body.groupBy("h").agg(F.count("*").alias("k")).where((F.col("k") >= 2) & (F.col("k") <= _POSTINGS_CAP))
              .select("h"))
    p = body.join(posted, "h")
    cand = (p.alias("x").join(p.alias("y"), "h").where(F.col("x._order") < F.col("y._order"))
            .select(F.col("x._order").alias("a"), F.col("y._order").alias("b")).distinct())
    shared = (cand.join(body.withColumnRenamed("_order", "a"), "a")
              .join(body.withColumnRenamed("_order", "b"), ["b", "h"])
              .groupBy("a", "b").agg(F.count("*").alias("shared")))
    shared = (shared.join(sizes.withColumnRenamed("_order", "a").withColumnRenamed("n", "size_a"), "a")
              .join(sizes.withColumnRenamed("_order", "b").withColumnRenamed("n", "size_b"), "b"))
    same = shared.mapInArrow(_decider(cfg), "a long, b long, ok boolean").where("ok").select("a", "b")
    edges = whole.unionByName(same).distinct()
    found = components(edges, driver_max_edges=driver_max_edges, max_rounds=max_rounds)
    groups = (lines.select("_order", "_src", "_keys").join(found.frame.withColumnRenamed("node", "_order"), "_order", "left")
              .select("_order", "_src", "_keys", F.coalesce("component", "_order").alias("_group")))
    keyed = groups.select("_order", "_src", "_group", F.explode("_keys").alias("key"))
    per_source = (keyed.where(F.col("_src").isNotNull() & (F.col("_src") != ""))
                  .groupBy("_src", "key").agg(F.countDistinct("_group").alias("groups"))
                  .select(F.lit("source").alias("scope"), "key", "groups", F.lit(0).cast("long").alias("sources")))
    across = (keyed.groupBy("key").agg(F.countDistinct("_group").alias("groups"),
                                       F.countDistinct(F.coalesce("_src", F.lit(""))).alias("sources"))
              .select(F.lit("across").alias("scope"), "key", "groups", "sources"))
    chrome = per_source.unionByName(across).mapInArrow(_chrome_decider(cfg), "key string").distinct()
    return (keyed.select("_order", "key").join(chrome, "key")
            .groupBy("_order").agg(F.collect_set("key").alias("_chrome")))
