"""HTTP shapes of the portal: ``*Create``/``*Request`` bodies validated at the edge, ``*Public`` answers.

Lists answer ``{data, count}``. Length limits live here so bad input fails before any service runs, except the
chat message limit, which comes from ``Settings.max_message_chars`` and is the agent's input guardrail (413).
The chat answer is the agent's own ``AgentAnswerPublic`` and a shown recommendation is ``RecommendationPublic``
on every surface: one model each, not a copy per layer.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from agent import RecommendationPublic
from guardrails.approvals import MAX_QUANTITY
from store.models import ApprovalStatus, EventType, LegalBasis

ID_PATTERN = r"^[A-Za-z0-9_-]+$"
DB_INT_MAX = 2**31 - 1
"""The largest value every supported database holds in an ``INTEGER`` column (Postgres: int32; SQLite: int64).
Ids and versions from a client are checked against it at the edge: a larger one is 422, not an overflow (500)
deep in the driver."""


def premise_texts(premises: list[Any]) -> list[str]:
    """Return the readable sentence of each premise (dicts or models with ``text``, or plain strings)."""
    texts = []
    for p in premises or []:
        if isinstance(p, str):
            text = p
        elif isinstance(p, dict):
            text = str(p.get("text", ""))
        else:
            text = str(getattr(p, "text", ""))
        if text.strip():
            texts.append(text.strip())
    return texts


# --- chat ---------------------------------------------------------------------------------------------------------


class ChatRequest(BaseModel):
    """One customer message; omit ``conversation_id`` to start a new conversation."""

    conversation_id: str | None = Field(default=None, min_length=1, max_length=36, pattern=ID_PATTERN)
    message: str = Field(min_length=1, description="The customer's message (limit: settings.max_message_chars).")

    @field_validator("conversation_id", mode="before")
    @classmethod
    def _empty_is_new(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("message")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("message is empty")
        return value


# --- recommendations ----------------------------------------------------------------------------------------------


class RecommendationQuery(BaseModel):
    """Where the recommendations are shown: on a product page, for a cart, or with no context."""

    context: Literal["none", "product", "cart"] = "none"
    sku: str | None = Field(default=None, max_length=64)
    cart: list[str] = Field(default_factory=list, max_length=100)
    k: int = Field(default=5, ge=1, le=50)

    @model_validator(mode="after")
    def _context_needs(self) -> RecommendationQuery:
        if self.context == "product" and not self.sku:
            raise ValueError("context=product needs sku")
        if self.context == "cart" and not self.cart:
            raise ValueError("context=cart needs at least one cart sku")
        return self


class RecommendationList(BaseModel):
    data: list[RecommendationPublic]
    count: int
    rec_request_id: str | None = None
    """The shown list's id in the measurement log: send it back with ``POST /events`` (``rec_request_id``) so a
    click or cart is attributed to exactly this list."""


class WhyPublic(BaseModel):
    """The stored premises of one recommendation, in readable words."""

    recommendation_id: int
    sku: str
    name: str
    surface: str
    justification: str
    premises: list[str]
    model_version: str = ""
    created_at: datetime


# --- events and the customer's own data -------------------------------------------------------------------------


class EventCreate(BaseModel):
    """A behaviour event from the shop front; the legal basis is not sent, it comes from the company's consent."""

    type: EventType
    session_id: str = Field(min_length=1, max_length=64, pattern=ID_PATTERN)
    sku: str | None = Field(default=None, min_length=1, max_length=64)
    query: str | None = Field(default=None, min_length=1, max_length=500)
    rec_request_id: str | None = Field(default=None, min_length=1, max_length=64, pattern=ID_PATTERN)
    """The recommendation list the click came from, when the shop knows it (measurement only; without it the
    click is attributed to the last impression of the same product for the company)."""

    @model_validator(mode="after")
    def _needs(self) -> EventCreate:
        if self.type == EventType.search and not self.query:
            raise ValueError("a search event needs query")
        if self.type != EventType.search and not self.sku:
            raise ValueError(f"a {self.type.value} event needs sku")
        return self


class EventPublic(BaseModel):
    id: int
    type: EventType
    session_id: str
    sku: str | None = None
    query: str | None = None
    legal_basis: LegalBasis
    occurred_at: datetime


class OptOutRequest(BaseModel):
    """``opt_out: false`` withdraws an earlier opt-out."""

    opt_out: bool = True


class ProfilingStatePublic(BaseModel):
    company_id: int
    profiling_opt_out: bool
    behaviour_legal_basis: LegalBasis


class DataExport(BaseModel):
    """Everything held about the contact and the company, as plain JSON-able records."""

    exported_at: datetime
    contact: dict[str, Any]
    company: dict[str, Any]
    orders: list[dict[str, Any]]
    events: list[dict[str, Any]]
    conversations: list[dict[str, Any]]
    recommendations: list[dict[str, Any]]
    price_approvals: list[dict[str, Any]]


class ErasureReport(BaseModel):
    """What ``DELETE /me`` removed and what it kept (aggregates without personal data)."""

    contact_id: int
    contact_anonymised: bool
    messages_deleted: int
    conversations_detached: int
    tokens_revoked: int
    protected_rows_deleted: int
    event_queries_erased: int = 0
    """Search texts of the company's behaviour events cleared (events carry no contact, so all of them)."""
    kept: list[str]


