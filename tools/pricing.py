"""Price requests: the agent never grants or states a new price; it files a request for a sales user."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from salesagent.errors import ToolInputError
from tools._cards import products_by_sku
from tools.context import RunContext
from tools.models import ApprovalTicket

MESSAGES = {
    "en": "Your request was passed to our sales team (request #{id}); they will confirm any special price.",
    "pl": "Prośba została przekazana do działu handlowego (zgłoszenie nr {id}); potwierdzą ewentualną cenę specjalną.",
}


def request_price_change(
    ctx: RunContext,
    skus: Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]], Field(min_length=1, max_length=10)],
    kind: Literal["discount", "quote"] = "discount",
    discount_percent: Annotated[float | None, Field(gt=0, le=50)] = None,
    quantity: Annotated[int | None, Field(ge=1, le=1_000_000)] = None,
    reason: Annotated[str, Field(max_length=300)] = "",
) -> ApprovalTicket:
    """Ask the sales team for a discount or a volume quote; returns the request id and status, never a price.

    Args:
        skus: The product codes (SKUs) the request is about.
        kind: "discount" for a lower price, "quote" for a volume or project offer.
        discount_percent: The discount the customer asked for, in percent, if they named one.
        quantity: The quantity the customer intends to buy, if said.
        reason: The customer's reason in a few words (no personal data).
    """
    from guardrails import approvals

    wanted = [s.strip() for s in skus]
    known = products_by_sku(ctx, wanted)
    missing = [s for s in wanted if s not in known]
    if missing:
        raise ToolInputError(f"unknown SKU(s) {', '.join(missing)}; use search_catalog first")
    proposed: dict[str, object] = {}
    if discount_percent is not None:
        proposed["discount_percent"] = discount_percent
    if quantity is not None:
        proposed["quantity"] = quantity
    row = approvals.request_price_change(
        ctx.session, company_id=ctx.company.id or 0, conversation_id=ctx.conversation_id, skus=wanted, kind=kind,
        proposed_change=proposed, reason=reason or "customer asked in chat",
        ttl_hours=ctx.resources.settings.approval_ttl_hours, commit=False,
    )
    ctx.referenced.update(wanted)
    status = getattr(row.status, "value", row.status)
    ticket = ApprovalTicket(approval_id=row.id or 0, status=str(status), kind=kind, skus=wanted,
                            message=MESSAGES[ctx.language].format(id=row.id))
    ctx.approvals.append(ticket)
    return ticket
