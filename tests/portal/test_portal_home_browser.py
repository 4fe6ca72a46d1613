"""The personalised home in a real browser (headless Chromium via Playwright) over the portal tests' seeded
demo-like world, issue 24's acceptance: two contacts of different role and segment see different section orders and
wording on ``/ui/home``; a control-arm contact sees the default order; an opted-out company sees no history
sections. Readable at 1280 px and 390 px (no sideways scrolling, nothing blocked by the CSP).

Screenshots go to ``$SALESAGENT_TEST_SCREENSHOTS`` when it is set (to look at them), else to a temp dir."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from live_server import logged_in_page, serve

from personalisation import SECTIONS

HISTORY = {"reorder", "recommended", "new_in_categories"}
SALT = "home-browser-test"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@dataclass(frozen=True)
class Cast:
    """The demo contacts the tests log in as, with their tokens."""

    base: str
    purchasing: str
    engineer: str
    control: str
    objector: str


def _company(session: Any, key: str, *, role: str, **fields: Any) -> int:
    from store.models import Company, Contact

    company = Company(external_id=key, name=f"Home Test {key}", industry="electrical_contractor", **fields)
    session.add(company)
    session.flush()
    contact = Contact(company_id=company.id, full_name=f"Anna {key}", role=role)
    session.add(contact)
    session.flush()
    return contact.id  # type: ignore[return-value]


def _control_key(prefix: str) -> str:
    """A company key the experiment's salted hash puts in control (found, not assumed)."""
    from store.measurement import hash_arm

    return next(f"{prefix}-{n}" for n in range(1000)
                if hash_arm(f"{prefix}-{n}", salt=SALT, control_share=0.5) == "control")


@pytest.fixture(scope="module")
def cast(world: Any, app: Any) -> Iterator[Cast]:
    """The seeded world's company A (a purchasing contact of a 10-49 electrical contractor with repeat orders,
    treatment under this salt), an engineer of a 1-9 company (treatment), an engineer of a control-arm company and
    a company that objected to profiling; served with an experiment running, which is removed again afterwards
    (the shared world's other tests see none)."""
    from sqlmodel import Session

    from portal.auth import issue_token
    from store.measurement import hash_arm, start_experiment
    from store.models import Company, Experiment

    with Session(world.engine) as session:
        company_a = session.get(Company, world.ids.company_a)
        assert hash_arm(company_a.external_id, salt=SALT, control_share=0.5) == "treatment"
        engineer_key = next(f"HB-ENG-{n}" for n in range(1000)
                            if hash_arm(f"HB-ENG-{n}", salt=SALT, control_share=0.5) == "treatment")
        contacts = {"purchasing": world.ids.contact_a,
                    "engineer": _company(session, engineer_key, role="engineer", size_band="1-9"),
                    "control": _company(session, _control_key("HB-CTL"), role="engineer", size_band="1-9"),
                    "objector": _company(session, "HB-OPT", role="purchasing", size_band="10-49",
                                         profiling_opt_out=True)}
        experiment = start_experiment(session, key="home-browser", salt=SALT, control_share=0.5)
        experiment_id = experiment.id
        tokens = {who: issue_token(session, role="customer", contact_id=cid) for who, cid in contacts.items()}
        session.commit()
    serving = serve(app)
    try:
        yield Cast(base=next(serving), **tokens)
    finally:
        next(serving, None)
        with Session(world.engine) as session:
            row = session.get(Experiment, experiment_id)
            if row is not None:
                session.delete(row)
            session.commit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wanted = os.environ.get("SALESAGENT_TEST_SCREENSHOTS")
    out = Path(wanted) if wanted else tmp_path_factory.mktemp("home-shots")
    out.mkdir(parents=True, exist_ok=True)
    return out


def _home(browser: Any, cast: Cast, token: str, width: int = 1280, lang: str = "en") -> Any:
    page = logged_in_page(browser, cast.base, token, width, timeout_ms=60_000)
    page.wait_for_url("**/ui/**")
    page.click("#nav-home")
    page.wait_for_url("**/ui/home")
    page.goto(f"{cast.base}/ui/home?lang={lang}")  # without it: the company's language
    page.locator("#home-sections").wait_for()
    return page


