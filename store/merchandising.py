"""Data access for merchandising rules (issue 24): list, read, add, change, delete; the rules live at a moment.

Functions take an explicit session and keyword arguments and never commit (the caller writes the audit row in
the same transaction)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, or_, select

from store.models import MerchRule, utcnow


def list_rules(session: Session, *, enabled: bool | None = None) -> list[MerchRule]:
    """Return every rule (only enabled or disabled ones when ``enabled`` is given), newest first."""
    query = select(MerchRule)
    if enabled is not None:
        query = query.where(col(MerchRule.enabled).is_(enabled))
    return list(session.exec(query.order_by(col(MerchRule.id).desc())).all())


def live_rules(session: Session, *, now: datetime) -> list[MerchRule]:
    """Return the enabled rules whose validity window holds ``now`` (the engine checks the window again)."""
    query = select(MerchRule).where(
        col(MerchRule.enabled).is_(True),
        or_(col(MerchRule.valid_from).is_(None), col(MerchRule.valid_from) <= now),
        or_(col(MerchRule.valid_to).is_(None), col(MerchRule.valid_to) > now))
    return list(session.exec(query.order_by(col(MerchRule.id))).all())


def get_rule(session: Session, *, rule_id: int) -> MerchRule | None:
    """Return one rule, or None."""
    return session.get(MerchRule, rule_id)


def add_rule(session: Session, *, fields: dict[str, Any], created_by: str) -> MerchRule:
    """Add a rule (flushed, so it has its id)."""
    row = MerchRule(**fields, created_by=created_by[:64])
    session.add(row)
    session.flush()
    return row


def change_rule(session: Session, *, row: MerchRule, fields: dict[str, Any]) -> MerchRule:
    """Set ``fields`` on ``row``, bump its version and ``updated_at`` (flushed)."""
    for name, value in fields.items():
        setattr(row, name, value)
    row.version += 1
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return row


def delete_rule(session: Session, *, row: MerchRule) -> None:
    """Delete one rule (flushed)."""
    session.delete(row)
    session.flush()
