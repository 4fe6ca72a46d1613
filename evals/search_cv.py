"""``salesagent eval search --folds K``: K-fold cross-validation of sparse, dense and hybrid search.

The catalogue is indexed once into a fresh collection; every query is answered by the production
``CatalogSearch.search_result`` (a caching engine underneath, so each distinct engine read runs once). For each
fold, every tunable is chosen on the other K-1 folds only — the fusion setting (``retrieval.tuning.GRID``: RRF /
DBSF / convex combination, dense weight, prefetch depth, feedback, the naming-word rule, query-dependent
weighting) by mean nDCG@10, then whether the LambdaRank reranker is used and with how many rounds by an inner
cross-validation inside those training folds — and the held-out fold is scored once with what was chosen.
Sparse and dense have no tunables; "hybrid (defaults)" is the shipped setting untouched.

Columns of the table: nDCG@10 per held-out fold; "hybrid (tuned fusion)" is the fold's chosen fusion without the
reranker, "hybrid (shipped)" is what ``salesagent train-search`` would ship from those training folds (fusion
plus the reranker when the inner cross-validation chose it).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.config import Settings
from retrieval.fusion import DEFAULT_FUSION, FusionConfig

SYSTEMS = ("sparse", "dense", "hybrid (defaults)", "hybrid (tuned fusion)", "hybrid (shipped)")


@dataclass
class FoldResult:
    """One held-out fold: its queries, the metrics of every system and what the training folds chose."""

    index: int
    qids: list[str]
    metrics: dict[str, dict[str, float]]
    fusion: FusionConfig
    rounds: int | None
    inner: dict[str, float] = field(default_factory=dict)


@dataclass
class CvReport:
    """The cross-validation of one judged set."""

    products: int
    queries: int
    folds: list[FoldResult]
    seconds: float
    load: str

    def mean(self, system: str, metric: str = "ndcg@10") -> float:
        """Return the mean over folds of ``metric`` (each fold weighted equally)."""
        return float(np.mean([f.metrics[system][metric] for f in self.folds]))

    def best_single(self, metric: str = "ndcg@10") -> str:
        return max(("sparse", "dense"), key=lambda s: self.mean(s, metric))

    def wins(self, system: str, margin: float = 0.0, metric: str = "ndcg@10") -> int:
        """Return on how many folds ``system`` beats the better single mode of that fold by more than
        ``margin`` (relative)."""
        return sum(1 for f in self.folds if f.metrics[system][metric] >
                   (1 + margin) * max(f.metrics["sparse"][metric], f.metrics["dense"][metric]))


def run_cv(settings: Settings, *, catalog: Path, queries: Path, qrels: Path, folds: int = 5, seed: int = 0,
           out: Path | None = None, log: Callable[[str], None] = print) -> CvReport:
    """Index ``catalog``, cross-validate over the judged ``queries`` and return the report (see the module)."""
    import time

    from retrieval.evaluation import load_catalog_csv, load_qrels, load_queries, open_eval_index
    from retrieval.tuning import (
        CachedQueries,
        CachingEngine,
        Judged,
        cross_validate,
        grid,
        means,
        run_queries,
        score_grid,
    )
    from retrieval.tuning import folds as make_folds

    t0 = time.perf_counter()
    docs = load_catalog_csv(catalog)
    judged = Judged(queries=dict(load_queries(queries)), qrels=load_qrels(qrels))
    qids = judged.qids
    held_out = make_folds(qids, judged, folds, seed)
    search = open_eval_index(settings, docs)
    try:
        search.engine, search.embedder = CachingEngine(search.engine), CachedQueries(search.embedder)  # type: ignore[assignment]
        log(f"indexed {len(docs)} products; {len(qids)} judged queries in {folds} folds (seed {seed})")
        baseline = {"sparse": run_queries(search, judged, qids, mode="sparse"),
                    "dense": run_queries(search, judged, qids, mode="dense")}
        search.config = DEFAULT_FUSION
        baseline["hybrid (defaults)"] = run_queries(search, judged, qids)
        configs = grid()
        log(f"scoring {len(configs)} fusion settings on every query (production path) ...")
        scores = score_grid(search, judged, configs, qids)
        results = []
        shipped_runs: dict[str, tuple[int, list[str]]] = {}
        for fold in cross_validate(search, judged, scores, held_out, seed=seed, log=log):
            held = fold.held
            shipped_runs.update({q: (fold.index, fold.shipped[q]) for q in held})
            metrics = {name: means(judged.qrels, run, held) for name, run in baseline.items()}
            metrics["hybrid (tuned fusion)"] = means(judged.qrels, fold.tuned, held)
            metrics["hybrid (shipped)"] = means(judged.qrels, fold.shipped, held)
            inner = {"fused order": fold.choice.fused,
                     **{f"{r} rounds": v for r, v in fold.choice.by_rounds.items()}}
            results.append(FoldResult(index=fold.index, qids=held, metrics=metrics, fusion=fold.fusion,
                                      rounds=fold.choice.rounds, inner=inner))
    finally:
        search.engine.drop()
        search.close()
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as fh:
            for q in qids:
                fold_no, items = shipped_runs[q]
                fh.write(json.dumps({"query_id": q, "fold": fold_no, "items": items}, ensure_ascii=False) + "\n")
    return CvReport(products=len(docs), queries=len(qids), folds=results, seconds=time.perf_counter() - t0,
                    load=f"{os.getloadavg()[0]:.1f}")


def format_report(report: CvReport) -> str:
    """Return the per-fold tables (nDCG@10, recall@10, MRR), means, gains and fold wins as Markdown."""
    lines = [(f"{report.products} products, {report.queries} judged queries, {len(report.folds)} folds; "
              f"held-out figures only ({report.seconds:.0f} s, load {report.load})"), ""]
    for metric in ("ndcg@10", "recall@10", "mrr"):
        lines += [f"**{metric}** (held-out)", "", "| fold | queries | " + " | ".join(SYSTEMS) + " |",
                  "|---" * (len(SYSTEMS) + 2) + "|"]
        for f in report.folds:
            lines.append(f"| {f.index} | {len(f.qids)} | " +
                         " | ".join(f"{f.metrics[s][metric]:.4f}" for s in SYSTEMS) + " |")
        lines.append("| mean | | " + " | ".join(f"{report.mean(s, metric):.4f}" for s in SYSTEMS) + " |")
        lines.append("")
    best = report.best_single()
    lines.append(f"better single mode (mean held-out nDCG@10): {best} {report.mean(best):.4f}")
    for system in SYSTEMS[2:]:
        gain = report.mean(system) / report.mean(best) - 1
        lines.append(f"{system}: {report.mean(system):.4f} = {100 * gain:+.1f} % vs {best}; beats the better "
                     f"single mode on {report.wins(system)}/{len(report.folds)} folds, by >= 5 % on "
                     f"{report.wins(system, 0.05)}/{len(report.folds)}")
    lines.append("")
    lines.append("| fold | fusion chosen on the training folds | reranker rounds (inner CV) |")
    lines.append("|---|---|---|")
    for f in report.folds:
        lines.append(f"| {f.index} | {f.fusion.label()} | {f.rounds or 'off'} |")
    return "\n".join(lines)
