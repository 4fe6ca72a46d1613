"""GET /kpi and /ui/kpi (staff and admin only), and the widget surface's impressions and control arm
(``GET /recommendations``), on the portal's seeded store (issue 18)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from page_client import login
from sqlmodel import Session

from store import measurement as store
from store.models import Experiment

DAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def logged(world: Any) -> None:
    """A small log for companies A (treatment) and B (control): impressions, a click and an order."""
    rows = []
    for i, (company, variant, surface) in enumerate([("PT-A", "treatment", "widget"), ("PT-A", "treatment", "chat"),
                                                     ("PT-B", "control", "widget"), ("PT-B", "control", "chat")]):
        at = DAY + timedelta(days=i)
        rows.append({"event_id": f"kpi-test-i{i}", "ts": at, "session_id": f"kpi-test-s{i}", "company": company,
                     "type": "impression", "sku": "S201-B16", "rec_request_id": f"kpi-test-r{i}", "position": 1,
                     "surface": surface, "revenue": None, "currency": None, "variant": variant})
    rows.append({"event_id": "kpi-test-c0", "ts": DAY + timedelta(minutes=1), "session_id": "kpi-test-s0",
                 "company": "PT-A", "type": "click", "sku": "S201-B16", "rec_request_id": None, "position": None,
                 "surface": None, "revenue": None, "currency": None, "variant": "treatment"})
    rows.append({"event_id": "kpi-test-o0", "ts": DAY + timedelta(minutes=5), "session_id": "kpi-test-s0",
                 "company": "PT-A", "type": "order", "sku": "S201-B16", "rec_request_id": None, "position": None,
                 "surface": None, "revenue": 18.49, "currency": "PLN", "variant": "treatment"})
    with Session(world.engine) as s:
        if not store.existing_event_ids(s, event_ids=["kpi-test-i0"]):
            store.add_events(s, rows=rows, source="import")
            s.commit()


PERIOD = {"from": "2026-11-02", "to": "2026-11-05"}


def test_kpi_needs_a_staff_or_admin_token(client: TestClient, h, logged) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/kpi", params=PERIOD)
    assert r.status_code == 401 and r.headers.get("www-authenticate") == "Bearer"
    r = client.get("/kpi", params=PERIOD, headers=h["a"])
    assert r.status_code == 403, r.text
    assert r.json()["detail"] == "the sales role is required"
    for who in ("sales", "admin"):
        r = client.get("/kpi", params=PERIOD, headers=h[who])
        assert r.status_code == 200, r.text
    body = r.json()
    assert body["period"] == PERIOD
    assert body["sessions"] == {"treatment": 2, "control": 2}
    assert body["ctr"] == {"chat": 0.0, "widget": 0.5}
    assert body["conversion"] == {"treatment": 0.5, "control": 0.0}
    assert set(body["uplift"]["conversion"]) >= {"absolute", "relative", "ci95", "p_value"}
    assert set(body["srm"]) >= {"p_value", "flag"} and "2026-11" in body["coverage"]


def test_kpi_refuses_bad_dates_readably(client: TestClient, h) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/kpi", params={"from": "2026-13-01"}, headers=h["sales"])
    assert r.status_code == 422 and r.json()["detail"].startswith("query.from:")
    r = client.get("/kpi", params={"from": "2026-11-05", "to": "2026-11-01"}, headers=h["sales"])
    assert r.status_code == 422 and r.json()["detail"] == "from (2026-11-05) is after to (2026-11-01)"


def test_the_kpi_page_is_for_staff(app: Any, tokens, logged) -> None:  # type: ignore[no-untyped-def]
    staff = login(app, tokens["sales"])
    page = staff.get("/ui/kpi", params=PERIOD)
    assert page.status_code == 200, page.text
    html = page.text
    for fig in ("uplift", "ctr", "coverage", "lorenz"):
        assert f'id="fig-{fig}"><img src="data:image/png;base64,' in html
    assert 'id="kpi-sessions"' in html and "2 / 2" in html
    customer = login(app, tokens["a"])
    assert customer.get("/ui/kpi").status_code == 403
    anonymous = TestClient(app, follow_redirects=False)
    r = anonymous.get("/ui/kpi")
    assert r.status_code == 303 and r.headers["location"] == "/"


@pytest.fixture
def everyone_in_control(world: Any) -> Iterator[None]:
    with Session(world.engine) as s:
        row = store.start_experiment(s, key=f"portal-{uuid.uuid4()}", salt="p", control_share=1.0,
                                     started_at=datetime.now(UTC) - timedelta(minutes=1))
        s.commit()
        row_id = row.id
    yield
    with Session(world.engine) as s:
        row = s.get(Experiment, row_id)
        assert row is not None
        store.end_experiment(s, experiment=row)
        s.commit()


def _widget_impressions(world: Any, company: str) -> list[Any]:
    with Session(world.engine) as s:
        return [e for e in store.company_events(s, company=company, types=["impression"]) if e.surface == "widget"
                and e.source == "portal"]


def test_the_widget_writes_impressions(client: TestClient, h, world) -> None:  # type: ignore[no-untyped-def]
    before = len(_widget_impressions(world, "PT-A"))
    r = client.get("/recommendations", params={"k": 3}, headers=h["a"])
    assert r.status_code == 200, r.text
    shown = [d["sku"] for d in r.json()["data"]]
    new = _widget_impressions(world, "PT-A")[before:]
    assert [e.sku for e in new] == shown and [e.position for e in new] == list(range(1, len(shown) + 1))
    assert {e.rec_request_id for e in new} == {r.json()["rec_request_id"]}  # the answer names the shown list
    assert new[0].session_id.startswith("widget:PT-A:")
    assert {e.variant.value for e in new} == {"outside"}  # no experiment running


def test_a_control_company_gets_the_baseline_on_the_widget(client: TestClient, h, world,  # type: ignore[no-untyped-def]
                                                           everyone_in_control, new_customer) -> None:
    with Session(world.engine) as s:
        from store.companies import get_company

        company = get_company(s, company_id=world.ids.company_a)
        assert company is not None
        baseline = [r.sku for r in world.resources.recommender.segment_bestsellers(company.industry,
                                                                                   company.size_band, k=3)]
    r = client.get("/recommendations", params={"k": 3}, headers=h["a"])
    assert r.status_code == 200, r.text
    assert [d["sku"] for d in r.json()["data"]] == baseline
    assert {e.variant.value for e in _widget_impressions(world, "PT-A")[-len(baseline):]} == {"control"}
    token, _, _ = new_customer(profiling_opt_out=True)  # an objector is outside the experiment
    r = client.get("/recommendations", params={"k": 3}, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    with Session(world.engine) as s:
        events = store.company_events(s, company=f"PT-NEW-{_last_new(s)}", types=["impression"])
    assert events and {e.variant.value for e in events} == {"outside"}


def _last_new(s: Session) -> int:
    from store.companies import companies

    return max(int(c.external_id.rsplit("-", 1)[1]) for c in companies(s) if c.external_id.startswith("PT-NEW-"))
