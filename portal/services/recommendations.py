"""``GET /recommendations`` (widget surface, stored so ``/why`` can explain it) and ``GET /recommendations/{id}/why``."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from core.errors import NotFoundError
from portal.auth import Principal
from portal.schemas import (
    RecommendationList,
    RecommendationPublic,
    RecommendationQuery,
    WhyPublic,
    premise_texts,
)
from portal.services._access import customer_ids, ensure_own_company
from store.models import Product, Recommendation

WIDGET_SURFACE = "widget"


def _premise_dict(premise: Any) -> dict[str, Any]:
    if isinstance(premise, dict):
        return {"kind": str(premise.get("kind", "note")), "text": str(premise.get("text", "")),
                "data": dict(premise.get("data") or {})}
    if isinstance(premise, str):
        return {"kind": "note", "text": premise, "data": {}}
    return {"kind": str(getattr(premise, "kind", "note")), "text": str(getattr(premise, "text", "")),
            "data": dict(getattr(premise, "data", None) or {})}


def justification_from(premises: list[dict[str, Any]]) -> str:
    """Return a one-line justification: the first two premise sentences."""
    texts = premise_texts(premises)
    return "; ".join(texts[:2]) if texts else "popular in the catalogue"


def _active_products(session: Session, skus: list[str]) -> dict[str, Product]:
    if not skus:
        return {}
    rows = session.exec(select(Product).where(col(Product.sku).in_(skus), col(Product.active).is_(True))).all()
    return {row.sku: row for row in rows}


def recommend(resources: Any, session: Session, principal: Principal,
              query: RecommendationQuery) -> RecommendationList:
    """Return and store recommendations for the caller's company in a product, cart or empty context.

    Unknown context SKUs raise ``NotFoundError``; the recommender honours consent and profiling opt-out.
    """
    from ranking.models import RecContext

    company_id, _ = customer_ids(principal)
    context_skus = ([query.sku] if query.context == "product" and query.sku else []) + (
        list(query.cart) if query.context == "cart" else [])
    known = _active_products(session, context_skus)
    missing = [s for s in context_skus if s not in known]
    if missing:
        raise NotFoundError(f"unknown product sku: {', '.join(missing)}")
    context = RecContext(product_sku=query.sku if query.context == "product" else None,
                         cart_skus=list(query.cart) if query.context == "cart" else [], query=None,
                         onboarding=None)
    recommender = resources.recommender
    ranked = [r for r in recommender.recommend_for_customer(company_id, context, k=query.k + len(context_skus))
              if r.sku not in context_skus]
    products = _active_products(session, [r.sku for r in ranked])
    version = str(getattr(recommender, "version", "") or getattr(recommender, "model_version", "") or "")
    out: list[RecommendationPublic] = []
    for item in ranked:
        product = products.get(item.sku)
        if product is None or product.id is None or len(out) >= query.k:
            continue
        premises = [_premise_dict(p) for p in getattr(item, "premises", []) or []]
        row = Recommendation(company_id=company_id, surface=WIDGET_SURFACE, product_id=product.id,
                             rank=len(out) + 1, premises=premises, justification=justification_from(premises),
                             model_version=version[:64])
        session.add(row)
        session.flush()
        out.append(RecommendationPublic(recommendation_id=row.id, sku=product.sku, name=product.name,
                                        price=product.unit_price, currency=product.currency,
                                        premises=premise_texts(premises), justification=row.justification))
    session.commit()
    return RecommendationList(data=out, count=len(out))


def explain(session: Session, principal: Principal, recommendation_id: int) -> WhyPublic:
    """Return the stored premises of one recommendation in readable words (own company only)."""
    row = session.get(Recommendation, recommendation_id)
    if row is None:
        raise NotFoundError(f"recommendation {recommendation_id} not found")
    ensure_own_company(principal, row.company_id, f"recommendation {recommendation_id}")
    product = session.get(Product, row.product_id)
    texts = premise_texts(list(row.premises or []))
    return WhyPublic(recommendation_id=recommendation_id, sku=product.sku if product else "?",
                     name=product.name if product else "(product no longer in the catalogue)",
                     surface=row.surface, justification=row.justification or justification_from(row.premises),
                     premises=texts or ["no stored premise: this was a general suggestion"],
                     model_version=row.model_version, created_at=row.created_at)
