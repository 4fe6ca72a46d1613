"""Ownership checks shared by the services: a customer touches only its own company's rows."""

from __future__ import annotations

from core.errors import PermissionDeniedError
from portal.auth import Principal


def customer_ids(principal: Principal) -> tuple[int, int]:
    """Return ``(company_id, contact_id)`` of a customer principal; staff callers are refused."""
    if principal.role != "customer" or principal.company_id is None or principal.contact_id is None:
        raise PermissionDeniedError("this action is for customer accounts")
    return principal.company_id, principal.contact_id


def ensure_own_company(principal: Principal, company_id: int | None, what: str) -> None:
    """Raise ``PermissionDeniedError`` unless a customer owns the row (staff may read every company)."""
    if principal.is_staff:
        return
    if principal.company_id is None or company_id != principal.company_id:
        raise PermissionDeniedError(f"{what} belongs to another company")
