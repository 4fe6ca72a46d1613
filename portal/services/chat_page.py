"""The customer's chat page (``/ui/chat``) and the "why?" page as views: the whole conversation, turn by turn, in
the customer's language, with each product shown once, its "why?" inline, and the price requests and offers in
words.

The agent's reply lists its products as lines (``agent.templates.product_lines``: ``- name (SKU), price net:
why``); the page shows a product card where such a line stands, so the reply's own structure (its lead sentence,
the "bestsellers" or bill-of-materials headings) stays and no product appears twice. Stored turns are masked;
the conversation's vault (in this process's memory) puts the customer's own details back while it lives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from sqlmodel import Session

import messages
from agent import AgentAnswerPublic, RecommendationPublic
from core.errors import NotFoundError
from guardrails.output_checks import DISCLOSURE_EN, DISCLOSURE_PL
from portal.auth import Customer, Principal, as_customer
from portal.schemas import CustomerApprovalPublic, WhyPublic, premise_texts
from portal.services.chat import conversation_for
from portal.services.customer import company_approvals
from portal.services.home import customer_language
from portal.services.recommendations import explain
from store import catalog, conversations
from store.models import Message, Product, Recommendation
from tools.context import Resources
from tools.models import ApprovalTicketPublic, OnboardingQuestion

Lang = Literal["pl", "en"]
SECTION = "chat_page"
MAX_TURNS = 50
"""The page shows at most the last 50 turns of a conversation."""
DISCLOSURES = (DISCLOSURE_PL, DISCLOSURE_EN)


def lang_of(value: str | None) -> Lang:
    """Return ``pl`` or ``en`` (anything else is shown in English)."""
    return "pl" if value == "pl" else "en"


def labels(lang: Lang) -> Callable[..., str]:
    """Return ``t(key, **values)``: a label of the ``[chat_page]`` catalogue section in ``lang``."""

    def t(key: str, **values: Any) -> str:
        return messages.render(SECTION, key, lang, **values)

    return t


def when(value: datetime | None, lang: Lang, tz: str) -> str:
    """Return a moment in words in the shop's time zone: ``9 grudnia 2026, 11:30`` / ``9 December 2026, 11:30``."""
    if value is None:
        return ""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return str(format_datetime(aware, "d MMMM y, HH:mm", tzinfo=ZoneInfo(tz), locale=messages.LOCALES[lang]))


# --- the views -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    """One recommended product as the page shows it, with its "why?" in words."""

    sku: str
    name: str
    price: str
    """The catalogue price in the locale's format, "net" included (empty when unknown)."""
    justification: str
    recommendation_id: int | None
    why: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Block:
    """A part of a reply: lines of text, or the product cards that stood there as a list."""

    text: str = ""
    cards: tuple[Card, ...] = ()


@dataclass(frozen=True)
class Ticket:
    """A price request of this turn: its status word, what it is about and where it stands, in words."""

    approval_id: int
    status: str
    status_text: str
    head: str
    detail: str


@dataclass(frozen=True)
class Question:
    """An onboarding question of this turn: its text when the reply does not already ask it, and its options."""

    text: str
    options: list[str]


@dataclass(frozen=True)
class Turn:
    """One exchange: the customer's message and the assistant's reply (its blocks, tickets and questions)."""

    message: str
    blocks: list[Block]
    tickets: list[Ticket] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)


@dataclass(frozen=True)
class Offer:
    """A price request or offer of the company, in words."""

    id: int
    status: str
    status_text: str
    request: str
    terms: str
    note: str = ""
    asked: str = ""


@dataclass(frozen=True)
class ChatView:
    """Everything the chat page shows besides the form token and the profiling state."""

    lang: Lang
    t: Callable[..., str]
    conversation_id: str
    turns: list[Turn]
    offers: list[Offer]
    disclosure: str
    resume_id: str = ""
    """The contact's last conversation, offered on an empty page ("back to your last conversation")."""


# --- replies: text and cards ---------------------------------------------------------------------------------------


def strip_disclosure(text: str) -> str:
    """Return a reply without the AI disclosure the agent appends (the page shows it once, at the top)."""
    for line in DISCLOSURES:
        text = text.replace(line, "")
    return text.strip()


