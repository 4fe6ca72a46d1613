"""Data access for the audit log: who did what to which entity, and the trail of one entity.

Nothing here commits: an audit row is written in the same transaction as the change it records.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from store.models import AuditLog, utcnow


def add_audit(session: Session, *, actor: str, action: str, entity: str, entity_id: str | int,
              details: dict[str, Any] | None = None) -> AuditLog:
    """Add one audit row (actor and action cut to their columns' width)."""
    row = AuditLog(actor=actor[:64], action=action[:64], entity=entity[:64], entity_id=str(entity_id)[:64],
                   details=dict(details or {}))
    session.add(row)
    return row


def add_audits(session: Session, *, actor: str, action: str, entity: str,
               rows: list[tuple[str | int, dict[str, Any]]]) -> None:
    """Add one audit row per ``(entity_id, details)`` in a single batched INSERT (a sweep over many rows)."""
    if rows:
        at = utcnow()
        session.execute(insert(AuditLog), [
            {"at": at, "actor": actor[:64], "action": action[:64], "entity": entity[:64],
             "entity_id": str(entity_id)[:64], "details": dict(details)} for entity_id, details in rows])


def audit_trail(session: Session, *, entity: str, entity_id: str | int) -> list[AuditLog]:
    """Return the audit rows of one entity, oldest first."""
    return list(session.exec(select(AuditLog).where(AuditLog.entity == entity, AuditLog.entity_id == str(entity_id))
                             .order_by(col(AuditLog.at), col(AuditLog.id))).all())
