"""The advisor's shapes: what the operator tells (facts, all optional: free text fills what it can), the decision
table as validated data, and the advice (explanations as data: ``kind`` + ``data``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Architecture = Literal["static_rules", "collaborative_filtering", "semantic_search", "agent_memory"]
Descriptions = Literal["none", "partial", "full"]
Stability = Literal["stable", "seasonal", "volatile"]
Segmentation = Literal["none", "manual", "firmographic", "behavioural"]
LegalBasis = Literal["none", "consent", "legitimate_interest", "contract"]
Behaviour = Literal["none", "collected_no_basis", "usable"]
"""Behaviour data as the table sees it: not collected, collected without a legal basis (unusable), usable."""

MAX_COUNT = 10**9
MAX_TEXT_CHARS = 4000


class AdvisorFacts(BaseModel):
    """What the operator says about the shop; a field left out is unknown (the advisor assumes its default and
    says so)."""

    model_config = ConfigDict(extra="forbid")

    skus: int | None = Field(default=None, ge=0, le=MAX_COUNT, description="Number of SKUs in the catalogue.")
    descriptions: Descriptions | None = Field(default=None, description="Do products have descriptions?")
    stability: Stability | None = Field(default=None, description="How fast the assortment changes.")
    customers: int | None = Field(default=None, ge=0, le=MAX_COUNT, description="Number of business customers.")
    segmentation: Segmentation | None = Field(default=None, description="How customers are segmented today.")
    order_rows: int | None = Field(default=None, ge=0, le=MAX_COUNT, description="Order lines (or orders) on record.")
    years: float | None = Field(default=None, ge=0, le=100, description="Years of order history.")
    behaviour_collected: bool | None = Field(default=None, description="Are searches, views or carts logged?")
    legal_basis: LegalBasis | None = Field(default=None, description="Legal basis for using behaviour data.")


class AdvisorRequest(BaseModel):
    """A short form, free text, or both (a form field wins over what the text says)."""

    model_config = ConfigDict(extra="forbid")

    facts: AdvisorFacts = Field(default_factory=AdvisorFacts)
    text: str | None = Field(default=None, max_length=MAX_TEXT_CHARS,
                             description="Free description; personal data in it is masked before it is read.")


class Derived(BaseModel):
    """The facts with defaults filled in plus the quantities the table's conditions use."""

    skus: int
    descriptions: Descriptions
    stability: Stability
    customers: int
    segmentation: Segmentation
    order_rows: int
    years: float
    behaviour: Behaviour


class Condition(BaseModel):
    """One row's ``when``: every given bound must hold (min inclusive, max exclusive); lists are allowed values."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    skus_min: int | None = None
    skus_max: int | None = None
    customers_min: int | None = None
    customers_max: int | None = None
    order_rows_min: int | None = None
    order_rows_max: int | None = None
    years_min: float | None = None
    years_max: float | None = None
    descriptions: list[Descriptions] | None = None
    stability: list[Stability] | None = None
    segmentation: list[Segmentation] | None = None
    behaviour: list[Behaviour] | None = None
    architecture: list[Architecture] | None = None
    """Only for hints: the chosen architecture."""


class Companion(BaseModel):
    """A second building block to add next to the primary one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    architecture: Architecture
    on: str = ""
    """What it works on ("on product names", "for segment bestsellers"), when that matters."""


class Effort(BaseModel):
    """Expected effort of the first version."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    size: Literal["small", "medium", "large"]
    weeks_min: int = Field(ge=1)
    weeks_max: int = Field(ge=1)
    text: str


class TableRow(BaseModel):
    """One decision: the first row whose condition holds decides."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    architecture: Architecture
    when: Condition = Field(default_factory=Condition)
    also: list[Companion] = Field(default_factory=list)
    why: str
    key_data: list[str]
    effort: Effort


class Hint(BaseModel):
    """What to collect next; every hint whose condition holds applies."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    when: Condition = Field(default_factory=Condition)
    text: str


class DecisionTable(BaseModel):
    """The documented decision table (``advisor/decision_table.toml``, drawn in docs/advisor.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    defaults: Derived
    names: dict[Architecture, str]
    rows: list[TableRow] = Field(min_length=1)
    hints: list[Hint] = Field(default_factory=list)


class Reason(BaseModel):
    """Why a row matched, as data: ``kind`` (``at_least``, ``below``, ``one_of``, ``fallback``) and its numbers."""

    kind: str
    data: dict[str, object]


class NextStep(BaseModel):
    """One thing to collect next."""

    id: str
    text: str


class Advice(BaseModel):
    """The answer: the architecture to start with, why, key data, what to collect next, expected effort."""

    architecture: Architecture
    name: str
    also: list[Companion]
    summary: str
    rule: str
    """The id of the table row that decided."""
    why: str
    reasons: list[Reason]
    key_data: list[str]
    collect_next: list[NextStep]
    effort: Effort
    facts: Derived
    """What the advisor understood, defaults included."""
    assumed: list[str]
    """Fields nobody gave: their defaults were used."""
    masked_entities: int
    """How many pieces of personal data were masked in the free text before it was read."""
    table_version: str
    answered_by: Literal["table", "llm"] = "table"
    """``llm``: the model wrote ``why`` and its answer agreed with the table (the rest is the table's)."""
    llm_note: str | None = None
    """Why the table's own words stand although a model is configured."""
