"""The staff equality audit page /ui/audit in a real browser (headless Chromium via Playwright) on the generated
demo (seed 42) after an audit of its last complete month was stored: a sales user sees the flags with the JSON's
figures and their charts, the groups and the stored runs, readable at 1280 px and at 390 px (no sideways
scrolling, nothing blocked by the content security policy); a customer gets 403 (issue 23)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from live_server import serve

from oversight.report import show, show_gap

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _audited_month(today: date) -> str:
    """The month before last: the latest one whose next month of purchases is complete."""
    y, m = today.year, today.month - 2
    if m < 1:
        y, m = y - 1, m + 12
    return f"{y}-{m:02d}"


@pytest.fixture(scope="module")
def audited_demo(demo_resources: Any) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    from sqlmodel import Session

    from oversight.equality import AuditOptions, audit_and_store
    from portal.app import create_app
    from portal.auth import issue_demo_tokens

    month = _audited_month(datetime.now(UTC).date())
    with Session(demo_resources.engine) as session:
        report = audit_and_store(session, month=month, actor="browser-test",
                                 options=AuditOptions(n_bootstrap=300, n_permutations=999))
        issued = issue_demo_tokens(session, customers=1)
        session.commit()
    sales = next(t.token for t in issued if t.role == "sales")
    customer = next(t.token for t in issued if t.role == "customer")
    serving = serve(create_app(demo_resources.settings, demo_resources))
    base = next(serving)
    yield base, sales, customer, report.to_dict()
    next(serving, None)


def _page(browser: Any, base: str, token: str, width: int) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.csp_violations = []
    page.on("console", lambda msg: page.csp_violations.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    page.goto(f"{base}/")
    # the login form's POST from the page's own context (its cookies), without loading the staff home it
    # redirects to: the approval queue of the full demo is slow on a busy machine and not what is tested here
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    r = context.request.post(f"{base}/ui/login", form={"token": token, "csrf": csrf or ""},
                             headers={"Origin": base}, max_redirects=0)
    assert r.status == 303, r.text()
    return page


@pytest.mark.parametrize("width", [1280, 390])
def test_staff_read_the_stored_audit_at_desktop_and_phone_width(audited_demo: tuple[str, str, str, dict[str, Any]],
                                                                browser: Any, width: int, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    base, sales, _, data = audited_demo
    page = _page(browser, base, sales, width)
    page.goto(f"{base}/ui/audit")
    expect(page.locator("#audit-title")).to_have_text(f"Equality audit · {data['month']}")
    expect(page.locator("#audit-synthetic")).to_contain_text("Synthetic data")
    expect(page.locator("section.audit-flag")).to_have_count(len(data["flags"]))
    if not data["flags"]:
        expect(page.locator("#audit-no-flags")).to_be_visible()
    for i, f in enumerate(data["flags"], start=1):
        unit = data["metrics"][f["metric"]]["unit"]
        box = page.locator(f"#flag-{i}")
        assert box.get_attribute("data-metric") == f["metric"]
        expect(box.locator(".gap")).to_have_text(show_gap(f["gap"], unit))
        expect(box.locator(".ci")).to_have_text(f"{show_gap(f['ci95'][0], unit)} to {show_gap(f['ci95'][1], unit)}")
        low = data["groups"][f["dimension"]][f["groups"][0]][f["metric"]]
        expect(box.locator("dd").first).to_contain_text(f"{f['groups'][0]} {show(low, unit)}")
        img = page.locator(f"#fig-{f['dimension']}-{f['metric']} img")
        expect(img).to_be_visible()
        assert img.evaluate("i => i.complete && i.naturalWidth > 0")
        bounds = img.bounding_box()
        assert bounds is not None and bounds["x"] >= 0 and bounds["x"] + bounds["width"] <= width
        # the flagged dimension's group table is open, its values the JSON's
        row = page.locator(f"#table-{f['dimension']} tr[data-group='{f['groups'][0]}'] td[data-metric='{f['metric']}']")
        expect(row).to_be_visible()
        assert float(row.get_attribute("data-value") or "nan") == low
    overview = page.locator("#fig-overview img")
    expect(overview).to_be_visible()
    assert overview.evaluate("i => i.complete && i.naturalWidth > 0")
    expect(page.locator("#audit-runs tr.chosen td.flags")).to_have_text(str(len(data["flags"])))
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px at {width} px"
    assert page.csp_violations == []
    page.screenshot(path=str(tmp_path / f"audit-{width}.png"), full_page=True)
    page.context.close()


def test_a_customer_cannot_open_the_audit_page(audited_demo: tuple[str, str, str, dict[str, Any]],
                                               browser: Any) -> None:
    base, _, customer, _ = audited_demo
    page = _page(browser, base, customer, 1280)
    response = page.goto(f"{base}/ui/audit")
    assert response is not None and response.status == 403
    page.context.close()
