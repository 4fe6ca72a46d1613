"""The state of one turn as the planners see it (masked text only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agent.models import ToolOutcome
from guardrails.output_checks import CheckReport
from tools.context import RunContext


@dataclass
class TurnState:
    """What a planner may read: the masked message and history, the profile, and the tool outcomes so far."""

    ctx: RunContext
    message: str
    """The customer's message, masked."""
    history: list[tuple[str, str]]
    """Earlier (role, masked text) pairs of the conversation."""
    profile: dict[str, Any]
    """Business profile features (denylisted)."""
    previous_skus: list[str] = field(default_factory=list)
    """SKUs recommended earlier in this conversation, newest first (for "why?" and "discount on that")."""
    latest_list: list[str] = field(default_factory=list)
    """The SKUs of the conversation's newest product list, in list order (for "the second one")."""
    transcript: list[dict[str, Any]] = field(default_factory=list)
    """Assistant tool-call turns and tool results, in chat-completions format (the LLM planner's scratchpad)."""
    outcomes: list[ToolOutcome] = field(default_factory=list)
    """Every tool outcome of this planner's run, in order."""
    tokens_used: int = 0
    steps: int = 0
    """Planner calls made so far in this turn (the loop counts them)."""
    deadline: float | None = None
    """``time.monotonic()`` by which the model must have answered (the turn's budget); after it the rule
    planner answers."""
    reports: list[CheckReport] = field(default_factory=list)
    """Output-check verdicts that tripped this turn (written as audit rows with the turn)."""

    def fresh(self) -> TurnState:
        """Return a copy with no transcript or outcomes (the planner taking over from a failed LLM)."""
        return TurnState(ctx=self.ctx, message=self.message, history=self.history, profile=self.profile,
                         previous_skus=self.previous_skus, latest_list=self.latest_list, deadline=self.deadline)

    def outcomes_of(self, tool: str) -> list[ToolOutcome]:
        """Return the successful outcomes of one tool."""
        return [o for o in self.outcomes if o.call.name == tool and o.output is not None]
