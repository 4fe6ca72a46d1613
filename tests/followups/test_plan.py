"""The planner on a store with known co-purchase counts: the planned e-mail's products and premises, one test per
skip reason (the first failing check is recorded), and what counts as an abandoned visit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fu_world import ACCESSORIES, DUE, PLAN_AT, VIEWED, VISIT_END, World
from sqlmodel import Session

from followups import models as m
from followups.planner import enqueue, plan
from store import measurement as experiments
from store.followups import outbox_rows
from store.models import FollowupStatus


def _plan(world: World, at: datetime = PLAN_AT, **overrides: Any) -> list[m.Decision]:
    settings = world.with_settings(**overrides) if overrides else world.settings
    with Session(world.engine) as s:
        return plan(s, settings, at=at)


def _only(world: World, session_id: str, **overrides: Any) -> m.Decision:
    found = [d for d in _plan(world, **overrides) if d.line.session_id == session_id]
    assert len(found) == 1, found
    return found[0]


def test_a_planned_email_has_the_viewed_product_and_the_two_best_accessories(world: World) -> None:
    company, contact = world.company()
    sid = world.visit(company)
    d = _only(world, sid)
    assert d.line.status == "planned" and d.line.reason is None
    assert (d.line.contact_id, d.line.company_id, d.line.viewed_sku) == (contact, company, VIEWED)
    # MCB-C20 (same category), LABEL-SET (no stock), OLD-CLAMP (inactive) and GLAND-M20 (4 < 5) are left out
    assert d.line.accessory_skus == ACCESSORIES
    assert [(p.sku, p.kind, p.views, p.together, p.orders) for p in d.line.premises] == [
        (VIEWED, "viewed", 2, None, None), ("BUSBAR-1P", "bought_together", None, 6, 10),
        ("RAIL-TH35", "bought_together", None, 5, 10)]
    assert d.line.premises[1].text == "added to the same order as MCB-B16 in 6 of 10 orders"
    assert d.due_at == DUE and d.legal_basis == "consent" and d.language == "pl" and d.arm == "outside"


def test_the_json_line_has_exactly_the_issues_keys_and_no_personal_data(world: World) -> None:
    company, _ = world.company()
    sid = world.visit(company)
    line = _only(world, sid).line.model_dump()
    assert list(line) == ["contact_id", "company_id", "session_id", "viewed_sku", "accessory_skus", "premises",
                          "status", "reason"]
    text = str(line)
    assert "Kowalski" not in text and "@" not in text


def test_skip_no_consent(world: World) -> None:
    company, _ = world.company(consent=False)
    sid = world.visit(company)
    assert _only(world, sid).line.reason == m.NO_CONSENT


def test_legitimate_interest_only_when_the_operator_configures_it(world: World) -> None:
    company, _ = world.company(consent=False, basis="legitimate_interest")
    sid = world.visit(company)
    d = _only(world, sid, followup_legitimate_interest=True)
    assert d.line.status == "planned" and d.legal_basis == "legitimate_interest"


def test_skip_unsubscribed(world: World) -> None:
    company, contact = world.company()
    world.unsubscribe(contact)
    sid = world.visit(company)
    assert _only(world, sid).line.reason == m.UNSUBSCRIBED
    assert _only(world, sid, followup_legitimate_interest=True).line.reason == m.UNSUBSCRIBED


def test_skip_objected_to_profiling(world: World) -> None:
    company, _ = world.company(opt_out=True)
    sid = world.visit(company)
    assert _only(world, sid).line.reason == m.OBJECTED_TO_PROFILING


def test_skip_no_legal_basis_for_the_behaviour(world: World) -> None:
    company, _ = world.company(basis="none")
    sid = world.visit(company, basis="none")
    assert _only(world, sid).line.reason == m.NO_LEGAL_BASIS


def test_skip_control_arm_is_recorded_as_would_have_received(world: World) -> None:
    company, _ = world.company()
    sid = world.visit(company)
    with Session(world.engine) as s:
        experiments.start_experiment(s, key="all-control", salt="s", control_share=1.0,
                                     started_at=datetime(2026, 11, 1, tzinfo=UTC))
        s.commit()
    d = _only(world, sid)
    assert (d.line.status, d.line.reason, d.arm) == ("skipped", m.CONTROL_ARM, "control")
    assert d.line.accessory_skus == ACCESSORIES and d.would_receive  # what it would have received
    with Session(world.engine) as s:
        enqueue(s, world.settings, at=PLAN_AT)
        s.commit()
        rows = outbox_rows(s)
    assert [(r.status, r.reason, r.skus) for r in rows] == [(FollowupStatus.control, m.CONTROL_ARM,
                                                             [VIEWED, *ACCESSORIES])]


def test_treatment_arm_is_planned(world: World) -> None:
    company, _ = world.company()
    sid = world.visit(company)
    with Session(world.engine) as s:
        experiments.start_experiment(s, key="no-control", salt="s", control_share=0.0,
                                     started_at=datetime(2026, 11, 1, tzinfo=UTC))
        s.commit()
    d = _only(world, sid)
    assert (d.line.status, d.arm) == ("planned", "treatment")


def test_skip_ordered_since(world: World) -> None:
    company, _ = world.company()
    sid = world.visit(company)
    world.order(company, ["CABLE-3X2.5"], VISIT_END + timedelta(hours=3))
    assert _only(world, sid).line.reason == m.ORDERED_SINCE


def test_skip_frequency_cap_within_one_run_and_against_the_outbox(world: World) -> None:
    company, _ = world.company()
    first = world.visit(company, end=VISIT_END - timedelta(hours=3))
    second = world.visit(company)
    decisions = {d.line.session_id: d for d in _plan(world)}
    assert decisions[first].line.status == "planned"
    assert decisions[second].line.reason == m.FREQUENCY_CAP
    with Session(world.engine) as s:
        enqueue(s, world.settings, at=PLAN_AT)
        s.commit()
    # six days later the cap (7 days) still holds; eight days later it does not
    third = world.visit(company, end=VISIT_END + timedelta(days=6))
    later = [d for d in _plan(world, at=PLAN_AT + timedelta(days=7)) if d.line.session_id == third]
    assert later and later[0].line.reason == m.FREQUENCY_CAP
    fourth = world.visit(company, end=VISIT_END + timedelta(days=8))
    after = [d for d in _plan(world, at=PLAN_AT + timedelta(days=9)) if d.line.session_id == fourth]
    assert after and after[0].line.status == "planned"


def test_skip_no_email_address(world: World) -> None:
    company, _ = world.company(email=None)
    sid = world.visit(company)
    assert _only(world, sid).line.reason == m.NO_EMAIL_ADDRESS


def test_skip_no_accessory_with_enough_support(world: World) -> None:
    company, _ = world.company()
    sid = world.visit(company)
    assert _only(world, sid, followup_min_support=7).line.reason == m.NO_ACCESSORY  # only 6 and 5 are left
    lonely = world.visit(world.company()[0], skus=["CABLE-3X2.5"])
    assert _only(world, lonely).line.reason == m.NO_ACCESSORY


def test_accessories_the_company_bought_lately_are_not_suggested(world: World) -> None:
    company, _ = world.company()
    world.order(company, ["BUSBAR-1P"], VISIT_END - timedelta(days=30))
    sid = world.visit(company)
    assert _only(world, sid).line.reason == m.NO_ACCESSORY  # BUSBAR bought; GLAND (4) lacks support
    assert _only(world, sid, followup_exclude_bought_days=20).line.accessory_skus == ACCESSORIES


def test_the_most_viewed_product_is_the_one_shown(world: World) -> None:
    company, _ = world.company()
    sid = world.visit(company, skus=["CABLE-3X2.5", VIEWED, VIEWED])
    assert _only(world, sid).line.viewed_sku == VIEWED


def test_only_abandoned_visits_that_are_due(world: World) -> None:
    company, _ = world.company()
    carted = world.visit(company, cart=True)
    bought = world.visit(world.company()[0])
    world.order(world.company()[0], [VIEWED], VISIT_END)  # another company: does not count for `bought`
    sessions = {d.line.session_id for d in _plan(world)}
    assert carted not in sessions and bought in sessions
    assert not _plan(world, at=DUE - timedelta(minutes=1))  # not due yet
    assert not _plan(world, at=DUE + timedelta(hours=73))  # beyond the look-back window


def test_an_order_during_the_visit_makes_it_no_abandoned_visit(world: World) -> None:
    company, _ = world.company()
    sid = world.visit(company)
    world.order(company, [VIEWED], VISIT_END - timedelta(minutes=1))
    assert sid not in {d.line.session_id for d in _plan(world)}


def test_enqueue_records_each_decision_once(world: World) -> None:
    planned, _ = world.company()
    skipped, _ = world.company(consent=False)
    world.visit(planned)
    world.visit(skipped)
    with Session(world.engine) as s:
        first = enqueue(s, world.settings, at=PLAN_AT)
        s.commit()
        again = enqueue(s, world.settings, at=PLAN_AT)
        s.commit()
        rows = outbox_rows(s)
    assert (first.inserted, again.inserted) == (2, 0)
    assert sorted((r.status.value, r.reason) for r in rows) == [("queued", None), ("skipped", m.NO_CONSENT)]
    assert {d.line.reason for d in _plan(world)} == {m.ALREADY_IN_OUTBOX, m.NO_CONSENT}
