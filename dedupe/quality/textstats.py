"""Text statistics in the spirit of Gopher, C4 and FineWeb-2: length, repetition, punctuation, stopwords.

Every rule is per language: Arabic lines may end in ؟ ، ؛ and Arabic text is measured against Arabic
function words, never English ones. A language without a stopword list gets no stopword density.
"""

from __future__ import annotations

import math
from collections import Counter

import regex

from dedupe.lang import ARABIC_SCRIPT_LANGS
from dedupe.quality.codepoints import simple_fold
from dedupe.quality.lexicon import load_lexicon
from dedupe.quality.patterns import HAS_LETTER, TYPO_DASH, WORD

_NONSPACE = regex.compile(r"\S")
_LETTER_OR_MARK = regex.compile(r"[\p{L}\p{M}]")
_DIGIT = regex.compile(r"\p{N}")
_TASHKEEL = regex.compile(r"[\u064B-\u065F\u0670\u0640]")
_BULLET = regex.compile(r"^\s*(?:[•·●▪■◦‣∙*\-–—]|\d+[.)])\s")
_ELLIPSIS_END = regex.compile(r"(?:\.\.\.|…)\s*$")

# line-final marks that close a sentence; Arabic adds its own question mark, comma and semicolon
_SENTENCE_END = regex.compile(r"[.!?؟…]+(?=\s|$)")
_ASCII_DASH = regex.compile(r"(?<=\S) - (?=\S)")
_SEPARATOR = regex.compile(r"(?:^|\s)[|•·›»/](?=\s|$)")

_END_LATIN = frozenset('.!?…:;"\'”»)]')
_END_ARABIC = frozenset('.!?…:;"\'”»)]؟،؛۔')

TEXT_STATS: dict[str, str] = {
    "text.words_log": "log(1 + number of words)",
    "text.mean_word_len": "mean word length in characters",
    "text.punct_line_end": "share of lines ending in sentence punctuation (Arabic ؟ ، ؛ included)",
    "text.short_line_share": "share of lines with fewer than four words",
    "text.dup_line_share": "share of line characters in lines that occur more than once",
    "text.top_2gram_share": "share of word characters in the most frequent word 2-gram",
    "text.dup_5gram_share": "share of word characters inside repeated word 5-grams",
    "text.symbol_ratio": "hash signs and ellipses per word",
    "text.nonletter_ratio": "share of non-space characters that are not letters",
    "text.digit_ratio": "share of non-space characters that are digits",
    "text.bullet_line_share": "share of lines starting with a bullet",
    "text.ellipsis_line_share": "share of lines ending in an ellipsis",
    "text.stopword_density": "share of words that are function words of the document's language",
    "text.has_stopword_list": "1 when the document's language has a function-word list",
    "text.curly_brace": "1 when the text contains { or } (code or template left in)",
    "text.mattr": "moving-average type-token ratio over 100-word windows (lexical variety)",
    "text.sentence_words": "mean words per sentence",
    "text.semicolons": "semicolons per sentence",
    "text.capitalised_share": "share of words in a cased script that start with a capital letter "
                              "(0 when under a tenth of the words are in a cased script, as in Arabic text)",
    "text.separator_ratio": "menu and breadcrumb separators (| • · › » /) per word",
    "text.top_word_share": "share of words that are the most frequent word",
    "text.ascii_dash_share": "share of dashes between words written as a spaced ASCII hyphen rather than – or —",
}


def _norm_word(word: str, lang: str | None) -> str:
    """Arabic script: tashkeel and tatweel dropped; other scripts: each character case-folded alone."""
    if lang in ARABIC_SCRIPT_LANGS:
        return _TASHKEEL.sub("", word)
    return simple_fold(word)


def _repeated_ngram_share(words: list[str], n: int) -> float:
    """Gopher's duplicate n-gram character fraction: characters of words covered by any repeated n-gram."""
    if len(words) < n + 1:
        return 0.0
    grams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
    counts = Counter(grams)
    covered = [False] * len(words)
    for i, gram in enumerate(grams):
        if counts[gram] > 1:
            for j in range(i, i + n):
                covered[j] = True
    total = sum(len(w) for w in words)
    return sum(len(w) for w, c in zip(words, covered) if c) / total if total else 0.0


