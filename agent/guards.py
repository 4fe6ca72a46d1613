"""The guardrails as the loop composes them: input (PII masking), per tool (price gate), output (checks).

Each returns the guardrail's own verdict object; the loop decides what a trip means (mask and go on, refuse the
call with a message to the model, file an approval, repair or replace the reply).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlmodel import col, select

from guardrails.approvals import CENT, approved_offers, offer_prices
from guardrails.output_checks import (
    DISCLOSURE_EN,
    DISCLOSURE_PL,
    AgentReplyDraft,
    CheckContext,
    CheckReport,
    ProductFact,
    check_reply,
    find_prices,
    find_sku_tokens,
)
from guardrails.tool_gate import ToolGuardResult, guard_tool_call
from salesagent.errors import InputError
from store.models import Product
from tools import TOOLS
from tools.context import RunContext

APPROVAL_TOOLS = frozenset({"request_price_change"})
"""Tools whose whole purpose is to file a price approval (the gate's ``require_approval`` is their path)."""
MAX_APPROVALS_PER_TURN = 2


@dataclass(frozen=True)
class InputGuardResult:
    """The masked message and the kinds of personal data found (never the values)."""

    masked_text: str
    entity_types: tuple[str, ...]


def guard_input(ctx: RunContext, text: str) -> InputGuardResult:
    """Return the message masked with the conversation's vault; refuse empty or over-long messages."""
    text = text.strip()
    if not text:
        raise InputError("the message is empty")
    if len(text) > ctx.resources.settings.max_message_chars:
        raise InputError(f"the message is longer than {ctx.resources.settings.max_message_chars} characters")
    vault = ctx.resources.vaults.get(ctx.conversation_id)
    result = ctx.resources.masker.mask(text, vault)
    return InputGuardResult(result.text, tuple(sorted({e.type for e in result.entities})))


def guard_tool(ctx: RunContext, name: str, args: dict[str, Any]) -> ToolGuardResult:
    """Return the price gate's verdict for one call (approval tools always take the approval path)."""
    verdict = guard_tool_call(name, args, known_tools=frozenset(TOOLS))
    if name in APPROVAL_TOOLS:
        if verdict.action == "reject":
            return verdict
        if len(ctx.approvals) >= MAX_APPROVALS_PER_TURN:
            return ToolGuardResult("reject", "too_many_approvals",
                                   f"Request #{ctx.approvals[-1].approval_id} is already filed this turn; tell the "
                                   "customer its number instead of filing another.")
        return ToolGuardResult("require_approval", "approval_tool", verdict.message, dict(verdict.info))
    return verdict


class _PriceAwareMasker:
    """ADAPTER (remove when guardrails.pii shields prices): the masker's ``detect`` without findings that are a
    price written with its currency ("16.49 PLN" is reported as a PHONE_NUMBER by guardrails.pii today)."""

    def __init__(self, masker: Any) -> None:
        self.masker = masker

    def detect(self, text: str) -> list[Any]:
        prices = [(s, e) for s, e, _, _ in find_prices(text)]
        return [d for d in self.masker.detect(text)
                if not any(s <= d.start and d.end <= e for s, e in prices)]


def tool_text_tokens(ctx: RunContext) -> set[str]:
    """Return the code-like tokens inside what the tools wrote this turn (product names, premises)."""
    tokens: set[str] = set()
    for card in ctx.returned.values():
        for text in (card.name, *(p.text for p in card.premises)):
            tokens.update(tok for _, _, tok in find_sku_tokens(text, ()))
    return tokens


def grounding(ctx: RunContext) -> set[str]:
    """Return every code the reply may name: SKUs tools returned or referenced, and codes inside tool text."""
    return set(ctx.returned_skus) | ctx.referenced | tool_text_tokens(ctx)


def _facts(ctx: RunContext, draft: AgentReplyDraft, allowed: set[str]) -> dict[str, ProductFact]:
    """Return the check facts in two queries (products, the company's approved offers); the allowed prices are
    ``guardrails.approvals``' own rule: the catalogue price plus the prices of approved, unexpired offers."""
    tool_text = allowed - ctx.returned_skus - ctx.referenced
    wanted = set(draft.recommended_skus) | allowed | {t for _, _, t in find_sku_tokens(draft.text, ())}
    offers = approved_offers(ctx.session, ctx.company.id)  # type: ignore[arg-type]
    facts: dict[str, ProductFact] = {}
    if wanted:
        rows = ctx.session.exec(select(Product).where(col(Product.sku).in_(sorted(wanted)))).all()
        for p in rows:
            prices = {Decimal(p.unit_price).quantize(CENT)}
            for offer in offers:
                prices |= offer_prices(offer, p.sku)
            facts[p.sku] = ProductFact(p.sku, p.active, p.currency, frozenset(prices))
    for tok in tool_text - set(facts):  # code-like words inside tool text (e.g. "TH35" in a product name)
        facts[tok] = ProductFact(tok, True)
    return facts


def guard_output(ctx: RunContext, masked_reply: str, skus: list[str]) -> CheckReport:
    """Return the output checks' verdict on a (masked) reply; a repaired text comes back unmasked.

    Allowed SKUs: those tools returned or referenced this turn, plus code-like tokens inside what the tools
    wrote (an anchor SKU in a premise, "TH35" in the product name "DIN rail TH35 1 m").
    """
    draft = AgentReplyDraft(text=masked_reply, recommended_skus=skus, language=ctx.language)
    tool_text = tool_text_tokens(ctx)
    allowed = set(ctx.returned_skus) | ctx.referenced | tool_text
    check_ctx = CheckContext(products=_facts(ctx, draft, allowed), tool_result_skus=frozenset(allowed),
                             vault=ctx.resources.vaults.get(ctx.conversation_id),
                             masker=_PriceAwareMasker(ctx.resources.masker),  # type: ignore[arg-type]
                             company_id=ctx.company.id)
    return _finish_repairs(check_reply(draft, check_ctx))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def _finish_repairs(report: CheckReport) -> CheckReport:
    """Drop any sentence that still holds a SKU or price the checks flagged (their splitter can miss sentences
    with decimal points, e.g. "YDY-3X2.5-100." or "19.99 PLN")."""
    if report.action != "repair":
        return report
    bad_skus = {f.info.get("sku") for f in report.findings if f.check == "sku" and f.info.get("where") == "text"}
    bad_amounts = {str(f.info.get("amount")) for f in report.findings if f.check == "price"}
    if not bad_skus and not bad_amounts:
        return report
    disclosure = next((d for d in (DISCLOSURE_EN, DISCLOSURE_PL) if d in report.text), "")
    kept = []
    for sentence in _SENTENCE_END.split(report.text.replace(disclosure, "") if disclosure else report.text):
        skus = {tok for _, _, tok in find_sku_tokens(sentence, bad_skus - {None})}  # type: ignore[arg-type]
        amounts = {str(a) for _, _, a, _ in find_prices(sentence)}
        if not (skus & bad_skus or amounts & bad_amounts):
            kept.append(sentence)
    body = "\n".join(s for s in kept if s.strip()).strip()
    if not body:
        return report.model_copy(update={"action": "block", "text": "", "recommended_skus": []})
    return report.model_copy(update={"text": f"{body}\n\n{disclosure}".strip()})
