"""The staff page ``/ui/audit``: the equality audits stored by ``salesagent audit equality`` (audit records of
``store.oversight``), the chosen month's flags, groups and plots (the role was checked once by ``PageStaff``)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from core.errors import InputError, NotFoundError
from portal.auth import Staff

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _run(row: Any) -> dict[str, Any]:
    """One stored run for the list: its id, month, when and by whom, how many flags (details are the JSON)."""
    details = row.details or {}
    flags = details.get("flags")
    return {"id": row.id, "month": row.entity_id, "at": row.at, "actor": row.actor,
            "flags": len(flags) if isinstance(flags, list) else None,
            "companies": (details.get("population") or {}).get("companies")}


def audit_page(session: Session, staff: Staff, *, month: str | None = None, run: int | None = None
               ) -> dict[str, Any]:
    """Return what the page shows: the stored runs (newest first), the chosen one as an ``EqualityReport``
    (by ``run`` id, else the latest run of ``month``, else of the latest month stored) and its plots as PNG
    ``data:`` URLs (the pages' CSP allows no inline style, which inline SVG needs).

    A stored JSON the current model cannot read is reported on the page (``error``), not raised: an old run
    must not take the page down."""
    from oversight.models import EqualityReport
    from oversight.report import FILTERS, figure_images
    from store import oversight as store

    if month is not None and not MONTH.match(month):
        raise InputError(f"month must be YYYY-MM, not {month!r}")
    rows = store.equality_audits(session, limit=48)
    runs = [_run(r) for r in rows]
    chosen = None
    if run is not None:
        chosen = next((r for r in rows if r.id == run and (month is None or r.entity_id == month)), None)
        if chosen is None:
            raise NotFoundError(f"no stored equality audit with id {run}" + (f" for {month}" if month else ""))
    elif month is not None:
        chosen = store.equality_audit(session, month=month)
        if chosen is None:
            raise NotFoundError(f"no stored equality audit for {month}: run `salesagent audit equality "
                                f"--month {month} --out audit.html`")
    elif rows:
        latest = max(r.entity_id for r in rows)
        chosen = next(r for r in rows if r.entity_id == latest)
    report, figs, error = None, {}, None
    if chosen is not None:
        try:
            report = EqualityReport.model_validate(chosen.details or {})
        except ValidationError as err:
            error = f"the stored audit {chosen.id} ({chosen.entity_id}) cannot be read: {err.error_count()} " \
                    "fields do not match the current report shape; run the audit again"
        else:
            figs = figure_images(report)
    return {"runs": runs, "chosen": _run(chosen) if chosen is not None else None, "r": report, "figs": figs,
            "error": error, "fmt": FILTERS}
