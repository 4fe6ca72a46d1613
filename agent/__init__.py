"""The sales agent: a tool-calling loop over any OpenAI-compatible endpoint, a rule planner when there is none,
guardrails composed around every step, and grounded, stored justifications.

Public API: :func:`run_turn` and its answer, :class:`AgentAnswer`.
"""

from __future__ import annotations

from agent.loop import run_turn
from agent.models import AgentAnswer, AgentAnswerPublic, RecommendationPublic

__all__ = ["AgentAnswer", "AgentAnswerPublic", "RecommendationPublic", "run_turn"]
