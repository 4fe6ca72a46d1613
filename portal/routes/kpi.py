"""Recommendation KPIs for staff: ``GET /kpi`` (the JSON of docs/measurement.md) and the page ``/ui/kpi``."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from measurement.models import KpiReport
from portal.deps import PageStaff, SessionDep, StaffDep
from portal.routes.pages import render
from portal.services import kpi as service

router = APIRouter(tags=["staff"])
From = Annotated[date | None, Query(alias="from", description="First day (UTC), YYYY-MM-DD.")]
To = Annotated[date | None, Query(alias="to", description="Last day included (UTC), YYYY-MM-DD.")]


@router.get("/kpi", response_model=KpiReport, responses={401: {}, 403: {}, 422: {}})
def get_kpi(user: StaffDep, session: SessionDep, date_from: From = None, date_to: To = None) -> KpiReport:
    """CTR per surface, conversion and revenue per session by arm with uplift, interval and p-value, the
    sample-ratio check and catalogue coverage, from the measurement log (staff and admin only)."""
    return service.kpi_report(session, user, start=date_from, end=date_to)


@router.get("/ui/kpi", response_class=HTMLResponse, include_in_schema=False)
def kpi_page(request: Request, user: PageStaff, session: SessionDep, date_from: From = None,
             date_to: To = None) -> Response:
    """The KPI page: headline figures, warnings and the four charts of the report."""
    return render(request, "kpi.html", user, **service.kpi_page(session, user, start=date_from, end=date_to))
