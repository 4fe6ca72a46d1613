"""The personalised home page (issue 24 part 1): ``GET /me/home``, ``/ui/home`` and the staff preview.

The rules of ``personalisation`` choose the order and the words from segment and role only; the contents come
from what exists: the company's order lines (reorder, its categories), the recommender (recommended, segment
bestsellers) and the approved offers. Control-arm companies get the default order and bestsellers in
"recommended" (as the widget does), objectors to profiling the default order without the history sections.
Every product list shown to a customer writes impressions with surface ``home``.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field
from sqlmodel import Session

from agent.templates import premise_text
from core.errors import NotFoundError
from guardrails.approvals import approved_offers
from guardrails.consent import may_personalise
from measurement.experiment import arm_of
from measurement.impressions import record_impressions
from messages import label, money
from personalisation import (
    HomeFeatures,
    HomePlan,
    Reason,
    SectionId,
    load_rules,
    page_text,
    plan_home,
    section_subtitle,
    section_title,
    value_proposition,
)
from portal.auth import Customer
from ranking import Customer as RankedFor
from ranking import RankedItem, Recommender
from store import catalog, companies, orders
from store.models import Company, Product
from tools.models import PremiseOut

HOME_SURFACE = "home"
ITEMS_PER_SECTION = 6
Lang = Literal["pl", "en"]


class HomeItem(BaseModel):
    """One product (or offer) on the home page with the one line that says why it is there."""

    sku: str
    name: str
    category: str = ""
    price: str | None = Field(default=None, description="Formatted in the page's language (net).")
    stock: int | None = None
    premise: str = ""


class HomeSection(BaseModel):
    """A section in a persona's words; ``history`` marks those built from the company's own purchases."""

    id: SectionId
    title: str
    subtitle: str
    history: bool
    items: list[HomeItem] = Field(default_factory=list)
    empty: str = ""
    rec_request_id: str | None = None


class HomePage(BaseModel):
    """What ``GET /me/home`` returns and ``/ui/home`` shows."""

    language: Lang
    persona: str
    value_proposition: str
    features: HomeFeatures
    arm: str
    rules_version: str
    rule: str | None
    reasons: list[Reason]
    why: list[str]
    sections: list[HomeSection]
    preview: bool = False


def _product_item(product: Product, lang: Lang, premise: str) -> HomeItem:
    return HomeItem(sku=product.sku, name=product.name, category=product.category,
                    price=money(product.unit_price, product.currency, lang), stock=product.stock, premise=premise)


def _ranked_items(session: Session, ranked: list[RankedItem], lang: Lang, seen: set[str]) -> list[HomeItem]:
    products = catalog.products_by_sku(session, skus=[r.sku for r in ranked])
    out: list[HomeItem] = []
    for r in ranked:
        product = products.get(r.sku)
        if product is None or r.sku in seen or len(out) >= ITEMS_PER_SECTION:
            continue
        premise = next((w for p in r.premises if (w := premise_text(PremiseOut(**p.model_dump()), lang))), "")
        out.append(_product_item(product, lang, premise))
    return out


def _reorder(session: Session, company_id: int, lang: Lang) -> list[HomeItem]:
    """SKUs in two or more of the company's orders, most orders first (then the latest)."""
    lines = orders.company_order_lines(session, company_id=company_id)
    order_ids: dict[str, set[int]] = {}
    last: dict[str, datetime] = {}
    for line in lines:
        order_ids.setdefault(line.sku, set()).add(line.order_id)
        last[line.sku] = max(last.get(line.sku, line.ordered_at), line.ordered_at)
    repeat = sorted((s for s, ids in order_ids.items() if len(ids) >= 2),
                    key=lambda s: (-len(order_ids[s]), -last[s].timestamp(), s))[:ITEMS_PER_SECTION]
    products = catalog.products_by_sku(session, skus=repeat)
    return [_product_item(products[s], lang, page_text("reorder_premise", lang, orders=len(order_ids[s]),
                                                       last=last[s].date().isoformat()))
            for s in repeat if s in products]


def _new_in_categories(session: Session, company_id: int, lang: Lang, seen: set[str]) -> list[HomeItem]:
    """The newest active products of the company's three most bought categories that it never ordered."""
    lines = orders.company_order_lines(session, company_id=company_id)
    bought = {line.sku for line in lines}
    top = [c for c, _ in Counter(line.category for line in lines if line.category).most_common(3)]
    if not top:
        return []
    fresh = [p for p in catalog.products(session, active_only=True)
             if p.category in top and p.sku not in bought and p.sku not in seen]
    fresh.sort(key=lambda p: (-p.created_at.timestamp(), p.sku))
    return [_product_item(p, lang, page_text("new_premise", lang, category=p.category.split(" > ")[-1]))
            for p in fresh[:ITEMS_PER_SECTION]]


def _offers(session: Session, company_id: int, lang: Lang) -> list[HomeItem]:
    out: list[HomeItem] = []
    for offer in approved_offers(session, company_id):
        products = catalog.products_by_sku(session, skus=list(offer.product_skus or []))
        for sku in offer.product_skus or []:
            product = products.get(sku)
            if product is None:
                continue
            price = (money(Decimal(offer.approved_unit_price), product.currency, lang)
                     if offer.approved_unit_price is not None and len(offer.product_skus) == 1 else None)
            until = offer.expires_at.date().isoformat()
            out.append(HomeItem(sku=sku, name=product.name, category=product.category, price=price,
                                stock=product.stock, premise=page_text("offer_premise", lang, until=until)))
    return out[:ITEMS_PER_SECTION]


