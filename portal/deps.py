"""Typed dependencies: settings and resources from the app (built once in the lifespan), one DB session per
request, and the caller (bearer token for the API, HttpOnly cookie plus form token for the pages)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from core.config import Settings
from core.errors import PermissionDeniedError
from portal.auth import Customer, Principal, Staff, as_customer, as_staff, authenticate, csrf_for
from portal.services.gate import TurnGate
from tools.context import Resources

COOKIE_NAME = "salesagent_token"

_bearer = HTTPBearer(auto_error=False, description="A customer or staff token (see `salesagent demo`).")


def get_settings_dep(request: Request) -> Settings:
    """Return the settings the app was created with."""
    return request.app.state.settings  # type: ignore[no-any-return]


def get_resources(request: Request) -> Resources:
    """Return the resources built once in the lifespan (engine, catalogue search, recommender, ...)."""
    return request.app.state.resources  # type: ignore[no-any-return]


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


def get_page_principal(request: Request, session: SessionDep) -> Principal:
    """Return the caller of a page from the login cookie (a 401 becomes a redirect to the login page)."""
    return authenticate(session, request.cookies.get(COOKIE_NAME))


PageUser = Annotated[Principal, Depends(get_page_principal)]


def get_page_customer(principal: PageUser) -> Customer:
    """Return a customer page caller; 403 for staff."""
    return as_customer(principal)


def get_page_staff(principal: PageUser, session: SessionDep) -> Staff:
    """Return a staff page caller with its staff row; 403 for customers."""
    return as_staff(session, principal)


PageCustomer = Annotated[Customer, Depends(get_page_customer)]
PageStaff = Annotated[Staff, Depends(get_page_staff)]


def verify_form(request: Request, csrf: Annotated[str, Form(max_length=64)]) -> None:
    """Refuse a page form whose token does not match the login cookie (cross-site form posts)."""
    token = request.cookies.get(COOKIE_NAME) or ""
    if not token or csrf != csrf_for(token):
        raise PermissionDeniedError("the form has expired; reload the page")


FormChecked = Depends(verify_form)
