"""Each tool over the small real store, through its generated schema (parse_args + invoke)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session

from salesagent.errors import ToolInputError
from store.models import Company, Conversation, PriceApproval
from tests.support.small_store import SmallStore
from tools import TOOLS, RunContext


@pytest.fixture
def ctx(resources: Any, ids: SmallStore) -> Iterator[RunContext]:
    with Session(resources.engine) as s:
        conv = Conversation(id=str(uuid.uuid4()), company_id=ids.customer_id)
        s.add(conv)
        s.flush()
        yield RunContext(resources=resources, session=s, company=s.get(Company, ids.customer_id),
                         conversation_id=conv.id)
        s.rollback()


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
    assert "same order as S201-B16" in out.items[0].premises[0].text
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
