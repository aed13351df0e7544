"""Writing-style and list-likeness statistics on small fixtures written for the project and on real data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES, shared_path
from dedupe.quality import corpora
from dedupe.quality.listlike import LISTLIKE_STATS, listlike_statistics
from dedupe.quality.style import STYLE_STATS, style_statistics

QUALITY = FIXTURES / "quality"


def fixture_text(name: str) -> str:
    return (QUALITY / name).read_text(encoding="utf-8")


def test_every_statistic_is_named_and_measured():
    assert set(style_statistics("One sentence. Another one.")) == set(STYLE_STATS)
    assert set(listlike_statistics("One sentence. Another one.")) == set(LISTLIKE_STATS)
    empty = {**style_statistics(""), **listlike_statistics("")}
    assert all(v == 0.0 for v in empty.values())


def test_a_keyword_list_is_list_like_and_prose_is_not():
    listing, prose = listlike_statistics(fixture_text("listing.txt")), listlike_statistics(fixture_text("prose.txt"))
    assert listing["text.phone_numbers"] == 2
    assert listing["text.web_addresses"] >= 1 and prose["text.web_addresses"] == 0
    assert listing["text.segment_words"] < 4 < prose["text.segment_words"]
    assert listing["text.short_segment_share"] > 0.5 > prose["text.short_segment_share"]
    assert listing["text.caps_word_share"] > 0.05 and prose["text.caps_word_share"] == 0
    assert listing["text.short_word_share"] < prose["text.short_word_share"]  # few function words in a list


def test_typeset_prose_and_a_flat_rewrite_differ_in_dashes_and_rhythm():
    typeset, plain = style_statistics(fixture_text("dashes-typeset.txt")), style_statistics(fixture_text("dashes-plain.txt"))
    assert typeset["text.typo_dash_rate"] > 0 and plain["text.typo_dash_rate"] == 0
    assert typeset["text.sentence_cv"] > plain["text.sentence_cv"] + 0.3
    assert typeset["text.long_sentence_share"] > 0 and plain["text.long_sentence_share"] == 0


def test_contractions_repeated_letters_and_mixed_scripts():
    assert style_statistics("It's late and we don't know. It is late.")["text.contraction_rate"] == pytest.approx(100 * 2 / 9)
    stats = listlike_statistics("روووعة جدا جدا شكرا sooo good")
    assert stats["text.letter_repeat_share"] == pytest.approx(2 / 6)
    assert stats["text.script_mix"] == pytest.approx(8 / 24)  # 8 Latin letters of 24
    greek = listlike_statistics("Καλημέρα σας, φίλοι μου")
    assert greek["text.script_mix"] == 0.0  # a script outside the first four counted is still found


def test_unnatural_hplt_snippets_are_more_list_like_than_natural_ones():
    """HPLT annotators' `unnatural` rows: shorter punctuation-delimited segments, on average, in 22 languages."""
    rows = [json.loads(line) for line in
            shared_path("data", "hplt-quality", "annotations.jsonl").read_text(encoding="utf-8").splitlines()]
    stats = {flag: [listlike_statistics(r["text_show"]) for r in rows if r["unnatural"] == flag] for flag in (True, False)}

    def mean(flag: bool, name: str) -> float:
        return sum(s[name] for s in stats[flag]) / len(stats[flag])

    assert mean(True, "text.short_segment_share") > mean(False, "text.short_segment_share") + 0.08
    assert mean(True, "text.segment_words") < mean(False, "text.segment_words") - 1.0
    assert mean(True, "text.number_token_share") > mean(False, "text.number_token_share")


def test_human_translators_typeset_dashes_and_machine_translation_does_not():
    """WMT18 de->en documents: the human references use en dashes, Google and DeepL output (almost) never."""
    examples = corpora.mt_de_en(Path(shared_path("data", "mt-de-en")))
    with_dash = {"human": 0, "google": 0, "deepl": 0}
    for e in examples:
        with_dash[e.doc.record["system"]] += style_statistics(e.doc.text)["text.typo_dash_rate"] > 0
    assert with_dash["human"] >= 25
    assert with_dash["google"] + with_dash["deepl"] <= 3
