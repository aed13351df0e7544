"""Text for shingling: the versioned normaliser, tokens, shingles and stable 64-bit hashes."""

from dedupe.text.hashing import SHINGLE_HASH_VERSION, hashfunc_for, shingle_hash, token_hash
from dedupe.text.normalise import NORMALISER_VERSION, normalise
from dedupe.text.tokens import char_shingles, tokens, word_shingles

__all__ = [
    "NORMALISER_VERSION",
    "SHINGLE_HASH_VERSION",
    "char_shingles",
    "hashfunc_for",
    "normalise",
    "shingle_hash",
    "token_hash",
    "tokens",
    "word_shingles",
]
