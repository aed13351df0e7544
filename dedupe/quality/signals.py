"""Explainable, cheap signals of source quality, each with a stable name and a sentence that explains it.

Four families: what the strip stage found (`strip.*`), what the near-duplicate neighbours say
(`near.*`), text statistics (`text.*`: Gopher/FineWeb-style, writing style, list-likeness) and
machine-translation indicators (`mt.*`). Values are numbers the classifier reads; passing a threshold
from the `[quality.flags]` config table also adds a named signal (`mt:calque`, `near:later-copy`,
`text:few-stopwords`, ...) to `Document.signals`.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from dedupe.document import Document
from dedupe.lang import ARABIC_SCRIPT_LANGS, document_language, language_mix, language_mixes
from dedupe.quality.context import NEAR_SIGNALS, NearFacts
from dedupe.quality.batchstats import text_values
from dedupe.quality.lexicon import load_lexicon
from dedupe.quality.listlike import LISTLIKE_STATS, listlike_statistics, web_addresses
from dedupe.quality.mt import MT_INDICATORS, mt_evidence, mt_indicators
from dedupe.quality.textbatch import TextBatch
from dedupe.quality.style import STYLE_STATS, style_statistics
from dedupe.quality.textstats import TEXT_STATS, text_statistics

# prefix of a strip signal -> the strip.* value it counts
_STRIP_PREFIXES: dict[str, tuple[str, ...]] = {
    "strip.wire_credit": ("wire:", "credit:"),
    "strip.prwire": ("prwire:",),
    "strip.autoblog": ("autoblog:", "title:repeated"),
    "strip.forum": ("forum:",),
    "strip.site_chrome": ("site:",),
    "strip.mt_chrome": ("mt:",),
}

STRIP_SIGNALS: dict[str, str] = {
    "strip.wire_credit": "wire or agency credits (dateline, byline) found by the strip stage",
    "strip.prwire": "press-release wire chrome (distributor credit, disclaimer)",
    "strip.autoblog": "autoblog template tags (ad slots, repeated title, trailing source)",
    "strip.forum": "forum chrome (poster block, navigation footer)",
    "strip.site_chrome": "site template chrome (share buttons, comment prompts)",
    "strip.mt_chrome": "untranslated or doubly translated chrome found by the strip stage",
    "strip.removed_share": "share of the original text removed by stripping",
}

MIX_SIGNALS: dict[str, str] = {
    "mt.line_language_mix": "share of lines in another language than the document",
    "mt.text_language_mix": "share of the text in languages other than its main one (CLD2's byte counts)",
}

# every numeric signal, in the order the model reads them, with its meaning
SIGNALS: dict[str, str] = {**STRIP_SIGNALS, **NEAR_SIGNALS, **TEXT_STATS, **STYLE_STATS, **LISTLIKE_STATS,
                           **MT_INDICATORS, **MIX_SIGNALS}

# flag signal -> (numeric signal, comparison); thresholds come from the [quality.flags] config table
FLAG_RULES: dict[str, tuple[str, str]] = {
    "mt:latin-leftovers": ("mt.latin_words", ">="),
    "mt:untranslated-ui": ("mt.untranslated_ui", ">="),
    "mt:wrong-quotes": ("mt.wrong_quotes", ">="),
    "mt:latin-comma": ("mt.latin_comma", ">="),
    "mt:translated-placeholder": ("mt.placeholder", ">="),
    "mt:calque": ("mt.calque", ">="),
    "mt:foreign-byline": ("mt.foreign_byline", ">="),
    "mt:postposed-attribution": ("mt.postposed_attribution", ">="),
    "mt:language-mix": ("mt.line_language_mix", ">="),
    "near:later-copy": ("near.later_copy", ">="),
    "near:first-publisher": ("near.first_publisher", ">="),
    "near:contained": ("near.containment", ">="),
    "text:short": ("text.words", "<"),
    "text:few-stopwords": ("text.stopword_density", "<"),
    "text:duplicate-lines": ("text.dup_line_share", ">="),
    "text:repeated-ngrams": ("text.dup_5gram_share", ">="),
    "text:unpunctuated-lines": ("text.punct_line_end", "<"),
    "text:symbols": ("text.symbol_ratio", ">="),
    "text:non-letters": ("text.nonletter_ratio", ">="),
}
_OPS = {">=": operator.ge, "<": operator.lt}
# documents whose text statistics are computed in one array pass: small enough that the arrays stay in
# the CPU cache (twice as fast as 1,000 at once), large enough to spread numpy's per-call cost
STATS_CHUNK = 128


@dataclass
class SignalSettings:
    """How signals are measured; mirrors the scalar keys of the [quality] config section."""

    sample_chars: int = 2000
    text_mix_chars: int = 1000  # the whole-text language mix's sample (the language stage's: CLD2 answers once)
    text_chars: int = 3000   # the text statistics and MT ratios read this much of each cleaned text
    seed: int = 0
    line_min_letters: int = 40
    line_max_lines: int = 20
    flags: dict[str, float] = field(default_factory=dict)


@dataclass
class Signals:
    """One document's numeric signals, the evidence behind them, and the named flags they raise."""

    lang: str | None
    values: dict[str, float]
    evidence: list[str]
    flags: list[str]


