"""The staff approval queue over ``guardrails.approvals`` (the price gate): list, read with audit trail, decide."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session, col, select

from core.errors import InputError, NotFoundError, PermissionDeniedError
from portal.auth import Principal
from portal.schemas import ApprovalDetail, ApprovalList, ApprovalPublic, AuditEntryPublic
from store.models import ApprovalStatus, AuditLog, Company, PriceApproval, Product, StaffUser

APPROVAL_ENTITY = "price_approval"  # as written by guardrails.approvals


def require_staff(session: Session, principal: Principal) -> StaffUser:
    """Return the staff user behind a sales or admin principal; customers are refused."""
    if not principal.is_staff or principal.staff_user_id is None:
        raise PermissionDeniedError("the sales role is required")
    staff = session.get(StaffUser, principal.staff_user_id)
    if staff is None:
        raise PermissionDeniedError("the sales role is required")
    return staff


def expire_due(session: Session) -> None:
    """Mark pending requests past their expiry as expired (delegates to the price gate)."""
    from guardrails import approvals

    approvals.expire_due(session)
    session.commit()


def _public(session: Session, row: PriceApproval) -> ApprovalPublic:
    from guardrails.approvals import CENT, discounted

    company = session.get(Company, row.company_id)
    products = session.exec(select(Product).where(col(Product.sku).in_(row.product_skus or []))).all()
    catalogue = {p.sku: Decimal(p.unit_price).quantize(CENT) for p in products}
    percent = (row.proposed_change or {}).get("discount_percent")
    reduced: dict[str, Decimal] = {}
    if percent is not None:
        try:
            reduced = {sku: discounted(price, percent) for sku, price in catalogue.items()}
        except InputError:
            reduced = {}  # a malformed percentage: the decider sees the raw request only
    return ApprovalPublic.model_validate(row, from_attributes=True).model_copy(
        update={"company_name": company.name if company else "", "catalogue_prices": catalogue,
                "discounted_prices": reduced, "currency": products[0].currency if products else ""})


def list_approvals(session: Session, principal: Principal, status: ApprovalStatus | None) -> ApprovalList:
    """Return approvals (optionally of one status), oldest pending first for the queue."""
    require_staff(session, principal)
    expire_due(session)
    stmt = select(PriceApproval)
    if status is not None:
        stmt = stmt.where(PriceApproval.status == status)
    rows = session.exec(stmt.order_by(col(PriceApproval.requested_at), col(PriceApproval.id))).all()
    data = [_public(session, row) for row in rows]
    return ApprovalList(data=data, count=len(data))


def _get(session: Session, approval_id: int) -> PriceApproval:
    row = session.get(PriceApproval, approval_id)
    if row is None:
        raise NotFoundError(f"approval {approval_id} not found")
    return row


def audit_trail(session: Session, approval_id: int) -> list[AuditEntryPublic]:
    """Return the audit entries of one approval, oldest first."""
    rows = session.exec(select(AuditLog).where(AuditLog.entity_id == str(approval_id),
                                               AuditLog.entity == APPROVAL_ENTITY)
                        .order_by(col(AuditLog.at), col(AuditLog.id))).all()
    return [AuditEntryPublic(at=r.at, actor=r.actor, action=r.action, details=r.details) for r in rows]


def approval_detail(session: Session, principal: Principal, approval_id: int) -> ApprovalDetail:
    """Return one approval with its audit trail (staff only)."""
    require_staff(session, principal)
    row = _get(session, approval_id)
    return ApprovalDetail(**_public(session, row).model_dump(), audit=audit_trail(session, approval_id))


def decide_approval(session: Session, principal: Principal, approval_id: int, *, approve: bool,
                    note: str | None, expected_version: int | None) -> ApprovalDetail:
    """Approve or reject a pending request exactly once; a second decision raises ``ConflictError`` (409)."""
    from guardrails import approvals

    staff = require_staff(session, principal)
    _get(session, approval_id)
    approvals.decide(session, approval_id=approval_id, staff=staff, approve=approve, note=note,
                     expected_version=expected_version)
    session.commit()
    return approval_detail(session, principal, approval_id)
