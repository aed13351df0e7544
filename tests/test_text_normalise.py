"""The normaliser: each Arabic rule, NFKC and casefold, idempotence, and the tokeniser on marks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.text import NORMALISER_VERSION, normalise, tokens


def test_tashkeel_and_tatweel_are_dropped():
    assert normalise("كَتَبَ الطَّالِبُ") == "كتب الطالب"
    assert normalise("مُحَمَّدٌ") == "محمد"
    assert normalise("هٰذا") == "هذا"  # superscript alef U+0670
    assert normalise("جمـــيل") == "جميل"  # tatweel U+0640


def test_alef_forms_unify_to_bare_alef():
    assert normalise("أحمد إبراهيم آمال ٱلله") == "احمد ابراهيم امال الله"


def test_yeh_waw_hamza_and_alef_maqsura():
    assert normalise("مستشفى") == "مستشفي"
    assert normalise("مؤتمر") == "موتمر"
    assert normalise("رئيس") == "رييس"


def test_ta_marbuta_fold_is_an_option():
    assert normalise("مدرسة") == "مدرسة"
    assert normalise("مدرسة", ta_marbuta=True) == "مدرسه"


def test_arabic_indic_and_persian_digits_become_ascii():
    assert normalise("عام ٢٠٢٤ و۱۴۰۳") == "عام 2024 و1403"


def test_arabic_punctuation_is_punctuation():
    assert normalise("نعم، لا؛ لماذا؟ «قال»") == 'نعم, لا; لماذا? "قال"'
    assert tokens(normalise("نعم، لا؛ لماذا؟ «قال»")) == ["نعم", "لا", "لماذا", "قال"]


def test_nfkc_and_casefold():
    assert normalise("ﻻ") == "لا"  # presentation form ligature
    assert normalise("Straße ＡＢＣ") == "strasse abc"
    assert normalise("ℌello") == "hello"  # NFKC gives an upper-case letter: casefold runs after it


def test_combining_hamza_does_not_break_idempotence():
    once = normalise("ى\u0654")  # alef maqsura + combining hamza above
    assert normalise(once) == once


def test_regex_tokens_keep_words_with_marks_whole():
    # Marks that survive normalising (here a Latin combining accent) stay inside the token.
    assert tokens("cafe\u0301 noir") == ["cafe\u0301", "noir"]
    assert tokens("\u0643\u064e\u062a\u064e\u0628\u064e") == ["\u0643\u064e\u062a\u064e\u0628\u064e"]
    import re

    assert re.findall(r"\w+", "cafe\u0301 noir") == ["cafe", "noir"]  # why `regex`: stdlib drops the mark
    assert tokens(normalise("الطَّالِبُ_الأول")) == ["الطالب_الاول"]


def test_version_is_a_string():
    assert isinstance(NORMALISER_VERSION, str) and NORMALISER_VERSION


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_idempotent_and_total(text):
    once = normalise(text)
    assert normalise(once) == once
    twice_tm = normalise(normalise(text, ta_marbuta=True), ta_marbuta=True)
    assert twice_tm == normalise(text, ta_marbuta=True)


arabic_chars = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(arabic_chars, st.sampled_from(" \n.،"), st.characters(min_codepoint=0xFB50, max_codepoint=0xFEFF))))
def test_idempotent_on_arabic_blocks(text):
    once = normalise(text)
    assert normalise(once) == once
