"""Sending the outbox: claim a due row atomically, check again that it may still be sent, render it, hand it to
the transport, and record the outcome.

- **Exactly once**: a row is claimed by one conditional ``UPDATE`` (``store.followups.claim``); of two senders
  started together only one wins each row. A claim whose sender vanished mid-send may be taken again after
  ``followup_claim_timeout_minutes``.
- **Consent at send time**: the checks that can change between planning and sending run again (profiling
  objection, e-mail consent or unsubscribe, address, an order since the visit, the products still active and
  in stock); a row that fails one is ``cancelled`` with the reason.
- **Failures**: a temporary one (4xx, connection) waits ``followup_retry_seconds`` doubled per try (at most six
  hours) up to ``followup_max_attempts`` tries, then ``failed``; a permanent one (5xx) is ``failed`` at once,
  with the server's answer in ``last_error``.
- **Measurement**: a sent e-mail writes one impression per product (surface ``email``, the triggering visit's
  session, a ``rec_request_id`` of its own) and its Recommendation rows, in the transaction that marks it sent.

No database transaction is open while the SMTP server is talked to.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import make_msgid

from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.config import Settings
from followups import eligibility as check
from followups import models as m
from followups.links import link_secret
from followups.planner import EnqueueReport, enqueue
from followups.render import build_message, compose, render, sender_domain
from followups.transport import DeliveryError, Transport, transport_for
from measurement.impressions import new_request_id, record_impressions
from store import catalog
from store import followups as store
from store.companies import get_company, get_contact
from store.conversations import add_recommendation
from store.db import session_scope
from store.models import FollowupEmail, FollowupStatus

log = logging.getLogger("salesagent.followups")
MAX_BACKOFF = timedelta(hours=6)


def _now(at: datetime | None) -> datetime:
    at = at or datetime.now(UTC)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def claimer_id() -> str:
    """Return a name for this sender (host, process, a random part), written on the rows it claims."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class SendReport:
    """What one :func:`deliver_due` did."""

    due: int = 0
    claimed: int = 0
    lost: int = 0
    """Due rows another sender claimed first."""
    sent: int = 0
    retry: int = 0
    failed: int = 0
    cancelled: int = 0
    transport: str = ""
    errors: list[str] = field(default_factory=list)


def backoff(settings: Settings, attempts: int) -> timedelta:
    """Return the wait before the next try after ``attempts`` tries failed temporarily."""
    seconds = settings.followup_retry_seconds * 2 ** max(0, attempts - 1)
    return min(timedelta(seconds=seconds), MAX_BACKOFF)


def send_time_reason(session: Session, settings: Settings, row: FollowupEmail, *, now: datetime) -> str | None:
    """Return why a claimed row may no longer be sent, or None: the checks that can change after planning."""
    company = get_company(session, company_id=row.company_id)
    contact = get_contact(session, contact_id=row.contact_id)
    if company is None or contact is None:
        return m.NO_EMAIL_ADDRESS
    _, consent_reason = check.email_basis(company, store.email_consent(session, contact_id=row.contact_id),
                                          settings)
    reason = check.profiling_reason(company) or consent_reason or check.address_reason(contact)
    if reason:
        return reason
    if store.order_count_between(session, company_id=row.company_id, start=row.visit_ended_at, end=now):
        return m.ORDERED_SINCE
    products = catalog.products_by_sku(session, skus=row.skus, active_only=True)
    if not row.skus or row.skus[0] not in products:
        return m.PRODUCT_UNAVAILABLE
    if len(row.skus) < 3 or any(s not in products or products[s].stock <= 0 for s in row.skus[1:]):
        return m.NO_ACCESSORY
    return None


def _finish(engine: Engine, row_id: int, **values: object) -> None:
    with session_scope(engine) as session:
        row = store.get_outbox(session, row_id=row_id)
        assert row is not None
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = datetime.now(UTC)
        session.add(row)


def _record_sent(engine: Engine, row_id: int, *, now: datetime, message_id: str, request_id: str) -> None:
    """Mark the row sent and write its impressions and Recommendation rows, in one transaction."""
    with session_scope(engine) as session:
        row = store.get_outbox(session, row_id=row_id)
        company = get_company(session, company_id=row.company_id) if row is not None else None
        assert row is not None and company is not None
        row.status, row.sent_at, row.message_id = FollowupStatus.sent, now, message_id[:200]
        row.rec_request_id, row.last_error, row.reason, row.updated_at = request_id, None, None, now
        session.add(row)
        record_impressions(session, company=company, session_id=row.session_id, surface="email", skus=row.skus,
                           rec_request_id=request_id, at=now)
        products = catalog.products_by_sku(session, skus=row.skus, active_only=False)
        premises = {p.get("sku"): p for p in row.premises}
        for rank, sku in enumerate(row.skus, start=1):
            product_id = products[sku].id
            assert product_id is not None
            premise = premises.get(sku, {})
            add_recommendation(session, company_id=row.company_id, product_id=product_id, rank=rank,
                               surface="email", premises=[premise] if premise else [],
                               justification=str(premise.get("text", "")), model_version=f"followup:{row_id}")


