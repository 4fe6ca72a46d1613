"""Server-rendered pages: token login, the customer chat page, the "why?" page and the staff approval queue.

Pages authenticate with an HttpOnly, SameSite=Strict cookie set at login; every form carries a token derived
from the cookie (``verify_form``). They call the same services as the API.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from portal import services
from portal.auth import Customer, Principal, Staff, csrf_for
from portal.deps import (
    COOKIE_NAME,
    FormChecked,
    PageCustomer,
    PageStaff,
    PageUser,
    ResourcesDep,
    SessionDep,
    SettingsDep,
    TurnGateDep,
)
from portal.schemas import ApproveRequest, ChatRequest, OptOutRequest, RejectRequest
from store.models import ApprovalStatus

router = APIRouter(include_in_schema=False)
COOKIE_MAX_AGE = 8 * 3600


def render(request: Request, name: str, caller: Principal | Customer | Staff | None, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    """Return a rendered template with the caller and its form token in the context."""
    token = request.cookies.get(COOKIE_NAME) or ""
    principal = caller.principal if isinstance(caller, Customer | Staff) else caller
    base = {"user": principal, "csrf": csrf_for(token) if token and principal else ""}
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, name, base | context, status_code=status_code)


@router.get("/", response_class=HTMLResponse)
def login_page(request: Request, session: SessionDep) -> Response:
    """The token login form (or straight to the caller's page when the cookie is valid)."""
    principal = services.try_login(session, request.cookies.get(COOKIE_NAME))
    if principal is not None:
        return RedirectResponse(services.home_for(principal), status_code=303)
    return render(request, "login.html", None, error=None)


@router.post("/ui/login", response_class=HTMLResponse)
def login(request: Request, session: SessionDep, token: Annotated[str, Form(max_length=200)]) -> Response:
    """Check a pasted token, set the cookie and go to the customer or staff page."""
    principal = services.try_login(session, token.strip())
    if principal is None:
        return render(request, "login.html", None, status_code=401, error="Unknown or revoked token.")
    response = RedirectResponse(services.home_for(principal), status_code=303)
    response.set_cookie(COOKIE_NAME, token.strip(), max_age=COOKIE_MAX_AGE, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    return response


@router.post("/ui/logout")
def logout() -> Response:
    """Forget the cookie."""
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE_NAME)
    return response


@router.get("/ui/chat", response_class=HTMLResponse)
def chat_page(request: Request, user: PageCustomer, session: SessionDep, settings: SettingsDep) -> Response:
    """The chat form, the AI disclosure, and the company's price requests and offers."""
    return render(request, "chat.html", user, answer=None, message="", conversation_id="",
                  offers=services.company_approvals(session, user).data, disclosure=services.disclosure_text(),
                  max_chars=settings.max_message_chars, profiling=services.profiling_state(session, user))


@router.post("/ui/chat", response_class=HTMLResponse, dependencies=[FormChecked])
def chat_send(request: Request, user: PageCustomer, session: SessionDep, resources: ResourcesDep,
              settings: SettingsDep, gate: TurnGateDep, message: Annotated[str, Form()],
              conversation_id: Annotated[str, Form(max_length=36)] = "") -> Response:
    """Send one message and show the agent's answer with its recommendations and price requests."""
    body = services.parse_form(ChatRequest, message=message, conversation_id=conversation_id)
    answer = services.chat(resources, session, user, body, gate=gate)
    return render(request, "chat.html", user, answer=answer, message=message,
                  conversation_id=answer.conversation_id, offers=services.company_approvals(session, user).data,
                  disclosure=answer.disclosure or services.disclosure_text(answer.language),
                  max_chars=settings.max_message_chars, profiling=services.profiling_state(session, user))


@router.post("/ui/profiling", dependencies=[FormChecked])
def profiling_form(user: PageCustomer, session: SessionDep, resources: ResourcesDep,
                   opt_out: Annotated[bool, Form()]) -> Response:
    """The account section of the chat page: object to profiling or withdraw the objection (the "account
    settings" the AI disclosure names), then back to the chat."""
    services.set_profiling_opt_out(session, user, OptOutRequest(opt_out=opt_out))
    services.refresh_customer_model(resources, user)
    return RedirectResponse("/ui/chat#account", status_code=303)


@router.get("/ui/recommendations/{recommendation_id}/why", response_class=HTMLResponse)
def why_page(request: Request, recommendation_id: int, user: PageUser, session: SessionDep) -> Response:
    """Why one recommendation was made, in readable words."""
    return render(request, "why.html", user, why=services.explain(session, user, recommendation_id))


@router.get("/ui/staff", response_class=HTMLResponse)
def staff_page(request: Request, user: PageStaff, session: SessionDep,
               status: ApprovalStatus | None = ApprovalStatus.pending, show: str | None = None) -> Response:
    """The approval queue (pending by default; ``?show=all`` for every status) with audit trails."""
    wanted = None if show == "all" else status
    return render(request, "staff.html", user, approvals=services.staff_queue(session, user, wanted),
                  status=wanted.value if wanted else "all", statuses=[s.value for s in ApprovalStatus])


@router.post("/ui/approvals/{approval_id}/approve", dependencies=[FormChecked])
def approve_form(approval_id: int, user: PageStaff, session: SessionDep,
                 note: Annotated[str, Form(max_length=1000)] = "",
                 expected_version: Annotated[int | None, Form()] = None) -> Response:
    """Approve from the staff page, then back to the queue."""
    body = services.parse_form(ApproveRequest, note=note.strip() or None, expected_version=expected_version)
    services.decide_approval(session, user, approval_id, approve=True, note=body.note,
                             expected_version=body.expected_version)
    return RedirectResponse(f"/ui/staff?done={approval_id}", status_code=303)


@router.post("/ui/approvals/{approval_id}/reject", dependencies=[FormChecked])
def reject_form(approval_id: int, user: PageStaff, session: SessionDep,
                note: Annotated[str, Form(max_length=1000)] = "",
                expected_version: Annotated[int | None, Form()] = None) -> Response:
    """Reject from the staff page (a note is required), then back to the queue."""
    body = services.parse_form(RejectRequest, note=note, expected_version=expected_version)
    services.decide_approval(session, user, approval_id, approve=False, note=body.note,
                             expected_version=body.expected_version)
    return RedirectResponse(f"/ui/staff?done={approval_id}", status_code=303)
