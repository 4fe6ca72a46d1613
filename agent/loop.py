"""The public facade: ``run_turn`` answers one customer message.

Steps of a turn:
1. load the company, detect the language, open the conversation (who may use which conversation is the
   portal's check, made before the turn);
2. input guardrail: mask personal data with the conversation's vault (the only text stored or sent anywhere);
3. build the profile the model may see (segment, funnel stage, consent; passed through the denylist);
4. plan and act: the LLM planner when an endpoint is configured, bounded by ``agent_max_steps``; on a timeout,
   an HTTP error, unusable output or an exhausted bound the rule planner answers the turn instead;
   every tool call passes the tool guardrail (price gate) first;
5. output guardrail: SKUs only from tool results, no unapproved price, no stranger's personal data, disclosure;
   a failing reply is repaired, or replaced by a template reply over the tool results;
6. store the masked messages and the Recommendation rows with their premises; commit; return the answer.
"""

from __future__ import annotations

import logging
import time
from typing import Literal

from agent._answer import finish
from agent._run import run_planner
from agent._state import TurnState
from agent.guards import guard_input
from agent.language import detect_language
from agent.llm_planner import LLMPlanner
from agent.memory import history, load_company, open_conversation, profile_features
from agent.models import AgentAnswer, FinalOutput
from agent.rule_planner import RulePlanner
from core.errors import LLMUnavailableError, ModelBehaviorError
from store import conversations, orders
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


def run_turn(resources: Resources, *, company_id: int, contact_id: int | None, conversation_id: str,
             message: str) -> AgentAnswer:
    """Return the checked, stored answer to one customer message."""
    started = time.perf_counter()
    with resources.session() as session:
        company = load_company(session, company_id)
        existing = conversations.get_conversation(session, conversation_id=conversation_id)
        default_lang: Literal["pl", "en"] = "pl" if existing is not None and existing.language == "pl" else "en"
        lang = detect_language(message, default=default_lang)
        ctx = RunContext(resources=resources, session=session, company=company, conversation_id=conversation_id,
                         contact_id=contact_id, language=lang,
                         order_count=orders.order_count(session, company_id=company_id))
        masked = guard_input(ctx, message)
        conv = open_conversation(session, conversation_id=conversation_id, company=company, contact_id=contact_id,
                                 language=lang)
        conv.language = lang
        past = history(session, conversation_id)
        previous = [p.sku for p in past_recommendations(session, conversation_id=conversation_id,
                                                        company_id=company_id, limit=5)]
        conversations.add_message(session, conversation_id=conversation_id, role="user",
                                  masked_text=masked.masked_text)
        state = TurnState(ctx=ctx, message=masked.masked_text, history=past,
                          profile=profile_features(company, ctx.order_count),
                          previous_skus=previous,
                          latest_list=latest_list(session, conversation_id=conversation_id, company_id=company_id))
        final, state, answered_by, notes = _plan(resources, state)
        agent = f"llm:{resources.settings.llm_model}" if answered_by == "llm" else "planner"
        answer = finish(state, final, answered_by, notes, recorded_version(agent, resources.recommender))
        session.commit()
    logger.info("turn answered by %s in %.0f ms (%d tool calls)", answer.answered_by,
                (time.perf_counter() - started) * 1000, len(answer.tool_calls))
    return answer


def _plan(resources: Resources, state: TurnState
          ) -> tuple[FinalOutput, TurnState, Literal["llm", "planner"], list[str]]:
    notes: list[str] = []
    if resources.llm is not None:
        try:
            planner = LLMPlanner(resources.llm, resources.settings)
            return run_planner(planner, state, resources.settings.agent_max_steps), state, "llm", notes
        except (LLMUnavailableError, ModelBehaviorError) as err:
            logger.warning("LLM planner gave up (%s); the rule planner answers", err)
            notes.append(f"llm: {err}")
            state = state.fresh()
    return run_planner(RulePlanner(), state, PLANNER_MAX_STEPS), state, "planner", notes
