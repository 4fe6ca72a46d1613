"""Data access for orders and behaviour events (what companies bought and did in the shop).

Functions take an explicit session and keyword arguments and never commit. The rows ranking reads come out as
plain tuples: the ranking layer turns them into its own matrices.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import func
from sqlmodel import Session, col, select

from store.models import Event, EventType, LegalBasis, Order, OrderLine, Product


def order_count(session: Session, *, company_id: int) -> int:
    """Return how many orders the company has placed."""
    return int(session.exec(select(func.count()).select_from(Order).where(Order.company_id == company_id)).one())


def has_ordered(session: Session, *, company_id: int) -> bool:
    """Return True when the company has placed at least one order."""
    return session.exec(select(Order.id).where(Order.company_id == company_id).limit(1)).first() is not None


class CompanyOrderLine(NamedTuple):
    """One line of a company's order, with the product's catalogue words."""

    order_id: int
    ordered_at: datetime
    sku: str
    name: str
    category: str


def company_order_lines(session: Session, *, company_id: int) -> list[CompanyOrderLine]:
    """Return every order line of a company with its product's SKU, name and category."""
    rows = session.exec(
        select(Order.id, Order.ordered_at, Product.sku, Product.name, Product.category)  # type: ignore[call-overload]
        .join(OrderLine, col(OrderLine.order_id) == col(Order.id))
        .join(Product, col(Product.id) == col(OrderLine.product_id))
        .where(Order.company_id == company_id)
    ).all()
    return [CompanyOrderLine(int(oid or 0), at, sku, name, cat) for oid, at, sku, name, cat in rows]


def company_orders(session: Session, *, company_id: int) -> list[tuple[Order, list[OrderLine]]]:
    """Return the company's orders, oldest first, each with its lines (for the data export)."""
    orders = session.exec(select(Order).where(Order.company_id == company_id).order_by(col(Order.ordered_at))).all()
    out = []
    for order in orders:
        lines = session.exec(select(OrderLine).where(OrderLine.order_id == order.id).order_by(col(OrderLine.id))).all()
        out.append((order, list(lines)))
    return out


def ordered_category_counts(session: Session) -> dict[str, int]:
    """Return ``{category path: order lines}`` over active products (0 for a category never ordered)."""
    rows = session.exec(
        select(Product.category, func.count(col(OrderLine.id)))
        .join(OrderLine, col(OrderLine.product_id) == col(Product.id), isouter=True)
        .where(col(Product.active).is_(True)).group_by(col(Product.category))).all()
    return {category: int(n) for category, n in rows}


def most_ordered_sku(session: Session, *, category_contains: str) -> str | None:
    """Return the most ordered active SKU whose category path contains ``category_contains``, or None."""
    row = session.exec(
        select(Product.sku, func.count(col(OrderLine.id)).label("n"))
        .join(OrderLine, col(OrderLine.product_id) == col(Product.id))
        .where(col(Product.category).contains(category_contains), col(Product.active).is_(True))
        .group_by(col(Product.sku)).order_by(func.count(col(OrderLine.id)).desc()).limit(1)
    ).first()
    return row[0] if row else None


def co_ordered_skus(session: Session, *, product_id: int, min_orders: int = 1) -> dict[str, int]:
    """Return ``{sku: orders}`` for products in at least ``min_orders`` of the orders that hold this product
    (the product itself left out)."""
    orders = select(OrderLine.order_id).where(OrderLine.product_id == product_id)
    rows = session.exec(
        select(Product.sku, func.count(func.distinct(col(OrderLine.order_id))))
        .join(OrderLine, col(OrderLine.product_id) == col(Product.id))
        .where(col(OrderLine.order_id).in_(orders), Product.id != product_id)
        .group_by(col(Product.sku)).having(func.count(func.distinct(col(OrderLine.order_id))) >= min_orders)
    ).all()
    return {sku: int(n) for sku, n in rows}


# --- events -------------------------------------------------------------------------------------------------


def add_event(session: Session, *, session_id: str, company_id: int | None, type: EventType,
              product_id: int | None = None, query: str | None = None,
              legal_basis: LegalBasis = LegalBasis.none, occurred_at: datetime | None = None) -> Event:
    """Store one behaviour event (flushed, so it has an id)."""
    row = Event(session_id=session_id, company_id=company_id, type=type, product_id=product_id, query=query,
                legal_basis=legal_basis)
    if occurred_at is not None:
        row.occurred_at = occurred_at
    session.add(row)
    session.flush()
    return row


def company_events(session: Session, *, company_id: int, with_product: bool = False) -> list[Event]:
    """Return the company's events, oldest first (only those about a product when ``with_product``)."""
    query = select(Event).where(Event.company_id == company_id)
    if with_product:
        query = query.where(col(Event.product_id).is_not(None))
    return list(session.exec(query.order_by(col(Event.occurred_at), col(Event.id))).all())


def product_events(session: Session) -> list[Event]:
    """Return every event of a known company about a product (ranking filters them by legal basis)."""
    return list(session.exec(select(Event).where(col(Event.company_id).is_not(None),
                                                 col(Event.product_id).is_not(None))).all())


class OrderLineRow(NamedTuple):
    """An order line as ranking reads it."""

    order_id: int
    company_id: int
    ordered_at: datetime
    product_id: int
    quantity: float


def order_line_rows(session: Session) -> list[OrderLineRow]:
    """Return every order line with its order's company and time."""
    rows: Iterable[Any] = session.exec(select(  # type: ignore[call-overload]
        Order.id, Order.company_id, Order.ordered_at, OrderLine.product_id, OrderLine.quantity,
    ).join(OrderLine, col(OrderLine.order_id) == col(Order.id))).all()
    return [OrderLineRow(*r) for r in rows]


class CompanyLineRow(NamedTuple):
    """One order line of a company as ranking reads it."""

    order_id: int
    ordered_at: datetime
    sku: str
    quantity: float


def company_line_rows(session: Session, *, company_id: int) -> list[CompanyLineRow]:
    """Return the company's order lines with each product's SKU."""
    rows: Iterable[Any] = session.exec(select(Order.id, Order.ordered_at, Product.sku, OrderLine.quantity)
                                       .join(OrderLine, col(OrderLine.order_id) == col(Order.id))
                                       .join(Product, col(Product.id) == col(OrderLine.product_id))
                                       .where(Order.company_id == company_id)).all()
    return [CompanyLineRow(*r) for r in rows]
