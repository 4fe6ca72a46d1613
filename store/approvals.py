"""Data access for price approvals: the rows of the price gate (``guardrails.approvals`` owns the rules).

Every status change goes through :func:`transition`, a conditional ``UPDATE ... WHERE status=<from> AND
version=<seen>``, so two concurrent decisions on one request cannot both win. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlmodel import Session, col, select

from store.models import ApprovalStatus, PriceApproval


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
