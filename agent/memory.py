"""Masked conversation memory: the company, the conversation's messages (stored masked only) and the profile
the model may see (business segment, funnel stage, consent state; never personal data or protected attributes).

Who may use which conversation is checked once, by the portal (the edge that knows the caller); the agent
trusts the ids it is given.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from core.errors import NotFoundError
from guardrails.denylist import drop_protected
from store import companies, conversations
from store.models import Company

HISTORY_MESSAGES = 8
"""How many earlier messages of the conversation the model sees."""


def load_company(session: Session, company_id: int) -> Company:
    """Return the company; raise NotFoundError for an unknown id."""
    company = companies.get_company(session, company_id=company_id)
    if company is None:
        raise NotFoundError(f"no company with id {company_id}")
    return company


def history(session: Session, conversation_id: str, limit: int = HISTORY_MESSAGES) -> list[tuple[str, str]]:
    """Return the last ``limit`` (role, masked text) pairs of the conversation, oldest first."""
    return conversations.recent_messages(session, conversation_id=conversation_id, limit=limit)


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
