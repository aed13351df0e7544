"""List-likeness statistics: the marks of keyword lists, listings and boilerplate rather than prose.

Web text judged unnatural (HPLT's annotations) is often one long run of names, prices, phone
numbers and short comma-separated fragments, with no line breaks for the line-based Gopher rules to
see. These values read that shape from the words and punctuation alone, in any language and script.
"""

from __future__ import annotations

import regex

from dedupe.quality.patterns import HAS_LETTER, WORD

_REPEATED_LETTER = regex.compile(r"(\p{L})\1\1")
_PUNCT = regex.compile(r"\p{P}")
_SEGMENT_BREAK = regex.compile(r"[.!?؟…,،;؛:|•·/\-–—()\[\]\"«»“”。，、！？]+")
_PHONE = regex.compile(r"(?<!\d)\+?\d[\d \-]{7,}\d(?!\d)")
_WEB = regex.compile(r"https?://|www\.|\.(?:com|net|org|html?|php)\b|@\w", regex.IGNORECASE)
_ALL_CAPS = regex.compile(r"^\p{Lu}{2,}$")
_SCRIPTS = tuple(regex.compile(rf"\p{{{s}}}") for s in
                 ("Latin", "Arabic", "Cyrillic", "Han", "Greek", "Devanagari", "Bengali", "Hebrew", "Hangul",
                  "Hiragana", "Katakana", "Thai", "Armenian", "Georgian", "Ethiopic", "Tamil"))

LISTLIKE_STATS: dict[str, str] = {
    "text.short_word_share": "share of words of three characters or fewer (function words, in most languages)",
    "text.long_word_share": "share of words of twelve characters or more",
    "text.letter_repeat_share": "share of words with a letter written three times in a row (sooo, روووعة)",
    "text.number_token_share": "share of tokens without a letter (numbers, codes, prices)",
    "text.punct_rate": "punctuation marks per word",
    "text.segment_words": "mean words between punctuation marks (lists and menus have short segments)",
    "text.short_segment_share": "share of punctuation-delimited segments of three words or fewer",
    "text.phone_numbers": "phone-number-like digit runs",
    "text.web_addresses": "URLs, web addresses and @handles",
    "text.caps_word_share": "share of words written all in capitals",
    "text.script_mix": "share of letters outside the text's main script",
}


_WEB_HINTS = ("http", "www.", ".com", ".net", ".org", ".htm", ".php", "@")


def web_addresses(text: str) -> int:
    """URLs, web addresses and @handles (the regex runs only on text holding one of their marks)."""
    folded = text.casefold()
    if not any(h in folded for h in _WEB_HINTS):
        return 0
    return len(_WEB.findall(text))


def main_script_letters(text: str) -> int:
    """Characters of the text's most frequent script (of _SCRIPTS)."""
    return max(len(pattern.findall(text)) for pattern in _SCRIPTS)


def listlike_statistics(text: str) -> dict[str, float]:
    """The LISTLIKE_STATS values of one (cleaned) text."""
    tokens = WORD.findall(text)
    words = [w for w in tokens if HAS_LETTER.search(w)]
    n_words = max(len(words), 1)
    segments = [len(WORD.findall(s)) for s in _SEGMENT_BREAK.split(text)]
    segments = [n for n in segments if n]
    letters = len(HAS_LETTER.findall(text))
    repeats = sum(1 for w in words if _REPEATED_LETTER.search(w)) if _REPEATED_LETTER.search(text) else 0
    return {
        "text.short_word_share": sum(1 for w in words if len(w) <= 3) / n_words,
        "text.long_word_share": sum(1 for w in words if len(w) >= 12) / n_words,
        "text.letter_repeat_share": repeats / n_words,
        "text.number_token_share": (len(tokens) - len(words)) / len(tokens) if tokens else 0.0,
        "text.punct_rate": len(_PUNCT.findall(text)) / n_words,
        "text.segment_words": sum(segments) / len(segments) if segments else 0.0,
        "text.short_segment_share": sum(1 for n in segments if n <= 3) / len(segments) if segments else 0.0,
        "text.phone_numbers": float(len(_PHONE.findall(text))),
        "text.web_addresses": float(web_addresses(text)),
        "text.caps_word_share": sum(1 for w in words if _ALL_CAPS.match(w)) / n_words,
        "text.script_mix": max(0.0, 1.0 - main_script_letters(text) / letters) if letters else 0.0,
    }
