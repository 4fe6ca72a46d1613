"""The customer's own data: events, profiling opt-out, export, erasure, price requests and offers."""

from __future__ import annotations

from fastapi import APIRouter

from portal import services
from portal.deps import CustomerDep, SessionDep
from portal.schemas import (
    CustomerApprovalList,
    DataExport,
    ErasureReport,
    EventCreate,
    EventPublic,
    OptOutRequest,
    ProfilingStatePublic,
)

router = APIRouter(tags=["customer"])


@router.post("/events", response_model=EventPublic, status_code=201, responses={401: {}, 403: {}, 404: {}})
def post_event(body: EventCreate, user: CustomerDep, session: SessionDep) -> EventPublic:
    """Record a behaviour event; its legal basis comes from the company's consent state."""
    return services.record_event(session, user, body)


@router.post("/me/profiling-opt-out", response_model=ProfilingStatePublic, responses={401: {}, 403: {}})
def post_opt_out(user: CustomerDep, session: SessionDep,
                 body: OptOutRequest | None = None) -> ProfilingStatePublic:
    """Object to profiling (or withdraw the objection with ``{"opt_out": false}``)."""
    return services.set_profiling_opt_out(session, user, body or OptOutRequest())


@router.get("/me/data", response_model=DataExport, responses={401: {}, 403: {}})
def get_my_data(user: CustomerDep, session: SessionDep) -> DataExport:
    """Export everything held about the caller and its company."""
    return services.export_data(session, user)


@router.delete("/me", response_model=ErasureReport, responses={401: {}, 403: {}})
def delete_me(user: CustomerDep, session: SessionDep) -> ErasureReport:
    """Erase the caller's personal data (aggregates are kept); the caller's tokens stop working."""
    return services.erase_contact(session, user)


@router.get("/me/approvals", response_model=CustomerApprovalList, responses={401: {}, 403: {}})
def get_my_approvals(user: CustomerDep, session: SessionDep) -> CustomerApprovalList:
    """The company's price requests (pending, approved offers, rejected, expired), newest first."""
    return services.company_approvals(session, user)