def strip_values(doc: Document) -> dict[str, float]:
    """The strip.* values from the signals and removals the strip stage recorded on `doc`."""
    values = {name: float(sum(1 for s in doc.signals if s.startswith(prefixes)))
              for name, prefixes in _STRIP_PREFIXES.items()}
    original = len(doc.original_text or "")
    removed = sum(r.end - r.start for r in doc.removed)
    values["strip.removed_share"] = removed / original if original else 0.0
    return values


def raised_flags(values: dict[str, float], lang: str | None, thresholds: dict[str, float]) -> list[str]:
    """The named flags whose threshold the values pass (stopword flags only where a list exists)."""
    out = []
    for flag, (name, op) in FLAG_RULES.items():
        if flag not in thresholds or name not in values:
            continue
        if flag == "text:few-stopwords" and not values.get("text.has_stopword_list"):
            continue
        if _OPS[op](values[name], thresholds[flag]):
            out.append(flag)
    return out


def _finish(values: dict[str, float], lang: str | None, evidence: list[str], near: NearFacts | None,
            settings: SignalSettings) -> Signals:
    flags = raised_flags(values, lang, settings.flags)
    if near is not None and near.contained_in and "near:contained" in flags:
        evidence.append(f"{near.containment:.0%} of its 5-grams appear in earlier document {near.contained_in}")
    return Signals(lang=lang, values={name: values[name] for name in SIGNALS}, evidence=evidence, flags=flags)


def _language_mix(doc: Document, lang: str | None, settings: SignalSettings) -> dict[str, float]:
    lines, text = language_mix(doc.text, lang, sample_chars=settings.sample_chars,
                               min_letters=settings.line_min_letters, max_lines=settings.line_max_lines,
                               mix_chars=settings.text_mix_chars)
    return {"mt.line_language_mix": lines, "mt.text_language_mix": text}


def _near_values(doc: Document, near: NearFacts | None) -> dict[str, float]:
    return (near or NearFacts(1, doc.duplicate_of is not None, False, 0.0, None)).values()


def compute_signals(doc: Document, near: NearFacts | None, settings: SignalSettings) -> Signals:
    """Every numeric signal of one document (cleaned text, original text, strip findings, neighbours):
    the readable reference that batch_signals equals."""
    lang = document_language(doc.text or doc.original_text or "", doc.lang, settings.sample_chars, settings.seed)
    original = doc.original_text or doc.text
    sample = doc.text[: settings.text_chars]
    values: dict[str, float] = {}
    values.update(strip_values(doc))
    values.update(_near_values(doc, near))
    values.update(text_statistics(sample, lang))
    values.update(style_statistics(sample))
    values.update(listlike_statistics(sample))
    mt_values, evidence = mt_indicators(sample, original, lang)
    values.update(mt_values)
    values.update(_language_mix(doc, lang, settings))
    return _finish(values, lang, evidence, near, settings)


def batch_signals(docs: Sequence[Document], facts: Sequence[NearFacts | None], settings: SignalSettings) -> list[Signals]:
    """compute_signals for a whole batch: the text statistics as array work over every document's
    first `text_chars` characters (tokenised once), the pattern searches only where they can match."""
    langs = [document_language(d.text or d.original_text or "", d.lang, settings.sample_chars, settings.seed)
             for d in docs]
    samples = [d.text[: settings.text_chars] for d in docs]
    arabic = np.array([lang in ARABIC_SCRIPT_LANGS for lang in langs], dtype=bool)
    stopwords = load_lexicon().stopwords
    parts = [text_values(TextBatch.of(samples[lo : lo + STATS_CHUNK]), langs[lo : lo + STATS_CHUNK],
                         arabic[lo : lo + STATS_CHUNK], stopwords) for lo in range(0, len(samples), STATS_CHUNK)]
    stats = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]} if parts else {}
    columns = {name: column.tolist() for name, column in stats.items()}
    absent = {name: 0.0 for name in MT_INDICATORS if name not in stats}
    mixes = language_mixes([d.text for d in docs], langs, sample_chars=settings.sample_chars,
                           min_letters=settings.line_min_letters, max_lines=settings.line_max_lines,
                           mix_chars=settings.text_mix_chars)
    out = []
    for i, (doc, near, lang, sample) in enumerate(zip(docs, facts, langs, samples)):
        values = strip_values(doc)
        values.update(_near_values(doc, near))
        values.update({name: column[i] for name, column in columns.items()})
        values["text.web_addresses"] = float(web_addresses(sample))
        evidence: list[str] = []
        if arabic[i]:
            found, evidence = mt_evidence(sample, doc.original_text or doc.text)
            values.update(found)
        else:
            values.update(absent)
        values["mt.line_language_mix"], values["mt.text_language_mix"] = mixes[i]
        out.append(_finish(values, lang, evidence, near, settings))
    return out
