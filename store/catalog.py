"""Data access for the catalogue: products and their catalogue relations (accessories).

Functions take an explicit session and keyword arguments and never commit. Lookups by SKU are exact; callers
that accept a customer's spelling pass both forms (``sku`` and ``sku.upper()``).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from store.models import Product, ProductRelation


def get_product(session: Session, *, product_id: int) -> Product | None:
    """Return the product with this id, or None."""
    return session.get(Product, product_id)


def product_by_sku(session: Session, *, sku: str, active_only: bool = False) -> Product | None:
    """Return the product with this SKU (only an active one when ``active_only``), or None."""
    query = select(Product).where(Product.sku == sku)
    if active_only:
        query = query.where(col(Product.active).is_(True))
    return session.exec(query).first()


def products_by_sku(session: Session, *, skus: Iterable[str], active_only: bool = True) -> dict[str, Product]:
    """Return ``{sku: product}`` for the SKUs that exist (and are active when ``active_only``), one query."""
    wanted = list(dict.fromkeys(skus))
    if not wanted:
        return {}
    query = select(Product).where(col(Product.sku).in_(wanted))
    if active_only:
        query = query.where(col(Product.active).is_(True))
    return {row.sku: row for row in session.exec(query).all()}


def existing_skus(session: Session, *, skus: Iterable[str], active_only: bool = False) -> set[str]:
    """Return which of ``skus`` are catalogue SKUs (exact), in one query."""
    wanted = sorted(set(skus))
    if not wanted:
        return set()
    query = select(Product.sku).where(col(Product.sku).in_(wanted))
    if active_only:
        query = query.where(col(Product.active).is_(True))
    return set(session.exec(query).all())


def products(session: Session, *, active_only: bool = False) -> list[Product]:
    """Return every product (every active one when ``active_only``), by id."""
    query = select(Product).order_by(col(Product.id))
    if active_only:
        query = query.where(col(Product.active).is_(True))
    return list(session.exec(query).all())


def active_skus(session: Session) -> list[str]:
    """Return the SKUs of every active product, by id."""
    return list(session.exec(select(Product.sku).where(col(Product.active).is_(True)).order_by(col(Product.id))).all())


def product_codes(session: Session) -> list[str]:
    """Return every SKU and EAN in the catalogue (the codes the PII masker must leave alone)."""
    rows = session.exec(select(Product.sku, Product.ean)).all()
    return [code for row in rows for code in row if code]


def sku_by_product_id(session: Session, *, product_ids: Iterable[int] | None = None) -> dict[int, str]:
    """Return ``{product id: sku}`` for the given ids (every product when None)."""
    query = select(Product.id, Product.sku)
    if product_ids is not None:
        ids = sorted(set(product_ids))
        if not ids:
            return {}
        query = query.where(col(Product.id).in_(ids))
    return {int(pid): sku for pid, sku in session.exec(query).all() if pid is not None}


def accessory_skus(session: Session, *, product_id: int, limit: int | None = 10,
                   active_only: bool = True) -> list[str]:
    """Return the SKUs of the (active) products the catalogue lists as related to this one."""
    query = (select(Product.sku).join(ProductRelation, col(ProductRelation.related_product_id) == col(Product.id))
             .where(ProductRelation.product_id == product_id).order_by(col(ProductRelation.id)))
    if active_only:
        query = query.where(col(Product.active).is_(True))
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query).all())


def category_specifications(session: Session, *, category: str, currency: str, exclude_sku: str,
                            below_price: Decimal | None = None) -> list[tuple[str, Decimal, int, dict[str, Any]]]:
    """Return (sku, unit price, stock, attributes) of the active products of one category and currency other
    than ``exclude_sku`` (cheaper than ``below_price`` when given): the columns a substitute search compares,
    without building a whole row object per product (a category of hundreds of breakers cost 60 ms so)."""
    query = select(col(Product.sku), col(Product.unit_price), col(Product.stock), col(Product.attributes)).where(
        Product.category == category, Product.currency == currency, Product.sku != exclude_sku,
        col(Product.active).is_(True))
    if below_price is not None:
        query = query.where(Product.unit_price < below_price)
    return [(str(sku), Decimal(price), int(stock), dict(attrs or {}))
            for sku, price, stock, attrs in session.exec(query).all()]
