"""The guardrails as the loop composes them: input (PII masking), per tool (price gate), output (checks).

Each returns the guardrail's own verdict object; the loop decides what a trip means (mask and go on, refuse the
call with a message to the model, file an approval, repair or replace the reply).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from agent._state import TurnState
from agent.intents import detect
from agent.models import FinalOutput
from core.errors import InputError, InputTooLargeError, RateLimitedError
from guardrails.approvals import CENT, approved_offers, find_open_request, offer_prices
from guardrails.output_checks import (
    DISCLOSURE_EN,
    DISCLOSURE_PL,
    AgentReplyDraft,
    CheckContext,
    CheckReport,
    ProductFact,
    check_reply,
    find_sku_tokens,
    unsafe_content,
)
from guardrails.tool_gate import ToolGuardResult, guard_tool_call
from store import catalog
from store.approvals import approvals as approvals_of
from store.companies import company_names
from store.models import ApprovalStatus
from tools import TOOLS
from tools.catalog import named_by_query
from tools.context import RunContext

APPROVAL_TOOLS = frozenset({"request_price_change"})
"""Tools whose whole purpose is to file a price approval (the gate's ``require_approval`` is their path)."""
MAX_APPROVALS_PER_TURN = 2
_CODE_WORD = re.compile(r"(?<![\w-])[A-Za-z0-9][A-Za-z0-9./+-]{2,}[A-Za-z0-9](?![\w-])")


@dataclass(frozen=True)
class InputGuardResult:
    """The masked message and the kinds of personal data found (never the values)."""

    masked_text: str
    entity_types: tuple[str, ...]
    planner_text: str = ""
    """What the planners read: the masked text with every word cut to ``max_word_chars`` (a pasted blob with
    no spaces must not become a search query no tool accepts)."""


def guard_input(ctx: RunContext, text: str) -> InputGuardResult:
    """Return the message masked with the conversation's vault; refuse an empty message (422) and one over
    ``max_message_chars`` (413). The one content check of a message: the portal does not repeat it."""
    limit = ctx.resources.settings.max_message_chars
    if len(text) > limit:
        raise InputTooLargeError(f"message is {len(text)} characters; the limit is {limit}")
    text = text.strip()
    if not text:
        raise InputError("the message is empty")
    vault = ctx.resources.vaults.get(ctx.conversation_id)
    result = ctx.resources.masker.mask(text, vault)
    return InputGuardResult(result.text, tuple(sorted({e.type for e in result.entities})),
                            planner_text=limit_words(result.text, ctx.resources.settings.max_word_chars))


def limit_words(text: str, longest: int) -> str:
    """Return ``text`` with every run of non-space characters longer than ``longest`` cut to that length."""
    return re.sub(rf"\S{{{longest + 1},}}", lambda m: m.group()[:longest], text)


def guard_tool(state: TurnState, name: str, args: dict[str, Any]) -> ToolGuardResult:
    """Return the price gate's verdict for one call (approval tools always take the approval path).

    A price request must be about products the conversation named (:func:`unnamed_price_skus`): a model that
    files one for a product it picked itself would put a request the customer never made in front of the sales
    team, and tell the customer about a product they did not ask about.
    """
    ctx = state.ctx
    verdict = guard_tool_call(name, args, known_tools=frozenset(TOOLS))
    if name in APPROVAL_TOOLS:
        if verdict.action == "reject":
            return verdict
        if len(ctx.approvals) >= MAX_APPROVALS_PER_TURN:
            return ToolGuardResult("reject", "too_many_approvals",
                                   f"Request #{ctx.approvals[-1].approval_id} is already filed this turn; tell the "
                                   "customer its number instead of filing another.")
        skus = [str(s) for s in args.get("skus", [])]
        _refuse_over_the_cap(ctx, skus, args)
        unnamed = unnamed_price_skus(state, skus)
        if unnamed:
            return ToolGuardResult("reject", "price_request_not_named",
                                   f"The customer did not name {', '.join(unnamed)} in this conversation and no "
                                   "search for their words found it; ask the customer which product they mean "
                                   "before filing a price request.", {"skus": unnamed})
        return ToolGuardResult("require_approval", "approval_tool", verdict.message, dict(verdict.info))
    return verdict


def _refuse_over_the_cap(ctx: RunContext, skus: list[str], args: dict[str, Any]) -> None:
    """Raise :class:`RateLimitedError` (429) when the company already has ``max_open_price_requests`` pending
    requests and this call would file another one (asking again about an open request is always answered):
    a flood of asks must not flood the sales team. ``retry_after`` is when the oldest pending one expires."""
    cap = ctx.resources.settings.max_open_price_requests
    now = datetime.now(UTC)
    pending = [r for r in approvals_of(ctx.session, statuses=[ApprovalStatus.pending], company_id=ctx.company.id)
               if _aware(r.expires_at) > now]
    if len(pending) < cap:
        return
    change = {k: args[k] for k in ("discount_percent", "quantity") if args.get(k) is not None}
    if find_open_request(ctx.session, company_id=ctx.company.id or 0, skus=skus, kind=str(args.get("kind", "discount")),
                         proposed_change=change) is not None:
        return
    oldest = min(_aware(r.expires_at) for r in pending)
    raise RateLimitedError(f"your company has {len(pending)} price requests waiting for our sales team (the most "
                           f"open at once is {cap}); please wait for a decision before asking for another one",
                           retry_after=(oldest - now).total_seconds())


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def unnamed_price_skus(state: TurnState, skus: list[str]) -> list[str]:
    """Return the SKUs among ``skus`` that the conversation did not name.

    Named means: written in the customer's message or in the conversation the planner sees (the customer's
    words, or products the assistant showed), recommended earlier in the conversation, or this turn's search
    hit for what the customer described (:func:`tools.catalog.named_by_query`). A product found by faint
    similarity, or one the model took from a recommendation list it has not shown yet, is not named.
    """
    text = "\n".join([state.message, *(t for _, t in state.history)])
    earlier = {s.upper() for s in state.previous_skus}
    out = []
    for sku in skus:
        card = state.ctx.returned.get(sku)
        if sku.upper() in earlier or (card is not None and named_by_query(card)):
            continue
        if re.search(rf"(?<![\w-]){re.escape(sku)}(?![\w-])", text, flags=re.IGNORECASE):
            continue
        out.append(sku)
    return out


class _ToolTextAwareMasker:
    """The masker's ``detect`` as the output check uses it, looking only at what the tools did not write.

    Text the tools returned this turn (catalogue names, premises, SKUs, catalogue prices) and the disclosure are
    blanked (offsets kept) before detection: they cannot carry a stranger's personal data, and skipping them
    keeps the check fast. (Prices written with their currency are shielded by guardrails.pii itself.)
    """

    def __init__(self, masker: Any, safe: list[str]) -> None:
        self.masker = masker
        self.safe = sorted({t for t in safe if len(t) > 3}, key=len, reverse=True)

    def detect(self, text: str) -> list[Any]:
        blanked = text
        for chunk in self.safe:
            blanked = blanked.replace(chunk, " " * len(chunk))
        if not re.search(r"[A-Za-z0-9@]", blanked):
            return []
        return self.masker.detect(blanked)  # type: ignore[no-any-return]


def _tool_written(ctx: RunContext) -> list[str]:
    out = [DISCLOSURE_EN, DISCLOSURE_PL]
    for card in ctx.returned.values():
        out += [card.name, card.sku, f"{card.price:.2f} {card.currency}", card.category]
        out += [p.text for p in card.premises]
    return out


def code_words(text: str) -> set[str]:
    """Return the words of ``text`` that may be catalogue SKUs, to look up: those with a digit ("LC1D32B7") and
    upper-case hyphenated codes without one ("GAL-GRJ-BL"), which the SKU-shape patterns cannot see."""
    return {t for t in _CODE_WORD.findall(text)
            if any(c.isdigit() for c in t) or ("-" in t and t.upper() == t and any(c.isalpha() for c in t))}


def tool_text_tokens(ctx: RunContext) -> set[str]:
    """Return the codes inside what the tools wrote this turn (product names, premises): code-shaped tokens,
    and catalogue SKUs named there (looked up, since a SKU such as "LC1D32B7" can look like a spec)."""
    tokens: set[str] = set()
    candidates: set[str] = set()
    for card in ctx.returned.values():
        for text in (card.name, *(p.text for p in card.premises)):
            tokens.update(tok for _, _, tok in find_sku_tokens(text, ()))
            candidates.update(code_words(text))
    candidates -= tokens | ctx.returned_skus | ctx.referenced
    if candidates:
        tokens.update(catalog.existing_skus(ctx.session, skus=candidates))
    return tokens


def grounding(ctx: RunContext) -> set[str]:
    """Return every code the reply may name: SKUs tools returned or referenced, and codes inside tool text."""
    return set(ctx.returned_skus) | ctx.referenced | tool_text_tokens(ctx)


def _facts(ctx: RunContext, draft: AgentReplyDraft, allowed: set[str]) -> dict[str, ProductFact]:
    """Return the check facts in two queries (products, the company's approved offers); the allowed prices are
    ``guardrails.approvals``' own rule: the catalogue price plus the prices of approved, unexpired offers."""
    tool_text = allowed - ctx.returned_skus - ctx.referenced
    wanted = set(draft.recommended_skus) | allowed | {t for _, _, t in find_sku_tokens(draft.text, ())} | \
        code_words(draft.text)  # a catalogue SKU without digits in the reply is then checked like any other
    offers = approved_offers(ctx.session, ctx.company.id)  # type: ignore[arg-type]
    facts: dict[str, ProductFact] = {}
    if wanted:
        for p in catalog.products_by_sku(ctx.session, skus=sorted(wanted), active_only=False).values():
            catalogue = Decimal(p.unit_price).quantize(CENT)
            prices = {catalogue}
            percents: set[Decimal] = set()
            covering = [offer for offer in offers if p.sku in (offer.product_skus or [])]
            for offer in covering:
                prices |= offer_prices(offer, p.sku, catalogue)
                percent = (offer.proposed_change or {}).get("discount_percent")
                if percent is not None:
                    percents.add(Decimal(str(percent)).quantize(CENT))
            facts[p.sku] = ProductFact(p.sku, p.active, p.currency, frozenset(prices), frozenset(percents),
                                       names=(p.name,), approved=bool(covering))
    for tok in tool_text - set(facts):  # code-like words inside tool text (e.g. "TH35" in a product name)
        facts[tok] = ProductFact(tok, True)
    return facts


def guard_output(ctx: RunContext, masked_reply: str, skus: list[str], *, model_written: bool = True,
                 agent_texts: tuple[str, ...] = ()) -> CheckReport:
    """Return the output checks' verdict on a (masked) reply; a repaired text comes back unmasked.

    Allowed SKUs: those tools returned or referenced this turn, plus code-like tokens inside what the tools
    wrote (an anchor SKU in a premise, "TH35" in the product name "DIN rail TH35 1 m"). The personal-data
    detector runs on model-written text; a template reply is built only from tool data and the masked message.
    For model-written text every amount, percentage and approval claim must be provably allowed for the product
    it is about; ``agent_texts`` (template lines the agent appended) are exempt.
    """
    draft = AgentReplyDraft(text=masked_reply, recommended_skus=skus, language=ctx.language)
    tool_text = tool_text_tokens(ctx)
    allowed = set(ctx.returned_skus) | ctx.referenced | tool_text
    check_ctx = CheckContext(products=_facts(ctx, draft, allowed), tool_result_skus=frozenset(allowed),
                             vault=ctx.resources.vaults.get(ctx.conversation_id),
                             masker=_ToolTextAwareMasker(ctx.resources.masker, _tool_written(ctx))  # type: ignore[arg-type]
                             if model_written else None,
                             company_id=ctx.company.id, model_written=model_written,
                             agent_texts=tuple(_tool_written(ctx)) + tuple(agent_texts))
    return check_reply(draft, check_ctx)


def screen_model_answer(state: TurnState, final: FinalOutput) -> list[str]:
    """Return why the model's final answer must be replaced by the rule planner's over the same tools (empty:
    it goes on to the output checks, which repair what they can): text no reply of ours contains (tool-call
    syntax, code, raw JSON, HTML entities, links outside the shop, another customer company named), or a
    discount or quote ask the model answered without filing a request (such an ask always ends in a pending
    approval or the planner's question back)."""
    ctx = state.ctx
    problems = unsafe_content(final.reply, shop_hosts=ctx.resources.settings.shop_link_hosts,
                              other_companies=company_names(ctx.session, except_company_id=ctx.company.id))
    if detect(state.message).intent == "price" and not ctx.approvals:
        problems.append("price_request_not_filed")
    return problems
