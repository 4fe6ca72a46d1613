"""The run context: what every tool receives as its first argument (never shown to the model)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from sqlmodel import Session

from store.models import Company
from tools.models import ApprovalTicket, OnboardingQuestion, ProductCard

if TYPE_CHECKING:
    from salesagent.wiring import Resources


@dataclass
class RunContext:
    """Resources, the DB session and who is talking, plus what the tools returned during this turn."""

    resources: Resources
    """Everything built once at start-up (engine, catalogue search, recommender, masker, LLM client)."""
    session: Session
    """The DB session of this turn (committed by the loop at the end)."""
    company: Company
    """The customer company; tools read only its business fields (industry, size band, funnel stage)."""
    conversation_id: str
    """The conversation this turn belongs to."""
    contact_id: int | None = None
    """The person chatting (never shown to a model)."""
    language: Literal["pl", "en"] = "en"
    """The customer's language, detected from the message."""
    returned: dict[str, ProductCard] = field(default_factory=dict)
    """Every product a tool returned this turn, by SKU (the only SKUs the answer may name)."""
    referenced: set[str] = field(default_factory=set)
    """SKUs a tool named without recommending them (the anchor of an accessory list, a price request's SKUs)."""
    approvals: list[ApprovalTicket] = field(default_factory=list)
    """Price approvals created this turn."""
    questions: list[OnboardingQuestion] = field(default_factory=list)
    """Onboarding questions asked this turn."""

    @property
    def returned_skus(self) -> set[str]:
        """The set of SKUs returned by tools this turn."""
        return set(self.returned)

    def remember(self, cards: list[ProductCard]) -> None:
        """Record returned products; premises from several tools for one SKU are merged."""
        for card in cards:
            seen = self.returned.get(card.sku)
            if seen is None:
                self.returned[card.sku] = card.model_copy(deep=True)
            else:
                texts = {p.text for p in seen.premises}
                seen.premises.extend(p for p in card.premises if p.text not in texts)
