"""From the planner's final output to the stored, checked answer: picks, output checks, justifications, rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Literal

import messages
from agent._state import TurnState
from agent.guards import grounding, guard_output
from agent.models import AgentAnswer, FinalOutput, Pick, RecommendationPublic
from agent.templates import approval_text, justification, premise_text, product_lines, t
from guardrails.approvals import CENT, mark_told, offer_prices, untold_decisions
from guardrails.output_checks import DISCLOSURE_EN, DISCLOSURE_PL, find_sku_tokens, record_report
from measurement.impressions import record_impressions
from store import catalog, conversations
from store.approvals import get_approval
from store.models import ApprovalStatus, PriceApproval, Product
from tools._cards import products_by_sku
from tools.context import RunContext
from tools.models import ApprovalTicketPublic, ProductList

MAX_RECOMMENDATIONS = 5


@dataclass(frozen=True)
class Checked:
    """The reply after the output checks (unmasked for the customer) and the SKUs that survived them."""

    text: str
    skus: list[str]
    notes: list[str]
    blocked: bool


def disclosure_for(lang: Literal["pl", "en"]) -> str:
    """Return the AI disclosure line in the customer's language."""
    return DISCLOSURE_PL if lang == "pl" else DISCLOSURE_EN


def choose_picks(state: TurnState, final: FinalOutput) -> list[Pick]:
    """Return the planner's picks, or for free text the returned products it names (else the last list shown)."""
    ctx = state.ctx
    if final.picks is not None:
        return [p for p in final.picks if p.sku in ctx.returned][:MAX_RECOMMENDATIONS]
    named = [tok for _, _, tok in find_sku_tokens(final.reply, ctx.returned) if tok in ctx.returned]
    if not named:
        lists = [o.output for o in state.outcomes if isinstance(o.output, ProductList) and o.output.items]
        named = [c.sku for c in lists[-1].items[:3]] if lists else []
    return [Pick(s) for s in dict.fromkeys(named)][:MAX_RECOMMENDATIONS]


def announcements(ctx: RunContext, reply: str) -> list[str]:
    """Return the template lines that announce this turn's approvals the reply does not name."""
    return [approval_text(a, ctx.language) for a in ctx.approvals if str(a.approval_id) not in reply]


def compose_body(ctx: RunContext, reply: str) -> str:
    """Return the reply with every approval of this turn announced (by template when the text omits it)."""
    return "\n".join([reply.strip(), *announcements(ctx, reply)]).strip()


def check(state: TurnState, body: str, skus: list[str], *, model_written: bool,
          news: tuple[str, ...] = ()) -> Checked:
    """Run the output checks on ``body`` plus the disclosure; a trip is kept for the audit row the turn writes
    at its end. ``news`` (the decision sentences the agent wrote) is exempt from the model-text checks."""
    ctx = state.ctx
    report = guard_output(ctx, f"{body}\n\n{disclosure_for(ctx.language)}", skus, model_written=model_written,
                          agent_texts=tuple(announcements(ctx, "")) + news)
    if report.tripped:
        state.reports.append(report)
    notes = [f"{f.check}: {f.reason} ({f.action})" for f in report.findings]
    return Checked(report.text, list(report.recommended_skus), notes, report.action == "block")


def fallback_body(ctx: RunContext, picks: list[Pick]) -> str:
    """Return a template reply over what the tools returned (used when a reply was blocked)."""
    cards = [ctx.returned[p.sku] for p in picks if p.sku in ctx.returned]
    parts = [t("fallback_products", ctx.language), *product_lines(cards, ctx.language)] if cards else [
        t("greeting", ctx.language)]
    return "\n".join(parts)


def remask(ctx: RunContext, text: str) -> str:
    """Return ``text`` with the conversation's own details put back behind their placeholders (for storage)."""
    vault = ctx.resources.vaults.get(ctx.conversation_id)
    pairs = [(ph, vault.original_of(ph)) for ph in vault.placeholders()]
    for ph, original in sorted(pairs, key=lambda p: -len(p[1] or "")):
        if original:
            text = text.replace(original, ph)
    return text


