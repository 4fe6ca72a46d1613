"""The staff page /ui/followups in a real browser (headless Chromium via Playwright): a sales user sees the rendered
previews (Polish and English), the dry run with its skip reasons and the outbox states, readable at 1280 px and
at 390 px (no sideways scrolling of the page, nothing cut off, nothing blocked by the content security policy);
a screenshot of each width is saved; a customer is refused (issue 19)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from fu_world import ACCESSORIES, PLAN_AT, VIEWED, VISIT_END, World, build_world
from sqlmodel import Session

from followups.sender import run_once
from tests.portal.live_server import logged_in_page, serve

AT_LOCAL = "2026-11-17T11:00"
"""PLAN_AT in Warsaw (the page's ``at`` is the shop's local time)."""

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def staff_site(tmp_path_factory: pytest.TempPathFactory, resources: Any) -> Iterator[tuple[str, str, str, World]]:
    """A portal over a follow-up world: last week's e-mails sent (.eml files) or skipped, this week's visits due
    (two planned, one in English; two skipped); yields base URL, sales and customer tokens, the world."""
    from portal.app import create_app
    from portal.auth import issue_demo_tokens

    world = build_world(tmp_path_factory.mktemp("fu-browser") / "var")
    week_ago = timedelta(days=7)
    for _ in range(2):
        world.visit(world.company()[0], end=VISIT_END - week_ago)
    world.visit(world.company(consent=False)[0], end=VISIT_END - week_ago)
    run_once(world.engine, world.settings, at=PLAN_AT - week_ago)
    world.visit(world.company(name="Elektro-Instal Kowalski i Wspólnicy Spółka Jawna")[0])
    world.visit(world.company(country="Germany", name="Schaltanlagen Müller GmbH")[0], skus=[VIEWED, VIEWED, VIEWED])
    world.visit(world.company(consent=False)[0])
    world.visit(world.company(email=None)[0])
    with Session(world.engine) as session:
        issued = issue_demo_tokens(session, customers=1)
    sales = next(t.token for t in issued if t.role == "sales")
    customer = next(t.token for t in issued if t.role == "customer")
    serving = serve(create_app(world.settings, replace(resources, settings=world.settings, engine=world.engine)))
    base = next(serving)
    yield base, sales, customer, world
    next(serving, None)
    world.engine.dispose()


def _page(browser: Any, base: str, token: str, width: int) -> Any:
    return logged_in_page(browser, base, token, width, timeout_ms=60_000)


def _fits(page: Any, selector: str, width: int) -> None:
    """Every element matching ``selector`` lies inside the viewport's width."""
    for box in page.locator(selector).evaluate_all(
            "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right]; })"):
        assert box[0] >= -0.5 and box[1] <= width + 0.5, (selector, box, width)


@pytest.mark.parametrize("width", [1280, 390])
def test_staff_read_the_previews_and_reasons_at_desktop_and_phone_width(
        staff_site: tuple[str, str, str, World], browser: Any, width: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from playwright.sync_api import expect

    base, sales, _, _ = staff_site
    page = _page(browser, base, sales, width)
    page.goto(f"{base}/ui/followups?at={AT_LOCAL}")
    expect(page.locator("#fu-title")).to_contain_text("Follow-up e-mails")
    previews = page.locator(".fu-preview")
    expect(previews).to_have_count(2)
    polish, english = previews.nth(0), previews.nth(1)
    for preview in (polish, english):
        for sku in (VIEWED, *ACCESSORIES):
            expect(preview.locator(f".fu-item[data-sku='{sku}']")).to_be_visible()
    expect(polish).to_contain_text("asystent AI")
    expect(polish).to_contain_text("w 6 z 10 zamówień")
    expect(polish).to_contain_text("24,90")
    expect(english).to_contain_text("AI sales assistant")
    expect(english).to_contain_text("in 6 of 10 orders")
    expect(english).to_contain_text("viewed 3 times")
    plan = page.locator("#fu-plan")
    expect(plan).to_contain_text("no consent to commercial e-mail")
    expect(plan).to_contain_text("no e-mail address")
    expect(page.locator("#fu-plan tr.fu-planned")).to_have_count(2)
    outbox = page.locator("#fu-outbox")
    expect(outbox.locator(".fu-tag.fu-st-sent")).to_have_count(2)
    expect(outbox.locator(".fu-tag.fu-st-skipped")).to_have_count(1)
    expect(page.locator("#fu-kpis")).to_contain_text("CTR")

    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px at {width} px"
    _fits(page, ".fu-preview, .fu-card, .fu-item, .fu-button, .fu-scroll, h1, h2", width)
    _fits(page, "#fu-plan td, #fu-outbox td", width)  # every reason and state readable without scrolling sideways
    smallest = page.evaluate("() => Math.min(...[...document.querySelectorAll('.fu-preview p, .fu-table td')]"
                             ".map(e => parseFloat(getComputedStyle(e).fontSize)))")
    assert smallest >= 11.5, f"text of {smallest} px is too small to read"
    assert page.csp_violations == []
    shots = tmp_path_factory.getbasetemp() / "followups-screenshots"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / f"followups-{width}.png"), full_page=True)

    page.locator("#fu-outbox tr.fu-st-sent a").first.click()  # one outbox row and its e-mail as sent
    expect(page.locator("#fu-row-title")).to_contain_text("sent")
    expect(page.locator("#fu-row-preview .fu-item")).to_have_count(3)
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=str(shots / f"followups-row-{width}.png"), full_page=True)
    assert page.csp_violations == []
    page.context.close()


def test_the_plan_time_filter_and_a_customer_is_refused(staff_site: tuple[str, str, str, World],
                                                        browser: Any) -> None:
    from playwright.sync_api import expect

    base, sales, customer, _ = staff_site
    page = _page(browser, base, sales, 1280)
    page.goto(f"{base}/ui/followups?at={AT_LOCAL}")
    page.fill("#fu-filter input[name=at]", "2026-11-17T08:30")  # before 09:00 in Warsaw: nothing due yet
    page.click("#fu-filter button")
    expect(page.locator("#fu-no-previews")).to_be_visible()
    expect(page.locator("#fu-plan tr.fu-row")).to_have_count(0)
    page.context.close()
    refused = _page(browser, base, customer, 1280)
    response = refused.goto(f"{base}/ui/followups")
    assert response is not None and response.status == 403
    refused.context.close()
