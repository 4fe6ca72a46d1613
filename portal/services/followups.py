"""The follow-up e-mail's portal side: the public links a recipient follows (tracked product link, one-click
unsubscribe and its confirmation page, "why these products?", the product page) and the staff page
``/ui/followups`` (the dry run with rendered previews and skip reasons, the outbox states, the e-mail KPIs).
The role was checked once by ``PageStaff``/``StaffDep``; the public links carry their own signed token."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.config import Settings
from core.errors import InputError, NotFoundError
from followups import tracking
from followups.kpi import EmailKpis, email_kpis
from followups.links import link_secret
from followups.models import REASON_TEXT, Decision
from followups.planner import outbox_status, plan
from followups.render import Rendered, compose, render
from portal.auth import Staff
from store import followups as store
from store.companies import get_company, get_contact
from store.models import FollowupEmail

PREVIEWS = 3
OUTBOX_ROWS = 100
KPI_DAYS = 56


def follow_link(session: Session, settings: Settings, token: str) -> str:
    """Record the click of a tracked product link and return the product's URL."""
    url = tracking.record_click(session, settings, token)
    session.commit()
    return url


def unsubscribe_page(session: Session, settings: Settings, token: str) -> tracking.UnsubscribePage:
    """Return the unsubscribe confirmation page (GET changes nothing)."""
    return tracking.unsubscribe_page(session, settings, token)


def unsubscribe(session: Session, settings: Settings, token: str, *, one_click: bool) -> tracking.UnsubscribePage:
    """Withdraw the e-mail consent of the link's recipient (RFC 8058 one-click or the page's button)."""
    page = tracking.unsubscribe(session, settings, token, via="one_click" if one_click else "unsubscribe_link")
    session.commit()
    return page


def why_page(session: Session, settings: Settings, token: str) -> tracking.WhyPage:
    """Return "why these products?" of one e-mail."""
    return tracking.why_page(session, settings, token)


def product_page(session: Session, sku: str) -> dict[str, Any]:
    """Return what the public product page shows (catalogue data only)."""
    from followups.texts import money

    product = tracking.product(session, sku)
    return {"product": product, "price": money(product.unit_price, product.currency, "en")}


def _preview(session: Session, settings: Settings, row: FollowupEmail) -> Rendered | None:
    contact = get_contact(session, contact_id=row.contact_id)
    company = get_company(session, company_id=row.company_id)
    if contact is None or company is None or not row.skus:
        return None
    return render(compose(session, settings, row=row, contact=contact, company=company,
                          secret=link_secret(settings)))


def _transient_row(decision: Decision) -> FollowupEmail:
    """The outbox row a planned decision would become (not stored; id 0: its links do not work)."""
    line = decision.line
    assert line.contact_id is not None
    return FollowupEmail(id=0, contact_id=line.contact_id, company_id=line.company_id, session_id=line.session_id,
                         status=outbox_status(decision), reason=line.reason, arm=decision.arm,
                         legal_basis=decision.legal_basis, language=decision.language,
                         visit_started_at=decision.visit_started_at, visit_ended_at=decision.visit_ended_at,
                         due_at=decision.due_at, viewed_sku=line.viewed_sku,
                         skus=[s for s in [line.viewed_sku, *line.accessory_skus] if s],
                         premises=[p.data() for p in line.premises])


def parse_at(value: datetime | None, settings: Settings) -> datetime:
    """Return the page's ``at`` as an aware time (a time without an offset is the shop's local time)."""
    if value is None:
        return datetime.now(UTC)
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo(settings.shop_timezone))


def staff_page(session: Session, settings: Settings, staff: Staff, *, at: datetime | None = None) -> dict[str, Any]:
    """Return the staff page: the dry run up to ``at`` (default now) with up to three rendered previews and the
    skip reasons, the latest outbox rows with their states, the outbox's counts and the e-mail KPIs of the last
    eight weeks."""
    when = parse_at(at, settings)
    decisions = plan(session, settings, at=when)
    previews: list[dict[str, Any]] = []
    for d in decisions:
        if len(previews) >= PREVIEWS:
            break
        if d.line.status == "planned" and d.line.contact_id is not None:
            rendered = _preview(session, settings, _transient_row(d))
            if rendered is not None:
                previews.append({"decision": d, "rendered": rendered})
    companies = {d.line.company_id: get_company(session, company_id=d.line.company_id) for d in decisions}
    rows = store.outbox_rows(session, limit=OUTBOX_ROWS)
    for row in rows:
        companies.setdefault(row.company_id, get_company(session, company_id=row.company_id))
    today = when.astimezone(UTC).date()
    kpis: EmailKpis = email_kpis(session, start=today - timedelta(days=KPI_DAYS), end=today)
    return {"at": when, "at_value": when.astimezone(ZoneInfo(settings.shop_timezone)).strftime("%Y-%m-%dT%H:%M"),
            "decisions": decisions, "previews": previews,
            "plan_counts": Counter(d.line.reason or "planned" for d in decisions).most_common(),
            "rows": rows, "statuses": store.status_counts(session), "reasons": store.reason_counts(session),
            "reason_text": REASON_TEXT, "companies": {k: v.name if v else "?" for k, v in companies.items()},
            "kpis": kpis, "kpi_from": today - timedelta(days=KPI_DAYS), "kpi_to": today,
            "timezone": settings.shop_timezone}


def row_preview(session: Session, settings: Settings, staff: Staff, row_id: int) -> dict[str, Any]:
    """Return one outbox row with its e-mail rendered as it is (or was) sent."""
    row = store.get_outbox(session, row_id=row_id)
    if row is None:
        raise NotFoundError(f"no follow-up #{row_id}")
    company = get_company(session, company_id=row.company_id)
    return {"row": row, "rendered": _preview(session, settings, row), "company": company.name if company else "?",
            "reason_text": REASON_TEXT}


def plan_lines(session: Session, settings: Settings, staff: Staff, *, at: datetime | None = None) -> list[Any]:
    """Return the dry run's lines (``GET /followups/plan``)."""
    return [d.line for d in plan(session, settings, at=parse_at(at, settings))]


def kpis(session: Session, staff: Staff, *, start: date | None, end: date | None) -> EmailKpis:
    """Return the e-mail KPIs (``GET /followups/kpi``)."""
    if start is not None and end is not None and start > end:
        raise InputError(f"from ({start}) is after to ({end})")
    return email_kpis(session, start=start, end=end)
