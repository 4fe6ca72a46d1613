"""Sending over a real SMTP server on 127.0.0.1: a temporary refusal (451) is retried with a doubling wait and
given up after the configured tries, a permanent one (550) is recorded at once, the consent is checked again at
send time, and the scheduler ``salesagent serve`` runs keeps going after a failing tick (issue 19)."""

from __future__ import annotations

import threading
from datetime import timedelta

from fu_world import PLAN_AT, World
from smtp_server import smtp_server
from sqlmodel import Session

from followups import models as m
from followups.planner import enqueue
from followups.scheduler import FollowupScheduler
from followups.sender import deliver_due, run_once
from store import followups as store
from store.models import FollowupEmail, FollowupStatus


def _row(world: World) -> FollowupEmail:
    with Session(world.engine) as s:
        rows = store.outbox_rows(s)
    assert len(rows) == 1
    return rows[0]


def test_a_temporary_refusal_is_retried_with_backoff_then_given_up(world: World) -> None:
    world.visit(world.company(email="temp.busy@firma.pl")[0])
    with smtp_server() as (inbox, port):
        settings = world.with_settings(smtp_url=f"smtp://127.0.0.1:{port}", followup_max_attempts=3,
                                       followup_retry_seconds=60)
        _, first = run_once(world.engine, settings, at=PLAN_AT)
        row = _row(world)
        assert (first.retry, row.status, row.attempts) == (1, FollowupStatus.retry, 1)
        assert row.next_attempt_at == PLAN_AT + timedelta(seconds=60) and "451" in (row.last_error or "")
        assert deliver_due(world.engine, settings, now=PLAN_AT + timedelta(seconds=59)).due == 0  # not yet
        second = deliver_due(world.engine, settings, now=PLAN_AT + timedelta(seconds=60))
        row = _row(world)
        assert (second.retry, row.attempts) == (1, 2)
        assert row.next_attempt_at == PLAN_AT + timedelta(seconds=60 + 120)  # the wait doubles
        third = deliver_due(world.engine, settings, now=PLAN_AT + timedelta(seconds=180))
        row = _row(world)
        assert (third.failed, row.status, row.reason, row.attempts) == (1, FollowupStatus.failed, "smtp_gave_up", 3)
        assert deliver_due(world.engine, settings, now=PLAN_AT + timedelta(days=1)).due == 0
        assert inbox.messages == []


def test_a_permanent_refusal_is_recorded_at_once(world: World) -> None:
    world.visit(world.company(email="bad.address@firma.pl")[0])
    with smtp_server() as (inbox, port):
        _, report = run_once(world.engine, world.with_settings(smtp_url=f"smtp://127.0.0.1:{port}"), at=PLAN_AT)
    row = _row(world)
    assert (report.failed, row.status, row.reason, row.attempts) == (1, FollowupStatus.failed, "smtp_permanent", 1)
    assert "550" in (row.last_error or "") and inbox.messages == []


def test_the_consent_is_checked_again_at_send_time(world: World) -> None:
    company, contact = world.company()
    world.visit(company)
    with Session(world.engine) as s:
        enqueue(s, world.settings, at=PLAN_AT)
        s.commit()
    assert _row(world).status == FollowupStatus.queued
    world.unsubscribe(contact)  # between planning and sending
    with smtp_server() as (inbox, port):
        report = deliver_due(world.engine, world.with_settings(smtp_url=f"smtp://127.0.0.1:{port}"), now=PLAN_AT)
    row = _row(world)
    assert (row.status, row.reason) == (FollowupStatus.cancelled, m.UNSUBSCRIBED)
    assert (report.cancelled, report.sent) == (1, 0) and inbox.messages == []


def test_the_scheduler_ticks_until_stopped_and_survives_a_failing_tick(world: World) -> None:
    assert not FollowupScheduler(world.settings, world.engine).start()  # interval 0 (tests): off
    calls: list[int] = []
    third = threading.Event()

    def tick() -> None:
        calls.append(len(calls))
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        if len(calls) >= 3:
            third.set()

    scheduler = FollowupScheduler(world.settings, world.engine, interval=0.01, tick=tick)
    assert scheduler.start()
    assert third.wait(30), "the scheduler stopped ticking"
    scheduler.stop()
    assert scheduler.failures == 1 and scheduler.ticks >= 3