def _top_ngram_share(words: list[str], n: int) -> float:
    if len(words) < n + 1:
        return 0.0
    counts = Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    gram, count = counts.most_common(1)[0]
    if count < 2:
        return 0.0
    total = sum(len(w) for w in words)
    return count * sum(len(w) for w in gram) / total if total else 0.0


def moving_type_token_ratio(words: list[str], window: int = 100, step: int = 10) -> float:
    """Mean share of distinct words in sliding windows, so long and short texts compare (MATTR)."""
    if not words:
        return 0.0
    if len(words) <= window:
        return len(set(words)) / len(words)
    ratios = [len(set(words[i : i + window])) / window for i in range(0, len(words) - window + 1, step)]
    return sum(ratios) / len(ratios)


def text_statistics(text: str, lang: str | None) -> dict[str, float]:
    """The TEXT_STATS values of one (cleaned) text in language `lang`, plus the raw `text.words` count."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    tokens = WORD.findall(text)
    words = [w for w in tokens if HAS_LETTER.search(w)]
    normed = [_norm_word(w, lang) for w in words]
    n_words = len(words)
    nonspace = len(_NONSPACE.findall(text)) or 1
    ends = _END_ARABIC if lang in ARABIC_SCRIPT_LANGS else _END_LATIN
    n_lines = len(lines) or 1

    line_counts = Counter(lines)
    line_chars = sum(len(line) for line in lines) or 1
    dup_line_chars = sum(len(line) * c for line, c in line_counts.items() if c > 1)

    stopwords = load_lexicon().stopwords.get(lang or "")
    stop_density = sum(1 for w in normed if w in stopwords) / n_words if stopwords and n_words else 0.0

    sentences = max(len(_SENTENCE_END.findall(text)), 1)
    cased = [w for w in words if w[0].lower() != w[0].upper()]
    top_word = Counter(normed).most_common(1)[0][1] if normed else 0
    ascii_dashes = len(_ASCII_DASH.findall(text))
    typo_dashes = len(TYPO_DASH.findall(text))
    return {
        "text.words": float(n_words),
        "text.words_log": math.log1p(n_words),
        "text.mean_word_len": sum(len(w) for w in words) / n_words if n_words else 0.0,
        "text.punct_line_end": sum(1 for line in lines if line[-1] in ends) / n_lines if lines else 0.0,
        "text.short_line_share": sum(1 for line in lines if len(WORD.findall(line)) < 4) / n_lines if lines else 0.0,
        "text.dup_line_share": dup_line_chars / line_chars,
        "text.top_2gram_share": _top_ngram_share(normed, 2),
        "text.dup_5gram_share": _repeated_ngram_share(normed, 5),
        "text.symbol_ratio": (text.count("#") + text.count("...") + text.count("…")) / max(n_words, 1),
        "text.nonletter_ratio": 1.0 - len(_LETTER_OR_MARK.findall(text)) / nonspace,
        "text.digit_ratio": len(_DIGIT.findall(text)) / nonspace,
        "text.bullet_line_share": sum(1 for line in lines if _BULLET.match(line)) / n_lines if lines else 0.0,
        "text.ellipsis_line_share": sum(1 for line in lines if _ELLIPSIS_END.search(line)) / n_lines if lines else 0.0,
        "text.stopword_density": stop_density,
        "text.has_stopword_list": 1.0 if stopwords else 0.0,
        "text.curly_brace": 1.0 if ("{" in text or "}" in text) else 0.0,
        "text.mattr": moving_type_token_ratio(normed),
        "text.sentence_words": n_words / sentences,
        "text.semicolons": (text.count(";") + text.count("؛")) / sentences,
        "text.capitalised_share": (sum(1 for w in cased if w[0].isupper()) / len(cased)
                                   if cased and len(cased) >= 0.1 * n_words else 0.0),
        "text.separator_ratio": len(_SEPARATOR.findall(text)) / max(n_words, 1),
        "text.top_word_share": top_word / n_words if n_words else 0.0,
        "text.ascii_dash_share": ascii_dashes / (ascii_dashes + typo_dashes) if ascii_dashes + typo_dashes else 0.0,
    }
