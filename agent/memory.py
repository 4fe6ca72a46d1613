"""Masked conversation memory: the conversation row, its messages (stored masked only) and the profile the
model may see (business segment, funnel stage, consent state; never personal data or protected attributes)."""

from __future__ import annotations

from typing import Any, Literal

from sqlmodel import Session, col, func, select

from core.errors import NotFoundError, PermissionDeniedError
from guardrails.denylist import drop_protected
from store.models import Company, Contact, Conversation, Message, Order

HISTORY_MESSAGES = 8
"""How many earlier messages of the conversation the model sees."""


def open_conversation(session: Session, *, conversation_id: str, company: Company, contact_id: int | None,
                      language: Literal["pl", "en"]) -> Conversation:
    """Return the conversation row, creating it; refuse one that belongs to another company."""
    conv = session.get(Conversation, conversation_id)
    if conv is None:
        conv = Conversation(id=conversation_id, company_id=company.id, contact_id=contact_id, language=language)
        session.add(conv)
        session.flush()
    elif conv.company_id != company.id:
        raise PermissionDeniedError("this conversation belongs to another company")
    return conv


def load_company(session: Session, company_id: int, contact_id: int | None) -> Company:
    """Return the company; raise NotFoundError / PermissionDeniedError for a bad id or a foreign contact."""
    company = session.get(Company, company_id)
    if company is None:
        raise NotFoundError(f"no company with id {company_id}")
    if contact_id is not None:
        contact = session.get(Contact, contact_id)
        if contact is None:
            raise NotFoundError(f"no contact with id {contact_id}")
        if contact.company_id != company_id:
            raise PermissionDeniedError("this contact belongs to another company")
    return company


def history(session: Session, conversation_id: str, limit: int = HISTORY_MESSAGES) -> list[tuple[str, str]]:
    """Return the last ``limit`` (role, masked text) pairs of the conversation, oldest first."""
    rows = session.exec(
        select(Message.role, Message.masked_text).where(Message.conversation_id == conversation_id,
                                                        col(Message.role).in_(["user", "assistant"]))
        .order_by(col(Message.id).desc()).limit(limit)
    ).all()
    return [(r, t) for r, t in reversed(rows)]


def store_message(session: Session, *, conversation_id: str, role: str, masked_text: str,
                  answered_by: str | None = None) -> Message:
    """Store one masked message."""
    msg = Message(conversation_id=conversation_id, role=role, masked_text=masked_text, answered_by=answered_by)
    session.add(msg)
    return msg


def order_count(session: Session, company_id: int) -> int:
    """Return how many orders the company has placed."""
    return int(session.exec(select(func.count()).select_from(Order).where(Order.company_id == company_id)).one())


def profile_features(company: Company, orders: int) -> dict[str, Any]:
    """Return what the model may know about the customer, passed through the protected-attribute denylist."""
    raw = {
        "segment": {"industry": company.industry, "size_band": company.size_band},
        "funnel_stage": company.funnel_stage,
        "consent": {
            "marketing_consent": company.marketing_consent,
            "behaviour_legal_basis": getattr(company.behaviour_legal_basis, "value", company.behaviour_legal_basis),
            "profiling_opt_out": company.profiling_opt_out,
        },
        "order_count": orders,
        "cold_start": orders == 0,
    }
    return drop_protected(raw, source="agent profile").features
