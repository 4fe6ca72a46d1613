"""Reply and justification templates in the customer's language, filled only from tool results and premises."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Literal

import messages
from tools.models import (
    ApprovalTicket,
    OnboardingAnswer,
    OnboardingQuestion,
    OrderHistorySummary,
    PremiseOut,
    ProductCard,
)

Lang = Literal["pl", "en"]


def t(key: str, lang: Lang, **kw: object) -> str:
    """Return the reply template ``key`` of the message catalogue (``messages/<lang>.toml``) filled with ``kw``."""
    return messages.reply(key, lang, **kw)


def order_history_text(summary: OrderHistorySummary | None, months: int, lang: Lang) -> str:
    """Return the order-history summary in words: counts and months, top categories, repeatedly bought products
    (no prices: the summary has none, and the catalogue's may have changed since)."""
    if summary is None or not summary.order_count:
        return t("orders_none", lang, months=months)
    lines = [t("orders", lang, months=months, count=summary.order_count, first=summary.first_order_month,
               last=summary.last_order_month)]
    if summary.top_categories:
        items = ", ".join(t("orders_category", lang, category=c.category, lines=c.lines)
                          for c in summary.top_categories[:3])
        lines.append(t("orders_categories", lang, items=items))
    if summary.frequent_products:
        lines.append(t("orders_repeats", lang))
        lines += [t("orders_repeat", lang, name=p.name, sku=p.sku, orders=p.orders)
                  for p in summary.frequent_products[:5]]
    return "\n".join(lines)


def search_premise_text(data: dict[str, Any], lang: Lang) -> str | None:
    """Return a search premise (``PremiseOut.data`` of kind ``search``: retrieval's ``SearchPremise``) in a
    buyer's words from the message catalogue: the code given, the specifications and words matched, or "close to
    what you asked for"; never a score. None without a known reason."""
    reason = data.get("reason")
    if reason == "exact":
        return messages.premise_text("search_code", {"value": data.get("code") or data.get("identifier")}, lang)
    if reason == "matches":
        parts = []
        attributes = [(str(a.get("label") or a.get("key")), str(a.get("value") or "")) for a in data.get("attributes")
                      or []]
        if attributes:
            parts.append(messages.premise_text("search_matches", {"attributes": attributes}, lang))
        if data.get("terms"):
            parts.append(messages.premise_text("search_words", {"words": list(data["terms"])}, lang))
        return "; ".join(p for p in parts if p) or None
    if reason == "similarity":
        return messages.premise_text("search_meaning", {}, lang)
    return None


SHOP_WORDED = frozenset({"merchandising"})
"""Premise kinds whose text the shop wrote itself (a merchandising rule's note): shown as written."""


def premise_text(premise: PremiseOut, lang: Lang) -> str | None:
    """Return one premise as a sentence in ``lang``, rendered from its ``kind`` and ``data`` by the message
    catalogue; None for a kind the catalogue does not know (nothing rather than an untranslated string)."""
    if premise.kind == "search":
        return search_premise_text(premise.data, lang)
    worded = messages.premise_text(premise.kind, premise.data, lang, strict=False)
    if worded is None and (premise.kind in SHOP_WORDED or (lang == "en" and messages.has("premise", premise.kind))):
        return premise.text.strip().rstrip(".") or None  # the shop's words; an older premise's English
    return worded


def justification(card: ProductCard, lang: Lang, limit: int = 2) -> str:
    """Return a customer-readable justification built only from the card's premises."""
    texts = [text for p in card.premises if (text := premise_text(p, lang))][:limit]
    return "; ".join(texts) if texts else t("matches_request", lang)


def price_text(amount: Any, currency: str, lang: Lang) -> str:
    """Return a price as the customer's locale writes it: ``24,90 zł`` in Polish (Babel, through the message
    catalogue), ``24.90 PLN`` in English (the ISO code, as B2B invoices write it)."""
    if lang == "pl":
        return messages.money(amount, currency, "pl").replace("\u00a0", " ")
    return f"{Decimal(str(amount)):.2f} {currency}"


def product_lines(cards: Sequence[ProductCard], lang: Lang, *, stock: bool = False) -> list[str]:
    """Return one line per product: name, SKU, catalogue price and justification (``stock``: the stock level
    first, for "is it available?")."""
    lines = []
    for c in cards:
        why = justification(c, lang)
        if stock:
            why = (t("in_stock", lang, stock=c.stock) if c.stock > 0 else t("out_of_stock", lang)) + "; " + why
        lines.append(t("line", lang, name=c.name, sku=c.sku, price=price_text(c.price, c.currency, lang), why=why))
    return lines


def approval_text(ticket: ApprovalTicket, lang: Lang) -> str:
    """Return the sentence telling the customer where the request stands: filed (no price), already pending,
    or approved (with the approved prices, the only prices besides the catalogue's the agent may state)."""
    skus = ", ".join(ticket.skus)
    if ticket.status == "approved":
        until = f"{ticket.valid_until:%Y-%m-%d %H:%M} UTC" if ticket.valid_until else "-"
        if not ticket.unit_prices:  # e.g. a volume quote: the sales team sends the offer itself
            return t("approval_approved_no_price", lang, id=ticket.approval_id, skus=skus, until=until)
        items = ", ".join(t("approved_item", lang, sku=sku, price=price_text(price, ticket.currency, lang))
                          for sku, price in ticket.unit_prices.items())
        return t("approval_approved", lang, id=ticket.approval_id, items=items, until=until)
    if ticket.existing:
        return t("approval_pending", lang, id=ticket.approval_id, skus=skus)
    status = messages.label("status", ticket.status, lang)
    return t("approval", lang, id=ticket.approval_id, status=status, skus=skus)


def onboarding_noted_text(answer: OnboardingAnswer, lang: Lang) -> str:
    """Return what an onboarding answer recorded, in words: "industry: energy pv" / "firma z branży
    fotowoltaicznej", "company size: small" / "wielkość firmy: mała", or the interests as given."""
    key = {"industry": "noted_industry", "size": "noted_size"}.get(answer.topic, "noted_interests")
    return t(key, lang, value=answer.recorded)


def question_text(question: OnboardingQuestion) -> str:
    """Return an onboarding question with its options."""
    if not question.options:
        return question.question
    return f"{question.question} ({', '.join(question.options)})"