class CustomerApprovalPublic(BaseModel):
    """A price request of the customer's company as the customer sees it."""

    id: int
    product_skus: list[str]
    kind: str
    proposed_change: dict[str, Any]
    status: ApprovalStatus
    approved_unit_price: Decimal | None = None
    requested_at: datetime
    decided_at: datetime | None = None
    expires_at: datetime
    note: str | None = None
    """The sales team's note with the decision (a rejection always has one)."""
    min_quantity: int | None = None
    """The approval's condition: the offer holds for orders of at least this many pieces (None: any)."""


class CustomerApprovalList(BaseModel):
    data: list[CustomerApprovalPublic]
    count: int


# --- staff --------------------------------------------------------------------------------------------------------


class ApprovalLinePublic(BaseModel):
    """One product of a request as the decider weighs it: its catalogue name, the quantity asked about, the line
    totals at the catalogue and at the proposed price, and the margin where the store knows the cost price."""

    sku: str
    name: str = ""
    """The catalogue name ("" for a product no longer in the catalogue)."""
    quantity: int = 1
    """The quantity in the request (1 when it names none)."""
    catalogue_unit_price: Decimal | None = None
    proposed_unit_price: Decimal | None = None
    """What approving grants (approved: what was granted); None when the request names no price."""
    catalogue_total: Decimal | None = None
    proposed_total: Decimal | None = None
    catalogue_margin: Decimal | None = None
    """(catalogue price - cost price) x quantity; None when the store has no cost price."""
    catalogue_margin_percent: Decimal | None = None
    proposed_margin: Decimal | None = None
    proposed_margin_percent: Decimal | None = None


class ExcerptMessagePublic(BaseModel):
    """One message of the conversation that led to a request, as stored: masked."""

    role: Literal["user", "assistant"]
    text: str
    at: datetime


class ApprovalPublic(BaseModel):
    id: int
    company_id: int
    company_name: str = ""
    conversation_id: str | None = None
    product_skus: list[str]
    kind: str
    proposed_change: dict[str, Any]
    reason: str
    status: ApprovalStatus
    requested_at: datetime
    requested_by: str
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str | None = None
    expires_at: datetime
    approved_unit_price: Decimal | None = None
    min_quantity: int | None = None
    """An approval's condition: the offer holds from this many pieces on."""
    customer_notified_at: datetime | None = None
    """When the assistant told the customer about the decision in a chat reply."""
    version: int
    summary: str = ""
    """The request in words ("a discount of 10 % on ... for 50 pieces"), not its raw keys."""
    lines: list[ApprovalLinePublic] = Field(default_factory=list)
    catalogue_total: Decimal | None = None
    proposed_total: Decimal | None = None
    """Sum of the lines at the proposed price (None unless every line has one)."""
    proposed_margin: Decimal | None = None
    """Sum of the lines' margins at the proposed price (None unless the store knows every cost price)."""
    proposed_margin_percent: Decimal | None = None
    catalogue_prices: dict[str, Decimal] = Field(default_factory=dict)
    """Today's catalogue net unit price of each product, so the decider sees what the request is against."""
    discounted_prices: dict[str, Decimal] = Field(default_factory=dict)
    """For a discount in percent: each catalogue price less that percentage (what approving grants)."""
    currency: str = ""


class ApprovalList(BaseModel):
    data: list[ApprovalPublic]
    count: int


class AuditEntryPublic(BaseModel):
    at: datetime
    actor: str
    action: str
    details: dict[str, Any]
    sentence: str = ""
    """The entry in words ("2026-12-03 10:41 · anna approved it with the note 'OK'"), where one is written."""


class ApprovalDetail(ApprovalPublic):
    audit: list[AuditEntryPublic]
    excerpt: list[ExcerptMessagePublic] = Field(default_factory=list)
    """The last turns of the conversation that led to the request, masked as stored (empty outside a chat)."""


MIN_QUANTITY_ERROR = f"the minimum quantity must be a whole number of pieces from 1 to {MAX_QUANTITY:,}"


class ApproveRequest(BaseModel):
    """Approve a pending request; ``expected_version`` guards against deciding on a stale view; ``min_quantity``
    is an optional condition ("for 50 pieces or more") the customer is told with the decision."""

    note: str | None = Field(default=None, max_length=1000)
    expected_version: int | None = Field(default=None, ge=0, le=DB_INT_MAX)
    min_quantity: int | None = Field(default=None, ge=1, le=MAX_QUANTITY)

    @field_validator("min_quantity", mode="before")
    @classmethod
    def _whole_pieces(cls, value: Any) -> Any:
        """One clear message for every bad minimum quantity (0, -3, 2.5, "fifty", true)."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_QUANTITY:
            raise ValueError(MIN_QUANTITY_ERROR)
        return value


class RejectRequest(BaseModel):
    """Reject a pending request; the note is required (it tells the customer and the audit why)."""

    note: str = Field(min_length=1, max_length=1000)
    expected_version: int | None = Field(default=None, ge=0, le=DB_INT_MAX)

    @field_validator("note")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a note is required to reject")
        return value.strip()


# --- health -------------------------------------------------------------------------------------------------------


class HealthPublic(BaseModel):
    """``ok``: serving; ``starting``: the process answers while its models load (``/ready`` says when it can
    serve); ``failed`` (HTTP 503): start-up failed, ``detail`` says why, restart the process."""

    status: Literal["ok", "starting", "failed"] = "ok"
    detail: str | None = None


class ReadyPublic(BaseModel):
    ready: bool
    checks: dict[str, str]
