"""Demo behaviour: orders with replenishment and accessory co-purchases, browsing sessions and their events."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from store.demo._common import Product, money
from store.demo.customers import CustomerProfile

AFFINITY: dict[str, dict[str, float]] = {
    "electrical_installer": {"Circuit protection": 10, "Residual current protection": 6, "Sockets & switches": 8,
                             "Cables": 10, "Enclosures & distribution boards": 5, "Conduits & glands": 5,
                             "Connectors & terminal blocks": 4, "LED lighting": 5, "Surge protection": 2,
                             "Contactors & relays": 2, "Tools & testers": 1.5, "Energy meters": 1, "EV charging": 1,
                             "Emergency lighting": 1, "Fuses": 1},
    "construction": {"Cables": 12, "Conduits & glands": 8, "Circuit protection": 6, "Residual current protection": 3,
                     "Sockets & switches": 6, "Enclosures & distribution boards": 5, "LED lighting": 4,
                     "Cable trays & supports": 3, "Connectors & terminal blocks": 3,
                     "Power strips & extension cords": 2, "Emergency lighting": 1.5, "Tools & testers": 1},
    "manufacturing": {"Contactors & relays": 8, "Circuit protection": 6, "Cables": 6,
                      "Enclosures & distribution boards": 6, "Connectors & terminal blocks": 6, "Fuses": 4,
                      "Cable trays & supports": 5, "Conduits & glands": 4, "LED lighting": 4, "Energy meters": 2,
                      "Tools & testers": 2, "Surge protection": 1.5, "Residual current protection": 1.5},
    "facility_management": {"LED lighting": 12, "Emergency lighting": 4, "Sockets & switches": 5,
                            "Circuit protection": 4, "Residual current protection": 3, "Energy meters": 3,
                            "Tools & testers": 2, "Connectors & terminal blocks": 2,
                            "Power strips & extension cords": 2, "LED drivers": 1.5, "Cables": 2},
    "energy_pv": {"Photovoltaics": 14, "Surge protection": 5, "Circuit protection": 5, "Cables": 6,
                  "Residual current protection": 3, "Enclosures & distribution boards": 3, "Energy meters": 3,
                  "EV charging": 3, "Connectors & terminal blocks": 2, "Cable trays & supports": 2,
                  "Conduits & glands": 2, "Tools & testers": 1},
    "retail": {"LED lighting": 10, "Power strips & extension cords": 8, "Sockets & switches": 10,
               "Tools & testers": 3, "Connectors & terminal blocks": 2, "Cables": 2, "Circuit protection": 2,
               "Residual current protection": 1, "Conduits & glands": 2, "Emergency lighting": 0.5},
}
ACCESSORY_RATE = {"electrical_installer": 0.55, "construction": 0.45, "energy_pv": 0.6, "manufacturing": 0.35,
                  "facility_management": 0.3, "retail": 0.12}
"""Probability that an accessory joins a main item with accessories in the same order, by industry."""
ORDERS_PER_MONTH = {"micro": 0.8, "small": 1.6, "medium": 3.2, "large": 6.5}
REGULARS = {"micro": 4, "small": 8, "medium": 14, "large": 24}
QTY = {"micro": 3, "small": 6, "medium": 12, "large": 28}
DISCOUNT = {"micro": 0.0, "small": 0.03, "medium": 0.07, "large": 0.12}
INTERVALS = [14, 21, 30, 45, 60, 90]
ONLINE_SHARE = 0.4
ANONYMOUS_SESSIONS = 2500
INACTIVE_CUTOFF_DAYS = 120


@dataclass
class Activity:
    """Generated behaviour, referring to companies and products by list index."""

    orders: list[dict[str, Any]] = field(default_factory=list)
    lines: list[tuple[int, int, float, Decimal]] = field(default_factory=list)  # order idx, product idx, qty, price
    events: list[dict[str, Any]] = field(default_factory=list)
    sessions: int = 0


class _Picker:
    """Weighted product choice per industry (category affinity x product popularity)."""

    def __init__(self, products: list[Product]) -> None:
        self.products = products
        by_top: dict[str, list[int]] = defaultdict(list)
        self.by_category: dict[str, list[int]] = defaultdict(list)
        for i, p in enumerate(products):
            if not p["_new"]:
                by_top[p["category"].split(" > ")[0]].append(i)
                self.by_category[p["category"]].append(i)
        self.by_top = dict(by_top)
        self.cum: dict[str, tuple[list[int], list[float]]] = {}
        for top, idxs in self.by_top.items():
            total, cum = 0.0, []
            for i in idxs:
                total += products[i]["_weight"]
                cum.append(total)
            self.cum[top] = (idxs, cum)

    def pick(self, rng: random.Random, industry: str) -> int:
        aff = AFFINITY[industry]
        top = rng.choices(list(aff), weights=list(aff.values()))[0]
        idxs, cum = self.cum[top]
        return rng.choices(idxs, cum_weights=cum)[0]


def _workday(rng: random.Random, t: datetime) -> datetime:
    while t.weekday() >= 5:
        t += timedelta(days=1)
    return t.replace(hour=rng.randint(7, 16), minute=rng.randint(0, 59), second=rng.randint(0, 59), microsecond=0)


def _quantity(rng: random.Random, product: Product, size: str) -> float:
    base = QTY[size] * rng.lognormvariate(0, 0.5)
    if product["unit"] in ("coil", "box", "bag") or float(product["unit_price"]) > 800:
        base /= 6
    elif product["unit"] == "m":
        base *= 8
    return float(max(1, round(base)))


def simulate(rng: random.Random, products: list[Product], accessories: dict[str, list[str]],
             profiles: list[CustomerProfile], anchor: datetime) -> Activity:
    """Return orders, lines and events for every company profile (cold-start companies get nothing)."""
    picker = _Picker(products)
    index = {p["sku"]: i for i, p in enumerate(products)}
    acc_idx = {index[m]: [index[a] for a in accs if not products[index[a]]["_new"]] for m, accs in accessories.items()}
    cutoff = anchor - timedelta(days=INACTIVE_CUTOFF_DAYS)
    act = Activity()
    for prof in profiles:
        if prof.kind == "cold_start":
            continue
        if prof.kind != "prospect":
            _company_orders(rng, act, picker, acc_idx, prof, cutoff, anchor)
        months = max(0.5, (prof.end - prof.start).days / 30.4)
        n_abandoned = rng.randint(2, 6) if prof.kind == "prospect" else _poisson(
            rng, ORDERS_PER_MONTH[prof.size_band] * months * 0.3)
        for _ in range(n_abandoned):
            t = prof.start + timedelta(seconds=rng.uniform(0, (prof.end - prof.start).total_seconds()))
            _session(rng, act, picker, prof.index, prof.legal_basis, _workday(rng, t), target=picker.pick(
                rng, prof.industry), cart=[], abandoned=True)
    for _ in range(ANONYMOUS_SESSIONS):
        t = anchor - timedelta(seconds=rng.uniform(0, 365 * 86400))
        basis = "consent" if rng.random() < 0.4 else "none"
        _session(rng, act, picker, None, basis, t, target=picker.pick(rng, rng.choice(list(AFFINITY))),
                 cart=[], abandoned=True)
    return act


def _poisson(rng: random.Random, lam: float) -> int:
    # Knuth for small lambda, normal approximation above
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    threshold, k, prod = math.exp(-lam), 0, rng.random()
    while prod > threshold:
        k += 1
        prod *= rng.random()
    return k


def _company_orders(rng: random.Random, act: Activity, picker: _Picker, acc_idx: dict[int, list[int]],
                    prof: CustomerProfile, cutoff: datetime, anchor: datetime) -> None:
    products = picker.products
    rate = ORDERS_PER_MONTH[prof.size_band] * rng.lognormvariate(0, 0.3)
    n_regular = max(2, round(REGULARS[prof.size_band] * rng.uniform(0.7, 1.3)))
    regulars: dict[int, list[Any]] = {}
    while len(regulars) < n_regular:
        idx = picker.pick(rng, prof.industry)
        interval = rng.choice(INTERVALS[:4] if prof.size_band in ("medium", "large") else INTERVALS[1:])
        regulars[idx] = [prof.start + timedelta(days=rng.uniform(0, interval)), interval,
                         _quantity(rng, products[idx], prof.size_band)]
    p_acc = ACCESSORY_RATE[prof.industry]
    online = rng.random() < 0.8
    t = prof.start
    while True:
        t += timedelta(days=rng.expovariate(rate / 30.4))
        if t >= prof.end:
            break
        when = _workday(rng, t)
        if when >= anchor:
            break
        items: dict[int, float] = {}
        for idx, reg in regulars.items():
            if reg[0] <= when and rng.random() < 0.9:
                items[idx] = max(1.0, round(reg[2] * rng.uniform(0.7, 1.3)))
                reg[0] = when + timedelta(days=reg[1] * rng.uniform(0.85, 1.15))
        for _ in range(1 + min(4, int(rng.expovariate(0.8)))):
            idx = picker.pick(rng, prof.industry)
            items.setdefault(idx, _quantity(rng, products[idx], prof.size_band))
        for main in list(items):
            accs = acc_idx.get(main)
            if not accs:
                continue
            if rng.random() < p_acc:
                acc = rng.choice(accs[:2])
                items.setdefault(acc, max(1.0, float(math.ceil(items[main] / rng.randint(2, 6)))))
                if rng.random() < 0.4:
                    items.setdefault(rng.choice(accs), 1.0)
        items = {i: q for i, q in items.items() if products[i]["active"] or when < cutoff}
        if not items:
            continue
        order_idx = len(act.orders)
        act.orders.append({"external_id": f"DEMO-O{order_idx + 1:06d}", "company": prof.index, "ordered_at": when,
                           "source": "demo"})
        age = (anchor - when).days / 730
        factor = (1 - DISCOUNT[prof.size_band]) * (1 - 0.07 * age)
        for idx, qty in items.items():
            act.lines.append((order_idx, idx, qty, money(float(products[idx]["unit_price"]) * factor)))
        if online and rng.random() < ONLINE_SHARE / 0.8:
            main = next(iter(items))
            _session(rng, act, picker, prof.index, prof.legal_basis,
                     when - timedelta(minutes=rng.randint(15, 60)), target=main, cart=list(items)[:8],
                     abandoned=False)


def _session(rng: random.Random, act: Activity, picker: _Picker, company: int | None, basis: str,
             start: datetime, *, target: int, cart: list[int], abandoned: bool) -> None:
    """Append one browsing session: search, impressions, click, view, add-to-cart."""
    products = picker.products
    act.sessions += 1
    sid = f"demo-s{act.sessions:07d}"
    t = start
    events = act.events

    def emit(kind: str, product: int | None, query: str | None = None) -> None:
        nonlocal t
        t += timedelta(seconds=rng.randint(4, 90))
        events.append({"session_id": sid, "company": company, "type": kind, "product": product, "query": query,
                       "occurred_at": t, "legal_basis": basis})

    emit("search", None, rng.choice(products[target]["_queries"]))
    same = picker.by_category[products[target]["category"]]
    shown = [target] + rng.sample(same, min(4, len(same)))
    for idx in dict.fromkeys(shown):
        emit("impression", idx)
    emit("click", target)
    emit("view", target)
    if abandoned:
        for _ in range(rng.randint(0, 2)):
            other = rng.choice(same)
            emit("click", other)
            emit("view", other)
        if rng.random() < 0.35:
            emit("add_to_cart", target)
    else:
        for idx in cart:
            emit("add_to_cart", idx)
