"""Typed dependencies: settings and resources from the app (built once in the lifespan), one DB session per
request, the caller (bearer token for the API, a page session cookie plus form token for the pages), the
cross-site checks of page forms (Origin and form token) and the rate limits."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Form, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from core.config import Settings
from core.errors import PermissionDeniedError, StartingUpError
from portal.auth import (
    Customer,
    Principal,
    SessionPolicy,
    Staff,
    as_customer,
    as_staff,
    authenticate,
    csrf_for,
    page_principal,
)
from portal.ratelimit import RateLimits
from portal.schemas import DB_INT_MAX
from portal.services.gate import TurnGate
from tools.context import Resources

COOKIE_NAME = "salesagent_session"
"""The page session cookie: a random session id (HttpOnly, SameSite=Strict), never the API token."""

LOGIN_COOKIE = "salesagent_login"
"""The login form's nonce (HttpOnly, SameSite=Strict): the login form token is derived from it."""

RowId = Annotated[int, Path(ge=1, le=DB_INT_MAX, description="A row id (1 .. 2^31-1).")]
"""A row id in a path (``/approvals/{approval_id}``, ``/recommendations/{recommendation_id}/why``)."""

FormVersion = Annotated[int | None, Form(ge=0, le=DB_INT_MAX)]
"""``expected_version`` of a page form (the row's ``version`` column)."""

_bearer = HTTPBearer(auto_error=False, description="A customer or staff token (see `salesagent demo`).")


def get_settings_dep(request: Request) -> Settings:
    """Return the settings the app was created with."""
    return request.app.state.settings  # type: ignore[no-any-return]


def get_resources(request: Request) -> Resources:
    """Return the resources built once in the lifespan (engine, catalogue search, recommender, ...); 503 with
    ``Retry-After`` while a background start-up is still building them."""
    resources = request.app.state.resources
    if resources is None:
        startup = request.app.state.startup
        if startup is not None:
            raise startup.unavailable()
        raise StartingUpError("the portal has no resources (it is shutting down or was never started)")
    return resources  # type: ignore[no-any-return]


def get_turn_gate(request: Request) -> TurnGate:
    """Return the app's admission gate for agent turns."""
    return request.app.state.turn_gate  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
ResourcesDep = Annotated[Resources, Depends(get_resources)]
TurnGateDep = Annotated[TurnGate, Depends(get_turn_gate)]


def get_session(resources: ResourcesDep) -> Iterator[Session]:
    """Yield one session per request on the shared engine."""
    with Session(resources.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_principal(session: SessionDep,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
    """Return the caller of an API route from ``Authorization: Bearer``; 401 without a valid token."""
    return authenticate(session, credentials.credentials if credentials else None)


CurrentUser = Annotated[Principal, Depends(get_principal)]


def get_customer(principal: CurrentUser) -> Customer:
    """Return the caller as a customer contact; 403 for staff (the one role check of the customer routes)."""
    return as_customer(principal)


def get_staff(principal: CurrentUser, session: SessionDep) -> Staff:
    """Return the caller as a sales or admin user with its staff row; 403 for customers."""
    return as_staff(session, principal)


CustomerDep = Annotated[Customer, Depends(get_customer)]
StaffDep = Annotated[Staff, Depends(get_staff)]


# --- pages ------------------------------------------------------------------------------------------------------


def get_page_principal(request: Request, session: SessionDep, settings: SettingsDep) -> Principal:
    """Return the caller of a page from its session cookie (a 401 becomes a redirect to the login page)."""
    principal = page_principal(session, request.cookies.get(COOKIE_NAME), SessionPolicy.of(settings))
    session.commit()  # the session's last request, written at most once a minute
    return principal


PageUser = Annotated[Principal, Depends(get_page_principal)]


def get_page_customer(principal: PageUser) -> Customer:
    """Return a customer page caller; 403 for staff."""
    return as_customer(principal)


def get_page_staff(principal: PageUser, session: SessionDep) -> Staff:
    """Return a staff page caller with its staff row; 403 for customers."""
    return as_staff(session, principal)


PageCustomer = Annotated[Customer, Depends(get_page_customer)]
PageStaff = Annotated[Staff, Depends(get_page_staff)]

_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str | None:
    """Return ``scheme://host[:port]`` of a URL (default ports left out, host lower-cased), or None."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}" + ("" if port in (None, _DEFAULT_PORTS[parts.scheme]) else f":{port}")


def check_origin(request: Request, settings: Settings) -> None:
    """Refuse a form post whose ``Origin`` (or, without one, ``Referer``) is not the portal's own origin or one
    of ``trusted_origins``; ``Origin: null`` is refused too. A post with neither header is not a browser's
    cross-site post (browsers send ``Origin`` on every POST) and is left to the form token."""
    origin = request.headers.get("origin")
    referer = request.headers.get("referer")
    if origin is None and referer is None:
        return
    seen = origin_of(origin) if origin is not None else origin_of(referer or "")
    allowed = {origin_of(str(request.base_url)), *(origin_of(o) for o in settings.trusted_origins)}
    if seen is None or seen not in allowed:
        raise PermissionDeniedError("refused a form posted from another site; open the portal's own page")


def verify_form(request: Request, settings: SettingsDep, csrf: Annotated[str, Form(max_length=64)]) -> None:
    """Refuse a page form posted from another site or whose token does not match the session cookie."""
    check_origin(request, settings)
    session_id = request.cookies.get(COOKIE_NAME) or ""
    if not session_id or not hmac.compare_digest(csrf, csrf_for(session_id)):
        raise PermissionDeniedError("the form has expired; reload the page")


def verify_login_form(request: Request, settings: SettingsDep, csrf: Annotated[str, Form(max_length=64)]) -> None:
    """Refuse a login posted from another site or without the token of the login form this browser loaded (its
    nonce cookie): nobody can log a victim into the attacker's account."""
    check_origin(request, settings)
    nonce = request.cookies.get(LOGIN_COOKIE) or ""
    if not nonce or not hmac.compare_digest(csrf, csrf_for(nonce)):
        raise PermissionDeniedError("the form has expired; reload the page")


FormChecked = Depends(verify_form)
LoginFormChecked = Depends(verify_login_form)


# --- rate limits ------------------------------------------------------------------------------------------------


def get_rate_limits(request: Request) -> RateLimits:
    """Return the app's rate limits (built once from the settings)."""
    return request.app.state.rate_limits  # type: ignore[no-any-return]


RateLimitsDep = Annotated[RateLimits, Depends(get_rate_limits)]


def client_ip(request: Request) -> str:
    """Return the client's address (behind a proxy: uvicorn's ``--proxy-headers`` puts the forwarded one here)."""
    return request.client.host if request.client else "unknown"


def limit_login(request: Request, limits: RateLimitsDep) -> None:
    """Count a login attempt of the client's address (429 when its window is full)."""
    limits.hit("login_ip", client_ip(request))


def limit_chat(request: Request, user: CustomerDep, limits: RateLimitsDep) -> None:
    """Count an API chat message against the token and the client's address."""
    limits.hit_all([("chat_token", str(user.principal.token_id)), ("chat_ip", client_ip(request))])


def limit_page_chat(request: Request, user: PageCustomer, limits: RateLimitsDep) -> None:
    """Count a chat page message against the session's token and the client's address."""
    limits.hit_all([("chat_token", str(user.principal.token_id)), ("chat_ip", client_ip(request))])


LoginLimited = Depends(limit_login)
ChatLimited = Depends(limit_chat)
PageChatLimited = Depends(limit_page_chat)
