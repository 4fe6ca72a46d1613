"""Data access for the recommendation measurement log and the A/B experiments (issue 18, docs/measurement.md).

The log (``MeasurementEvent``) is keyed by business keys (company external id, SKU), like the event files the
shop exports, so the KPIs read the database and a file the same way. Ranking never reads it: the behaviour
signals ranking may use live in ``Event`` (``store.orders``). The experiment's assignment rule,
:func:`hash_arm`, lives here so that every writer (the portal, the importer, the demo) splits companies alike.

Functions take an explicit session and keyword arguments and never commit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal, NamedTuple

from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from store.models import (
    Company,
    Experiment,
    LegalBasis,
    MeasurementEvent,
    MeasurementEventType,
    Order,
    OrderLine,
    Product,
    Variant,
    utcnow,
)

Arm = Literal["treatment", "control"]
IN_CHUNK = 500


def hash_arm(company_key: str, *, salt: str, control_share: float) -> Arm:
    """Return the arm of a company: SHA-256 of ``salt`` and the company key, read as a number in [0, 1);
    below ``control_share`` is control. Deterministic and sticky while the salt and share stay the same."""
    digest = hashlib.sha256(f"{salt}\x1f{company_key}".encode()).digest()
    return "control" if int.from_bytes(digest[:8], "big") / 2.0**64 < control_share else "treatment"


# --- the event log --------------------------------------------------------------------------------------------


class EventRow(NamedTuple):
    """One measurement event as the KPIs read it (the columns of an event file, plus ``source``)."""

    event_id: str
    ts: datetime
    session_id: str
    company: str
    type: str
    sku: str | None
    rec_request_id: str | None
    position: int | None
    surface: str | None
    revenue: Decimal | None
    currency: str | None
    variant: str | None
    source: str


EVENT_FIELDS: tuple[str, ...] = EventRow._fields


def add_events(session: Session, *, rows: Sequence[Mapping[str, Any]], source: str) -> int:
    """Insert new log rows (dicts with the :data:`EVENT_FIELDS`; the caller left out ids already stored, see
    :func:`existing_event_ids`) in bulk, each with its own ``source`` or else ``source``; return how many."""
    if not rows:
        return 0
    now = utcnow()
    values = [{k: r.get(k) for k in EVENT_FIELDS}
              | {"source": r.get("source") or source, "legal_basis": LegalBasis.legitimate_interest,
                 "created_at": now} for r in rows]
    for start in range(0, len(values), IN_CHUNK):
        session.execute(insert(MeasurementEvent), values[start:start + IN_CHUNK])
    return len(values)


def existing_event_ids(session: Session, *, event_ids: Iterable[str]) -> set[str]:
    """Return those of ``event_ids`` the log already holds."""
    ids = list(dict.fromkeys(event_ids))
    found: set[str] = set()
    for start in range(0, len(ids), IN_CHUNK):
        chunk = ids[start:start + IN_CHUNK]
        found.update(session.exec(select(MeasurementEvent.event_id)
                                  .where(col(MeasurementEvent.event_id).in_(chunk))).all())
    return found


def add_impressions(session: Session, *, rec_request_id: str, session_id: str, company: str, surface: str,
                    skus: Sequence[str], variant: Variant | str | None, ts: datetime | None = None,
                    source: str = "portal") -> list[MeasurementEvent]:
    """Store one ``impression`` per shown item of one list (position 1, 2, ...; event id
    ``<rec_request_id>:<position>``), flushed."""
    at = ts or utcnow()
    rows = [MeasurementEvent(event_id=f"{rec_request_id}:{i}", ts=at, session_id=session_id[:64], company=company,
                             type=MeasurementEventType.impression, sku=sku, rec_request_id=rec_request_id,
                             position=i, surface=surface, variant=Variant(variant) if variant else None,
                             source=source)
            for i, sku in enumerate(skus, start=1)]
    session.add_all(rows)
    session.flush()
    return rows


def events_between(session: Session, *, start: datetime | None = None, end: datetime | None = None
                   ) -> list[EventRow]:
    """Return the log's events with ``start <= ts < end`` (either bound optional), oldest first."""
    query = select(*[getattr(MeasurementEvent, f) for f in EVENT_FIELDS])  # type: ignore[call-overload]
    if start is not None:
        query = query.where(col(MeasurementEvent.ts) >= start)
    if end is not None:
        query = query.where(col(MeasurementEvent.ts) < end)
    rows = session.exec(query.order_by(col(MeasurementEvent.ts), col(MeasurementEvent.id))).all()
    return [EventRow(r[0], r[1], r[2], r[3], _value(r[4]), r[5], r[6], r[7], r[8], r[9], r[10], _value(r[11]),
                     r[12]) for r in rows]


def _value(v: Any) -> Any:
    return v.value if hasattr(v, "value") else v


def company_events(session: Session, *, company: str, types: Iterable[MeasurementEventType | str] | None = None,
                   sku: str | None = None, since: datetime | None = None, until: datetime | None = None
                   ) -> list[MeasurementEvent]:
    """Return a company's events (of some types, one SKU, ``since <= ts < until``), oldest first: its
    impressions, clicks or orders in an attribution window."""
    query = select(MeasurementEvent).where(MeasurementEvent.company == company)
    if types is not None:
        query = query.where(col(MeasurementEvent.type).in_([MeasurementEventType(t) for t in types]))
    if sku is not None:
        query = query.where(MeasurementEvent.sku == sku)
    if since is not None:
        query = query.where(col(MeasurementEvent.ts) >= since)
    if until is not None:
        query = query.where(col(MeasurementEvent.ts) < until)
    return list(session.exec(query.order_by(col(MeasurementEvent.ts), col(MeasurementEvent.id))).all())


