"""Realistic, seeded demo data: a Polish B2B wholesaler of electrical equipment.

``generate_demo(settings, engine, seed=42)`` builds ~3,200 SKUs in 21 categories with accessory relations,
~860 companies with contacts, protected attributes and consent states, 25 months of orders (replenishment and
industry-dependent accessory co-purchases) and browsing sessions, then replaces the demo-sourced rows of the
database with them in one transaction. Same seed and same ``today`` give the same data.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from core.config import Settings
from store.db import table_of
from store.demo.activity import simulate
from store.demo.catalog import WELL_KNOWN_SKU, build_catalog
from store.demo.customers import STAFF, build_customers
from store.demo.load import (
    insert_companies,
    insert_products,
    loaded_seed,
    record_run,
    upsert_staff,
    wipe_demo,
    write_catalog_csv,
)
from store.demo.price_requests import simulate_price_requests, write_price_requests
from store.demo.responses import simulate_responses, write_events_csv, write_responses
from store.models import Event, Order, OrderLine

__all__ = ["WELL_KNOWN_SKU", "DemoReport", "Progress", "demo_loaded_seed", "generate_demo"]

Progress = Callable[[str, int, int], None]
"""Progress callback: ``(stage description, steps done, total steps)``."""

N_COMPANIES = 860
HISTORY_DAYS = 760
"""Length of the order history (25 months) ending the day before ``today``."""


@dataclass(frozen=True)
class DemoReport:
    """What ``generate_demo`` wrote."""

    seed: int
    products: int
    new_products: int
    categories: int
    top_categories: int
    relations: int
    companies: int
    cold_start_companies: int
    contacts: int
    staff_users: int
    orders: int
    order_lines: int
    sessions: int
    events: int
    history_start: datetime
    history_end: datetime
    catalog_csv: Path
    seconds: float
    measurement_events: int = 0
    """Synthetic impressions, clicks, carts and orders of the demo's experiment (``store.demo.responses``)."""
    price_requests: int = 0
    """Decided price requests of the last six months, with the documented bias (``store.demo.price_requests``)."""


def generate_demo(settings: Settings, engine: Engine, *, seed: int, progress: Progress | None = None,
                  today: date | None = None) -> DemoReport:
    """Generate the demo for ``seed`` and load it, replacing earlier demo rows; return what was written.

    ``today`` (default: the current UTC date) anchors the history so that it ends near now; pass it to get
    byte-identical data on another day.
    """
    started = time.perf_counter()
    steps = 6

    def step(n: int, text: str) -> None:
        if progress is not None:
            progress(text, n, steps)

    today = today or datetime.now(UTC).date()
    anchor = datetime.combine(today, dtime(0, 0), tzinfo=UTC)
    history_start = anchor - timedelta(days=HISTORY_DAYS)
    rng = random.Random(seed)
    step(0, "generating catalogue")
    catalog = build_catalog(random.Random(rng.random()), anchor)
    step(1, "generating companies and contacts")
    companies, profiles, contacts, protected = build_customers(random.Random(rng.random()), seed, anchor,
                                                               N_COMPANIES, history_start)
    step(2, "simulating orders and browsing")
    act = simulate(random.Random(rng.random()), catalog.products, catalog.accessories(), profiles, anchor)
    step(3, "writing catalogue and customers")
    with engine.begin() as conn:
        wipe_demo(conn)
        product_ids = insert_products(conn, catalog.products, catalog.relations)
        company_ids = insert_companies(conn, companies, contacts, protected)
        staff = upsert_staff(conn, STAFF)
        step(4, "writing orders and events")
        pid = [product_ids[p["sku"]] for p in catalog.products]
        conn.execute(insert(Order), [{"external_id": o["external_id"], "company_id": company_ids[o["company"]],
                                      "ordered_at": o["ordered_at"], "source": "demo"} for o in act.orders])
        table = table_of(Order)
        order_ids: dict[str, int] = dict(conn.execute(select(table.c.external_id, table.c.id).where(table.c.source == "demo")).all())
        oid = [order_ids[o["external_id"]] for o in act.orders]
        conn.execute(insert(OrderLine), [{"order_id": oid[o], "product_id": pid[p], "quantity": q, "unit_price": u}
                                         for o, p, q, u in act.lines])
        conn.execute(insert(Event), [{
            "session_id": e["session_id"],
            "company_id": None if e["company"] is None else company_ids[e["company"]],
            "type": e["type"], "product_id": None if e["product"] is None else pid[e["product"]],
            "query": e["query"], "occurred_at": e["occurred_at"], "legal_basis": e["legal_basis"],
        } for e in act.events])
        csv_path = write_catalog_csv(catalog.products, settings.data_dir / "demo" / "catalog.csv")
        # measurement (issue 18): synthetic responses to shown recommendations, from a random stream of their own
        responses = simulate_responses(seed, catalog.products, companies, profiles, act, anchor)
        measured = write_responses(conn, responses, demo_companies=[c["external_id"] for c in companies])
        write_events_csv(responses, settings.data_dir / "demo" / "events.csv.gz")
        # oversight (issue 23): decided price requests with one documented bias, from a random stream of their own
        requests = write_price_requests(conn, simulate_price_requests(seed, catalog.products, companies, profiles,
                                                                      act, anchor), company_ids)
        report = DemoReport(
            seed=seed,
            products=len(catalog.products),
            new_products=sum(1 for p in catalog.products if p["_new"]),
            categories=len({p["category"] for p in catalog.products}),
            top_categories=len({p["category"].split(" > ")[0] for p in catalog.products}),
            relations=len(catalog.relations),
            companies=len(companies),
            cold_start_companies=sum(1 for p in profiles if p.kind == "cold_start"),
            contacts=sum(len(c) for c in contacts),
            staff_users=staff,
            orders=len(act.orders),
            order_lines=len(act.lines),
            sessions=act.sessions,
            events=len(act.events),
            history_start=history_start,
            history_end=anchor,
            catalog_csv=csv_path,
            seconds=0.0,
            measurement_events=measured,
            price_requests=requests,
        )
        record_run(conn, seed=seed, details={k: v for k, v in report.__dict__.items()
                                             if isinstance(v, int) and not isinstance(v, bool)}
                   | {"today": today.isoformat()})
    step(6, "done")
    return DemoReport(**{**report.__dict__, "seconds": round(time.perf_counter() - started, 2)})


def demo_loaded_seed(engine: Engine) -> int | None:
    """Return the seed of the loaded demo, or None when the database holds no demo data."""
    with engine.connect() as conn:
        return loaded_seed(conn)
