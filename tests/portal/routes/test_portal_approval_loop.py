"""The approval loop for both sides (issue 21 item 7): the staff page shows each request's products by name with
line totals at catalogue and proposed price, the margin, the masked conversation that led to it and the audit
trail in sentences; a decision shows a confirmation; the customer is told the decision (with its condition and
note) in the next reply of any conversation of the company, exactly once, and the offers list carries both."""

from __future__ import annotations

import html
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from page_client import csrf_of, login
from sqlmodel import Session, select

from guardrails.approvals import CENT
from store.models import AuditLog, PriceApproval, Product

EMAIL = "jan.kowalczyk@budowa-example.pl"


def _ask(client: TestClient, headers: dict[str, str], message: str, conversation_id: str | None = None
         ) -> dict[str, Any]:
    body: dict[str, Any] = {"message": message}
    if conversation_id:
        body["conversation_id"] = conversation_id
    r = client.post("/chat", json=body, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def _file_request(client: TestClient, headers: dict[str, str]) -> tuple[int, str]:
    """The customer asks in chat (with an e-mail address the store must only keep masked); return the request
    id and the conversation."""
    first = _ask(client, headers, f"Hello, I am buying for a site, write to {EMAIL}. Do you have S201-B16?")
    asked = _ask(client, headers, "Can I get a 10% discount on S201-B16 if I buy 100 pieces?", first["conversation_id"])
    tickets = asked["approvals"]
    assert tickets and tickets[0]["status"] == "pending", asked
    return int(tickets[0]["approval_id"]), asked["conversation_id"]


def _card(page: str, approval_id: int) -> str:
    start = page.index(f'id="approval-{approval_id}"')
    end = page.find("<article", start)
    return page[start:end if end > 0 else len(page)]


def _text(fragment: str) -> str:
    """The visible text of an HTML fragment (tags dropped, entities and no-break spaces made plain)."""
    import re

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).replace("\u00a0", " ").split())


def test_the_staff_page_shows_what_a_decider_weighs_and_confirms_the_decision(  # type: ignore[no-untyped-def]
        app, client: TestClient, tokens, world, new_customer) -> None:
    token, company_id, _ = new_customer()
    headers = {"Authorization": f"Bearer {token}"}
    approval_id, _conv = _file_request(client, headers)
    with Session(world.engine) as s:
        product = s.exec(select(Product).where(Product.sku == "S201-B16")).one()
        row = s.get(PriceApproval, approval_id)
        assert row is not None and row.proposed_change.get("quantity") == 100, row
    unit = Decimal(product.unit_price).quantize(CENT)
    proposed = (unit * Decimal(90) / 100).quantize(CENT)
    cost = Decimal(product.cost_price).quantize(CENT)

    staff = login(app, tokens["sales"])
    page = staff.get("/ui/staff")
    assert page.status_code == 200
    raw = _card(page.text, approval_id)
    card = _text(raw)
    assert product.name in card and "S201-B16" in card  # the catalogue name, not only the SKU
    assert f"{unit * 100:,.2f} PLN" in card and f"{proposed * 100:,.2f} PLN" in card  # line totals, 100 pieces
    assert f"{unit:.2f} PLN each" in card and f"{proposed:.2f} PLN each" in card
    margin = (proposed - cost) * 100
    assert f"{margin:,.2f} PLN ({((proposed - cost) / proposed * 100).quantize(Decimal('0.1'))} %)" in card
    assert "a discount of 10 % on" in card and "for 100 pieces" in card
    # the conversation that led to it, as stored: masked
    assert "Can I get a 10% discount on S201-B16 if I buy 100 pieces?" in card
    assert "Do you have S201-B16?" in card
    assert EMAIL not in page.text
    # the audit trail reads as sentences, never JSON
    audit = _text(raw[raw.index('class="audit"'):])
    assert "the assistant filed it for Fresh Company" in audit and "{" not in audit and "proposed_change" not in audit

    r = staff.post(f"/ui/approvals/{approval_id}/approve",
                   data={"csrf": csrf_of(page.text), "note": "OK for 50 pcs", "min_quantity": "50",
                         "expected_version": str(row.version)})
    assert r.status_code == 303 and r.headers["location"] == f"/ui/staff?done={approval_id}"
    after = staff.get(r.headers["location"]).text
    assert f"Request #{approval_id} approved — the customer will see it in their chat." in _text(after)
    assert f'id="approval-{approval_id}"' not in after  # no longer pending
    decided = _card(staff.get("/ui/staff", params={"status": "approved"}).text, approval_id)
    sentences = _text(decided[decided.index('class="audit"'):])
    assert f"sales.test approved it at {proposed:.2f} PLN per unit for 50 pieces or more with the note 'OK for 50 pcs'" \
        in sentences, sentences
    assert "{" not in sentences
    assert "Condition: for 50 pieces or more" in _text(decided)
    assert "The customer will be told in their next chat reply." in _text(decided)

    api = client.get(f"/approvals/{approval_id}", headers={"Authorization": f"Bearer {tokens['sales']}"}).json()
    assert api["min_quantity"] == 50 and api["lines"][0]["quantity"] == 100
    assert Decimal(api["lines"][0]["proposed_margin"]) == margin
    assert [m["role"] for m in api["excerpt"]] == ["user", "assistant", "user", "assistant"]
    assert all(EMAIL not in m["text"] for m in api["excerpt"])
    assert api["audit"][-1]["sentence"].endswith("with the note 'OK for 50 pcs'")
    assert company_id


