"""Price requests: the agent never grants a price; it files a request for a sales user, or reports the answer.

A request that repeats one the company already has open (pending, or approved and unexpired) is answered with
that request instead of filing a duplicate: "what is my price for S201-B16 now?" after an approval gets the
approved price; asking twice while pending gets the same request number.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from core.errors import ToolInputError
from tools._cards import products_by_sku
from tools.context import RunContext
from tools.models import ApprovalTicket

MESSAGES = {
    "new": {"en": "Your request was passed to our sales team (request #{id}); they will confirm any special price.",
            "pl": "Prośba została przekazana do działu handlowego (zgłoszenie nr {id}); potwierdzą ewentualną cenę "
                  "specjalną."},
    "pending": {"en": "Request #{id} for these products is already with our sales team (pending); no new request "
                      "was filed. Until they decide, the catalogue price applies.",
                "pl": "Zgłoszenie nr {id} dla tych produktów jest już w dziale handlowym (oczekuje); nie złożono "
                      "nowego. Do decyzji obowiązuje cena katalogowa."},
    "approved": {"en": "Request #{id} was approved by our sales team; the approved prices are in unit_prices "
                       "(net, valid until {until}).",
                 "pl": "Zgłoszenie nr {id} zostało zatwierdzone przez dział handlowy; zatwierdzone ceny są w "
                       "unit_prices (netto, ważne do {until})."},
}


def request_price_change(
    ctx: RunContext,
    skus: Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]], Field(min_length=1, max_length=10)],
    kind: Literal["discount", "quote"] = "discount",
    discount_percent: Annotated[float | None, Field(gt=0, le=50)] = None,
    quantity: Annotated[int | None, Field(ge=1, le=1_000_000)] = None,
    reason: Annotated[str, Field(max_length=300)] = "",
) -> ApprovalTicket:
    """Ask the sales team for a discount or a volume quote, or check on an earlier request for the same products.

    Returns the request id and status. A new or pending request carries no price (the catalogue price applies);
    once a sales user approved it, ``unit_prices`` holds the approved net prices, which may be told to the customer.

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
    company_id = ctx.company.id or 0
    row = approvals.find_open_request(ctx.session, company_id=company_id, skus=wanted, kind=kind,
                                      proposed_change=proposed)
    existing = row is not None
    if row is None:  # filed at once in its own transaction: the sales team sees it even if the reply fails
        with ctx.writing() as w:
            conv = ctx.conversation_row(w)
            row = approvals.request_price_change(
                w, company_id=company_id, conversation_id=conv.id, skus=wanted, kind=kind, proposed_change=proposed,
                reason=reason or "customer asked in chat", ttl_hours=ctx.resources.settings.approval_ttl_hours,
                commit=False,
            )
    ctx.referenced.update(wanted)
    status = str(getattr(row.status, "value", row.status))
    prices: dict[str, Decimal] = {}
    if status == "approved":
        for sku, product in known.items():
            granted = approvals.offer_prices(row, sku, Decimal(product.unit_price).quantize(approvals.CENT))
            if granted:
                prices[sku] = min(granted)
    currency = next(iter(known.values())).currency if known else ""
    template = "new" if not existing else status
    ticket = ApprovalTicket(approval_id=row.id or 0, status=status, kind=kind, skus=wanted, existing=existing,
                            unit_prices=prices, currency=currency, valid_until=row.expires_at,
                            message=MESSAGES[template][ctx.language].format(
                                id=row.id, until=f"{row.expires_at:%Y-%m-%d %H:%M} UTC"))
    ctx.approvals.append(ticket)
    return ticket
