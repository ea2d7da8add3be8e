"""Event clustering: sort an unsorted stream of articles into events and stories.

- `features`: each article as a sparse vector of weighted words (background word
  frequencies for IDF, names counted twice), its index keys and its publication day;
- `index`: which earlier articles a new one is compared with (shared key, time window);
- `linkage`: one component of linked articles split into events and stories by average
  linkage (one dendrogram cut at two thresholds);
- `batch`: a whole collection at once (`cluster_articles`);
- `online`: one article at a time against the store (`OnlineClusterer`), ending in the
  same clusters as `batch` whatever the arrival order.

Deterministic, CPU-only and offline; the thresholds are `ClusterSettings` fields.
"""

from __future__ import annotations

import hashlib

from service.cluster.batch import EventCluster, cluster_articles
from service.cluster.features import Features, features_of, similarity
from service.settings import ClusterSettings

METHOD = "tfidf-wordfreq/1"
"""Names the clustering method in every output; bump it when a rule changes."""


def settings_hash(settings: ClusterSettings) -> str:
    """sha256 of the method and its settings: names exactly what made the clusters."""
    return hashlib.sha256(f"{METHOD}\n{settings.model_dump_json()}".encode()).hexdigest()


__all__ = [
    "METHOD",
    "EventCluster",
    "Features",
    "cluster_articles",
    "features_of",
    "settings_hash",
    "similarity",
]
