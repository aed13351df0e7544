"""Language and script helpers for the quality signals: code normalising, script shares, seeded langdetect.

langdetect is seeded (DetectorFactory.seed) so the same text always gets the same answer; the script
of the letters decides the obvious cases before langdetect is asked.
"""

from __future__ import annotations

from functools import lru_cache

import regex
from langdetect import DetectorFactory, LangDetectException, detect

# ISO 639-3 (and HPLT's xxx_Scrp) codes to the two-letter codes langdetect returns
_THREE_TO_TWO = {
    "ara": "ar", "arb": "ar", "arz": "ar", "ary": "ar", "eng": "en", "deu": "de", "ger": "de", "fra": "fr",
    "fre": "fr", "spa": "es", "rus": "ru", "tur": "tr", "pes": "fa", "fas": "fa", "per": "fa", "nld": "nl",
    "ita": "it", "por": "pt", "pol": "pl", "ces": "cs", "slk": "sk", "fin": "fi", "ell": "el", "hin": "hi",
    "mar": "mr", "ben": "bn", "zho": "zh", "cat": "ca", "nob": "no", "nno": "nn", "gla": "gd", "ast": "ast",
}
ARABIC_SCRIPT_LANGS = frozenset({"ar", "fa", "ur", "ps", "ckb", "sd", "ug"})

_LETTER = regex.compile(r"\p{L}")
_ARABIC = regex.compile(r"\p{Arabic}")
_LATIN = regex.compile(r"\p{Latin}")


def normalize_lang(code: str | None) -> str | None:
    """`ara_Arab`, `ar-EG`, `AR` -> `ar`; `zh-cn` -> `zh`; None stays None."""
    if not code:
        return None
    base = regex.split(r"[_\-]", code.strip().lower(), maxsplit=1)[0]
    if base in ("und", "unknown", ""):
        return None
    return _THREE_TO_TWO.get(base, base)


def script_shares(text: str) -> tuple[float, float]:
    """(Arabic-script share, Latin-script share) of the letters in `text`."""
    letters = len(_LETTER.findall(text))
    if not letters:
        return 0.0, 0.0
    return len(_ARABIC.findall(text)) / letters, len(_LATIN.findall(text)) / letters


@lru_cache(maxsize=4096)
def detect_language(text: str, seed: int = 0) -> str | None:
    """Seeded langdetect on `text`; None when it has no letters to go on ("No features in text")."""
    if not _LETTER.search(text):
        return None
    DetectorFactory.seed = seed
    try:
        return normalize_lang(detect(text))
    except LangDetectException:
        return None


def document_language(text: str, known: str | None, sample_chars: int = 2000, seed: int = 0) -> str | None:
    """The document's language: the one already set (by the LanguageDetector stage) or detected on a sample."""
    lang = normalize_lang(known)
    if lang:
        return lang
    return detect_language(text[:sample_chars], seed)
