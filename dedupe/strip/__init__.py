"""Strip boilerplate: rule packs (rules/*.toml) compiled once, plus chrome learned from the batch.

Public API: RuleSet.load, strip_text -> StripResult, the Stripper and LearnedChrome stages, and
remap_removals / OffsetMap to map spans of a cleaned text back to the original. Every removal is
a Removal(rule, category, start, end, text) with offsets into the original text, so
dedupe.document.rebuild_original(text, removed) gives the original back. Signals are listed in
dedupe/strip/signals.md.
"""

from dedupe.strip.engine import StripResult, strip_text
from dedupe.strip.learned import LearnedChrome
from dedupe.strip.offsets import OffsetMap, remap_removals
from dedupe.strip.rules import CATEGORIES, Rule, RuleSet
from dedupe.strip.stage import Stripper

__all__ = [
    "CATEGORIES",
    "LearnedChrome",
    "OffsetMap",
    "Rule",
    "RuleSet",
    "StripResult",
    "Stripper",
    "remap_removals",
    "strip_text",
]
