"""Server-rendered pages: token login, the customer chat page, the "why?" page and the staff approval queue.

Logging in with a token opens a server-side page session; its random id (never the token) is the HttpOnly,
SameSite=Strict cookie. Every form carries a token derived from that cookie (the login form: from a nonce
cookie set with the form), and a post whose Origin is another site is refused (``verify_form``,
``verify_login_form``). Logout ends the session. They call the same services as the API.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

import messages
from core.config import Settings
from portal import services
from portal.auth import Customer, Principal, Staff, csrf_for, new_secret
from portal.deps import (
    COOKIE_NAME,
    LOGIN_COOKIE,
    FormChecked,
    FormVersion,
    LoginFormChecked,
    LoginLimited,
    PageChatLimited,
    PageCustomer,
    PageStaff,
    PageUser,
    RateLimitsDep,
    ResourcesDep,
    RowId,
    SessionDep,
    SettingsDep,
    TurnGateDep,
    client_ip,
)
from portal.schemas import DB_INT_MAX, ApproveRequest, ChatRequest, OptOutRequest, RejectRequest
from portal.services.chat_page import ChatView, chat_view, why_view
from portal.services.pages import current_page_user, decided_banner, end_session, start_session
from store.models import ApprovalStatus

router = APIRouter(include_in_schema=False)
LOGIN_FORM_MAX_AGE = 3600


def render(request: Request, name: str, caller: Principal | Customer | Staff | None, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    """Return a rendered template with the caller and its form token (from the session cookie) in the context."""
    session_id = request.cookies.get(COOKIE_NAME) or ""
    principal = caller.principal if isinstance(caller, Customer | Staff) else caller
    base = {"user": principal, "csrf": csrf_for(session_id) if session_id and principal else ""}
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, name, base | context, status_code=status_code)


def _login_form(request: Request, status_code: int = 200, error: str | None = None) -> HTMLResponse:
    """The login form with its form token, setting the nonce cookie it is derived from when there is none."""
    nonce = request.cookies.get(LOGIN_COOKIE) or new_secret()
    response = render(request, "login.html", None, status_code=status_code, error=error, csrf=csrf_for(nonce))
    if request.cookies.get(LOGIN_COOKIE) != nonce:
        response.set_cookie(LOGIN_COOKIE, nonce, max_age=LOGIN_FORM_MAX_AGE, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")
    return response


@router.get("/", response_class=HTMLResponse)
def login_page(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """The token login form (or straight to the caller's page when its session is live)."""
    principal = current_page_user(session, settings, request.cookies.get(COOKIE_NAME))
    if principal is not None:
        return RedirectResponse(services.home_for(principal), status_code=303)
    return _login_form(request)


@router.post("/ui/login", response_class=HTMLResponse, dependencies=[LoginLimited, LoginFormChecked])
def login(request: Request, session: SessionDep, settings: SettingsDep,
          token: Annotated[str, Form(max_length=200)]) -> Response:
    """Check a pasted token, open a page session (its id is the cookie) and go to the customer or staff page."""
    principal = services.try_login(session, token.strip())
    if principal is None:
        return _login_form(request, status_code=401, error="Unknown, revoked or expired token.")
    session_id = start_session(session, settings, principal, previous=request.cookies.get(COOKIE_NAME))
    response = RedirectResponse(services.home_for(principal), status_code=303)
    response.set_cookie(COOKIE_NAME, session_id, max_age=int(settings.session_absolute_hours * 3600),
                        httponly=True, samesite="strict", secure=request.url.scheme == "https")
    response.delete_cookie(LOGIN_COOKIE)
    return response


@router.post("/ui/logout", dependencies=[FormChecked])
def logout(request: Request, session: SessionDep) -> Response:
    """End the page session (a copied cookie stops working too) and forget the cookie."""
    end_session(session, request.cookies.get(COOKIE_NAME))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE_NAME)
    return response


def _chat(request: Request, user: Customer, session: Session, settings: Settings, view: ChatView) -> HTMLResponse:
    """The chat page of a view: the conversation, the form, the offers and the profiling switch."""
    return render(request, "chat.html", user, view=view, t=view.t, lang=view.lang, disclosure=view.disclosure,
                  conversation_id=view.conversation_id, max_chars=settings.max_message_chars,
                  profiling=services.profiling_state(session, user))


@router.get("/ui/chat", response_class=HTMLResponse)
def chat_page(request: Request, user: PageCustomer, session: SessionDep, resources: ResourcesDep,
              settings: SettingsDep,
              conversation_id: Annotated[str | None, Query(max_length=36)] = None) -> Response:
    """The chat in the customer's language: a new conversation, or (``?conversation_id=``) one of the
    customer's own with all its turns; the AI disclosure, and the company's price requests and offers."""
    view = chat_view(resources, session, user, conversation_id=conversation_id or None)
    return _chat(request, user, session, settings, view)


