"""The price gate: every price-affecting action becomes a pending PriceApproval; only sales/admin staff decide.

State machine (``status``): pending -> approved | rejected | expired; approved -> expired (when ``expires_at``
passes). Every transition is a conditional ``UPDATE ... WHERE status=<from> AND version=<seen>``, so two
concurrent decisions on one request cannot both win: the loser gets :class:`ConflictError`. Every transition
writes an :class:`AuditLog` row. The only prices a customer may be told are the catalogue price and approved,
unexpired offers for that company (:func:`allowed_prices`).

Mutating functions commit by default (``commit=False`` leaves the transaction to the caller).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from core.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from store import approvals as rows_of
from store import catalog
from store.audit import add_audit, add_audits
from store.models import ApprovalStatus, PriceApproval, StaffRole, StaffUser

KINDS = frozenset({"discount", "quote", "segment_price_range", "price_change"})
DECIDER_ROLES = frozenset({StaffRole.sales, StaffRole.admin})
DEFAULT_TTL_HOURS = 72.0
CENT = Decimal("0.01")
APPROVAL_ENTITY = "price_approval"
"""The ``AuditLog.entity`` of every price-approval transition."""
PRICE_KEYS = ("unit_price", "new_price", "special_price", "net_price", "price_override", "override_price")
"""Keys of a request's ``proposed_change`` that name the unit price asked for (one-product requests)."""
MAX_QUANTITY = 1_000_000
TOLD_ACTION = "price_approval.told"
"""The audit action of the assistant telling the customer about a decision in a reply."""


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def _aware(dt: datetime) -> datetime:
    """SQLite returns naive datetimes; the store writes UTC only."""
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def _money(value: Any) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InputError(f"not a price: {value!r}") from exc
    if d < 0:
        raise InputError(f"negative price: {value}")
    return d.quantize(CENT)


def _audit(session: Session, *, actor: str, action: str, approval_id: int, details: dict[str, Any]) -> None:
    add_audit(session, actor=actor, action=action, entity=APPROVAL_ENTITY, entity_id=approval_id, details=details)


def request_price_change(session: Session, *, company_id: int, conversation_id: str | None, skus: list[str],
                         kind: str, proposed_change: dict[str, Any], reason: str,
                         ttl_hours: float | None = None, requested_by: str = "agent",
                         now: datetime | None = None, commit: bool = True) -> PriceApproval:
    """Return a new pending PriceApproval (audited). Unknown kind, or a sku not in the catalogue, is refused."""
    if kind not in KINDS:
        raise InputError(f"unknown price change kind {kind!r}; expected one of {sorted(KINDS)}")
    if kind != "segment_price_range" and not skus:
        raise InputError("a price change needs at least one sku")
    known = catalog.existing_skus(session, skus=skus)
    for sku in skus:
        if sku not in known:
            raise NotFoundError(f"unknown sku {sku!r}")
    ttl = ttl_hours if ttl_hours is not None else DEFAULT_TTL_HOURS
    if ttl <= 0:
        raise InputError("ttl_hours must be positive")
    at = _now(now)
    row = rows_of.add_approval(session, company_id=company_id, conversation_id=conversation_id, skus=skus,
                               kind=kind, proposed_change=proposed_change, reason=reason,
                               requested_by=requested_by, requested_at=at, expires_at=at + timedelta(hours=ttl))
    assert row.id is not None
    _audit(session, actor=requested_by, action="price_approval.requested", approval_id=row.id,
           details={"kind": kind, "skus": list(skus), "company_id": company_id, "proposed_change": proposed_change})
    if commit:
        session.commit()
        session.refresh(row)
    return row


def _transition(session: Session, row_id: int, *, from_status: ApprovalStatus, version: int,
                values: dict[str, Any]) -> bool:
    """Conditional UPDATE; True when this call made the transition (exactly one caller can)."""
    try:
        return rows_of.transition(session, approval_id=row_id, from_status=from_status, version=version,
                                  values=values)
    except OperationalError as exc:  # SQLite: the other writer held the lock past the busy timeout
        session.rollback()
        raise ConflictError(f"price approval {row_id} is being decided concurrently; reload and retry") from exc


def _approved_price(session: Session, row: PriceApproval, override: Decimal | float | str | None) -> Decimal | None:
    """Return the unit price an approval grants: the decider's override, a price in the request, or, for a
    one-product discount request in percent, the catalogue price at decision time less that percentage (so
    the customer can be told the approved price and the output check allows it)."""
    if override is not None:
        return _money(override)
    change = row.proposed_change or {}
    for key in PRICE_KEYS:
        if key in change:
            return _money(change[key])
    if "discount_percent" in change and len(row.product_skus or []) == 1:
        product = catalog.product_by_sku(session, sku=row.product_skus[0])
        if product is not None:
            try:
                return discounted(Decimal(product.unit_price), change["discount_percent"])
            except InputError:
                return None  # a malformed percentage must not block the decision; the offer then has no price
    return None


