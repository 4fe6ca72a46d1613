"""The server-rendered pages through the test client: login, cookies, form tokens, boundaries (the browser test
drives the full flow in Chromium)."""

from __future__ import annotations

import re

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
    page = customer.get("/ui/chat").text  # a company with no country and no chat yet: the page is in Polish
    assert 'id="account"' in page and "Profilowanie jest <strong>włączone</strong>" in page
    r = customer.post("/ui/profiling", data={"opt_out": "true", "csrf": _csrf(page)})
    assert r.status_code == 303 and r.headers["location"] == "/ui/chat#account"
    page = customer.get("/ui/chat").text
    assert "Profilowanie jest <strong>wyłączone</strong>" in page and 'name="opt_out" value="false"' in page
    with Session(world.engine) as s:
        company = s.get(Company, company_id)
        assert company is not None and company.profiling_opt_out
    assert customer.post("/ui/profiling", data={"opt_out": "false", "csrf": _csrf(page)}).status_code == 303
    assert "Profilowanie jest <strong>włączone</strong>" in customer.get("/ui/chat").text
    r = customer.post("/ui/profiling", data={"opt_out": "true"})
    assert r.status_code == 422 and "csrf: Field required" in r.text
    r = customer.post("/ui/profiling", data={"opt_out": "maybe", "csrf": _csrf(page)})
    assert r.status_code == 422


# --- the chat page (issue 21 item 6): the conversation, the customer's language, offers in words -------------------


def _chat(customer, page: str, message: str) -> str:  # type: ignore[no-untyped-def]
    conversation = re.search(r'name="conversation_id" value="([^"]*)"', page)
    r = customer.post("/ui/chat", data={"csrf": _csrf(page), "message": message,
                                        "conversation_id": conversation.group(1) if conversation else ""})
    assert r.status_code == 200, r.text
    return r.text


def test_chat_page_shows_the_whole_conversation_in_polish(app, new_customer) -> None:  # type: ignore[no-untyped-def]
    token, _, _ = new_customer(country="PL")
    customer = _login(app, token)
    page = customer.get("/ui/chat").text
    assert '<html lang="pl">' in page and ">Wyślij</button>" in page and "Twoja wiadomość" in page
    assert ">Czat</a>" in page and ">Wyloguj</button>" in page  # the header in the customer's language too
    page = _chat(customer, page, "Szukam wyłącznika S201 B16")
    page = _chat(customer, page, "Jakie akcesoria do RN-12?")
    assert '<html lang="pl">' in page
    assert page.count('class="turn"') == 2
    assert "Szukam wyłącznika S201 B16" in page and "Jakie akcesoria do RN-12?" in page
    assert "planner" not in page and "answered_by" not in page
    assert "18,49\xa0zł netto" in page  # the card's price in the Polish format
    assert "Odpowiedzi i rekomendacje w tym czacie generuje" in page.split('id="conversation"')[0]  # the disclosure: once, on top
    assert "Odpowiedzi i rekomendacje w tym czacie generuje" not in page.split('id="conversation"')[1]
    turn = page.split('id="answer"')[1]
    assert '<details class="why-inline"' in turn and 'class="premise"' in turn
    for sku in re.findall(r'<li class="rec" data-sku="([^"]+)"', turn):  # each product once: its card, no line
        assert f"({sku}), " not in turn, sku
    conversation_id = re.search(r'name="conversation_id" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    again = customer.get("/ui/chat", params={"conversation_id": conversation_id}).text
    assert again.count('class="turn"') == 2 and '<html lang="pl">' in again
    fresh = customer.get("/ui/chat").text
    assert 'class="turn"' not in fresh and f'href="/ui/chat?conversation_id={conversation_id}"' in fresh


def test_chat_page_of_someone_elses_conversation(app, tokens, new_customer) -> None:  # type: ignore[no-untyped-def]
    customer = _login(app, tokens["a"])
    page = _chat(customer, customer.get("/ui/chat").text, "I need a LED panel")
    assert '<html lang="en">' in page and ">Send</button>" in page and "119.00\xa0PLN net" in page
    conversation_id = re.search(r'name="conversation_id" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    other = _login(app, new_customer()[0])
    r = other.get("/ui/chat", params={"conversation_id": conversation_id})
    assert r.status_code == 403 and "belongs to another company" in r.text
    r = other.get("/ui/chat", params={"conversation_id": "00000000-0000-0000-0000-000000000000"})
    assert r.status_code == 404


def test_offers_in_words(app, world, new_customer) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import Session

    from guardrails.approvals import decide, request_price_change
    from store.models import StaffUser

    token, company_id, _ = new_customer(country="PL")
    with Session(world.engine) as s:
        pending = request_price_change(s, company_id=company_id, conversation_id=None, skus=["S201-B16"],
                                       kind="discount", proposed_change={"discount_percent": 10, "quantity": 100},
                                       reason="project").id
        approved = request_price_change(s, company_id=company_id, conversation_id=None, skus=["RN-24"],
                                        kind="quote", proposed_change={"quantity": 5}, reason="project").id
        decide(s, approval_id=approved, staff=s.get(StaffUser, world.ids.staff_id), approve=True,
               approved_unit_price="139.90")
    page = _login(app, token).get("/ui/chat").text
    offers = page.split('id="offers"')[1].split('id="account"')[0]
    assert "Rabat 10% na Miniature circuit breaker S201 B16 1P 16A (S201-B16) przy zakupie 100 sztuk" in offers
    assert "oczekuje" in offers and "Oczekuje na decyzję działu handlowego" in offers
    assert "Wycena: Surface distribution board 24 modules IP40 (RN-24) przy zakupie 5 sztuk" in offers
    assert "139,90\xa0zł za sztukę netto, ważne do " in offers and "zatwierdzone" in offers
    assert "discount_percent" not in offers and "proposed" not in offers and "UTC" not in offers
    assert f'data-approval="{pending}"' in offers and f'data-approval="{approved}"' in offers
