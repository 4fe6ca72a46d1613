"""Data access for follow-up e-mails (issue 19): abandoned visits from the behaviour events, the co-purchase
counts their content is chosen from, the outbox (one row per contact and triggering session, claimed
atomically) and the contacts' own e-mail consent.

Functions take an explicit session and keyword arguments and never commit, except that the outbox's claim is a
single conditional ``UPDATE`` whose row count says who won (the caller commits it at once).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import CursorResult, case, func, insert, or_, update
from sqlmodel import Session, col, select

from store.models import (
    Company,
    Contact,
    Conversation,
    EmailConsent,
    Event,
    EventType,
    FollowupEmail,
    FollowupStatus,
    LegalBasis,
    Order,
    OrderLine,
    Product,
    utcnow,
)

IN_CHUNK = 500


# --- abandoned visits ---------------------------------------------------------------------------------------------


class ViewRow(NamedTuple):
    """One product view of a visit."""

    sku: str
    product_id: int
    at: datetime
    legal_basis: LegalBasis


class VisitRow(NamedTuple):
    """A browsing session of a known company: when it ran, whether anything went into the cart, and its
    product views (oldest first)."""

    session_id: str
    company_id: int
    started_at: datetime
    ended_at: datetime
    carts: int
    views: tuple[ViewRow, ...]


def visits_ended_between(session: Session, *, start: datetime, end: datetime) -> list[VisitRow]:
    """Return the sessions of known companies whose last event is in ``[start, end)`` and that hold at least one
    product view, oldest end first."""
    last = func.max(col(Event.occurred_at))
    rows = session.exec(
        select(Event.session_id, Event.company_id, func.min(col(Event.occurred_at)), last,  # type: ignore[call-overload]
               func.sum(case((col(Event.type) == EventType.add_to_cart, 1), else_=0)),
               func.sum(case((col(Event.type) == EventType.view, 1), else_=0)))
        .where(col(Event.company_id).is_not(None))
        .group_by(col(Event.session_id), col(Event.company_id))
        .having(last >= start).having(last < end)
    ).all()
    visits = [(sid, int(cid), started, ended, int(carts or 0)) for sid, cid, started, ended, carts, views in rows
              if views]
    views_of: dict[tuple[str, int], list[ViewRow]] = defaultdict(list)
    ids = list({v[0] for v in visits})
    for i in range(0, len(ids), IN_CHUNK):
        for sid, cid, sku, pid, at, basis in session.exec(
                select(Event.session_id, Event.company_id, Product.sku, Product.id,  # type: ignore[call-overload]
                       Event.occurred_at, Event.legal_basis)
                .join(Product, col(Product.id) == col(Event.product_id))
                .where(col(Event.session_id).in_(ids[i:i + IN_CHUNK]), col(Event.type) == EventType.view)
                .order_by(col(Event.occurred_at), col(Event.id))).all():
            views_of[(sid, int(cid or 0))].append(ViewRow(sku, int(pid), at, LegalBasis(basis)))
    out = [VisitRow(sid, cid, started, ended, carts, tuple(views_of[(sid, cid)]))
           for sid, cid, started, ended, carts in visits]
    return sorted(out, key=lambda v: (v.ended_at, v.session_id))


def order_count_between(session: Session, *, company_id: int, start: datetime, end: datetime | None = None) -> int:
    """Return how many orders the company placed in ``[start, end)`` (no end: up to now)."""
    query = select(func.count()).select_from(Order).where(Order.company_id == company_id,
                                                         col(Order.ordered_at) >= start)
    if end is not None:
        query = query.where(col(Order.ordered_at) < end)
    return int(session.exec(query).one())


def skus_bought_since(session: Session, *, company_id: int, since: datetime) -> set[str]:
    """Return the SKUs the company ordered since ``since``."""
    rows = session.exec(select(Product.sku).join(OrderLine, col(OrderLine.product_id) == col(Product.id))
                        .join(Order, col(Order.id) == col(OrderLine.order_id))
                        .where(Order.company_id == company_id, col(Order.ordered_at) >= since).distinct()).all()
    return set(rows)


# --- co-purchases -------------------------------------------------------------------------------------------------


class CoPurchase(NamedTuple):
    """A product found in orders together with another one, and how often."""

    sku: str
    name: str
    category: str
    together: int
    """Orders holding both products."""
    active: bool
    stock: int


def orders_with_product(session: Session, *, product_id: int) -> int:
    """Return how many orders hold the product."""
    return int(session.exec(select(func.count(func.distinct(col(OrderLine.order_id))))
                            .where(OrderLine.product_id == product_id)).one())


def co_purchases(session: Session, *, product_id: int, min_together: int = 1) -> list[CoPurchase]:
    """Return the products in at least ``min_together`` of the orders that hold ``product_id`` (itself left
    out), most orders first (ties by SKU), with their catalogue state."""
    orders = select(OrderLine.order_id).where(OrderLine.product_id == product_id)
    together = func.count(func.distinct(col(OrderLine.order_id)))
    rows = session.exec(
        select(Product.sku, Product.name, Product.category, together, Product.active,  # type: ignore[call-overload]
               Product.stock)
        .join(OrderLine, col(OrderLine.product_id) == col(Product.id))
        .where(col(OrderLine.order_id).in_(orders), Product.id != product_id)
        .group_by(col(Product.id)).having(together >= min_together)
        .order_by(together.desc(), col(Product.sku))).all()
    return [CoPurchase(sku, name, category, int(n), bool(active), int(stock or 0))
            for sku, name, category, n, active, stock in rows]


# --- recipients and consent ---------------------------------------------------------------------------------------


def recipient(session: Session, *, company_id: int) -> Contact | None:
    """Return the contact a company's follow-ups go to: the first (lowest id) with an e-mail address, else its
    first contact (which then has none), or None when the company has no contact."""
    rows = session.exec(select(Contact).where(Contact.company_id == company_id).order_by(col(Contact.id))).all()
    return next((c for c in rows if c.email), rows[0] if rows else None)


def email_consent(session: Session, *, contact_id: int) -> EmailConsent | None:
    """Return the contact's own e-mail consent row, or None (the company's marketing consent applies)."""
    return session.exec(select(EmailConsent).where(EmailConsent.contact_id == contact_id)).first()


def email_consents(session: Session, *, contact_ids: Iterable[int]) -> dict[int, EmailConsent]:
    """Return ``{contact id: consent row}`` for those of ``contact_ids`` that have one."""
    ids = list(dict.fromkeys(contact_ids))
    out: dict[int, EmailConsent] = {}
    for i in range(0, len(ids), IN_CHUNK):
        for row in session.exec(select(EmailConsent).where(col(EmailConsent.contact_id).in_(ids[i:i + IN_CHUNK]))):
            out[row.contact_id] = row
    return out


def set_email_consent(session: Session, *, contact_id: int, granted: bool, via: str,
                      at: datetime | None = None) -> EmailConsent:
    """Record the contact's choice (one row per contact, replaced), flushed."""
    row = email_consent(session, contact_id=contact_id) or EmailConsent(contact_id=contact_id, granted=granted,
                                                                      via=via[:64])
    row.granted, row.via, row.recorded_at = granted, via[:64], at or utcnow()
    session.add(row)
    session.flush()
    return row


