"""The staff KPI page in a real browser (headless Chromium via Playwright) on the generated demo (seed 42, whose
behaviour simulation fills the measurement log): a sales user sees the figures, the four charts and the
synthetic-data label, readable at 1280 px and at 390 px (no sideways scrolling of the page, nothing blocked by
the content security policy) (issue 18)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from live_server import logged_in_page, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def demo_server(demo_resources: Any) -> Iterator[tuple[str, str, str]]:
    from sqlmodel import Session

    from portal.app import create_app
    from portal.auth import issue_demo_tokens

    with Session(demo_resources.engine) as session:
        issued = issue_demo_tokens(session, customers=1)
    sales = next(t.token for t in issued if t.role == "sales")
    customer = next(t.token for t in issued if t.role == "customer")
    serving = serve(create_app(demo_resources.settings, demo_resources))
    base = next(serving)
    yield base, sales, customer
    next(serving, None)


def _page(browser: Any, base: str, token: str, width: int) -> Any:
    return logged_in_page(browser, base, token, width, timeout_ms=60_000)


@pytest.mark.parametrize("width", [1280, 390])
def test_staff_read_the_kpis_at_desktop_and_phone_width(demo_server: tuple[str, str, str], browser: Any,
                                                        width: int) -> None:
    from playwright.sync_api import expect

    base, sales, _ = demo_server
    page = _page(browser, base, sales, width)
    page.goto(f"{base}/ui/kpi")
    expect(page.locator("#kpi-title")).to_contain_text("Recommendation KPIs")
    expect(page.locator("#kpi-synthetic")).to_contain_text("Synthetic data")
    expect(page.locator("#kpi-sessions .v")).to_contain_text(" / ")
    expect(page.locator("#kpi-conversion")).to_contain_text("uplift")
    for fig in ("uplift", "ctr", "coverage", "lorenz"):
        img = page.locator(f"#fig-{fig} img")
        expect(img).to_be_visible()
        assert img.evaluate("i => i.complete && i.naturalWidth > 0"), fig
        box = img.bounding_box()
        assert box is not None and box["width"] <= width and box["x"] >= 0, (fig, box)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px at {width} px"
    assert page.csp_violations == []
    page.fill("input[name=from]", "2026-01-01")
    page.click("#kpi-filter button")
    expect(page).to_have_url(f"{base}/ui/kpi?from=2026-01-01&to=")
    page.context.close()


def test_a_customer_cannot_open_the_kpi_page(demo_server: tuple[str, str, str], browser: Any) -> None:
    base, _, customer = demo_server
    page = _page(browser, base, customer, 1280)
    response = page.goto(f"{base}/ui/kpi")
    assert response is not None and response.status == 403
    page.context.close()
