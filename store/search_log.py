"""Data access for the search log: each logged search and what followed it in the same browsing session.

A ``search`` event starts a listing; the ``impression`` events after it (until the session's next search) are
the products it listed; ``click``/``view`` and ``add_to_cart`` events and the company's orders placed soon after
say which listed products the buyer wanted. ``retrieval.judgments`` turns these rows into graded judgments for
the search reranker. Only events whose legal basis is among ``bases`` are read (the caller passes the usable
ones, ``guardrails.consent``); orders are contract data and need none, but count only for a listed product.

Functions take an explicit session and keyword arguments and never commit.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import func
from sqlmodel import Session, col, select

from store.models import Event, EventType, LegalBasis, Order, OrderLine, Product

FOLLOW_TYPES = (EventType.impression, EventType.click, EventType.view, EventType.add_to_cart)


class LoggedSearch(NamedTuple):
    """One search event and the products of its listing, by what the buyer did with them."""

    event_id: int
    session_id: str
    company_id: int | None
    query: str
    occurred_at: datetime
    legal_basis: LegalBasis
    listed: tuple[str, ...]
    """SKUs shown (impressions after the search, before the session's next search), in the order shown."""
    viewed: frozenset[str]
    """Listed SKUs clicked or viewed."""
    carted: frozenset[str]
    """Listed SKUs added to the cart."""
    ordered: frozenset[str]
    """Listed SKUs the company ordered within the order window after the search."""


def logged_searches(session: Session, *, bases: Collection[LegalBasis],
                    order_window: timedelta = timedelta(days=2), since: datetime | None = None
                    ) -> list[LoggedSearch]:
    """Return every search event with a legal basis in ``bases`` (and at or after ``since``) with its listing
    and what followed it, oldest first."""
    allowed = [LegalBasis(b) for b in bases]
    if not allowed:
        return []
    where: list[Any] = [Event.type == EventType.search, col(Event.legal_basis).in_(allowed),
                        col(Event.query).is_not(None)]
    if since is not None:
        where.append(col(Event.occurred_at) >= since)
    searches = session.exec(select(Event).where(*where).order_by(
        col(Event.session_id), col(Event.occurred_at), col(Event.id))).all()
    if not searches:
        return []
    sessions = select(Event.session_id).where(*where)
    follows = session.exec(
        select(Event.session_id, Event.type, Product.sku, Event.occurred_at, Event.id)  # type: ignore[call-overload]
        .join(Product, col(Product.id) == col(Event.product_id))
        .where(col(Event.type).in_(FOLLOW_TYPES), col(Event.legal_basis).in_(allowed),
               col(Event.session_id).in_(sessions))
        .order_by(col(Event.session_id), col(Event.occurred_at), col(Event.id))).all()
    by_session: dict[str, list[tuple[datetime, int, EventType, str]]] = defaultdict(list)
    for sid, etype, sku, at, eid in follows:
        by_session[sid].append((at, eid, etype, sku))
    orders = _company_orders(session, companies={s.company_id for s in searches if s.company_id is not None},
                             start=min(s.occurred_at for s in searches))
    out: list[LoggedSearch] = []
    starts: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    for s in searches:
        starts[s.session_id].append((s.occurred_at, s.id or 0))
    for s in searches:
        key = (s.occurred_at, s.id or 0)
        later = [t for t in starts[s.session_id] if t > key]
        end = min(later) if later else None
        mine = [e for e in by_session.get(s.session_id, []) if (e[0], e[1]) > key and (end is None or
                                                                                       (e[0], e[1]) < end)]
        listed = tuple(dict.fromkeys(sku for _, _, t, sku in mine if t == EventType.impression))
        shown = set(listed)
        viewed = frozenset(sku for _, _, t, sku in mine if t in (EventType.click, EventType.view) and sku in shown)
        carted = frozenset(sku for _, _, t, sku in mine if t == EventType.add_to_cart and sku in shown)
        bought: set[str] = set()
        if s.company_id is not None and s.company_id in orders:
            times, skus = orders[s.company_id]
            lo, hi = bisect_left(times, s.occurred_at), bisect_right(times, s.occurred_at + order_window)
            bought = {sku for sku in skus[lo:hi] if sku in shown}
        out.append(LoggedSearch(event_id=s.id or 0, session_id=s.session_id, company_id=s.company_id,
                                query=s.query or "", occurred_at=s.occurred_at, legal_basis=s.legal_basis,
                                listed=listed, viewed=viewed, carted=carted, ordered=frozenset(bought)))
    out.sort(key=lambda r: (r.occurred_at, r.event_id))
    return out


def _company_orders(session: Session, *, companies: set[int], start: datetime
                    ) -> dict[int, tuple[list[datetime], list[str]]]:
    """Return ``{company: (order times, skus)}`` of the order lines placed at or after ``start``, by time."""
    if not companies:
        return {}
    rows = session.exec(
        select(Order.company_id, Order.ordered_at, Product.sku)  # type: ignore[call-overload]
        .join(OrderLine, col(OrderLine.order_id) == col(Order.id))
        .join(Product, col(Product.id) == col(OrderLine.product_id))
        .where(col(Order.company_id).in_(companies), col(Order.ordered_at) >= start)
        .order_by(col(Order.company_id), col(Order.ordered_at))).all()
    out: dict[int, tuple[list[datetime], list[str]]] = {}
    for company, at, sku in rows:
        times, skus = out.setdefault(int(company), ([], []))
        times.append(at)
        skus.append(sku)
    return out


def order_lines_by_sku(session: Session) -> dict[str, int]:
    """Return ``{sku: order lines}`` of active products (the popularity the search reranker reads)."""
    rows = session.exec(
        select(Product.sku, func.count(col(OrderLine.id)))
        .join(OrderLine, col(OrderLine.product_id) == col(Product.id))
        .where(col(Product.active).is_(True)).group_by(col(Product.sku))).all()
    return {sku: int(n) for sku, n in rows}
