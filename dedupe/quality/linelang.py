"""Kept for imports written before the merge: the language-mixing values live in `dedupe.lang`."""

from dedupe.lang import line_language_mix, text_language_mix

__all__ = ["line_language_mix", "text_language_mix"]
