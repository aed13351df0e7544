"""The default model shipped in the package: loads, is small, and labels the seeds as DESIGN.md says."""

from __future__ import annotations

import json

import pytest

from conftest import shared_path
from dedupe.config import load_config
from dedupe.document import Document
from dedupe.pipeline import run_pipeline
from dedupe.quality import LABELS, Classifier, default_model_path
from dedupe.quality.features import FEATURE_VERSION
from dedupe.quality.prepare import preparation_stages

# DESIGN.md's seeds table: what each seed must come out as, and the signals that explain it
EXPECTED = {
    "000": ({"syndicated"}, {"wire:tass", "autoblog:wp-automatic"}),
    "001": ({"machine_translated"}, {"forum:xenforo"}),
    "002": ({"syndicated", "machine_translated"}, {"prwire:seaprwire"}),
    "003": ({"machine_translated"}, {"mt:untranslated-ui"}),
    "004": ({"syndicated", "machine_translated"}, {"mt:translated-placeholder", "mt:calque", "wire:reuters"}),
}


@pytest.fixture(scope="module")
def classified_seeds():
    seeds_dir = shared_path("seeds")
    cfg = load_config()
    docs = [Document(id=p.name[:3], text=p.read_text(encoding="utf-8"), input_order=i)
            for i, p in enumerate(sorted(seeds_dir.glob("*.txt")))]
    stages = [*preparation_stages(cfg, near=True), Classifier.load(cfg=cfg.quality)]
    return {d.id: d for d in run_pipeline(docs, stages)}


def test_default_model_is_in_the_package_small_and_current():
    path = default_model_path()
    assert path.exists()
    assert path.stat().st_size < 3_000_000
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["feature_version"] == FEATURE_VERSION
    assert data["labels"] == list(LABELS)
    assert "hplt" in data["metadata"]["data"]


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_seeds_come_out_as_the_design_says(classified_seeds, seed):
    doc = classified_seeds[seed]
    labels, signals = EXPECTED[seed]
    for label in labels:
        assert doc.labels[label] >= 0.5, (label, doc.labels)
    assert doc.labels["low_quality"] < 0.5
    assert signals <= set(doc.signals), doc.signals
    assert any(line.startswith(tuple(labels)) for line in doc.explanation)


def test_explanations_name_the_evidence(classified_seeds):
    explained = "\n".join(classified_seeds["004"].explanation)
    assert "حمام السباحة" in explained
    assert "[إعلان رقم 2]" in explained


def test_classifying_twice_gives_the_same_labels(classified_seeds):
    seeds_dir = shared_path("seeds")
    cfg = load_config()
    path = sorted(seeds_dir.glob("*.txt"))[3]
    again = list(run_pipeline([Document(id="003", text=path.read_text(encoding="utf-8"))],
                              [*preparation_stages(cfg), Classifier.load(cfg=cfg.quality)]))[0]
    assert again.labels["machine_translated"] == pytest.approx(classified_seeds["003"].labels["machine_translated"], abs=0.05)


def test_human_written_web_articles_are_mostly_not_flagged():
    """Real pages (extraction benchmark gold bodies): few machine-translated or low-quality calls."""
    gold = json.loads(shared_path("data", "extraction-aeb", "ground-truth.json").read_text(encoding="utf-8"))
    cfg = load_config()
    docs = [Document(id=k, text=v["articleBody"], input_order=i)
            for i, (k, v) in enumerate(sorted(gold.items())[:60]) if v.get("articleBody")]
    out = list(run_pipeline(docs, [*preparation_stages(cfg), Classifier.load(cfg=cfg.quality)]))
    low = sum(d.labels["low_quality"] >= 0.5 for d in out)
    assert low <= 0.1 * len(out)
