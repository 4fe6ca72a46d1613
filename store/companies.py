"""Data access for companies and their contacts (the customer side of the store).

Functions take an explicit session and keyword arguments, return rows or ``None``, and never commit: the
caller owns the transaction. Erasure of a contact's personal data lives here too, because it spans the
contact's conversations and its protected attributes (which only the equality audit may read).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func
from sqlmodel import Session, col, select

from store.models import Company, Contact, Conversation, Message, Order
from store.protected import ProtectedAttributes


def get_company(session: Session, *, company_id: int) -> Company | None:
    """Return the company with this id, or None."""
    return session.get(Company, company_id)


def company_by_external_id(session: Session, *, external_id: str) -> Company | None:
    """Return the company with this external id (the shop's customer number), or None."""
    return session.exec(select(Company).where(Company.external_id == external_id)).first()


def companies(session: Session) -> list[Company]:
    """Return every company, by id."""
    return list(session.exec(select(Company).order_by(col(Company.id))).all())


def company_names(session: Session, *, except_company_id: int | None = None) -> list[str]:
    """Return the names of the store's companies (all but one when ``except_company_id`` is given)."""
    query = select(Company.name)
    if except_company_id is not None:
        query = query.where(Company.id != except_company_id)
    return [n for n in session.exec(query).all() if n]


def known_industries(session: Session) -> list[str]:
    """Return the distinct industry codes the store's companies have, sorted."""
    rows = session.exec(select(Company.industry).where(col(Company.industry).is_not(None)).distinct()).all()
    return sorted({r for r in rows if r})


def get_contact(session: Session, *, contact_id: int) -> Contact | None:
    """Return the contact with this id, or None."""
    return session.get(Contact, contact_id)


def first_contact(session: Session, *, company_id: int) -> Contact | None:
    """Return the company's first contact (lowest id), or None."""
    return session.exec(select(Contact).where(Contact.company_id == company_id).order_by(col(Contact.id))).first()


def contacts(session: Session) -> list[Contact]:
    """Return every contact, by company then id."""
    return list(session.exec(select(Contact).order_by(col(Contact.company_id), col(Contact.id))).all())


@dataclass(frozen=True)
class CompanyActivity:
    """A company with how many orders it placed (for "whom to chat as" and the golden set's picks)."""

    company: Company
    orders: int


def companies_by_activity(session: Session, *, industry: str | None = None, cold_start: bool | None = None,
                          limit: int | None = None) -> list[CompanyActivity]:
    """Return companies with their order counts, busiest first (ties by id); ``cold_start`` True keeps only
    companies without orders, False only those with orders; ``industry`` keeps one industry."""
    counts = (select(Order.company_id, func.count().label("n")).group_by(col(Order.company_id))).subquery()
    n = func.coalesce(counts.c.n, 0)
    query = (select(Company, n).outerjoin(counts, counts.c.company_id == Company.id)
             .order_by(n.desc(), col(Company.id)))
    if cold_start is True:
        query = query.where(counts.c.n == None)
    elif cold_start is False:
        query = query.where(counts.c.n != None)
    if industry:
        query = query.where(Company.industry == industry)
    if limit is not None:
        query = query.limit(limit)
    return [CompanyActivity(company, int(count)) for company, count in session.exec(query).all()]


@dataclass(frozen=True)
class ErasedContact:
    """What :func:`erase_contact` removed."""

    messages_deleted: int
    conversations_detached: int
    protected_rows_deleted: int


def erase_contact(session: Session, *, contact: Contact) -> ErasedContact:
    """Anonymise a contact, delete the messages of its conversations (which stay, detached, as aggregates) and
    its protected attributes. Flushes; the caller commits (and revokes the contact's tokens)."""
    assert contact.id is not None
    contact.full_name = f"erased contact {contact.id}"
    contact.email = None
    contact.phone = None
    session.add(contact)
    conversations = session.exec(select(Conversation).where(Conversation.contact_id == contact.id)).all()
    deleted = 0
    for conv in conversations:
        result = cast(CursorResult[Any], session.execute(delete(Message).where(col(Message.conversation_id) == conv.id)))
        deleted += int(result.rowcount or 0)
        conv.contact_id = None
        session.add(conv)
    protected = cast(CursorResult[Any], session.execute(delete(ProtectedAttributes).where(
        col(ProtectedAttributes.contact_id) == contact.id)))
    session.flush()
    return ErasedContact(messages_deleted=deleted, conversations_detached=len(conversations),
                         protected_rows_deleted=int(protected.rowcount or 0))