def _product_line(line: str, skus: Iterable[str]) -> tuple[str, str | None] | None:
    """Return (SKU, the line's justification) when ``line`` is a product line (``- name (SKU), price net:
    why``) of one of ``skus``, else None."""
    if not line.lstrip().startswith("- "):
        return None
    found = [(at, sku) for sku in skus if (at := line.find(f"({sku}), ")) >= 0]
    if not found:
        return None
    at, sku = min(found)  # the line's own product: its justification may name others ("like TH35-1M")
    rest = line[at + len(sku) + 4:]
    colon = rest.find(": ")
    return sku, (rest[colon + 2:].strip() or None) if colon >= 0 else None


def reply_blocks(reply: str, cards: Sequence[Card]) -> list[Block]:
    """Return the reply as text blocks and card blocks: a card where its product line stood (the line's own
    justification kept, e.g. the stock level), each product once; cards the text does not list come last."""
    by_sku = {c.sku: c for c in cards}
    blocks: list[Block] = []
    text: list[str] = []
    shown: list[Card] = []
    seen: set[str] = set()

    def flush_text() -> None:
        joined = "\n".join(text).strip()
        if joined:
            blocks.append(Block(text=joined))
        text.clear()

    def flush_cards() -> None:
        if shown:
            blocks.append(Block(cards=tuple(shown)))
        shown.clear()

    for line in strip_disclosure(reply).splitlines():
        found = _product_line(line, by_sku)
        if found is None:
            flush_cards()
            if line.strip() or (text and text[-1].strip()):
                text.append(line.rstrip())
            continue
        flush_text()
        sku, why = found
        if sku not in seen:
            seen.add(sku)
            card = by_sku[sku]
            shown.append(Card(card.sku, card.name, card.price, why or card.justification, card.recommendation_id,
                              card.why))
    flush_text()
    flush_cards()
    rest = tuple(c for c in cards if c.sku not in seen)
    if rest:
        blocks.append(Block(cards=rest))
    return blocks


def _why(session: Session, principal: Principal, recommendation_id: int | None, premises: Sequence[Any],
         t: Callable[..., str]) -> list[str]:
    """Return the premises of a recommendation in words, as the "why?" page shows them (the explanation
    service), or the catalogue's "general suggestion" line when none was stored."""
    if recommendation_id is None or not premises:
        return [t("why_general")]
    try:
        return explain(session, principal, recommendation_id).premises
    except NotFoundError:
        return [t("why_general")]


def answer_cards(session: Session, customer: Customer, recs: Sequence[RecommendationPublic], lang: Lang) -> list[Card]:
    """Return the cards of a turn just answered."""
    t = labels(lang)
    return [Card(r.sku, r.name, t("net_price", price=messages.money(r.price, r.currency, lang)), r.justification,
                 r.recommendation_id, _why(session, customer.principal, r.recommendation_id, r.premises, t))
            for r in recs]


def stored_cards(session: Session, customer: Customer, rows: Sequence[tuple[Recommendation, Product]],
                 lang: Lang) -> list[Card]:
    """Return the cards of a stored turn (today's catalogue price)."""
    t = labels(lang)
    return [Card(p.sku, p.name, t("net_price", price=messages.money(p.unit_price, p.currency, lang)),
                 r.justification, r.id, _why(session, customer.principal, r.id, r.premises or [], t))
            for r, p in rows]


# --- price requests in words ---------------------------------------------------------------------------------------


def _product_names(session: Session, skus: Iterable[str]) -> dict[str, str]:
    return {sku: p.name for sku, p in catalog.products_by_sku(session, skus=skus, active_only=False).items()}


def _products(skus: Sequence[str], names: dict[str, str]) -> str:
    return ", ".join(f"{names[s]} ({s})" if s in names else s for s in skus)


def tickets(session: Session, approvals: Sequence[ApprovalTicketPublic], lang: Lang, tz: str) -> list[Ticket]:
    """Return this turn's price requests in words: "Request #3: … (S201-B16)", "S201-B16 at 16.64 PLN net,
    valid until …"."""
    t = labels(lang)
    names = _product_names(session, [s for a in approvals for s in a.skus])
    out = []
    for a in approvals:
        if a.status == "approved":
            items = ", ".join(t("ticket_item", sku=sku, price=messages.money(price, a.currency or "PLN", lang))
                              for sku, price in a.unit_prices.items())
            detail = t("ticket_approved", items=items, until=when(a.valid_until, lang, tz))
        elif a.status == "pending":
            detail = t("ticket_existing" if a.existing else "ticket_pending")
        else:
            detail = ""
        out.append(Ticket(a.approval_id, a.status, _status_word(a.status, t),
                          t("ticket_head", id=a.approval_id, products=_products(a.skus, names)), detail))
    return out


