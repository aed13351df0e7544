"""Text normaliser for shingling: NFKC, casefold and the Arabic folding rules, versioned.

The version is stored in every index: documents normalised by another version hash differently.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from dedupe.text.arabic import folding_table

NORMALISER_VERSION = "1"

_MAX_PASSES = 4  # a fixed point is reached in one or two passes; the bound only guards the loop


@lru_cache(maxsize=2)
def _table(ta_marbuta: bool) -> dict[int, str | None]:
    return folding_table(ta_marbuta)


def _one_pass(text: str, table: dict[int, str | None]) -> str:
    out = unicodedata.normalize("NFKC", text).casefold()
    return unicodedata.normalize("NFKC", out).translate(table)


def is_fixed_point(text: str, table: dict[int, str | None]) -> bool:
    """True when one more pass would change nothing (so normalise is idempotent on `text`)."""
    return unicodedata.is_normalized("NFKC", text) and text.casefold() == text and text.translate(table) == text


def normalise(text: str, lang: str | None = None, ta_marbuta: bool = False) -> str:
    """The normalised form of `text`: NFKC, casefold, Arabic folding; idempotent and total.

    The Arabic rules only touch Arabic-script code points, so they apply whatever `lang` says;
    `lang` is accepted so language-specific rules can be added under a new version.
    """
    table = _table(ta_marbuta)
    out = _one_pass(text, table)
    for _ in range(_MAX_PASSES):
        if is_fixed_point(out, table):
            break
        out = _one_pass(out, table)
    return out
