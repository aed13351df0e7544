"""Kept for imports written before the merge: language helpers live in `dedupe.lang`, the one language module."""

from dedupe.lang import ARABIC_SCRIPT_LANGS, detect_language, document_language, normalize_lang, script_shares

__all__ = ["ARABIC_SCRIPT_LANGS", "detect_language", "document_language", "normalize_lang", "script_shares"]