def company_language(session: Session, *, company_id: int) -> str | None:
    """Return the language of the company's latest conversation, or None when it never chatted."""
    return session.exec(select(Conversation.language).where(Conversation.company_id == company_id)
                        .order_by(col(Conversation.started_at).desc()).limit(1)).first()


# --- the outbox ---------------------------------------------------------------------------------------------------

ACTIVE = (FollowupStatus.queued, FollowupStatus.sending, FollowupStatus.retry, FollowupStatus.sent,
          FollowupStatus.control)
"""Rows that count for the frequency cap: an e-mail sent or on its way, or the control arm's would-have."""


def outbox_keys(session: Session, *, pairs: Collection[tuple[int, str]]) -> dict[tuple[int, str], FollowupEmail]:
    """Return the outbox rows of those (contact id, session id) pairs that have one."""
    sessions = list({s for _, s in pairs})
    out: dict[tuple[int, str], FollowupEmail] = {}
    for i in range(0, len(sessions), IN_CHUNK):
        for row in session.exec(select(FollowupEmail).where(
                col(FollowupEmail.session_id).in_(sessions[i:i + IN_CHUNK]))):
            if (row.contact_id, row.session_id) in pairs:
                out[(row.contact_id, row.session_id)] = row
    return out


def capped_due_times(session: Session, *, contact_ids: Iterable[int], start: datetime, end: datetime
                     ) -> dict[int, list[datetime]]:
    """Return ``{contact id: due times}`` of the contacts' rows that count for the frequency cap, due in
    ``[start, end)``."""
    ids = list(dict.fromkeys(contact_ids))
    out: dict[int, list[datetime]] = defaultdict(list)
    for i in range(0, len(ids), IN_CHUNK):
        for cid, due in session.exec(
                select(FollowupEmail.contact_id, FollowupEmail.due_at)
                .where(col(FollowupEmail.contact_id).in_(ids[i:i + IN_CHUNK]),
                       col(FollowupEmail.status).in_(ACTIVE),
                       col(FollowupEmail.due_at) >= start, col(FollowupEmail.due_at) < end)).all():
            out[int(cid)].append(due)
    return dict(out)


