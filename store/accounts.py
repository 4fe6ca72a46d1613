"""Data access for who may log in: staff users and bearer tokens (stored as hashes only).

Functions take an explicit session and keyword arguments and never commit; the caller owns the transaction.
"""

from __future__ import annotations

from sqlmodel import Session, select

from store.models import AuthToken, StaffRole, StaffUser


def get_staff(session: Session, *, staff_user_id: int) -> StaffUser | None:
    """Return the staff user with this id, or None."""
    return session.get(StaffUser, staff_user_id)


def staff_by_username(session: Session, *, username: str) -> StaffUser | None:
    """Return the staff user with this username, or None."""
    return session.exec(select(StaffUser).where(StaffUser.username == username)).first()


def add_staff(session: Session, *, username: str, full_name: str, role: StaffRole) -> StaffUser:
    """Create a staff user (flushed, so it has an id)."""
    staff = StaffUser(username=username, full_name=full_name, role=role)
    session.add(staff)
    session.flush()
    return staff


def add_token(session: Session, *, token_hash: str, role: str, contact_id: int | None = None,
              staff_user_id: int | None = None) -> AuthToken:
    """Store a token hash for a contact or a staff user (flushed)."""
    row = AuthToken(token_hash=token_hash, role=role, contact_id=contact_id, staff_user_id=staff_user_id)
    session.add(row)
    session.flush()
    return row


def token_by_hash(session: Session, *, token_hash: str) -> AuthToken | None:
    """Return the token row with this hash, or None."""
    return session.exec(select(AuthToken).where(AuthToken.token_hash == token_hash)).first()


def revoke_contact_tokens(session: Session, *, contact_id: int) -> int:
    """Revoke every active token of a contact and return how many there were (flushed)."""
    rows = session.exec(select(AuthToken).where(AuthToken.contact_id == contact_id,
                                                AuthToken.revoked == False)).all()
    for row in rows:
        row.revoked = True
        session.add(row)
    session.flush()
    return len(rows)
