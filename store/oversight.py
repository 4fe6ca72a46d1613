"""Data access for the oversight layer (issue 23): what the equality audit and the drift monitor read, the
audit records they leave, and the per-turn signal row the monitor reads when the agent writes one.

The protected attributes are not read here: their one read path is :mod:`store.protected_read`.
Functions take an explicit session and keyword arguments and never commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import func
from sqlmodel import Session, col, select

from store.audit import add_audit
from store.models import (
    ApprovalStatus,
    AuditLog,
    Company,
    Conversation,
    Event,
    EventType,
    Message,
    Order,
    OrderLine,
    PriceApproval,
    Product,
    Recommendation,
)

EQUALITY_ACTION = "audit.equality"
"""The audit-log action of a stored equality audit (entity ``equality_audit``, entity id the month)."""
TURN_SIGNALS_ACTION = "turn.signals"
"""The audit-log action of one chat turn's monitoring signals (:func:`record_turn_signals`)."""
OUTPUT_CHECK_PREFIX = "output_check."
IN_CHUNK = 500


# --- the equality audit ----------------------------------------------------------------------------------------


class AuditCompany(NamedTuple):
    """A company with the business dimensions the audit groups by."""

    id: int
    external_id: str
    region: str | None
    industry: str | None
    size_band: str | None
    funnel_stage: str | None
    source: str


def audit_companies(session: Session) -> list[AuditCompany]:
    """Return every company with its region, industry, size band, funnel stage and source, by id."""
    rows = session.exec(select(Company.id, Company.external_id, Company.region, Company.industry,  # type: ignore[call-overload]
                               Company.size_band, Company.funnel_stage, Company.source)
                        .order_by(col(Company.id))).all()
    return [AuditCompany(int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows]


class CatalogueItem(NamedTuple):
    """What the exposure metrics need of a product."""

    sku: str
    category: str
    unit_price: float
    active: bool


def catalogue_items(session: Session) -> list[CatalogueItem]:
    """Return every product's SKU, category, catalogue price and whether it is active."""
    rows = session.exec(select(Product.sku, Product.category, Product.unit_price, Product.active)  # type: ignore[call-overload]
                        .order_by(col(Product.sku))).all()
    return [CatalogueItem(sku, category or "", float(price or 0), bool(active)) for sku, category, price, active in rows]


def purchased_skus(session: Session, *, start: datetime, end: datetime) -> dict[int, set[str]]:
    """Return ``{company id: SKUs it ordered with start <= ordered_at < end}``."""
    rows = session.exec(select(Order.company_id, Product.sku)  # type: ignore[call-overload]
                        .join(OrderLine, col(OrderLine.order_id) == col(Order.id))
                        .join(Product, col(Product.id) == col(OrderLine.product_id))
                        .where(col(Order.ordered_at) >= start, col(Order.ordered_at) < end)).all()
    out: dict[int, set[str]] = defaultdict(set)
    for company_id, sku in rows:
        out[int(company_id)].add(sku)
    return dict(out)


def order_line_counts(session: Session, *, start: datetime, end: datetime) -> dict[str, int]:
    """Return ``{sku: order lines}`` of the orders placed with ``start <= ordered_at < end`` (popularity)."""
    rows = session.exec(select(Product.sku, func.count(col(OrderLine.id)))
                        .join(OrderLine, col(OrderLine.product_id) == col(Product.id))
                        .join(Order, col(Order.id) == col(OrderLine.order_id))
                        .where(col(Order.ordered_at) >= start, col(Order.ordered_at) < end)
                        .group_by(col(Product.sku))).all()
    return {sku: int(n) for sku, n in rows}


class PriceRequestRow(NamedTuple):
    """A price request as the access-to-offers metrics read it."""

    id: int
    company_id: int
    requested_at: datetime
    status: str
    decided_at: datetime | None
    approved_unit_price: float | None
    discount_percent: float | None
    """The percentage the request asked for (``proposed_change.discount_percent``), when it named one."""
    list_price: float | None
    """The catalogue price of its product now (requests about one product only)."""


def price_requests_between(session: Session, *, start: datetime, end: datetime) -> list[PriceRequestRow]:
    """Return the price requests filed with ``start <= requested_at < end``, oldest first."""
    rows = session.exec(select(PriceApproval).where(col(PriceApproval.requested_at) >= start,
                                                     col(PriceApproval.requested_at) < end)
                        .order_by(col(PriceApproval.requested_at), col(PriceApproval.id))).all()
    single = sorted({r.product_skus[0] for r in rows if len(r.product_skus or []) == 1})
    prices: dict[str, float] = {}
    for i in range(0, len(single), IN_CHUNK):
        prices.update({sku: float(p) for sku, p in session.exec(
            select(Product.sku, Product.unit_price)  # type: ignore[call-overload]
            .where(col(Product.sku).in_(single[i:i + IN_CHUNK]))).all()})
    out = []
    for r in rows:
        pct = (r.proposed_change or {}).get("discount_percent")
        try:
            percent = float(pct) if pct is not None else None
        except (TypeError, ValueError):
            percent = None
        skus = r.product_skus or []
        out.append(PriceRequestRow(
            id=r.id or 0, company_id=r.company_id, requested_at=r.requested_at,
            status=r.status.value if isinstance(r.status, ApprovalStatus) else str(r.status),
            decided_at=r.decided_at,
            approved_unit_price=float(r.approved_unit_price) if r.approved_unit_price is not None else None,
            discount_percent=percent, list_price=prices.get(skus[0]) if len(skus) == 1 else None))
    return out


def add_equality_audit(session: Session, *, month: str, report: dict[str, Any], actor: str) -> AuditLog:
    """Store one equality audit (its JSON) as an audit record of ``month`` (added, not committed)."""
    return add_audit(session, actor=actor, action=EQUALITY_ACTION, entity="equality_audit", entity_id=month,
                     details=report)


def equality_audits(session: Session, *, limit: int = 24) -> list[AuditLog]:
    """Return the stored equality audits, newest first (several runs of one month: each of them)."""
    return list(session.exec(select(AuditLog).where(AuditLog.action == EQUALITY_ACTION)
                             .order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc()).limit(limit)).all())