def add_outbox_rows(session: Session, *, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert outbox rows, leaving out any whose (contact, session) is already there (also when another process
    inserts it at the same moment: ``ON CONFLICT DO NOTHING``); return how many were inserted."""
    if not rows:
        return 0
    now = utcnow()
    values = [dict(r) | {"created_at": now, "updated_at": now} for r in rows]
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert  # type: ignore[assignment]
    else:  # another database: insert one by one, skipping the pairs already stored
        known = outbox_keys(session, pairs={(int(r["contact_id"]), str(r["session_id"])) for r in values})
        fresh = [v for v in values if (v["contact_id"], v["session_id"]) not in known]
        if fresh:
            session.execute(insert(FollowupEmail), fresh)
        return len(fresh)
    inserted = 0
    for start in range(0, len(values), IN_CHUNK):
        stmt = dialect_insert(FollowupEmail).values(values[start:start + IN_CHUNK]).on_conflict_do_nothing(
            index_elements=["contact_id", "session_id"])
        inserted += int(cast(CursorResult[Any], session.execute(stmt)).rowcount or 0)
    return inserted


def get_outbox(session: Session, *, row_id: int) -> FollowupEmail | None:
    """Return the outbox row with this id, or None."""
    return session.get(FollowupEmail, row_id)


def due_ids(session: Session, *, now: datetime, stale_before: datetime, limit: int | None = None) -> list[int]:
    """Return the ids of the rows a sender may claim now: queued and due, waiting for a retry that is due, or
    claimed before ``stale_before`` by a sender that never finished; oldest due first."""
    query = (select(FollowupEmail.id).where(or_(
        (col(FollowupEmail.status) == FollowupStatus.queued) & (col(FollowupEmail.due_at) <= now),
        (col(FollowupEmail.status) == FollowupStatus.retry) & (col(FollowupEmail.next_attempt_at) <= now),
        (col(FollowupEmail.status) == FollowupStatus.sending) & (col(FollowupEmail.claimed_at) < stale_before)))
        .order_by(col(FollowupEmail.due_at), col(FollowupEmail.id)))
    if limit is not None:
        query = query.limit(limit)
    return [int(i) for i in session.exec(query).all() if i is not None]


def claim(session: Session, *, row_id: int, claimer: str, now: datetime, stale_before: datetime) -> bool:
    """Claim one row for sending with a single conditional ``UPDATE`` (it must still be claimable: queued and
    due, a due retry, or a stale claim); return True when this call won it. Commit at once."""
    stmt = (update(FollowupEmail).where(col(FollowupEmail.id) == row_id, or_(
        (col(FollowupEmail.status) == FollowupStatus.queued) & (col(FollowupEmail.due_at) <= now),
        (col(FollowupEmail.status) == FollowupStatus.retry) & (col(FollowupEmail.next_attempt_at) <= now),
        (col(FollowupEmail.status) == FollowupStatus.sending) & (col(FollowupEmail.claimed_at) < stale_before)))
        .values(status=FollowupStatus.sending, claimed_at=now, claimed_by=claimer[:64],
                attempts=col(FollowupEmail.attempts) + 1, updated_at=now))
    return int(cast(CursorResult[Any], session.execute(stmt)).rowcount or 0) == 1


def outbox_rows(session: Session, *, statuses: Collection[FollowupStatus] | None = None,
                contact_id: int | None = None, limit: int | None = 200) -> list[FollowupEmail]:
    """Return outbox rows, newest due first (some statuses, one contact)."""
    query = select(FollowupEmail)
    if statuses is not None:
        query = query.where(col(FollowupEmail.status).in_(list(statuses)))
    if contact_id is not None:
        query = query.where(FollowupEmail.contact_id == contact_id)
    query = query.order_by(col(FollowupEmail.due_at).desc(), col(FollowupEmail.id).desc())
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query).all())


def status_counts(session: Session) -> dict[str, int]:
    """Return ``{status: rows}``."""
    rows = session.exec(select(FollowupEmail.status, func.count()).group_by(col(FollowupEmail.status))).all()
    return {getattr(s, "value", str(s)): int(n) for s, n in rows}


def reason_counts(session: Session) -> dict[str, int]:
    """Return ``{reason: rows}`` of the rows that carry one (skipped, control, cancelled, failed)."""
    rows = session.exec(select(FollowupEmail.reason, func.count()).where(col(FollowupEmail.reason).is_not(None))
                        .group_by(col(FollowupEmail.reason))).all()
    return {str(r): int(n) for r, n in rows}


def assigned_rows(session: Session, *, due_from: datetime | None = None, due_to: datetime | None = None
                  ) -> list[tuple[FollowupEmail, str]]:
    """Return the rows of e-mails assigned to be sent (any state after planning) or recorded as the control
    arm's would-have, due in ``[due_from, due_to)``, with their company's external id."""
    query = (select(FollowupEmail, Company.external_id).join(Company, col(Company.id) == col(FollowupEmail.company_id))
             .where(col(FollowupEmail.status).not_in([FollowupStatus.skipped])))
    if due_from is not None:
        query = query.where(col(FollowupEmail.due_at) >= due_from)
    if due_to is not None:
        query = query.where(col(FollowupEmail.due_at) < due_to)
    return [(row, str(ext)) for row, ext in session.exec(query).all()]
