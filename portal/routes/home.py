"""The personalised home: ``GET /me/home`` (JSON) and ``/ui/home`` for a customer contact, and the staff
preview as any segment and role (``GET /staff/home/preview``, ``/ui/staff/home``)."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from personalisation import HomeFeatures, load_rules
from portal.deps import CustomerDep, PageCustomer, PageStaff, ResourcesDep, SessionDep, StaffDep
from portal.routes.pages import render
from portal.services import home as service

router = APIRouter(tags=["customer"])
LangQuery = Annotated[Literal["pl", "en"], Query(description="The page's language.")]
Industry = Annotated[str | None, Query(max_length=64, description="Preview as this industry.")]
SizeBand = Annotated[str | None, Query(max_length=32, description="Preview as this size band.")]
Funnel = Annotated[str | None, Query(max_length=32, description="Preview as this funnel stage.")]
Role = Annotated[str | None, Query(max_length=32, description="Preview as a contact of this role.")]
PREVIEW_ROLES = ("purchasing", "engineer", "owner", "site_manager", "accounting")
PREVIEW_SIZES = ("micro", "small", "medium", "large")
PREVIEW_FUNNEL = ("lead", "prospect", "customer", "churned")


@router.get("/me/home", response_model=service.HomePage, responses={401: {}, 403: {}, 422: {}})
def get_home(user: CustomerDep, session: SessionDep, resources: ResourcesDep, lang: LangQuery = "en",
             ) -> service.HomePage:
    """The caller's home page: sections in the order the rules give for its segment and role, in its role's
    words (control arm: the default order; objection to profiling: no history sections)."""
    return service.home_page(resources.recommender, session, user, lang=lang)


def _features(industry: str | None, size_band: str | None, funnel_stage: str | None,
              role: str | None) -> HomeFeatures:
    return HomeFeatures(industry=industry or None, size_band=size_band or None,
                        funnel_stage=funnel_stage or None, role=role or None)


@router.get("/staff/home/preview", response_model=service.HomePage, tags=["staff"],
            responses={401: {}, 403: {}, 422: {}})
def get_home_preview(user: StaffDep, session: SessionDep, resources: ResourcesDep, industry: Industry = None,
                     size_band: SizeBand = None, funnel_stage: Funnel = None, role: Role = None,
                     lang: LangQuery = "en") -> service.HomePage:
    """The home page a contact of this segment and role would see (staff only; writes nothing)."""
    return service.preview_page(resources.recommender, session,
                                _features(industry, size_band, funnel_stage, role), lang=lang)


@router.get("/ui/home", response_class=HTMLResponse, include_in_schema=False)
def home_page(request: Request, user: PageCustomer, session: SessionDep, resources: ResourcesDep,
              lang: Annotated[Literal["pl", "en"] | None, Query(description="The page's language.")] = None
              ) -> Response:
    """The customer's personalised home page, in the company's language unless ``lang`` names one."""
    lang = lang or service.customer_language(session, user)
    page = service.home_page(resources.recommender, session, user, lang=lang)
    return render(request, "home.html", user, page=page, lang=lang, preview_form=None, self_url="/ui/home?")


@router.get("/ui/staff/home", response_class=HTMLResponse, include_in_schema=False)
def home_preview_page(request: Request, user: PageStaff, session: SessionDep, resources: ResourcesDep,
                      industry: Industry = None, size_band: SizeBand = None, funnel_stage: Funnel = None,
                      role: Role = None, lang: LangQuery = "en") -> Response:
    """Staff preview of the home page as any segment and role."""
    features = _features(industry, size_band, funnel_stage, role)
    page = service.preview_page(resources.recommender, session, features, lang=lang)
    form = {"features": features, "roles": PREVIEW_ROLES, "sizes": PREVIEW_SIZES, "funnel": PREVIEW_FUNNEL,
            "industries": service.known_industries(session), "segment": service.segment_label(features, lang),
            "rules_version": load_rules().version}
    query = urlencode({k: v for k, v in features.model_dump().items() if v})
    return render(request, "home.html", user, page=page, lang=lang, preview_form=form,
                  self_url=f"/ui/staff/home?{query}&" if query else "/ui/staff/home?")
