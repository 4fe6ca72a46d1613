"""Follow-up e-mails (issue 19): the public links of the e-mail and the staff page.

Public (the token in the path is the credential; a bad one is 404):
``GET /ui/email/c/{token}`` records the click and redirects to the product (the target comes from the settings
and the e-mail's own SKU, never from the request); ``GET /ui/email/u/{token}`` is the unsubscribe confirmation
page and ``POST`` to the same URL unsubscribes, as RFC 8058's one-click (``List-Unsubscribe=One-Click``, sent by
mail providers without cookies or Origin) or the page's button; ``GET /ui/email/why/{token}`` is "why these
products?"; ``GET /ui/email/p/{sku}`` the product page a link lands on when no shop URL is configured.

Staff: ``GET /ui/followups`` (dry run with previews and skip reasons, outbox states, e-mail KPIs),
``GET /ui/followups/{id}`` (one row's e-mail), ``GET /followups/plan`` and ``GET /followups/kpi`` (JSON).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from followups.kpi import EmailKpis
from followups.models import PlannedFollowup
from followups.render import stylesheet
from portal.deps import PageStaff, RowId, SessionDep, SettingsDep, StaffDep
from portal.routes.pages import render
from portal.services import followups as service

router = APIRouter()
Token = Annotated[str, Path(min_length=10, max_length=400, pattern=r"^[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+$",
                            description="The link's signed token.")]
At = Annotated[datetime | None, Query(description="Plan as if it were this time (default now; without an offset: "
                                                  "the shop's time zone).")]


@router.get("/ui/email/c/{token}", include_in_schema=False)
def click(token: Token, session: SessionDep, settings: SettingsDep) -> Response:
    """Record a click on a product link of a follow-up e-mail and redirect to the product."""
    return RedirectResponse(service.follow_link(session, settings, token), status_code=303)


@router.get("/ui/email/u/{token}", response_class=HTMLResponse, include_in_schema=False)
def unsubscribe_page(request: Request, token: Token, session: SessionDep, settings: SettingsDep) -> Response:
    """The unsubscribe confirmation page (nothing changes until its button is pressed)."""
    return render(request, "followups_unsubscribe.html", None,
                  page=service.unsubscribe_page(session, settings, token))


@router.post("/ui/email/u/{token}", response_class=HTMLResponse, include_in_schema=False)
def unsubscribe(request: Request, token: Token, session: SessionDep, settings: SettingsDep,
                one_click: Annotated[str | None, Form(alias="List-Unsubscribe", max_length=32)] = None) -> Response:
    """Unsubscribe: RFC 8058 one-click (``List-Unsubscribe=One-Click``) or the confirmation page's button."""
    page = service.unsubscribe(session, settings, token, one_click=one_click == "One-Click")
    return render(request, "followups_unsubscribe.html", None, page=page)


@router.get("/ui/email/why/{token}", response_class=HTMLResponse, include_in_schema=False)
def why(request: Request, token: Token, session: SessionDep, settings: SettingsDep) -> Response:
    """Why the e-mail showed these products, in numbers."""
    return render(request, "followups_why.html", None, why=service.why_page(session, settings, token))


@router.get("/ui/email/p/{sku}", response_class=HTMLResponse, include_in_schema=False)
def product(request: Request, sku: Annotated[str, Path(max_length=64)], session: SessionDep) -> Response:
    """A product's catalogue page (where a tracked link lands when no shop URL is configured)."""
    return render(request, "followups_product.html", None, **service.product_page(session, sku))


@router.get("/ui/followups/email.css", include_in_schema=False)
def email_css() -> Response:
    """The e-mail's stylesheet, for the previews (the page's CSP allows no inline style)."""
    return Response(stylesheet(), media_type="text/css")


@router.get("/ui/followups", response_class=HTMLResponse, include_in_schema=False)
def staff_page(request: Request, user: PageStaff, session: SessionDep, settings: SettingsDep,
               at: At = None) -> Response:
    """The follow-ups: the dry run up to ``at`` with rendered previews and skip reasons, the outbox, the KPIs."""
    return render(request, "followups.html", user, **service.staff_page(session, settings, user, at=at))


@router.get("/ui/followups/{row_id}", response_class=HTMLResponse, include_in_schema=False)
def row_page(request: Request, row_id: RowId, user: PageStaff, session: SessionDep, settings: SettingsDep) -> Response:
    """One outbox row and its e-mail."""
    return render(request, "followups_row.html", user, **service.row_preview(session, settings, user, row_id))


@router.get("/followups/plan", response_model=list[PlannedFollowup], tags=["staff"], responses={401: {}, 403: {}})
def get_plan(user: StaffDep, session: SessionDep, settings: SettingsDep, at: At = None) -> list[PlannedFollowup]:
    """The dry run: who would get a follow-up e-mail for an abandoned visit and why, or why not."""
    return service.plan_lines(session, settings, user, at=at)


@router.get("/followups/kpi", response_model=EmailKpis, tags=["staff"], responses={401: {}, 403: {}, 422: {}})
def get_kpi(user: StaffDep, session: SessionDep,
            date_from: Annotated[date | None, Query(alias="from")] = None,
            date_to: Annotated[date | None, Query(alias="to")] = None) -> EmailKpis:
    """The follow-ups' e-mail CTR and the intent-to-treat comparison of eligible treatment and control visits."""
    return service.kpis(session, user, start=date_from, end=date_to)
