"""Machine-translation indicators in Arabic text: leftovers and habits of a translation engine.

Latin-script leftovers and untranslated interface strings, English quotation marks and commas in
Arabic, doubly translated placeholders ([إعلان رقم 2]), the translated source's byline form, calques
("Pool" as حمام السباحة) and quotations followed by "said X". Each counts only in Arabic-script text.
"""

from __future__ import annotations

import regex

from dedupe.lang import ARABIC_SCRIPT_LANGS
from dedupe.quality.lexicon import load_lexicon

_WORD = regex.compile(r"[\p{L}\p{M}]+")
_LATIN_WORD = regex.compile(r"^\p{Latin}+$")
_LATIN_LINE = regex.compile(r"^[\p{Latin}\p{N}\s\p{P}\p{S}]+$")

MT_INDICATORS: dict[str, str] = {
    "mt.latin_words": "share of words in Latin script in Arabic text",
    "mt.untranslated_ui": "English interface strings left untranslated in Arabic text",
    "mt.wrong_quotes": "share of quotation marks that are English “ ” rather than « » or \"",
    "mt.latin_comma": "share of commas that are Latin , rather than Arabic ،",
    "mt.placeholder": "placeholders translated into Arabic, such as [إعلان رقم 2]",
    "mt.calque": "word-for-word calques such as الصورة: حمام السباحة (\"Photo: Pool\")",
    "mt.foreign_byline": "a closing byline in the translated source's form, Name (according to ...)",
    "mt.postposed_attribution": "quotations followed by \"said X\" (English word order), per 1,000 characters",
}


_LONGEST: dict[int, tuple[object, int]] = {}


def _longest(strings: frozenset[str] | set[str]) -> int:
    """Length of the longest string of a lexicon list (remembered per list object)."""
    kept = _LONGEST.get(id(strings))
    if kept is None or kept[0] is not strings:
        kept = (strings, max(map(len, strings), default=0))
        _LONGEST[id(strings)] = kept
    return kept[1]


def untranslated_ui_lines(text: str) -> list[str]:
    """Whole lines of Latin text that are known interface strings (Exit mobile version, Read more, ...)."""
    ui = load_lexicon().untranslated_ui
    longest = _longest(ui)  # casefold never shortens a text, so a longer line cannot be one of them
    found = []
    for line in text.splitlines():
        clean = line.strip().strip(".:|»›>").strip()
        if clean and len(clean) <= longest and clean.casefold() in ui and _LATIN_LINE.match(clean):
            found.append(clean)
    return found


def mt_ratios(text: str) -> dict[str, float]:
    """mt.latin_words, mt.wrong_quotes and mt.latin_comma of Arabic-script text (quality.batchstats, batch-wise)."""
    words = _WORD.findall(text)
    english_quotes = text.count("“") + text.count("”")
    all_quotes = english_quotes + text.count("«") + text.count("»") + text.count('"')
    commas = text.count(",") + text.count("،")
    return {
        "mt.latin_words": sum(1 for w in words if _LATIN_WORD.match(w)) / len(words) if words else 0.0,
        "mt.wrong_quotes": english_quotes / all_quotes if all_quotes else 0.0,
        "mt.latin_comma": text.count(",") / commas if commas else 0.0,
    }


def mt_evidence(text: str, original: str) -> tuple[dict[str, float], list[str]]:
    """The pattern-found MT_INDICATORS of Arabic-script text (all but mt_ratios), with what matched.

    Leftovers that the strip stage removes (interface strings, placeholders, bylines) are looked for in
    the original text; quotation order is measured on the cleaned text.
    """
    lex = load_lexicon()
    values: dict[str, float] = {}
    ui = untranslated_ui_lines(original)
    values["mt.untranslated_ui"] = float(len(ui))
    evidence = [f"untranslated interface string: {s}" for s in ui]
    values["mt.placeholder"] = 0.0
    for pattern in lex.placeholders:
        hits = [m.group(0) for m in pattern.finditer(original)]
        values["mt.placeholder"] += len(hits)
        evidence += [f"{pattern.meaning}: {h.strip()}" for h in hits]
    values["mt.calque"] = 0.0
    for pattern in lex.calques:
        hits = [m.group(0) for m in pattern.finditer(original)]
        values["mt.calque"] += len(hits)
        evidence += [f"calque ({pattern.meaning}): {h.strip()}" for h in hits]
    bylines = [m.group(0).strip() for m in lex.foreign_byline.finditer(original)]
    values["mt.foreign_byline"] = 1.0 if bylines else 0.0
    evidence += [f"byline in the translated source's form: {b}" for b in bylines]
    attributions = sum(1 for _ in lex.postposed_attribution.finditer(text))
    values["mt.postposed_attribution"] = 1000.0 * attributions / max(len(text), 1)
    return values, evidence


def mt_indicators(text: str, original: str, lang: str | None) -> tuple[dict[str, float], list[str]]:
    """The MT_INDICATORS values and the evidence strings (what matched), from cleaned and original text;
    all 0 outside Arabic-script languages."""
    values = dict.fromkeys(MT_INDICATORS, 0.0)
    if lang not in ARABIC_SCRIPT_LANGS:
        return values, []
    values.update(mt_ratios(text))
    found, evidence = mt_evidence(text, original)
    values.update(found)
    return values, evidence
