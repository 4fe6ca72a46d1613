"""Data access for logins: page sessions (a browser's server-side session), token expiry and revocation, and the
erasure of a company's event query texts (issue 17).

Functions take an explicit session and keyword arguments and never commit; the caller owns the transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, or_, update
from sqlmodel import Session, col, select

from store.models import AuthToken, Event, PageSession


def add_page_session(session: Session, *, session_hash: str, token_id: int, now: datetime,
                     expires_at: datetime) -> PageSession:
    """Store a new page session opened with token ``token_id`` (flushed, so it has an id)."""
    row = PageSession(session_hash=session_hash, token_id=token_id, created_at=now, last_seen_at=now,
                      expires_at=expires_at)
    session.add(row)
    session.flush()
    return row


def page_session_by_hash(session: Session, *, session_hash: str) -> PageSession | None:
    """Return the page session with this id hash, or None."""
    return session.exec(select(PageSession).where(PageSession.session_hash == session_hash)).first()


def touch_page_session(session: Session, *, row: PageSession, now: datetime) -> None:
    """Record a request of the session (its idle expiry counts from here). Flushes."""
    row.last_seen_at = now
    session.add(row)
    session.flush()


def revoke_page_session(session: Session, *, row: PageSession, now: datetime) -> None:
    """End a page session (logout, idle expiry). Flushes."""
    if row.revoked_at is None:
        row.revoked_at = now
        session.add(row)
        session.flush()


def revoke_token_page_sessions(session: Session, *, token_ids: list[int], now: datetime) -> int:
    """End every open page session opened with one of these tokens; return how many. Flushes."""
    if not token_ids:
        return 0
    result = cast(CursorResult[Any], session.execute(
        update(PageSession).where(col(PageSession.token_id).in_(token_ids), col(PageSession.revoked_at).is_(None))
        .values(revoked_at=now)))
    session.flush()
    return int(result.rowcount or 0)


def delete_stale_page_sessions(session: Session, *, ended_before: datetime) -> int:
    """Delete page sessions that expired or were revoked before ``ended_before`` (housekeeping); return how many."""
    result = cast(CursorResult[Any], session.execute(delete(PageSession).where(or_(
        col(PageSession.expires_at) < ended_before, col(PageSession.revoked_at) < ended_before))))
    return int(result.rowcount or 0)


def get_token(session: Session, *, token_id: int) -> AuthToken | None:
    """Return the token row with this id, or None."""
    return session.get(AuthToken, token_id)


def set_token_expiry(session: Session, *, token: AuthToken, expires_at: datetime | None) -> None:
    """Set (or clear, with None) when a token stops working. Flushes."""
    token.expires_at = expires_at
    session.add(token)
    session.flush()


def revoke_token(session: Session, *, token: AuthToken) -> None:
    """Revoke one token (rotation, logout of an API client). Flushes."""
    token.revoked = True
    session.add(token)
    session.flush()


def contact_token_ids(session: Session, *, contact_id: int) -> list[int]:
    """Return the ids of every token of a contact (revoked ones too)."""
    return [int(i) for i in session.exec(select(AuthToken.id).where(AuthToken.contact_id == contact_id)).all()
            if i is not None]


def erase_event_queries(session: Session, *, company_id: int) -> int:
    """Clear the query text of every event of a company (the events stay as company-level aggregates); return how
    many texts were erased. Flushes."""
    result = cast(CursorResult[Any], session.execute(
        update(Event).where(col(Event.company_id) == company_id, col(Event.query).is_not(None)).values(query=None)))
    session.flush()
    return int(result.rowcount or 0)
