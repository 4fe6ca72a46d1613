"""Shapes that cross the ranking boundary (pydantic) and the internal evidence values (frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field


class OnboardingProfile(BaseModel):
    """What a new customer told us at onboarding: it picks the segment and seeds content-based candidates."""

    industry: str | None = Field(default=None, max_length=64)
    size_band: str | None = Field(default=None, max_length=32)
    plans: str = Field(default="", max_length=1000)
    """Free text: what they plan to build or buy (e.g. 'distribution boards for a small office')."""


class RecContext(BaseModel):
    """Where the recommendation is shown: the product on screen, the cart, the search query, onboarding answers."""

    product_sku: str | None = None
    cart_skus: list[str] = Field(default_factory=list)
    query: str | None = Field(default=None, max_length=500)
    onboarding: OnboardingProfile | None = None


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
