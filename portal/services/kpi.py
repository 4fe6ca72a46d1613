"""``GET /kpi`` and the staff page ``/ui/kpi``: the recommendation KPIs of the store's measurement log (the role
was checked once by ``StaffDep``/``PageStaff``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from core.errors import InputError
from measurement.kpi import KpiOptions
from measurement.models import KpiReport
from portal.auth import Staff


def kpi_report(session: Session, staff: Staff, *, start: date | None = None, end: date | None = None) -> KpiReport:
    """Return the KPIs over ``start``..``end`` (both days included; default: the whole log)."""
    from measurement.source import report_from_store

    if start is not None and end is not None and start > end:
        raise InputError(f"from ({start}) is after to ({end})")
    return report_from_store(session, KpiOptions(start=start, end=end))


def kpi_page(session: Session, staff: Staff, *, start: date | None = None, end: date | None = None
             ) -> dict[str, Any]:
    """Return what the staff page shows: the report, its four plots (PNG ``data:`` URLs: the pages' content
    security policy allows no inline style, which an inline SVG needs), and the formatters."""
    from measurement.report import FILTERS, TITLES, figure_images

    report = kpi_report(session, staff, start=start, end=end)
    return {"report": report, "figs": figure_images(report), "titles": TITLES, "fmt": FILTERS,
            "start": start.isoformat() if start else "", "end": end.isoformat() if end else ""}
