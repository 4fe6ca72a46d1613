"""Turning ranked SKUs into product cards: one query for the catalogue rows, inactive products dropped."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from store import catalog
from store.models import Product
from tools.context import RunContext
from tools.models import PremiseOut, ProductCard


def premise_out(premise: Any) -> PremiseOut:
    """Return a :class:`PremiseOut` from a ranking ``Premise``, a retrieval ``SearchPremise`` (kind ``search``,
    its reason in ``data["reason"]``), a plain string or a dict."""
    from retrieval.models import SearchPremise

    if isinstance(premise, SearchPremise):
        return PremiseOut(kind="search", text=premise.text, data={"reason": premise.kind, **premise.data})
    if isinstance(premise, str):
        return PremiseOut(kind="search", text=premise)
    if isinstance(premise, dict):
        return PremiseOut(kind=str(premise.get("kind", "note")), text=str(premise.get("text", "")),
                          data=dict(premise.get("data") or {}))
    return PremiseOut(kind=str(getattr(premise, "kind", "note")), text=str(getattr(premise, "text", premise)),
                      data=dict(getattr(premise, "data", None) or {}))


def anchor_card(ctx: RunContext, sku: str) -> ProductCard:
    """Return the card of the product a list is about (matched case-insensitively) and remember it."""
    from core.errors import ToolInputError

    sku = sku.strip()
    rows = products_by_sku(ctx, [sku, sku.upper()])
    product = rows.get(sku) or rows.get(sku.upper())
    if product is None:
        raise ToolInputError(f"no active product with SKU {sku!r}; use search_catalog to find one")
    ctx.referenced.add(product.sku)
    return card_from_product(product)


def products_by_sku(ctx: RunContext, skus: Iterable[str]) -> dict[str, Product]:
    """Return the active catalogue rows for ``skus`` (unknown or inactive SKUs are absent)."""
    return catalog.products_by_sku(ctx.session, skus=skus)


def card_from_product(product: Product, *, score: float | None = None,
                      premises: Sequence[PremiseOut] = ()) -> ProductCard:
    """Return the card of one catalogue row."""
    return ProductCard(sku=product.sku, name=product.name, category=product.category, brand=product.brand,
                       price=product.unit_price, currency=product.currency, stock=product.stock,
                       score=None if score is None else round(float(score), 4), premises=list(premises))


def cards_from_ranked(ctx: RunContext, ranked: Sequence[Any], *, exclude: Iterable[str] = ()) -> list[ProductCard]:
    """Return cards for ranked items (``sku``, ``score``, ``premises``), keeping order, and remember them."""
    skip = set(exclude)
    items = [r for r in ranked if r.sku not in skip]
    rows = products_by_sku(ctx, (r.sku for r in items))
    cards = [
        card_from_product(rows[r.sku], score=getattr(r, "score", None),
                          premises=[premise_out(p) for p in getattr(r, "premises", []) or []])
        for r in items if r.sku in rows
    ]
    ctx.remember(cards)
    return cards
