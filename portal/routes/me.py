"""The customer's own data: events, profiling opt-out, export, erasure, price requests and offers."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks

from portal import services
from portal.deps import CustomerDep, ResourcesDep, SessionDep
from portal.schemas import (
    CustomerApprovalList,
    DataExport,
    ErasureReport,
    EventCreate,
    EventPublic,
    OptOutRequest,
    ProfilingStatePublic,
)
from store.models import LegalBasis

router = APIRouter(tags=["customer"])


@router.post("/events", response_model=EventPublic, status_code=201, responses={401: {}, 403: {}, 404: {}})
def post_event(body: EventCreate, user: CustomerDep, session: SessionDep, resources: ResourcesDep,
               after: BackgroundTasks) -> EventPublic:
    """Record a behaviour event; its legal basis comes from the company's consent state, and a search ``query`` is
    stored masked like chat text. An event about a product with a usable legal basis updates the company's
    recommendations right after the response."""
    event = services.record_event(resources, session, user, body)
    if event.sku is not None and event.legal_basis != LegalBasis.none:
        after.add_task(services.refresh_customer_model, resources, user)
    return event


@router.post("/me/profiling-opt-out", response_model=ProfilingStatePublic, responses={401: {}, 403: {}})
def post_opt_out(user: CustomerDep, session: SessionDep, resources: ResourcesDep, after: BackgroundTasks,
                 body: OptOutRequest | None = None) -> ProfilingStatePublic:
    """Object to profiling (or withdraw the objection with ``{"opt_out": false}``). The loaded ranking model
    drops (or restores) the company's personal rows right after the response."""
    state = services.set_profiling_opt_out(session, user, body or OptOutRequest())
    after.add_task(services.refresh_customer_model, resources, user)
    return state


@router.get("/me/data", response_model=DataExport, responses={401: {}, 403: {}})
def get_my_data(user: CustomerDep, session: SessionDep) -> DataExport:
    """Export everything held about the caller and its company."""
    return services.export_data(session, user)


@router.delete("/me", response_model=ErasureReport, responses={401: {}, 403: {}})
def delete_me(user: CustomerDep, session: SessionDep) -> ErasureReport:
    """Erase the caller's personal data (aggregates are kept, the company's event query texts are not); the
    caller's tokens and page sessions stop working."""
    return services.erase_contact(session, user)


@router.get("/me/approvals", response_model=CustomerApprovalList, responses={401: {}, 403: {}})
def get_my_approvals(user: CustomerDep, session: SessionDep) -> CustomerApprovalList:
    """The company's price requests (pending, approved offers, rejected, expired), newest first."""
    return services.company_approvals(session, user)