def equality_audit(session: Session, *, month: str) -> AuditLog | None:
    """Return the latest stored equality audit of ``month`` (``YYYY-MM``), or None."""
    return session.exec(select(AuditLog).where(AuditLog.action == EQUALITY_ACTION, AuditLog.entity_id == month)
                        .order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc()).limit(1)).first()


# --- the drift monitor -------------------------------------------------------------------------------------------


class UserMessage(NamedTuple):
    """A customer's (masked) chat message with its conversation's language and its company's segment."""

    conversation_id: str
    created_at: datetime
    masked_text: str
    language: str
    industry: str | None
    size_band: str | None


def user_messages_between(session: Session, *, start: datetime, end: datetime) -> list[UserMessage]:
    """Return the customers' messages with ``start <= created_at < end``, oldest first."""
    rows = session.exec(
        select(Message.conversation_id, Message.created_at, Message.masked_text,  # type: ignore[call-overload]
               Conversation.language, Company.industry, Company.size_band)
        .join(Conversation, col(Conversation.id) == col(Message.conversation_id))
        .join(Company, col(Company.id) == col(Conversation.company_id), isouter=True)
        .where(Message.role == "user", col(Message.created_at) >= start, col(Message.created_at) < end)
        .order_by(col(Message.created_at), col(Message.id))).all()
    return [UserMessage(*r) for r in rows]


class Turn(NamedTuple):
    """One answered chat turn (its assistant message)."""

    conversation_id: str
    created_at: datetime
    answered_by: str | None


def turns_between(session: Session, *, start: datetime, end: datetime) -> list[Turn]:
    """Return the assistant messages (one per answered turn) with ``start <= created_at < end``."""
    rows = session.exec(select(Message.conversation_id, Message.created_at, Message.answered_by)  # type: ignore[call-overload]
                        .where(Message.role == "assistant", col(Message.created_at) >= start,
                               col(Message.created_at) < end)
                        .order_by(col(Message.created_at), col(Message.id))).all()
    return [Turn(*r) for r in rows]


def output_check_actions_between(session: Session, *, start: datetime, end: datetime) -> list[tuple[str, str]]:
    """Return ``(conversation id, action)`` of the output-check audit rows (a trip: ``output_check.repair`` or
    ``output_check.block``) with ``start <= at < end``."""
    rows = session.exec(select(AuditLog.entity_id, AuditLog.action)  # type: ignore[call-overload]
                        .where(col(AuditLog.action).startswith(OUTPUT_CHECK_PREFIX), col(AuditLog.at) >= start,
                               col(AuditLog.at) < end)).all()
    return [(entity_id, action) for entity_id, action in rows]


class ShownRecommendation(NamedTuple):
    """One recommendation row (chat or widget) with its product and the kinds of its premises."""

    created_at: datetime
    company_id: int | None
    sku: str
    rank: int
    surface: str
    premise_kinds: tuple[str, ...]