def finish(state: TurnState, final: FinalOutput, answered_by: Literal["llm", "planner"],
           notes: list[str], model_version: str, *, user_message: str) -> AgentAnswer:
    """Check and justify the answer, then write the turn in one short transaction (the conversation, both
    masked messages, the Recommendation rows, the audit rows of any guardrail trip); return it.

    Nothing of the turn is written before this point, so a turn that fails earlier leaves no row, and no
    database lock is held while a planner waits for a model.
    """
    ctx = state.ctx
    picks = choose_picks(state, final)
    news = decision_news(ctx)  # the sales team's decisions since the customer was last told, once each

    def told(reply: str) -> str:
        return "\n".join([compose_body(ctx, reply), *news.lines]).strip()

    checked = check(state, told(final.reply), [p.sku for p in picks], model_written=answered_by == "llm",
                    news=news.lines)
    notes = notes + checked.notes
    if checked.blocked:
        answered_by = "planner"
        picks = [p for p in picks if p.sku in ctx.returned]
        checked = check(state, told(fallback_body(ctx, picks)), [p.sku for p in picks], model_written=False,
                        news=news.lines)
        notes += [f"replaced by template: {n}" for n in checked.notes]
        if checked.blocked:  # nothing publishable: the bare disclosure, the approvals and the decisions only
            checked = check(state, told(t("greeting", ctx.language)), [], model_written=False, news=news.lines)
    by_sku = {p.sku: p for p in picks}
    rows = products_by_sku(ctx, checked.skus)
    shown = [(sku, ctx.returned[sku], rows[sku]) for sku in checked.skus if sku in ctx.returned and sku in rows]
    recs: list[RecommendationPublic] = []
    with ctx.writing() as w:
        conv = ctx.conversation_row(w)
        if conv.language != ctx.language:
            conv.language = ctx.language
            w.add(conv)
        conversations.add_message(w, conversation_id=ctx.conversation_id, role="user", masked_text=user_message)
        for rank, (sku, card, product) in enumerate(shown):
            why = justification(card, ctx.language)
            row = conversations.add_recommendation(
                w, company_id=ctx.company.id, conversation_id=ctx.conversation_id, surface="chat",
                product_id=product.id or 0, rank=rank, justification=why, model_version=model_version,
                premises=[p.model_dump(mode="json") for p in card.premises])
            recs.append(RecommendationPublic(sku=sku, name=card.name, price=card.price, currency=card.currency,
                                             category=card.category, premises=[said for p in card.premises
                                                                         if (said := premise_text(p, ctx.language))],
                                             justification=by_sku[sku].justification or why if sku in by_sku
                                             else why, recommendation_id=row.id))
        record_impressions(w, company=ctx.company, session_id=ctx.conversation_id, surface="chat",
                           skus=[r.sku for r in recs])  # measurement: in the same transaction as the rows
        conversations.add_message(w, conversation_id=ctx.conversation_id, role="assistant",
                                  masked_text=remask(ctx, checked.text), answered_by=answered_by)
        for report in state.reports:
            record_report(w, report, conversation_id=ctx.conversation_id)
        mark_told(w, approval_ids=list(news.approval_ids), conversation_id=ctx.conversation_id)
    return AgentAnswer(
        reply=checked.text, recommendations=recs,
        approvals=[ApprovalTicketPublic(**a.model_dump(exclude={"message"})) for a in ctx.approvals],
        disclosure=disclosure_for(ctx.language), answered_by=answered_by, conversation_id=ctx.conversation_id,
        language=ctx.language, questions=list(ctx.questions), tool_calls=[o.call.name for o in state.outcomes],
        tool_skus=sorted(grounding(ctx)),
        guardrail_notes=notes,
    )


@dataclass(frozen=True)
class DecisionNews:
    """The sales team's decisions this reply tells the customer: the sentences it adds and the requests it tells
    (marked told in the turn's own write transaction, so the next reply does not repeat them)."""

    lines: tuple[str, ...] = ()
    approval_ids: tuple[int, ...] = ()


def _until(row: PriceApproval) -> str:
    at = row.expires_at if row.expires_at.tzinfo is not None else row.expires_at.replace(tzinfo=UTC)
    return f"{at:%Y-%m-%d %H:%M} UTC"


def decision_text(row: PriceApproval, products: dict[str, Product], lang: Literal["pl", "en"], *,
                  with_note: bool = True) -> str:
    """Return the sentence telling the customer a decision: approved with the approved net prices (the ones the
    output check allows), the condition and the validity, or rejected (the catalogue price applies); then the
    sales team's note."""
    skus = list(row.product_skus or [])

    def named(sku: str) -> str:
        product = products.get(sku)
        return messages.render("decision", "product", lang, name=product.name, sku=sku) if product else sku

    names = ", ".join(named(s) for s in skus)
    if row.status == ApprovalStatus.approved:
        items = []
        for sku in skus:
            product = products.get(sku)
            granted = offer_prices(row, sku, Decimal(product.unit_price).quantize(CENT) if product else None)
            if granted:
                price = messages.money(min(granted), product.currency if product else "PLN", lang)
                items.append(messages.render("decision", "approved_item", lang, product=named(sku), price=price))
        text = messages.render("decision", "approved", lang, id=row.id, items=", ".join(items), products=names,
                               min_quantity=row.min_quantity, until=_until(row))
    else:
        text = messages.render("decision", "rejected", lang, id=row.id, products=names)
    if with_note and row.note and row.note.strip():
        text = f"{text} {messages.render('decision', 'note', lang, note=' '.join(row.note.split()))}"
    return text


def decision_news(ctx: RunContext, *, now: datetime | None = None) -> DecisionNews:
    """Return the decisions on the company's requests made since the customer was last told (any conversation
    of the company), one sentence each in the turn's language. A request this turn's own answer already tells
    (the customer asked about it) gets no second sentence, only its condition and note. The SKUs the sentences
    name become the turn's referenced SKUs, so the output checks let them (and the approved prices) stand."""
    if ctx.company.id is None:
        return DecisionNews()
    rows = untold_decisions(ctx.session, ctx.company.id, now=now)
    answered = {a.approval_id for a in ctx.approvals if a.status == ApprovalStatus.approved.value}
    untold = {int(r.id or 0) for r in rows}
    extra = [r for i in sorted(answered) if (r := get_approval(ctx.session, approval_id=i)) is not None]
    products = catalog.products_by_sku(ctx.session, skus=sorted({s for r in rows + extra for s in r.product_skus}),
                                       active_only=False)
    lines = [decision_text(r, products, ctx.language) for r in rows if r.id not in answered]
    for row in extra:  # this turn's ticket states the approved price: add the condition, and the note once
        if row.min_quantity:
            lines.append(messages.render("decision", "condition", ctx.language, id=row.id,
                                         min_quantity=row.min_quantity))
        if row.id in untold and row.note and row.note.strip():
            lines.append(messages.render("decision", "note", ctx.language, note=" ".join(row.note.split())))
    for row in rows:
        ctx.referenced.update(row.product_skus or [])
    return DecisionNews(tuple(lines), tuple(sorted(untold)))
