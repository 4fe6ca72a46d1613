"""The checks a follow-up must pass, as pure functions of facts the planner (and the sender, at send time) read.
Each returns the reason it fails, or None; the planner records the first failing one (``followups.models``
lists them in order).

The legal bases: behaviour data may be used only with a legal basis (``guardrails.consent``); a company that
objected to profiling gets no personalised e-mail (and a follow-up about its own visit is personalised); a
commercial e-mail needs the recipient's prior consent (Polish law: art. 10 of the act on providing services by
electronic means and art. 398 of the electronic communications law; GDPR art. 6(1)(a)). Legitimate interest
(GDPR art. 6(1)(f)) alone is not enough unless the operator turns ``followup_legitimate_interest`` on. A
withdrawal (the unsubscribe link) wins over everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from core.config import Settings
from followups import models as m
from guardrails.consent import has_legal_basis, may_personalise
from store.followups import ViewRow
from store.models import Company, Contact, EmailConsent


def usable_views(views: Iterable[ViewRow]) -> list[ViewRow]:
    """Return the views recorded with a legal basis for using behaviour data."""
    return [v for v in views if has_legal_basis(v.legal_basis)]


def behaviour_reason(views: Sequence[ViewRow]) -> str | None:
    """``no_legal_basis`` when none of the visit's views may be used."""
    return None if usable_views(views) else m.NO_LEGAL_BASIS


def profiling_reason(company: Company) -> str | None:
    """``objected_to_profiling`` for a company that objected to profiling."""
    return None if may_personalise(company) else m.OBJECTED_TO_PROFILING


def email_basis(company: Company, consent: EmailConsent | None, settings: Settings) -> tuple[str | None, str | None]:
    """Return ``(legal basis, None)`` when the contact may get a commercial e-mail, else ``(None, reason)``: a
    contact's withdrawal is ``unsubscribed``; its own consent, or the company's marketing consent, is
    ``consent``; else ``legitimate_interest`` when the operator allows it, or ``no_consent``."""
    if consent is not None and not consent.granted:
        return None, m.UNSUBSCRIBED
    if (consent is not None and consent.granted) or company.marketing_consent:
        return "consent", None
    if settings.followup_legitimate_interest:
        return "legitimate_interest", None
    return None, m.NO_CONSENT


def address_reason(contact: Contact | None) -> str | None:
    """``no_email_address`` when there is no contact or it has no address."""
    return None if contact is not None and contact.email else m.NO_EMAIL_ADDRESS


def ordered_reason(orders_since: int) -> str | None:
    """``ordered_since`` when the company ordered after the visit."""
    return m.ORDERED_SINCE if orders_since else None


def cap_reason(due_at: datetime, others: Iterable[datetime], cap: timedelta) -> str | None:
    """``frequency_cap`` when another follow-up of the contact falls due less than ``cap`` before or after this
    one."""
    return m.FREQUENCY_CAP if any(abs(due_at - o) < cap for o in others) else None
