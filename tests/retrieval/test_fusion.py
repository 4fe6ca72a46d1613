"""Client-side hybrid fusion: Qdrant's weighted RRF formula, and the same result whatever order ties arrive in."""

from __future__ import annotations

import random
from collections.abc import Callable

import numpy as np

from retrieval.engine import EngineHit, QueryPlan, fuse_hybrid, rrf_term
from retrieval.sparse import Sparse


def _hit(sku: str, score: float) -> EngineHit:
    return EngineHit(id=f"id-{sku}", score=score, payload={"sku": sku, "name": sku.lower()})


def _plan() -> QueryPlan:
    return QueryPlan(mode="hybrid", dense=np.ones(3, dtype=np.float32), sparse=Sparse([1], [1.0]), limit=5,
                     prefetch_limit=3, rrf_k=60, weights=(0.7, 1.0))


def _shuffling_engine(dense: list[EngineHit], sparse: list[EngineHit], rng: random.Random
                      ) -> Callable[[QueryPlan], list[EngineHit]]:
    def search(plan: QueryPlan) -> list[EngineHit]:
        assert plan.bare  # the fused lists ask for ids and scores only
        hits = [EngineHit(h.id, h.score, {}) for h in (dense if plan.mode == "dense" else sparse)]
        rng.shuffle(hits)  # an engine may return equal scores in any order
        return hits[:plan.limit]
    return search


def test_rrf_term_is_qdrants_weighted_formula() -> None:
    assert rrf_term(0, 1.0, 60) == 1 / 60 and rrf_term(4, 1.0, 60) == 1 / 64
    assert abs(rrf_term(0, 0.7, 60) - 1 / (1 / 0.7 + 59)) < 1e-12


def test_fusion_ignores_the_order_engines_return_ties_in() -> None:
    dense = [_hit("D1", 0.9), _hit("X", 0.8), _hit("D2", 0.7), _hit("D3", 0.1)]
    sparse = [_hit(s, 5.0) for s in ("S1", "S2", "S3", "X")] + [_hit("S4", 1.0)]  # four-way tie at the cut
    by_id = {h.id: h for h in dense + sparse}

    def fetch(ids: list[str]) -> list[EngineHit]:
        return [by_id[i] for i in reversed(ids)]  # in no particular order

    results = set()
    for seed in range(20):
        fused = fuse_hybrid(_shuffling_engine(dense, sparse, random.Random(seed)), fetch, _plan())
        results.add(tuple((h.payload["sku"], round(h.score, 9)) for h in fused))
    assert len(results) == 1
    (only,) = results
    # bare sparse ties are cut by point id (S1, S2, S3; X falls off at prefetch 3), then Qdrant's weighted RRF:
    # S1 1/60 > D1 1/(1/0.7+59) > S2 1/61 > X 1/(2/0.7+59) > S3 1/62
    assert [sku for sku, _ in only] == ["S1", "D1", "S2", "X", "S3"]
    assert all(h.payload.get("name") for h in fused)  # the full payload is fetched for the top hits
