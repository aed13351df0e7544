"""The WMT 2008-2018 documents of mt-de-en/train-docs as training rows, and the year-held-out figures
scripts/mt_transfer.py recorded for machine_translated trained on them."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from conftest import shared_path
from dedupe.quality.corpora import wmt_de_en_years
from dedupe.quality.features import FEATURE_VERSION

RECORDED = Path(__file__).resolve().parent.parent / "benchmarks" / "mt-transfer.json"


@pytest.fixture(scope="module")
def wmt_years():
    return wmt_de_en_years(shared_path("data", "mt-de-en"))


def test_every_year_and_system_is_read_with_its_label(wmt_years):
    kinds = Counter((e.doc.record["year"], e.doc.record["system"]) for e in wmt_years)
    assert sorted({y for y, _ in kinds}) == list(range(2008, 2019))
    for year in range(2008, 2019):
        # both systems translated every document a human text of that year has
        human = kinds[(year, "human")] + kinds[(year, "original")]
        assert kinds[(year, "deepl")] == kinds[(year, "google")] == human > 0, year
    assert kinds[(2008, "original")] == 0 and kinds[(2018, "human")] == 0  # files the data set does not have
    for e in wmt_years:
        assert e.targets == {"machine_translated": int(e.doc.record["system"] in ("deepl", "google"))}
        assert e.doc.lang == "en" and e.doc.text.strip() and "\n" not in e.doc.text


def test_a_group_is_one_source_document_in_its_three_versions(wmt_years):
    groups = defaultdict(list)
    for e in wmt_years:
        groups[e.group].append(e)
    for members in groups.values():
        assert sorted(e.doc.record["system"] for e in members) in (["deepl", "google", "human"],
                                                                   ["deepl", "google", "original"])
        assert len({e.doc.record["year"] for e in members}) == 1
        lengths = sorted(len(e.doc.text) for e in members)
        assert lengths[0] > 0.5 * lengths[-1]  # aligned: translations of one text are of similar length


def test_deepl_documents_broken_over_two_lines_are_joined(wmt_years):
    # the DeepL files of 2010 (German side) and 2015 and 2018 (English side) break documents at a stray
    # newline; joined, each DeepL text is about as long as Google's translation of the same document
    texts = {e.doc.id: e.doc.text for e in wmt_years}
    for year, side in ((10, "de"), (15, "en"), (18, "en")):
        ids = [k for k in texts if k.startswith(f"wmt{year}-{side}:") and k.endswith(":deepl")]
        assert ids
        for k in ids:
            ratio = len(texts[k]) / len(texts[k.replace(":deepl", ":google")])
            assert 0.9 < ratio < 1.12, (k, ratio)


def test_the_recorded_figures_state_every_held_out_year():
    # benchmarks/mt-transfer.json: `scripts/mt_transfer.py --balanced` (docs/model-card.md quotes it)
    report = json.loads(RECORDED.read_text(encoding="utf-8"))
    assert report["feature_version"] == FEATURE_VERSION
    assert report["settings"]["balanced"] is True and report["threshold"] == 0.5
    assert {"all", "deepl", "google", "docs/"} <= set(report["dev_wmt18"])
    years = report["leave_one_year_out"]
    assert set(years) == {"all years", *(str(y) for y in range(2008, 2018))}
    for year, slices in years.items():
        for name in ("all", "deepl", "google"):
            assert 0.0 <= slices[name]["accuracy"] <= 1.0 and 0.0 <= slices[name]["roc_auc"] <= 1.0, (year, name)
    assert years["all years"]["all"]["n"] == sum(years[str(y)]["all"]["n"] for y in range(2008, 2018))
    assert {"deepl->google", "google->deepl"} <= set(report["cross_system"])
    fp = report["human_text_false_positives"]
    assert {"hplt-natural:en", "hplt-natural:ar", "extraction-aeb", "arabic-news"} <= set(fp)
    assert {"mt-ar:speech", "mt-ar:news", "mt-ar:social", "arabic-news"} <= set(report["arabic"])
