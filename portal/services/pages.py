"""Helpers of the server-rendered pages: login by token (opening a page session), logout (ending it), form
parsing, the staff queue with audit trails."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlmodel import Session

import messages
from core.config import Settings
from core.errors import InputError
from guardrails.output_checks import DISCLOSURE_EN, DISCLOSURE_PL
from portal.auth import (
    AuthenticationError,
    Principal,
    SessionPolicy,
    Staff,
    authenticate,
    close_page_session,
    open_page_session,
    page_principal,
)
from portal.errors import readable_validation_error
from portal.schemas import ApprovalDetail
from portal.services.approvals import approval_details, expire_due
from store import approvals as approval_rows
from store.models import ApprovalStatus

M = TypeVar("M", bound=BaseModel)


def try_login(session: Session, token: str | None) -> Principal | None:
    """Return the principal of a pasted token, or None when it is unknown, revoked or expired."""
    try:
        return authenticate(session, token)
    except AuthenticationError:
        return None


def current_page_user(session: Session, settings: Settings, session_id: str | None) -> Principal | None:
    """Return the principal of a page session cookie, or None when there is no live session."""
    try:
        principal = page_principal(session, session_id, SessionPolicy.of(settings))
    except AuthenticationError:
        return None
    session.commit()
    return principal


def start_session(session: Session, settings: Settings, principal: Principal, previous: str | None = None) -> str:
    """Open a page session for a principal that just logged in (ending the browser's ``previous`` one, if any:
    a login never keeps an old session id alive); return the session id for the cookie."""
    close_page_session(session, previous)
    session_id = open_page_session(session, principal, SessionPolicy.of(settings))
    session.commit()
    return session_id


def end_session(session: Session, session_id: str | None) -> None:
    """End a page session (logout): its cookie stops working even if it was copied."""
    close_page_session(session, session_id)
    session.commit()


def home_for(principal: Principal) -> str:
    """Return the page a principal lands on after login: staff the approval queue, a customer the personalised
    home (issue 24), which links to the chat."""
    return "/ui/staff" if principal.is_staff else "/ui/home"


def parse_form(model: type[M], **fields: Any) -> M:
    """Return ``model`` built from form fields; a validation failure is an ``InputError`` (422) in plain words."""
    try:
        return model.model_validate(fields)
    except ValidationError as err:
        raise InputError(readable_validation_error(list(err.errors()))) from err


def staff_queue(session: Session, staff: Staff, status: ApprovalStatus | None) -> list[ApprovalDetail]:
    """Return the approvals of one status (all when None), oldest first, each with its product lines, audit
    trail in sentences and conversation excerpt (a fixed number of queries for any length of queue)."""
    expire_due(session)
    rows = approval_rows.approvals(session, statuses=[status] if status is not None else None)
    return approval_details(session, rows)


def decided_banner(session: Session, staff: Staff, approval_id: int | None) -> dict[str, str] | None:
    """Return the confirmation shown after a decision (``?done=<id>``): its text and the decision, or None when
    there is no such request."""
    if approval_id is None:
        return None
    row = approval_rows.get_approval(session, approval_id=approval_id)
    if row is None:
        return None
    status = row.status.value
    key = {"approved": "done_approved", "rejected": "done_rejected"}.get(status, "done_other")
    return {"status": status, "text": messages.render("staff_page", key, "en", id=approval_id, status=status)}


def disclosure_text(language: str = "en") -> str:
    """Return the AI-disclosure line in the customer's language (the one the output checks require)."""
    return DISCLOSURE_PL if language == "pl" else DISCLOSURE_EN
