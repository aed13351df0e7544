"""Learned chrome on Spark: the counts of dedupe.strip.learned done with DataFrame aggregations.

Per document (on the executors, with learned.py's own functions): its lines split, normalised and
hashed (`_page`), its body lines (`LearnedChrome._body`). Across documents (DataFrames), the rule
of LearnedChrome.learn: lines recurring on enough pages are set aside; copies of one article are
grouped (equal texts, or body lines shared at `same_article_overlap`, looked at through body lines
shared by 2..200 documents, the same cap as locally); then each line's distinct article groups
per source (short lines; long lines verbatim with `min_articles_long`) and across sources decide
the chrome. Returns per document the chrome lines it holds: LearnedChrome.apply only asks whether
each of its lines is chrome. tests/test_spark_parity.py holds the two counts equal.
"""

from __future__ import annotations

import pyarrow as pa

from dedupe.engines.spark_graph import components
from dedupe.strip import learned

LINES_SCHEMA = ("_order long, _src string, _whole long, _hashes array<long>, _body array<long>, "
                "_more array<long>, _short array<long>, _long array<long>")


def page_columns(doc, cfg) -> dict:
    """What learned chrome needs of one live document, as learned.py computes it (hashes as signed longs)."""
    from dedupe.engines.spark_rows import signed64

    page = learned._page(doc.text, cfg.max_words)
    short, long_ = set(), set()
    for h, key, words in zip(page.hashes, page.keys, page.words):
        if len(key) >= cfg.min_line_chars:
            (long_ if words > cfg.max_words else short).add(h)
    # LearnedChrome._body's candidates: its long lines, and the lines it adds when fewer than two
    # of those are the page's own (which depends on the whole batch: decided in chrome_lines)
    body = {h for h, w in zip(page.hashes, page.words) if w > cfg.max_words}
    more = {h for h, w in zip(page.hashes, page.words) if w >= cfg.body_min_words}
    as_list = lambda hs: signed64(sorted(hs)).tolist()  # noqa: E731
    return {"_src": learned._source_of(doc), "_whole": int(signed64([learned._hash("\n".join(page.keys))])[0]),
            "_hashes": as_list(set(page.hashes)), "_body": as_list(body), "_more": as_list(more),
            "_short": as_list(short), "_long": as_list(long_)}


def chrome_keys(doc, hashes: list[int], max_words: int) -> set[str]:
    """The document's lines whose hash (signed long) is among `hashes`, as keys for LearnedChrome.apply."""
    from dedupe.engines.spark_rows import signed64

    wanted = set(hashes)
    page = learned._page(doc.text, max_words)
    return {k for h, k in zip(signed64(page.hashes).tolist(), page.keys) if h in wanted}


def _same_article(overlap: float):
    """learned.LearnedChrome.article_groups' test of one pair, from its counts."""
    def decide(batches):
        for batch in batches:
            c = batch.to_pydict()
            ok = []
            for oa, ob, os_, ba, bb, bs in zip(c["own_a"], c["own_b"], c["own_shared"], c["body_a"], c["body_b"],
                                               c["body_shared"]):
                if oa and ob:
                    ok.append(os_ >= overlap * min(oa, ob))
                else:
                    ok.append(bs >= overlap * (ba + bb - bs))
            yield pa.RecordBatch.from_pydict({"a": c["a"], "b": c["b"], "ok": ok},
                                             schema=pa.schema([("a", pa.int64()), ("b", pa.int64()), ("ok", pa.bool_())]))
    return decide


