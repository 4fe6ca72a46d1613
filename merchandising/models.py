"""Merchandising shapes: the staff API's create/update/public models (validated here: a pin needs a SKU and a
position, an attribute rule its key, a window must not end before it starts), what the rules look at (items,
context) and what applying them returns (explanations as data: ``kind`` + ``data``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from store.models import MerchAction, MerchRuleBase, MerchSurface, MerchTarget

MAX_WEIGHT = 10.0
MAX_POSITION = 50
PREMISE_KIND = "merchandising"
Surface = Literal["search", "recommendations"]


def _aware(value: datetime | None) -> datetime | None:
    """Return ``value`` timezone-aware (a naive time is taken as UTC)."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class RuleFields(BaseModel):
    """The fields of a rule, checked together."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    action: MerchAction
    target: MerchTarget
    value: str = Field(min_length=1, max_length=200)
    attribute: str | None = Field(default=None, min_length=1, max_length=64)
    position: int | None = Field(default=None, ge=1, le=MAX_POSITION)
    weight: float = Field(default=1.0, gt=0, le=MAX_WEIGHT)
    query_is: str | None = Field(default=None, min_length=1, max_length=200)
    query_contains: str | None = Field(default=None, min_length=1, max_length=200)
    category: str | None = Field(default=None, min_length=1, max_length=200)
    segment: str | None = Field(default=None, min_length=1, max_length=64)
    surface: MerchSurface | None = None
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    enabled: bool = True
    priority: int = Field(default=0, ge=-1000, le=1000)

    @field_validator("valid_from", "valid_to")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return _aware(value)

    @model_validator(mode="after")
    def _consistent(self) -> RuleFields:
        if self.action is MerchAction.pin and (self.target is not MerchTarget.sku or self.position is None):
            raise ValueError("a pin names one product: target 'sku' and a position")
        if self.action is not MerchAction.pin and self.position is not None:
            raise ValueError("only a pin has a position")
        if (self.target is MerchTarget.attribute) != (self.attribute is not None):
            raise ValueError("target 'attribute' needs the attribute's key (and only it has one)")
        if self.query_is is not None and self.query_contains is not None:
            raise ValueError("give query_is or query_contains, not both")
        if self.valid_from and self.valid_to and self.valid_to <= self.valid_from:
            raise ValueError("valid_to must be after valid_from")
        return self


class RuleCreate(RuleFields):
    """``POST /merchandising/rules``."""


class RuleUpdate(BaseModel):
    """``PATCH /merchandising/rules/{id}``: the fields to change (``null`` clears an optional one), and the
    version last read (a stale one is 409)."""

    model_config = ConfigDict(extra="forbid")

    expected_version: int | None = Field(default=None, ge=1)
    changes: dict[str, Any] = Field(default_factory=dict)


class RulePublic(MerchRuleBase):
    """A stored rule as the staff API shows it."""

    id: int
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int


class RuleList(BaseModel):
    """Rules, newest first, with their count."""

    data: list[RulePublic]
    count: int


@dataclass(frozen=True)
class Item:
    """A ranked product as the rules see it (from the catalogue row)."""

    sku: str
    score: float | None
    brand: str | None
    category: str
    attributes: Mapping[str, Any]
    stock: int
    active: bool = True


@dataclass(frozen=True)
class MerchContext:
    """Where a list is shown and for whom: the rules' conditions and the hard filters read it."""

    surface: Surface
    now: datetime
    query: str | None = None
    category: str | None = None
    segment: str | None = None
    """The customer's industry when it may be used for segment rules (None after an objection to profiling)."""
    industry: str | None = None
    """The customer's industry for the ``sold_to`` hard filter (a restriction, not personalisation)."""
    in_stock_only: bool = False


class Premise(BaseModel):
    """One applied rule on one item: kind ``merchandising``, a customer-readable text, and the rule as data."""

    kind: str = PREMISE_KIND
    text: str
    data: dict[str, Any]


class Placed(BaseModel):
    """One item of the final list: its position before the rules (None: put there by a pin) and the premises of
    the rules that moved it."""

    sku: str
    ranked_position: int | None
    premises: list[Premise] = Field(default_factory=list)


class Dropped(BaseModel):
    """An item a rule or a hard filter left out, or a promotion a hard filter cancelled."""

    sku: str
    reason: Literal["hidden", "inactive", "not_sold_to_customer", "out_of_stock", "promotion_blocked"]
    rule_id: int | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class Outcome(BaseModel):
    """What applying the rules did: the list, what was left out and why, and the ids of the rules that matched."""

    items: list[Placed]
    dropped: list[Dropped]
    matched_rules: list[int]


class DryRunRequest(BaseModel):
    """``POST /merchandising/dry-run``: a search as a customer of ``segment`` would run it at ``at`` (default:
    now), with the stored rules, or with ``rules`` (drafts, not stored) instead of them."""

    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=200)
    category: str | None = Field(default=None, min_length=1, max_length=200)
    segment: str | None = Field(default=None, min_length=1, max_length=64)
    in_stock_only: bool = False
    k: int = Field(default=10, ge=1, le=MAX_POSITION)
    at: datetime | None = None
    rules: list[RuleCreate] | None = Field(default=None, max_length=50)

    @field_validator("at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return _aware(value)


class DryRunItem(BaseModel):
    """One row of a dry-run list."""

    position: int
    sku: str
    name: str
    brand: str | None
    category: str
    stock: int
    ranked_position: int | None
    premises: list[Premise]


class DryRun(BaseModel):
    """A query's results without and with the rules, side by side, and what the rules left out."""

    query: str
    at: datetime
    without_rules: list[DryRunItem]
    with_rules: list[DryRunItem]
    matched_rules: list[int]
    dropped: list[Dropped]
