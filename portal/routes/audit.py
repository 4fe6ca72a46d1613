"""The equality audits for staff: the page ``/ui/audit`` (stored runs, the latest month's flags, groups, plots)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from portal.deps import PageStaff, SessionDep
from portal.routes.pages import render
from portal.schemas import DB_INT_MAX
from portal.services import audit as service

router = APIRouter(tags=["staff"])
Month = Annotated[str | None, Query(max_length=7, description="The audited month, YYYY-MM (default: the latest).")]
Run = Annotated[int | None, Query(ge=1, le=DB_INT_MAX, description="One stored run's id (default: the latest).")]


@router.get("/ui/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(request: Request, user: PageStaff, session: SessionDep, month: Month = None,
               run: Run = None) -> Response:
    """The equality audit page: the stored runs and one run's flags, overview, groups and disparities."""
    return render(request, "audit.html", user, **service.audit_page(session, user, month=month, run=run))
