"""Consent-aware use of behaviour data: ranking sees only events with a legal basis, and nothing personalised
for a company that opted out of profiling."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar

from sqlmodel import Session

from store.audit import add_audit
from store.models import Company, LegalBasis

USABLE_BASES: frozenset[LegalBasis] = frozenset({LegalBasis.consent, LegalBasis.legitimate_interest})


class HasLegalBasis(Protocol):
    legal_basis: LegalBasis


E = TypeVar("E", bound=HasLegalBasis)


class HasProfilingFlag(Protocol):
    profiling_opt_out: bool


def has_legal_basis(basis: LegalBasis | str | None) -> bool:
    """True when behaviour data with this basis may be used for recommendations."""
    if basis is None:
        return False
    try:
        return LegalBasis(basis) in USABLE_BASES
    except ValueError:
        return False


def usable_events(events: Iterable[E]) -> Iterator[E]:
    """Yield only the events that carry consent or legitimate interest; events with none are never used."""
    return (e for e in events if has_legal_basis(e.legal_basis))


def may_personalise(company: HasProfilingFlag | None) -> bool:
    """False for a company that opted out of profiling (it gets non-personalised results only)."""
    return company is not None and not company.profiling_opt_out


def personalisation_events(company: HasProfilingFlag | None, events: Iterable[E]) -> list[E]:
    """Return the events ranking may use to personalise for ``company``: none after a profiling opt-out,
    otherwise only those with a legal basis."""
    if not may_personalise(company):
        return []
    return list(usable_events(events))


def record_profiling_choice(session: Session, company: Company, *, opt_out: bool, actor: str, via: str,
                            commit: bool = True) -> bool:
    """Record the company's objection to profiling (or its withdrawal) with an audit row; return whether the state
    changed. The one place both the portal's ``/me/profiling-opt-out`` and the chat's "no profiling" write it, so
    the two cannot drift apart. ``commit=False`` leaves the transaction to the caller (the agent's turn)."""
    changed = company.profiling_opt_out != opt_out
    company.profiling_opt_out = opt_out
    session.add(company)
    add_audit(session, actor=actor, action="profiling_opt_out" if opt_out else "profiling_opt_in",
              entity="company", entity_id=str(company.id), details={"opt_out": opt_out, "via": via})
    if commit:
        session.commit()
    return changed
