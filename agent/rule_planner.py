"""The deterministic planner: a table of intent handlers over the same tools the LLM uses.

The intent comes from a classifier trained on labelled examples (``agent.intent_model``), the slots from the
message's tokens (``agent.slots``); :data:`HANDLERS` maps each intent to one small function (its tool sequence
and answer template, ``agent.handlers`` / ``agent.search_handlers``). Only the onboarding of a new company
(a conversation state, not a kind of message) is decided before the table. It answers when no LLM is configured
and whenever the LLM fails, and shares the LLM planner's interface: ``plan(state) -> ToolPlan | AnswerPlan``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent import handlers as h
from agent import search_handlers as s
from agent._planning import MAX_PICKS, Turn, call, list_answer, search_call
from agent._state import TurnState
from agent.intent_model import IntentClassifier, classifier_for
from agent.intents import category_hints
from agent.models import AnswerPlan, Pick, Plan, ToolPlan
from agent.templates import onboarding_noted_text, product_lines, question_text, t
from agent.understand import Reading, read
from tools.models import OnboardingAnswer
from tools.onboarding import QUESTIONS, next_onboarding_topic

Handler = Callable[[Turn], Plan]

HANDLERS: dict[str, Handler] = {
    "find": s.find,
    "project_need": s.project_need,
    "product_info": h.product_info,
    "price_question": h.price_question,
    "stock": h.stock,
    "discount_request": h.discount_request,
    "cheaper": h.alternatives,
    "alternatives": h.alternatives,
    "accessories": h.accessories,
    "recommend": h.recommend,
    "popular": h.popular,
    "orders": h.orders,
    "place_order": h.place_order,
    "explain": h.explain,
    "opt_out": h.opt_out,
    "identity": h.identity,
    "greeting": h.greeting,
    "thanks": h.thanks,
    "company_info": h.recommend,
    "out_of_scope": h.out_of_scope,
    "clarify": h.clarify,
}
"""Intent -> handler. ``company_info`` outside onboarding gets personal picks (the onboarding path records it)."""

_ONBOARDING_INTENTS = ("find", "recommend", "greeting", "company_info", "popular", "clarify", "project_need")
"""Intents a new company's message may carry when it answers the onboarding question."""


class RulePlanner:
    """Intent handlers over the same tools the LLM uses."""

    name = "planner"

    def __init__(self, classifier: IntentClassifier | None = None) -> None:
        self.classifier = classifier
        self._readings: dict[str, Reading] = {}

    def reading(self, state: TurnState) -> Reading:
        """Return the reading of the turn's message (classified once per turn)."""
        if state.message not in self._readings:
            clf = self.classifier or default_classifier(state)
            self._readings[state.message] = read(state.message, clf)
        return self._readings[state.message]

    def plan(self, state: TurnState) -> Plan:
        """Return the next tools to run, or the answer once their outcomes are in."""
        turn = Turn(state, self.reading(state), frozenset(o.call.name for o in state.outcomes))
        onboarding = self._onboarding(turn)
        if onboarding is not None:
            return onboarding
        if turn.reading.also == ("accessories",) or turn.reading.also == ("discount_request",):
            return h.discount_and_accessories(turn)
        return HANDLERS.get(turn.reading.intent, s.find)(turn)

    def _onboarding(self, turn: Turn) -> Plan | None:
        """A new company: record its answer to the question asked, else ask the first question with the
        segment's bestsellers (and the search it asked for); None when onboarding has nothing to do."""
        state, r = turn.state, turn.reading
        if not turn.cold or r.intent not in _ONBOARDING_INTENTS:
            return None
        asked = _onboarding_topic_asked(state)
        if asked and "record_onboarding_answer" not in turn.ran:
            args: dict[str, Any] = {"topic": asked, "answer": state.message.strip()[:300]}
            if asked == "categories":
                args["product_groups_named"] = category_hints(state.message)
            return ToolPlan((call("record_onboarding_answer", args),))
        recorded = [o.output for o in state.outcomes_of("record_onboarding_answer")
                    if isinstance(o.output, OnboardingAnswer)]
        if recorded:
            return _onboarding_recorded(turn, recorded[0])
        if "ask_onboarding_question" not in turn.ran and not state.history \
                and next_onboarding_topic(state.ctx.company) is not None:
            calls = [call("ask_onboarding_question", {}), call("segment_bestsellers", {"k": MAX_PICKS})]
            if r.intent == "find" and r.query:
                calls.append(search_call(r.query, MAX_PICKS, r.category))
            return ToolPlan(tuple(calls))
        if "ask_onboarding_question" in turn.ran:
            return _onboarding_answer(turn)
        return None


def default_classifier(state: TurnState) -> IntentClassifier:
    """Return the process's classifier for the turn's data dir and embedder (fitted or loaded once)."""
    res = state.ctx.resources
    return classifier_for(res.settings.models_dir, getattr(res.catalog, "embedder", None))


def _onboarding_answer(turn: Turn) -> Plan:
    """The first turn of a new company: a welcome, the question, what it searched for, the bestsellers."""
    lang = turn.lang
    question = turn.state.ctx.questions[-1] if turn.state.ctx.questions else None
    found = turn.cards("search_catalog")
    best = [c for c in turn.cards("segment_bestsellers") if c.sku not in {f.sku for f in found}]
    parts = [t("welcome", lang)]
    if question is not None:
        parts.append(question_text(question))
    picks = (found + best)[:MAX_PICKS]
    if found:
        parts += [t("found", lang, query=turn.reading.query), *product_lines(found[:MAX_PICKS], lang)]
    if best and len(found) < MAX_PICKS:
        parts += [t("bestsellers", lang), *product_lines(best[: MAX_PICKS - len(found)], lang)]
    return AnswerPlan("\n".join(parts), picks=tuple(Pick(c.sku) for c in picks))


def _onboarding_recorded(turn: Turn, answer: OnboardingAnswer) -> Plan:
    """After a new company's answer was recorded: say what was noted, ask the next thing, show picks that
    already use it."""
    state = turn.state
    nxt = next_onboarding_topic(state.ctx.company)
    calls = []
    if nxt is not None and "ask_onboarding_question" not in turn.ran:
        calls.append(call("ask_onboarding_question", {"topic": nxt}))
    if "recommend_for_customer" not in turn.ran:
        calls.append(call("recommend_for_customer", {"k": MAX_PICKS}))
    if calls:
        return ToolPlan(tuple(calls))
    parts = [t("onboarding_noted", turn.lang, what=onboarding_noted_text(answer, turn.lang))]
    if state.ctx.questions:
        parts.append(question_text(state.ctx.questions[-1]))
    cards = turn.cards("recommend_for_customer")[:MAX_PICKS]
    if not cards:
        return AnswerPlan("\n".join(parts), picks=())
    return list_answer("\n".join([*parts, t("onboarding_picks", turn.lang)]), cards, turn.lang)


def _onboarding_topic_asked(state: TurnState) -> str | None:
    """Return the onboarding topic the assistant's last message asked about (the conversation's open question)."""
    last = next((text for role, text in reversed(state.history) if role == "assistant"), "")
    return next((topic for topic, words in QUESTIONS.items() if any(q in last for q in words.values())), None)
