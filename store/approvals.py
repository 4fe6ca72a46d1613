"""Data access for price approvals: the rows of the price gate (``guardrails.approvals`` owns the rules).

Every status change goes through :func:`transition`, a conditional ``UPDATE ... WHERE status=<from> AND
version=<seen>``, so two concurrent decisions on one request cannot both win. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlmodel import Session, col, select

from store.models import ApprovalStatus, AuditLog, Message, PriceApproval


def get_approval(session: Session, *, approval_id: int) -> PriceApproval | None:
    """Return the price approval with this id, or None."""
    return session.get(PriceApproval, approval_id)


def add_approval(session: Session, *, company_id: int, conversation_id: str | None, skus: list[str], kind: str,
                 proposed_change: dict[str, Any], reason: str, requested_by: str, requested_at: datetime,
                 expires_at: datetime) -> PriceApproval:
    """Store a new pending request (flushed, so it has an id)."""
    row = PriceApproval(company_id=company_id, conversation_id=conversation_id, product_skus=list(skus),
                        kind=kind, proposed_change=dict(proposed_change), reason=reason,
                        requested_by=requested_by, requested_at=requested_at, expires_at=expires_at)
    session.add(row)
    session.flush()
    return row


def transition(session: Session, *, approval_id: int, from_status: ApprovalStatus, version: int,
               values: dict[str, Any]) -> bool:
    """Apply ``values`` (and bump the version) only if the row is still at ``from_status``/``version``; return
    True when this call made the change. Raises SQLAlchemy's ``OperationalError`` when the database stays
    locked past its busy timeout (the caller turns that into a conflict)."""
    stmt = (update(PriceApproval)
            .where(col(PriceApproval.id) == approval_id, col(PriceApproval.status) == from_status,
                   col(PriceApproval.version) == version)
            .values(version=version + 1, **values))
    result = cast(CursorResult[Any], session.execute(stmt))
    return result.rowcount == 1


def expire_due(session: Session, *, at: datetime) -> list[tuple[int, ApprovalStatus]]:
    """Mark every pending or approved request whose ``expires_at`` is not after ``at`` as expired, in one
    conditional ``UPDATE ... RETURNING`` per former status (a request decided concurrently keeps its decision);
    return ``(id, former status)`` of each row this call expired. One statement for any number of rows: the
    demo's history expires 3,000 offers at its first page view."""
    expired: list[tuple[int, ApprovalStatus]] = []
    for old in (ApprovalStatus.pending, ApprovalStatus.approved):
        stmt = (update(PriceApproval)
                .where(col(PriceApproval.status) == old, col(PriceApproval.expires_at) <= at)
                .values(status=ApprovalStatus.expired, version=col(PriceApproval.version) + 1)
                .returning(col(PriceApproval.id))
                .execution_options(synchronize_session=False))
        ids = session.execute(stmt).scalars().all()
        expired += [(int(i), old) for i in ids]
    if expired:
        session.expire_all()  # rows already loaded in this session show the new status when read again
    return expired


def approvals(session: Session, *, statuses: Iterable[ApprovalStatus] | None = None,
              company_id: int | None = None, kind: str | None = None, ids: Iterable[int] | None = None,
              newest_first: bool = False) -> list[PriceApproval]:
    """Return price approvals filtered by status, company, kind and ids; oldest request first (for the queue)
    unless ``newest_first``."""
    query = select(PriceApproval)
    if statuses is not None:
        query = query.where(col(PriceApproval.status).in_(list(statuses)))
    if company_id is not None:
        query = query.where(PriceApproval.company_id == company_id)
    if kind is not None:
        query = query.where(PriceApproval.kind == kind)
    if ids is not None:
        query = query.where(col(PriceApproval.id).in_(list(ids)))
    if newest_first:
        query = query.order_by(col(PriceApproval.requested_at).desc(), col(PriceApproval.id).desc())
    else:
        query = query.order_by(col(PriceApproval.requested_at), col(PriceApproval.id))
    return list(session.exec(query).all())


def untold_decisions(session: Session, *, company_id: int, at: datetime, limit: int) -> list[PriceApproval]:
    """Return up to ``limit`` of the company's approved or rejected requests nobody has told the customer about
    yet (``customer_notified_at`` empty) whose ``expires_at`` is after ``at``, oldest decision first."""
    query = (select(PriceApproval)
             .where(PriceApproval.company_id == company_id,
                    col(PriceApproval.status).in_([ApprovalStatus.approved, ApprovalStatus.rejected]),
                    col(PriceApproval.customer_notified_at).is_(None), col(PriceApproval.decided_at).is_not(None),
                    col(PriceApproval.expires_at) > at)
             .order_by(col(PriceApproval.decided_at), col(PriceApproval.id)).limit(limit))
    return list(session.exec(query).all())


def mark_told(session: Session, *, approval_ids: Iterable[int], at: datetime) -> list[int]:
    """Set ``customer_notified_at`` of those requests that have none yet, in one conditional ``UPDATE ...
    RETURNING`` (the version stays: telling the customer is no decision); return the ids this call marked."""
    ids = list(approval_ids)
    if not ids:
        return []
    stmt = (update(PriceApproval)
            .where(col(PriceApproval.id).in_(ids), col(PriceApproval.customer_notified_at).is_(None))
            .values(customer_notified_at=at)
            .returning(col(PriceApproval.id))
            .execution_options(synchronize_session=False))
    return sorted(int(i) for i in session.execute(stmt).scalars().all())


def audit_trails(session: Session, *, entity: str, approval_ids: Iterable[int]) -> dict[int, list[AuditLog]]:
    """Return the audit rows of many approvals in one query, by approval id, each oldest first."""
    keys = {str(i): int(i) for i in approval_ids}
    out: dict[int, list[AuditLog]] = {i: [] for i in keys.values()}
    if not keys:
        return out
    rows = session.exec(select(AuditLog).where(AuditLog.entity == entity, col(AuditLog.entity_id).in_(list(keys)))
                        .order_by(col(AuditLog.at), col(AuditLog.id))).all()
    for row in rows:
        out[keys[row.entity_id]].append(row)
    return out


def conversation_excerpts(session: Session, *, rows: Iterable[PriceApproval],
                          turns: int = 2) -> dict[int, list[Message]]:
    """Return, by approval id, the customer's and the assistant's messages (stored masked) that led to each
    request: the turn that filed it and up to ``turns - 1`` turns before, oldest first (empty without a
    conversation). The filing turn's messages are written after the request (at the turn's end), so the
    excerpt runs to the first assistant message written at or after ``requested_at``."""
    wanted = [r for r in rows if r.id is not None and r.conversation_id]
    out: dict[int, list[Message]] = {int(r.id): [] for r in rows if r.id is not None}  # type: ignore[arg-type]
    if not wanted:
        return out
    conversations = sorted({str(r.conversation_id) for r in wanted})
    msgs = session.exec(select(Message).where(col(Message.conversation_id).in_(conversations),
                                              col(Message.role).in_(["user", "assistant"]))
                        .order_by(col(Message.id))).all()
    by_conv: dict[str, list[Message]] = {}
    for m in msgs:
        by_conv.setdefault(m.conversation_id, []).append(m)
    for r in wanted:
        conv = by_conv.get(r.conversation_id or "", [])
        requested = _aware(r.requested_at)
        end = next((i for i, m in enumerate(conv) if m.role == "assistant" and _aware(m.created_at) >= requested),
                   len(conv) - 1)
        out[int(r.id)] = conv[max(0, end + 1 - 2 * turns):end + 1]  # type: ignore[arg-type]
    return out


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; the store writes UTC only."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
