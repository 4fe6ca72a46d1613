"""``GET /me/home``, ``/ui/home`` and the staff preview (issue 24 part 1): the order and the words follow the
rules over segment and role, the control arm sees the default order, an objector to profiling sees no history
sections, every shown list writes ``home`` impressions, and bad input is a clear 4xx."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from page_client import login
from portal_dataset import bearer
from sqlmodel import Session

from personalisation import SECTIONS
from store import measurement as store_measurement
from store.models import Contact

HISTORY = {"reorder", "recommended", "new_in_categories"}


def _ids(page: dict[str, Any]) -> list[str]:
    return [s["id"] for s in page["sections"]]


def _section(page: dict[str, Any], sid: str) -> dict[str, Any]:
    return next(s for s in page["sections"] if s["id"] == sid)


def _set_role(db: Session, contact_id: int, role: str) -> None:
    contact = db.get(Contact, contact_id)
    assert contact is not None
    contact.role = role
    db.add(contact)
    db.commit()


@pytest.fixture
def experiment(world: Any) -> Iterator[Any]:
    """Run an experiment for the test only; ``start(share)`` starts it, teardown removes it again so the
    shared world's other tests see no experiment."""
    rows: list[Any] = []

    def start(control_share: float) -> None:
        with Session(world.engine) as s:
            row = store_measurement.start_experiment(s, key=f"home-{uuid.uuid4().hex[:8]}", salt="home",
                                                     control_share=control_share)
            s.commit()
            rows.append(row.id)

    yield start
    from store.models import Experiment

    with Session(world.engine) as s:
        for rid in rows:
            row = s.get(Experiment, rid)
            if row is not None:
                s.delete(row)
        s.commit()


def test_the_home_needs_a_customer_token(client: Any, h: dict[str, dict[str, str]]) -> None:
    assert client.get("/me/home").status_code == 401
    assert client.get("/me/home", headers=h["sales"]).status_code == 403


def test_a_purchasing_contact_sees_reorder_first_in_its_words(client: Any, h: dict[str, dict[str, str]],
                                                              db: Session) -> None:
    r = client.get("/me/home", headers=h["a"])
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["persona"] == "purchasing" and page["features"]["role"] == "purchasing"
    assert page["rule"] == "purchasing: reorder and offers first"
    assert _ids(page) == ["reorder", "offers", "popular_like_yours", "recommended", "new_in_categories"]
    assert "price" in page["value_proposition"] and "availability" in page["value_proposition"]
    reorder = _section(page, "reorder")
    assert reorder["title"] == "Reorder at your usual prices" and reorder["history"] is True
    assert reorder["items"], "company A repeats its baskets: something to reorder"
    assert all(i["premise"].startswith("in ") and "of your orders" in i["premise"] for i in reorder["items"])
    shown = [i["sku"] for s in page["sections"] for i in s["items"] if s["id"] != "offers"]
    assert len(shown) == len(set(shown)), "a product appears in one section only"
    impressions = store_measurement.request_impressions(db, rec_request_id=reorder["rec_request_id"])
    assert [e.sku for e in impressions] == [i["sku"] for i in reorder["items"]]
    assert {e.surface for e in impressions} == {"home"} and impressions[0].position == 1


def test_an_engineer_sees_another_order_and_other_words(client: Any, new_customer: Any, db: Session) -> None:
    token, _, contact_id = new_customer()
    _set_role(db, contact_id, "engineer")
    page = client.get("/me/home", headers=bearer(token)).json()
    assert page["persona"] == "engineer" and _ids(page)[0] == "new_in_categories"
    assert "specification" in page["value_proposition"]
    assert _section(page, "new_in_categories")["title"] == "New products by specification"


def test_a_new_lead_sees_its_segment_first_in_polish(client: Any, h: dict[str, dict[str, str]]) -> None:
    page = client.get("/me/home?lang=pl", headers=h["c"]).json()
    assert page["language"] == "pl" and page["features"]["funnel_stage"] == "lead"
    assert _ids(page)[0] == "popular_like_yours"
    assert _section(page, "popular_like_yours")["title"] == "Dostępne i popularne w firmach takich jak Twoja"
    assert page["value_proposition"].startswith("Ceny netto")
    assert page["why"][0].startswith("Taka kolejność, ponieważ")


