"""The approval loop in a real browser (headless Chromium via Playwright, against uvicorn serving the real agent
with the rule planner), at desktop (1280 px) and phone (390 px) width: a sales user reads a request with its
products by name, line totals, margin, the masked conversation and the audit trail in sentences, decides it
(approve with a minimum quantity and a note at one width, reject at the other), sees the confirmation; the
customer's next chat reply tells the decision. Screenshots go to /tmp/shots/ (``SHOTS``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from live_server import logged_in_page, serve
from portal_dataset import bearer

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHOTS = Path("/tmp/shots")


@pytest.fixture(scope="module")
def server(app: Any) -> Iterator[str]:
    yield from serve(app)


def _page(browser: Any, base: str, token: str, width: int) -> Any:
    return logged_in_page(browser, base, token, width)


def _no_sideways_scroll(page: Any, width: int) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px at {width} px"


@pytest.mark.parametrize("width", [1280, 390])
def test_staff_decide_a_request_and_the_customer_is_told(server: str, browser: Any, client: TestClient,
                                                         tokens: dict[str, str], new_customer: Any,
                                                         width: int) -> None:
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    token, _company_id, _ = new_customer()
    first = client.post("/chat", json={"message": "Do you have S201-B16? Write to ola.nowak@example.pl"},
                        headers=bearer(token)).json()
    asked = client.post("/chat", json={"message": "Can I get a 10% discount on S201-B16 if I buy 100 pieces?",
                                       "conversation_id": first["conversation_id"]}, headers=bearer(token)).json()
    approval_id = asked["approvals"][0]["approval_id"]

    staff = _page(browser, server, tokens["sales"], width)
    card = staff.locator(f"#approval-{approval_id}")
    expect(card.locator(".status")).to_have_text("pending")
    line = card.locator("tr.line[data-sku='S201-B16']")
    expect(line.locator(".name")).not_to_be_empty()
    expect(line.locator(".qty")).to_have_text("100")
    expect(line.locator(".catalogue strong")).to_contain_text("PLN")
    expect(line.locator(".proposed strong")).to_contain_text("PLN")
    expect(line.locator(".margin")).to_contain_text("%")
    expect(card.locator("ol.turns li.turn-user").last).to_contain_text("10% discount on S201-B16")
    expect(card.locator("ol.turns")).not_to_contain_text("ola.nowak@example.pl")  # stored masked
    audit = card.locator("details.audit li").first
    expect(audit).to_contain_text("the assistant filed it for Fresh Company")
    assert "{" not in card.locator("details.audit").inner_text()
    _no_sideways_scroll(staff, width)
    card.scroll_into_view_if_needed()
    card.screenshot(path=str(SHOTS / f"staff-request-{width}.png"))

    approve = width == 1280
    if approve:
        card.locator("form.decide-approve input[name=note]").fill("OK for 50 pcs")
        card.locator("form.decide-approve input[name=min_quantity]").fill("50")
        card.locator("button.approve").click()
    else:
        card.locator("form.decide-reject input[name=note]").fill("below our purchase price")
        card.locator("button.reject").click()
    expect(staff).to_have_url(f"{server}/ui/staff?done={approval_id}")
    verb = "approved" if approve else "rejected"
    expect(staff.locator("#done")).to_have_text(f"Request #{approval_id} {verb} — the customer will see it in "
                                                "their chat.")
    _no_sideways_scroll(staff, width)
    staff.screenshot(path=str(SHOTS / f"staff-done-{width}.png"))
    staff.goto(f"{server}/ui/staff?status={verb}")
    decided = staff.locator(f"#approval-{approval_id}")
    last = decided.locator("details.audit li").last
    if approve:
        expect(last).to_contain_text("sales.test approved it at")
        expect(last).to_contain_text("for 50 pieces or more with the note 'OK for 50 pcs'")
        expect(decided.locator(".condition")).to_have_text("Condition: for 50 pieces or more")
    else:
        expect(last).to_contain_text("sales.test rejected it with the note 'below our purchase price'")
    decided.scroll_into_view_if_needed()
    decided.screenshot(path=str(SHOTS / f"staff-{verb}-{width}.png"))

    customer = _page(browser, server, token, width)
    customer.goto(f"{server}/ui/chat")
    customer.fill("#message", "Do you have DIN rails?")
    customer.click("#send")
    reply = customer.locator("#reply")
    expect(reply).to_contain_text(f"Update on your request #{approval_id}")
    expect(reply).to_contain_text("OK for 50 pcs" if approve else "below our purchase price")
    if approve:
        expect(reply).to_contain_text("50 pieces or more")
    _no_sideways_scroll(customer, width)
    customer.screenshot(path=str(SHOTS / f"customer-told-{width}.png"), full_page=True)
    customer.fill("#message", "and enclosures?")
    customer.click("#send")
    expect(reply).not_to_contain_text(f"#{approval_id}")  # told once
    assert staff.csp_violations == [] and customer.csp_violations == []
    staff.context.close()
    customer.context.close()