def _order(page: Any) -> list[str]:
    return [str(s) for s in page.locator("#home-sections > section").evaluate_all(
        "els => els.map(e => e.dataset.section)")]


def _titles(page: Any) -> list[str]:
    return [str(t).strip() for t in page.locator("#home-sections > section > h2").all_inner_texts()]


@pytest.mark.parametrize("width", [1280, 390])
def test_two_demo_contacts_of_different_role_and_segment_see_different_orders_and_words(
        cast: Cast, browser: Any, shots: Path, width: int) -> None:
    buyer = _home(browser, cast, cast.purchasing, width)
    engineer = _home(browser, cast, cast.engineer, width)
    buyer_order, engineer_order = _order(buyer), _order(engineer)
    assert buyer_order[0] == "reorder" and engineer_order[0] == "new_in_categories"
    assert buyer_order != engineer_order and sorted(buyer_order) == sorted(engineer_order) == sorted(SECTIONS)
    buyer_value = buyer.locator("#home-value").inner_text()
    engineer_value = engineer.locator("#home-value").inner_text()
    assert "price" in buyer_value and "terms" in buyer_value and "availability" in buyer_value
    assert "specification" in engineer_value and "standard" in engineer_value
    assert "Reorder at your usual prices" in _titles(buyer)
    assert "New products by specification" in _titles(engineer)
    assert buyer.locator("#section-reorder .home-item").count() > 0, "company A repeats its baskets"
    for who, page in (("purchasing", buyer), ("engineer", engineer)):
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{who}: the page scrolls sideways by {overflow} px at {width} px"
        assert page.csp_violations == []
        page.screenshot(path=str(shots / f"home-{who}-{width}.png"), full_page=True)
        page.context.close()


def test_the_same_contact_reads_its_page_in_polish(cast: Cast, browser: Any, shots: Path) -> None:
    page = _home(browser, cast, cast.engineer, 390, lang="pl")
    assert _order(page)[0] == "new_in_categories"
    assert "Nowe produkty według specyfikacji" in _titles(page)
    assert "norm" in page.locator("#home-value").inner_text()
    page.screenshot(path=str(shots / "home-engineer-pl-390.png"), full_page=True)
    page.context.close()


def test_a_control_arm_contact_sees_the_default_order(cast: Cast, browser: Any) -> None:
    page = _home(browser, cast, cast.control)
    assert page.locator("#home").get_attribute("data-arm") == "control"
    assert _order(page) == list(SECTIONS)
    assert "New products by specification" in _titles(page)  # the words still speak to the role
    page.locator("#home-why summary").click()
    assert "Control group" in page.locator("#home-why").inner_text()
    page.context.close()


def test_an_opted_out_company_sees_no_history_sections(cast: Cast, browser: Any, shots: Path) -> None:
    page = _home(browser, cast, cast.objector)
    order = _order(page)
    assert order == ["popular_like_yours", "offers"] and not HISTORY & set(order)
    assert page.locator("#section-reorder").count() == 0
    page.screenshot(path=str(shots / "home-objector-1280.png"), full_page=True)
    page.context.close()


def test_staff_preview_at_phone_width(cast: Cast, browser: Any, tokens: dict[str, str], shots: Path) -> None:
    token = tokens["sales"]
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.goto(f"{cast.base}/")
    page.fill("#token", token)
    page.click("#login-submit")
    page.wait_for_url("**/ui/**")
    page.click("#nav-home-preview")
    page.select_option("#home-preview select[name=role]", "engineer")
    page.select_option("#home-preview select[name=size_band]", "small")
    page.click("#preview-submit")
    page.wait_for_url("**/ui/staff/home?**")
    assert _order(page)[0] == "new_in_categories"
    assert "Staff preview" in page.locator("#home-banner").inner_text()
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.screenshot(path=str(shots / "home-preview-390.png"), full_page=True)
    context.close()
