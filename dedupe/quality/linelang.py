"""Language mixing: how much of a document is in another language, per line and over the whole text.

Seeded langdetect runs on a bounded number of lines; a line whose script already differs from the
document's (Latin lines in Arabic text) is counted without asking langdetect, and Arabic-script lines
of an Arabic-script document are taken as the document's language (langdetect confuses short Arabic,
Persian and Urdu lines).
"""

from __future__ import annotations

import regex
from langdetect import DetectorFactory, LangDetectException, detect_langs

from dedupe.quality.language import ARABIC_SCRIPT_LANGS, detect_language, script_shares

_LETTER = regex.compile(r"\p{L}")


def line_language_mix(text: str, lang: str | None, *, min_letters: int = 40, max_lines: int = 20,
                      seed: int = 0) -> float:
    """Share of substantial lines (at least `min_letters` letters, the first `max_lines`) not in `lang`."""
    if not lang:
        return 0.0
    arabic_doc = lang in ARABIC_SCRIPT_LANGS
    checked = foreign = 0
    for line in text.splitlines():
        if len(_LETTER.findall(line)) < min_letters:
            continue
        if checked >= max_lines:
            break
        checked += 1
        arabic, latin = script_shares(line)
        if arabic_doc:
            foreign += latin > 0.5
            continue
        if arabic > 0.5:
            foreign += 1
            continue
        found = detect_language(line, seed)
        foreign += found is not None and found != lang
    return foreign / checked if checked else 0.0


def text_language_mix(text: str, *, sample_chars: int = 2000, seed: int = 0) -> float:
    """1 minus langdetect's probability for the top language of the whole text (0: one clear language)."""
    sample = text[:sample_chars]
    if not _LETTER.search(sample):
        return 0.0
    DetectorFactory.seed = seed
    try:
        ranked = detect_langs(sample)
    except LangDetectException:
        return 0.0
    return max(0.0, 1.0 - ranked[0].prob) if ranked else 0.0
