"""Rendering a follow-up: store data in, a MIME message out.

:func:`compose` reads what the e-mail shows at send time (names, catalogue prices or the company's approved,
unexpired offer, stock) and signs its links; it is the only place the contact's name and address are read, so
personal data are filled in at rendering and nowhere before. :func:`render` fills the Jinja2 templates of
``followups/templates`` (an HTML part whose CSS css-inline copies into style attributes, and a plain-text
part); :func:`build_message` makes the ``multipart/alternative`` message with the RFC 8058 one-click
unsubscribe headers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlmodel import Session

from core.config import Settings
from followups import links
from followups import texts as tx
from guardrails.approvals import approved_offers, offer_prices
from store import catalog
from store.models import Company, Contact, FollowupEmail, Product

TEMPLATES = Path(__file__).resolve().parent / "templates"
CSS_FILE = TEMPLATES / "email.css"
UNITS_PL = {"pcs": "szt.", "m": "m", "coil": "krąż.", "box": "opak.", "bag": "worków", "set": "kpl."}


@dataclass(frozen=True)
class Item:
    """One product as the e-mail shows it."""

    sku: str
    name: str
    price: str
    offer: bool
    """The price is the company's approved offer (else the catalogue price)."""
    stock: str
    premise: str
    url: str
    viewed: bool


@dataclass(frozen=True)
class EmailContent:
    """Everything the templates fill in (the contact's name and address included: read at rendering)."""

    lang: str
    to_name: str
    to_address: str
    subject: str
    greeting: str
    intro: str
    items: list[Item]
    why_url: str
    unsubscribe_url: str
    disclosure: str
    basis: str
    skus: list[str] = field(default_factory=list)
    value_line: str = ""
    """The persona's value-proposition line of the portal home (the same rules: ``personalisation``), after the
    products."""


@dataclass(frozen=True)
class Rendered:
    """The rendered parts: ``html`` (CSS inlined, a whole document), ``text``, and ``body_html`` (the same body
    before inlining, for the staff preview, which links the stylesheet instead)."""

    subject: str
    html: str
    text: str
    body_html: str


def _price(session: Session, company: Company, product: Product) -> tuple[Decimal, bool]:
    """Return the lowest price the company may be told for a product: its catalogue price or an approved,
    unexpired offer (``guardrails.approvals``), and whether it is an offer."""
    assert company.id is not None
    catalogue = Decimal(product.unit_price).quantize(Decimal("0.01"))
    offered = {p for offer in approved_offers(session, company.id) for p in offer_prices(offer, product.sku, catalogue)}
    best = min(offered, default=None)
    return (best, True) if best is not None and best < catalogue else (catalogue, False)


def _stock(product: Product, lang: str) -> str:
    if product.stock <= 0:
        return tx.t(lang, "no_stock")
    unit = UNITS_PL.get(product.unit, product.unit) if lang == "pl" else product.unit
    return tx.t(lang, "in_stock", stock=product.stock, unit=unit)


def premise_text(data: dict[str, Any], lang: str) -> str:
    """Return a premise in the e-mail's words (views, or orders together of orders with the viewed product)."""
    if data.get("kind") == "viewed":
        views = int(data.get("views") or 1)
        return tx.t(lang, "viewed_premise", views=views, times=tx.times(views, lang))
    return tx.t(lang, "together_premise", anchor=data.get("anchor", ""), together=data.get("together", 0),
                orders=data.get("orders", 0))


def local_day(settings: Settings, at: datetime) -> datetime:
    """Return ``at`` in the shop's time zone."""
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(ZoneInfo(settings.shop_timezone))