@router.post("/ui/chat", response_class=HTMLResponse, dependencies=[FormChecked, PageChatLimited])
def chat_send(request: Request, user: PageCustomer, session: SessionDep, resources: ResourcesDep,
              settings: SettingsDep, gate: TurnGateDep, limits: RateLimitsDep, message: Annotated[str, Form()],
              conversation_id: Annotated[str, Form(max_length=36)] = "") -> Response:
    """Send one message and show the conversation with the agent's answer last (its products, price requests)."""
    body = services.parse_form(ChatRequest, message=message, conversation_id=conversation_id)
    limits.before_turn(user.principal.token_id, client_ip(request), body.message)
    answer = services.chat(resources, session, user, body, gate=gate)
    limits.after_turn(user.principal.token_id, client_ip(request), answer.approvals)
    view = chat_view(resources, session, user, answer=answer, message=message)
    return _chat(request, user, session, settings, view)


@router.post("/ui/profiling", dependencies=[FormChecked])
def profiling_form(user: PageCustomer, session: SessionDep, resources: ResourcesDep,
                   opt_out: Annotated[bool, Form()]) -> Response:
    """The account section of the chat page: object to profiling or withdraw the objection (the "account
    settings" the AI disclosure names), then back to the chat."""
    services.set_profiling_opt_out(session, user, OptOutRequest(opt_out=opt_out))
    services.refresh_customer_model(resources, user)
    return RedirectResponse("/ui/chat#account", status_code=303)


@router.get("/ui/recommendations/{recommendation_id}/why", response_class=HTMLResponse)
def why_page(request: Request, recommendation_id: RowId, user: PageUser, session: SessionDep,
             settings: SettingsDep) -> Response:
    """Why one recommendation was made, in readable words (in the customer's language)."""
    view = why_view(session, user, recommendation_id, settings.shop_timezone)
    return render(request, "why.html", user, view=view, why=view.why, t=view.t, lang=view.lang)


def _staff_text(key: str, **values: Any) -> str:
    """A label of the staff page from the message catalogue (section ``staff_page``)."""
    return messages.render("staff_page", key, "en", **values)


def _staff_money(amount: Any, currency: str) -> str:
    return messages.money(amount, currency or "PLN", "en")


@router.get("/ui/staff", response_class=HTMLResponse)
def staff_page(request: Request, user: PageStaff, session: SessionDep,
               status: ApprovalStatus | None = ApprovalStatus.pending, show: str | None = None,
               done: Annotated[int | None, Query(ge=1, le=DB_INT_MAX)] = None) -> Response:
    """The approval queue (pending by default; ``?show=all`` for every status): per request its products with
    line totals and margin, the masked conversation that led to it and the audit trail in sentences; after a
    decision (``?done=<id>``) a confirmation."""
    wanted = None if show == "all" else status
    return render(request, "staff.html", user, approvals=services.staff_queue(session, user, wanted),
                  status=wanted.value if wanted else "all", statuses=[s.value for s in ApprovalStatus],
                  done=decided_banner(session, user, done), t=_staff_text, money=_staff_money)


@router.post("/ui/approvals/{approval_id}/approve", dependencies=[FormChecked])
def approve_form(approval_id: RowId, user: PageStaff, session: SessionDep,
                 note: Annotated[str, Form(max_length=1000)] = "", expected_version: FormVersion = None,
                 min_quantity: Annotated[str, Form(max_length=20)] = "") -> Response:
    """Approve from the staff page (optionally only for a minimum quantity), then back to the queue."""
    body = services.parse_form(ApproveRequest, note=note.strip() or None, expected_version=expected_version,
                               min_quantity=min_quantity.strip() or None)
    services.decide_approval(session, user, approval_id, approve=True, note=body.note,
                             expected_version=body.expected_version, min_quantity=body.min_quantity)
    return RedirectResponse(f"/ui/staff?done={approval_id}", status_code=303)


@router.post("/ui/approvals/{approval_id}/reject", dependencies=[FormChecked])
def reject_form(approval_id: RowId, user: PageStaff, session: SessionDep,
                note: Annotated[str, Form(max_length=1000)] = "", expected_version: FormVersion = None) -> Response:
    """Reject from the staff page (a note is required), then back to the queue."""
    body = services.parse_form(RejectRequest, note=note, expected_version=expected_version)
    services.decide_approval(session, user, approval_id, approve=False, note=body.note,
                             expected_version=body.expected_version)
    return RedirectResponse(f"/ui/staff?done={approval_id}", status_code=303)
