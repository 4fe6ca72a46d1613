"""The architecture advisor: ``POST /advisor`` (JSON) and the page ``/ui/advisor`` (a short form or free text).

Open to anyone (a prospective operator has no account): it reads nothing of the shop and stores nothing. The page's
form is refused when posted from another site (``check_origin``); there is no session to protect."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from advisor import Advice, AdvisorRequest
from portal.deps import ResourcesDep, SettingsDep, check_origin
from portal.routes.pages import render
from portal.services import advisor as service

router = APIRouter(tags=["advisor"])
FormText = Annotated[str, Form(max_length=4000)]
FormField = Annotated[str, Form(max_length=32)]


@router.post("/advisor", response_model=Advice, responses={413: {}, 422: {}})
def post_advisor(body: AdvisorRequest, resources: ResourcesDep) -> Advice:
    """Which architecture to start with (static rules, collaborative filtering, embeddings with semantic search,
    or an agent with memory), why, what data is key, what to collect next and the expected effort, from the
    documented decision table. Free ``text`` is PII-masked before it is read; nothing is stored or logged."""
    return service.advice_for(resources, body)


@router.get("/ui/advisor", response_class=HTMLResponse, include_in_schema=False)
def advisor_page(request: Request) -> Response:
    """The advisor's form."""
    return render(request, "advisor.html", None, advice=None, form={}, choices=service.FORM_CHOICES)


@router.post("/ui/advisor", response_class=HTMLResponse, include_in_schema=False)
def advisor_send(request: Request, resources: ResourcesDep, settings: SettingsDep, text: FormText = "",
                 skus: FormField = "", descriptions: FormField = "", stability: FormField = "",
                 customers: FormField = "", segmentation: FormField = "", order_rows: FormField = "",
                 years: FormField = "", behaviour_collected: FormField = "", legal_basis: FormField = "") -> Response:
    """The form, filled as it was sent, with the advice under it (nothing of it is kept)."""
    check_origin(request, settings)
    form = {"skus": skus, "descriptions": descriptions, "stability": stability, "customers": customers,
            "segmentation": segmentation, "order_rows": order_rows, "years": years,
            "behaviour_collected": behaviour_collected, "legal_basis": legal_basis}
    advice = service.advice_for(resources, service.request_from_form(form | {"text": text}))
    return render(request, "advisor.html", None, advice=advice, form=form | {"text": text},
                  choices=service.FORM_CHOICES)