def test_an_approval_with_a_condition_is_told_in_the_next_reply_exactly_once(  # type: ignore[no-untyped-def]
        app, client: TestClient, tokens, world, new_customer) -> None:
    token, _company_id, _ = new_customer()
    headers = {"Authorization": f"Bearer {token}"}
    approval_id, conv = _file_request(client, headers)
    r = client.post(f"/approvals/{approval_id}/approve", json={"note": "OK for 50 pcs", "min_quantity": 50},
                    headers={"Authorization": f"Bearer {tokens['sales']}"})
    assert r.status_code == 200, r.text
    with Session(world.engine) as s:
        price = s.get(PriceApproval, approval_id).approved_unit_price  # type: ignore[union-attr]
    # a new conversation of the same company, about something else: the reply tells the decision
    other = _ask(client, headers, "Do you have DIN rails?")
    reply = other["reply"]
    assert reply.count(f"#{approval_id}") == 1, reply
    assert reply.count("“OK for 50 pcs”") == 1 and "50 pieces or more" in reply, reply
    assert f"{price:.2f}\u00a0PLN" in reply, reply  # the approved price survives the output check
    # ... once: the next reply (this or the other conversation) does not repeat it
    again = _ask(client, headers, "and enclosures?", other["conversation_id"])
    assert f"#{approval_id}" not in again["reply"] and "OK for 50 pcs" not in again["reply"]
    assert f"#{approval_id}" not in _ask(client, headers, "thanks", conv)["reply"]
    with Session(world.engine) as s:
        row = s.get(PriceApproval, approval_id)
        assert row is not None and row.customer_notified_at is not None
        told = s.exec(select(AuditLog).where(AuditLog.entity == "price_approval",
                                             AuditLog.entity_id == str(approval_id),
                                             AuditLog.action == "price_approval.told")).all()
        assert len(told) == 1 and told[0].details["conversation_id"] == other["conversation_id"]
    # the chat page's offers list carries the note and the condition
    offer = next(o for o in client.get("/me/approvals", headers=headers).json()["data"] if o["id"] == approval_id)
    assert offer["note"] == "OK for 50 pcs" and offer["min_quantity"] == 50
    staff = login(app, tokens["sales"])
    card = _text(_card(staff.get("/ui/staff", params={"status": "approved"}).text, approval_id))
    assert "The customer was told in their chat on" in card
    assert "the assistant told the customer about the decision in their chat" in card


def test_a_rejection_is_told_once_with_its_note_on_the_chat_page_too(  # type: ignore[no-untyped-def]
        app, client: TestClient, tokens, new_customer) -> None:
    token, _company_id, _ = new_customer()
    headers = {"Authorization": f"Bearer {token}"}
    approval_id, _conv = _file_request(client, headers)
    staff = login(app, tokens["sales"])
    r = staff.post(f"/ui/approvals/{approval_id}/reject",
                   data={"csrf": csrf_of(staff.get("/ui/staff").text), "note": "below our purchase price"})
    assert r.status_code == 303
    assert f"Request #{approval_id} rejected — the customer will see it in their chat." in _text(
        staff.get(r.headers["location"]).text)
    customer = login(app, token)
    page = customer.get("/ui/chat")
    reply = _ask(client, headers, "Do you have DIN rails?")["reply"]
    assert reply.count(f"#{approval_id}") == 1 and reply.count("“below our purchase price”") == 1, reply
    assert "did not approve it, so the catalogue price applies" in reply
    assert "below our purchase price" not in _ask(client, headers, "and cable glands?")["reply"]
    # the page's own chat form gets the same hook (one more decision, told on the page)
    second, _ = _file_request(client, headers)
    staff.post(f"/ui/approvals/{second}/reject",
               data={"csrf": csrf_of(staff.get("/ui/staff").text), "note": "no stock until January"})
    shown = customer.post("/ui/chat", data={"csrf": csrf_of(page.text), "message": "Do you have DIN rails?"})
    assert shown.status_code == 200
    assert "no stock until January" in html.unescape(shown.text)


def test_a_bad_minimum_quantity_is_422_in_plain_words(  # type: ignore[no-untyped-def]
        app, client: TestClient, tokens, new_customer) -> None:
    token, _company_id, _ = new_customer()
    approval_id, _conv = _file_request(client, {"Authorization": f"Bearer {token}"})
    sales = {"Authorization": f"Bearer {tokens['sales']}"}
    message = "min_quantity: the minimum quantity must be a whole number of pieces from 1 to 1,000,000"
    for bad in (0, -3, 2.5, "fifty", True, 10_000_000):
        r = client.post(f"/approvals/{approval_id}/approve", json={"min_quantity": bad}, headers=sales)
        assert r.status_code == 422, (bad, r.text)
        assert r.json()["detail"] == message, (bad, r.json())
    staff = login(app, tokens["sales"])
    r = staff.post(f"/ui/approvals/{approval_id}/approve",
                   data={"csrf": csrf_of(staff.get("/ui/staff").text), "min_quantity": "0"})
    assert r.status_code == 422 and message in html.unescape(r.text)
    r = client.post(f"/approvals/{approval_id}/approve", json={"min_quantity": "20"}, headers=sales)
    assert r.status_code == 200 and r.json()["min_quantity"] == 20
