"""Word and letter patterns shared by the text, style and list-likeness statistics, so all count alike."""

from __future__ import annotations

import regex

# runs of letters, marks and digits; an apostrophe between one of them and a letter joins (don't, l'homme)
WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+(?:['’](?=\p{L})[\p{L}\p{M}\p{N}]+)*")
HAS_LETTER = regex.compile(r"\p{L}")
TYPO_DASH = regex.compile(r"[–—]")  # en and em dashes, as people typeset them
