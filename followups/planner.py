"""Planning: which abandoned visits get a follow-up, with what, and why the others do not.

A visit is a browsing session of a known company with at least one product view and no ``add_to_cart`` that
ended (``followup_session_idle_minutes`` without an event) without an order of the company. Its e-mail falls
due after the configured delay (:func:`followups.timing.due_time`); :func:`plan` takes every visit due in the
``followup_lookback_hours`` up to ``at`` and runs the checks of :mod:`followups.eligibility` in the order of
:data:`followups.models.SKIP_REASONS`. :func:`plan` writes nothing (the dry run); :func:`enqueue` records each
decision as an outbox row (one per contact and visit, unique, so a second run or a second process adds
nothing).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.config import Settings
from followups import eligibility as check
from followups import models as m
from followups.content import accessory_premises, most_viewed, pick_accessories
from followups.models import Decision, PlannedFollowup, Premise, viewed_premise
from followups.timing import due_time, longest_delay
from measurement.experiment import arm_of
from store import catalog
from store import followups as store
from store.companies import get_company
from store.followups import CoPurchase, VisitRow
from store.models import Company, Contact, EmailConsent, FollowupEmail, FollowupStatus

POLISH = frozenset({"poland", "polska", "pl"})


def _aware(ts: datetime) -> datetime:
    return ts if ts.tzinfo is not None else ts.replace(tzinfo=UTC)


@dataclass
class _Run:
    """The facts one planning run reads once (companies, recipients, consents, co-purchases)."""

    session: Session
    settings: Settings
    at: datetime
    companies: dict[int, Company | None] = field(default_factory=dict)
    recipients: dict[int, Contact | None] = field(default_factory=dict)
    consents: dict[int, EmailConsent] = field(default_factory=dict)
    stored: dict[tuple[int, str], FollowupEmail] = field(default_factory=dict)
    caps: dict[int, list[datetime]] = field(default_factory=lambda: defaultdict(list))
    co: dict[int, tuple[int, list[CoPurchase]]] = field(default_factory=dict)
    languages: dict[int, str] = field(default_factory=dict)

    def company(self, company_id: int) -> Company | None:
        if company_id not in self.companies:
            self.companies[company_id] = get_company(self.session, company_id=company_id)
        return self.companies[company_id]

    def recipient(self, company_id: int) -> Contact | None:
        if company_id not in self.recipients:
            self.recipients[company_id] = store.recipient(self.session, company_id=company_id)
        return self.recipients[company_id]

    def language(self, company: Company) -> str:
        assert company.id is not None
        if company.id not in self.languages:
            self.languages[company.id] = company_language(self.session, company)
        return self.languages[company.id]

    def co_purchases(self, product_id: int) -> tuple[int, list[CoPurchase]]:
        if product_id not in self.co:
            self.co[product_id] = (store.orders_with_product(self.session, product_id=product_id),
                                   store.co_purchases(self.session, product_id=product_id,
                                                      min_together=self.settings.followup_min_support))
        return self.co[product_id]


def company_language(session: Session, company: Company) -> str:
    """Return the language a company is written to: its latest conversation's (pl/en), else Polish for a
    Polish (or unknown) country, English otherwise."""
    assert company.id is not None
    spoken = store.company_language(session, company_id=company.id)
    if spoken in ("pl", "en"):
        return spoken
    country = (company.country or "").strip().lower()
    return "pl" if country in POLISH or not country else "en"


def abandoned_visits(session: Session, settings: Settings, *, at: datetime) -> list[tuple[VisitRow, datetime]]:
    """Return the abandoned visits whose e-mail falls due in the look-back window up to ``at``, with the due
    time, oldest end first."""
    at = _aware(at)
    window_start = at - timedelta(hours=settings.followup_lookback_hours)
    idle = timedelta(minutes=settings.followup_session_idle_minutes)
    out = []
    for visit in store.visits_ended_between(session, start=window_start - longest_delay(settings), end=at - idle):
        if visit.carts:
            continue
        due = due_time(visit.ended_at, settings)
        if not window_start < due <= at:
            continue
        if store.order_count_between(session, company_id=visit.company_id, start=visit.started_at,
                                     end=visit.ended_at + idle):
            continue  # ordered during the visit (through another channel): not abandoned
        out.append((visit, due))
    return out


def plan(session: Session, settings: Settings, *, at: datetime | None = None) -> list[Decision]:
    """Return a decision for every abandoned visit due in the look-back window up to ``at`` (default now): the
    e-mail it gets, or the first check it fails. Writes nothing."""
    at = _aware(at or datetime.now(UTC))
    visits = abandoned_visits(session, settings, at=at)
    run = _Run(session, settings, at)
    for company_id in {v.company_id for v, _ in visits}:
        run.recipient(company_id)
    contact_ids = [c.id for c in run.recipients.values() if c is not None and c.id is not None]
    run.consents = store.email_consents(session, contact_ids=contact_ids)
    pairs = {(c.id, v.session_id) for v, _ in visits if (c := run.recipients[v.company_id]) is not None
             and c.id is not None}
    run.stored = store.outbox_keys(session, pairs=pairs)
    cap = timedelta(days=settings.followup_cap_days)
    earliest = min((due for _, due in visits), default=at)
    for cid, dues in store.capped_due_times(session, contact_ids=contact_ids, start=earliest - cap,
                                            end=at + cap).items():
        run.caps[cid].extend(_aware(d) for d in dues)
    return [_decide(run, visit, due) for visit, due in visits]


def _decide(run: _Run, visit: VisitRow, due: datetime) -> Decision:
    company = run.company(visit.company_id)
    contact = run.recipient(visit.company_id)
    contact_id = contact.id if contact is not None else None
    views = check.usable_views(visit.views)
    viewed = most_viewed(views or list(visit.views))
    base = {"visit_started_at": visit.started_at, "visit_ended_at": visit.ended_at, "due_at": due}

    def decision(reason: str | None, *, accessories: list[str] | None = None, premises: list[Premise] | None = None,
                 basis: str | None = None, arm: str = "outside") -> Decision:
        line = PlannedFollowup(contact_id=contact_id, company_id=visit.company_id, session_id=visit.session_id,
                               viewed_sku=viewed.sku if viewed else None, accessory_skus=accessories or [],
                               premises=premises or [], status="skipped" if reason else "planned", reason=reason)
        stored = contact_id is not None and (contact_id, visit.session_id) in run.stored
        return Decision(line=line, arm=arm, legal_basis=basis, stored=stored,
                        language=run.language(company) if company is not None else "pl", **base)

    if company is None or viewed is None:
        return decision(m.NO_LEGAL_BASIS)
    consent = run.consents.get(contact_id) if contact_id is not None else None
    basis, consent_reason = check.email_basis(company, consent, run.settings)
    reason = (check.behaviour_reason(visit.views) or check.profiling_reason(company) or consent_reason
              or check.address_reason(contact))
    if reason:
        return decision(reason)
    assert contact_id is not None
    if (contact_id, visit.session_id) in run.stored:
        return decision(m.ALREADY_IN_OUTBOX, basis=basis)
    orders = store.order_count_between(run.session, company_id=visit.company_id, start=visit.ended_at, end=run.at)
    cap = timedelta(days=run.settings.followup_cap_days)
    reason = check.ordered_reason(orders) or check.cap_reason(due, run.caps[contact_id], cap)
    if reason:
        return decision(reason, basis=basis)
    product = catalog.product_by_sku(run.session, sku=viewed.sku)
    if product is None or not product.active:
        return decision(m.PRODUCT_UNAVAILABLE, basis=basis)
    orders_with, candidates = run.co_purchases(viewed.product_id)
    since = run.at - timedelta(days=run.settings.followup_exclude_bought_days)
    bought = store.skus_bought_since(run.session, company_id=visit.company_id, since=since)
    accessories = pick_accessories(candidates, viewed_category=product.category,
                                   min_support=run.settings.followup_min_support, bought=bought)
    if len(accessories) < 2:
        return decision(m.NO_ACCESSORY, basis=basis)
    day = visit.ended_at.astimezone(ZoneInfo(run.settings.shop_timezone)).date().isoformat()
    premises = [viewed_premise(viewed.sku, viewed.views, day),
                *accessory_premises(viewed.sku, accessories, orders_with)]
    skus = [a.sku for a in accessories]
    arm = arm_of(run.session, company, at=due)
    run.caps[contact_id].append(due)  # the control arm's would-have counts for the cap too
    if arm == "control":
        return decision(m.CONTROL_ARM, accessories=skus, premises=premises, basis=basis, arm=arm)
    return decision(None, accessories=skus, premises=premises, basis=basis, arm=arm)


@dataclass(frozen=True)
class EnqueueReport:
    """What :func:`enqueue` recorded."""

    decisions: int
    inserted: int
    by_status: dict[str, int]


def outbox_status(decision: Decision) -> FollowupStatus:
    """Return the outbox state a decision is recorded in."""
    if decision.line.status == "planned":
        return FollowupStatus.queued
    return FollowupStatus.control if decision.line.reason == m.CONTROL_ARM else FollowupStatus.skipped


def enqueue(session: Session, settings: Settings, *, at: datetime | None = None) -> EnqueueReport:
    """Plan up to ``at`` and record every new decision with a contact as an outbox row (queued, control or
    skipped with its reason); flushes, the caller commits. Decisions already recorded are left as they are."""
    decisions = plan(session, settings, at=at)
    rows = []
    counts: dict[str, int] = defaultdict(int)
    for d in decisions:
        if d.stored or d.line.contact_id is None:
            continue
        status = outbox_status(d)
        counts[status.value] += 1
        rows.append({"contact_id": d.line.contact_id, "company_id": d.line.company_id,
                     "session_id": d.line.session_id, "status": status, "reason": d.line.reason, "arm": d.arm,
                     "legal_basis": d.legal_basis, "language": d.language,
                     "visit_started_at": d.visit_started_at, "visit_ended_at": d.visit_ended_at,
                     "due_at": d.due_at, "viewed_sku": d.line.viewed_sku,
                     "skus": ([d.line.viewed_sku, *d.line.accessory_skus] if d.line.accessory_skus else []),
                     "premises": [p.data() for p in d.line.premises], "attempts": 0})
    inserted = store.add_outbox_rows(session, rows=rows)
    return EnqueueReport(decisions=len(decisions), inserted=inserted, by_status=dict(counts))
