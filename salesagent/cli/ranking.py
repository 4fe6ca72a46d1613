"""CLI commands of this area; registered on import by ``salesagent.cli``: ``train``, ``eval recommend``,
``eval ranking``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from salesagent.cli import app, eval_app


@app.command("train")
def train_cmd() -> None:
    """Retrain the ranking models on the store and persist a new version in the models dir."""
    from ranking import train
    from salesagent.config import get_settings
    from store.db import make_engine

    settings = get_settings()
    report = train(settings, make_engine(settings), progress=typer.echo)
    typer.echo(f"trained {report.version}: {report.customers} customers, {report.items} products, "
               f"{report.interactions} interactions in {report.seconds:.1f}s")


@eval_app.command("recommend")
def eval_recommend(
    orders: Annotated[Path, typer.Option(help="Orders file, Online Retail CSV (.gz accepted).")],
    customers: Annotated[str, typer.Option(help="File with one customer id per line, or ids joined by commas.")],
    out: Annotated[Path, typer.Option(help="Output JSONL: one {customer_id, items} line per customer.")],
    k: Annotated[int, typer.Option(help="Items per customer.")] = 10,
) -> None:
    """Train the production pipeline on ORDERS and write k recommendations per listed customer."""
    from ranking.batch import read_customer_ids, recommend_file

    ids = read_customer_ids(customers)
    stats = recommend_file(orders, ids, k, out)
    typer.echo(f"wrote {stats['customers']} customers ({stats['cold_start']} cold start) to {out}", err=True)


@eval_app.command("ranking")
def eval_ranking(
    orders: Annotated[Path | None, typer.Option(help="Online Retail CSV(.gz); default ../shared/data.")] = None,
    train_end: Annotated[str, typer.Option(help="First day of the test period.")] = "2011-08-01",
    test_end: Annotated[str, typer.Option(help="Day after the test period.")] = "2011-10-01",
    tune: Annotated[bool, typer.Option(help="Tune blend weights on a validation split inside training.")] = False,
) -> None:
    """Print recall@10, nDCG@10 (all and new items) and coverage@10 for the baselines and the blender."""
    from evals.ranking_eval import DEFAULT_ORDERS, run
    from salesagent.errors import InputError

    path = orders or DEFAULT_ORDERS
    if not path.exists():
        raise InputError(f"orders file not found: {path}")
    run(path, train_end, test_end, do_tune=tune, log=typer.echo)
