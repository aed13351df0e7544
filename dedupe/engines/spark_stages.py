"""The per-document stages as functions over Arrow batches (for DataFrame.mapInArrow): each one
rebuilds the Documents of a batch, calls the local engine's own stage objects on them, and hands
back the columns the next DataFrame step needs."""

from __future__ import annotations

import json
import types
from typing import Any

import numpy as np
import pyarrow as pa

from dedupe.engines.spark_rows import dump, load, signed64, sort_key, workbench

PREPARED_SCHEMA = ("_order long, _doc binary, _live boolean, _src string, _whole long, _hashes array<long>, "
                   "_body array<long>, _more array<long>, _short array<long>, _long array<long>")
SIGNED_SCHEMA = ("_order long, _doc binary, _live boolean, _id string, _kind string, _exact long, _size long, "
                 "_sig binary, _bands array<long>, _keep binary, _rank binary, _sampled array<long>, _text string")
FINISHED_SCHEMA = ("_order long, _doc binary, _id string, _decision string, _source string, _rep_id string, "
                   "_brief string, _member string, _dedupe string, _text string")


_ARROW = {"long": pa.int64(), "binary": pa.binary(), "boolean": pa.bool_(), "string": pa.string(),
          "double": pa.float64(), "array<long>": pa.list_(pa.int64()), "array<string>": pa.list_(pa.string())}


def arrow_schema(schema: str) -> pa.Schema:
    """The Arrow schema of a flat DDL schema string such as "a long, b array<string>" (no JVM needed)."""
    return pa.schema([(name, _ARROW[kind]) for name, kind in (part.strip().split(" ", 1) for part in schema.split(", "))])


def _batch(schema: str, columns: dict[str, list]) -> pa.RecordBatch:
    return pa.RecordBatch.from_pydict(columns, schema=arrow_schema(schema))


def _names(schema: str) -> list[str]:
    return arrow_schema(schema).names


def preparer(cfg: Any, learn: bool):
    """Record -> Document (as dedupe.io reads one), then language and rule-based strip (Workbench.prepare)."""
    from dedupe.io.fields import FieldMap
    from dedupe.io.records import RawRecord, Unreadable, build_document, unreadable_document
    from dedupe.engines.spark_chrome import page_columns

    fields = FieldMap.from_config(cfg.input)
    lcfg = cfg.strip.learned

    def prepare(batches):
        bench = workbench(cfg, False, None)
        for batch in batches:
            c = batch.to_pydict()
            docs = []
            for order, where, record, problem in zip(c["_order"], c["_where"], c["_record"], c["_problem"]):
                rec = json.loads(record) if record is not None else {}
                doc = None
                if problem is None:
                    try:
                        doc = build_document(RawRecord(where, rec), fields, cfg.input.max_chars, order)
                    except Unreadable as exc:
                        problem = exc.problem
                if doc is None:
                    doc = unreadable_document(where, problem, rec, fields, order)
                docs.append(doc)
            live = [d for d in docs if d.error is None]
            prepared = {d.input_order: d for d in bench.prepare(live)} if live else {}
            out: dict[str, list] = {n: [] for n in _names(PREPARED_SCHEMA)}
            for doc in docs:
                doc = prepared.get(doc.input_order, doc) if doc.error is None else doc
                out["_order"].append(doc.input_order)
                out["_doc"].append(dump(doc))
                out["_live"].append(doc.error is None)
                page = page_columns(doc, lcfg) if doc.error is None and learn else {}
                for name in ("_src", "_whole", "_hashes", "_body", "_more", "_short", "_long"):
                    out[name].append(page.get(name))
            yield _batch(PREPARED_SCHEMA, out)
    return prepare


def signer(cfg: Any, classify: bool):
    """Learned chrome applied, then signatures, exact keys, band keys, keep-policy and date order keys."""
    from dedupe.near import band_keys
    from dedupe.near.keep_policy import KeepPolicy
    from dedupe.near.settings import lsh_shape
    from dedupe.near.signer import Signer
    from dedupe.quality import context
    from dedupe.quality.context import _order_key
    from dedupe.engines.spark_chrome import chrome_keys
    from dedupe.strip import LearnedChrome

    chrome_stage = LearnedChrome(cfg.strip.learned)
    policy = KeepPolicy(cfg.keep_policy.source_priority if cfg.keep_policy else [])
    bands, rows = lsh_shape(cfg.near)
    with_text = bool(getattr(cfg.near, "verify_exact", False))
    ngram, mod = cfg.quality.containment_ngram, cfg.quality.containment_sample_mod

    def sign(batches):
        sign_all = Signer(cfg.near).sign_all
        for batch in batches:
            c = batch.to_pydict()
            docs = [load(d) for d in c["_doc"]]
            for doc, chrome in zip(docs, c["_chrome"]):
                if chrome:
                    chrome_stage.apply(doc, chrome_keys(doc, chrome, cfg.strip.learned.max_words))
            live = [i for i, d in enumerate(docs) if d.error is None]
            signed = sign_all([docs[i].text for i in live])
            keys = band_keys(signed.signatures, bands, rows) if live else np.empty((0, bands), dtype=np.uint64)
            out: dict[str, list] = {n: [] for n in _names(SIGNED_SCHEMA)}
            at = {i: k for k, i in enumerate(live)}
            sampled: list[list[int]] = [[] for _ in live]
            if classify and live:
                if hasattr(context, "batch_sampled_shingles"):  # the array path, equal to sampled_shingles
                    hashes, owner = context.batch_sampled_shingles([docs[i].text for i in live], ngram, mod)
                    cuts = np.searchsorted(owner, np.arange(len(live) + 1))
                    sampled = [signed64(hashes[cuts[k]:cuts[k + 1]]).tolist() for k in range(len(live))]
                else:
                    sampled = [signed64(sorted(context.sampled_shingles(docs[i].text, ngram, mod))).tolist()
                               for i in live]
            for i, doc in enumerate(docs):
                k = at.get(i)
                out["_order"].append(doc.input_order)
                out["_doc"].append(dump(doc))
                out["_live"].append(k is not None)
                out["_id"].append(doc.id)
                out["_kind"].append(signed.kinds[k] if k is not None else "empty")
                out["_exact"].append(int(signed64([signed.exact_keys[k]])[0]) if k is not None else 0)
                out["_size"].append(int(signed.sizes[k]) if k is not None else 0)
                out["_sig"].append(signed.signatures[k].tobytes() if k is not None else b"")
                out["_bands"].append(signed64(keys[k]).tolist() if k is not None else [])
                out["_keep"].append(sort_key(policy.key(doc)))
                out["_rank"].append(sort_key(_order_key(doc)))
                out["_sampled"].append(sampled[k] if k is not None else [])
                out["_text"].append(doc.text if with_text and k is not None else None)
            yield _batch(SIGNED_SCHEMA, out)
    return sign


