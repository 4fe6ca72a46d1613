"""CLI commands of this area; registered on import by ``salesagent.cli``: ``index`` and ``eval search``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from core.errors import InputError
from salesagent.cli._app import app, eval_app
from salesagent.cli.data import DemoStep, add_demo_step


def _progress_bar(description: str):  # type: ignore[no-untyped-def]
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn(description), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    transient=False)


def sync_catalog_index(settings, engine, on_progress=None, *, build_index: bool = True) -> str:  # type: ignore[no-untyped-def]
    """Sync the store's catalogue into the vector engine (idempotent); return a one-line summary."""
    from core.config import apply_offline_env
    from retrieval import build_catalog_search
    from store.db import session_scope

    apply_offline_env(settings)
    search = build_catalog_search(settings)
    try:
        with session_scope(engine) as session:
            report = search.sync_from_store(session, on_progress)
        if build_index and report.written:
            search.build_index()
        return f"catalogue index ({search.engine.name}): {report.summary()}; {search.count()} products indexed"
    finally:
        search.close()


def _demo_step_index(ctx) -> str:  # type: ignore[no-untyped-def]
    task = ctx.progress.add_task("index", total=None) if ctx.progress else None

    def on_progress(done: int, total: int) -> None:
        if ctx.progress is not None and task is not None:
            ctx.progress.update(task, completed=done, total=total)

    return sync_catalog_index(ctx.settings, ctx.engine, on_progress)


add_demo_step(DemoStep("index", _demo_step_index), before="serve")


@app.command("index")
def index_command(
    build_index: Annotated[bool, typer.Option(help="Build the ANN (HNSW) index after writing (qdrant-edge).")] = True,
) -> None:
    """Sync the store's catalogue into the configured vector engine (idempotent: only changes are written)."""
    from rich.console import Console

    from core.config import get_settings
    from store.db import make_engine

    settings = get_settings()
    bar = _progress_bar("indexing")  # started at the first progress report: no empty bar before an error
    task = bar.add_task("indexing", total=None)

    def on_progress(done: int, total: int) -> None:
        if not bar.live.is_started:
            bar.start()
        bar.update(task, completed=done, total=total)

    try:
        summary = sync_catalog_index(settings, make_engine(settings), on_progress, build_index=build_index)
    finally:
        if bar.live.is_started:
            bar.stop()
    Console().print(summary)


@eval_app.command("search")
def eval_search_command(
    catalog: Annotated[Path, typer.Option(help="Catalogue CSV (sku, name required; other columns optional).")],
    queries: Annotated[Path, typer.Option(help="Queries CSV (query_id, query).")],
    out: Annotated[Path, typer.Option(help="Run file to write: one JSON line per query.")],
    qrels: Annotated[Path | None, typer.Option(help="Judgments CSV (query_id, sku, relevance).")] = None,
    k: Annotated[int, typer.Option(help="Results per query.")] = 10,
    mode: Annotated[str, typer.Option(help="hybrid, dense or sparse.")] = "hybrid",
    folds: Annotated[int, typer.Option(help="K-fold cross-validation (needs --qrels): every tunable chosen on "
                                            "the training folds, sparse/dense/hybrid scored per held-out fold. "
                                            "0: one run with the shipped defaults.")] = 0,
    seed: Annotated[int, typer.Option(help="Seed of the fold split.")] = 0,
) -> None:
    """Index CATALOG into a fresh collection, run every query, write RUN.jsonl; with --qrels print metrics.

    With --folds K: K-fold cross-validation on the production path (see docs/retrieval.md); the run file then
    holds each query's held-out result of the shipped pipeline, with its fold."""
    from rich.console import Console

    from core.config import apply_offline_env, get_settings
    from retrieval.evaluation import run_eval

    if mode not in ("hybrid", "dense", "sparse"):
        raise InputError(f"--mode must be hybrid, dense or sparse, not {mode!r}")
    settings = get_settings()
    apply_offline_env(settings)
    if folds:
        from evals.search_cv import format_report, run_cv

        if qrels is None:
            raise InputError("--folds needs --qrels (the judgments the folds are scored and tuned on)")
        report = run_cv(settings, catalog=catalog, queries=queries, qrels=qrels, folds=folds, seed=seed, out=out,
                        log=lambda line: typer.echo(line, err=True))
        typer.echo(format_report(report))
        return
    with _progress_bar("indexing") as bar:
        task = bar.add_task("indexing", total=None)
        result = run_eval(settings, catalog=catalog, queries=queries, out=out, k=k, mode=mode,  # type: ignore[arg-type]
                          qrels=qrels, progress=lambda d, t: bar.update(task, completed=d, total=t))
    console = Console()
    console.print(f"{result.queries} queries over {result.products} products ({mode}); indexed in "
                  f"{result.index_seconds:.1f} s; search p50 {result.search_ms_p50:.1f} ms; run written to {out}")
    if result.metrics:
        console.print("  ".join(f"{name} {value:.4f}" for name, value in result.metrics.items()))