def chrome_lines(lines, cfg, *, driver_max_edges: int, max_rounds: int):
    """DataFrame(_order, _chrome array<long>): each document's learned chrome line hashes.

    `lines`: one row per live document with LINES_SCHEMA (from page_columns).
    """
    from pyspark.sql import functions as F

    src = F.coalesce(F.col("_src"), F.lit(""))
    # lines recurring on enough pages (documents, not yet articles) are set aside
    every = lines.select("_order", src.alias("s"), F.explode("_hashes").alias("h"))
    least = min(cfg.min_articles_per_source, cfg.min_articles_long or cfg.min_articles_per_source)
    recurring = (every.where(F.col("s") != "").groupBy("s", "h").agg(F.count("*").alias("n"))
                 .where(F.col("n") >= least).select("h")
                 .unionByName(every.groupBy("h").agg(F.count("*").alias("n"), F.countDistinct("s").alias("k"))
                              .where((F.col("n") >= cfg.min_articles_across) & (F.col("k") >= cfg.min_sources_across))
                              .select("h"))
                 .distinct())
    # body lines: the long ones, and when fewer than two of those are the page's own, the
    # lines of body_min_words words too; own: body lines that do not recur
    long_body = lines.select("_order", F.explode("_body").alias("h"))
    own_long = (lines.select("_order").join(long_body.join(recurring, "h", "left_anti")
                                            .groupBy("_order").agg(F.count("*").alias("n")), "_order", "left")
                .select("_order", F.coalesce("n", F.lit(0)).alias("n")))
    more = (lines.select("_order", F.explode("_more").alias("h")).join(own_long.where(F.col("n") < 2), "_order")
            .select("_order", "h"))
    body = long_body.unionByName(more).distinct().localCheckpoint()
    own = body.join(recurring, "h", "left_anti")
    sizes = (body.groupBy("_order").agg(F.count("*").alias("nb"))
             .join(own.groupBy("_order").agg(F.count("*").alias("no")), "_order", "left")
             .select("_order", "nb", F.coalesce("no", F.lit(0)).alias("no")))
    # copies of one article: equal texts, or enough shared body lines
    whole = (lines.groupBy("_whole").agg(F.min("_order").alias("a"), F.collect_list("_order").alias("m"))
             .select("a", F.explode("m").alias("b")).where(F.col("a") != F.col("b")))
    posted = (body.groupBy("h").agg(F.count("*").alias("k"))
              .where((F.col("k") >= 2) & (F.col("k") <= learned._POSTINGS_CAP)).select("h"))
    p = body.join(posted, "h")
    cand = (p.alias("x").join(p.alias("y"), "h").where(F.col("x._order") < F.col("y._order"))
            .select(F.col("x._order").alias("a"), F.col("y._order").alias("b")).distinct())

    def shared(parts, name):
        return (cand.join(parts.withColumnRenamed("_order", "a"), "a")
                .join(parts.withColumnRenamed("_order", "b"), ["b", "h"])
                .groupBy("a", "b").agg(F.count("*").alias(name)))

    counted = (cand.join(shared(body, "body_shared"), ["a", "b"], "left").join(shared(own, "own_shared"), ["a", "b"], "left")
               .join(sizes.select(F.col("_order").alias("a"), F.col("nb").alias("body_a"), F.col("no").alias("own_a")), "a")
               .join(sizes.select(F.col("_order").alias("b"), F.col("nb").alias("body_b"), F.col("no").alias("own_b")), "b")
               .select("a", "b", "own_a", "own_b", F.coalesce("own_shared", F.lit(0)).alias("own_shared"),
                       "body_a", "body_b", F.coalesce("body_shared", F.lit(0)).alias("body_shared")))
    same = counted.mapInArrow(_same_article(cfg.same_article_overlap), "a long, b long, ok boolean").where("ok")
    edges = whole.unionByName(same.select("a", "b")).distinct()
    found = components(edges, driver_max_edges=driver_max_edges, max_rounds=max_rounds)
    grouped = (lines.join(found.frame.withColumnRenamed("node", "_order"), "_order", "left")
               .select("_order", "_src", "_short", "_long", F.coalesce("component", "_order").alias("g")))
    short = grouped.select("_order", "_src", "g", F.explode("_short").alias("h"))
    long_ = grouped.select("_order", "_src", "g", F.explode("_long").alias("h"))
    has_src = F.col("_src").isNotNull() & (F.col("_src") != "")
    chrome = (short.where(has_src).groupBy("_src", "h").agg(F.countDistinct("g").alias("n"))
              .where(F.col("n") >= cfg.min_articles_per_source).select("h")
              .unionByName(short.groupBy("h").agg(F.countDistinct("g").alias("n"), F.countDistinct(src).alias("k"))
                           .where((F.col("n") >= cfg.min_articles_across) & (F.col("k") >= cfg.min_sources_across))
                           .select("h")))
    if cfg.min_articles_long:
        chrome = chrome.unionByName(long_.where(has_src).groupBy("_src", "h").agg(F.countDistinct("g").alias("n"))
                                    .where(F.col("n") >= cfg.min_articles_long).select("h"))
    chrome = chrome.distinct()
    held = short.select("_order", "h").unionByName(long_.select("_order", "h")).join(chrome, "h")
    return held.groupBy("_order").agg(F.collect_set("h").alias("_chrome"))