def _why(plan: HomePlan, lang: Lang) -> list[str]:
    return [page_text(r.kind, lang, **({"name": r.data["name"]} if r.kind == "rule" else {}))
            for r in plan.reasons]


def _section(plan: HomePlan, section: SectionId, lang: Lang, items: list[HomeItem], history: bool,
             empty: str | None = None) -> HomeSection:
    return HomeSection(id=section, title=section_title(plan.persona, section, lang),
                       subtitle=section_subtitle(plan.persona, section, lang), history=history, items=items,
                       empty=empty if empty is not None else page_text("empty", lang))


def features_of(company: Company, role: str | None) -> HomeFeatures:
    """The rules' inputs of a contact: the company's segment and funnel stage and the contact's role."""
    return HomeFeatures(industry=company.industry, size_band=company.size_band,
                        funnel_stage=company.funnel_stage, role=role)


def customer_language(session: Session, customer: Customer) -> Lang:
    """Return the language the caller's company is written to (its latest chat's, else by country): the home
    page's default when the link names none (the follow-up e-mails use the same rule)."""
    from followups.planner import company_language

    company = companies.get_company(session, company_id=customer.company_id)
    return "pl" if company is not None and company_language(session, company) == "pl" else "en"


def home_page(recommender: Recommender, session: Session, customer: Customer, *, lang: Lang = "en") -> HomePage:
    """Return the caller's home page and record its impressions (commits)."""
    company = companies.get_company(session, company_id=customer.company_id)
    contact = companies.get_contact(session, contact_id=customer.contact_id)
    if company is None or company.id is None or contact is None:
        raise NotFoundError(f"company {customer.company_id} not found")
    rules = load_rules()
    arm = arm_of(session, company)
    profiling = may_personalise(company)
    plan = plan_home(rules, features_of(company, contact.role), control=arm == "control", may_profile=profiling)
    seen: set[str] = set()
    sections: list[HomeSection] = []
    for sid in plan.order:
        history = sid in rules.history_sections
        empty: str | None = None
        if sid == "reorder":
            items = _reorder(session, company.id, lang)
        elif sid == "recommended":
            ranked = (recommender.segment_bestsellers(company.industry, company.size_band, k=3 * ITEMS_PER_SECTION)
                      if arm == "control" else recommender.recommend_for_customer(
                          RankedFor.of(company, has_ordered=orders.has_ordered(session, company_id=company.id)),
                          k=3 * ITEMS_PER_SECTION))
            items = _ranked_items(session, ranked, lang, seen)
        elif sid == "new_in_categories":
            items = _new_in_categories(session, company.id, lang, seen)
        elif sid == "popular_like_yours":
            ranked = recommender.segment_bestsellers(company.industry, company.size_band, k=3 * ITEMS_PER_SECTION)
            items = _ranked_items(session, ranked, lang, seen)
        else:
            items, empty = _offers(session, company.id, lang), page_text("offers_empty", lang)
        section = _section(plan, sid, lang, items, history, empty)
        if sid != "offers":
            seen.update(i.sku for i in items)
            day = datetime.now(UTC).date().isoformat()
            section.rec_request_id = record_impressions(
                session, company=company, session_id=f"home:{company.external_id}:{day}"[:64],
                surface=HOME_SURFACE, skus=[i.sku for i in items])
        sections.append(section)
    session.commit()
    return HomePage(language=lang, persona=plan.persona, value_proposition=value_proposition(plan.persona, lang),
                    features=features_of(company, contact.role), arm=arm, rules_version=plan.rules_version,
                    rule=plan.rule, reasons=plan.reasons, why=_why(plan, lang), sections=sections)


def preview_page(recommender: Recommender, session: Session, features: HomeFeatures, *,
                 lang: Lang = "en") -> HomePage:
    """Return the page a contact of ``features`` would see, for staff: the rules' order and words, segment
    bestsellers in the product sections, the history sections marked as filled from the customer's orders.
    Writes nothing (a preview is not an impression)."""
    rules = load_rules()
    plan = plan_home(rules, features)
    ranked = recommender.segment_bestsellers(features.industry, features.size_band,
                                                       k=3 * ITEMS_PER_SECTION)
    seen: set[str] = set()
    sections: list[HomeSection] = []
    for sid in plan.order:
        history = sid in rules.history_sections
        items = _ranked_items(session, ranked, lang, seen) if sid == "popular_like_yours" else []
        seen.update(i.sku for i in items)
        empty = page_text("history_placeholder", lang) if history else (
            page_text("offers_empty", lang) if sid == "offers" else None)
        sections.append(_section(plan, sid, lang, items, history, empty))
    return HomePage(language=lang, persona=plan.persona, value_proposition=value_proposition(plan.persona, lang),
                    features=features, arm="preview", rules_version=plan.rules_version, rule=plan.rule,
                    reasons=plan.reasons, why=_why(plan, lang), sections=sections, preview=True)


def segment_label(features: HomeFeatures, lang: Lang) -> str:
    """The segment in words for the preview banner ("wholesale, small, customer")."""
    parts = [label("industry", features.industry, lang) if features.industry else "",
             label("size_band", features.size_band, lang) if features.size_band else "",
             features.funnel_stage or ""]
    return ", ".join(p for p in parts if p) or "-"


def known_industries(session: Session) -> list[str]:
    """The industries of the shop's companies (the preview form's choices)."""
    return companies.known_industries(session)
