"""Quality signals on real text: seeds, Arabic news pairs, and small fixtures written for the project."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from conftest import FIXTURES, shared_path
from dedupe.document import Cluster, Document
from dedupe.quality.context import batch_near_facts
from dedupe.lang import line_language_mix
from dedupe.quality.mt import mt_indicators
from dedupe.quality.signals import FLAG_RULES, SIGNALS, SignalSettings, compute_signals
from dedupe.quality.textstats import text_statistics

QUALITY = FIXTURES / "quality"


def seed_text(seeds_dir: Path, number: str) -> str:
    return next(seeds_dir.glob(f"{number}_*.txt")).read_text(encoding="utf-8")


def test_every_signal_has_a_stable_name_and_meaning():
    assert all(name.split(".")[0] in {"strip", "near", "text", "mt"} for name in SIGNALS)
    assert all(SIGNALS[name] for name in SIGNALS)
    assert all(feature in SIGNALS or feature == "text.words" for feature, _ in FLAG_RULES.values())


def test_arabic_lines_ending_in_arabic_marks_count_as_punctuated():
    text = (QUALITY / "arabic_punctuation.txt").read_text(encoding="utf-8")
    arabic = text_statistics(text, "ar")
    english_rules = text_statistics(text, "en")
    assert arabic["text.punct_line_end"] == pytest.approx(4 / 5)  # ؟ ، ؛ . end four of five lines
    assert english_rules["text.punct_line_end"] == pytest.approx(1 / 5)  # only the full stop


def test_arabic_text_is_never_measured_with_english_stopwords():
    text = "the of and في من على"
    assert text_statistics(text, "ar")["text.stopword_density"] == pytest.approx(3 / 6)
    assert text_statistics(text, "en")["text.stopword_density"] == pytest.approx(3 / 6)
    assert text_statistics("في من على", "en")["text.stopword_density"] == 0.0
    assert text_statistics("word list", "xx")["text.has_stopword_list"] == 0.0


def test_repetition_statistics_see_repeated_lines_and_ngrams():
    line = "buy cheap phones online today best price free delivery"
    stats = text_statistics("\n".join([line] * 4 + ["a different closing line with other words in it"]), "en")
    assert stats["text.dup_line_share"] > 0.7
    assert stats["text.dup_5gram_share"] > 0.7


def test_seed_003_has_an_untranslated_interface_string(seeds_dir):
    text = seed_text(seeds_dir, "003")
    values, evidence = mt_indicators(text, text, "ar")
    assert values["mt.untranslated_ui"] == 1
    assert any("Exit mobile version" in e for e in evidence)
    assert values["mt.wrong_quotes"] == 1.0  # “ ” instead of « » or "


def test_seed_004_has_placeholder_calques_and_a_foreign_byline(seeds_dir):
    text = seed_text(seeds_dir, "004")
    values, evidence = mt_indicators(text, text, "ar")
    assert values["mt.placeholder"] == 1
    assert values["mt.calque"] >= 1
    assert values["mt.foreign_byline"] == 1
    assert any("حمام السباحة" in e for e in evidence)
    assert any("جابان تايمز" in e for e in evidence)


def test_seed_002_quotes_before_the_speaker(seeds_dir):
    values, _ = mt_indicators(seed_text(seeds_dir, "002"), seed_text(seeds_dir, "002"), "ar")
    assert values["mt.postposed_attribution"] > 0.3


def test_mt_indicators_do_not_fire_on_human_arabic_news():
    path = shared_path("data", "arabic-news", "articles.jsonl")
    articles = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[:60]]
    fired = 0
    for a in articles:
        values, _ = mt_indicators(a["text"], a["text"], "ar")
        fired += values["mt.calque"] > 0 or values["mt.placeholder"] > 0 or values["mt.untranslated_ui"] > 0
    assert fired <= 2


def test_mt_indicators_only_count_in_arabic_script_text(seeds_dir):
    values, evidence = mt_indicators(seed_text(seeds_dir, "004"), seed_text(seeds_dir, "004"), "en")
    assert not any(values.values()) and not evidence


def test_a_german_paragraph_in_english_text_is_language_mixing():
    text = (QUALITY / "mixed_language.txt").read_text(encoding="utf-8")
    assert line_language_mix(text, "en", min_letters=40) == pytest.approx(1 / 4)
    assert line_language_mix(text, "en", min_letters=40) == line_language_mix(text, "en", min_letters=40)


def test_latin_lines_in_arabic_text_are_language_mixing(seeds_dir):
    # the lines of the first 2,000 characters are read (sample_chars)
    text = "This whole line was left in English by the site template here.\n" + seed_text(seeds_dir, "000")
    assert line_language_mix(text, "ar", min_letters=40) > 0
    assert line_language_mix(seed_text(seeds_dir, "000"), "ar", min_letters=40) == 0


def _news_pairs() -> tuple[dict[str, dict], list[dict]]:
    root = shared_path("data", "arabic-news")
    articles = {}
    for line in (root / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        a = json.loads(line)
        articles[a["id"]] = a
    with (root / "pairs.csv").open(encoding="utf-8") as fh:
        pairs = [r for r in csv.DictReader(fh) if all(i in articles for i in r["pair_id"].split("_"))]
    return articles, pairs


def test_containment_finds_agency_copy_shared_by_two_outlets():
    articles, pairs = _news_pairs()
    copied = max(pairs, key=lambda r: float(r["containment5"]))
    unrelated = min(pairs, key=lambda r: (float(r["containment5"]), r["pair_id"]))
    for pair, low, high in ((copied, 0.4, 1.0), (unrelated, 0.0, 0.05)):
        a, b = (articles[i] for i in pair["pair_id"].split("_"))
        docs = [Document(id=a["id"], text=a["text"], input_order=0), Document(id=b["id"], text=b["text"], input_order=1)]
        facts = batch_near_facts(docs, sample_mod=1)
        assert low <= max(f.shared_copy for f in facts) <= high
        assert facts[0].containment == 0.0  # nothing is earlier than the first document
        assert facts[1].containment == pytest.approx(facts[1].shared_copy)


def test_cluster_rank_by_date_marks_first_publisher_and_later_copies():
    cluster = Cluster("c1", 3, "b", 0.9)
    docs = [Document(id="a", text="x", published="2024-03-11T10:00:00+03:00", cluster=cluster, input_order=0),
            Document(id="b", text="y", published="2024-03-10T09:00:00+03:00", cluster=cluster, input_order=1),
            Document(id="c", text="z", published=None, cluster=cluster, input_order=2),
            Document(id="d", text="w", input_order=3)]
    facts = batch_near_facts(docs)
    assert [f.first_publisher for f in facts] == [False, True, False, False]
    assert [f.later_copy for f in facts] == [True, False, True, False]
    assert facts[0].values()["near.cluster_size_log"] == pytest.approx(1.585, abs=1e-3)


def test_compute_signals_raises_named_flags_from_config_thresholds(seeds_dir):
    text = seed_text(seeds_dir, "004")
    doc = Document(id="004", text=text, lang="ar")
    flags = {"mt:calque": 1, "mt:foreign-byline": 1, "mt:translated-placeholder": 1, "text:short": 50}
    signals = compute_signals(doc, None, SignalSettings(flags=flags))
    assert {"mt:calque", "mt:foreign-byline", "mt:translated-placeholder"} <= set(signals.flags)
    assert "text:short" not in signals.flags
    assert set(signals.values) == set(SIGNALS)
    none = compute_signals(doc, None, SignalSettings(flags={}))
    assert none.flags == []
