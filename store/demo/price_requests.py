"""The demo's price-request history, carrying one documented historical bias for the equality audit to find.

**The bias (deliberate, the only one in this module):** sales staff approved the discount requests of companies
in :data:`BIASED_REGION` (śląskie) with probability :data:`APPROVE_BIASED` (35 %) instead of :data:`APPROVE`
(75 %) everywhere else. Nothing else here depends on any group: every company files at the same rate, asks for
the same discounts and waits as long for a decision, so the audit (``salesagent audit equality``) should flag
"region / share of requests approved" and nothing else beyond its significance level.

The model (all draws from a random stream of its own, so the rest of the demo is unchanged):

- Who and when: every company that orders (not cold-start, not prospect) files discount requests as a Poisson
  process of :data:`REQUESTS_PER_MONTH` (1.0) a month while it is active, over the :data:`WINDOW_DAYS` (183)
  days ending :data:`QUIET_DAYS` (5) days before the demo's today, on workdays between 7:00 and 17:00 UTC.
- What: one product, one the company ordered before (weighted by how often; a global bestseller when it has no
  order yet), kind ``discount``, ``discount_percent`` drawn from :data:`PERCENTS` (3–15 %).
- Decision: by one of the demo's sales users, after a lognormal time (median 6 h, σ 0.8, at most 60 h);
  approved (the requested percentage off the catalogue price, ``approved_unit_price`` set) or rejected (with a
  note). No request stays pending and every one expired before today (``expires_at`` = filing + 72 h), so the
  agent sees no open request or live offer from this history: the golden conversations keep their answers.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Connection

from store.demo._common import Product
from store.demo.activity import Activity
from store.demo.customers import STAFF, CustomerProfile
from store.models import PriceApproval

BIASED_REGION = "śląskie"
APPROVE = 0.75
APPROVE_BIASED = 0.35
REQUESTS_PER_MONTH = 1.0
WINDOW_DAYS = 183
QUIET_DAYS = 5
PERCENTS = (3, 5, 7, 10, 12, 15)
DECISION_MEDIAN_HOURS = 6.0
DECISION_SIGMA = 0.8
DECISION_MAX_HOURS = 60.0
TTL_HOURS = 72.0


def simulate_price_requests(seed: int, products: list[Product], companies: list[dict[str, Any]],
                            profiles: list[CustomerProfile], act: Activity, anchor: datetime) -> list[dict[str, Any]]:
    """Return the demo's decided price requests (rows of ``PriceApproval`` with ``company`` = the company's index
    instead of its id), deterministic for a seed and ``anchor``."""
    rng = random.Random(f"salesagent-price-requests-{seed}")
    end = anchor - timedelta(days=QUIET_DAYS)
    start = end - timedelta(days=WINDOW_DAYS)
    bought: dict[int, Counter[int]] = {}
    for o, p, _q, _u in act.lines:
        bought.setdefault(act.orders[o]["company"], Counter())[p] += 1
    popular = Counter(p for _o, p, _q, _u in act.lines).most_common(60)
    deciders = [s["username"] for s in STAFF if s["role"] == "sales"]
    rows: list[dict[str, Any]] = []
    for prof in profiles:
        if prof.kind in ("cold_start", "prospect"):
            continue
        lo, hi = max(start, prof.start), min(end, prof.end)
        if hi <= lo:
            continue
        days = (hi - lo).total_seconds() / 86400
        company = companies[prof.index]
        approve = APPROVE_BIASED if company["region"] == BIASED_REGION else APPROVE
        history = bought.get(prof.index)
        for _ in range(_poisson(rng, REQUESTS_PER_MONTH * days / 30.44)):
            at = _workday(rng, lo + timedelta(seconds=rng.uniform(0, days * 86400)))
            if at >= hi:
                continue
            item = (rng.choices(list(history), weights=list(history.values()))[0] if history
                    else rng.choice(popular)[0])
            product = products[item]
            percent = rng.choice(PERCENTS)
            wait = min(DECISION_MAX_HOURS, rng.lognormvariate(math.log(DECISION_MEDIAN_HOURS), DECISION_SIGMA))
            approved = rng.random() < approve
            price = Decimal(product["unit_price"]) * (Decimal(100) - percent) / Decimal(100)
            rows.append({
                "company": prof.index, "conversation_id": None, "product_skus": [product["sku"]],
                "kind": "discount", "proposed_change": {"discount_percent": percent},
                "reason": "customer asked in chat", "status": "approved" if approved else "rejected",
                "requested_at": at, "requested_by": "agent", "decided_by": rng.choice(deciders),
                "decided_at": at + timedelta(hours=wait),
                "note": None if approved else "outside the discount policy",
                "expires_at": at + timedelta(hours=TTL_HOURS),
                "approved_unit_price": price.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if approved else None,
                "version": 1,
            })
    rows.sort(key=lambda r: (r["requested_at"], r["company"]))
    return rows


def write_price_requests(conn: Connection, rows: list[dict[str, Any]], company_ids: list[int]) -> int:
    """Insert the requests in the caller's transaction (the demo's wipe already removed earlier demo rows);
    return how many."""
    if rows:
        conn.execute(insert(PriceApproval), [{k: v for k, v in r.items() if k != "company"}
                                             | {"company_id": company_ids[r["company"]]} for r in rows])
    return len(rows)


def _poisson(rng: random.Random, lam: float) -> int:
    threshold, k, prod = math.exp(-lam), 0, rng.random()
    while prod > threshold:
        k += 1
        prod *= rng.random()
    return k


def _workday(rng: random.Random, t: datetime) -> datetime:
    while t.weekday() >= 5:
        t += timedelta(days=1)
    return t.replace(hour=rng.randint(7, 16), minute=rng.randint(0, 59), second=rng.randint(0, 59), microsecond=0)
