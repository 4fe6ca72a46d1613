"""How the follow-ups do: the e-mail's CTR and attributed orders from the KPI report (impressions with surface
``email``, clicks and orders attributed by the usual rule), and the intent-to-treat comparison the control arm
exists for.

Intent to treat: the unit is an *eligible visit*, one that passed every check. In the treatment arm it was
assigned an e-mail (whatever became of it: sent, failed or cancelled at send time); in the control arm it was
recorded as "would have received" and nothing was sent. A visit *converts* when its company has an ``order`` in
the measurement log within the attribution window after the visit's due time; its revenue is those orders'
(main currency). Conversion and revenue per visit are compared between the arms with the measurement package's
company-clustered delta-method interval (``measurement.stats.ratio_uplifts``).
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
from pydantic import BaseModel, Field
from sqlmodel import Session

from measurement import stats
from measurement.attribution import DEFAULT_WINDOW
from measurement.kpi import KpiOptions
from measurement.models import ArmCounts, ArmFigures, UpliftBlock
from measurement.source import report_from_store
from store import followups as store
from store import measurement as log
from store.models import FollowupStatus, MeasurementEventType

SYNTHETIC = ("demo", "synthetic")


class EmailKpis(BaseModel):
    """The follow-up e-mail's figures over a period of due dates (both days included)."""

    start: date | None = None
    end: date | None = None
    statuses: dict[str, int] = Field(default_factory=dict)
    """Outbox rows due in the period, by state."""
    impressions: int = 0
    clicks: int = 0
    ctr: float | None = None
    """Attributed clicks / impressions of surface ``email`` (the KPI report's rule)."""
    attributed_orders: int = 0
    attributed_revenue: float = 0.0
    window_days: float = DEFAULT_WINDOW.total_seconds() / 86400
    eligible_visits: ArmCounts = Field(default_factory=ArmCounts)
    """Eligible visits: assigned an e-mail (treatment) or recorded as "would have received" (control)."""
    companies: ArmCounts = Field(default_factory=ArmCounts)
    conversion: ArmFigures = Field(default_factory=ArmFigures)
    revenue_per_visit: ArmFigures = Field(default_factory=ArmFigures)
    uplift: UpliftBlock = Field(default_factory=UpliftBlock)
    """Treatment minus control (``revenue_per_session`` is revenue per eligible visit)."""
    currency: str | None = None
    synthetic: bool = False
    """Some orders come from the demo's behaviour simulation."""
    warnings: list[str] = Field(default_factory=list)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _aware(ts: datetime) -> datetime:
    return ts if ts.tzinfo is not None else ts.replace(tzinfo=UTC)


def email_kpis(session: Session, *, start: date | None = None, end: date | None = None,
               window: timedelta = DEFAULT_WINDOW) -> EmailKpis:
    """Return the e-mail's CTR and attributed orders (visits due in ``start``..``end``) and the intent-to-treat
    comparison of eligible treatment and control visits."""
    lo = _midnight(start) if start else None
    hi = _midnight(end + timedelta(days=1)) if end else None
    out = EmailKpis(start=start, end=end, window_days=window.total_seconds() / 86400)
    rows = store.assigned_rows(session, due_from=lo, due_to=hi)
    out.statuses = dict(Counter(r.status.value for r, _ in rows))
    report = report_from_store(session, KpiOptions(start=start, end=end, window=window))
    out.impressions = report.impressions.get("email", 0)
    out.clicks = report.clicks.get("email", 0)
    out.ctr = report.ctr.get("email")
    out.attributed_orders = report.attribution.orders_by_surface.get("email", 0)
    out.attributed_revenue = report.attribution.revenue_by_surface.get("email", 0.0)
    out.currency = report.currency
    units = []
    synthetic = False
    for row, company in rows:
        if row.status == FollowupStatus.control:
            arm = "control"
        elif row.arm == "treatment":
            arm = "treatment"
        else:
            continue  # outside the experiment (no split running, or an objector): not part of the comparison
        due = _aware(row.due_at)
        orders = log.company_events(session, company=company, types=[MeasurementEventType.order], since=due,
                                    until=due + window + timedelta(microseconds=1))
        paid = [o for o in orders if out.currency is None or o.currency in (None, out.currency)]
        synthetic = synthetic or any(o.source in SYNTHETIC for o in orders)
        units.append({"variant": arm, "company": company, "converted": int(bool(orders)),
                      "revenue": float(sum(float(o.revenue or 0) for o in paid))})
    out.synthetic = synthetic
    frame = pd.DataFrame(units, columns=["variant", "company", "converted", "revenue"])
    per_company = (frame.groupby(["variant", "company"]).agg(sessions=("converted", "size"),
                                                             conversions=("converted", "sum"),
                                                             revenue=("revenue", "sum")).reset_index())
    count = frame["variant"].value_counts()
    out.eligible_visits = ArmCounts(treatment=int(count.get("treatment", 0)), control=int(count.get("control", 0)))
    out.companies = ArmCounts(**{a: int((per_company["variant"] == a).sum()) for a in ("treatment", "control")})
    with warnings.catch_warnings():  # no variance in an arm (no order at all): scipy warns, _finite says None
        warnings.simplefilter("ignore", RuntimeWarning)
        both = stats.ratio_uplifts(per_company, {"conversion": ("conversions", "sessions"),
                                                 "revenue": ("revenue", "sessions")})
    conv, rev = both["conversion"], both["revenue"]
    out.conversion = ArmFigures(treatment=conv.treatment, control=conv.control)
    out.revenue_per_visit = ArmFigures(treatment=rev.treatment, control=rev.control)
    out.uplift = UpliftBlock.model_validate({
        "conversion": _uplift(conv), "revenue_per_session": _uplift(rev)})
    if min(out.companies.treatment, out.companies.control) < 2:
        out.warnings.append("fewer than two companies in an arm: no interval (the control arm gets ~10 % of the "
                            "eligible visits, so it takes a while to fill)")
    if synthetic:
        out.warnings.append("synthetic data: the orders come from the demo's behaviour simulation")
    return out


def _finite(value: float | None) -> float | None:
    """None for a missing or undefined figure (no variance in an arm makes the interval NaN)."""
    return value if value is not None and math.isfinite(value) else None


def _uplift(result: stats.UpliftResult) -> dict[str, object]:
    return {"absolute": _finite(result.absolute), "relative": _finite(result.relative),
            "ci95": [_finite(result.ci_low), _finite(result.ci_high)],
            "relative_ci95": [_finite(result.rel_ci_low), _finite(result.rel_ci_high)],
            "p_value": _finite(result.p_value)}
