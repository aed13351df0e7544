"""Credited sources in a byline or dateline ("وفقا لصحيفة جابان تايمز، رويترز") as signals.

Names are split on commas and "and", looked up (after light folding) in the packs' `[[aliases]]`
tables; a known agency gives `wire:<agency>`, a known paper `credit:<paper>`, an unknown Latin
name `credit:<slug>` and an unknown name in another script `credit:other`.
"""

from __future__ import annotations

import regex

from dedupe.strip.rules import alias_key

_SPLIT = regex.compile(r"\s*(?:[,،;؛/&+]|\band\b|\bund\b|\bet\b|\bvà\b)\s*", regex.IGNORECASE)
_AND_AR = regex.compile(r"\s+(?=و\p{L})")  # "X ورويترز": the Arabic "and" is a prefix
# words that introduce a name: "newspaper", "agency", "site", "according to", "the" ...
_LEAD = regex.compile(
    r"^(?:(?:وفقا|وفقًا|وفقاً|نقلا|نقلاً|حسب|بحسب|عن|according|to|the|theo|via|from|per|by)\s+)*"
    r"(?:(?:ل|ب)?(?:صحيفة|جريدة|وكالة|وكالات|موقع|قناة|شبكة|مجلة)\s+|(?:newspaper|agency|báo|hãng)\s+)?",
    regex.IGNORECASE,
)
_SLUG = regex.compile(r"[^a-z0-9]+")


def split_names(credit: str) -> list[str]:
    """The names listed in a credit, in order, without their lead words."""
    names = []
    for part in _SPLIT.split(credit):
        name = _LEAD.sub("", part.strip()).strip(" .-–—:()")
        if name:
            names.append(name)
    return names


def credit_signals(credit: str, aliases: dict[str, str]) -> tuple[list[str], list[str]]:
    """(names, signals) for a credit string, using the alias table (folded name -> signal)."""
    names: list[str] = []
    for name in split_names(credit):
        if _known(name, aliases):
            names.append(name)
            continue
        parts = [p for p in _AND_AR.split(name) if p]
        if len(parts) > 1 and all(_known(p[1:] if i else p, aliases) or _known(p, aliases) for i, p in enumerate(parts)):
            names.extend(parts)
        else:
            names.append(name)
    signals: list[str] = []
    for name in names:
        signal = _lookup(name, aliases)
        if signal and signal not in signals:
            signals.append(signal)
    return names, signals


def _known(name: str, aliases: dict[str, str]) -> bool:
    key = alias_key(name)
    return key in aliases or any(key.startswith(p) and key[len(p):] in aliases for p in ("ل", "ب", "و", "ال"))


def _lookup(name: str, aliases: dict[str, str]) -> str:
    key = alias_key(name)
    if key in aliases:
        return aliases[key]
    for prefix in ("ل", "ب", "و", "ال"):  # "لرويترز", "والأناضول"
        if key.startswith(prefix) and key[len(prefix):] in aliases:
            return aliases[key[len(prefix):]]
    if regex.fullmatch(r"[A-Za-z0-9 .&'-]+", name):
        slug = _SLUG.sub("-", name.casefold()).strip("-")
        return f"credit:{slug}" if slug else ""
    return "credit:other"
