"""``GET /recommendations`` (widget surface, stored so ``/why`` can explain it) and ``GET /recommendations/{id}/why``."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from agent import RecommendationPublic
from agent.templates import Lang, premise_text
from core.errors import NotFoundError
from guardrails.consent import may_personalise
from measurement.experiment import arm_of
from measurement.impressions import record_impressions, widget_session
from merchandising import MerchContext
from merchandising.apply import merchandised
from portal.auth import Customer, Principal
from portal.schemas import RecommendationList, RecommendationQuery, WhyPublic, premise_texts
from portal.services._access import ensure_own_company
from ranking import Customer as RankedFor
from ranking import Premise, RankedItem, RecContext
from store import catalog, companies, conversations, orders
from store.models import utcnow
from tools.context import Resources
from tools.models import PremiseOut

WIDGET_SURFACE = "widget"


def justification_from(premises: list[Premise]) -> str:
    """Return a one-line justification: the first two premise sentences."""
    texts = [p.text.strip() for p in premises if p.text.strip()]
    return "; ".join(texts[:2]) if texts else "popular in the catalogue"


def recommend(resources: Resources, session: Session, customer: Customer,
              query: RecommendationQuery) -> RecommendationList:
    """Return and store recommendations for the caller's company in a product, cart or empty context.

    Unknown context SKUs raise ``NotFoundError``; the recommender honours consent and profiling opt-out.
    """
    context_skus = ([query.sku] if query.context == "product" and query.sku else []) + (
        list(query.cart) if query.context == "cart" else [])
    known = catalog.products_by_sku(session, skus=context_skus)
    missing = [s for s in context_skus if s not in known]
    if missing:
        raise NotFoundError(f"unknown product sku: {', '.join(missing)}")
    company = companies.get_company(session, company_id=customer.company_id)
    if company is None:
        raise NotFoundError(f"company {customer.company_id} not found")
    context = RecContext(product_sku=query.sku if query.context == "product" else None,
                         cart_skus=list(query.cart) if query.context == "cart" else [])
    ranked_for = RankedFor.of(company, has_ordered=orders.has_ordered(session, company_id=customer.company_id))
    mctx = MerchContext(surface="recommendations", now=utcnow(), industry=company.industry,
                        segment=company.industry if may_personalise(company) else None)
    if arm_of(session, company) == "control":  # the experiment's baseline: bestsellers, same layout
        def fetch(n: int) -> list[RankedItem]:
            return resources.recommender.segment_bestsellers(company.industry, company.size_band, k=n)
    else:
        def fetch(n: int) -> list[RankedItem]:
            return resources.recommender.recommend_for_customer(ranked_for, context, k=n)
    out: list[RecommendationPublic] = []
    # the shop's rules, then the hard filters (issue 24), as on every surface
    for shown in merchandised(session, fetch, mctx, k=query.k, exclude=context_skus, spare=len(context_skus)):
        product = shown.product
        if product.id is None:
            continue
        premises = list(getattr(shown.ranked, "premises", []) or [])
        why = justification_from(premises)
        stored = [p.model_dump(mode="json") for p in premises] + [m.model_dump(mode="json") for m in shown.premises]
        row = conversations.add_recommendation(
            session, company_id=customer.company_id, surface=WIDGET_SURFACE, product_id=product.id,
            rank=len(out) + 1, premises=stored, justification=why, model_version=resources.recommender.version)
        texts = [p.text.strip() for p in premises if p.text.strip()] + [m.text for m in shown.premises]
        out.append(RecommendationPublic(recommendation_id=row.id, sku=product.sku, name=product.name,
                                        price=product.unit_price, currency=product.currency,
                                        category=product.category, premises=texts, justification=why))
    request_id = record_impressions(session, company=company, session_id=widget_session(company),
                                    surface=WIDGET_SURFACE, skus=[r.sku for r in out])
    session.commit()
    return RecommendationList(data=out, count=len(out), rec_request_id=request_id)


def stored_premise_texts(premises: list[Any], lang: Lang) -> list[str]:
    """Return stored premises in ``lang``: rendered from ``kind`` + ``data`` by the message catalogue; a stored
    premise the catalogue cannot word (an older version's, or plain text) keeps its stored sentence."""
    texts = []
    for p in premises or []:
        worded = None
        if isinstance(p, dict) and p.get("kind"):
            worded = premise_text(PremiseOut.model_validate({"text": "", **p}), lang)
        texts += [worded] if worded else premise_texts([p])
    return texts


def explain(session: Session, principal: Principal, recommendation_id: int, lang: Lang | None = None) -> WhyPublic:
    """Return the stored premises of one recommendation in readable words (own company only), in ``lang`` or
    else the language of the conversation it was made in."""
    row = conversations.get_recommendation(session, recommendation_id=recommendation_id)
    if row is None:
        raise NotFoundError(f"recommendation {recommendation_id} not found")
    ensure_own_company(principal, row.company_id, f"recommendation {recommendation_id}")
    product = catalog.get_product(session, product_id=row.product_id)
    if lang is None:
        chat = conversations.get_conversation(session, conversation_id=row.conversation_id) \
            if row.conversation_id else None
        lang = "pl" if chat is not None and chat.language == "pl" else "en"
    texts = stored_premise_texts(list(row.premises or []), lang)
    return WhyPublic(recommendation_id=recommendation_id, sku=product.sku if product else "?",
                     name=product.name if product else "(product no longer in the catalogue)",
                     surface=row.surface,
                     justification=row.justification or ("; ".join(texts[:2]) if texts else "popular in the catalogue"),
                     premises=texts or ["no stored premise: this was a general suggestion"],
                     model_version=row.model_version, created_at=row.created_at)