def _status_word(status: str, t: Callable[..., str]) -> str:
    key = f"status_{status}"
    return t(key) if messages.has(SECTION, key) else status


def _percent(value: Any, lang: Lang) -> str:
    try:
        return messages.number(Decimal(str(value)), lang)
    except ArithmeticError:
        return str(value)


def offer_request(o: CustomerApprovalPublic, names: dict[str, str], lang: Lang) -> str:
    """Return what was asked, in words: "10% discount on … (S201-B16) for 100 pieces"."""
    t = labels(lang)
    change = o.proposed_change or {}
    products = _products(o.product_skus, names)
    percent = change.get("discount_percent")
    if o.kind == "discount" and percent is not None:
        parts = [t("request_discount_percent", percent=_percent(percent, lang), products=products)]
    elif o.kind in ("discount", "quote"):
        parts = [t(f"request_{o.kind}", products=products)]
    else:
        parts = [t("request_other", products=products)]
    asked_price = next((change[k] for k in ("unit_price", "new_price", "special_price", "net_price") if k in change),
                       None)
    if asked_price is not None:
        try:
            parts.append(t("request_price", price=messages.money(asked_price, "PLN", lang)))
        except ArithmeticError:
            pass
    quantity = change.get("quantity")
    if isinstance(quantity, int | float) and quantity > 0:
        parts.append(t("request_quantity", quantity=int(quantity)))
    return " ".join(parts)


def offer_terms(o: CustomerApprovalPublic, lang: Lang, tz: str) -> str:
    """Return where a request stands, in words: waiting, approved at a price until a date, rejected, expired."""
    t = labels(lang)
    status = o.status.value
    until = when(o.expires_at, lang, tz)
    min_quantity = getattr(o, "min_quantity", None)
    if status == "approved":
        if o.approved_unit_price is not None:
            return t("terms_approved_price", price=messages.money(o.approved_unit_price, "PLN", lang),
                     min_quantity=min_quantity, until=until)
        return t("terms_approved", min_quantity=min_quantity, until=until)
    if status == "pending":
        return t("terms_pending", until=until)
    if status == "rejected":
        return t("terms_rejected", date=when(o.decided_at, lang, tz))
    return t("terms_expired", until=until)


def offers(session: Session, customer: Customer, lang: Lang, tz: str) -> list[Offer]:
    """Return the company's price requests and offers, newest first, in words."""
    t = labels(lang)
    rows = company_approvals(session, customer).data
    names = _product_names(session, [s for o in rows for s in o.product_skus])
    out = []
    for o in rows:
        note = getattr(o, "note", None)
        out.append(Offer(id=o.id, status=o.status.value, status_text=_status_word(o.status.value, t),
                         request=offer_request(o, names, lang), terms=offer_terms(o, lang, tz),
                         note=t("note", note=note) if note else "",
                         asked=t("requested_on", date=when(o.requested_at, lang, tz))))
    return out


# --- the conversation ----------------------------------------------------------------------------------------------


def _questions(qs: Sequence[OnboardingQuestion], reply: str) -> list[Question]:
    return [Question("" if q.question in reply else q.question, list(q.options)) for q in qs]


def stored_turns(resources: Resources, session: Session, customer: Customer, conversation_id: str,
                 lang: Lang) -> list[Turn]:
    """Return the stored turns of a conversation, oldest first: each customer message with the reply after it
    and the products that reply showed (unmasked while the conversation's vault lives)."""
    rows = [m for m in conversations.messages(session, conversation_id=conversation_id)
            if m.role in ("user", "assistant")]
    recs = conversations.chat_recommendations(session, conversation_id=conversation_id,
                                              company_id=customer.company_id)
    vault = resources.vaults.get(conversation_id)
    pairs: list[tuple[Message | None, Message | None]] = []
    for m in rows:
        if m.role == "user" or not pairs or pairs[-1][1] is not None:
            pairs.append((m, None) if m.role == "user" else (None, m))
        else:
            pairs[-1] = (pairs[-1][0], m)
    pairs = pairs[-MAX_TURNS:]
    used: set[int | None] = set()
    turns = []
    for user_msg, reply in pairs:
        start = user_msg.created_at if user_msg is not None else None
        end = reply.created_at if reply is not None else None
        mine = [(r, p) for r, p in recs if r.id not in used
                and (start is None or r.created_at >= start) and (end is None or r.created_at <= end)]
        used.update(r.id for r, _ in mine)
        text = vault.unmask(reply.masked_text) if reply is not None else ""
        turns.append(Turn(message=vault.unmask(user_msg.masked_text) if user_msg is not None else "",
                          blocks=reply_blocks(text, stored_cards(session, customer, mine, lang))))
    return turns


