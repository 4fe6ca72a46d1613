"""The staff approval queue: list, read with audit trail, approve, reject (sales or admin role)."""

from __future__ import annotations

from fastapi import APIRouter

from portal import services
from portal.deps import RowId, SessionDep, StaffDep
from portal.schemas import ApprovalDetail, ApprovalList, ApproveRequest, RejectRequest
from store.models import ApprovalStatus

router = APIRouter(prefix="/approvals", tags=["staff"])


@router.get("", response_model=ApprovalList, responses={401: {}, 403: {}})
def get_approvals(user: StaffDep, session: SessionDep, status: ApprovalStatus | None = None) -> ApprovalList:
    """List price approvals, optionally of one status (pending, approved, rejected, expired)."""
    return services.list_approvals(session, user, status)


@router.get("/{approval_id}", response_model=ApprovalDetail, responses={401: {}, 403: {}, 404: {}})
def get_approval(approval_id: RowId, user: StaffDep, session: SessionDep) -> ApprovalDetail:
    """One approval with its audit trail."""
    return services.approval_detail(session, user, approval_id)


@router.post("/{approval_id}/approve", response_model=ApprovalDetail,
             responses={401: {}, 403: {}, 404: {}, 409: {"description": "already decided or expired"}})
def approve(approval_id: RowId, user: StaffDep, session: SessionDep,
            body: ApproveRequest | None = None) -> ApprovalDetail:
    """Approve a pending request (exactly once), optionally only for a minimum quantity (``min_quantity``)."""
    body = body or ApproveRequest()
    return services.decide_approval(session, user, approval_id, approve=True, note=body.note,
                                    expected_version=body.expected_version, min_quantity=body.min_quantity)


@router.post("/{approval_id}/reject", response_model=ApprovalDetail,
             responses={401: {}, 403: {}, 404: {}, 409: {"description": "already decided or expired"}})
def reject(approval_id: RowId, body: RejectRequest, user: StaffDep, session: SessionDep) -> ApprovalDetail:
    """Reject a pending request; the note is required."""
    return services.decide_approval(session, user, approval_id, approve=False, note=body.note,
                                    expected_version=body.expected_version)