def deliver_one(engine: Engine, settings: Settings, row_id: int, transport: Transport, *, now: datetime,
                report: SendReport) -> None:
    """Send one row this sender has claimed and record the outcome."""
    with Session(engine) as session:
        row = store.get_outbox(session, row_id=row_id)
        assert row is not None
        reason = send_time_reason(session, settings, row, now=now)
        if reason:
            _finish(engine, row_id, status=FollowupStatus.cancelled, reason=reason, claimed_by=None)
            report.cancelled += 1
            return
        contact = get_contact(session, contact_id=row.contact_id)
        company = get_company(session, company_id=row.company_id)
        assert contact is not None and company is not None
        content = compose(session, settings, row=row, contact=contact, company=company, secret=link_secret(settings))
        attempts = row.attempts
    rendered = render(content)
    message_id = make_msgid(idstring=f"followup{row_id}", domain=sender_domain(settings))
    message = build_message(settings, content, rendered, message_id=message_id, at=now)
    message["X-Salesagent-Outbox-Id"] = str(row_id)
    try:
        transport.send(message)
    except DeliveryError as err:
        report.errors.append(f"#{row_id}: {err}")
        if err.permanent or attempts >= settings.followup_max_attempts:
            _finish(engine, row_id, status=FollowupStatus.failed, last_error=str(err)[:500], claimed_by=None,
                    reason="smtp_permanent" if err.permanent else "smtp_gave_up")
            report.failed += 1
        else:
            _finish(engine, row_id, status=FollowupStatus.retry, last_error=str(err)[:500], claimed_by=None,
                    next_attempt_at=now + backoff(settings, attempts))
            report.retry += 1
        return
    report.sent += 1
    try:
        _record_sent(engine, row_id, now=now, message_id=message_id, request_id=new_request_id())
    except Exception as err:  # it went out: never leave it to be sent again; record it without the measurement
        log.exception("follow-up #%s was sent but its impressions could not be recorded", row_id)
        _finish(engine, row_id, status=FollowupStatus.sent, sent_at=now, message_id=message_id[:200],
                last_error=f"sent; recording the impressions failed: {type(err).__name__}: {err}"[:500])


def deliver_due(engine: Engine, settings: Settings, *, now: datetime | None = None, limit: int | None = None,
                transport: Transport | None = None) -> SendReport:
    """Claim and send every row due at ``now`` (at most ``limit``); return what happened."""
    now = _now(now)
    stale = now - timedelta(minutes=settings.followup_claim_timeout_minutes)
    transport = transport or transport_for(settings)
    report = SendReport(transport=transport.description)
    me = claimer_id()
    with Session(engine) as session:
        ids = store.due_ids(session, now=now, stale_before=stale, limit=limit)
    report.due = len(ids)
    try:
        for row_id in ids:
            with session_scope(engine) as session:
                won = store.claim(session, row_id=row_id, claimer=me, now=now, stale_before=stale)
            if not won:
                report.lost += 1
                continue
            report.claimed += 1
            try:
                deliver_one(engine, settings, row_id, transport, now=now, report=report)
            except Exception as err:  # a bug or a database error: leave the row retryable, go on with the next
                log.exception("follow-up #%s could not be sent", row_id)
                report.errors.append(f"#{row_id}: {type(err).__name__}: {err}")
                _finish(engine, row_id, status=FollowupStatus.retry, last_error=f"{type(err).__name__}: {err}"[:500],
                        claimed_by=None, next_attempt_at=now + backoff(settings, 1))
                report.retry += 1
    finally:
        transport.close()
    return report


def run_once(engine: Engine, settings: Settings, *, at: datetime | None = None, limit: int | None = None,
             transport: Transport | None = None, plan_first: bool = True) -> tuple[EnqueueReport | None, SendReport]:
    """Plan up to ``at`` (record the decisions in the outbox), then send what is due: one tick of the scheduler
    and ``salesagent followups send``."""
    at = _now(at)
    planned = None
    if plan_first:
        with session_scope(engine) as session:
            planned = enqueue(session, settings, at=at)
    return planned, deliver_due(engine, settings, now=at, limit=limit, transport=transport)
