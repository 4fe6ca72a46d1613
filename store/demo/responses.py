"""Synthetic responses to shown recommendations, so the demo's KPI report has something to compute from.

After the demo's orders exist, this simulates the last :data:`WINDOW_DAYS` days of a recorded experiment
(``demo-<seed>``, 10 % control by the same salted hash the product uses, ended at the demo's ``today`` so live
chats are not split): sessions on the chat and the widget, each showing lists of five items, and the
customers' clicks, carts and orders. Every row is written with ``source="demo"`` and the KPI report labels it
synthetic. The KPI code knows nothing of the numbers below; it only reads the events.

The behaviour model (all draws from a random stream of its own, so the rest of the demo is unchanged):

- Who: companies active in the window (not cold-start); sessions per company ~ Poisson(weekly rate by size:
  micro 0.6, small 1.0, medium 1.6, large 2.5, times the weeks); a session is on the chat (30 %) or the widget
  (70 %) and shows one list (80 %) or two.
- What is shown: *treatment* stands in for the personalised ranking (each slot: 50 % an item the company has
  ordered, weighted by how often; 30 % a popular item of one of its industry's three main categories; 20 % a
  global bestseller); *control* and objectors to profiling (outside the experiment) see five of the 60 global
  bestsellers, drawn by popularity. (These are the simulation's stand-ins, not the ranking model's output.)
- Relevance of an item to a company: 1.0 if it ordered it before, 0.5 if it is in one of its industry's five
  main categories, else 0.15.
- Click: probability base × relevance / sqrt(position), base 0.30 on the chat and 0.14 on the widget, 5–120 s
  after the list. Cart after a click: 0.05 + 0.45 × relevance. A cart is ordered in the same session (0.55) or
  1–6 days later in a new session (0.15), else abandoned.
- Organic orders: 3 % of sessions order one or two items the company buys regularly (or of its industry),
  unrelated to what was shown.
- Revenue: catalogue price × the size band's discount × a lognormal quantity.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, or_
from sqlalchemy.engine import Connection

from store.demo._common import Product
from store.demo.activity import AFFINITY, DISCOUNT, QTY, Activity
from store.demo.customers import CustomerProfile
from store.measurement import EVENT_FIELDS, hash_arm
from store.models import Experiment, MeasurementEvent

WINDOW_DAYS = 56
CONTROL_SHARE = 0.10
SESSIONS_PER_WEEK = {"micro": 0.6, "small": 1.0, "medium": 1.6, "large": 2.5}
CHAT_SHARE = 0.30
LIST_SIZE = 5
CLICK_BASE = {"chat": 0.30, "widget": 0.14}
ORGANIC_ORDER = 0.03
ORDER_NOW, ORDER_LATER = 0.55, 0.15
BESTSELLERS = 60
SOURCE = "demo"


@dataclass
class Responses:
    """The simulated log (rows with the event-file columns), the experiment it ran in and its counts."""

    events: list[dict[str, Any]] = field(default_factory=list)
    experiment: dict[str, Any] = field(default_factory=dict)
    sessions: int = 0
    arms: Counter[str] = field(default_factory=Counter)


@dataclass
class _World:
    rng: random.Random
    products: list[Product]
    seed: int
    bestsellers: list[int]
    best_weights: list[float]
    by_top: dict[str, tuple[list[int], list[float]]]
    out: Responses
    n_events: int = 0
    n_lists: int = 0


def simulate_responses(seed: int, products: list[Product], companies: list[dict[str, Any]],
                       profiles: list[CustomerProfile], act: Activity, anchor: datetime) -> Responses:
    """Return the synthetic measurement log of the demo (deterministic for a seed and ``anchor``)."""
    rng = random.Random(f"salesagent-measurement-{seed}")
    start = anchor - timedelta(days=WINDOW_DAYS)
    out = Responses(experiment={"key": f"demo-{seed}", "salt": f"demo-{seed}", "control_share": CONTROL_SHARE,
                                "started_at": start, "ended_at": anchor, "created_by": "demo",
                                "note": "synthetic: the demo's behaviour simulation (store/demo/responses.py)"})
    world = _World(rng, products, seed, *_bestsellers(products, act), _top_categories(products), out)
    bought: dict[int, Counter[int]] = {}
    for o, p, _q, _u in act.lines:
        bought.setdefault(act.orders[o]["company"], Counter())[p] += 1
    for prof in profiles:
        if prof.kind == "cold_start" or prof.end <= start:
            continue
        company = companies[prof.index]
        arm = ("outside" if company["profiling_opt_out"]
               else hash_arm(company["external_id"], salt=out.experiment["salt"], control_share=CONTROL_SHARE))
        rate = SESSIONS_PER_WEEK[prof.size_band] * WINDOW_DAYS / 7
        for _ in range(_poisson(rng, rate)):
            at = _workday(rng, start + timedelta(seconds=rng.uniform(0, WINDOW_DAYS * 86400)), anchor)
            if at is not None:
                _session(world, company, prof, arm, bought.get(prof.index, Counter()), at, anchor)
    return out


def _bestsellers(products: list[Product], act: Activity) -> tuple[list[int], list[float]]:
    counts = Counter(p for _o, p, _q, _u in act.lines)
    top = [p for p, _ in sorted(counts.items(), key=lambda kv: (-kv[1], products[kv[0]]["sku"]))
           if products[p]["active"]][:BESTSELLERS]
    return top, [float(counts[p]) for p in top]


def _top_categories(products: list[Product]) -> dict[str, tuple[list[int], list[float]]]:
    by_top: dict[str, tuple[list[int], list[float]]] = {}
    for i, p in enumerate(products):
        if p["active"] and not p["_new"]:
            idxs, weights = by_top.setdefault(p["category"].split(" > ")[0], ([], []))
            idxs.append(i)
            weights.append(float(p["_weight"]))
    return by_top


def _poisson(rng: random.Random, lam: float) -> int:
    threshold, k, prod = math.exp(-lam), 0, rng.random()
    while prod > threshold:
        k += 1
        prod *= rng.random()
    return k


def _workday(rng: random.Random, t: datetime, anchor: datetime) -> datetime | None:
    while t.weekday() >= 5:
        t += timedelta(days=1)
    t = t.replace(hour=rng.randint(7, 16), minute=rng.randint(0, 59), second=rng.randint(0, 59), microsecond=0)
    return t if t < anchor - timedelta(hours=1) else None


def _relevance(world: _World, item: int, industry: str, bought: Counter[int]) -> float:
    if item in bought:
        return 1.0
    main = sorted(AFFINITY[industry], key=lambda c: -AFFINITY[industry][c])[:5]
    return 0.5 if world.products[item]["category"].split(" > ")[0] in main else 0.15


def _shown(world: _World, arm: str, industry: str, bought: Counter[int]) -> list[int]:
    rng, items = world.rng, list[int]()
    for _ in range(50):  # distinct items; a few draws more than the list is long
        if len(items) == LIST_SIZE:
            break
        roll = rng.random()
        if arm != "treatment" or roll >= 0.8:
            item = rng.choices(world.bestsellers, weights=world.best_weights)[0]
        elif roll < 0.5 and bought:
            item = rng.choices(list(bought), weights=list(bought.values()))[0]
        else:
            top = rng.choice(sorted(AFFINITY[industry], key=lambda c: -AFFINITY[industry][c])[:3])
            idxs, weights = world.by_top.get(top, (world.bestsellers, world.best_weights))
            item = rng.choices(idxs, weights=weights)[0]
        if item not in items:
            items.append(item)
    return items


def _emit(world: _World, company: dict[str, Any], session_id: str, kind: str, at: datetime, arm: str,
          **fields: Any) -> None:
    world.n_events += 1
    world.out.events.append({"event_id": f"demo-{world.seed}-e{world.n_events:07d}", "ts": at,
                             "session_id": session_id, "company": company["external_id"], "type": kind,
                             "sku": None, "rec_request_id": None, "position": None, "surface": None,
                             "revenue": None, "currency": None, "variant": arm, "source": SOURCE,
                             "segment": company["industry"]} | fields)


def _order(world: _World, company: dict[str, Any], prof: CustomerProfile, session_id: str, at: datetime,
           arm: str, item: int) -> None:
    product = world.products[item]
    qty = max(1, round(QTY[prof.size_band] * world.rng.lognormvariate(0, 0.5) / 3))
    revenue = round(float(product["unit_price"]) * (1 - DISCOUNT[prof.size_band]) * qty, 2)
    _emit(world, company, session_id, "order", at, arm, sku=product["sku"], revenue=revenue,
          currency=product["currency"])


def _session(world: _World, company: dict[str, Any], prof: CustomerProfile, arm: str, bought: Counter[int],
             at: datetime, anchor: datetime) -> None:
    rng = world.rng
    world.out.sessions += 1
    world.out.arms[arm] += 1
    sid = f"demo-m{world.out.sessions:06d}"
    surface = "chat" if rng.random() < CHAT_SHARE else "widget"
    carts: list[tuple[int, datetime]] = []
    t = at
    for _ in range(1 if rng.random() < 0.8 else 2):
        world.n_lists += 1
        request = f"demo-{world.seed}-r{world.n_lists:06d}"
        items = _shown(world, arm, prof.industry, bought)
        for pos, item in enumerate(items, start=1):
            _emit(world, company, sid, "impression", t, arm, sku=world.products[item]["sku"],
                  rec_request_id=request, position=pos, surface=surface)
        for pos, item in enumerate(items, start=1):
            rel = _relevance(world, item, prof.industry, bought)
            if rng.random() < CLICK_BASE[surface] * rel / math.sqrt(pos):
                clicked = t + timedelta(seconds=rng.randint(5, 120))
                _emit(world, company, sid, "click", clicked, arm, sku=world.products[item]["sku"],
                      rec_request_id=request, position=pos, surface=surface)
                if rng.random() < 0.05 + 0.45 * rel:
                    carted = clicked + timedelta(seconds=rng.randint(10, 300))
                    _emit(world, company, sid, "add_to_cart", carted, arm, sku=world.products[item]["sku"])
                    carts.append((item, carted))
        t += timedelta(seconds=rng.randint(60, 600))
    last = max([c for _, c in carts], default=t)
    for item, _carted in carts:
        roll = rng.random()
        if roll < ORDER_NOW:
            _order(world, company, prof, sid, last + timedelta(minutes=rng.randint(1, 20)), arm, item)
        elif roll < ORDER_NOW + ORDER_LATER:
            later = last + timedelta(days=rng.randint(1, 6), minutes=rng.randint(0, 600))
            if later < anchor:
                world.out.sessions += 1
                _order(world, company, prof, f"demo-m{world.out.sessions:06d}", later, arm, item)
    if rng.random() < ORGANIC_ORDER:
        pool = list(bought) or world.bestsellers
        for item in dict.fromkeys(rng.choices(pool, k=rng.randint(1, 2))):
            _order(world, company, prof, sid, last + timedelta(minutes=rng.randint(5, 40)), arm, item)


def write_responses(conn: Connection, responses: Responses, *, demo_companies: list[str]) -> int:
    """Replace the demo's measurement rows (and the log rows about demo companies) and its experiment with
    ``responses`` in the caller's transaction; return how many events were written."""
    table, experiments = MeasurementEvent.__table__, Experiment.__table__  # type: ignore[attr-defined]
    conn.execute(delete(MeasurementEvent).where(or_(table.c.source == SOURCE, table.c.company.in_(demo_companies))))
    conn.execute(delete(Experiment).where(experiments.c.key.startswith("demo-")))
    conn.execute(insert(Experiment), [responses.experiment])
    rows = [{k: e[k] for k in EVENT_FIELDS} | {"legal_basis": "legitimate_interest", "created_at":
                                               responses.experiment["ended_at"]} for e in responses.events]
    for start in range(0, len(rows), 5000):
        conn.execute(insert(MeasurementEvent), rows[start:start + 5000])
    return len(rows)


def write_events_csv(responses: Responses, path: Path) -> Path:
    """Write the simulated log as an event file (gzip CSV, the ``salesagent import events`` format, plus the
    optional ``segment`` column: the company's industry)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[*EVENT_FIELDS, "segment"], lineterminator="\n")
    writer.writeheader()
    for e in responses.events:
        writer.writerow(e | {"ts": e["ts"].isoformat().replace("+00:00", "Z")})
    path.write_bytes(gzip.compress(buf.getvalue().encode("utf-8"), mtime=0))
    return path
