"""The server-rendered pages through the test client: login, cookies, form tokens, boundaries (the browser test
drives the full flow in Chromium)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from page_client import csrf_of as _csrf
from page_client import login as _login
from page_client import page_client

from portal.deps import COOKIE_NAME


def test_login_page_and_bad_token(app) -> None:  # type: ignore[no-untyped-def]
    c = page_client(app)
    r = c.get("/")
    assert r.status_code == 200 and 'id="login-form"' in r.text
    csrf = _csrf(r.text)
    r = c.post("/ui/login", data={"token": "sac_wrong", "csrf": csrf})
    assert r.status_code == 401 and "Unknown, revoked or expired token." in r.text
    assert COOKIE_NAME not in r.cookies
    r = c.post("/ui/login", data={"token": "sac_wrong", "csrf": _csrf(r.text)})  # the form again: retry works
    assert r.status_code == 401
    r = c.post("/ui/login", data={"csrf": csrf})
    assert r.status_code == 422 and "token: Field required" in r.text


def test_customer_login_sets_a_strict_httponly_cookie(app, tokens) -> None:  # type: ignore[no-untyped-def]
    c = page_client(app)
    r = c.post("/ui/login", data={"token": tokens["a"], "csrf": _csrf(c.get("/").text)})
    assert r.status_code == 303 and r.headers["location"] == "/ui/home"
    cookie = next(v for v in r.headers.get_list("set-cookie") if v.startswith(f"{COOKIE_NAME}="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert c.get("/").headers["location"] == "/ui/home"
    page = c.get("/ui/chat")
    assert page.status_code == 200
    assert 'id="ai-disclosure"' in page.text and 'id="chat-form"' in page.text
    assert c.post("/ui/logout", data={"csrf": _csrf(page.text)}).headers["location"] == "/"


def test_pages_without_a_cookie_go_to_login(app) -> None:  # type: ignore[no-untyped-def]
    c = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    for path in ("/ui/chat", "/ui/staff", "/ui/recommendations/1/why"):
        r = c.get(path)
        assert r.status_code == 303 and r.headers["location"] == "/", path


def test_roles_on_pages(app, tokens) -> None:  # type: ignore[no-untyped-def]
    customer = _login(app, tokens["a"])
    r = customer.get("/ui/staff")
    assert r.status_code == 403 and "the sales role is required" in r.text
    staff = _login(app, tokens["sales"])
    assert staff.get("/").headers["location"] == "/ui/staff"
    r = staff.get("/ui/chat")
    assert r.status_code == 403 and "this route is for customer accounts" in r.text
    assert staff.get("/ui/staff").status_code == 200
    assert staff.get("/ui/staff", params={"show": "all"}).status_code == 200
    assert staff.get("/ui/staff", params={"status": "nope"}).status_code == 422


def test_why_page_boundaries(app, client, tokens, h) -> None:  # type: ignore[no-untyped-def]
    theirs = client.get("/recommendations", headers=h["b"]).json()["data"][0]["recommendation_id"]
    mine = client.get("/recommendations", headers=h["a"]).json()["data"][0]["recommendation_id"]
    customer = _login(app, tokens["a"])
    r = customer.get(f"/ui/recommendations/{mine}/why")
    assert r.status_code == 200 and 'class="premise"' in r.text
    r = customer.get(f"/ui/recommendations/{theirs}/why")
    assert r.status_code == 403 and f"recommendation {theirs} belongs to another company" in r.text
    r = customer.get("/ui/recommendations/555555/why")
    assert r.status_code == 404 and "recommendation 555555 not found" in r.text


def test_forms_need_the_form_token(app, tokens) -> None:  # type: ignore[no-untyped-def]
    customer = _login(app, tokens["a"])
    r = customer.post("/ui/chat", data={"message": "hi"})
    assert r.status_code == 422 and "csrf: Field required" in r.text
    r = customer.post("/ui/chat", data={"message": "hi", "csrf": "0" * 32})
    assert r.status_code == 403 and "the form has expired" in r.text
    staff = _login(app, tokens["sales"])
    r = staff.post("/ui/approvals/1/approve", data={"csrf": "f" * 32})
    assert r.status_code == 403


def test_reject_form_needs_a_note(app, tokens, world) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import Session

    from guardrails.approvals import request_price_change

    with Session(world.engine) as s:
        approval_id = request_price_change(s, company_id=world.ids.company_b, conversation_id=None,
                                           skus=["RN-24"], kind="quote", proposed_change={"quantity": 50},
                                           reason="project").id
    staff = _login(app, tokens["sales"])
    csrf = _csrf(staff.get("/ui/staff").text)
    r = staff.post(f"/ui/approvals/{approval_id}/reject", data={"csrf": csrf, "note": " "})
    assert r.status_code == 422 and "a note is required to reject" in r.text
    r = staff.post(f"/ui/approvals/{approval_id}/reject", data={"csrf": csrf, "note": "no stock for 50"})
    assert r.status_code == 303 and r.headers["location"] == f"/ui/staff?done={approval_id}"
    r = staff.post(f"/ui/approvals/{approval_id}/approve", data={"csrf": csrf})
    assert r.status_code == 409 and f"price approval {approval_id} is already rejected" in r.text


def test_chat_form_message_over_the_limit(app, tokens, world) -> None:  # type: ignore[no-untyped-def]
    customer = _login(app, tokens["a"])
    csrf = _csrf(customer.get("/ui/chat").text)
    r = customer.post("/ui/chat", data={"csrf": csrf, "message": "y" * (world.settings.max_message_chars + 1)})
    assert r.status_code == 413 and "the limit is" in r.text


def test_account_section_switches_profiling(app, new_customer, world) -> None:  # type: ignore[no-untyped-def]
    """The AI disclosure names "account settings" for opting out of profiling: the chat page has them."""
    from sqlmodel import Session

    from store.models import Company

    token, company_id, _ = new_customer()
    customer = _login(app, token)
    page = customer.get("/ui/chat").text
    assert 'id="account"' in page and "Profiling is <strong>on</strong>" in page
    r = customer.post("/ui/profiling", data={"opt_out": "true", "csrf": _csrf(page)})
    assert r.status_code == 303 and r.headers["location"] == "/ui/chat#account"
    page = customer.get("/ui/chat").text
    assert "Profiling is <strong>off</strong>" in page and 'name="opt_out" value="false"' in page
    with Session(world.engine) as s:
        company = s.get(Company, company_id)
        assert company is not None and company.profiling_opt_out
    assert customer.post("/ui/profiling", data={"opt_out": "false", "csrf": _csrf(page)}).status_code == 303
    assert "Profiling is <strong>on</strong>" in customer.get("/ui/chat").text
    r = customer.post("/ui/profiling", data={"opt_out": "true"})
    assert r.status_code == 422 and "csrf: Field required" in r.text
    r = customer.post("/ui/profiling", data={"opt_out": "maybe", "csrf": _csrf(page)})
    assert r.status_code == 422
