"""Choosing the tunables by cross-validation, on the production path.

Every figure here comes from ``CatalogSearch.search_result`` itself (the same code the shop runs), with a
caching engine and query-embedding cache underneath so that scoring a few hundred fusion settings does not ask
the engine the same question twice. Nothing replays the fusion on the side.

* ``GRID``: the fusion settings compared (method RRF / DBSF / convex, dense weight, prefetch depth, feedback, the
  naming-word rule, query-dependent weighting).
* ``select_fusion``: the setting with the best mean nDCG@10 on the *training* queries, kept only when it beats
  the shipped default there by more than one standard error of the paired per-query difference (else the
  default: the one-standard-error rule).
* ``choose_rounds``: whether the LambdaRank reranker helps, and with how many rounds, by an inner
  cross-validation on the training queries only; None unless the best setting beats the fused order there by
  more than one standard error.
* ``folds``: seeded K-fold split of the judged queries that keeps near-duplicate queries (the same words) in one
  fold, so a query is never scored with its twin in the training folds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any

import numpy as np

from retrieval.engine import Cond, EngineHit, QueryPlan
from retrieval.fusion import DEFAULT_FUSION, FusionConfig
from retrieval.rerank import ROUNDS, Group, Reranker, fit_reranker, reorder
from retrieval.text import normalise

_WORDS = re.compile(r"[a-z0-9]+")
METRICS = ("ndcg@10", "recall@10", "mrr")


@dataclass
class Judged:
    """Judged queries: text, graded judgments (unjudged = 0) and the group that keeps twins in one fold."""

    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]
    groups: dict[str, str] = field(default_factory=dict)

    @property
    def qids(self) -> list[str]:
        """Queries with a query text and at least one relevant product (the ones a metric can score)."""
        return [q for q in self.queries if any(r > 0 for r in self.qrels.get(q, {}).values())]

    def group(self, qid: str) -> str:
        return self.groups.get(qid) or " ".join(sorted(set(_WORDS.findall(normalise(self.queries[qid])))))


def grid() -> list[FusionConfig]:
    """Return the fusion settings compared by cross-validation, the shipped default first."""
    out = [DEFAULT_FUSION]
    for method, weight, prefetch, feedback, naming, qw in product(
            ("rrf", "dbsf", "convex"), (0.3, 0.5, 0.7, 1.0, 1.5), (20, 40), (0.0, 0.5), (0, 1),
            ("none", "known_words")):
        cfg = FusionConfig(method=method, dense_weight=weight, prefetch=prefetch, feedback=feedback,  # type: ignore[arg-type]
                           naming_word_df=naming, query_weighting=qw)  # type: ignore[arg-type]
        if cfg != DEFAULT_FUSION:
            out.append(cfg)
    return out


def folds(qids: Sequence[str], judged: Judged, k: int, seed: int = 0) -> list[list[str]]:
    """Return ``k`` held-out query lists: groups of near-duplicate queries shuffled with ``seed`` and dealt
    round-robin, largest groups first, so the folds have about the same size."""
    from core.errors import InputError

    by_group: dict[str, list[str]] = {}
    for q in qids:
        by_group.setdefault(judged.group(q), []).append(q)
    if k < 2 or k > len(by_group):
        raise InputError(f"--folds must be between 2 and the number of distinct judged queries "
                         f"({len(by_group)}), got {k}")
    rng = np.random.default_rng(seed)
    names = list(by_group)
    rng.shuffle(names)
    names.sort(key=lambda g: -len(by_group[g]))  # stable: shuffled order among equal sizes
    out: list[list[str]] = [[] for _ in range(k)]
    for name in names:
        min(out, key=len).extend(by_group[name])
    return [sorted(f) for f in out]


def per_query(qrels: dict[str, dict[str, int]], run: dict[str, list[str]], qids: Iterable[str],
              metric: str = "ndcg@10") -> dict[str, float]:
    """Return ``metric`` per query (ranx; unjudged products count as not relevant, a query without hits 0)."""
    from ranx import Qrels, Run, evaluate

    qids = [q for q in qids if any(r > 0 for r in qrels.get(q, {}).values())]
    if not qids:
        return {}
    judged = Qrels({q: qrels[q] for q in qids})
    ranked = Run({q: {sku: float(len(run.get(q, [])) - i) for i, sku in enumerate(run.get(q, []))} or {}
                  for q in qids})
    evaluate(judged, ranked, metric, make_comparable=True)
    return {q: float(v) for q, v in ranked.scores[metric].items()}


def means(qrels: dict[str, dict[str, int]], run: dict[str, list[str]], qids: Sequence[str]) -> dict[str, float]:
    """Return the mean of each of ``METRICS`` over ``qids``."""
    return {m: float(np.mean(list(per_query(qrels, run, qids, m).values()) or [0.0])) for m in METRICS}


class CachingEngine:
    """A vector engine that answers each distinct read once (the index does not change while tuning)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self._queries: dict[Any, list[EngineHit]] = {}
        self._points: dict[str, EngineHit] = {}
        self._lookups: dict[Any, list[EngineHit]] = {}

    @staticmethod
    def _key(plan: QueryPlan) -> Any:
        return (plan.mode, None if plan.dense is None else plan.dense.tobytes(),
                None if plan.sparse is None else (tuple(plan.sparse.indices), tuple(plan.sparse.values)),
                repr(plan.conditions), plan.limit, plan.prefetch_limit, plan.rrf_k, plan.weights, plan.bare)

    def query(self, plan: QueryPlan) -> list[EngineHit]:
        key = self._key(plan)
        if key not in self._queries:
            self._queries[key] = self.inner.query(plan)
        return self._queries[key]

    def points(self, ids: list[str]) -> list[EngineHit]:
        missing = [i for i in ids if i not in self._points]
        if missing:
            self._points.update({h.id: h for h in self.inner.points(missing)})
        return [self._points[i] for i in ids if i in self._points]

    def lookup(self, conditions: list[Cond], limit: int) -> list[EngineHit]:
        key = (repr(conditions), limit)
        if key not in self._lookups:
            self._lookups[key] = self.inner.lookup(conditions, limit)
        return self._lookups[key]

    def __getattr__(self, name: str) -> Any:  # writes, counts, vectors: straight through
        return getattr(self.inner, name)


