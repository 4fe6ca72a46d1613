"""Hybrid fusion of the dense and the sparse candidate list: pure functions over ``(id, score)`` lists.

Three methods, compared by cross-validation (``salesagent eval search --folds 5``, docs/retrieval.md):

* ``rrf``: weighted reciprocal rank fusion, Qdrant's formula ``1 / ((rank+1)/w + k - 1)``; ranks only.
* ``dbsf``: Qdrant's distribution-based score fusion: each list's scores are mapped to [0, 1] with the list's
  mean ± 3 (sample) standard deviations as the extremes (not clipped), multiplied by the list's weight and summed;
  a list of one point gets 0.5, a list whose scores are all equal gets 0.5 each (Qdrant's
  ``lib/segment/src/common/score_fusion.rs``).
* ``convex``: a convex combination of min-max normalised scores (each list's best 1, its worst 0, absent 0),
  weighted ``w_dense / (w_dense + w_sparse)`` and ``w_sparse / (w_dense + w_sparse)``.

Query-dependent weighting (``query_weighting="known_words"``): the sparse weight is multiplied by the share of the
query's words that the catalogue contains at all (from the per-word probes the search makes anyway). A query
whose words the catalogue does not know (typos, another vocabulary) leans on the embedding; a query made of
catalogue words keeps the static weights.

The lists come in ranked (score, then point id) and cut to the prefetch depth; the output is ranked the same
way, so equal fused scores are ordered by point id on every engine and every build.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

FusionMethod = Literal["rrf", "dbsf", "convex"]
QueryWeighting = Literal["none", "known_words"]
Scored = list[tuple[str, float]]
"""A ranked list of ``(point id, score)``."""


class FusionConfig(BaseModel):
    """Every tunable of the hybrid list (chosen per catalogue by ``salesagent train-search`` on training folds;
    the defaults are the shipped ones, see docs/retrieval.md)."""

    model_config = ConfigDict(frozen=True)

    method: FusionMethod = "rrf"
    dense_weight: float = Field(default=0.7, gt=0)
    sparse_weight: float = Field(default=1.0, gt=0)
    rrf_k: int = Field(default=60, ge=1)
    prefetch: int = Field(default=20, ge=1)
    """Candidates each of dense and sparse hands to the fusion (at least k)."""
    feedback: float = Field(default=0.5, ge=0)
    """Weight of the top fused hits' mean vector added to the query vector for a second pass; 0 disables it."""
    feedback_docs: int = Field(default=1, ge=1)
    naming_word_df: int = Field(default=1, ge=0)
    """A query word in at most this many products makes the hybrid list lexical (0: never)."""
    query_weighting: QueryWeighting = "none"

    def label(self) -> str:
        """One short line for tables: 'rrf w0.7 p20 fb0.5 name1 qw:none'."""
        return (f"{self.method} w{self.dense_weight:g} p{self.prefetch} fb{self.feedback:g} "
                f"name{self.naming_word_df} qw:{self.query_weighting}")


DEFAULT_FUSION = FusionConfig()


def rrf_term(position: int, weight: float, k: int) -> float:
    """Return Qdrant's weighted RRF contribution of a 0-based list position: ``1 / ((position+1)/weight + k - 1)``
    (the weight stretches the rank; weight 1 gives the classic ``1 / (k + rank)``)."""
    return 1.0 / ((position + 1) / weight + k - 1)


def distribution_normalised(scores: list[float]) -> list[float]:
    """Return Qdrant's DBSF normalisation of one list: ``(s - (μ-3σ)) / 6σ`` with the sample σ; 0.5 for a
    single point or a list of equal scores."""
    if len(scores) < 2:
        return [0.5] * len(scores)
    arr = np.asarray(scores, dtype=np.float64)
    std = float(arr.std(ddof=1))
    if std == 0.0:
        return [0.5] * len(scores)
    low = float(arr.mean()) - 3.0 * std
    return [float(v) for v in (arr - low) / (6.0 * std)]


def min_max_normalised(scores: list[float]) -> list[float]:
    """Return ``(s - min) / (max - min)``; 1.0 for every score of a list whose scores are equal."""
    if not scores:
        return []
    low, high = min(scores), max(scores)
    if high == low:
        return [1.0] * len(scores)
    return [(s - low) / (high - low) for s in scores]


def effective_weights(config: FusionConfig, known_share: float) -> tuple[float, float]:
    """Return the (dense, sparse) weights for one query: the static ones, the sparse one scaled by the share of
    query words the catalogue knows when ``query_weighting="known_words"`` (never below 5 % of it)."""
    sparse = config.sparse_weight
    if config.query_weighting == "known_words":
        sparse *= max(0.05, min(1.0, known_share))
    return config.dense_weight, sparse


def fuse(dense: Scored, sparse: Scored, config: FusionConfig, known_share: float = 1.0) -> Scored:
    """Return the fused list of ``dense`` and ``sparse`` (each ranked, cut to the prefetch depth), best first,
    equal scores by point id."""
    w_dense, w_sparse = effective_weights(config, known_share)
    total: dict[str, float] = {}
    for hits, weight in ((dense, w_dense), (sparse, w_sparse)):
        if config.method == "rrf":
            values = [rrf_term(i, weight, config.rrf_k) for i in range(len(hits))]
        elif config.method == "dbsf":
            values = [weight * v for v in distribution_normalised([s for _, s in hits])]
        else:
            share = weight / (w_dense + w_sparse)
            values = [share * v for v in min_max_normalised([s for _, s in hits])]
        for (pid, _), value in zip(hits, values, strict=True):
            total[pid] = total.get(pid, 0.0) + value
    return ranked_scores(total)


def ranked_scores(scores: dict[str, float]) -> Scored:
    """Return ``scores`` as a list by score (6 decimals), then point id: the same order on every engine."""
    return sorted(scores.items(), key=lambda item: (-round(item[1], 6), item[0]))
