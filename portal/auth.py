"""Bearer tokens for customer contacts and staff users, stored only as SHA-256 hashes; who the caller is.

HTTP-free: the dependencies in ``portal.deps`` read the header or cookie and call :func:`authenticate`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Literal

from sqlmodel import Session, col, select

from core.errors import PermissionDeniedError, SalesAgentError
from store.models import AuthToken, Company, Contact, StaffRole, StaffUser

Role = Literal["customer", "sales", "admin"]
ROLES: tuple[Role, ...] = ("customer", "sales", "admin")
STAFF_ROLES: frozenset[str] = frozenset({"sales", "admin"})
TOKEN_PREFIX = {"customer": "sac", "sales": "sas", "admin": "saa"}


class AuthenticationError(SalesAgentError):
    """No token, an unknown token or a revoked one (HTTP 401)."""

    exit_code = 5
    http_status = 401


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: a customer contact (with its company) or a staff user."""

    role: Role
    token_id: int
    display_name: str
    contact_id: int | None = None
    company_id: int | None = None
    staff_user_id: int | None = None

    @property
    def is_staff(self) -> bool:
        """True for sales and admin users."""
        return self.role in STAFF_ROLES

    @property
    def actor(self) -> str:
        """The name written to the audit log (never a person's name for customers)."""
        if self.is_staff:
            return f"staff:{self.staff_user_id}"
        return f"contact:{self.contact_id}"


def hash_token(token: str) -> str:
    """Return the hex SHA-256 of a token, the only form a token is stored in."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def csrf_for(token: str) -> str:
    """Return the form token bound to a session token (HMAC keyed by the secret token itself)."""
    return hmac.new(token.encode("utf-8"), b"salesagent-portal-form", hashlib.sha256).hexdigest()[:32]


def new_token(role: Role) -> str:
    """Return a fresh random token whose prefix names the role (``sac_``, ``sas_``, ``saa_``)."""
    return f"{TOKEN_PREFIX[role]}_{secrets.token_urlsafe(24)}"


def issue_token(
    session: Session, *, role: Role, contact_id: int | None = None, staff_user_id: int | None = None
) -> str:
    """Store the hash of a new token for a contact (role customer) or a staff user and return the plain token.

    The plain token is returned once and never stored. Flushes; the caller commits.
    """
    if role not in ROLES:
        raise PermissionDeniedError(f"unknown role {role!r}")
    if role == "customer":
        if contact_id is None or staff_user_id is not None:
            raise PermissionDeniedError("a customer token belongs to exactly one contact")
        if session.get(Contact, contact_id) is None:
            raise PermissionDeniedError(f"contact {contact_id} does not exist")
    else:
        staff = session.get(StaffUser, staff_user_id) if staff_user_id is not None else None
        if staff is None or contact_id is not None:
            raise PermissionDeniedError("a staff token belongs to exactly one existing staff user")
        if role == "admin" and staff.role != StaffRole.admin:
            raise PermissionDeniedError(f"staff user {staff.username} is not an admin")
    token = new_token(role)
    session.add(AuthToken(token_hash=hash_token(token), contact_id=contact_id, staff_user_id=staff_user_id,
                          role=role))
    session.flush()
    return token


def authenticate(session: Session, token: str | None) -> Principal:
    """Return the principal a token belongs to; raise :class:`AuthenticationError` if there is none."""
    if not token:
        raise AuthenticationError("not authenticated: send 'Authorization: Bearer <token>'")
    row = session.exec(select(AuthToken).where(AuthToken.token_hash == hash_token(token.strip()))).first()
    if row is None or row.revoked or row.role not in ROLES or row.id is None:
        raise AuthenticationError("invalid or revoked token")
    if row.role == "customer":
        contact = session.get(Contact, row.contact_id) if row.contact_id is not None else None
        if contact is None:
            raise AuthenticationError("invalid or revoked token")
        company = session.get(Company, contact.company_id)
        return Principal(role="customer", token_id=row.id, contact_id=contact.id, company_id=contact.company_id,
                         display_name=company.name if company else f"company {contact.company_id}")
    staff = session.get(StaffUser, row.staff_user_id) if row.staff_user_id is not None else None
    if staff is None:
        raise AuthenticationError("invalid or revoked token")
    return Principal(role=row.role, token_id=row.id, staff_user_id=staff.id,  # type: ignore[arg-type]
                     display_name=staff.full_name)


def revoke_contact_tokens(session: Session, *, contact_id: int) -> int:
    """Revoke every token of a contact and return how many were active. Flushes; the caller commits."""
    rows = session.exec(select(AuthToken).where(AuthToken.contact_id == contact_id,
                                                AuthToken.revoked == False)).all()
    for row in rows:
        row.revoked = True
        session.add(row)
    session.flush()
    return len(rows)


@dataclass(frozen=True)
class DemoToken:
    """A plain token printed by ``salesagent demo`` with who it logs in as."""

    role: Role
    token: str
    who: str
    company: str | None = None
    company_id: int | None = None


DEMO_STAFF = (("sales.demo", "Sales Demo", StaffRole.sales), ("admin.demo", "Admin Demo", StaffRole.admin))


def issue_demo_tokens(session: Session, *, customers: int = 2) -> list[DemoToken]:
    """Create fresh random tokens for the first contact of ``customers`` companies, a sales and an admin user.

    Staff users ``sales.demo`` and ``admin.demo`` are created if missing. Commits, so the tokens work at once.
    Earlier demo tokens keep working (nothing is revoked).
    """
    tokens: list[DemoToken] = []
    companies = session.exec(select(Company).order_by(col(Company.id))).all()
    for company in companies:
        if len(tokens) >= customers:
            break
        contact = session.exec(select(Contact).where(Contact.company_id == company.id)
                               .order_by(col(Contact.id))).first()
        if contact is None or contact.id is None:
            continue
        token = issue_token(session, role="customer", contact_id=contact.id)
        tokens.append(DemoToken(role="customer", token=token, who=f"contact {contact.id}",
                                company=company.name, company_id=company.id))
    for username, full_name, role in DEMO_STAFF:
        staff = session.exec(select(StaffUser).where(StaffUser.username == username)).first()
        if staff is None:
            staff = StaffUser(username=username, full_name=full_name, role=role)
            session.add(staff)
            session.flush()
        token = issue_token(session, role=role.value, staff_user_id=staff.id)  # type: ignore[arg-type]
        tokens.append(DemoToken(role=role.value, token=token, who=username))  # type: ignore[arg-type]
    session.commit()
    return tokens
