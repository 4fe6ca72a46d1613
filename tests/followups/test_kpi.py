"""The follow-ups' KPIs: e-mail CTR from the e-mails' impressions and attributed clicks, attributed orders, and
conversion and revenue per eligible visit of treatment against control (intent to treat: the control arm's
"would have received" rows are the comparison), recomputed here by hand; and the staff JSON route over them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fu_world import ACCESSORIES, DUE, PLAN_AT, VIEWED, World
from sqlmodel import Session

from followups.kpi import email_kpis
from followups.links import click_url, link_secret
from followups.sender import run_once
from followups.tracking import record_click
from portal.auth import issue_demo_tokens
from store import followups as store
from store import measurement as log
from store.models import Company, FollowupStatus

SALT = "fu-kpi-1"
"""Splits the twelve companies six and six (a salted hash: another salt, another split)."""
COMPANIES = 12


def _order(company: str, at: datetime, revenue: str, sku: str = "CABLE-3X2.5") -> dict[str, Any]:
    return {"event_id": f"o-{company}-{at.isoformat()}-{sku}", "ts": at, "session_id": f"shop-{company}",
            "company": company, "type": "order", "sku": sku, "rec_request_id": None, "position": None,
            "surface": None, "revenue": Decimal(revenue), "currency": "PLN", "variant": None, "source": "shop"}


@pytest.fixture
def sent(world: World) -> dict[str, list[str]]:
    """Twelve companies with one abandoned visit each under a 50 % split, planned and sent (``.eml`` files);
    return the companies' external ids by arm."""
    with Session(world.engine) as s:
        log.start_experiment(s, key="fu-kpi", salt=SALT, control_share=0.5, started_at=datetime(2026, 11, 1, tzinfo=UTC))
        s.commit()
    for _ in range(COMPANIES):
        world.visit(world.company()[0])
    planned, report = run_once(world.engine, world.settings, at=PLAN_AT)
    assert planned is not None and report.sent == planned.by_status.get("queued", 0), report.errors
    arms: dict[str, list[str]] = {"treatment": [], "control": []}
    with Session(world.engine) as s:
        for row in store.outbox_rows(s):
            company = s.get(Company, row.company_id)
            assert company is not None
            arms["control" if row.status == FollowupStatus.control else "treatment"].append(company.external_id)
            assert row.status in (FollowupStatus.control, FollowupStatus.sent)
    assert len(arms["treatment"]) >= 3 and len(arms["control"]) >= 3, arms  # the salt splits these twelve
    return arms


def test_ctr_and_intent_to_treat_conversion_per_eligible_visit(world: World, sent: dict[str, list[str]]) -> None:
    treated, control = sorted(sent["treatment"]), sorted(sent["control"])
    with Session(world.engine) as s:
        first = next(r for r in store.outbox_rows(s) if r.status == FollowupStatus.sent
                     and s.get(Company, r.company_id).external_id == treated[0])  # type: ignore[union-attr]
        assert first.id is not None
        clicked = click_url(world.settings, link_secret(world.settings), first.id, first.contact_id, ACCESSORIES[0])
        record_click(s, world.settings, clicked.rsplit("/", 1)[1], at=PLAN_AT + timedelta(hours=1))
        log.add_events(s, rows=[
            _order(treated[0], PLAN_AT + timedelta(days=1), "100.00", sku=ACCESSORIES[0]),  # after the click
            _order(treated[1], PLAN_AT + timedelta(days=6), "50.00"),
            _order(treated[2], DUE + timedelta(days=7, minutes=1), "999.00"),  # beyond the 7-day window: no conversion
            _order(treated[2], DUE - timedelta(hours=1), "999.00"),  # before the e-mail was due: neither
            _order(control[0], PLAN_AT + timedelta(days=2), "30.00"),
        ], source="shop")
        s.commit()
        kpis = email_kpis(s)
    t, c = len(treated), len(control)
    assert kpis.statuses == {"sent": t, "control": c}
    assert (kpis.eligible_visits.treatment, kpis.eligible_visits.control) == (t, c)
    assert (kpis.companies.treatment, kpis.companies.control) == (t, c)
    assert (kpis.impressions, kpis.clicks) == (3 * t, 1)  # the viewed product and two accessories per e-mail
    assert kpis.ctr == pytest.approx(1 / (3 * t), abs=1e-6)  # the KPI report rounds to 6 places
    assert (kpis.attributed_orders, kpis.attributed_revenue) == (1, pytest.approx(100.0))
    assert kpis.conversion.treatment == pytest.approx(2 / t) and kpis.conversion.control == pytest.approx(1 / c)
    assert kpis.revenue_per_visit.treatment == pytest.approx(150 / t)
    assert kpis.revenue_per_visit.control == pytest.approx(30 / c)
    up = kpis.uplift.conversion
    assert up.absolute == pytest.approx(2 / t - 1 / c)
    assert up.absolute is not None and up.ci95[0] is not None and up.ci95[1] is not None
    assert up.ci95[0] < up.absolute < up.ci95[1]
    assert kpis.currency == "PLN" and not kpis.synthetic


def test_a_period_without_due_emails_is_empty(world: World, sent: dict[str, list[str]]) -> None:
    with Session(world.engine) as s:
        kpis = email_kpis(s, start=PLAN_AT.date() + timedelta(days=30), end=PLAN_AT.date() + timedelta(days=31))
    assert kpis.statuses == {} and kpis.eligible_visits.treatment == 0 and kpis.conversion.treatment is None
    assert kpis.warnings  # too few companies for an interval, said in words


def test_the_kpi_route_is_for_staff(world: World, sent: dict[str, list[str]], portal_client: Any) -> None:
    with Session(world.engine) as s:
        tokens = issue_demo_tokens(s, customers=1)
    staff = next(t.token for t in tokens if t.role == "sales")
    customer = next(t.token for t in tokens if t.role == "customer")
    ok = portal_client.get("/followups/kpi", headers={"Authorization": f"Bearer {staff}"})
    assert ok.status_code == 200
    body = ok.json()
    assert body["eligible_visits"] == {"treatment": len(sent["treatment"]), "control": len(sent["control"])}
    assert body["impressions"] == 3 * len(sent["treatment"])
    assert portal_client.get("/followups/kpi").status_code == 401
    denied = portal_client.get("/followups/kpi", headers={"Authorization": f"Bearer {customer}"})
    assert denied.status_code == 403
    bad = portal_client.get("/followups/kpi?from=2026-12-01&to=2026-11-01",
                            headers={"Authorization": f"Bearer {staff}"})
    assert bad.status_code in (400, 422) and "after" in bad.json()["detail"]
    plan = portal_client.get("/followups/plan", params={"at": PLAN_AT.isoformat()},
                             headers={"Authorization": f"Bearer {staff}"})
    assert plan.status_code == 200
    assert {line["reason"] for line in plan.json()} == {"already_in_outbox"}
    assert all(line["viewed_sku"] == VIEWED for line in plan.json())
    assert portal_client.get("/followups/plan", headers={"Authorization": f"Bearer {customer}"}).status_code == 403