def compose(session: Session, settings: Settings, *, row: FollowupEmail, contact: Contact, company: Company,
            secret: bytes) -> EmailContent:
    """Return the content of one outbox row's e-mail, read now (prices, stock), with its signed links."""
    assert row.id is not None and contact.id is not None
    lang = tx.lang_of(row.language)
    products = catalog.products_by_sku(session, skus=row.skus, active_only=False)
    premises = {p.get("sku"): p for p in row.premises}
    items = []
    for i, sku in enumerate(row.skus):
        product = products[sku]
        price, offer = _price(session, company, product)
        items.append(Item(sku=sku, name=product.name.strip(), price=tx.money(price, product.currency, lang), offer=offer,
                          stock=_stock(product, lang), premise=premise_text(premises.get(sku, {}), lang),
                          url=links.click_url(settings, secret, row.id, contact.id, sku), viewed=i == 0))
    name = contact.full_name.strip()
    return EmailContent(
        lang=lang, to_name=name, to_address=contact.email or "",
        subject=tx.t(lang, "subject", name=items[0].name),
        greeting=tx.t(lang, "greeting", name=name) if name else tx.t(lang, "greeting_anonymous"),
        intro=tx.t(lang, "intro", day=tx.day(local_day(settings, row.visit_ended_at).date(), lang)),
        items=items, why_url=links.why_url(settings, secret, row.id, contact.id),
        unsubscribe_url=links.unsubscribe_url(settings, secret, row.id, contact.id),
        disclosure=tx.DISCLOSURE[lang],
        basis=tx.t(lang, "basis_legitimate_interest" if row.legal_basis == "legitimate_interest" else "basis_consent"),
        skus=list(row.skus), value_line=persona_line(company, contact, lang))


def persona_line(company: Company, contact: Contact, lang: str) -> str:
    """Return the home page's value-proposition line for this contact, the persona the home's rules give its
    role (a company that objected to profiling is never e-mailed: the planner skips it)."""
    from guardrails.consent import may_personalise
    from personalisation import HomeFeatures, load_rules, plan_home, value_proposition

    features = HomeFeatures(industry=company.industry, size_band=company.size_band,
                            funnel_stage=company.funnel_stage, role=contact.role)
    return value_proposition(plan_home(load_rules(), features, may_profile=may_personalise(company)).persona, lang)


@cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined,
                       autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=True),
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


@cache
def stylesheet() -> str:
    """Return the e-mail's CSS (also served to the staff preview)."""
    return CSS_FILE.read_text(encoding="utf-8")


def _context(content: EmailContent) -> dict[str, Any]:
    return {"lang": content.lang, "tx": tx.TEXT[content.lang], "subject": content.subject,
            "greeting": content.greeting, "intro": content.intro, "items": content.items,
            "why_url": content.why_url, "unsubscribe_url": content.unsubscribe_url,
            "disclosure": content.disclosure, "basis": content.basis, "value_line": content.value_line}


def render(content: EmailContent) -> Rendered:
    """Return the HTML part (CSS inlined by css-inline), the plain-text part and the preview body."""
    import css_inline

    env = _environment()
    ctx = _context(content)
    document = env.get_template("email.html.j2").render(ctx)
    inliner = css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False, extra_css=stylesheet())
    text = env.get_template("email.txt.j2").render(ctx)
    return Rendered(subject=content.subject, html=inliner.inline(document), text=text,
                    body_html=env.get_template("email_body.html.j2").render(ctx))


def build_message(settings: Settings, content: EmailContent, rendered: Rendered, *, message_id: str,
                  at: datetime | None = None) -> EmailMessage:
    """Return the ``multipart/alternative`` message (plain text first, then HTML) with ``List-Unsubscribe`` and
    ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058)."""
    msg = EmailMessage()
    msg["Subject"] = rendered.subject
    msg["From"] = settings.mail_from
    msg["To"] = formataddr((content.to_name, content.to_address))
    msg["Date"] = format_datetime(at or datetime.now(UTC))
    msg["Message-ID"] = message_id
    msg["List-Unsubscribe"] = f"<{content.unsubscribe_url}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(rendered.text, charset="utf-8")
    msg.add_alternative(rendered.html, subtype="html", charset="utf-8")
    msg["Content-Language"] = content.lang  # after set_content, which drops Content-* headers
    return msg


def sender_domain(settings: Settings) -> str:
    """Return the domain of the From address (for Message-IDs)."""
    address = parseaddr(settings.mail_from)[1]
    return address.rsplit("@", 1)[-1] if "@" in address else "salesagent.invalid"
