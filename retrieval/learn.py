"""``salesagent train-search``: learn one catalogue's search setting from its judged queries, and say how well
the method does on queries it did not see.

1. Every fusion setting of ``retrieval.tuning.grid`` is scored on every judged query (production path).
2. Honesty first: a K-fold cross-validation of the whole method (choose the fusion on K-1 folds, choose and fit
   the reranker inside them, score the held-out fold) gives the held-out figures the report prints.
3. Then the same method on all judged queries: the fusion setting with the best mean nDCG@10, the reranker when
   an inner cross-validation says it beats the fused order (else none), the "no match" model when labelled
   no-match queries are given. Saved as a new version (``retrieval.search_model``); the portal and chat load it
   at start.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import InputError
from retrieval.fusion import DEFAULT_FUSION, FusionConfig
from retrieval.nomatch import NoMatchModel, fit_nomatch, precision_recall
from retrieval.rerank import Reranker, fit_reranker
from retrieval.search_model import SearchModel, prune, save
from retrieval.tuning import (
    CachedQueries,
    CachingEngine,
    Judged,
    candidate_groups,
    choose_rounds,
    cross_validate,
    folds,
    grid,
    means,
    per_query,
    score_grid,
    select_fusion,
)

MIN_JUDGED = 10
"""Fewer judged queries than this cannot choose anything."""


@dataclass
class TrainSearchReport:
    """What ``train_search`` learned and how the method did on held-out folds."""

    version: str
    judged: int
    fusion: FusionConfig
    rounds: int | None
    held_out: dict[str, float]
    """Mean held-out nDCG@10 over the folds: defaults, tuned fusion, shipped (fusion + reranker if chosen)."""
    folds: int
    nomatch: NoMatchModel | None
    nomatch_held_out: tuple[float, float] | None
    """Cross-validated (precision, recall) of the "no match" call on the labelled queries, or None."""
    seconds: float
    importance: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        """A few lines for the CLI."""
        reranker = (f"LambdaRank {self.rounds} rounds" if self.rounds
                    else "off (did not beat the fused order in cross-validation)")
        lines = [(f"search model {self.version}: {self.judged} judged queries; fusion {self.fusion.label()}; "
                  f"reranker {reranker}"),
                 f"held-out nDCG@10 over {self.folds} folds: " +
                 ", ".join(f"{k} {v:.4f}" for k, v in self.held_out.items())]
        if self.nomatch is not None:
            held = (f"; cross-validated precision {self.nomatch_held_out[0]:.2f}, recall "
                    f"{self.nomatch_held_out[1]:.2f}" if self.nomatch_held_out else "")
            lines.append(f"no-match call: threshold {self.nomatch.threshold:.3f}{held}")
        lines.append(f"{self.seconds:.0f} s")
        return "\n".join(lines)


def train_search(search: Any, judged: Judged, *, root: Path, keep: int = 5,
                 popularity: dict[str, float] | None = None,
                 nomatch_queries: Sequence[tuple[str, bool]] = (), k_folds: int = 5, seed: int = 0,
                 info: dict[str, Any] | None = None, log: Callable[[str], None] = lambda _: None
                 ) -> TrainSearchReport:
    """Learn ``search``'s catalogue setting from ``judged`` (see the module docstring), save it under ``root``
    and point CURRENT at it. ``nomatch_queries``: (query, carried?) pairs for the "no match" model."""
    t0 = time.perf_counter()
    qids = judged.qids
    if len(qids) < MIN_JUDGED:
        raise InputError(f"need at least {MIN_JUDGED} judged queries with a relevant product, have {len(qids)}: "
                         "give --queries/--qrels or let the shop log searches first")
    engine, embedder = search.engine, search.embedder
    search.engine, search.embedder = CachingEngine(engine), CachedQueries(embedder)
    search.popularity = dict(popularity or {})
    try:
        configs = grid()
        log(f"scoring {len(configs)} fusion settings on {len(qids)} judged queries ...")
        scores = score_grid(search, judged, configs, qids)
        held_out = folds(qids, judged, min(k_folds, len({judged.group(q) for q in qids})), seed)
        outcomes = cross_validate(search, judged, scores, held_out, seed=seed, log=log)
        held = {
            "defaults": float(np.mean([np.mean([scores[DEFAULT_FUSION][q] for q in f.held]) for f in outcomes])),
            "tuned fusion": float(np.mean([means(judged.qrels, f.tuned, f.held)["ndcg@10"] for f in outcomes])),
            "shipped": float(np.mean([means(judged.qrels, f.shipped, f.held)["ndcg@10"] for f in outcomes])),
        }
        fusion = select_fusion(scores, qids)
        search.config, search.reranker = fusion, None
        groups = candidate_groups(search, judged, qids)
        choice = choose_rounds(groups, judged, qids, seed=seed)
        reranker: Reranker | None = None
        if choice.rounds is not None:
            reranker = fit_reranker(list(groups.values()), choice.rounds)
        search.reranker = reranker
        nomatch, nomatch_held = None, None
        if nomatch_queries:
            nomatch, nomatch_held = _fit_nomatch(search, nomatch_queries, seed)
        model = SearchModel(fusion=fusion, reranker=reranker, nomatch=nomatch, popularity=search.popularity,
                            encoders=search.encoders)
        version = save(root, model, {
            "judged_queries": len(qids), "folds": len(held_out), "held_out_ndcg10": held,
            "inner_cv": {"fused order": choice.fused, **{str(r): v for r, v in choice.by_rounds.items()}},
            "nomatch_held_out": nomatch_held, **(info or {})})
        prune(root, keep)
        model.version = version
    finally:
        search.engine, search.embedder = engine, embedder
    search.use_model(model)
    return TrainSearchReport(version=version, judged=len(qids), fusion=fusion, rounds=choice.rounds,
                             held_out=held, folds=len(held_out), nomatch=nomatch, nomatch_held_out=nomatch_held,
                             seconds=time.perf_counter() - t0,
                             importance=reranker.importance() if reranker is not None else {})


def _fit_nomatch(search: Any, queries: Sequence[tuple[str, bool]], seed: int
                 ) -> tuple[NoMatchModel, tuple[float, float]]:
    """Return the "no match" model fitted on all ``queries`` and its cross-validated (precision, recall)."""
    x = np.asarray([search.nomatch_features(q) for q, _ in queries], dtype=np.float64)
    y = np.asarray([0 if carried else 1 for _, carried in queries])
    if y.sum() < 2 or (1 - y).sum() < 2:
        raise InputError("the no-match file needs at least 2 carried and 2 not-carried queries")
    return (fit_nomatch(x, y, seed=seed, trained_on=f"{len(y)} labelled queries"),
            nomatch_cross_validated(x, y, seed=seed))


def nomatch_cross_validated(x: np.ndarray, y: np.ndarray, *, folds: int = 5, seed: int = 0) -> tuple[float, float]:
    """Return the pooled held-out (precision, recall) of the "no match" call: on each fold, a model (coefficients
    *and* threshold) fitted on the other folds only calls the held-out queries."""
    from sklearn.model_selection import StratifiedKFold

    called = np.zeros(len(y), dtype=bool)
    for train, test in StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(x, y):
        model = fit_nomatch(x[train], y[train], seed=seed)
        called[test] = [model.probability(row) >= model.threshold for row in x[test]]
    return precision_recall(called, y)


__all__ = ["TrainSearchReport", "nomatch_cross_validated", "per_query", "train_search"]
