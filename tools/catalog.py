"""Catalogue tools: hybrid search, one product's details, similar products."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import Field

import messages
from core.errors import ToolInputError
from store import catalog
from tools._cards import anchor_card, card_from_product, cards_from_ranked, products_by_sku
from tools.context import RunContext
from tools.models import PremiseOut, ProductCard, ProductDetail, ProductList

Sku = Annotated[str, Field(min_length=1, max_length=64)]
TopK = Annotated[int, Field(ge=1, le=10)]

NAMED_SIMILARITY = 0.5
"""A search hit whose only reason is semantic similarity names the product only at or above this cosine (the
demo's spec queries score 0.45-0.7 with matched words; leftover words such as "Macie" score ~0.2 on anything)."""


def named_by_query(card: ProductCard) -> bool:
    """Return True when a search hit is what the customer named: an identifier match, matched attributes or words,
    or a close meaning (retrieval's premises, read from their data). An action taken *for* a product (a price
    request) needs this; a hit found by faint similarity alone is a guess."""
    for premise in card.premises:
        if premise.kind != "search":
            continue
        reason = premise.data.get("reason")
        if reason in ("exact", "matches"):
            return True
        if reason == "similarity" and float(premise.data.get("similarity") or 0.0) >= NAMED_SIMILARITY:
            return True
    return False


def catalogue_codes(ctx: RunContext, codes: Sequence[str]) -> list[str]:
    """Return the tokens among ``codes`` that are active catalogue SKUs (matched case-insensitively), as the
    catalogue spells them, in the order written (the planner's "did the customer name a product?")."""
    if not codes:
        return []
    upper = {c.upper(): c for c in codes}
    found = {r.upper(): r for r in catalog.existing_skus(ctx.session, skus=[*upper, *codes], active_only=True)}
    return [found[c.upper()] for c in codes if c.upper() in found]


def search_catalog(
    ctx: RunContext,
    query: Annotated[str, Field(min_length=1, max_length=200)],
    category: Annotated[str | None, Field(max_length=200)] = None,
    brand: Annotated[str | None, Field(max_length=100)] = None,
    max_price: Annotated[float | None, Field(gt=0)] = None,
    in_stock_only: bool = False,
    k: TopK = 5,
) -> ProductList:
    """Search the product catalogue by words, codes or specifications (hybrid keyword and semantic search).

    Args:
        query: What the customer is looking for, e.g. "wyłącznik nadprądowy B16 3P" or "IP65 enclosure".
        category: Only products whose category path contains this text (e.g. "MCB").
        brand: Only products of this brand.
        max_price: Only products with a catalogue unit price at or below this value.
        in_stock_only: Only products that are in stock.
        k: How many products to return.
    """
    from retrieval.models import CatalogFilters

    filters = CatalogFilters(category=category, brand=brand, max_price=max_price,
                             in_stock=True if in_stock_only else None)
    from tools._merchandising import merch_context, merchandised_cards  # merchandising rules (issue 24)

    cards = merchandised_cards(ctx, lambda n: ctx.resources.catalog.search(query, filters=filters, k=n),
                               merch_context(ctx, "search", query=query, category=category,
                                             in_stock_only=in_stock_only), k=k)
    note = "" if cards else "no product matched; try other words or fewer filters"
    return ProductList(items=cards, note=note)


def get_product(ctx: RunContext, sku: Sku) -> ProductDetail:
    """Get one product's details: description, attributes, catalogue price, stock and catalogue accessories.

    Args:
        sku: The product code (SKU) exactly as a tool returned it.
    """
    product = products_by_sku(ctx, [sku.strip()]).get(sku.strip())
    if product is None:
        raise ToolInputError(f"no active product with SKU {sku!r}; use search_catalog to find one")
    rel_rows = catalog.accessory_skus(ctx.session, product_id=product.id or 0)
    card = card_from_product(product, premises=[PremiseOut(kind="catalogue", data={"sku": product.sku},
                                                        text=messages.premise_text("catalogue", {"sku": product.sku}, "en") or "")])
    ctx.remember([card])
    return ProductDetail(**card.model_dump(), description=product.description[:600], unit=product.unit,
                         attributes=dict(product.attributes or {}), accessory_skus=rel_rows)


AlternativeKind = Literal["similar", "substitute", "cheaper"]


def similar_products(ctx: RunContext, sku: Sku, k: TopK = 5, kind: AlternativeKind = "similar") -> ProductList:
    """Find products similar to a given one (alternatives, substitutes, other brands).

    Args:
        sku: The product code (SKU) to find alternatives for.
        k: How many products to return.
        kind: "similar": close in description and attributes (related products, other sizes); "substitute": the
            same specification (same category, every attribute equal), any brand, in stock first, then cheapest;
            "cheaper": a substitute with a lower catalogue price, for "something cheaper than X" (a better price
            for X itself is request_price_change).
    """
    anchor = anchor_card(ctx, sku)
    if kind != "similar":
        cards = substitutes(ctx, anchor, k, cheaper=kind == "cheaper")
        what = "cheaper product" if kind == "cheaper" else "other product"
        return ProductList(items=cards, anchor=anchor,
                           note="" if cards else f"no {what} with the same specification as {anchor.sku}")
    cards = cards_from_ranked(ctx, ctx.resources.recommender.similar_products(anchor.sku, k=k), exclude=[anchor.sku])
    return ProductList(items=cards, anchor=anchor, note="" if cards else f"no similar product found for {sku}")


def substitutes(ctx: RunContext, anchor: ProductCard, k: int, *, cheaper: bool = False) -> list[ProductCard]:
    """Return up to ``k`` active products of the anchor's category and currency with its specification (only
    those with a lower catalogue price when ``cheaper``), in stock first, then cheapest first; each premise says
    which specification it shares."""
    from retrieval.substitutes import same_specification, specification_pairs

    anchor_row = catalog.product_by_sku(ctx.session, sku=anchor.sku)
    spec = anchor_row.attributes if anchor_row is not None else {}
    rows = catalog.category_specifications(ctx.session, category=anchor.category, currency=anchor.currency,
                                           exclude_sku=anchor.sku, below_price=anchor.price if cheaper else None)
    best = sorted((r for r in rows if same_specification(spec, r[3])), key=lambda r: (r[2] <= 0, r[1], r[0]))[:k]
    products = catalog.products_by_sku(ctx.session, skus=[r[0] for r in best])
    found = [products[r[0]] for r in best if r[0] in products]
    data = {"anchor": anchor.sku, "anchor_sku": anchor.sku, "attributes": specification_pairs(spec)}
    premise = PremiseOut(kind="same_specification", data=data,
                         text=messages.premise_text("same_specification", data, "en") or "")
    cards = [card_from_product(p, premises=[premise]) for p in found]
    ctx.remember(cards)
    return cards
