"""Helpers of the server-rendered pages: login by token, form parsing, the staff queue with audit trails."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from core.errors import InputError
from guardrails.output_checks import DISCLOSURE_EN, DISCLOSURE_PL
from portal.auth import AuthenticationError, Principal, Staff, authenticate
from portal.errors import readable_validation_error
from portal.schemas import ApprovalDetail
from portal.services.approvals import approval_detail, list_approvals
from store.models import ApprovalStatus

M = TypeVar("M", bound=BaseModel)



def try_login(session: Session, token: str | None) -> Principal | None:
    """Return the principal of a pasted token, or None when it is unknown or revoked."""
    try:
        return authenticate(session, token)
    except AuthenticationError:
        return None


def home_for(principal: Principal) -> str:
    """Return the page a principal lands on after login."""
    return "/ui/staff" if principal.is_staff else "/ui/chat"


def parse_form(model: type[M], **fields: Any) -> M:
    """Return ``model`` built from form fields; a validation failure is an ``InputError`` (422) in plain words."""
    try:
        return model.model_validate(fields)
    except ValidationError as err:
        raise InputError(readable_validation_error(list(err.errors()))) from err


def staff_queue(session: Session, staff: Staff, status: ApprovalStatus | None) -> list[ApprovalDetail]:
    """Return the approvals of one status (all when None), each with its audit trail."""
    rows = list_approvals(session, staff, status).data
    return [approval_detail(session, staff, row.id) for row in rows]


def disclosure_text(language: str = "en") -> str:
    """Return the AI-disclosure line in the customer's language (the one the output checks require)."""
    return DISCLOSURE_PL if language == "pl" else DISCLOSURE_EN
