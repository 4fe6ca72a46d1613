"""Recommendation tools: personal picks, accessories bought together, bestsellers of a segment."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from core.errors import ToolInputError
from measurement.experiment import arm_of
from tools._cards import anchor_card, cards_from_ranked, products_by_sku
from tools.catalog import Sku, TopK
from tools.context import RunContext
from tools.models import ProductList


def recommend_for_customer(
    ctx: RunContext,
    query: Annotated[str | None, Field(max_length=200)] = None,
    product_sku: Annotated[str | None, Field(max_length=64)] = None,
    k: TopK = 5,
) -> ProductList:
    """Recommend products for this customer from its order history, its segment and the current context.

    Args:
        query: What the customer is working on or looking for, if said (e.g. "rozdzielnica mieszkaniowa").
        product_sku: A product the customer is looking at, if any.
        k: How many products to return.
    """
    from ranking.models import Customer, RecContext

    if product_sku and not products_by_sku(ctx, [product_sku]):
        raise ToolInputError(f"no active product with SKU {product_sku!r}")
    # the company as this turn sees it: an onboarding answer recorded a moment ago counts already
    customer = Customer.of(ctx.company, has_ordered=ctx.order_count > 0)
    context = RecContext(product_sku=product_sku, cart_skus=[], query=query)
    from tools._merchandising import merch_context, merchandised_cards  # merchandising rules (issue 24)

    def ranked(n: int) -> list[Any]:
        if arm_of(ctx.session, ctx.company) == "control":  # the experiment's baseline: bestsellers, same layout
            return list(ctx.resources.recommender.segment_bestsellers(ctx.company.industry, ctx.company.size_band,
                                                                      k=n))
        return list(ctx.resources.recommender.recommend_for_customer(customer, context, k=n))

    anchor = products_by_sku(ctx, [product_sku]).get(product_sku) if product_sku else None
    cards = merchandised_cards(ctx, ranked, merch_context(ctx, "recommendations", query=query,
                                                          category=anchor.category if anchor else None),
                               k=k, exclude=[product_sku] if product_sku else [])
    return ProductList(items=cards, note="" if cards else "no recommendation available")


def bought_together(ctx: RunContext, sku: Sku, k: TopK = 5) -> ProductList:
    """Find accessories and complements other customers bought in the same order as a given product.

    Args:
        sku: The product code (SKU) the accessories are for.
        k: How many products to return.
    """
    anchor = anchor_card(ctx, sku)
    cards = cards_from_ranked(ctx, ctx.resources.recommender.bought_together(anchor.sku, k=k), exclude=[anchor.sku])
    note = "" if cards else f"no product is often bought together with {anchor.sku}"
    return ProductList(items=cards, anchor=anchor, note=note)


def segment_bestsellers(
    ctx: RunContext,
    industry: Annotated[str | None, Field(max_length=64)] = None,
    size_band: Annotated[str | None, Field(max_length=32)] = None,
    k: TopK = 5,
) -> ProductList:
    """List the bestsellers among companies of an industry and size (good for new customers).

    Args:
        industry: The industry, e.g. "electrical_contractor"; empty means this customer's industry (overall
            bestsellers when the company objected to profiling).
        size_band: The company size band, e.g. "10-49"; empty means this customer's size band.
        k: How many products to return.
    """
    from guardrails.consent import may_personalise

    if may_personalise(ctx.company):  # after an objection to profiling only a segment the model named is used
        industry = industry or ctx.company.industry
        size_band = size_band or ctx.company.size_band
    ranked = ctx.resources.recommender.segment_bestsellers(industry, size_band, k=k)
    cards = cards_from_ranked(ctx, ranked)
    return ProductList(items=cards, note="" if cards else "no bestseller known for this segment")