@app.command("train-search")
def train_search_command(
    queries: Annotated[list[Path] | None, typer.Option(help="Judged queries CSV (query_id, query); repeat with "
                                                             "--qrels for each file.")] = None,
    qrels: Annotated[list[Path] | None, typer.Option(help="Judgments CSV (query_id, sku, relevance), one per "
                                                           "--queries.")] = None,
    logs: Annotated[bool, typer.Option(help="Also learn from the store's search log (searches followed by a "
                                            "view, add to cart or order of a listed product; events without a "
                                            "legal basis are never used).")] = True,
    max_log_queries: Annotated[int, typer.Option(help="Use at most this many logged queries (the most searched "
                                                      "ones): bounds the training time.")] = 300,
    nomatch: Annotated[Path | None, typer.Option(help="Labelled no-match queries CSV (query_id, query, "
                                                      "in_catalogue) to calibrate the 'no match' call.")] = None,
    folds: Annotated[int, typer.Option(help="Folds of the cross-validation that chooses and reports.")] = 5,
    seed: Annotated[int, typer.Option(help="Seed of the fold split.")] = 0,
) -> None:
    """Learn this catalogue's search setting: the fusion (by cross-validation), a LambdaRank reranker (kept
    only if it beats the fused order on held-out folds) and the "no match" call; saved as a new version that
    `salesagent serve` / `chat` load at start. Needs `salesagent index` first."""
    from core.config import apply_offline_env, get_settings
    from retrieval import build_catalog_search
    from retrieval.evaluation import load_nomatch
    from retrieval.judgments import judgments_from_files, judgments_from_log, merge
    from retrieval.learn import train_search
    from retrieval.search_model import models_root
    from retrieval.tuning import Judged
    from store.db import make_engine

    files = list(zip(queries or [], qrels or [], strict=False))
    if len(queries or []) != len(qrels or []):
        raise InputError("give one --qrels for each --queries")
    if not files and not logs:
        raise InputError("nothing to learn from: give --queries/--qrels or keep --logs")
    if folds < 2:
        raise InputError(f"--folds must be at least 2, got {folds}")
    settings = get_settings()
    apply_offline_env(settings)
    sets = [judgments_from_files(q, r, prefix=f"file{i + 1}:") for i, (q, r) in enumerate(files)]
    labelled = [(text, carried) for _, text, carried in load_nomatch(nomatch)] if nomatch else []
    from_log, popularity, searched = Judged(queries={}, qrels={}), {}, 0
    if logs:
        from guardrails.consent import USABLE_BASES, has_legal_basis
        from store.db import session_scope
        from store.search_log import logged_searches, order_lines_by_sku

        with session_scope(make_engine(settings)) as session:
            rows = logged_searches(session, bases=USABLE_BASES)
            popularity = {sku: float(n) for sku, n in order_lines_by_sku(session).items()}
        searched = len(rows)
        from_log = judgments_from_log(rows, has_legal_basis, limit=max_log_queries)
    judged = merge(*sets, from_log)
    search = build_catalog_search(settings, learned=False)
    try:
        if search.count() == 0:
            raise InputError("the catalogue index is empty: run `salesagent index` first")
        typer.echo(f"judged queries: {sum(len(s.qids) for s in sets)} from files, {len(from_log.qids)} from "
                   f"{searched} logged searches with a legal basis", err=True)
        report = train_search(search, judged, root=models_root(settings.data_dir), keep=settings.models_keep,
                              popularity=popularity, nomatch_queries=labelled, k_folds=folds, seed=seed,
                              info={"from_files": [str(q) for q, _ in files], "logged_searches": searched,
                                    "log_queries": len(from_log.qids)},
                              log=lambda line: typer.echo(line, err=True))
    finally:
        search.close()
    typer.echo(report.summary())
