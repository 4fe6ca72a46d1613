"""What a surface calls when it shows a list of recommendations: one ``impression`` per item, with the list's
``rec_request_id``, the item's position and the surface, in the caller's transaction (the chat turn writes them
with its Recommendation rows, the widget with its own)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlmodel import Session

from measurement.experiment import arm_of
from store import measurement as store
from store.models import Company

SURFACES = ("chat", "widget", "email", "home")  # home: the personalised portal home (issue 24)


def new_request_id() -> str:
    """Return a fresh ``rec_request_id`` (a UUID4 string)."""
    return str(uuid.uuid4())


def widget_session(company: Company, at: datetime | None = None) -> str:
    """Return the session id of a widget impression: ``widget:<company>:<UTC day>``. The widget API is called
    without the shop's session id, so a company's widget views of one day count as one session."""
    day = (at or datetime.now(UTC)).astimezone(UTC).date().isoformat()
    return f"widget:{company.external_id}:{day}"[:64]


def record_impressions(session: Session, *, company: Company, session_id: str, surface: str, skus: Sequence[str],
                       rec_request_id: str | None = None, at: datetime | None = None) -> str | None:
    """Write one impression per shown SKU (positions from 1) with the arm the company is served in; return the
    list's ``rec_request_id`` (None when nothing was shown). Never commits: the caller's transaction holds it."""
    if not skus:
        return None
    if surface not in SURFACES:
        raise ValueError(f"unknown surface {surface!r}; one of {', '.join(SURFACES)}")
    request_id = rec_request_id or new_request_id()
    store.add_impressions(session, rec_request_id=request_id, session_id=session_id, company=company.external_id,
                          surface=surface, skus=list(skus), variant=arm_of(session, company, at=at), ts=at)
    return request_id
