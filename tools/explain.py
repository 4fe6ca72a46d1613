"""Why was this recommended? Earlier recommendations of the conversation with the premises stored with them."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from sqlmodel import Session

from store.conversations import conversation_recommendations
from store.models import Product, Recommendation
from tools._cards import premise_out
from tools.catalog import TopK
from tools.context import RunContext
from tools.models import PastRecommendation, PastRecommendations

NO_SUCH_POSITION = "the latest list has no product at position"
"""The note when "why the second one?" names a place the latest list does not have (the planner reads it)."""


def _turns(session: Session, *, conversation_id: str, company_id: int, sku: str | None,
           rows_wanted: int) -> list[list[tuple[Recommendation, Product]]]:
    """Return the conversation's stored recommendations grouped by turn, newest turn first, each newest first."""
    rows = conversation_recommendations(session, conversation_id=conversation_id, company_id=company_id, sku=sku,
                                        limit=rows_wanted)
    turns: list[list[tuple[Recommendation, Product]]] = []
    for rec, product in rows:  # newest first; a rank that does not go down starts an older turn
        if not turns or rec.rank >= turns[-1][-1][0].rank:
            turns.append([])
        turns[-1].append((rec, product))
    return turns


NEWEST_LIST_ROWS = 24
"""Stored recommendation rows read to find the newest list: enough to reach past a few single-product answers."""


def _newest_list(turns: list[list[tuple[Recommendation, Product]]]) -> list[tuple[Recommendation, Product]]:
    """Return the newest turn that showed a list (two products or more), else the newest turn.

    A single-product answer (the price, the stock or the details of the product meant) is no new list: after
    "ile kosztuje ta druga?", "rabat na tę drugą" still means the second of the list before (found in use: it
    answered "my latest list has no product number 2")."""
    return next((t for t in turns if len(t) > 1), turns[0]) if turns else []


def latest_list(session: Session, *, conversation_id: str, company_id: int) -> list[str]:
    """Return the SKUs of the conversation's newest product list, in list order (what "the second one" means)."""
    turns = _turns(session, conversation_id=conversation_id, company_id=company_id, sku=None,
                   rows_wanted=NEWEST_LIST_ROWS)
    return [product.sku for _, product in reversed(_newest_list(turns))]


def past_recommendations(session: Session, *, conversation_id: str, company_id: int, sku: str | None = None,
                         limit: int = 3, position: int | None = None) -> list[PastRecommendation]:
    """Return the conversation's stored recommendations (of ``sku`` when given), newest turn first, each turn in
    its list order; with ``position``, only the product at that place (1-based) of the newest list."""
    turns = _turns(session, conversation_id=conversation_id, company_id=company_id, sku=sku,
                   rows_wanted=max(max(limit, position or 0) * 6, NEWEST_LIST_ROWS))
    if position is not None:  # the newest list, back in list order, cut to that one place
        turns = [list(reversed(_newest_list(turns)))[position - 1:position]] if turns else []
    out: dict[str, PastRecommendation] = {}
    for rec, product in (pair for turn in turns for pair in reversed(turn)):
        if product.sku in out:
            continue
        out[product.sku] = PastRecommendation(
            sku=product.sku, name=product.name, category=product.category, brand=product.brand,
            price=product.unit_price, currency=product.currency, stock=product.stock,
            premises=[premise_out(p) for p in rec.premises], recommendation_id=rec.id or 0,
            justification=rec.justification)
    return list(out.values())[:limit]


def _company_id(ctx: RunContext) -> int:
    assert ctx.company.id is not None
    return ctx.company.id


def explain_recommendations(
    ctx: RunContext, sku: Annotated[str | None, Field(max_length=64)] = None, limit: TopK = 3,
    position: Annotated[int | None, Field(ge=1, le=10)] = None,
) -> PastRecommendations:
    """Explain why products were recommended earlier in this conversation (the evidence stored with them).

    Args:
        sku: Only this product's recommendation; empty means the latest ones.
        limit: How many recommendations to explain.
        position: Only the product at this place (1-based) of the latest list ("why the second one?").
    """
    items = past_recommendations(ctx.session, conversation_id=ctx.conversation_id, company_id=_company_id(ctx),
                                 sku=sku, limit=limit, position=position)
    ctx.remember(list(items))
    note = ""
    if not items:
        some = position is not None and past_recommendations(
            ctx.session, conversation_id=ctx.conversation_id, company_id=_company_id(ctx), sku=sku, limit=1)
        note = (f"{NO_SUCH_POSITION} {position}" if some
                else "nothing was recommended in this conversation yet")
    return PastRecommendations(items=items, note=note)
