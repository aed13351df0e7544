"""The word lists and patterns the quality signals read, loaded once from dedupe/models/quality-lexicon.json."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import regex

from dedupe.errors import ConfigError


@dataclass(frozen=True)
class Pattern:
    """One named pattern with the sentence that explains it to a reader."""

    name: str
    regex: regex.Pattern[str]
    meaning: str
    requires: tuple[str, ...] = ()  # every match contains one of these: a text with none is not searched
    screen: regex.Pattern[str] | None = None  # every match contains a match of this quick pattern

    def finditer(self, text: str) -> Iterator[regex.Match[str]]:
        """The pattern's matches in `text` (none without the full search when a text lacks what they need)."""
        if self.requires and not any(s in text for s in self.requires):
            return iter(())
        if self.screen is not None and not self.screen.search(text):
            return iter(())
        return self.regex.finditer(text)


@dataclass(frozen=True)
class Lexicon:
    """Stopwords per language, untranslated interface strings, calques, placeholders, byline forms."""

    version: int
    stopwords: dict[str, frozenset[str]]
    untranslated_ui: frozenset[str]
    calques: tuple[Pattern, ...]
    placeholders: tuple[Pattern, ...]
    foreign_byline: Pattern
    postposed_attribution: Pattern


def _pattern(name: str, entry: dict) -> Pattern:
    screen = regex.compile(entry["screen"]) if entry.get("screen") else None
    return Pattern(name, regex.compile(entry["pattern"], regex.MULTILINE), entry["meaning"],
                   tuple(entry.get("requires", ())), screen)


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The packaged lexicon; a broken file is a ConfigError, not a traceback."""
    try:
        text = resources.files("dedupe").joinpath("models/quality-lexicon.json").read_text(encoding="utf-8")
        data = json.loads(text)
        return Lexicon(
            version=int(data["version"]),
            stopwords={lang: frozenset(words) for lang, words in data["stopwords"].items()},
            untranslated_ui=frozenset(s.casefold() for s in data["untranslated_ui"]),
            calques=tuple(_pattern(e["name"], e) for e in data["calques"]),
            placeholders=tuple(_pattern(e["name"], e) for e in data["placeholders"]),
            foreign_byline=_pattern("foreign-byline", data["foreign_byline"]),
            postposed_attribution=_pattern("postposed-attribution", data["postposed_attribution"]),
        )
    except (OSError, KeyError, ValueError, regex.error) as exc:
        raise ConfigError(f"dedupe/models/quality-lexicon.json: cannot be used: {exc}") from None
