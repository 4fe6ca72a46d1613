"""The blender: merge candidate sources into one ranked list with popularity-bias controls.

Fusion is weighted reciprocal rank (each source adds ``weight / (rrf_k + rank)`` for its top ``depth`` items), so
sources on different scales mix without calibration and every part of the final score is a named contribution.
Then a greedy pass fills the list: a category-diversity penalty (subtracted per already chosen item of the same
category), at most ``bestseller_max`` of the top-``bestseller_top`` bestsellers in any ``bestseller_window``
consecutive positions (relaxed only when nothing else is left), and one exploration slot. :func:`blend_reference` is the plain-Python twin of
:func:`blend`; a parametrised test checks they agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class BlendConfig:
    """Weights and bias controls of the blender (each control can be switched off)."""

    weights: Mapping[str, float] = field(default_factory=lambda: {
        "buy_again": 2.0, "als": 1.0, "co_purchase": 1.0, "popularity": 0.7, "bought_together": 1.0,
        "content": 0.0, "context": 2.0})
    rrf_k: float = 60.0
    depth: int = 200
    """Candidates taken from each source."""
    bestseller_top: int = 10
    """How many global bestsellers the cap watches (0 disables the cap)."""
    bestseller_window: int = 5
    bestseller_max: int = 1
    diversity_penalty: float = 0.01
    """Subtracted from an item's score per item of the same category already in the list (0 disables)."""
    exploration: bool = True
    """Reserve one slot for a never-seen item close to the customer's interests."""
    explore_position: int = 9
    """0-based position of the exploration slot (clamped to the list length)."""
    explore_weight: float = 0.02
    explore_pool: int = 50
    """The exploration item is the best-blended of the ``explore_pool`` never-seen items closest to the customer's
    interests (the closest one when none of them is a candidate of any source); 0 = always the closest one."""
    explore_floor: float = 0.5
    """Pool members must be at least this share as similar as the closest item, so a small catalogue's "50
    closest" do not stretch to unrelated items (on Online Retail the 50th is at 0.66-0.90 of the closest)."""


@dataclass(frozen=True)
class Blended:
    """One blended item: its code, final score, per-source contributions (summing to the score)."""

    item: int
    score: float
    contributions: dict[str, float]


