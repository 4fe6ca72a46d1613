"""The staff approval queue over ``guardrails.approvals`` (the price gate): list, read with audit trail, decide.

The caller is a :class:`~portal.auth.Staff` already (the dependency checked the role once)."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session

from core.errors import InputError, NotFoundError
from guardrails import approvals as gate
from portal.auth import Staff
from portal.schemas import ApprovalDetail, ApprovalList, ApprovalPublic, AuditEntryPublic
from store import approvals, catalog, companies
from store.audit import audit_trail as trail_of
from store.models import ApprovalStatus, PriceApproval


def expire_due(session: Session) -> None:
    """Mark pending requests past their expiry as expired (delegates to the price gate)."""
    gate.expire_due(session)
    session.commit()


def _public(session: Session, row: PriceApproval) -> ApprovalPublic:
    company = companies.get_company(session, company_id=row.company_id)
    products = catalog.products_by_sku(session, skus=row.product_skus or [], active_only=False)
    catalogue = {sku: Decimal(p.unit_price).quantize(gate.CENT) for sku, p in products.items()}
    percent = (row.proposed_change or {}).get("discount_percent")
    reduced: dict[str, Decimal] = {}
    if percent is not None:
        try:
            reduced = {sku: gate.discounted(price, percent) for sku, price in catalogue.items()}
        except InputError:
            reduced = {}  # a malformed percentage: the decider sees the raw request only
    currency = next(iter(products.values())).currency if products else ""
    return ApprovalPublic.model_validate(row, from_attributes=True).model_copy(
        update={"company_name": company.name if company else "", "catalogue_prices": catalogue,
                "discounted_prices": reduced, "currency": currency})


def list_approvals(session: Session, staff: Staff, status: ApprovalStatus | None) -> ApprovalList:
    """Return approvals (optionally of one status), oldest pending first for the queue."""
    expire_due(session)
    rows = approvals.approvals(session, statuses=[status] if status is not None else None)
    data = [_public(session, row) for row in rows]
    return ApprovalList(data=data, count=len(data))


def _get(session: Session, approval_id: int) -> PriceApproval:
    row = approvals.get_approval(session, approval_id=approval_id)
    if row is None:
        raise NotFoundError(f"approval {approval_id} not found")
    return row


def audit_trail(session: Session, approval_id: int) -> list[AuditEntryPublic]:
    """Return the audit entries of one approval, oldest first."""
    return [AuditEntryPublic(at=r.at, actor=r.actor, action=r.action, details=r.details)
            for r in trail_of(session, entity=gate.APPROVAL_ENTITY, entity_id=approval_id)]


def approval_detail(session: Session, staff: Staff, approval_id: int) -> ApprovalDetail:
    """Return one approval with its audit trail (staff only)."""
    row = _get(session, approval_id)
    return ApprovalDetail(**_public(session, row).model_dump(), audit=audit_trail(session, approval_id))


def decide_approval(session: Session, staff: Staff, approval_id: int, *, approve: bool,
                    note: str | None, expected_version: int | None) -> ApprovalDetail:
    """Approve or reject a pending request exactly once; a second decision raises ``ConflictError`` (409)."""
    _get(session, approval_id)
    gate.decide(session, approval_id=approval_id, staff=staff.user, approve=approve, note=note,
                expected_version=expected_version)
    session.commit()
    return approval_detail(session, staff, approval_id)
