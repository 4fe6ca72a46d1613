"""The customer's own data: behaviour events, profiling opt-out, export (``GET /me/data``), erasure
(``DELETE /me``) and the company's price requests and offers."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from core.errors import NotFoundError
from guardrails.consent import record_profiling_choice
from portal.auth import Principal, revoke_contact_tokens
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
from portal.services._access import customer_ids
from store.models import (
    AuditLog,
    Company,
    Contact,
    Conversation,
    Event,
    LegalBasis,
    Message,
    Order,
    OrderLine,
    PriceApproval,
    Product,
    Recommendation,
)

logger = logging.getLogger(__name__)

KEPT_ON_ERASURE = ["company record", "orders and order lines", "behaviour events (company level)",
                   "recommendations", "price approvals", "conversations (without messages or contact)"]


def _company(session: Session, company_id: int) -> Company:
    company = session.get(Company, company_id)
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


def record_event(session: Session, principal: Principal, event: EventCreate) -> EventPublic:
    """Store one behaviour event for the caller's company with the legal basis of its consent state."""
    company_id, _ = customer_ids(principal)
    company = _company(session, company_id)
    product_id = None
    if event.sku is not None:
        product = session.exec(select(Product).where(Product.sku == event.sku)).first()
        if product is None:
            raise NotFoundError(f"unknown product sku: {event.sku}")
        product_id = product.id
    row = Event(session_id=event.session_id, company_id=company_id, type=event.type, product_id=product_id,
                query=event.query, legal_basis=legal_basis_for(company))
    session.add(row)
    session.commit()
    session.refresh(row)
    return EventPublic(id=row.id, type=row.type, session_id=row.session_id, sku=event.sku,  # type: ignore[arg-type]
                       query=row.query, legal_basis=row.legal_basis, occurred_at=row.occurred_at)


def refresh_customer_model(resources: Any, principal: Principal) -> None:
    """Bring the loaded ranking model up to date for the caller's company after its behaviour or consent
    changed (the routes run this after the response). A failure is logged and changes nothing stored: the
    next ``salesagent train`` picks the rows up anyway."""
    company_id, _ = customer_ids(principal)
    update = getattr(resources.recommender, "update_customer", None)
    if update is None:
        return
    try:
        update(company_id)
    except Exception:  # a background refresh must never take the portal down
        logger.exception("could not refresh the ranking model for company %s", company_id)


def profiling_state(session: Session, principal: Principal) -> ProfilingStatePublic:
    """Return the company's profiling state (for the account section of the chat page)."""
    company_id, _ = customer_ids(principal)
    return _profiling_public(_company(session, company_id))


def _profiling_public(company: Company) -> ProfilingStatePublic:
    return ProfilingStatePublic(company_id=company.id, profiling_opt_out=company.profiling_opt_out,  # type: ignore[arg-type]
                                behaviour_legal_basis=company.behaviour_legal_basis)


def set_profiling_opt_out(session: Session, principal: Principal, request: OptOutRequest) -> ProfilingStatePublic:
    """Record (or withdraw) the company's objection to profiling; it then gets non-personalised results only."""
    company_id, _ = customer_ids(principal)
    company = _company(session, company_id)
    record_profiling_choice(session, company, opt_out=request.opt_out, actor=principal.actor, via="account")
    return _profiling_public(company)


def _dump(row: Any, *, exclude: set[str] | None = None) -> dict[str, Any]:
    return row.model_dump(mode="json", exclude=exclude or set())  # type: ignore[no-any-return]


def export_data(session: Session, principal: Principal) -> DataExport:
    """Return everything held about the calling contact and its company (other contacts' data excluded)."""
    company_id, contact_id = customer_ids(principal)
    company = _company(session, company_id)
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFoundError(f"contact {contact_id} not found")
    skus: dict[int | None, str] = {pid: sku for pid, sku in session.exec(select(Product.id, Product.sku)).all()}
    orders = []
    for order in session.exec(select(Order).where(Order.company_id == company_id).order_by(col(Order.ordered_at))):
        lines = session.exec(select(OrderLine).where(OrderLine.order_id == order.id)).all()
        orders.append(_dump(order) | {"lines": [
            {"sku": skus.get(line.product_id), "quantity": line.quantity, "unit_price": str(line.unit_price)}
            for line in lines]})
    events = [_dump(e) | {"sku": skus.get(e.product_id)} for e in
              session.exec(select(Event).where(Event.company_id == company_id).order_by(col(Event.occurred_at)))]
    conversations = []
    for conv in session.exec(select(Conversation).where(Conversation.contact_id == contact_id)):
        messages = session.exec(select(Message).where(Message.conversation_id == conv.id)
                                .order_by(col(Message.created_at))).all()
        conversations.append(_dump(conv) | {"messages": [_dump(m) for m in messages]})
    recs = [_dump(r) | {"sku": skus.get(r.product_id)} for r in
            session.exec(select(Recommendation).where(Recommendation.company_id == company_id))]
    approvals = [_dump(a) for a in session.exec(select(PriceApproval).where(PriceApproval.company_id == company_id))]
    return DataExport(exported_at=datetime.now(UTC), contact=_dump(contact), company=_dump(company),
                      orders=orders, events=events, conversations=conversations, recommendations=recs,
                      price_approvals=approvals)


def erase_contact(session: Session, principal: Principal) -> ErasureReport:
    """Remove the calling contact's personal data, keep aggregates; the caller's tokens stop working."""
    from store.protected import ProtectedAttributes  # deleted, never read

    company_id, contact_id = customer_ids(principal)
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFoundError(f"contact {contact_id} not found")
    contact.full_name = f"erased contact {contact_id}"
    contact.email = None
    contact.phone = None
    session.add(contact)
    conversations = session.exec(select(Conversation).where(Conversation.contact_id == contact_id)).all()
    messages_deleted = 0
    for conv in conversations:
        result = session.execute(delete(Message).where(Message.conversation_id == conv.id))  # type: ignore[arg-type]
        messages_deleted += int(result.rowcount or 0)  # type: ignore[attr-defined]
        conv.contact_id = None
        session.add(conv)
    protected = session.execute(delete(ProtectedAttributes).where(
        ProtectedAttributes.contact_id == contact_id))  # type: ignore[arg-type]
    tokens = revoke_contact_tokens(session, contact_id=contact_id)
    report = ErasureReport(contact_id=contact_id, contact_anonymised=True, messages_deleted=messages_deleted,
                           conversations_detached=len(conversations), tokens_revoked=tokens,
                           protected_rows_deleted=int(protected.rowcount or 0),  # type: ignore[attr-defined]
                           kept=KEPT_ON_ERASURE)
    session.add(AuditLog(actor=principal.actor, action="erasure", entity="contact", entity_id=str(contact_id),
                         details=report.model_dump(exclude={"kept"}) | {"company_id": company_id}))
    session.commit()
    return report


def company_approvals(session: Session, principal: Principal) -> CustomerApprovalList:
    """Return the caller's company price requests and offers, newest first (expired ones marked so)."""
    from portal.services.approvals import expire_due

    company_id, _ = customer_ids(principal)
    expire_due(session)
    rows = session.exec(select(PriceApproval).where(PriceApproval.company_id == company_id)
                        .order_by(col(PriceApproval.requested_at).desc(), col(PriceApproval.id).desc())).all()
    data = [CustomerApprovalPublic.model_validate(row, from_attributes=True) for row in rows]
    return CustomerApprovalList(data=data, count=len(data))
