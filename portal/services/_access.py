"""Ownership, checked once at the portal's edge: a customer touches only its own company's rows (who the caller
is, and its role, come from the dependencies in ``portal.deps``)."""

from __future__ import annotations

from core.errors import PermissionDeniedError
from portal.auth import Principal


def ensure_own_company(principal: Principal, company_id: int | None, what: str) -> None:
    """Raise ``PermissionDeniedError`` unless a customer owns the row (staff may read every company)."""
    if principal.is_staff:
        return
    if principal.company_id is None or company_id != principal.company_id:
        raise PermissionDeniedError(f"{what} belongs to another company")
