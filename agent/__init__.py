"""The sales agent: a tool-calling loop over any OpenAI-compatible endpoint, a rule planner when there is none,
guardrails composed around every step, and grounded, stored justifications.

Public API: :func:`run_turn`, :func:`explain_recommendation`, :class:`AgentAnswer`.
"""

from __future__ import annotations

from agent.explain import explain_recommendation
from agent.loop import run_turn
from agent.models import AgentAnswer, Explanation, RecommendationOut

__all__ = ["AgentAnswer", "Explanation", "RecommendationOut", "explain_recommendation", "run_turn"]
