"""Merchandising rules for staff (sales or admin): the API under ``/merchandising`` and the page
``/ui/merchandising`` (rules, their audit, a form for a new rule, the dry run)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from merchandising import RuleCreate, RuleList, RuleUpdate
from merchandising.models import DryRun, DryRunRequest
from portal.deps import FormChecked, PageStaff, ResourcesDep, RowId, SessionDep, StaffDep
from portal.routes.pages import render
from portal.services import merchandising as service
from portal.services.pages import parse_form

router = APIRouter(tags=["staff"])
STAFF_ERRORS: dict[int | str, dict[str, str]] = {401: {}, 403: {}}


@router.get("/merchandising/rules", response_model=RuleList, responses={**STAFF_ERRORS})
def get_rules(user: StaffDep, session: SessionDep, enabled: bool | None = None) -> RuleList:
    """Every merchandising rule, newest first (only enabled or disabled ones with ``enabled``)."""
    return service.list_rules(session, user, enabled=enabled)


@router.post("/merchandising/rules", response_model=service.RuleDetail, status_code=201,
             responses={**STAFF_ERRORS, 422: {}})
def post_rule(body: RuleCreate, user: StaffDep, session: SessionDep) -> service.RuleDetail:
    """Add a rule: pin a SKU at a position, boost or bury by SKU, brand, category or attribute with a weight, or
    hide; optional conditions (query is / contains, category, segment, surface), window and enabled flag."""
    return service.create_rule(session, user, body)


@router.get("/merchandising/rules/{rule_id}", response_model=service.RuleDetail,
            responses={**STAFF_ERRORS, 404: {}})
def get_rule(rule_id: RowId, user: StaffDep, session: SessionDep) -> service.RuleDetail:
    """One rule with its audit trail."""
    return service.rule_detail(session, user, rule_id)


@router.patch("/merchandising/rules/{rule_id}", response_model=service.RuleDetail,
              responses={**STAFF_ERRORS, 404: {}, 409: {"description": "stale expected_version"}, 422: {}})
def patch_rule(rule_id: RowId, body: RuleUpdate, user: StaffDep, session: SessionDep) -> service.RuleDetail:
    """Change fields of a rule (e.g. ``{"changes": {"enabled": false}, "expected_version": 1}``)."""
    return service.update_rule(session, user, rule_id, body)


@router.delete("/merchandising/rules/{rule_id}", response_model=service.DeletedRule,
               responses={**STAFF_ERRORS, 404: {}})
def delete_rule(rule_id: RowId, user: StaffDep, session: SessionDep) -> service.DeletedRule:
    """Delete a rule; its audit trail stays."""
    return service.delete_rule(session, user, rule_id)


@router.post("/merchandising/dry-run", response_model=DryRun, responses={**STAFF_ERRORS, 422: {}})
def post_dry_run(body: DryRunRequest, user: StaffDep, session: SessionDep, resources: ResourcesDep) -> DryRun:
    """A search's results without and with the rules (stored ones, or the draft ``rules`` given), nothing stored."""
    return service.preview(resources, session, user, body)


# --- the page ---------------------------------------------------------------------------------------------------


@router.get("/ui/merchandising", response_class=HTMLResponse, include_in_schema=False)
def merchandising_page(request: Request, user: PageStaff, session: SessionDep, resources: ResourcesDep,
                       query: str = "", segment: str = "") -> Response:
    """The rules with their audit trails, a form for a new rule, and the dry run of ``query``."""
    preview = None
    if query.strip():
        body = parse_form(DryRunRequest, query=query.strip()[:200], segment=segment.strip() or None)
        preview = service.preview(resources, session, user, body)
    listed = service.list_rules(session, user).data
    details = [service.rule_detail(session, user, r.id) for r in listed]
    return render(request, "merchandising.html", user, rules=details, preview=preview, query=query,
                  segment=segment)


Text = Annotated[str, Form(max_length=200)]


@router.post("/ui/merchandising/rules", dependencies=[FormChecked], include_in_schema=False)
def merchandising_add(user: PageStaff, session: SessionDep, name: Text, action: Text, target: Text, value: Text,
                      attribute: Text = "", position: Text = "", weight: Text = "", query_contains: Text = "",
                      query_is: Text = "", surface: Text = "", segment: Text = "", category: Text = "",
                      valid_from: Text = "", valid_to: Text = "", priority: Text = "") -> Response:
    """Add a rule from the page form (blank fields are left out), then back to the page."""
    fields = {"name": name, "action": action, "target": target, "value": value, "attribute": attribute,
              "position": position, "weight": weight, "query_contains": query_contains, "query_is": query_is,
              "surface": surface, "segment": segment, "category": category, "valid_from": valid_from,
              "valid_to": valid_to, "priority": priority}
    body = parse_form(RuleCreate, **{k: v.strip() for k, v in fields.items() if v.strip()})
    service.create_rule(session, user, body)
    return RedirectResponse("/ui/merchandising", status_code=303)


@router.post("/ui/merchandising/rules/{rule_id}/toggle", dependencies=[FormChecked], include_in_schema=False)
def merchandising_toggle(rule_id: RowId, user: PageStaff, session: SessionDep,
                         enabled: Annotated[bool, Form()], expected_version: Annotated[int, Form(ge=1)]) -> Response:
    """Enable or disable a rule from the page (audited), then back to the page."""
    service.update_rule(session, user, rule_id, RuleUpdate(changes={"enabled": enabled},
                                                           expected_version=expected_version))
    return RedirectResponse("/ui/merchandising", status_code=303)


@router.post("/ui/merchandising/rules/{rule_id}/delete", dependencies=[FormChecked], include_in_schema=False)
def merchandising_delete(rule_id: RowId, user: PageStaff, session: SessionDep) -> Response:
    """Delete a rule from the page (audited), then back to the page."""
    service.delete_rule(session, user, rule_id)
    return RedirectResponse("/ui/merchandising", status_code=303)