def test_a_control_arm_company_sees_the_default_order(client: Any, h: dict[str, dict[str, str]],
                                                      experiment: Any, db: Session) -> None:
    experiment(1.0)  # everyone who may be profiled is in control
    page = client.get("/me/home", headers=h["a"]).json()
    assert page["arm"] == "control" and page["rule"] is None
    assert _ids(page) == list(SECTIONS)
    assert [r["kind"] for r in page["reasons"]] == ["control_arm"]
    rec = _section(page, "recommended")
    assert {e.variant for e in store_measurement.request_impressions(db, rec_request_id=rec["rec_request_id"])} \
        == {"control"}


def test_a_treatment_company_keeps_its_rule(client: Any, h: dict[str, dict[str, str]], experiment: Any) -> None:
    experiment(0.0)
    page = client.get("/me/home", headers=h["a"]).json()
    assert page["arm"] == "treatment" and _ids(page)[0] == "reorder" and page["rule"]


def test_an_objector_to_profiling_gets_no_history_sections(client: Any, new_customer: Any,
                                                          experiment: Any) -> None:
    experiment(1.0)  # objectors stay outside the experiment: the objection decides, not the arm
    token, _, _ = new_customer(profiling_opt_out=True)
    page = client.get("/me/home", headers=bearer(token)).json()
    assert page["arm"] == "outside"
    assert _ids(page) == ["popular_like_yours", "offers"]
    assert not HISTORY & set(_ids(page))
    assert page["reasons"][0]["kind"] == "profiling_objection"


def test_staff_preview_as_any_segment_and_role(client: Any, h: dict[str, dict[str, str]], db: Session) -> None:
    before = store_measurement.event_count(db)
    r = client.get("/staff/home/preview?role=engineer&size_band=small&industry=manufacturing&lang=pl",
                   headers=h["sales"])
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["preview"] is True and page["persona"] == "engineer" and _ids(page)[0] == "new_in_categories"
    assert page["features"] == {"industry": "manufacturing", "size_band": "small", "funnel_stage": None,
                                "role": "engineer"}
    assert _section(page, "reorder")["empty"] == "Wypełniane z zamówień klienta."
    purchasing = client.get("/staff/home/preview?role=purchasing&size_band=large", headers=h["sales"]).json()
    assert _ids(purchasing)[0] == "offers" and purchasing["persona"] == "purchasing"
    db.expire_all()
    assert store_measurement.event_count(db) == before, "a preview is not an impression"


@pytest.mark.parametrize("query", ["lang=de", "role=" + "x" * 40, "industry=" + "y" * 80])
def test_bad_preview_input_is_a_422(client: Any, h: dict[str, dict[str, str]], query: str) -> None:
    r = client.get(f"/staff/home/preview?{query}", headers=h["sales"])
    assert r.status_code == 422 and "detail" in r.json()


def test_customers_cannot_preview(client: Any, h: dict[str, dict[str, str]]) -> None:
    assert client.get("/staff/home/preview?role=engineer", headers=h["a"]).status_code == 403


def test_the_home_page_renders_for_a_logged_in_customer(app: Any, tokens: dict[str, str]) -> None:
    c = login(app, tokens["a"])
    r = c.get("/ui/home?lang=pl")
    assert r.status_code == 200
    assert 'id="section-reorder"' in r.text and "Zamów ponownie w swoich cenach" in r.text
    assert r.text.index('id="section-reorder"') < r.text.index('id="section-offers"')
    staff = login(app, tokens["sales"])
    assert staff.get("/ui/home").status_code == 403
    preview = staff.get("/ui/staff/home?role=engineer&lang=en")
    assert preview.status_code == 200 and "Staff preview" in preview.text
    assert preview.text.index('id="section-new_in_categories"') < preview.text.index('id="section-reorder"')


def test_the_home_page_speaks_the_companys_language(app: Any, new_customer: Any) -> None:
    """Login lands on /ui/home; without ``?lang=`` it is in the company's language (a Polish company that never
    chatted: Polish; a German one: English), and ``?lang=`` still switches."""
    polish, _, _ = new_customer(country="PL")
    german, _, _ = new_customer(country="DE")
    c = login(app, polish)
    assert "Twój sklep" in c.get("/ui/home").text and "Your shop" in c.get("/ui/home?lang=en").text
    d = login(app, german)
    assert "Your shop" in d.get("/ui/home").text