class CachedQueries:
    """The embedder with a cache for single texts (queries); documents are encoded as usual."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.dim, self.name, self.fingerprint = inner.dim, inner.name, inner.fingerprint
        self._cache: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str], batch_size: int = 16) -> np.ndarray:
        return self.inner.encode(texts, batch_size=batch_size)  # type: ignore[no-any-return]

    def encode_one(self, text: str) -> np.ndarray:
        if text not in self._cache:
            self._cache[text] = self.inner.encode_one(text)
        return self._cache[text]


def run_queries(search: Any, judged: Judged, qids: Sequence[str], *, mode: str = "hybrid",
                k: int = 10) -> dict[str, list[str]]:
    """Return ``{qid: [sku, ...]}`` from ``search.search_result`` (premises skipped: same order)."""
    return {q: [h.sku for h in search.search_result(judged.queries[q], k=k, mode=mode, explain=False).hits]
            for q in qids}


def score_grid(search: Any, judged: Judged, configs: Sequence[FusionConfig], qids: Sequence[str],
               progress: Any = None) -> dict[FusionConfig, dict[str, float]]:
    """Return nDCG@10 per query for every fusion setting (the search's reranker switched off meanwhile)."""
    saved, search.reranker = (search.config, search.reranker), None
    out: dict[FusionConfig, dict[str, float]] = {}
    try:
        for i, cfg in enumerate(configs):
            search.config = cfg
            out[cfg] = per_query(judged.qrels, run_queries(search, judged, qids), qids)
            if progress:
                progress(i + 1, len(configs))
    finally:
        search.config, search.reranker = saved
    return out


def clearly_better(candidate: Sequence[float], baseline: Sequence[float]) -> bool:
    """True when ``candidate`` beats ``baseline`` (paired per-query scores) by more than one standard error of
    the mean difference: the one-standard-error rule, which keeps the simpler choice (the default, the fused
    order) unless the training queries clearly say otherwise."""
    diff = np.asarray(candidate, dtype=np.float64) - np.asarray(baseline, dtype=np.float64)
    if len(diff) < 2:
        return bool(diff.mean() > 0) if len(diff) else False
    return bool(diff.mean() > diff.std(ddof=1) / np.sqrt(len(diff)))


def select_fusion(scores: dict[FusionConfig, dict[str, float]], train: Sequence[str],
                  default: FusionConfig = DEFAULT_FUSION) -> FusionConfig:
    """Return the setting with the best mean nDCG@10 over ``train`` (the earliest on a tie) when it is
    ``clearly_better`` than ``default`` on those queries, else ``default``."""
    best, best_mean = None, -1.0
    for cfg, per in scores.items():
        mean = float(np.mean([per[q] for q in train if q in per] or [0.0]))
        if mean > best_mean + 1e-12:
            best, best_mean = cfg, mean
    assert best is not None
    if default not in scores or best == default:
        return best
    return best if clearly_better([scores[best][q] for q in train], [scores[default][q] for q in train]) \
        else default


def candidate_groups(search: Any, judged: Judged, qids: Sequence[str], k: int = 10) -> dict[str, Group]:
    """Return the reranker's training rows per query: features of the top candidates under the search's
    current fusion setting, labels = judged grades (unjudged 0)."""
    from retrieval.engine import filter_conditions
    from retrieval.rerank import RERANK_DEPTH

    out: dict[str, Group] = {}
    for q in qids:
        got = search.retrieve(judged.queries[q], filter_conditions(None), k, "hybrid",
                              depth=max(k + 20, RERANK_DEPTH))
        hits, x = search.candidates(got)
        grades = judged.qrels.get(q, {})
        out[q] = Group(qid=q, x=x, y=np.asarray([max(0, grades.get(h.payload["sku"], 0)) for h in hits]),
                       skus=[str(h.payload["sku"]) for h in hits])
    return out


def _reranked_run(groups: dict[str, Group], qids: Sequence[str], reranker: Reranker | None
                  ) -> dict[str, list[str]]:
    run = {}
    for q in qids:
        g = groups[q]
        order = reorder(reranker.scores(g.x)) if reranker is not None and len(g.y) else range(len(g.y))
        run[q] = [g.skus[i] for i in order][:10]
    return run


@dataclass
class RoundsChoice:
    """What the inner cross-validation said: the rounds chosen (None: the reranker did not clearly beat the
    fused order) and the inner held-out nDCG@10 of the candidates' fused order and of each setting."""

    rounds: int | None
    fused: float
    by_rounds: dict[int, float]


def choose_rounds(groups: dict[str, Group], judged: Judged, train: Sequence[str], inner: int = 4,
                  seed: int = 0, rounds: Sequence[int] = ROUNDS) -> RoundsChoice:
    """Return whether (and with how many boosting rounds) the reranker beats the fused order, by ``inner``-fold
    cross-validation over ``train`` only (the outer held-out fold is never seen): the best rounds setting, kept
    only when it is ``clearly_better`` than the fused order on the inner held-out queries."""
    inner_folds = folds(train, judged, min(inner, len({judged.group(q) for q in train})), seed=seed + 1)
    fused = per_query(judged.qrels, _reranked_run(groups, train, None), train)
    by_rounds: dict[int, dict[str, float]] = {}
    for r in rounds:
        run: dict[str, list[str]] = {}
        for held in inner_folds:
            rest = [q for q in train if q not in set(held)]
            try:
                model: Reranker | None = fit_reranker([groups[q] for q in rest], r)
            except ValueError:
                model = None
            run.update(_reranked_run(groups, held, model))
        by_rounds[r] = per_query(judged.qrels, run, train)
    mean = {r: float(np.mean(list(v.values()))) for r, v in by_rounds.items()}
    best = max(mean, key=lambda r: (mean[r], -r))
    qs = list(fused)
    keep = clearly_better([by_rounds[best][q] for q in qs], [fused[q] for q in qs])
    return RoundsChoice(rounds=best if keep else None, fused=float(np.mean(list(fused.values()))), by_rounds=mean)


@dataclass
class FoldOutcome:
    """One outer fold: what its training folds chose and the held-out runs of the tuned fusion and of the
    shipped pipeline (fusion plus the reranker when chosen)."""

    index: int
    held: list[str]
    fusion: FusionConfig
    choice: RoundsChoice
    tuned: dict[str, list[str]]
    shipped: dict[str, list[str]]


def cross_validate(search: Any, judged: Judged, scores: dict[FusionConfig, dict[str, float]],
                   held_out: Sequence[Sequence[str]], seed: int = 0,
                   log: Any = None) -> list[FoldOutcome]:
    """Return, per held-out fold, the choices made on the other folds and the held-out runs: the fusion setting
    by ``select_fusion`` on the training queries, the reranker by ``choose_rounds`` inside them, and the held-out
    queries answered once by ``search.search_result`` with those choices."""
    qids = [q for fold in held_out for q in fold]
    groups_by_cfg: dict[FusionConfig, dict[str, Group]] = {}
    saved = (search.config, search.reranker)
    out = []
    try:
        for i, held in enumerate(held_out):
            held_set = set(held)
            train = [q for q in qids if q not in held_set]
            cfg = select_fusion(scores, train)
            search.config, search.reranker = cfg, None
            if cfg not in groups_by_cfg:
                groups_by_cfg[cfg] = candidate_groups(search, judged, qids)
            groups = groups_by_cfg[cfg]
            choice = choose_rounds(groups, judged, train, seed=seed)
            tuned = run_queries(search, judged, held)
            if choice.rounds is not None:
                search.reranker = fit_reranker([groups[q] for q in train], choice.rounds)
            shipped = run_queries(search, judged, held)
            out.append(FoldOutcome(index=i + 1, held=list(held), fusion=cfg, choice=choice, tuned=tuned,
                                   shipped=shipped))
            if log:
                log(f"fold {i + 1}: {len(held)} held-out queries; chosen on the other folds: {cfg.label()}, "
                    f"reranker {choice.rounds or 'off'} (inner CV nDCG@10: fused order {choice.fused:.4f}, "
                    + ", ".join(f"{r} rounds {v:.4f}" for r, v in choice.by_rounds.items()) + ")")
    finally:
        search.config, search.reranker = saved
    return out
