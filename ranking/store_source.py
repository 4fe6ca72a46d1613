"""Interactions from the store: order lines, plus behaviour events that carry a legal basis (consent or
legitimate interest; ``guardrails.consent.usable_events``). Never touches ``store.protected``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.errors import NotFoundError
from guardrails.consent import may_personalise, usable_events
from guardrails.denylist import drop_protected
from ranking.interactions import DAY, EVENT_KINDS, ORDER, Interactions
from store import catalog, companies, orders
from store.models import Event


@dataclass(frozen=True)
class StoreSnapshot:
    """The interactions plus what the service needs per company (segment, opt-out) keyed by company id."""

    interactions: Interactions
    company_external: dict[int, str]
    personal: np.ndarray
    """Per user code: may this company be profiled (not opted out)?"""


def days_since_epoch(ts: datetime) -> float:
    """Days since the epoch (the unit of :attr:`Interactions.t`) of a stored time. Naive times are UTC (how the
    store writes them); an aware one (a driver that returns the session's zone) is converted, not stripped."""
    if ts.tzinfo is not None:
        ts = ts.astimezone(UTC).replace(tzinfo=None)
    return float(np.datetime64(ts, "s").astype(np.int64) / DAY)


def load_snapshot(engine: Engine) -> StoreSnapshot:
    """Return every usable interaction in the store, with companies as users and active products as items."""
    with Session(engine) as s:
        all_companies = companies.companies(s)
        products = catalog.products(s)
        lines = orders.order_line_rows(s)
        events = list(usable_events(orders.product_events(s)))
    pid_sku = {p.id: p.sku for p in products}
    items: Any = np.array(sorted({p.sku for p in products if p.active} | {pid_sku[ln.product_id] for ln in lines}),
                     dtype=object)
    item_code = {sku: k for k, sku in enumerate(items)}
    comp_ext: dict[int, str] = {int(c.id): c.external_id for c in all_companies if c.id is not None}
    users = np.array(sorted(comp_ext.values()), dtype=object)
    user_code = {u: k for k, u in enumerate(users)}
    segments = {}
    for c in all_companies:
        feats = drop_protected({"industry": c.industry, "size_band": c.size_band}, source="ranking.segment").features
        if feats.get("industry") and feats.get("size_band"):
            segments[c.external_id] = (str(feats["industry"]), str(feats["size_band"]))
    opted_out = {int(c.id) for c in all_companies if c.id is not None and not may_personalise(c)}
    rows = [(user_code[comp_ext[ln.company_id]], item_code[pid_sku[ln.product_id]], int(ln.order_id),
             days_since_epoch(ln.ordered_at), ORDER, float(ln.quantity)) for ln in lines]
    rows += [(user_code[comp_ext[e.company_id]], item_code[pid_sku[e.product_id]], -1,  # type: ignore[index]
              days_since_epoch(e.occurred_at), _event_kind(e), 1.0)
             for e in events if e.company_id not in opted_out and pid_sku.get(e.product_id) in item_code]
    inter = _interactions(users, items, rows, item_names={p.sku: p.name for p in products},
                          item_categories={p.sku: p.category for p in products}, user_segments=segments)
    personal = np.array([True] * len(users))
    for cid in opted_out:
        personal[user_code[comp_ext[cid]]] = False
    return StoreSnapshot(inter, comp_ext, personal)


def _event_kind(e: Event) -> int:
    return EVENT_KINDS[e.type.value if hasattr(e.type, "value") else str(e.type)]


def _interactions(users: np.ndarray, items: np.ndarray, rows: list[tuple[int, int, int, float, int, float]],
                  **maps: Any) -> Interactions:
    arr: list[Any] = list(zip(*rows, strict=True)) if rows else [[]] * 6
    return Interactions(
        users=users, items=items, user=np.asarray(arr[0], dtype=np.int32), item=np.asarray(arr[1], dtype=np.int32),
        basket=np.asarray(arr[2], dtype=np.int64), t=np.asarray(arr[3], dtype=np.float64),
        kind=np.asarray(arr[4], dtype=np.int8), qty=np.asarray(arr[5], dtype=np.float32), **maps)


class CompanyHistory(NamedTuple):
    user: int | None
    """The company's user code in the model's id maps; None when the model has never seen it."""
    rows: Interactions
    personal: bool
    """May the company be profiled (not opted out)? When not, ``rows`` is empty."""


def company_history(engine: Engine, company_id: int, users: np.ndarray, items: np.ndarray) -> CompanyHistory:
    """Return a company's user code in a fitted model's id maps (``users`` / ``items``) and its current order
    lines and usable events as rows in those maps, the same rows :func:`load_snapshot` would build. Products
    the model does not know are left out (they enter at the next retrain); a company that opted out of
    profiling gets no rows at all."""
    user_code = {u: k for k, u in enumerate(users)}
    item_code = {s: k for k, s in enumerate(items)}
    rows: list[tuple[int, int, int, float, int, float]] = []
    with Session(engine) as s:
        company = companies.get_company(s, company_id=company_id)
        if company is None:
            raise NotFoundError(f"company {company_id} not found")
        code = user_code.get(company.external_id)
        personal = may_personalise(company)
        if code is not None and personal:
            lines = orders.company_line_rows(s, company_id=company_id)
            events = list(usable_events(orders.company_events(s, company_id=company_id, with_product=True)))
            sku_of: dict[Any, str] = catalog.sku_by_product_id(
                s, product_ids={e.product_id for e in events if e.product_id is not None})
            rows = [(code, item_code[sku], int(oid), days_since_epoch(ts), ORDER, float(qty))
                    for oid, ts, sku, qty in lines if sku in item_code]
            rows += [(code, item_code[sku_of[e.product_id]], -1, days_since_epoch(e.occurred_at), _event_kind(e), 1.0)
                     for e in events if sku_of.get(e.product_id) in item_code]
    return CompanyHistory(code, _interactions(users, items, rows), personal)
