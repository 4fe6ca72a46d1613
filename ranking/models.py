"""Shapes that cross the ranking boundary (pydantic) and the internal evidence values (frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

from store.models import Company


class Customer(BaseModel):
    """Whom a recommendation is for, as the caller already read it (the turn's company row): the ranking layer
    does not open a session to read it again."""

    company_id: int
    external_id: str
    industry: str | None = Field(default=None, max_length=64)
    size_band: str | None = Field(default=None, max_length=32)
    interests: str = Field(default="", max_length=1000)
    """What a new company said at onboarding it buys or plans (masked text): seeds content-based picks until
    its first order."""
    profiling_opt_out: bool = False
    has_ordered: bool = False

    @classmethod
    def of(cls, company: Company, *, has_ordered: bool) -> Customer:
        """Return the customer of a company row."""
        assert company.id is not None
        return cls(company_id=company.id, external_id=company.external_id, industry=company.industry,
                   size_band=company.size_band, interests=company.interests or "",
                   profiling_opt_out=company.profiling_opt_out, has_ordered=has_ordered)


class RecContext(BaseModel):
    """Where the recommendation is shown: the product on screen, the cart, the search query."""

    product_sku: str | None = None
    cart_skus: list[str] = Field(default_factory=list)
    query: str | None = Field(default=None, max_length=500)


class Premise(BaseModel):
    """One readable reason with numbers; ``data`` holds the same evidence as data."""

    kind: str
    text: str
    data: dict[str, Any] = Field(default_factory=dict)


class RankedItem(BaseModel):
    """A recommended SKU with its blended score, the sources that proposed it and its premises."""

    sku: str
    score: float
    sources: list[str] = Field(default_factory=list)
    premises: list[Premise] = Field(default_factory=list)
    contributions: dict[str, float] = Field(default_factory=dict)
    """Per-source parts of ``score`` (they add up to it, penalties included)."""


@dataclass(frozen=True)
class Explanation:
    """A ranker's score for one (user, item) and the evidence behind it (raw numbers, no text)."""

    score: float
    source: str
    evidence: dict[str, Any] = field(default_factory=dict)