def finisher(cfg: Any, classify: bool, model_path: str | None, reject_labels: dict[str, float], mark_only: bool):
    """Clusters marked, near facts, labels, the keep/reject decision; the output record of each document."""
    from dedupe.clusterlog import brief
    from dedupe.engines.spark_near import mark
    from dedupe.filtering import FilterJob
    from dedupe.quality.context import facts_of
    from dedupe.quality.sources import source_of

    holder = types.SimpleNamespace(reject_labels=dict(reject_labels))
    text_field = cfg.input.text_field

    def finish(batches):
        bench = workbench(cfg, classify, model_path)
        for batch in batches:
            c = batch.to_pydict()
            docs = [load(d) for d in c["_doc"]]
            live, facts = [], []
            for k, doc in enumerate(docs):
                if doc.error is not None:
                    continue
                mark(doc, c["_role"][k], c["_rep_id"][k], c["_csize"][k] or 1, c["_sim"][k] or 0.0, c["_cont"][k] or 0.0)
                if mark_only:  # dedupe.quality.prepare.MarkOnly: clusters found, nothing rejected
                    doc.decision, doc.reasons = None, []
                live.append(doc)
                if classify:
                    facts.append(facts_of(doc, bool(c["_earliest"][k]), c["_best"][k] or 0, c["_best_id"][k],
                                          c["_shared"][k] or 0, c["_sampled_n"][k] or 0))
            if classify and live:
                bench.classify(live, facts)
            FilterJob._decide(holder, live)  # type: ignore[arg-type]
            out: dict[str, list] = {n: [] for n in _names(FINISHED_SCHEMA)}
            for doc in docs:
                member = None
                if doc.duplicate_of is not None and doc.cluster is not None:
                    member = json.dumps(brief(doc) | {"similarity": doc.cluster.similarity,
                                                      "containment": doc.cluster.containment,
                                                      "reason": doc.reasons[0] if doc.reasons else None},
                                        ensure_ascii=False)
                out["_order"].append(doc.input_order)
                out["_doc"].append(dump(doc))
                out["_id"].append(doc.id)
                out["_decision"].append(doc.decision or "keep")
                out["_source"].append(source_of(doc) if doc.error is None else None)
                out["_rep_id"].append(doc.duplicate_of)
                out["_brief"].append(json.dumps(brief(doc), ensure_ascii=False))
                out["_member"].append(member)
                out["_dedupe"].append(json.dumps(doc.dedupe_fields(), ensure_ascii=False))
                out["_text"].append(doc.text if doc.error is None else None)
            yield _batch(FINISHED_SCHEMA, out)
    return finish


def source_scorer(cfg: Any):
    """One source's documents (in input order) through dedupe.quality.sources.SourceTally."""
    from dedupe.quality.sources import SourceTally

    def score(table: pa.Table) -> pa.Table:
        table = table.sort_by("_order")
        tally = SourceTally()
        for data in table.column("_doc").to_pylist():
            tally.add(load(data))
        rows = tally.rows(cfg)
        return pa.table({"source": [r["source"] for r in rows], "documents": [r["documents"] for r in rows],
                         "verdict": [r["verdict"] for r in rows],
                         "record": [json.dumps(r, ensure_ascii=False) for r in rows]},
                        schema=pa.schema([("source", pa.string()), ("documents", pa.int64()),
                                          ("verdict", pa.string()), ("record", pa.string())]))
    return score


def cluster_builder():
    """One cluster's members (in input order) and its representative's brief as the record dedupe
    clusters writes (dedupe.clusterlog's layout)."""

    def build(table: pa.Table) -> pa.Table:
        table = table.sort_by("_order")
        members = [json.loads(m) for m in table.column("_member").to_pylist()]
        rep = table.column("_rep_id")[0].as_py()
        record = {"cluster": rep, "size": 1 + len(members), "representative": json.loads(table.column("_rep_brief")[0].as_py()),
                  "members": members}
        return pa.table({"cluster": [rep], "size": [record["size"]], "first": [table.column("_order")[0].as_py()],
                         "record": [json.dumps(record, ensure_ascii=False)]},
                        schema=pa.schema([("cluster", pa.string()), ("size", pa.int64()), ("first", pa.int64()),
                                          ("record", pa.string())]))
    return build
