"""dedupe.engines.spark from Python: a DataFrame of records in, DataFrames of documents, clusters
and sources out, with the local engine's decisions (real local session, shared with the parity tests)."""

from __future__ import annotations

import json

import pyarrow as pa

from test_spark_parity import SAMPLE, spark  # noqa: F401  (the session fixture)


def test_dataframe_in_dataframes_out(spark):  # noqa: F811
    import dedupe
    from dedupe.engines import spark as dspark

    records = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    frame = spark.createDataFrame(pa.Table.from_pylist(records))
    run = dspark.filter_documents(frame, classify=False)
    got = {r["id"]: (r["dedupe"]["decision"], list(r["dedupe"]["reasons"]), r["dedupe"]["cluster"]["id"])
           for r in run.documents.select("id", "dedupe").collect()}
    with dedupe.filter(records, classify=False) as local:
        want = {d.id: (d.decision or "keep", d.reasons, d.cluster.id) for d in local}
    assert got == want
    assert run.kept().count() + run.rejected().count() == len(records)
    clusters = run.clusters.orderBy("first").collect()
    assert clusters and all(json.loads(c["record"])["cluster"] == c["cluster"] for c in clusters)
    assert sum(c["size"] - 1 for c in clusters) == sum(1 for v in want.values() if v[0] == "reject")


def test_parquet_input_same_as_local(spark, tmp_path):  # noqa: F811
    """Parquet read by Spark's reader (rows in file order by _metadata.row_index) gives the local bytes."""
    from test_spark_parity import _assert_same, _filter_both

    from dedupe.io import write_records

    records = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    corpus = tmp_path / "corpus.parquet"
    write_records(str(corpus), records)
    kept, rejected = _assert_same(_filter_both(tmp_path, corpus, "--no-classify"))
    assert len(kept) + len(rejected) == len(records)