def _fuse(sources: Mapping[str, np.ndarray], cfg: BlendConfig, excluded: np.ndarray | None,
          ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    names = [s for s in sources if cfg.weights.get(s, 0.0) > 0]
    cand_parts, contrib_parts = [], []
    for j, name in enumerate(names):
        s = np.asarray(sources[name], dtype=np.float32).copy()
        if excluded is not None:
            s[excluded] = -np.inf
        n = min(cfg.depth, int(np.isfinite(s).sum()))
        if n <= 0:
            continue
        part = np.argpartition(-s, n - 1)[:n] if n < len(s) else np.arange(len(s))
        order = part[np.lexsort((part, -s[part]))]
        cand_parts.append(order)
        c = np.zeros((n, len(names)), dtype=np.float64)
        c[:, j] = cfg.weights[name] / (cfg.rrf_k + np.arange(n))
        contrib_parts.append(c)
    if not cand_parts:
        return np.empty(0, np.int64), np.empty((0, len(names))), names
    cands = np.concatenate(cand_parts)
    contribs = np.concatenate(contrib_parts)
    uniq, inv = np.unique(cands, return_inverse=True)
    total = np.zeros((len(uniq), len(names)))
    np.add.at(total, inv, contribs)
    return uniq, total, names


def blend(sources: Mapping[str, np.ndarray], k: int, cfg: BlendConfig, *, excluded: np.ndarray | None = None,
          categories: Sequence[int] | np.ndarray | None = None, bestsellers: Sequence[int] | np.ndarray = (),
          explore_scores: np.ndarray | None = None, seen: np.ndarray | None = None) -> list[Blended]:
    """Return the top ``k`` blended items.

    ``sources`` maps a source name to dense scores over item codes (``-inf`` = not a candidate); ``excluded`` is a
    boolean mask of items never to return; ``categories`` maps item code -> category code (-1 = none);
    ``explore_scores`` are interest similarities for the exploration slot, ``seen`` marks items the customer
    already viewed or bought (never explored).
    """
    uniq, contrib, names = _fuse(sources, cfg, excluded)
    base = contrib.sum(axis=1)
    best_set = {int(b) for b in bestsellers[: cfg.bestseller_top]} if cfg.bestseller_top > 0 else set()
    is_best = np.isin(uniq, np.fromiter(best_set, dtype=np.int64, count=len(best_set)))
    cats = (np.asarray(categories, dtype=np.int64)[uniq] if categories is not None and len(uniq)
            else np.full(len(uniq), -1, dtype=np.int64))
    has_cat = cats >= 0
    cat_idx = np.where(has_cat, cats, 0)
    cat_counts = np.zeros(int(cats.max()) + 1 if len(cats) and cats.max() >= 0 else 1)
    explore = _explore_pick(cfg, k, explore_scores, excluded, seen, best_set, uniq, base)
    n_slots = k - (1 if explore is not None else 0)
    taken = np.zeros(len(uniq), dtype=bool)
    explore_parts: dict[str, float] = {}
    if explore is not None:
        taken |= uniq == explore[0]
        explore_parts = {"exploration": explore[1]}
        if taken.any():  # the pick is also a candidate of other sources: their evidence stays with it
            j = int(np.flatnonzero(taken)[0])
            explore_parts.update({n: float(contrib[j, m]) for m, n in enumerate(names) if contrib[j, m] > 0})
    chosen: list[Blended] = []
    recent_best: list[bool] = []
    while len(chosen) < n_slots:
        penalty = np.where(has_cat, cfg.diversity_penalty * cat_counts[cat_idx], 0.0)
        adj = np.where(taken, -np.inf, base - penalty)
        if not len(adj) or not np.isfinite(adj).any():
            break
        if best_set and sum(recent_best[-(cfg.bestseller_window - 1):] if cfg.bestseller_window > 1 else []) \
                >= cfg.bestseller_max:
            capped = np.where(is_best, -np.inf, adj)
            if np.isfinite(capped).any():  # only bestsellers left: relax the cap rather than return fewer items
                adj = capped
        top = adj.max()
        j = int(np.flatnonzero(adj == top)[0])  # uniq is sorted: ties go to the lowest item code
        taken[j] = True
        parts = {n: float(contrib[j, m]) for m, n in enumerate(names) if contrib[j, m] > 0}
        if penalty[j] > 0:
            parts["diversity_penalty"] = -float(penalty[j])
        chosen.append(Blended(int(uniq[j]), float(top), parts))
        recent_best.append(bool(is_best[j]))
        if has_cat[j]:
            cat_counts[cats[j]] += 1
    if explore is not None:
        pos = min(cfg.explore_position, len(chosen))
        chosen.insert(pos, Blended(explore[0], sum(explore_parts.values()), explore_parts))
    return chosen


def _explore_pick(cfg: BlendConfig, k: int, explore_scores: np.ndarray | None, excluded: np.ndarray | None,
                  seen: np.ndarray | None, best_set: set[int], uniq: np.ndarray, base: np.ndarray,
                  ) -> tuple[int, float] | None:
    """Return (item, exploration score) or None. Eligible: never seen, not excluded, not a top bestseller.
    Among the ``explore_pool`` eligible items closest to the interests, the one the other sources rank highest
    (fused score; ties to the closer, then the lower code): closeness alone picks near-duplicates nobody buys,
    which on the validation folds cost 2-3 points of recall@10 more (docs/ranking.md, round 9)."""
    if not cfg.exploration or explore_scores is None or k < 2:
        return None
    s = np.asarray(explore_scores, dtype=np.float64).copy()
    for mask in (excluded, seen):
        if mask is not None:
            s[np.asarray(mask, dtype=bool)] = -np.inf
    if best_set:
        s[list(best_set)] = -np.inf
    finite = int(np.isfinite(s).sum())
    if not finite:
        return None
    n = max(1, min(cfg.explore_pool, finite))
    # the n closest, ties to the lower code: a partition, then a sort of the (few) items at or above the n-th
    idx = np.flatnonzero(s >= -np.partition(-s, n - 1)[n - 1]) if n < len(s) else np.arange(len(s))
    closest = idx[np.lexsort((idx, -s[idx]))][:n]
    i = int(closest[0])
    closest = closest[s[closest] >= cfg.explore_floor * s[i]] if s[i] > 0 else closest[:1]
    if cfg.explore_pool > 0 and len(uniq):
        cand = np.flatnonzero(np.isin(uniq, closest))
        if len(cand):
            items = uniq[cand]
            i = int(items[np.lexsort((items, -s[items], -base[cand]))[0]])
    return i, float(cfg.explore_weight * max(s[i], 0.0))


def blend_reference(sources: Mapping[str, Sequence[float]], k: int, cfg: BlendConfig, *,
                    excluded: Sequence[bool] | None = None, categories: Sequence[int] | None = None,
                    bestsellers: Sequence[int] = (), explore_scores: Sequence[float] | None = None,
                    seen: Sequence[bool] | None = None) -> list[Blended]:
    """Plain-Python reference of :func:`blend` (same semantics, no numpy), for the agreement test."""
    inf = float("inf")
    scores: dict[int, dict[str, float]] = {}
    for name, vec in sources.items():
        w = cfg.weights.get(name, 0.0)
        if w <= 0:
            continue
        items = [i for i, v in enumerate(vec) if v != -inf and not (excluded and excluded[i])]
        items.sort(key=lambda i: (-float(vec[i]), i))
        for rank, i in enumerate(items[: cfg.depth]):
            scores.setdefault(i, {})[name] = scores.get(i, {}).get(name, 0.0) + w / (cfg.rrf_k + rank)
    best_set = set(bestsellers[: cfg.bestseller_top]) if cfg.bestseller_top > 0 else set()
    explore = None
    if cfg.exploration and explore_scores is not None and k >= 2:
        pool = [i for i, v in enumerate(explore_scores) if v != -inf and not (excluded and excluded[i])
                and not (seen and seen[i]) and i not in best_set]
        if pool:
            pool.sort(key=lambda i: (-float(explore_scores[i]), i))
            i = pool[0]
            top = float(explore_scores[i])
            near = [j for j in pool[: cfg.explore_pool]
                    if (float(explore_scores[j]) >= cfg.explore_floor * top if top > 0 else j == i)]
            blended = [j for j in near if j in scores]
            if blended:  # the best-blended of the closest (ties: closer, then lower code)
                i = min(blended, key=lambda j: (-sum(scores[j].values()), -float(explore_scores[j]), j))
            explore = (i, cfg.explore_weight * max(float(explore_scores[i]), 0.0))
    remaining = {i for i in scores if explore is None or i != explore[0]}
    chosen: list[Blended] = []
    cat_count: dict[int, int] = {}
    history: list[bool] = []
    while len(chosen) < k - (1 if explore else 0) and remaining:
        block = best_set and cfg.bestseller_window > 1 and \
            sum(history[-(cfg.bestseller_window - 1):]) >= cfg.bestseller_max
        best_item, best_val = None, -inf
        for i in sorted(remaining):
            if block and i in best_set:
                continue
            c = categories[i] if categories is not None else -1
            val = sum(scores[i].values()) - (cfg.diversity_penalty * cat_count.get(c, 0) if c >= 0 else 0.0)
            if val > best_val:
                best_item, best_val = i, val
        if best_item is None and block:  # only bestsellers left: relax the cap rather than return fewer items
            for i in sorted(remaining):
                c = categories[i] if categories is not None else -1
                val = sum(scores[i].values()) - (cfg.diversity_penalty * cat_count.get(c, 0) if c >= 0 else 0.0)
                if val > best_val:
                    best_item, best_val = i, val
        if best_item is None:
            break
        remaining.discard(best_item)
        c = categories[best_item] if categories is not None else -1
        parts = {n: v for n, v in scores[best_item].items() if v > 0}
        pen = cfg.diversity_penalty * cat_count.get(c, 0) if c >= 0 else 0.0
        if pen > 0:
            parts["diversity_penalty"] = -pen
        chosen.append(Blended(best_item, best_val, parts))
        history.append(best_item in best_set)
        if c >= 0:
            cat_count[c] = cat_count.get(c, 0) + 1
    if explore:
        parts = {"exploration": explore[1], **{n: v for n, v in scores.get(explore[0], {}).items() if v > 0}}
        chosen.insert(min(cfg.explore_position, len(chosen)), Blended(explore[0], sum(parts.values()), parts))
    return chosen
