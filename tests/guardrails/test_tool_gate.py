"""Tool guardrail: allow, reject with a message, or require approval for price-affecting calls."""

from __future__ import annotations

from sqlmodel import Session

from guardrails.tool_gate import guard_tool_call, request_for_tool_call
from store.models import ApprovalStatus


def test_read_only_tool_allowed() -> None:
    r = guard_tool_call("search_catalog", {"query": "MCB B16", "max_price": 50})
    assert r.action == "allow" and not r.tripped


def test_price_tools_require_approval() -> None:
    r = guard_tool_call("propose_discount", {"sku": "S201-B16", "discount_pct": 10})
    assert r.action == "require_approval" and r.info["kind"] == "discount" and r.info["skus"] == ["S201-B16"]
    assert "approve" in r.message


def test_any_tool_with_price_argument_requires_approval() -> None:
    assert guard_tool_call("add_to_cart", {"sku": "S201-B16", "unit_price": 12.0}).action == "require_approval"


def test_invalid_or_unknown_rejected_with_message() -> None:
    r = guard_tool_call("propose_discount", {"sku": "S201-B16", "discount_pct": 150})
    assert r.action == "reject" and "between 0 and 100" in r.message
    r = guard_tool_call("drop_table", {}, known_tools={"search_catalog"})
    assert r.action == "reject" and r.reason == "unknown_tool"


def test_require_approval_creates_pending_request(catalogue: Session) -> None:
    args = {"sku": "S201-B16", "unit_price": "17.00"}
    verdict = guard_tool_call("offer_price", args)
    row = request_for_tool_call(catalogue, verdict, tool_name="offer_price", args=args, company_id=1,
                                conversation_id=None)
    assert row.status == ApprovalStatus.pending and row.kind == "quote" and row.product_skus == ["S201-B16"]
    assert row.proposed_change["tool"] == "offer_price"