def discounted(catalogue_price: Decimal, percent: Any) -> Decimal:
    """Return ``catalogue_price`` less ``percent`` %, rounded to the cent."""
    try:
        pct = Decimal(str(percent))
    except InvalidOperation as exc:
        raise InputError(f"not a discount percentage: {percent!r}") from exc
    if not Decimal(0) < pct < Decimal(100):
        raise InputError(f"a discount must be between 0 and 100 %, got {percent!r}")
    return (catalogue_price * (Decimal(100) - pct) / Decimal(100)).quantize(CENT)


def decide(session: Session, *, approval_id: int, staff: StaffUser, approve: bool, note: str | None = None,
           expected_version: int | None = None, approved_unit_price: Decimal | float | str | None = None,
           min_quantity: int | None = None, now: datetime | None = None, commit: bool = True) -> PriceApproval:
    """Approve or reject a pending request exactly once; return the decided row. ``min_quantity`` is an
    approval's condition ("for 50 pieces or more"); the customer is told it with the decision.

    Raises PermissionDeniedError (not sales/admin), InputError (rejection without a note, a condition on a
    rejection, a minimum quantity that is not a whole number of at least 1), NotFoundError, ConflictError
    (already decided, expired, or another decision won the race / ``expected_version`` is stale).
    """
    if staff is None or staff.role not in DECIDER_ROLES:
        raise PermissionDeniedError("only staff with the sales or admin role may decide price approvals")
    if not approve and not (note and note.strip()):
        raise InputError("a rejection needs a note explaining why")
    if min_quantity is not None:
        if not approve:
            raise InputError("a minimum quantity is a condition of an approval; a rejection has none")
        if isinstance(min_quantity, bool) or not isinstance(min_quantity, int) \
                or not 1 <= min_quantity <= MAX_QUANTITY:
            raise InputError(f"the minimum quantity must be a whole number from 1 to {MAX_QUANTITY}, "
                             f"got {min_quantity!r}")
    row = rows_of.get_approval(session, approval_id=approval_id)
    if row is None:
        raise NotFoundError(f"price approval {approval_id} not found")
    at = _now(now)
    version = row.version if expected_version is None else expected_version
    if row.status != ApprovalStatus.pending:
        raise ConflictError(f"price approval {approval_id} is already {row.status.value}")
    if _aware(row.expires_at) <= at:
        if _transition(session, approval_id, from_status=ApprovalStatus.pending, version=row.version,
                       values={"status": ApprovalStatus.expired}):
            _audit(session, actor="system", action="price_approval.expired", approval_id=approval_id,
                   details={"on_decision_by": staff.username})
            session.commit()
        raise ConflictError(f"price approval {approval_id} expired at {row.expires_at:%Y-%m-%d %H:%M} UTC")
    price = _approved_price(session, row, approved_unit_price) if approve else None
    status = ApprovalStatus.approved if approve else ApprovalStatus.rejected
    won = _transition(session, approval_id, from_status=ApprovalStatus.pending, version=version, values={
        "status": status, "decided_by": staff.username, "decided_at": at, "note": note,
        "approved_unit_price": price, "min_quantity": min_quantity,
    })
    if not won:
        session.rollback()
        raise ConflictError(f"price approval {approval_id} was decided by someone else (version {version} is stale)")
    _audit(session, actor=staff.username, action=f"price_approval.{status.value}", approval_id=approval_id,
           details={"note": note, "approved_unit_price": str(price) if price is not None else None,
                    "min_quantity": min_quantity, "version": version + 1})
    if commit:
        session.commit()
    session.refresh(row)
    return row


def expire_due(session: Session, *, now: datetime | None = None, commit: bool = True) -> int:
    """Mark pending and approved requests whose ``expires_at`` has passed as expired, each audited; return how
    many."""
    expired = rows_of.expire_due(session, at=_now(now))
    add_audits(session, actor="system", action="price_approval.expired", entity=APPROVAL_ENTITY,
               rows=[(approval_id, {"from": old.value}) for approval_id, old in expired])
    if commit:
        session.commit()
    return len(expired)


def approved_offers(session: Session, company_id: int, *, now: datetime | None = None) -> list[PriceApproval]:
    """Return the company's approved offers that have not expired."""
    at = _now(now)
    rows = rows_of.approvals(session, statuses=[ApprovalStatus.approved], company_id=company_id)
    return [r for r in rows if _aware(r.expires_at) > at]


