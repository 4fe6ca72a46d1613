"""Bearer tokens for customer contacts and staff users, stored only as SHA-256 hashes; page sessions; who the
caller is.

A token may expire (``AuthToken.expires_at``) and can be rotated (:func:`rotate_token`). A browser logs in with
a token once and then holds a *page session*: a random id in an HttpOnly cookie, stored only as its SHA-256,
tied to the token it was opened with, ending after ``session_idle_minutes`` without a request, at
``session_absolute_hours`` after login, at logout, or when its token is revoked, rotated or expires.

HTTP-free: the dependencies in ``portal.deps`` read the header or cookie and call :func:`authenticate` or
:func:`page_principal`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlmodel import Session

from core.config import Settings
from core.errors import PermissionDeniedError, SalesAgentError
from store import accounts, companies, sessions
from store.models import AuthToken, StaffRole, StaffUser

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


def csrf_for(secret: str) -> str:
    """Return the form token bound to a secret the browser holds in an HttpOnly cookie (the page session id, or
    the login form's nonce): an HMAC keyed by that secret, so another site can neither read nor forge it."""
    return hmac.new(secret.encode("utf-8"), b"salesagent-portal-form", hashlib.sha256).hexdigest()[:32]


def new_token(role: Role) -> str:
    """Return a fresh random token whose prefix names the role (``sac_``, ``sas_``, ``saa_``)."""
    return f"{TOKEN_PREFIX[role]}_{secrets.token_urlsafe(24)}"


def new_secret() -> str:
    """Return a fresh random secret for a cookie (a page session id, a login form nonce): 256 bits."""
    return secrets.token_urlsafe(32)


def _now() -> datetime:
    return datetime.now(UTC)


def token_expiry(settings: Settings, now: datetime | None = None) -> datetime | None:
    """Return when a token issued now expires (``api_token_ttl_days``), or None when tokens do not expire."""
    if settings.api_token_ttl_days is None:
        return None
    return (now or _now()) + timedelta(days=settings.api_token_ttl_days)


def issue_token(
    session: Session, *, role: Role, contact_id: int | None = None, staff_user_id: int | None = None,
    expires_at: datetime | None = None,
) -> str:
    """Store the hash of a new token for a contact (role customer) or a staff user and return the plain token.

    The plain token is returned once and never stored; ``expires_at`` (None: never) is when it stops working.
    Flushes; the caller commits.
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
    row = accounts.add_token(session, token_hash=hash_token(token), role=role, contact_id=contact_id,
                             staff_user_id=staff_user_id)
    if expires_at is not None:
        sessions.set_token_expiry(session, token=row, expires_at=expires_at)
    return token


def _principal(session: Session, row: AuthToken | None, now: datetime) -> Principal:
    """Return the principal of a token row; raise :class:`AuthenticationError` when it is unknown, revoked or
    expired, or its contact or staff user is gone."""
    if row is None or row.revoked or row.role not in ROLES or row.id is None:
        raise AuthenticationError("invalid or revoked token")
    if row.expires_at is not None and row.expires_at <= now:
        raise AuthenticationError("token expired: ask for a new one (rotate a token before it expires)")
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


def authenticate(session: Session, token: str | None) -> Principal:
    """Return the principal a token belongs to; raise :class:`AuthenticationError` if there is none (unknown,
    revoked or expired)."""
    if not token:
        raise AuthenticationError("not authenticated: send 'Authorization: Bearer <token>'")
    return _principal(session, accounts.token_by_hash(session, token_hash=hash_token(token.strip())), _now())


def rotate_token(session: Session, principal: Principal, *, expires_at: datetime | None) -> tuple[str, AuthToken]:
    """Issue a new token for the principal's contact or staff user, revoke the one it authenticated with and end
    that token's page sessions; return the plain new token and its row. Flushes; the caller commits."""
    old = sessions.get_token(session, token_id=principal.token_id)
    if old is None or old.revoked:
        raise AuthenticationError("invalid or revoked token")
    token = issue_token(session, role=principal.role, contact_id=principal.contact_id,
                        staff_user_id=principal.staff_user_id if principal.is_staff else None, expires_at=expires_at)
    sessions.revoke_token(session, token=old)
    sessions.revoke_token_page_sessions(session, token_ids=[principal.token_id], now=_now())
    row = accounts.token_by_hash(session, token_hash=hash_token(token))
    assert row is not None
    return token, row


# --- page sessions --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionPolicy:
    """How long a page session lives: ``idle`` without a request, ``absolute`` after login."""

    idle: timedelta
    absolute: timedelta
    touch_every: timedelta = timedelta(seconds=60)
    """How often a session's ``last_seen_at`` is written (not on every request: a write per page view would
    queue behind agent turns on SQLite)."""

    @classmethod
    def of(cls, settings: Settings) -> SessionPolicy:
        """Return the policy of the settings (``session_idle_minutes``, ``session_absolute_hours``)."""
        return cls(idle=timedelta(minutes=settings.session_idle_minutes),
                   absolute=timedelta(hours=settings.session_absolute_hours))


def session_hash(session_id: str) -> str:
    """Return the hex SHA-256 of a page session id, the only form it is stored in."""
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def open_page_session(session: Session, principal: Principal, policy: SessionPolicy) -> str:
    """Open a page session for a principal that just logged in with its token; return the plain session id (for
    the cookie; stored only as its hash). Old ended sessions are cleaned up on the way. Flushes; the caller
    commits."""
    now = _now()
    session_id = new_secret()
    sessions.delete_stale_page_sessions(session, ended_before=now - timedelta(days=1))
    sessions.add_page_session(session, session_hash=session_hash(session_id), token_id=principal.token_id,
                              now=now, expires_at=now + policy.absolute)
    return session_id


def page_principal(session: Session, session_id: str | None, policy: SessionPolicy) -> Principal:
    """Return the principal of a page session, recording the request (at most once a ``touch_every``); raise
    :class:`AuthenticationError` when the session is unknown, logged out, idle too long or past its absolute
    end, or its token no longer works. Flushes a touch; the caller commits."""
    if not session_id:
        raise AuthenticationError("not logged in")
    row = sessions.page_session_by_hash(session, session_hash=session_hash(session_id))
    now = _now()
    if row is None or row.revoked_at is not None:
        raise AuthenticationError("not logged in (or logged out)")
    if now >= row.expires_at or now - row.last_seen_at >= policy.idle:
        raise AuthenticationError("the session has expired: log in again")
    principal = _principal(session, sessions.get_token(session, token_id=row.token_id), now)
    if now - row.last_seen_at >= policy.touch_every:
        sessions.touch_page_session(session, row=row, now=now)
    return principal


def close_page_session(session: Session, session_id: str | None) -> None:
    """End a page session (logout); an unknown or already ended one is left as it is. Flushes; the caller
    commits."""
    if not session_id:
        return
    row = sessions.page_session_by_hash(session, session_hash=session_hash(session_id))
    if row is not None:
        sessions.revoke_page_session(session, row=row, now=_now())


@dataclass(frozen=True)
class DemoToken:
    """A plain token printed by ``salesagent demo`` with who it logs in as."""

    role: Role
    token: str
    who: str
    company: str | None = None
    company_id: int | None = None


DEMO_STAFF = (("sales.demo", "Sales Demo", StaffRole.sales), ("admin.demo", "Admin Demo", StaffRole.admin))


def issue_demo_tokens(session: Session, *, customers: int = 2,
                      expires_at: datetime | None = None) -> list[DemoToken]:
    """Create fresh random tokens for the first contact of ``customers`` companies, a sales and an admin user
    (expiring at ``expires_at``; None: never).

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
        token = issue_token(session, role="customer", contact_id=contact.id, expires_at=expires_at)
        tokens.append(DemoToken(role="customer", token=token, who=f"contact {contact.id}",
                                company=company.name, company_id=company.id))
    for username, full_name, role in DEMO_STAFF:
        staff = accounts.staff_by_username(session, username=username) or accounts.add_staff(
            session, username=username, full_name=full_name, role=role)
        token = issue_token(session, role=role.value, staff_user_id=staff.id,  # type: ignore[arg-type]
                            expires_at=expires_at)
        tokens.append(DemoToken(role=role.value, token=token, who=username))  # type: ignore[arg-type]
    session.commit()
    return tokens
