"""The customer's own data: behaviour events, profiling opt-out, export (``GET /me/data``), erasure
(``DELETE /me``) and the company's price requests and offers."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, SQLModel

from core.errors import NotFoundError
from guardrails.consent import record_profiling_choice
from measurement.experiment import arm_of
from portal.auth import Customer
from portal.schemas import (
    CustomerApprovalList,
    CustomerApprovalPublic,
    DataExport,
    ErasureReport,
    EventCreate,
    EventPublic,
    OptOutRequest,
    ProfilingStatePublic,
)
from store import accounts, approvals, catalog, companies, conversations, orders, sessions
from store import measurement as measurement_log
from store.audit import add_audit
from store.models import Company, EventType, LegalBasis
from tools.context import Resources

logger = logging.getLogger(__name__)

MEASURED_TYPES = frozenset({EventType.click, EventType.add_to_cart})
"""Shop-front events the KPIs count (issue 18): clicks and carts are attributed to the impression before them."""

KEPT_ON_ERASURE = ["company record", "orders and order lines", "behaviour events (company level, without query text)",
                   "recommendations", "price approvals", "conversations (without messages or contact)"]


def _company(session: Session, company_id: int) -> Company:
    company = companies.get_company(session, company_id=company_id)
    if company is None:
        raise NotFoundError(f"company {company_id} not found")
    return company


def legal_basis_for(company: Company) -> LegalBasis:
    """Return the legal basis recorded for the company's behaviour data: ``none`` if consent was never given,
    and ``none`` while the company objects to profiling, so behaviour recorded during an objection never feeds
    a profile, not even after the company opts back in."""
    if company.profiling_opt_out:
        return LegalBasis.none
    basis = LegalBasis(company.behaviour_legal_basis)
    if basis == LegalBasis.consent and company.consent_recorded_at is None and not company.marketing_consent:
        return LegalBasis.none
    return basis


EVENT_QUERY_CHARS = 500
"""The length of ``Event.query``: a masked text longer than it (placeholders can be longer than what they
replace) is cut to fit."""


def record_event(resources: Resources, session: Session, customer: Customer, event: EventCreate) -> EventPublic:
    """Store one behaviour event for the caller's company with the legal basis of its consent state; a search
    text is stored masked like chat text (names, e-mails, phones, NIPs become placeholders; product codes stay)."""
    company = _company(session, customer.company_id)
    product_id = None
    if event.sku is not None:
        product = catalog.product_by_sku(session, sku=event.sku)
        if product is None:
            raise NotFoundError(f"unknown product sku: {event.sku}")
        product_id = product.id
    query = resources.masker.mask(event.query).text[:EVENT_QUERY_CHARS] if event.query else None
    row = orders.add_event(session, session_id=event.session_id, company_id=customer.company_id, type=event.type,
                           product_id=product_id, query=query, legal_basis=legal_basis_for(company))
    if event.type in MEASURED_TYPES:
        # the KPIs' copy (legitimate interest, never a ranking signal), in the same transaction as the behaviour row
        now = datetime.now(UTC)
        measurement_log.add_events(session, rows=[{
            "event_id": f"portal-{event.type.value}:{uuid.uuid4().hex}", "ts": now, "session_id": event.session_id,
            "company": company.external_id, "type": event.type.value, "sku": event.sku,
            "rec_request_id": event.rec_request_id, "position": None, "surface": None, "revenue": None,
            "currency": None, "variant": arm_of(session, company, at=now), "source": "portal"}], source="portal")
    session.commit()
    session.refresh(row)
    return EventPublic(id=row.id, type=row.type, session_id=row.session_id, sku=event.sku,  # type: ignore[arg-type]
                       query=row.query, legal_basis=row.legal_basis, occurred_at=row.occurred_at)


def refresh_customer_model(resources: Resources, customer: Customer) -> None:
    """Bring the loaded ranking model up to date for the caller's company after its behaviour or consent
    changed (the routes run this after the response). A failure is logged and changes nothing stored: the
    next ``salesagent train`` picks the rows up anyway."""
    try:
        resources.recommender.update_customer(customer.company_id)
    except Exception:  # a background refresh must never take the portal down
        logger.exception("could not refresh the ranking model for company %s", customer.company_id)


def profiling_state(session: Session, customer: Customer) -> ProfilingStatePublic:
    """Return the company's profiling state (for the account section of the chat page)."""
    return _profiling_public(_company(session, customer.company_id))


