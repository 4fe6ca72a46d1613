"""HTTP-free portal services: each route calls one function here. They take resources or an explicit session
and raise ``core.errors`` (never ``HTTPException``)."""

from __future__ import annotations

from portal.services.approvals import approval_detail, decide_approval, list_approvals
from portal.services.chat import chat
from portal.services.customer import (
    company_approvals,
    erase_contact,
    export_data,
    profiling_state,
    record_event,
    refresh_customer_model,
    set_profiling_opt_out,
)
from portal.services.health import readiness
from portal.services.pages import disclosure_text, home_for, parse_form, staff_queue, try_login
from portal.services.recommendations import explain, recommend

__all__ = [
    "approval_detail",
    "chat",
    "company_approvals",
    "decide_approval",
    "disclosure_text",
    "erase_contact",
    "explain",
    "export_data",
    "home_for",
    "list_approvals",
    "parse_form",
    "profiling_state",
    "readiness",
    "recommend",
    "record_event",
    "refresh_customer_model",
    "set_profiling_opt_out",
    "staff_queue",
    "try_login",
]