def answered_turn(session: Session, customer: Customer, message: str, answer: AgentAnswerPublic, tz: str) -> Turn:
    """Return the turn just answered, from the agent's answer (its tickets and questions are not stored)."""
    lang = lang_of(answer.language)
    return Turn(message=message,
                blocks=reply_blocks(answer.reply, answer_cards(session, customer, answer.recommendations, lang)),
                tickets=tickets(session, answer.approvals, lang, tz),
                questions=_questions(answer.questions, answer.reply))


def page_language(session: Session, customer: Customer, conversation_language: str | None = None) -> Lang:
    """Return the page's language: the conversation's, else the company's (its latest chat's, else by country:
    Polish for a Polish or unknown country)."""
    if conversation_language in ("pl", "en"):
        return lang_of(conversation_language)
    return customer_language(session, customer)


def chat_view(resources: Resources, session: Session, customer: Customer, *, conversation_id: str | None = None,
              answer: AgentAnswerPublic | None = None, message: str = "") -> ChatView:
    """Return the chat page: a conversation's turns (the one just answered last, from ``answer``), or an empty
    page for a new conversation; the customer's conversation is checked (403 someone else's, 404 unknown)."""
    tz = resources.settings.shop_timezone
    if answer is not None:
        conversation_id = answer.conversation_id
    conversation = None
    if conversation_id:
        conversation = conversations.get_conversation(session, conversation_id=conversation_for(
            session, customer, conversation_id))
    if answer is not None:
        lang = lang_of(answer.language)
    else:
        lang = page_language(session, customer, conversation.language if conversation else None)
    turns: list[Turn] = []
    if conversation is not None:
        turns = stored_turns(resources, session, customer, conversation.id, lang)
    if answer is not None:
        turns = [*turns[:-1], answered_turn(session, customer, message, answer, tz)]
    resume = ""
    if not turns:
        last = conversations.latest_contact_conversation(session, contact_id=customer.contact_id)
        resume = last.id if last is not None and last.id != conversation_id else ""
    return ChatView(lang=lang, t=labels(lang), conversation_id=conversation.id if conversation else "",
                    turns=turns, offers=offers(session, customer, lang, tz),
                    disclosure=DISCLOSURE_PL if lang == "pl" else DISCLOSURE_EN, resume_id=resume)


# --- the "why?" page -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WhyView:
    """The "why?" page: the explanation, its language and where "back" goes."""

    why: WhyPublic
    lang: Lang
    t: Callable[..., str]
    recommended: str
    back: str


def why_view(session: Session, principal: Principal, recommendation_id: int, tz: str) -> WhyView:
    """Return the "why?" page of one recommendation (own company only): in the conversation's language for a
    customer, with "back" to that conversation; in English with "back" to the queue for staff."""
    why = explain(session, principal, recommendation_id)
    row = conversations.get_recommendation(session, recommendation_id=recommendation_id)
    back = "/ui/staff"
    lang: Lang = "en"
    if not principal.is_staff:
        customer = as_customer(principal)
        conversation = (conversations.get_conversation(session, conversation_id=row.conversation_id)
                        if row is not None and row.conversation_id else None)
        lang = page_language(session, customer, conversation.language if conversation else None)
        back = f"/ui/chat?conversation_id={conversation.id}" if conversation is not None else "/ui/chat"
    t = labels(lang)
    if row is not None and not premise_texts(list(row.premises or [])):
        why = why.model_copy(update={"premises": [t("why_general")]})
    where_key = f"surface_{why.surface}"
    where = t(where_key) if messages.has(SECTION, where_key) else ""
    recommended = t("why_recommended", where=where, date=when(why.created_at, lang, tz)).replace("  ", " ")
    return WhyView(why=why, lang=lang, t=t, recommended=recommended, back=back)