def _profiling_public(company: Company) -> ProfilingStatePublic:
    return ProfilingStatePublic(company_id=company.id, profiling_opt_out=company.profiling_opt_out,  # type: ignore[arg-type]
                                behaviour_legal_basis=company.behaviour_legal_basis)


def set_profiling_opt_out(session: Session, customer: Customer, request: OptOutRequest) -> ProfilingStatePublic:
    """Record (or withdraw) the company's objection to profiling; it then gets non-personalised results only."""
    company = _company(session, customer.company_id)
    record_profiling_choice(session, company, opt_out=request.opt_out, actor=customer.actor, via="account")
    return _profiling_public(company)


def _dump(row: SQLModel, *, exclude: set[str] | None = None) -> dict[str, Any]:
    return row.model_dump(mode="json", exclude=exclude or set())


def export_data(session: Session, customer: Customer) -> DataExport:
    """Return everything held about the calling contact and its company (other contacts' data excluded)."""
    company = _company(session, customer.company_id)
    contact = companies.get_contact(session, contact_id=customer.contact_id)
    if contact is None:
        raise NotFoundError(f"contact {customer.contact_id} not found")
    skus = catalog.sku_by_product_id(session)
    orders_out = [_dump(order) | {"lines": [
        {"sku": skus.get(line.product_id), "quantity": line.quantity, "unit_price": str(line.unit_price)}
        for line in lines]} for order, lines in orders.company_orders(session, company_id=customer.company_id)]
    events = [_dump(e) | {"sku": skus.get(e.product_id) if e.product_id is not None else None}
              for e in orders.company_events(session, company_id=customer.company_id)]
    convs = [_dump(conv) | {"messages": [_dump(m) for m in conversations.messages(session, conversation_id=conv.id)]}
             for conv in conversations.contact_conversations(session, contact_id=customer.contact_id)]
    recs = [_dump(r) | {"sku": skus.get(r.product_id)}
            for r in conversations.company_recommendations(session, company_id=customer.company_id)]
    requests = [_dump(a) for a in approvals.approvals(session, company_id=customer.company_id)]
    return DataExport(exported_at=datetime.now(UTC), contact=_dump(contact), company=_dump(company),
                      orders=orders_out, events=events, conversations=convs, recommendations=recs,
                      price_approvals=requests)


def erase_contact(session: Session, customer: Customer) -> ErasureReport:
    """Remove the calling contact's personal data, keep aggregates; the caller's tokens and page sessions stop
    working, and the query texts of the company's events are erased (events carry no contact, so a search text
    typed by this contact cannot be told from the others')."""
    contact = companies.get_contact(session, contact_id=customer.contact_id)
    if contact is None:
        raise NotFoundError(f"contact {customer.contact_id} not found")
    erased = companies.erase_contact(session, contact=contact)
    queries = sessions.erase_event_queries(session, company_id=customer.company_id)
    tokens = accounts.revoke_contact_tokens(session, contact_id=customer.contact_id)
    sessions.revoke_token_page_sessions(session, token_ids=sessions.contact_token_ids(
        session, contact_id=customer.contact_id), now=datetime.now(UTC))
    report = ErasureReport(contact_id=customer.contact_id, contact_anonymised=True,
                           messages_deleted=erased.messages_deleted,
                           conversations_detached=erased.conversations_detached, tokens_revoked=tokens,
                           protected_rows_deleted=erased.protected_rows_deleted, event_queries_erased=queries,
                           kept=KEPT_ON_ERASURE)
    add_audit(session, actor=customer.actor, action="erasure", entity="contact", entity_id=customer.contact_id,
              details=report.model_dump(exclude={"kept"}) | {"company_id": customer.company_id})
    session.commit()
    return report


def company_approvals(session: Session, customer: Customer) -> CustomerApprovalList:
    """Return the caller's company price requests and offers, newest first (expired ones marked so)."""
    from portal.services.approvals import expire_due

    expire_due(session)
    rows = approvals.approvals(session, company_id=customer.company_id, newest_first=True)
    data = [CustomerApprovalPublic.model_validate(row, from_attributes=True) for row in rows]
    return CustomerApprovalList(data=data, count=len(data))
