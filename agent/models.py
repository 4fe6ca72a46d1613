"""The structured answer of a turn (pydantic, crosses HTTP/CLI) and the loop's step values (frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from tools.models import ApprovalTicket, OnboardingQuestion


class RecommendationOut(BaseModel):
    """One recommended product: only ever a product a tool returned this turn, with its premises."""

    sku: str
    name: str
    price: Decimal
    """The catalogue price (the only price the agent states without an approval)."""
    currency: str = "PLN"
    category: str = ""
    premises: list[str] = Field(default_factory=list)
    justification: str
    recommendation_id: int | None = None
    """Row id in ``recommendation``; pass it to ``explain_recommendation`` ("why was this recommended?")."""


class ApprovalOut(BaseModel):
    """A price request of this turn: filed now (pending), an earlier one still pending (``existing``), or an
    earlier one a sales user approved (with its ``unit_prices``)."""

    approval_id: int
    status: str
    kind: str
    skus: list[str]
    existing: bool = False
    unit_prices: dict[str, Decimal] = Field(default_factory=dict)
    currency: str = ""
    valid_until: datetime | None = None


class AgentAnswer(BaseModel):
    """The answer of one turn."""

    reply: str
    recommendations: list[RecommendationOut] = Field(default_factory=list)
    approvals: list[ApprovalOut] = Field(default_factory=list)
    disclosure: str
    answered_by: Literal["llm", "planner"]
    conversation_id: str
    language: Literal["pl", "en"] = "en"
    questions: list[OnboardingQuestion] = Field(default_factory=list)
    """Onboarding questions asked this turn (cold start)."""
    tool_calls: list[str] = Field(default_factory=list)
    """Names of the tools called this turn, in order."""
    tool_skus: list[str] = Field(default_factory=list)
    """Codes the tools returned, referenced or wrote this turn: the only ones the reply may name."""
    guardrail_notes: list[str] = Field(default_factory=list)
    """What the guardrails blocked or repaired this turn (empty when nothing tripped)."""


class Explanation(BaseModel):
    """Why a stored recommendation was made: its premises and justification as they were shown."""

    recommendation_id: int
    sku: str
    name: str
    premises: list[str]
    justification: str
    conversation_id: str | None
    created_at: datetime
    model_version: str


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