def recommendations_between(session: Session, *, start: datetime, end: datetime) -> list[ShownRecommendation]:
    """Return the recommendations shown with ``start <= created_at < end``, oldest first."""
    rows = session.exec(select(Recommendation.created_at, Recommendation.company_id, Product.sku,  # type: ignore[call-overload]
                               Recommendation.rank, Recommendation.surface, Recommendation.premises)
                        .join(Product, col(Product.id) == col(Recommendation.product_id))
                        .where(col(Recommendation.created_at) >= start, col(Recommendation.created_at) < end)
                        .order_by(col(Recommendation.created_at), col(Recommendation.id))).all()
    return [ShownRecommendation(at, company, sku, int(rank), surface,
                                tuple(str(p.get("kind", "")) for p in (premises or []) if isinstance(p, dict)))
            for at, company, sku, rank, surface, premises in rows]


def chat_price_requests_between(session: Session, *, start: datetime, end: datetime) -> list[str]:
    """Return the conversation ids of the price requests filed from a chat with ``start <= requested_at < end``."""
    rows = session.exec(select(PriceApproval.conversation_id)
                        .where(col(PriceApproval.conversation_id).is_not(None),
                               col(PriceApproval.requested_at) >= start, col(PriceApproval.requested_at) < end)).all()
    return [str(r) for r in rows]


def searches_between(session: Session, *, start: datetime, end: datetime) -> list[bool]:
    """Return, for each shop search event with ``start <= occurred_at < end`` (oldest first), whether it listed
    anything: an ``impression`` in the same session after it and before the session's next search."""
    searches = session.exec(select(Event.session_id, Event.occurred_at, Event.id)  # type: ignore[call-overload]
                            .where(Event.type == EventType.search, col(Event.occurred_at) >= start,
                                   col(Event.occurred_at) < end)
                            .order_by(col(Event.occurred_at), col(Event.id))).all()
    if not searches:
        return []
    sessions = select(Event.session_id).where(Event.type == EventType.search, col(Event.occurred_at) >= start,
                                              col(Event.occurred_at) < end)
    follows = session.exec(select(Event.session_id, Event.occurred_at, Event.id, Event.type)  # type: ignore[call-overload]
                           .where(col(Event.type).in_([EventType.search, EventType.impression]),
                                  col(Event.session_id).in_(sessions), col(Event.occurred_at) >= start)
                           .order_by(col(Event.session_id), col(Event.occurred_at), col(Event.id))).all()
    listed: dict[tuple[str, int], bool] = {}
    current: dict[str, tuple[str, int]] = {}
    for sid, _at, eid, etype in follows:
        kind = etype.value if hasattr(etype, "value") else str(etype)
        if kind == EventType.search.value:
            current[sid] = (sid, int(eid or 0))
            listed.setdefault(current[sid], False)
        elif sid in current:
            listed[current[sid]] = True
    return [listed.get((sid, int(eid or 0)), False) for sid, _at, eid in searches]


def record_turn_signals(session: Session, *, conversation_id: str, tool_calls: Sequence[str],
                        scores: Sequence[float] = (), searches: int = 0, no_result_searches: int = 0,
                        at: datetime | None = None) -> AuditLog:
    """Add the monitoring signals of one chat turn (the tools it called, the scores of what it recommended, its
    searches and how many found nothing) as an audit row, in the turn's own transaction (added, not committed).

    Additive: the monitor reads these rows when they exist and reports the signals as not recorded otherwise.
    """
    row = add_audit(session, actor="agent", action=TURN_SIGNALS_ACTION, entity="conversation",
                    entity_id=conversation_id,
                    details={"tool_calls": list(tool_calls), "scores": [round(float(s), 6) for s in scores],
                             "searches": int(searches), "no_result_searches": int(no_result_searches)})
    if at is not None:
        row.at = at
    return row


class TurnSignals(NamedTuple):
    """What :func:`record_turn_signals` stored for one turn."""

    at: datetime
    conversation_id: str
    tool_calls: tuple[str, ...]
    scores: tuple[float, ...]
    searches: int
    no_result_searches: int


def turn_signals_between(session: Session, *, start: datetime, end: datetime) -> list[TurnSignals]:
    """Return the stored per-turn signals with ``start <= at < end``, oldest first."""
    rows = session.exec(select(AuditLog).where(AuditLog.action == TURN_SIGNALS_ACTION, col(AuditLog.at) >= start,
                                               col(AuditLog.at) < end)
                        .order_by(col(AuditLog.at), col(AuditLog.id))).all()
    out = []
    for r in rows:
        d = r.details or {}
        out.append(TurnSignals(r.at, r.entity_id, tuple(str(t) for t in d.get("tool_calls") or []),
                               tuple(float(s) for s in d.get("scores") or []), int(d.get("searches") or 0),
                               int(d.get("no_result_searches") or 0)))
    return out


def active_sku_count(session: Session) -> int:
    """Return how many catalogue products are active (the coverage denominator)."""
    return int(session.exec(select(func.count()).select_from(Product).where(col(Product.active).is_(True))).one())

