"""Each tool over the small real store, through its generated schema (parse_args + invoke)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session

from core.errors import ToolInputError
from store.models import Company, PriceApproval
from tests.support.small_store import SmallStore
from tools import TOOLS, RunContext


@pytest.fixture
def ctx(resources: Any, ids: SmallStore) -> Iterator[RunContext]:
    """A turn's context as the loop builds it: a read session, the company detached from it (a tool that
    writes does so in a short transaction of its own, ``ctx.writing()``)."""
    with Session(resources.engine, expire_on_commit=False) as s:
        company = s.get(Company, ids.customer_id)
        assert company is not None
        s.expunge(company)
        yield RunContext(resources=resources, session=s, company=company, conversation_id=str(uuid.uuid4()))


def call(ctx: RunContext, name: str, **args: Any) -> Any:
    tool = TOOLS[name]
    return tool.invoke(ctx, tool.parse_args(args))


def test_search_returns_cards_with_premises_and_remembers_them(ctx: RunContext) -> None:
    out = call(ctx, "search_catalog", query="MCB B16 1P", k=3)
    assert out.items and all(card.premises for card in out.items)
    assert ctx.returned_skus == {c.sku for c in out.items}
    assert any(c.sku == "S201-B16" for c in out.items)


def test_search_filters_by_category(ctx: RunContext) -> None:
    out = call(ctx, "search_catalog", query="16A", category="Circuit protection", k=5)
    assert out.items and all(c.category.startswith("Circuit protection") for c in out.items)


def test_get_product_and_unknown_sku(ctx: RunContext) -> None:
    detail = call(ctx, "get_product", sku="RN-12-IP65")
    assert detail.sku == "RN-12-IP65" and detail.attributes["modules"] == 12
    with pytest.raises(ToolInputError, match="no active product"):
        call(ctx, "get_product", sku="NOPE-123")


def test_bought_together_carries_co_purchase_premises(ctx: RunContext) -> None:
    out = call(ctx, "bought_together", sku="S201-B16", k=3)
    assert out.anchor.sku == "S201-B16" and "S201-B16" in ctx.referenced
    assert out.items[0].sku == "BUS-1P-12"
    premise = out.items[0].premises[0]
    assert premise.kind == "bought_together" and premise.data["anchor_sku"] == "S201-B16"
    assert "same order as ABB S200 MCB B16 1P 6 kA (S201-B16)" in premise.text
    assert "S201-B16" not in {c.sku for c in out.items}


def test_similar_and_recommend_and_bestsellers(ctx: RunContext) -> None:
    similar = call(ctx, "similar_products", sku="S201-B16", k=3)
    assert similar.items and all(c.premises for c in similar.items)
    recs = call(ctx, "recommend_for_customer", query="distribution board", k=3)
    assert recs.items and all(c.premises for c in recs.items)
    best = call(ctx, "segment_bestsellers", k=3)
    assert best.items and all(c.premises for c in best.items)


def test_order_history_is_a_summary_without_personal_data(ctx: RunContext) -> None:
    out = call(ctx, "get_order_history")
    assert out.order_count == 20 and out.top_categories
    text = out.model_dump_json()
    for value in ("Anna", "Kowalska", "elektro-test.pl", "601", "5260250274", "Elektro-Test"):
        assert value not in text


def test_order_history_of_a_cold_start_company(resources: Any, ids: SmallStore) -> None:
    with Session(resources.engine) as s:
        cold = RunContext(resources=resources, session=s, company=s.get(Company, ids.cold_id),
                          conversation_id="x", language="pl")
        assert call(cold, "get_order_history").order_count == 0
        question = call(cold, "ask_onboarding_question")
        assert question.topic == "categories" and question.language == "pl" and question.options
        assert cold.questions == [question]


def test_price_request_files_a_pending_approval_and_returns_no_price(ctx: RunContext) -> None:
    ticket = call(ctx, "request_price_change", skus=["S201-B16"], discount_percent=10, quantity=100)
    assert ticket.status == "pending" and ticket.skus == ["S201-B16"]
    assert "price" not in ticket.model_dump()
    row = ctx.session.get(PriceApproval, ticket.approval_id)
    assert row is not None and row.proposed_change == {"discount_percent": 10.0, "quantity": 100}
    assert ctx.approvals == [ticket]
    with pytest.raises(ToolInputError, match="unknown SKU"):
        call(ctx, "request_price_change", skus=["NOPE-1"])
    with pytest.raises(ToolInputError, match="discount_percent"):
        TOOLS["request_price_change"].parse_args({"skus": ["S201-B16"], "discount_percent": 80})


def _mcb(ctx: RunContext, sku: str, price: str, *, stock: int = 50, active: bool = True,
         category: str = "Circuit protection > Miniature circuit breakers (MCB)", **spec: Any) -> None:
    from decimal import Decimal

    from store.models import Product

    attributes = {"rated_current_a": 16, "poles": 1, "curve": "B", **spec}
    ctx.session.add(Product(sku=sku, name=f"Test MCB {sku}", category=category, brand="Test",
                            unit_price=Decimal(price), stock=stock, active=active, attributes=attributes))
    ctx.session.flush()


def test_cheaper_and_substitute_products_share_the_whole_specification(ctx: RunContext) -> None:
    """"Something cheaper than S201-B16" (24.90 PLN): the same category and specification at a lower price,
    in stock first, then cheapest; not another rating, not an inactive product, not another category."""
    _mcb(ctx, "T-NOSTOCK", "11.00", stock=0)
    _mcb(ctx, "T-CHEAP", "14.00")
    _mcb(ctx, "T-CHEAPER", "13.00")
    _mcb(ctx, "T-DEAR", "30.00")
    _mcb(ctx, "T-B10", "9.00", rated_current_a=10)
    _mcb(ctx, "T-GONE", "8.00", active=False)
    _mcb(ctx, "T-RCD", "7.00", category="Residual current protection > RCD")
    cheaper = call(ctx, "similar_products", sku="S201-B16", k=5, kind="cheaper")
    assert [c.sku for c in cheaper.items] == ["T-CHEAPER", "T-CHEAP", "T-NOSTOCK"]
    assert cheaper.anchor.sku == "S201-B16" and "S201-B16" in ctx.referenced
    assert cheaper.items[0].premises[0].text == "same specification as S201-B16: rated current 16 A, poles 1, curve B"
    substitute = call(ctx, "similar_products", sku="S201-B16", k=5, kind="substitute")
    assert [c.sku for c in substitute.items] == ["T-CHEAPER", "T-CHEAP", "T-DEAR", "T-NOSTOCK"]
    assert {"T-CHEAPER", "T-DEAR"} <= ctx.returned_skus


def test_a_product_without_a_cheaper_twin_gets_an_empty_list_with_a_note(ctx: RunContext) -> None:
    out = call(ctx, "similar_products", sku="YDY-3X2.5-100", kind="cheaper")  # no attributes: no specification
    assert out.items == [] and out.note == "no cheaper product with the same specification as YDY-3X2.5-100"


class _SegmentsAsked:
    """The real recommender, recording which segment each bestseller list was asked for."""

    def __init__(self, real: Any) -> None:
        self.real, self.asked = real, []  # type: ignore[var-annotated]

    def segment_bestsellers(self, industry: str | None, size_band: str | None, k: int = 10) -> Any:
        self.asked.append((industry, size_band))
        return self.real.segment_bestsellers(industry, size_band, k=k)


def test_bestsellers_after_an_objection_to_profiling_are_overall_ones(resources: Any, ids: SmallStore) -> None:
    """Segment bestsellers use the company's industry and size; after an objection to profiling only the overall
    ones, or a segment the model names itself."""
    from dataclasses import replace

    spy = _SegmentsAsked(resources.recommender)
    with Session(resources.engine) as s:
        company = s.get(Company, ids.customer_id)
        assert company is not None and company.industry and company.size_band
        segment = (company.industry, company.size_band)
        ctx = RunContext(resources=replace(resources, recommender=spy), session=s, company=company,
                         conversation_id=str(uuid.uuid4()))
        assert call(ctx, "segment_bestsellers", k=3).items
        company.profiling_opt_out = True  # not committed: the session is rolled back
        out = call(ctx, "segment_bestsellers", k=3)
        call(ctx, "segment_bestsellers", industry="construction", size_band="medium", k=3)
        s.rollback()
    assert spy.asked == [segment, (None, None), ("construction", "medium")]
    assert out.items and all(p.kind == "popularity" for c in out.items for p in c.premises)
