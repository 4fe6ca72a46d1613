"""What tools return: pydantic models (serialised to JSON for the model, read as data by the planner)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field


class PremiseOut(BaseModel):
    """One piece of evidence behind a result, as a customer-readable sentence with its numbers."""

    kind: str
    text: str
    data: dict[str, Any] = Field(default_factory=dict)


class ProductCard(BaseModel):
    """A product as tools show it: catalogue data, the catalogue price, and why it was returned."""

    sku: str
    name: str
    category: str
    brand: str | None = None
    price: Decimal
    currency: str = "PLN"
    stock: int = 0
    score: float | None = None
    premises: list[PremiseOut] = Field(default_factory=list)


class ProductList(BaseModel):
    """A ranked list of products with an optional note for the model (e.g. why the list is empty)."""

    items: list[ProductCard] = Field(default_factory=list)
    anchor: ProductCard | None = None
    """The product the list is about (accessories for it, alternatives to it), when there is one."""
    note: str = ""


class ProductDetail(ProductCard):
    """One product with its description, attributes and catalogue accessories."""

    description: str = ""
    unit: str = "pcs"
    attributes: dict[str, Any] = Field(default_factory=dict)
    accessory_skus: list[str] = Field(default_factory=list)


class CategoryCount(BaseModel):
    """How often a category appears in the customer's orders."""

    category: str
    lines: int


class ProductCount(BaseModel):
    """A product the customer buys repeatedly."""

    sku: str
    name: str
    category: str
    orders: int


class OrderHistorySummary(BaseModel):
    """A summary of the company's orders: counts, months and categories only, never personal data."""

    order_count: int
    first_order_month: str | None = None
    last_order_month: str | None = None
    top_categories: list[CategoryCount] = Field(default_factory=list)
    frequent_products: list[ProductCount] = Field(default_factory=list)
    note: str = ""


class ProfilingChoice(BaseModel):
    """The company's profiling state after a chat request to stop profiling."""

    opted_out: bool
    already: bool = False
    """True when the company had objected before this request (nothing changed)."""
    note: str = ""


class ApprovalTicketPublic(BaseModel):
    """A price request of a turn as the customer may see it: filed now (pending until a sales user decides), an
    earlier one still pending (``existing``), or an earlier one approved, with the approved net ``unit_prices``.
    It carries a price only once a sales user approved one."""

    approval_id: int
    status: str
    kind: str
    skus: list[str]
    existing: bool = False
    """An earlier request of this company (still pending, or approved) answered instead of filing a new one."""
    unit_prices: dict[str, Decimal] = Field(default_factory=dict)
    """Approved net unit price per SKU (approved requests only; empty while pending)."""
    currency: str = ""
    valid_until: datetime | None = None
    """When an approved offer (or a pending request) expires."""


class ApprovalTicket(ApprovalTicketPublic):
    """What ``request_price_change`` returns to the model: the public ticket plus a note written for it."""

    message: str


class OnboardingQuestion(BaseModel):
    """A question for a customer we know nothing about yet, with suggested answers."""

    topic: Literal["industry", "size", "categories"]
    question: str
    options: list[str] = Field(default_factory=list)
    language: Literal["pl", "en"] = "en"


class OnboardingAnswer(BaseModel):
    """What was recorded from a new customer's answer: the industry code, the size band, or its interests."""

    topic: Literal["industry", "size", "categories"]
    recorded: str
    note: str = ""


class PastRecommendation(ProductCard):
    """A product recommended earlier in this conversation, with the justification shown then."""

    recommendation_id: int
    justification: str = ""


class PastRecommendations(BaseModel):
    """Earlier recommendations of this conversation with their stored premises, newest first."""

    items: list[PastRecommendation] = Field(default_factory=list)
    note: str = ""
