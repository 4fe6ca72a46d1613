"""The public facade: ``run_turn`` answers one customer message.

Steps of a turn:
1. load the company, detect the language, open the conversation (who may use which conversation is the
   portal's check, made before the turn);
2. input guardrail: refuse an empty or over-long message; mask personal data with the conversation's vault
   (the only text stored or sent anywhere);
3. build the profile the model may see (segment, funnel stage, consent; passed through the denylist);
4. plan and act: the LLM planner when an endpoint is configured, bounded by ``agent_max_steps``; on a timeout,
   an HTTP error, unusable output or an exhausted bound the rule planner answers the turn instead;
   every tool call passes the tool guardrail (price gate) first;
5. output guardrail: SKUs only from tool results, no unapproved price, no stranger's personal data, disclosure;
   a failing reply is repaired, or replaced by a template reply over the tool results;
6. write the turn in one short transaction at its end (conversation, masked messages, Recommendation rows with
   their premises, guardrail audit rows); return the answer. Nothing is written earlier except the side effects
   a tool makes on the customer's request (a price request, an onboarding answer, an objection to profiling),
   each in its own short transaction; no lock is held while the model thinks.
"""

from __future__ import annotations

import logging
import time
from contextlib import AbstractContextManager
from typing import Literal, Protocol

from sqlalchemy.exc import SQLAlchemyError

from agent._answer import finish
from agent._run import run_planner
from agent._state import TurnState
from agent.guards import guard_input, screen_model_answer
from agent.language import detect_language
from agent.llm_planner import LLMPlanner
from agent.memory import history, load_company, profile_features
from agent.models import AgentAnswer, FinalOutput
from agent.rule_planner import RulePlanner
from core.errors import LLMUnavailableError, ModelBehaviorError
from store import conversations, orders, oversight
from tools.context import Resources, RunContext
from tools.explain import latest_list, past_recommendations

logger = logging.getLogger("salesagent.agent")
PLANNER_MAX_STEPS = 4


def recorded_version(agent: str, recommender: object) -> str:
    """Return what a stored recommendation says produced it: the answering agent and the ranking model version
    serving at the time (so an audit can tie a recommendation to a model), within the column's 64 characters."""
    ranking = str(getattr(recommender, "version", "") or "")
    suffix = f" | ranking {ranking}" if ranking else ""
    return agent[: 64 - len(suffix)] + suffix


class Gate(Protocol):
    """Admission of turns (``portal.services.gate.TurnGate``): the loop lets go of its place while it waits
    for a model, so a slow endpoint delays no other customer."""

    def released(self) -> AbstractContextManager[None]: ...


def run_turn(resources: Resources, *, company_id: int, contact_id: int | None, conversation_id: str,
             message: str, gate: Gate | None = None) -> AgentAnswer:
    """Return the checked, stored answer to one customer message.

    The turn reads through one session and writes once, at its end (a side effect the customer asked for, such
    as a price request, is written by its tool in a short transaction of its own): no database lock is held
    while a planner waits for a model, and ``gate``, when given, is released for those waits.
    """
    started = time.perf_counter()
    with resources.session() as session:
        company = load_company(session, company_id)
        session.expunge(company)  # the turn's copy: a tool that changes it writes it through ctx.writing()
        existing = conversations.get_conversation(session, conversation_id=conversation_id)
        default_lang: Literal["pl", "en"] = "pl" if existing is not None and existing.language == "pl" else "en"
        lang = detect_language(message, default=default_lang)
        ctx = RunContext(resources=resources, session=session, company=company, conversation_id=conversation_id,
                         contact_id=contact_id, language=lang,
                         order_count=orders.order_count(session, company_id=company_id))
        masked = guard_input(ctx, message)
        past = history(session, conversation_id)
        previous = [p.sku for p in past_recommendations(session, conversation_id=conversation_id,
                                                        company_id=company_id, limit=5)]
        state = TurnState(ctx=ctx, message=masked.planner_text, history=past,
                          profile=profile_features(company, ctx.order_count),
                          previous_skus=previous,
                          latest_list=latest_list(session, conversation_id=conversation_id, company_id=company_id),
                          deadline=time.monotonic() + resources.settings.llm_turn_budget_s)
        final, state, answered_by, notes = _plan(resources, state, gate)
        agent = f"llm:{resources.settings.llm_model}" if answered_by == "llm" else "planner"
        answer = finish(state, final, answered_by, notes, recorded_version(agent, resources.recommender),
                        user_message=masked.masked_text)
        _record_signals(state, answer)  # issue 23: the drift monitor's per-turn signals
    logger.info("turn answered by %s in %.0f ms (%d tool calls)", answer.answered_by,
                (time.perf_counter() - started) * 1000, len(answer.tool_calls))
    return answer


def _record_signals(state: TurnState, answer: AgentAnswer) -> None:
    """Store what the drift monitor compares per turn (tools called, the scores of what was recommended, catalogue
    searches and how many found nothing shown: semantic search always returns something, so a search counts as
    empty when none of its items reached the answer) in a short transaction after the turn's (issue 23). A failure
    is logged, never the customer's: the answer is already stored."""
    ctx = state.ctx
    shown = {r.sku for r in answer.recommendations}
    searches = [o for o in state.outcomes if o.call.name == "search_catalog"]
    empty = sum(1 for o in searches if not shown & {c.sku for c in getattr(o.output, "items", None) or ()})
    cards = [ctx.returned.get(r.sku) for r in answer.recommendations]
    scores = [c.score for c in cards if c is not None and c.score is not None]
    try:
        with ctx.writing() as w:
            oversight.record_turn_signals(w, conversation_id=ctx.conversation_id, tool_calls=answer.tool_calls,
                                          scores=scores, searches=len(searches), no_result_searches=empty)
    except SQLAlchemyError as err:
        logger.warning("the turn's monitoring signals were not stored (%s)", type(err).__name__)


def _plan(resources: Resources, state: TurnState, gate: Gate | None
          ) -> tuple[FinalOutput, TurnState, Literal["llm", "planner"], list[str]]:
    notes: list[str] = []
    if resources.llm is not None:
        try:
            planner = LLMPlanner(resources.llm, resources.settings, breaker=resources.llm_breaker, gate=gate)
            final = run_planner(planner, state, resources.settings.agent_max_steps)
            problems = screen_model_answer(state, final)
            if not problems:
                return final, state, "llm", notes
            logger.warning("the model's answer is replaced by the rule planner's (%s)", ", ".join(problems))
            notes.append(f"replaced by the rule planner: {', '.join(problems)}")
            state = state.fresh()
        except (LLMUnavailableError, ModelBehaviorError) as err:
            logger.warning("LLM planner gave up (%s); the rule planner answers", err)
            notes.append(f"llm: {err}")
            state = state.fresh()
    return run_planner(RulePlanner(), state, PLANNER_MAX_STEPS), state, "planner", notes
