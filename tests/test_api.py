"""The Python API (`from dedupe import ...`): the same results as the CLI, on records or Documents, in input order."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import dedupe
from conftest import FIXTURES
from dedupe import Config, Document, Index, clean, filter, gate
from dedupe.errors import ConfigError, InputError

SAMPLE = FIXTURES / "sample" / "corpus.jsonl"


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory) -> tuple[list[dict], list[dict]]:
    out = tmp_path_factory.mktemp("cli")
    kept, rejects = out / "kept.jsonl", out / "rejects.jsonl"
    proc = subprocess.run([sys.executable, "-m", "dedupe", "filter", str(SAMPLE), "-o", str(kept), "--rejects",
                           str(rejects), "--no-classify", "-q"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    read = lambda p: [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines()]  # noqa: E731
    return read(kept), read(rejects)


def test_filter_on_dicts_gives_the_cli_records_in_input_order(records, cli_run) -> None:
    docs = list(filter(records, classify=False))
    assert [d.id for d in docs] == [r["id"] for r in records]
    assert all(d.decision in ("keep", "reject") for d in docs)
    kept, rejected = cli_run
    assert [d.to_record() for d in docs if d.decision == "keep"] == kept
    assert [d.to_record() for d in docs if d.decision == "reject"] == rejected


def test_filter_takes_documents_and_field_options(records) -> None:
    renamed = [{"key": r["id"], "body": r["text"], "link": r.get("url")} for r in records]
    by_fields = [(d.id, d.decision, d.reasons) for d in filter(renamed, classify=False, text_field="body",
                                                                 id_field="key", url_field="link")]
    as_docs = [Document(id=r["id"], text=r["text"], url=r.get("url")) for r in records]
    by_docs = [(d.id, d.decision, d.reasons) for d in filter(as_docs, classify=False)]
    assert by_fields == by_docs and sum(1 for _, decision, _ in by_docs if decision == "reject") == 14


def test_run_figures_and_a_growing_index(records, tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite"
    run = filter(records, classify=False, index=store)
    assert len(list(run)) == 30
    assert run.summary.kept == 16 and run.totals["added_to_index"] == 16
    with Index.open(store) as index:
        assert len(index) == 16
    again = filter(records[:5], classify=False, index=str(store))
    assert {d.decision for d in again} == {"reject"}


def test_a_run_stopped_early_adds_nothing_to_the_index(records, tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite"
    cfg = Config.from_dict({"filter": {"batch_docs": 10}})
    with filter(records, cfg, classify=False, index=store) as run:
        for n, _ in enumerate(run):
            if n == 15:
                break
    with Index.open(store, cfg) as index:
        assert len(index) == 0


def test_records_that_cannot_be_read(records) -> None:
    bad = [records[0], {"id": "x", "text": ""}, "not a record"]
    with pytest.raises(InputError, match=r"<records>:2: empty text"):
        list(filter(bad, classify=False))
    docs = list(filter(bad, classify=False, on_error="skip"))
    assert [(d.where, d.reasons) for d in docs[1:]] == [("<records>:2", ["unreadable"]), ("<records>:3", ["unreadable"])]
    assert docs[2].error == "record is not a mapping (got str)"


def test_clean_strips_and_says_why() -> None:
    [doc] = clean([{"id": "x", "text": "[ad_1]\nThe story itself, told at length in a sentence of words."}])
    assert doc.text == "The story itself, told at length in a sentence of words."
    assert [(r.rule, r.category) for r in doc.removed] == [("wp-automatic.ad-slot", "ad_marker")]


def test_config_from_toml_from_dict_and_in_code(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[near]\nthreshold = 0.8\n[gate]\nmax_duplicate_rate = 0.1\n", encoding="utf-8")
    cfg = Config.from_toml(path)
    assert (cfg.near.threshold, cfg.gate.max_duplicate_rate) == (0.8, 0.1)
    assert Config.from_dict({"gate": {"max_rate": {"low_quality": 0.2}}}).gate.max_rate == {"low_quality": 0.2}
    cfg = Config.defaults()
    cfg.gate.min_documents = 31
    assert not gate([{"id": "a", "text": "one document"}], cfg, classify=False)
    with pytest.raises(ConfigError, match="unknown setting 'nope'"):
        Config.from_dict({"near": {"nope": 1}})


def test_gate_result(records) -> None:
    result = gate(records, classify=False, max_duplicate_rate=0.3)
    assert not result.passed and [c.name for c in result.failed] == ["max_duplicate_rate"]
    assert result.figures["duplicate_rate"] == round(14 / 30, 6)
    assert result.to_dict()["failed"] == ["max_duplicate_rate"]
    assert gate(records, classify=False, max_duplicate_rate=0.5).passed


def test_index_add_query_stats(records, tmp_path: Path) -> None:
    cleaned = list(clean(records))
    with Index.open(tmp_path / "i.sqlite") as index:
        assert index.add(cleaned[:1]) == 1
        matches = index.query(cleaned)
        assert matches[0].id == records[0]["id"] and matches[0].reason == "exact_duplicate"
        # the matches are the first document's cluster, as the filter finds it
        docs = list(filter(records, classify=False))
        cluster = {d.id for d in docs if d.cluster and d.cluster.id == docs[0].cluster.id}
        assert {records[i]["id"] for i, m in enumerate(matches) if m} == cluster and len(cluster) == 4
        assert index.stats()["documents"] == 1


def test_names_are_reexported() -> None:
    assert dedupe.filter is dedupe.api.filter and dedupe.Config is dedupe.config.Config
    with pytest.raises(AttributeError):
        dedupe.nothing_here  # noqa: B018


def test_report_writes_the_page_and_its_json_without_growing_an_index(records, tmp_path: Path) -> None:
    page, data_file = tmp_path / "report.html", tmp_path / "report.json"
    data = dedupe.report(records, classify=False, html=page, json=data_file)
    assert data["summary"]["documents"] == 30 and data["summary"]["clusters"] == 6
    assert json.loads(data_file.read_text(encoding="utf-8"))["summary"] == data["summary"]
    text = page.read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html") and "Content-Security-Policy" in text


def test_batches_know_their_last_one_reading_a_single_document_ahead() -> None:
    """The scratch index skips the last batch, so the job must know it without reading a batch ahead."""
    from dedupe.filtering import _batches

    pulled: list[int] = []

    def docs():
        for i in range(7):
            pulled.append(i)
            yield Document(id=str(i), text=f"text {i}")

    seen = []
    for batch, last in _batches(docs(), 3):
        seen.append(([d.id for d in batch], last, len(pulled)))
    assert seen == [(["0", "1", "2"], False, 4), (["3", "4", "5"], False, 7), (["6"], True, 7)]
    assert list(_batches(iter([]), 3)) == []


def test_a_run_without_an_index_finds_copies_across_batches_and_keeps_none_twice(records) -> None:
    cfg = Config.from_dict({"filter": {"batch_docs": 7}})
    whole = {d.id: d.cluster.id if d.cluster else d.id for d in filter(records, classify=False)}
    batched = filter(records, cfg, classify=False)
    decided = {d.id: d.decision for d in batched}
    kept_per_story = Counter(whole[i] for i, decision in decided.items() if decision == "keep")
    assert batched.totals["batches"] == 5 and set(kept_per_story.values()) == {1}
    assert len(kept_per_story) == len(set(whole.values()))  # one copy of every story stays
    # every batch but the last joined the run's scratch index; the last one is never read again
    assert 0 < batched.totals["added_to_index"] < sum(1 for v in decided.values() if v == "keep")
