"""Near-duplicates: fast datasketch-exact MinHash, banded LSH, verified clusters, keep policy."""

from dedupe.near.clusters import ClusterResult, NearDuplicates, find_clusters
from dedupe.near.keep_policy import KeepPolicy
from dedupe.near.lsh import band_keys, candidate_pairs, lsh_params
from dedupe.near.settings import index_settings
from dedupe.near.signer import Signer

__all__ = [
    "ClusterResult",
    "KeepPolicy",
    "NearDuplicates",
    "Signer",
    "band_keys",
    "candidate_pairs",
    "find_clusters",
    "index_settings",
    "lsh_params",
]
