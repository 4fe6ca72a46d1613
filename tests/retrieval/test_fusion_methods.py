"""The fusion methods of ``retrieval.fusion`` (pure functions) and their agreement with the RRF reference."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.engine import EngineHit, QueryPlan, fuse_hybrid, ranked
from retrieval.fusion import (
    DEFAULT_FUSION,
    FusionConfig,
    distribution_normalised,
    effective_weights,
    fuse,
    min_max_normalised,
)
from retrieval.sparse import Sparse


def test_dbsf_is_qdrants_mean_three_sigma_normalisation() -> None:
    # mean 2, sample sd 1: extremes -1 and 5, so (s + 1) / 6
    assert distribution_normalised([1.0, 2.0, 3.0]) == pytest.approx([2 / 6, 3 / 6, 4 / 6])
    assert distribution_normalised([7.0]) == [0.5]
    assert distribution_normalised([3.0, 3.0]) == [0.5, 0.5]
    assert distribution_normalised([]) == []


def test_min_max_and_the_convex_combination() -> None:
    assert min_max_normalised([10.0, 5.0, 0.0]) == [1.0, 0.5, 0.0]
    assert min_max_normalised([2.0, 2.0]) == [1.0, 1.0]
    cfg = FusionConfig(method="convex", dense_weight=1.0, sparse_weight=3.0)
    fused = dict(fuse([("a", 0.9), ("b", 0.1)], [("b", 12.0), ("c", 6.0), ("d", 0.0)], cfg))
    assert fused == pytest.approx({"a": 0.25, "b": 0.75, "c": 0.375, "d": 0.0})


def test_dbsf_sums_weighted_normalised_scores() -> None:
    cfg = FusionConfig(method="dbsf", dense_weight=0.5, sparse_weight=1.0)
    fused = dict(fuse([("a", 1.0), ("b", 2.0), ("c", 3.0)], [("c", 10.0)], cfg))
    assert fused == pytest.approx({"a": 0.5 * 2 / 6, "b": 0.5 * 3 / 6, "c": 0.5 * 4 / 6 + 0.5})


def test_equal_fused_scores_are_ordered_by_point_id() -> None:
    cfg = FusionConfig(method="rrf", dense_weight=1.0, sparse_weight=1.0)
    assert [pid for pid, _ in fuse([("z", 1.0), ("a", 0.5)], [("a", 2.0), ("z", 1.0)], cfg)] == ["a", "z"]


def test_query_weighting_scales_the_sparse_weight_by_known_words() -> None:
    cfg = FusionConfig(query_weighting="known_words", dense_weight=0.7, sparse_weight=1.0)
    assert effective_weights(cfg, 0.5) == (0.7, 0.5)
    assert effective_weights(cfg, 0.0) == (0.7, 0.05)
    assert effective_weights(DEFAULT_FUSION, 0.0) == (0.7, 1.0)
    # a query whose words the catalogue does not know leans on the dense list
    convex = cfg.model_copy(update={"method": "convex"})
    dense, sparse = [("d", 0.9), ("s", 0.5)], [("s", 9.0), ("d", 1.0)]
    assert fuse(dense, sparse, convex, known_share=0.0)[0][0] == "d"
    assert fuse(dense, sparse, convex, known_share=1.0)[0][0] == "s"


def test_default_rrf_fusion_agrees_with_the_engine_side_reference() -> None:
    """``CatalogSearch`` fuses with ``retrieval.fusion.fuse``; ``engine.fuse_hybrid`` is the plain reference."""
    rng = np.random.default_rng(3)
    ids = [f"id-{i:02d}" for i in range(30)]
    for _ in range(20):
        dense = [EngineHit(i, float(s), {}) for i, s in zip(ids, rng.random(30), strict=True)]
        sparse = [EngineHit(i, float(s), {}) for i, s in zip(ids, rng.integers(0, 4, 30), strict=True)]
        plan = QueryPlan(mode="hybrid", dense=np.ones(3, dtype=np.float32), sparse=Sparse([1], [1.0]), limit=10,
                         prefetch_limit=8, rrf_k=DEFAULT_FUSION.rrf_k,
                         weights=(DEFAULT_FUSION.dense_weight, DEFAULT_FUSION.sparse_weight))

        def search(p: QueryPlan, dense: list[EngineHit] = dense, sparse: list[EngineHit] = sparse) -> list[EngineHit]:
            return ranked(dense if p.mode == "dense" else sparse)[:p.limit]

        reference = [h.id for h in fuse_hybrid(search, lambda got: [EngineHit(i, 0.0, {}) for i in got], plan)]
        lists = [[(h.id, h.score) for h in ranked(side)[:8]] for side in (dense, sparse)]
        ours = [pid for pid, _ in fuse(lists[0], lists[1], DEFAULT_FUSION)[:10]]
        assert ours == reference
