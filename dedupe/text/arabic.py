"""Arabic-script folding rules of the normaliser, as one code point -> replacement table.

Each entry is part of the normaliser's definition: changing one means bumping NORMALISER_VERSION.
"""

from __future__ import annotations

# Tashkeel (harakat, tanween, shadda, sukun), the superscript alef, and the combining
# maddah/hamza marks: dropping the combining hamza keeps the fold idempotent (ى + hamza-above
# would otherwise recompose to ئ under NFKC after ى -> ي).
DROPPED: tuple[int, ...] = (*range(0x064B, 0x0653), 0x0653, 0x0654, 0x0655, 0x0670, 0x0640)  # + tatweel

LETTERS: dict[int, str] = {
    0x0623: "\u0627",  # أ -> ا
    0x0625: "\u0627",  # إ -> ا
    0x0622: "\u0627",  # آ -> ا
    0x0671: "\u0627",  # ٱ -> ا
    0x0649: "\u064A",  # ى -> ي
    0x0624: "\u0648",  # ؤ -> و
    0x0626: "\u064A",  # ئ -> ي
}

TA_MARBUTA: dict[int, str] = {0x0629: "\u0647"}  # ة -> ه (optional)

DIGITS: dict[int, str] = {
    **{0x0660 + d: str(d) for d in range(10)},  # Arabic-Indic ٠..٩
    **{0x06F0 + d: str(d) for d in range(10)},  # Extended Arabic-Indic (Persian, Urdu) ۰..۹
}

# Arabic punctuation becomes its ASCII counterpart, so tokenising and char shingles see one form.
PUNCTUATION: dict[int, str] = {
    0x060C: ",",  # ، comma
    0x061B: ";",  # ؛ semicolon
    0x061F: "?",  # ؟ question mark
    0x066A: "%",  # ٪ percent
    0x066B: ".",  # ٫ decimal separator
    0x066C: ",",  # ٬ thousands separator
    0x06D4: ".",  # ۔ full stop
    0x00AB: '"',  # « (also used by Arabic)
    0x00BB: '"',  # »
}


def folding_table(ta_marbuta: bool = False) -> dict[int, str | None]:
    """The str.translate table for the Arabic rules (None deletes the code point)."""
    table: dict[int, str | None] = {cp: None for cp in DROPPED}
    table.update(LETTERS)
    table.update(DIGITS)
    table.update(PUNCTUATION)
    if ta_marbuta:
        table.update(TA_MARBUTA)
    return table
