"""Acceptance in a real browser: headless Chromium (Debian's ``chromium``) driven by Playwright against a uvicorn
server on 127.0.0.1 serving the real agent (rule planner) over the seeded demo-like data.

Customer logs in, asks for a product, sees recommendations with justifications, clicks "why?", asks for a
discount and sees it pending; staff logs in and approves it with the audit trail; the customer sees the offer.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from live_server import logged_in_page, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Serve the shared app with uvicorn in a thread; yield its base URL."""
    yield from serve(app)


def _login(browser, base: str, token: str):  # type: ignore[no-untyped-def]
    return logged_in_page(browser, base, token)


def test_customer_and_staff_flow_in_chromium(server: str, browser, tokens) -> None:  # type: ignore[no-untyped-def]
    _customer_and_staff_flow(browser, server, tokens["a"], tokens["sales"])


def test_customer_and_staff_flow_on_the_generated_demo(demo_resources, browser) -> None:  # type: ignore[no-untyped-def]
    """The same flow against the full demo data set (``salesagent demo``'s data, seed 42)."""
    from sqlmodel import Session

    from portal.app import create_app
    from portal.auth import issue_demo_tokens

    with Session(demo_resources.engine) as session:
        issued = issue_demo_tokens(session, customers=1)
    customer_token = next(t.token for t in issued if t.role == "customer")
    sales_token = next(t.token for t in issued if t.role == "sales")
    serving = serve(create_app(demo_resources.settings, demo_resources))
    base = next(serving)
    try:
        _customer_and_staff_flow(browser, base, customer_token, sales_token)
    finally:
        next(serving, None)


def _customer_and_staff_flow(browser, server: str, customer_token: str, sales_token: str) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    # customer: log in, ask for a product
    customer = _login(browser, server, customer_token)
    expect(customer).to_have_url(f"{server}/ui/home")  # the personalised home, then the chat from the nav
    customer.click("header a[href='/ui/chat']")
    expect(customer).to_have_url(f"{server}/ui/chat")
    expect(customer.locator("#ai-disclosure")).not_to_be_empty()
    customer.fill("#message", "I need a 16A circuit breaker for a flat")
    customer.click("#send")
    recs = customer.locator("#recommendations li.rec")
    expect(recs.first).to_be_visible()
    assert recs.count() >= 1
    for i in range(recs.count()):
        assert recs.nth(i).locator(".justification").inner_text().strip()
    expect(customer.locator("#reply")).not_to_be_empty()
    expect(customer.locator("#ai-disclosure")).not_to_be_empty()

    # "why?" opens inline with the stored premises in words, and links to its own page
    name = recs.first.locator(".name").inner_text()
    recs.first.locator("details.why-inline summary").click()
    expect(recs.first.locator("details.why-inline li.premise").first).to_be_visible()
    recs.first.locator("a.why").click()
    expect(customer.locator("#why-name")).to_have_text(name)
    expect(customer.locator("#premises li.premise").first).to_be_visible()
    assert customer.locator("#premises li.premise").first.inner_text().strip()
    customer.goto(f"{server}/ui/chat")

    # ask for a discount: a pending request
    customer.fill("#message", "Can I get a 10% discount on S201-B16 if I buy 100?")
    customer.click("#send")
    ticket = customer.locator("#tickets li.ticket").first
    expect(ticket).to_contain_text("pending")
    approval_id = ticket.get_attribute("data-approval")
    assert approval_id and approval_id.isdigit()
    row = customer.locator(f'#offers li.offer[data-approval="{approval_id}"]')
    expect(row.locator(".status")).to_have_text("pending")

    # staff: the queue shows it with its audit trail; approve
    staff = _login(browser, server, sales_token)
    expect(staff).to_have_url(f"{server}/ui/staff")
    card = staff.locator(f"#approval-{approval_id}")
    expect(card).to_contain_text("the assistant filed it for")  # the audit trail in sentences
    expect(card.locator(".status")).to_have_text("pending")
    card.locator("input[name=note]").first.fill("ok for 100 pcs")
    card.locator("button.approve").click()
    expect(staff).to_have_url(f"{server}/ui/staff?done={approval_id}")
    expect(staff.locator(f"#approval-{approval_id}")).to_have_count(0)
    staff.goto(f"{server}/ui/staff?status=approved")
    decided = staff.locator(f"#approval-{approval_id}")
    expect(decided.locator(".status")).to_have_text("approved")
    expect(decided.locator("details.audit li").last).to_contain_text("approved it")
    expect(decided).to_contain_text("ok for 100 pcs")

    # customer: the approved offer
    customer.goto(f"{server}/ui/chat")
    row = customer.locator(f'#offers li.offer[data-approval="{approval_id}"]')
    expect(row.locator(".status")).to_have_text("approved")
    expect(row.locator(".offer-terms")).to_contain_text("PLN per unit")  # 10 % off, priced at the decision
    # asking again gets the approved price, not a second request
    customer.fill("#message", "What is my price for S201-B16 now?")
    customer.click("#send")
    told = customer.locator("#tickets li.ticket").first
    expect(told).to_contain_text("approved")
    expect(told).to_contain_text("PLN net")
    assert told.get_attribute("data-approval") == approval_id
    expect(customer.locator("#reply")).to_contain_text(f"#{approval_id}")

    # logout ends the page session: the chat page goes back to the login form
    customer.click("#logout")
    expect(customer).to_have_url(f"{server}/")
    customer.goto(f"{server}/ui/chat")
    expect(customer.locator("#login-form")).to_be_visible()
    assert customer.csp_violations == [] and staff.csp_violations == [], (customer.csp_violations,
                                                                          staff.csp_violations)
    customer.context.close()
    staff.context.close()
