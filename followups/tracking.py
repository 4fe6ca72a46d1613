"""What the e-mail's links do when a recipient follows them (the portal's public routes call these): a product
link records a ``click`` in the measurement log (the e-mail's ``rec_request_id``, attributed to its impression
by the usual rule) and returns the product's URL; the unsubscribe link withdraws the contact's e-mail consent
with an audit row (RFC 8058 one-click, or the confirmation page's button); "why these products?" shows the
premises in numbers. A token that does not verify, or names another recipient or product, is "not found"."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session

from core.config import Settings
from core.errors import NotFoundError
from followups import texts as tx
from followups.links import Kind, LinkToken, link_secret, product_url, verify
from followups.render import local_day, premise_text
from measurement.experiment import arm_of
from store import catalog
from store import followups as store
from store import measurement as log
from store.audit import add_audit
from store.companies import get_company, get_contact
from store.models import FollowupEmail, Product

INVALID = "this link is not valid"


def resolve(session: Session, settings: Settings, token: str, kind: Kind) -> tuple[LinkToken, FollowupEmail]:
    """Return a valid token's contents and its outbox row; ``NotFoundError`` for anything else."""
    parsed = verify(link_secret(settings), token, kind)
    row = store.get_outbox(session, row_id=parsed.send_id) if parsed is not None else None
    if parsed is None or row is None or row.contact_id != parsed.contact_id:
        raise NotFoundError(INVALID)
    return parsed, row


def record_click(session: Session, settings: Settings, token: str, *, at: datetime | None = None) -> str:
    """Record a click on a product link (flushed; the caller commits) and return where it leads (built from the
    settings and the e-mail's own SKU, never from the request)."""
    parsed, row = resolve(session, settings, token, "c")
    if parsed.sku not in row.skus:
        raise NotFoundError(INVALID)
    company = get_company(session, company_id=row.company_id)
    if company is None:
        raise NotFoundError(INVALID)
    now = at or datetime.now(UTC)
    log.add_events(session, rows=[{
        "event_id": f"email-click:{uuid.uuid4().hex}", "ts": now, "session_id": row.session_id,
        "company": company.external_id, "type": "click", "sku": parsed.sku, "rec_request_id": row.rec_request_id,
        "position": row.skus.index(parsed.sku) + 1, "surface": "email", "revenue": None, "currency": None,
        "variant": arm_of(session, company, at=now), "source": "portal"}], source="portal")
    return product_url(settings, parsed.sku)


def masked_address(address: str | None) -> str:
    """Return an address with its local part hidden but its first letter (``j***@firma.pl``)."""
    if not address or "@" not in address:
        return "***"
    local, domain = address.split("@", 1)
    return f"{local[:1]}***@{domain}"


@dataclass(frozen=True)
class UnsubscribePage:
    """What the unsubscribe page shows."""

    lang: str
    address: str
    done: bool
    token: str

    def text(self, key: str) -> str:
        """Return a text of the page in its language."""
        return tx.t(self.lang, key, address=self.address)


def unsubscribe_page(session: Session, settings: Settings, token: str) -> UnsubscribePage:
    """Return the confirmation page of an unsubscribe link (nothing changes on GET: link scanners fetch it)."""
    _, row = resolve(session, settings, token, "u")
    contact = get_contact(session, contact_id=row.contact_id)
    consent = store.email_consent(session, contact_id=row.contact_id)
    return UnsubscribePage(lang=tx.lang_of(row.language), address=masked_address(contact.email if contact else None),
                           done=consent is not None and not consent.granted, token=token)


def unsubscribe(session: Session, settings: Settings, token: str, *, via: str) -> UnsubscribePage:
    """Withdraw the contact's e-mail consent with an audit row (idempotent: a second time changes nothing);
    flushed, the caller commits."""
    _, row = resolve(session, settings, token, "u")
    consent = store.email_consent(session, contact_id=row.contact_id)
    if consent is None or consent.granted:
        store.set_email_consent(session, contact_id=row.contact_id, granted=False, via=via)
        add_audit(session, actor=f"contact:{row.contact_id}", action="email_consent_withdrawn", entity="contact",
                  entity_id=row.contact_id, details={"via": via, "followup_id": row.id, "company_id": row.company_id})
    page = unsubscribe_page(session, settings, token)
    return UnsubscribePage(lang=page.lang, address=page.address, done=True, token=token)


@dataclass(frozen=True)
class WhyItem:
    """One product of the e-mail with its premise in words and numbers."""

    sku: str
    name: str
    premise: str


@dataclass(frozen=True)
class WhyPage:
    """The "why these products?" page of one e-mail."""

    lang: str
    title: str
    intro: str
    visit: str
    orders: str
    data: str
    disclosure: str
    items: list[WhyItem]


def why_page(session: Session, settings: Settings, token: str) -> WhyPage:
    """Return the premises of one e-mail in its language."""
    _, row = resolve(session, settings, token, "w")
    lang = tx.lang_of(row.language)
    products = catalog.products_by_sku(session, skus=row.skus, active_only=False)
    premises = {p.get("sku"): p for p in row.premises}
    viewed = premises.get(row.viewed_sku, {})
    orders = next((int(p.get("orders") or 0) for p in row.premises if p.get("kind") == "bought_together"), 0)
    views = int(viewed.get("views") or 1)
    day = tx.day(local_day(settings, row.visit_ended_at).date(), lang)
    return WhyPage(
        lang=lang, title=tx.t(lang, "why_title"), intro=tx.t(lang, "why_intro"),
        visit=tx.t(lang, "why_visit", day=day, sku=row.viewed_sku, views=views, times=tx.times(views, lang)),
        orders=tx.t(lang, "why_orders", sku=row.viewed_sku, orders=orders, min_support=settings.followup_min_support,
                    days=settings.followup_exclude_bought_days),
        data=tx.t(lang, "why_data"), disclosure=tx.DISCLOSURE[lang],
        items=[WhyItem(sku, products[sku].name if sku in products else sku, premise_text(premises.get(sku, {}), lang))
               for sku in row.skus])


def product(session: Session, sku: str) -> Product:
    """Return an active product for the portal's product page; ``NotFoundError`` otherwise."""
    row = catalog.product_by_sku(session, sku=sku, active_only=True)
    if row is None:
        raise NotFoundError(f"no active product {sku!r}")
    return row