def session_events(session: Session, *, session_id: str) -> list[MeasurementEvent]:
    """Return the events of one session, oldest first."""
    return list(session.exec(select(MeasurementEvent).where(MeasurementEvent.session_id == session_id)
                             .order_by(col(MeasurementEvent.ts), col(MeasurementEvent.id))).all())


def request_impressions(session: Session, *, rec_request_id: str) -> list[MeasurementEvent]:
    """Return the impressions of one shown list, by position."""
    return list(session.exec(select(MeasurementEvent).where(MeasurementEvent.rec_request_id == rec_request_id,
                                                            MeasurementEvent.type == MeasurementEventType.impression)
                             .order_by(col(MeasurementEvent.position))).all())


def arms(session: Session, *, start: datetime | None = None, end: datetime | None = None) -> dict[str, str]:
    """Return ``{company: variant}`` as recorded on its impressions in ``[start, end)`` (the latest wins)."""
    query = select(MeasurementEvent.company, MeasurementEvent.variant).where(
        MeasurementEvent.type == MeasurementEventType.impression, col(MeasurementEvent.variant).is_not(None))
    if start is not None:
        query = query.where(col(MeasurementEvent.ts) >= start)
    if end is not None:
        query = query.where(col(MeasurementEvent.ts) < end)
    rows = session.exec(query.order_by(col(MeasurementEvent.ts), col(MeasurementEvent.id))).all()
    return {company: str(_value(variant)) for company, variant in rows}


def event_count(session: Session) -> int:
    """Return how many events the log holds."""
    return int(session.exec(select(func.count()).select_from(MeasurementEvent)).one())


# --- experiments -----------------------------------------------------------------------------------------------


def _aware(ts: datetime) -> datetime:
    return ts if ts.tzinfo is not None else ts.replace(tzinfo=UTC)


def running_experiment(session: Session, *, at: datetime | None = None) -> Experiment | None:
    """Return the experiment running at ``at`` (default now): started, and not ended yet; the newest start wins."""
    now = _aware(at or utcnow())
    rows = session.exec(select(Experiment).where(col(Experiment.started_at) <= now)
                        .order_by(col(Experiment.started_at).desc(), col(Experiment.id).desc())).all()
    return next((e for e in rows if e.ended_at is None or _aware(e.ended_at) > now), None)


def experiments(session: Session) -> list[Experiment]:
    """Return every recorded experiment, oldest start first."""
    return list(session.exec(select(Experiment).order_by(col(Experiment.started_at), col(Experiment.id))).all())


def experiment_by_key(session: Session, *, key: str) -> Experiment | None:
    """Return the experiment with this key, or None."""
    return session.exec(select(Experiment).where(Experiment.key == key)).first()


def start_experiment(session: Session, *, key: str, salt: str, control_share: float,
                     started_at: datetime | None = None, ended_at: datetime | None = None, created_by: str = "",
                     note: str = "") -> Experiment:
    """Record a new experiment (flushed); the one running at its start is ended then, so one runs at a time."""
    at = started_at or utcnow()
    current = running_experiment(session, at=at)
    if current is not None:
        current.ended_at = at
        session.add(current)
    row = Experiment(key=key, salt=salt, control_share=control_share, started_at=at, ended_at=ended_at,
                     created_by=created_by, note=note)
    session.add(row)
    session.flush()
    return row


def end_experiment(session: Session, *, experiment: Experiment, ended_at: datetime | None = None) -> Experiment:
    """Record the experiment's end (flushed)."""
    experiment.ended_at = ended_at or utcnow()
    session.add(experiment)
    session.flush()
    return experiment


# --- what the KPIs need from the rest of the store ----------------------------------------------------------------


class CompanyFacts(NamedTuple):
    """What the KPIs read about a company: its segment and whether it objects to profiling."""

    industry: str | None
    profiling_opt_out: bool


def company_facts(session: Session) -> dict[str, CompanyFacts]:
    """Return ``{external id: (industry, profiling opt-out)}`` for every company."""
    rows = session.exec(select(Company.external_id, Company.industry, Company.profiling_opt_out)).all()
    return {ext: CompanyFacts(industry, bool(opt)) for ext, industry, opt in rows}


def known_companies(session: Session, *, keys: Iterable[str]) -> set[str]:
    """Return those of the external ids ``keys`` that name a company."""
    wanted = list(dict.fromkeys(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), IN_CHUNK):
        found.update(session.exec(select(Company.external_id)
                                  .where(col(Company.external_id).in_(wanted[start:start + IN_CHUNK]))).all())
    return found


def bestsellers(session: Session, *, start: datetime | None = None, end: datetime | None = None,
                k: int = 10) -> list[str]:
    """Return the ``k`` SKUs in the most orders with ``start <= ordered_at < end`` (ties by SKU)."""
    n = func.count(func.distinct(col(OrderLine.order_id)))
    query = (select(Product.sku, n).join(OrderLine, col(OrderLine.product_id) == col(Product.id))
             .join(Order, col(Order.id) == col(OrderLine.order_id)))
    if start is not None:
        query = query.where(col(Order.ordered_at) >= start)
    if end is not None:
        query = query.where(col(Order.ordered_at) < end)
    rows = session.exec(query.group_by(col(Product.sku)).order_by(n.desc(), col(Product.sku)).limit(k)).all()
    return [sku for sku, _ in rows]
