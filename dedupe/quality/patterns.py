"""Word and letter patterns shared by the text, style and list-likeness statistics, so all count alike."""

from __future__ import annotations

import regex

WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+(?:['’][\p{L}]+)?")  # letters, marks and digits, with an apostrophe suffix
HAS_LETTER = regex.compile(r"\p{L}")
TYPO_DASH = regex.compile(r"[–—]")  # en and em dashes, as people typeset them