def offer_prices(offer: PriceApproval, sku: str, catalogue_price: Decimal | None = None) -> set[Decimal]:
    """Return the unit prices an approved offer grants for ``sku`` (empty when it does not cover it). A
    several-product discount in percent grants the catalogue price less that percentage (``catalogue_price``
    needed)."""
    if sku not in (offer.product_skus or []):
        return set()
    out: set[Decimal] = set()
    if offer.approved_unit_price is not None and len(offer.product_skus) == 1:
        out.add(Decimal(offer.approved_unit_price).quantize(CENT))
    change = offer.proposed_change or {}
    per_sku = change.get("unit_prices") or {}
    if sku in per_sku:
        out.add(_money(per_sku[sku]))
    if not out and catalogue_price is not None and "discount_percent" in change:
        try:
            out.add(discounted(Decimal(catalogue_price), change["discount_percent"]))
        except InputError:
            pass  # a malformed percentage grants nothing
    return out


def find_open_request(session: Session, *, company_id: int, skus: list[str], kind: str,
                      proposed_change: dict[str, Any], now: datetime | None = None) -> PriceApproval | None:
    """Return the company's unexpired request for the same products and kind that answers this one (the same
    proposed change, or this one names none: "what is my price now?"), else None: the newest approved one (an
    offer the customer can use) before the newest pending one. The agent answers with it instead of filing a
    duplicate for the sales team."""
    at = _now(now)
    rows = sorted(rows_of.approvals(session, statuses=[ApprovalStatus.pending, ApprovalStatus.approved],
                                    company_id=company_id, kind=kind), key=lambda r: -(r.id or 0))
    matches = [row for row in rows
               if sorted(row.product_skus or []) == sorted(skus) and _aware(row.expires_at) > at
               and (not proposed_change or dict(row.proposed_change or {}) == dict(proposed_change))]
    approved = [row for row in matches if row.status == ApprovalStatus.approved]
    best = approved or matches
    return best[0] if best else None


def recent_requests(session: Session, company_id: int, *, now: datetime | None = None,
                    limit: int = 3) -> list[PriceApproval]:
    """Return the company's requests still in force (pending, approved or rejected, not expired), newest first:
    what "is there a decision on my discount?" is about."""
    at = _now(now)
    rows = rows_of.approvals(session, statuses=[ApprovalStatus.pending, ApprovalStatus.approved,
                                                ApprovalStatus.rejected], company_id=company_id, newest_first=True)
    return [row for row in rows if _aware(row.expires_at) > at][:limit]


def allowed_prices(session: Session, company_id: int, sku: str, *, now: datetime | None = None) -> set[Decimal]:
    """Return the prices a customer of ``company_id`` may be told for ``sku``: catalogue + approved offers."""
    product = catalog.product_by_sku(session, sku=sku)
    if product is None:
        return set()
    catalogue = Decimal(product.unit_price).quantize(CENT)
    prices = {catalogue}
    for offer in approved_offers(session, company_id, now=now):
        prices |= offer_prices(offer, sku, catalogue)
    return prices


def proposed_unit_prices(row: PriceApproval, catalogue: dict[str, Decimal]) -> dict[str, Decimal]:
    """Return the net unit price per SKU a request is about: what an approval granted (``approved_unit_price``,
    per-SKU ``unit_prices``, the percentage off ``catalogue``), or for an undecided one what approving would
    grant (a price in the request, or the catalogue price less the percentage asked for). SKUs without a price
    in the request (a quote for a quantity) are left out; a malformed value gives no price, never an error."""
    skus = list(row.product_skus or [])
    if row.approved_unit_price is not None and len(skus) == 1:
        return {skus[0]: Decimal(row.approved_unit_price).quantize(CENT)}
    change = row.proposed_change or {}
    out: dict[str, Decimal] = {}
    per_sku = change.get("unit_prices") or {}
    for sku in skus:
        try:
            if isinstance(per_sku, dict) and sku in per_sku:
                out[sku] = _money(per_sku[sku])
            elif len(skus) == 1 and (key := next((k for k in PRICE_KEYS if k in change), None)):
                out[sku] = _money(change[key])
            elif "discount_percent" in change and sku in catalogue:
                out[sku] = discounted(Decimal(catalogue[sku]), change["discount_percent"])
        except InputError:
            continue
    return out


def untold_decisions(session: Session, company_id: int, *, now: datetime | None = None,
                     limit: int = 5) -> list[PriceApproval]:
    """Return the company's decisions the customer has not been told yet, oldest decision first: approved
    offers that still hold and rejections of requests that would still be open. A decision whose request ran
    out before anyone told the customer is moot (the demo's history is such), so it is never announced."""
    return rows_of.untold_decisions(session, company_id=company_id, at=_now(now), limit=limit)


def mark_told(session: Session, *, approval_ids: list[int], conversation_id: str | None,
              now: datetime | None = None) -> list[int]:
    """Record that the customer was told these decisions (in the caller's transaction: the turn's own), each
    audited; return the ids this call marked (one another turn marked first is left alone)."""
    told = rows_of.mark_told(session, approval_ids=approval_ids, at=_now(now))
    add_audits(session, actor="agent", action=TOLD_ACTION, entity=APPROVAL_ENTITY,
               rows=[(approval_id, {"conversation_id": conversation_id}) for approval_id in told])
    return told
