"""The customer's chat page in a real browser (headless Chromium via Playwright, against uvicorn serving the real
agent with the rule planner), issue 21 item 6: a Polish customer's conversation stays on the page turn by turn,
in Polish (``<html lang="pl">``, Polish labels, prices as ``18,49 zł``), without internal words, each product
once, its "why?" opening inline (the page stays where it is), readable at 1280 px and on a 390 px phone (no
sideways scrolling, nothing blocked by the CSP); an English turn gets English labels.

Screenshots go to /tmp/shots/ (``SHOTS``) to look at."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live_server import logged_in_page, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHOTS = Path("/tmp/shots")
PRICE_PL = re.compile(r"\d+,\d{2}\s?zł")


@pytest.fixture(scope="module")
def server(app: Any) -> Iterator[str]:
    yield from serve(app)


def _page(browser: Any, base: str, token: str, width: int) -> Any:
    page = logged_in_page(browser, base, token, width)
    page.goto(f"{base}/ui/chat")
    return page


def _send(page: Any, text: str) -> None:
    from playwright.sync_api import expect

    turns = page.locator("#conversation li.turn").count()
    page.fill("#message", text)
    page.click("#send")
    expect(page.locator("#conversation li.turn")).to_have_count(turns + 1)


def _no_sideways_scroll(page: Any, width: int) -> None:
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page scrolls sideways: {scroll_width} px wide at {width} px"


@pytest.mark.parametrize("width", [1280, 390])
def test_polish_conversation_on_the_chat_page(server: str, browser: Any, new_customer: Any, width: int) -> None:
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    token, _, _ = new_customer(country="PL")
    page = _page(browser, server, token, width)
    assert page.get_attribute("html", "lang") == "pl"  # before any answer: the company's language
    expect(page.locator("#send")).to_have_text("Wyślij")
    expect(page.locator("label[for=message]")).to_have_text("Twoja wiadomość")

    _send(page, "Szukam wyłącznika S201 B16")
    _send(page, "Jakie akcesoria do RN-12?")
    turns = page.locator("#conversation li.turn")
    expect(turns).to_have_count(2)  # the whole conversation, newest at the bottom, the form below it
    expect(turns.nth(0).locator(".you-text")).to_have_text("Szukam wyłącznika S201 B16")
    expect(turns.nth(1).locator(".you-text")).to_have_text("Jakie akcesoria do RN-12?")
    assert turns.nth(0).locator("li.rec").count() >= 1 and turns.nth(1).locator("li.rec").count() >= 1
    assert page.evaluate("""() => {
        const last = [...document.querySelectorAll('#conversation li.turn')].pop();
        return !!(last.compareDocumentPosition(document.getElementById('chat-form'))
                  & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")

    assert page.get_attribute("html", "lang") == "pl"
    expect(turns.nth(0).locator(".msg.you .who")).to_have_text("Ty")
    expect(turns.nth(0).locator(".msg.reply .who")).to_have_text("Asystent")
    expect(page.locator("#send")).to_have_text("Wyślij")
    expect(page.locator("#offers h2")).to_have_text("Twoje prośby o cenę i oferty")
    expect(page.locator("#account h2")).to_have_text("Ustawienia konta: profilowanie")
    body = page.locator("body").inner_text()
    assert "planner" not in body.lower() and "Send" not in body and "Recommended products" not in body
    assert body.count("Odpowiedzi i rekomendacje w tym czacie generuje") == 1  # the disclosure once, on top
    price = turns.nth(1).locator("li.rec .price").first.inner_text()
    assert PRICE_PL.search(price), price

    # each product once: its card, not also a line of the reply text
    for i in range(turns.count()):
        text = " ".join(turns.nth(i).locator(".reply-text").all_inner_texts())
        for sku in turns.nth(i).locator("li.rec").evaluate_all("els => els.map(e => e.dataset.sku)"):
            assert f"({sku})," not in text, (sku, text)

    # "why?" opens inline: the premises in words, the page stays where it is
    url = page.url
    card = turns.nth(0).locator("li.rec").first
    why = card.locator("details.why-inline")
    expect(why.locator("summary")).to_have_text("Dlaczego?")
    expect(why.locator("li.premise").first).to_be_hidden()
    why.locator("summary").click()
    expect(why.locator("li.premise").first).to_be_visible()
    assert why.locator("li.premise").first.inner_text().strip()
    assert page.url == url
    expect(turns).to_have_count(2)

    _no_sideways_scroll(page, width)
    page.screenshot(path=str(SHOTS / f"chat-pl-{width}.png"), full_page=True)

    # the standalone "why?" page still works, in Polish, and goes back to the conversation
    name = card.locator(".name").inner_text()
    why.locator("a.why").click()
    expect(page.locator("#why-name")).to_have_text(name)
    assert page.get_attribute("html", "lang") == "pl"
    expect(page.locator("#premises li.premise").first).to_be_visible()
    _no_sideways_scroll(page, width)
    page.click("#back")
    expect(page.locator("#conversation li.turn")).to_have_count(2)
    assert page.csp_violations == [], page.csp_violations
    page.context.close()


def test_english_turn_gets_english_labels(server: str, browser: Any, new_customer: Any) -> None:
    from playwright.sync_api import expect

    token, _, _ = new_customer(country="PL")
    page = _page(browser, server, token, 390)
    _send(page, "I need a LED panel")
    assert page.get_attribute("html", "lang") == "en"
    expect(page.locator("#send")).to_have_text("Send")
    expect(page.locator("#conversation li.turn .msg.you .who")).to_have_text("You")
    expect(page.locator("#offers h2")).to_have_text("Your price requests and offers")
    price = page.locator("#recommendations li.rec .price").first.inner_text()
    assert re.search(r"\d+\.\d{2}\s?PLN", price), price
    expect(page.locator("details.why-inline summary").first).to_have_text("Why?")
    assert "planner" not in page.locator("body").inner_text().lower()
    _no_sideways_scroll(page, 390)
    page.screenshot(path=str(SHOTS / "chat-en-390.png"), full_page=True)
    page.context.close()


def test_offers_in_words_on_a_phone(server: str, browser: Any, world: Any, new_customer: Any) -> None:
    """A pending request and an approved offer read as sentences, in Polish, and fit a 390 px screen."""
    from playwright.sync_api import expect
    from sqlmodel import Session

    from guardrails.approvals import decide, request_price_change
    from store.models import StaffUser

    token, company_id, _ = new_customer(country="PL")
    with Session(world.engine) as s:
        request_price_change(s, company_id=company_id, conversation_id=None, skus=["S201-B16"], kind="discount",
                             proposed_change={"discount_percent": 10, "quantity": 100}, reason="project")
        approved = request_price_change(s, company_id=company_id, conversation_id=None, skus=["RN-24"],
                                        kind="quote", proposed_change={"quantity": 5}, reason="project").id
        decide(s, approval_id=approved, staff=s.get(StaffUser, world.ids.staff_id), approve=True,
               approved_unit_price="139.90")
    page = _page(browser, server, token, 390)
    offers = page.locator("#offers li.offer")
    expect(offers).to_have_count(2)
    expect(page.locator("#offers")).to_contain_text("Rabat 10% na Miniature circuit breaker S201 B16 1P 16A")
    done = page.locator(f'#offers li.offer[data-approval="{approved}"]')
    expect(done.locator(".status")).to_have_text("zatwierdzone")
    expect(done.locator(".offer-terms")).to_contain_text("139,90 zł za sztukę netto")
    text = page.locator("#offers").inner_text()
    assert "discount_percent" not in text and "UTC" not in text and "quote" not in text
    _no_sideways_scroll(page, 390)
    page.locator("#offers").screenshot(path=str(SHOTS / "chat-offers-390.png"))
    page.context.close()
