"""Bearer tokens for customer contacts and staff users, stored only as SHA-256 hashes; who the caller is.

HTTP-free: the dependencies in ``portal.deps`` read the header or cookie and call :func:`authenticate`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Literal

from sqlmodel import Session

from core.errors import PermissionDeniedError, SalesAgentError
from store import accounts, companies
from store.models import StaffRole, StaffUser

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


@dataclass(frozen=True)
class Customer:
    """A caller known to be a customer contact: the portal's dependency checks the role once, and services take
    this instead of checking again."""

    principal: Principal
    company_id: int
    contact_id: int

    @property
    def actor(self) -> str:
        """The name written to the audit log (the contact's id, never its name)."""
        return f"contact:{self.contact_id}"


@dataclass(frozen=True)
class Staff:
    """A caller known to be a sales or admin user, with its staff row (checked once by the dependency)."""

    principal: Principal
    user: StaffUser

    @property
    def actor(self) -> str:
        """The name written to the audit log."""
        return self.principal.actor


def as_customer(principal: Principal) -> Customer:
    """Return the principal as a customer; raise ``PermissionDeniedError`` (403) for staff."""
    if principal.role != "customer" or principal.company_id is None or principal.contact_id is None:
        raise PermissionDeniedError("this route is for customer accounts")
    return Customer(principal, principal.company_id, principal.contact_id)


def as_staff(session: Session, principal: Principal) -> Staff:
    """Return the principal as a staff user with its row; raise ``PermissionDeniedError`` (403) otherwise."""
    staff = accounts.get_staff(session, staff_user_id=principal.staff_user_id) \
        if principal.is_staff and principal.staff_user_id is not None else None
    if staff is None:
        raise PermissionDeniedError("the sales role is required")
    return Staff(principal, staff)


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
        if companies.get_contact(session, contact_id=contact_id) is None:
            raise PermissionDeniedError(f"contact {contact_id} does not exist")
    else:
        staff = accounts.get_staff(session, staff_user_id=staff_user_id) if staff_user_id is not None else None
        if staff is None or contact_id is not None:
            raise PermissionDeniedError("a staff token belongs to exactly one existing staff user")
        if role == "admin" and staff.role != StaffRole.admin:
            raise PermissionDeniedError(f"staff user {staff.username} is not an admin")
    token = new_token(role)
    accounts.add_token(session, token_hash=hash_token(token), role=role, contact_id=contact_id,
                       staff_user_id=staff_user_id)
    return token


def authenticate(session: Session, token: str | None) -> Principal:
    """Return the principal a token belongs to; raise :class:`AuthenticationError` if there is none."""
    if not token:
        raise AuthenticationError("not authenticated: send 'Authorization: Bearer <token>'")
    row = accounts.token_by_hash(session, token_hash=hash_token(token.strip()))
    if row is None or row.revoked or row.role not in ROLES or row.id is None:
        raise AuthenticationError("invalid or revoked token")
    if row.role == "customer":
        contact = companies.get_contact(session, contact_id=row.contact_id) if row.contact_id is not None else None
        if contact is None:
            raise AuthenticationError("invalid or revoked token")
        company = companies.get_company(session, company_id=contact.company_id)
        return Principal(role="customer", token_id=row.id, contact_id=contact.id, company_id=contact.company_id,
                         display_name=company.name if company else f"company {contact.company_id}")
    staff = accounts.get_staff(session, staff_user_id=row.staff_user_id) if row.staff_user_id is not None else None
    if staff is None:
        raise AuthenticationError("invalid or revoked token")
    return Principal(role=row.role, token_id=row.id, staff_user_id=staff.id,  # type: ignore[arg-type]
                     display_name=staff.full_name)


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
    for company in companies.companies(session):
        if len(tokens) >= customers:
            break
        contact = companies.first_contact(session, company_id=company.id or 0)
        if contact is None or contact.id is None:
            continue
        token = issue_token(session, role="customer", contact_id=contact.id)
        tokens.append(DemoToken(role="customer", token=token, who=f"contact {contact.id}",
                                company=company.name, company_id=company.id))
    for username, full_name, role in DEMO_STAFF:
        staff = accounts.staff_by_username(session, username=username) or accounts.add_staff(
            session, username=username, full_name=full_name, role=role)
        token = issue_token(session, role=role.value, staff_user_id=staff.id)  # type: ignore[arg-type]
        tokens.append(DemoToken(role=role.value, token=token, who=username))  # type: ignore[arg-type]
    session.commit()
    return tokens
