"""Blender: bias controls, exploration slot, additive contributions, agreement with the reference."""

from __future__ import annotations

import numpy as np
import pytest

from ranking.blender import BlendConfig, blend, blend_reference

N = 30
rng = np.random.default_rng(7)


def sources(seed: int = 0) -> dict[str, np.ndarray]:
    r = np.random.default_rng(seed)
    a = r.random(N).astype(np.float32)
    b = r.random(N).astype(np.float32)
    b[r.random(N) < 0.3] = -np.inf
    return {"als": a, "popularity": b}


CFG = BlendConfig(weights={"als": 1.0, "popularity": 1.0}, exploration=False, bestseller_top=0,
                  diversity_penalty=0.0)


def test_contributions_add_up_to_the_blended_score() -> None:
    cfg = BlendConfig(weights={"als": 1.0, "popularity": 0.7}, diversity_penalty=0.01)
    cats = np.arange(N) % 3
    out = blend(sources(), 10, cfg, categories=cats, bestsellers=list(range(10)),
                explore_scores=rng.random(N), seen=np.arange(N) < 5)
    assert len(out) == 10
    for b in out:
        assert sum(b.contributions.values()) == pytest.approx(b.score, abs=1e-9)
    assert any("diversity_penalty" in b.contributions for b in out)


def test_at_most_one_bestseller_in_any_window_of_five() -> None:
    pop = np.linspace(1.0, 0.0, N).astype(np.float32)  # items 0..9 are the bestsellers and rank first
    cfg = BlendConfig(weights={"popularity": 1.0}, exploration=False, diversity_penalty=0.0)
    out = blend({"popularity": pop}, 10, cfg, bestsellers=list(range(10)))
    flags = [b.item < 10 for b in out]
    assert len(out) == 10 and sum(flags) == 2
    assert all(sum(flags[i:i + 5]) <= 1 for i in range(len(flags) - 4))
    off = blend({"popularity": pop}, 10, BlendConfig(weights={"popularity": 1.0}, exploration=False,
                                                       diversity_penalty=0.0, bestseller_top=0))
    assert [b.item for b in off] == list(range(10))


def test_category_diversity_penalty_spreads_categories() -> None:
    scores = np.linspace(1.0, 0.5, N).astype(np.float32)
    cats = np.array([0] * 10 + [1] * 10 + [2] * 10)
    plain = blend({"als": scores}, 5, BlendConfig(weights={"als": 1.0}, exploration=False, bestseller_top=0,
                                                   diversity_penalty=0.0), categories=cats)
    assert {cats[b.item] for b in plain} == {0}
    div = blend({"als": scores}, 5, BlendConfig(weights={"als": 1.0}, exploration=False, bestseller_top=0,
                                                 diversity_penalty=0.005), categories=cats)
    assert len({cats[b.item] for b in div}) >= 2


def test_exploration_slot_is_unseen_and_close_to_interests() -> None:
    scores = np.linspace(1.0, 0.5, N).astype(np.float32)
    interest = np.zeros(N)
    interest[[3, 25, 26]] = [0.99, 0.9, 0.8]
    seen = np.zeros(N, dtype=bool)
    seen[3] = True  # the closest item was already viewed: never explored
    cfg = BlendConfig(weights={"als": 1.0}, bestseller_top=0, diversity_penalty=0.0, explore_position=4)
    out = blend({"als": scores}, 10, cfg, explore_scores=interest, seen=seen)
    assert out[4].item == 25 and next(iter(out[4].contributions)) == "exploration"
    assert out[4].score == pytest.approx(sum(out[4].contributions.values()))
    assert len(out) == 10 and len({b.item for b in out}) == 10
    off = blend({"als": scores}, 10, BlendConfig(weights={"als": 1.0}, bestseller_top=0, exploration=False),
                explore_scores=interest, seen=seen)
    assert 25 not in [b.item for b in off]


def test_exploration_prefers_the_best_blended_of_the_closest_items() -> None:
    """Closeness picks the pool; the other sources pick within it (the closest alone is a near-duplicate that
    nobody buys). Items far below the closest never enter the pool, and explore_pool=0 restores closest-only."""
    scores = np.full(N, -np.inf, dtype=np.float32)
    scores[[0, 1, 2, 20, 21]] = [1.0, 0.9, 0.8, 0.6, 0.5]  # 20 and 21 are candidates of the ALS source
    interest = np.zeros(N)
    interest[[10, 20, 21, 0]] = [0.9, 0.8, 0.7, 0.3]  # 10 is the closest but no source proposes it
    cfg = BlendConfig(weights={"als": 1.0}, bestseller_top=0, diversity_penalty=0.0, explore_position=2)
    out = blend({"als": scores}, 5, cfg, explore_scores=interest)
    assert out[2].item == 20 and set(out[2].contributions) == {"exploration", "als"}
    assert [b.item for b in out] == [0, 1, 20, 2, 21]
    assert blend({"als": scores}, 5, BlendConfig(weights={"als": 1.0}, bestseller_top=0, explore_position=2,
                                                 explore_pool=0), explore_scores=interest)[2].item == 10
    # 0 is a strong candidate but only a third as close as the closest: outside the pool
    narrow = interest.copy()
    narrow[[20, 21]] = 0.0
    assert blend({"als": scores}, 5, cfg, explore_scores=narrow)[2].item == 10
    seen = np.zeros(N, dtype=bool)
    seen[20] = True  # already bought or viewed: the next best-blended of the pool
    assert blend({"als": scores}, 5, cfg, explore_scores=interest, seen=seen)[2].item == 21


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("controls", ["none", "all", "narrow pool", "closest only"])
def test_blend_agrees_with_reference(seed: int, controls: str) -> None:
    src = sources(seed)
    r = np.random.default_rng(seed + 100)
    kw: dict = {}
    cfg = CFG
    if controls != "none":
        pool = {"all": 50, "narrow pool": 4, "closest only": 0}[controls]
        cfg = BlendConfig(weights={"als": 1.0, "popularity": 0.8}, depth=12, diversity_penalty=0.003,
                          explore_pool=pool, explore_floor=0.8 if pool == 4 else 0.5)
        kw = {"categories": list(r.integers(-1, 4, N)), "bestsellers": list(r.permutation(N)[:10]),
              "explore_scores": list(r.random(N)), "seen": list(r.random(N) < 0.3),
              "excluded": list(r.random(N) < 0.1)}
    fast = blend(src, 10, cfg, **{k: (np.asarray(v) if k in ("excluded", "seen") else v) for k, v in kw.items()})
    ref = blend_reference({k: list(v) for k, v in src.items()}, 10, cfg, **kw)
    assert [b.item for b in fast] == [b.item for b in ref]
    assert [b.score for b in fast] == pytest.approx([b.score for b in ref])
