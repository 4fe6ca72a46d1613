"""CLI commands of this area; registered on import by ``salesagent.cli``: ``train``, ``eval recommend``,
``eval ranking``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from salesagent.cli._app import app, eval_app
from salesagent.cli.data import DemoStep, add_demo_step

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

VECTORS_HELP = ("Catalogue vectors: 'descriptions' embeds each product's description with the shipped model, as "
                "a deployment's catalogue index does (content similarity and the exploration slot on); 'none' "
                "ranks on order history alone.")


def train_with_catalog_vectors(settings, engine, say=None):  # type: ignore[no-untyped-def]
    """Train the ranking pipeline with the catalogue's dense vectors (content similarity, exploration slot,
    brand-new products); products not indexed yet simply have no vector. When a running portal holds the
    embedded index, the active products are embedded here instead (same text, same model), so a nightly
    retrain works without stopping the portal. Returns the TrainReport."""
    from sqlmodel import Session

    from core.config import apply_offline_env
    from core.errors import ResourceBusyError
    from ranking import train
    from retrieval import build_catalog_search
    from retrieval.embeddings import load_embedder
    from retrieval.ingest import embed_store_catalogue
    from store.catalog import active_skus

    apply_offline_env(settings)
    embedder = load_embedder(settings)
    try:
        search = build_catalog_search(settings, embedder)
    except ResourceBusyError:  # a running portal holds the embedded index: embed the catalogue here instead
        with Session(engine) as session:
            if say:
                say("the catalogue index is in use by a running portal: embedding the catalogue directly")
            vectors = embed_store_catalogue(session, embedder, settings.dense_text)
        return train(settings, engine, progress=say, vectors=vectors)
    try:
        with Session(engine) as session:
            skus = active_skus(session)
        vectors = search.vectors_for(skus)
    finally:
        search.close()
    return train(settings, engine, progress=say, vectors=vectors)


def _demo_step_train(ctx) -> str:  # type: ignore[no-untyped-def]
    from ranking import artefacts

    current = artefacts.current_version(ctx.settings.models_dir)
    fresh = current is not None and artefacts.is_loadable(ctx.settings.models_dir, current)
    if fresh and not ctx.force:
        return f"ranking model {current} already trained (run `salesagent train` to retrain)"
    report = train_with_catalog_vectors(ctx.settings, ctx.engine)
    why = f" (model {current} was written by other ranking code)" if current and not fresh else ""
    return f"ranking model {report.version} trained in {report.seconds:.1f} s{why}"


add_demo_step(DemoStep("train", _demo_step_train), before="serve")


@app.command("train")
def train_cmd() -> None:
    """Retrain the ranking models on the store (with the catalogue's vectors) and persist a new version in the
    models dir. Run `salesagent index` first so content similarity has vectors."""
    from core.config import get_settings
    from store.db import make_engine

    settings = get_settings()
    report = train_with_catalog_vectors(settings, make_engine(settings), typer.echo)
    typer.echo(f"trained {report.version}: {report.customers} customers, {report.items} products, "
               f"{report.interactions} interactions in {report.seconds:.1f}s")


@eval_app.command("recommend")
def eval_recommend(
    orders: Annotated[Path, typer.Option(help="Orders file, Online Retail CSV (.gz accepted).")],
    customers: Annotated[str, typer.Option(help="File with one customer id per line, or ids joined by commas.")],
    out: Annotated[Path, typer.Option(help="Output JSONL: one {customer_id, items} line per customer.")],
    k: Annotated[int, typer.Option(help="Items per customer.")] = 10,
    vectors: Annotated[str, typer.Option(help=VECTORS_HELP)] = "descriptions",
) -> None:
    """Train the production pipeline on ORDERS and write k recommendations per listed customer."""
    from evals.ranking_eval import check_vectors_choice, description_vectors
    from ranking.batch import read_customer_ids, recommend_file

    check_vectors_choice(vectors)
    ids = read_customer_ids(customers)

    def embed(frame: pd.DataFrame) -> dict[str, np.ndarray]:
        return description_vectors(frame, log=lambda line: typer.echo(line, err=True))

    stats = recommend_file(orders, ids, k, out, vectors=embed if vectors == "descriptions" else None)
    typer.echo(f"wrote {stats['customers']} customers ({stats['cold_start']} cold start) to {out}", err=True)


@eval_app.command("ranking")
def eval_ranking(
    orders: Annotated[Path | None, typer.Option(help="Online Retail CSV(.gz); default ../shared/data.")] = None,
    train_end: Annotated[str, typer.Option(help="First day of the test period.")] = "2011-08-01",
    test_end: Annotated[str, typer.Option(help="Day after the test period.")] = "2011-10-01",
    tune: Annotated[bool, typer.Option(help="Tune blend weights on a validation split inside training.")] = False,
    seeds: Annotated[str | None, typer.Option(
        help="Also score vanilla ALS and the blender once per ALS seed (a range like 0-4 or a list like 0,3,7) "
             "and print the spread of the gains: one seed's figure can be luck.")] = None,
    vectors: Annotated[str, typer.Option(help=VECTORS_HELP)] = "descriptions",
) -> None:
    """Print recall@10, nDCG@10 (all and new items) and coverage@10 for the baselines and the blender."""
    from core.errors import InputError
    from evals.ranking_eval import DEFAULT_ORDERS, check_vectors_choice, parse_seeds, run

    check_vectors_choice(vectors)
    seed_list = parse_seeds(seeds) if seeds is not None else []
    path = orders or DEFAULT_ORDERS
    if not path.exists():
        raise InputError(f"orders file not found: {path}")
    run(path, train_end, test_end, do_tune=tune, log=typer.echo, seeds=seed_list, vectors=vectors)
