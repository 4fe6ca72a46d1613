"""The structured answer of a turn (pydantic, crosses HTTP/CLI) and the loop's step values (frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from tools.models import ApprovalTicket, ApprovalTicketPublic, OnboardingQuestion


class RecommendationPublic(BaseModel):
    """One recommended product as a customer sees it, on any surface: only ever a product a tool (or the
    recommender) returned, with its premises in words and the id that explains it later."""

    sku: str
    name: str
    price: Decimal
    """The catalogue price (the only price stated without an approval)."""
    currency: str = "PLN"
    category: str = ""
    premises: list[str] = Field(default_factory=list)
    justification: str
    recommendation_id: int | None = None
    """Row id in ``recommendation``: ``GET /recommendations/{id}/why`` explains it ("why was this recommended?")."""


class AgentAnswerPublic(BaseModel):
    """The answer of one turn as the customer's client receives it."""

    conversation_id: str
    reply: str
    recommendations: list[RecommendationPublic] = Field(default_factory=list)
    approvals: list[ApprovalTicketPublic] = Field(default_factory=list)
    questions: list[OnboardingQuestion] = Field(default_factory=list)
    """Onboarding questions asked this turn (cold start)."""
    disclosure: str
    answered_by: Literal["llm", "planner"]
    language: Literal["pl", "en"] = "en"


class AgentAnswer(AgentAnswerPublic):
    """The answer of one turn with what the turn did internally (tools, grounding, guardrail notes): for the
    CLI's JSON, the golden set and the logs, never for the customer's client."""

    tool_calls: list[str] = Field(default_factory=list)
    """Names of the tools called this turn, in order."""
    tool_skus: list[str] = Field(default_factory=list)
    """Codes the tools returned, referenced or wrote this turn: the only ones the reply may name."""
    guardrail_notes: list[str] = Field(default_factory=list)
    """What the guardrails blocked or repaired this turn (empty when nothing tripped)."""


# --- the loop's values -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ToolCall:
    """One tool call as the planner asked for it; ``arguments`` is raw JSON text (validated later)."""

    id: str
    name: str
    arguments: str


@dataclass(frozen=True)
class ToolOutcome:
    """The result of one call: ``output`` on success, ``error`` (model-readable text) otherwise."""

    call: ToolCall
    output: BaseModel | None = None
    error: str | None = None

    def as_text(self, limit: int = 3500) -> str:
        """Return what the model sees for this call (JSON of the output, or ``error: ...``)."""
        if self.error is not None:
            return f"error: {self.error}"
        assert self.output is not None
        text = self.output.model_dump_json(exclude={"items": {"__all__": {"premises": {"__all__": {"data"}}}}}
                                           if hasattr(self.output, "items") else None)
        return text if len(text) <= limit else text[:limit] + "…"


@dataclass(frozen=True)
class Pick:
    """A product the planner chose to recommend, with an optional justification it wrote."""

    sku: str
    justification: str | None = None


# Plans: what a planner (LLM or rules) wants next.


@dataclass(frozen=True)
class ToolPlan:
    """Run these tools; ``assistant_message`` is the raw assistant turn to keep in the transcript."""

    calls: tuple[ToolCall, ...]
    assistant_message: dict[str, Any] | None = None


@dataclass(frozen=True)
class AnswerPlan:
    """Answer with this (masked) text; ``picks`` None lets the loop take the products the text names."""

    reply: str
    picks: tuple[Pick, ...] | None = None


Plan = ToolPlan | AnswerPlan


# Step results: what the loop made of one plan (closed union).


@dataclass(frozen=True)
class FinalOutput:
    """The turn is answered."""

    reply: str
    picks: tuple[Pick, ...] | None


@dataclass(frozen=True)
class RunAgain:
    """Tools ran; ask the planner again with their outcomes."""

    outcomes: tuple[ToolOutcome, ...]


@dataclass(frozen=True)
class NeedsApproval:
    """A price request went to the approval queue; the planner writes the reply next (no price in it)."""

    outcomes: tuple[ToolOutcome, ...]
    approvals: tuple[ApprovalTicket, ...] = field(default_factory=tuple)


StepResult = FinalOutput | RunAgain | NeedsApproval
