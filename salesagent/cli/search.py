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
) -> None:
    """Index CATALOG into a fresh collection, run every query, write RUN.jsonl; with --qrels print metrics."""
    from rich.console import Console

    from core.config import apply_offline_env, get_settings
    from retrieval.evaluation import run_eval

    if mode not in ("hybrid", "dense", "sparse"):
        raise InputError(f"--mode must be hybrid, dense or sparse, not {mode!r}")
    settings = get_settings()
    apply_offline_env(settings)
    with _progress_bar("indexing") as bar:
        task = bar.add_task("indexing", total=None)
        result = run_eval(settings, catalog=catalog, queries=queries, out=out, k=k, mode=mode,  # type: ignore[arg-type]
                          qrels=qrels, progress=lambda d, t: bar.update(task, completed=d, total=t))
    console = Console()
    console.print(f"{result.queries} queries over {result.products} products ({mode}); indexed in "
                  f"{result.index_seconds:.1f} s; search p50 {result.search_ms_p50:.1f} ms; run written to {out}")
    if result.metrics:
        console.print("  ".join(f"{name} {value:.4f}" for name, value in result.metrics.items()))
