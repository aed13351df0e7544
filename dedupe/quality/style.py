"""Writing-style statistics: punctuation habits and sentence rhythm, the cues of translationese.

Machine translation keeps the source's sentence boundaries and writes plain typography (a spaced
hyphen where a person types an en dash), so its sentences vary less in length and its punctuation
follows the source rather than the target language's habits. Every value is a rate per word or per
sentence, so long and short documents compare; none depends on the document's language.
"""

from __future__ import annotations

import math

import regex

from dedupe.quality.patterns import TYPO_DASH, WORD

_SENTENCE_SPLIT = regex.compile(r"(?<=[.!?؟…。！？])\s+")
_CONTRACTION = regex.compile(r"(?<=\p{L})['’](?:[sS]|[tT]|[rR][eE]|[vV][eE]|[lL][lL]|[dD]|[mM])\b")
_QUOTE = regex.compile(r"[\"“”„«»]")

STYLE_STATS: dict[str, str] = {
    "text.typo_dash_rate": "en and em dashes (– —) per 100 words: typeset by people, rarely by MT",
    "text.sentence_cv": "variation of sentence length (standard deviation over mean words per sentence)",
    "text.long_sentence_share": "share of sentences of 30 words or more",
    "text.comma_rate": "commas per word (Arabic ، included)",
    "text.contraction_rate": "contractions (it's, don't) per 100 words",
    "text.colon_rate": "colons per 100 words",
    "text.paren_rate": "opening parentheses per 100 words",
    "text.quote_rate": "quotation marks per 100 words",
}


def style_statistics(text: str) -> dict[str, float]:
    """The STYLE_STATS values of one (cleaned) text."""
    n_words = len(WORD.findall(text))
    per_word = 1.0 / max(n_words, 1)
    lengths = [len(WORD.findall(s)) for s in _SENTENCE_SPLIT.split(text)]
    lengths = [n for n in lengths if n]
    mean = sum(lengths) / len(lengths) if lengths else 0.0
    spread = math.sqrt(sum((n - mean) ** 2 for n in lengths) / len(lengths)) if lengths else 0.0
    return {
        "text.typo_dash_rate": 100.0 * len(TYPO_DASH.findall(text)) * per_word,
        "text.sentence_cv": spread / mean if mean else 0.0,
        "text.long_sentence_share": sum(1 for n in lengths if n >= 30) / len(lengths) if lengths else 0.0,
        "text.comma_rate": (text.count(",") + text.count("،")) * per_word,
        "text.contraction_rate": 100.0 * len(_CONTRACTION.findall(text)) * per_word,
        "text.colon_rate": 100.0 * text.count(":") * per_word,
        "text.paren_rate": 100.0 * (text.count("(") + text.count("（")) * per_word,
        "text.quote_rate": 100.0 * len(_QUOTE.findall(text)) * per_word,
    }
