"""SQLModel tables and their API shapes. Internal fields (cost price, NIP, token hashes) exist only on tables."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Timezone-aware now, the only clock the store uses."""
    return datetime.now(UTC)


class LegalBasis(str, enum.Enum):
    """Why we may use a piece of behaviour data (GDPR art. 6)."""

    consent = "consent"
    legitimate_interest = "legitimate_interest"
    none = "none"


class EventType(str, enum.Enum):
    view = "view"
    search = "search"
    add_to_cart = "add_to_cart"
    impression = "impression"
    click = "click"


class ApprovalStatus(str, enum.Enum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    expired = "expired"


class StaffRole(str, enum.Enum):
    sales = "sales"
    admin = "admin"


# --- companies and people ---------------------------------------------------------------------------------------


class CompanyBase(SQLModel):
    external_id: str = Field(index=True, unique=True, max_length=64)
    name: str = Field(max_length=200)
    industry: str | None = Field(default=None, max_length=64, index=True)
    size_band: str | None = Field(default=None, max_length=32)
    region: str | None = Field(default=None, max_length=64)
    country: str | None = Field(default=None, max_length=64)
    funnel_stage: str = Field(default="customer", max_length=32)
    marketing_consent: bool = False
    behaviour_legal_basis: LegalBasis = LegalBasis.legitimate_interest
    profiling_opt_out: bool = False


class Company(CompanyBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    nip: str | None = Field(default=None, max_length=16)
    interests: str | None = Field(default=None, max_length=500)
    """What the company said at onboarding it buys or plans to build (masked chat text): it seeds content-based
    suggestions while the company has no orders."""
    consent_recorded_at: datetime | None = None
    source: str = Field(default="demo", max_length=32, index=True)
    created_at: datetime = Field(default_factory=utcnow)


class CompanyPublic(CompanyBase):
    id: int


class Contact(SQLModel, table=True):
    """A person at a customer company. Personal data: never leaves the store layer towards a model."""

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    role: str = Field(default="purchasing", max_length=32)
    full_name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=utcnow)


class StaffUser(SQLModel, table=True):
    """A member of the shop's staff (sales reps approve price changes)."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True, max_length=64)
    full_name: str = Field(max_length=200)
    role: StaffRole = StaffRole.sales


class AuthToken(SQLModel, table=True):
    """A bearer token, stored only as its SHA-256 hash."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, index=True, max_length=64)
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    staff_user_id: int | None = Field(default=None, foreign_key="staffuser.id")
    role: str = Field(max_length=16)  # customer | sales | admin
    created_at: datetime = Field(default_factory=utcnow)
    revoked: bool = False


# --- catalogue ----------------------------------------------------------------------------------------------------


class ProductBase(SQLModel):
    sku: str = Field(index=True, unique=True, max_length=64)
    ean: str | None = Field(default=None, index=True, max_length=14)
    name: str = Field(max_length=300)
    description: str = ""
    category: str = Field(default="", max_length=200, index=True)
    """Category path, levels joined by ' > ' (e.g. 'Protection > MCB')."""
    brand: str | None = Field(default=None, max_length=100)
    unit_price: Decimal = Field(default=Decimal(0), sa_column=Column(Numeric(12, 2), nullable=False))
    currency: str = Field(default="PLN", max_length=3)
    unit: str = Field(default="pcs", max_length=16)
    stock: int = 0
    attributes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    active: bool = True


class Product(ProductBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    cost_price: Decimal | None = Field(default=None, sa_column=Column(Numeric(12, 2), nullable=True))
    source: str = Field(default="manual", max_length=32, index=True)
    """Where the row came from: ``demo``, ``online-retail``, ``catalog-import`` or ``manual``."""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ProductPublic(ProductBase):
    id: int


class ProductRelation(SQLModel, table=True):
    """A catalogue-level relation, e.g. an enclosure and the DIN rail that fits it."""

    __table_args__ = (UniqueConstraint("product_id", "related_product_id", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    related_product_id: int = Field(foreign_key="product.id")
    kind: str = Field(default="accessory", max_length=32)


# --- orders and behaviour -------------------------------------------------------------------------------------------


class Order(SQLModel, table=True):
    __tablename__ = "orders"
    id: int | None = Field(default=None, primary_key=True)
    external_id: str = Field(unique=True, index=True, max_length=64)
    company_id: int = Field(foreign_key="company.id", index=True)
    ordered_at: datetime = Field(index=True)
    source: str = Field(default="demo", max_length=32)


class OrderLine(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    quantity: float
    unit_price: Decimal = Field(sa_column=Column(Numeric(12, 2), nullable=False))


class Event(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(index=True, max_length=64)
    company_id: int | None = Field(default=None, foreign_key="company.id", index=True)
    type: EventType
    product_id: int | None = Field(default=None, foreign_key="product.id", index=True)
    query: str | None = Field(default=None, max_length=500)
    occurred_at: datetime = Field(default_factory=utcnow, index=True)
    legal_basis: LegalBasis = LegalBasis.none


# --- measurement (issue 18): what was shown, clicked and bought, and the A/B experiment ------------------------


class MeasurementEventType(str, enum.Enum):
    """The kinds of measurement event: an item shown, clicked, put in the cart, or ordered."""

    impression = "impression"
    click = "click"
    add_to_cart = "add_to_cart"
    order = "order"


class Variant(str, enum.Enum):
    """The experiment arm a measurement event belongs to; ``outside``: no experiment ran, or the company objected
    to profiling (reported separately)."""

    treatment = "treatment"
    control = "control"
    outside = "outside"


class MeasurementEvent(SQLModel, table=True):
    """One event of the recommendation measurement log (docs/measurement.md). Keyed by business keys (company
    external id, SKU) like the event files, and never read by ranking: behaviour signals live in ``Event``."""

    __tablename__ = "measurement_event"
    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(unique=True, index=True, max_length=64)
    """The producer's id; importing the same id again changes nothing."""
    ts: datetime = Field(index=True)
    session_id: str = Field(index=True, max_length=64)
    company: str = Field(index=True, max_length=64)
    """The company's external id."""
    type: MeasurementEventType
    sku: str | None = Field(default=None, max_length=64)
    rec_request_id: str | None = Field(default=None, index=True, max_length=64)
    """The shown list an impression belongs to (one id per list, all surfaces)."""
    position: int | None = None
    """1-based position in the shown list (impressions)."""
    surface: str | None = Field(default=None, max_length=32)
    """Where the list was shown: chat | widget | email."""
    revenue: Decimal | None = Field(default=None, sa_column=Column(Numeric(14, 2), nullable=True))
    currency: str | None = Field(default=None, max_length=3)
    variant: Variant | None = None
    """The arm at the time of the event; empty: computed from the experiment's hash when the KPIs are read."""
    legal_basis: LegalBasis = LegalBasis.legitimate_interest
    """Measurement is processed under legitimate interest; the rows never feed ranking."""
    source: str = Field(default="portal", max_length=32, index=True)
    """Who wrote the row: ``portal`` (chat, widget), ``import`` or ``demo`` (the synthetic simulation)."""
    created_at: datetime = Field(default_factory=utcnow)


class Experiment(SQLModel, table=True):
    """A recorded A/B experiment: companies are split by hashing their external id with ``salt``; one runs at a
    time (``started_at`` <= now < ``ended_at`` or no end)."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True, max_length=64)
    salt: str = Field(max_length=64)
    control_share: float = 0.10
    started_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None
    created_by: str = Field(default="", max_length=64)
    note: str = Field(default="", max_length=500)


# --- conversations, recommendations, approvals --------------------------------------------------------------------


class Conversation(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=36)
    company_id: int | None = Field(default=None, foreign_key="company.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    language: str = Field(default="en", max_length=8)
    started_at: datetime = Field(default_factory=utcnow)


class Message(SQLModel, table=True):
    """One chat message, stored masked only (placeholders, never the customer's details in clear)."""

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(foreign_key="conversation.id", index=True)
    role: str = Field(max_length=16)  # user | assistant | tool
    masked_text: str
    answered_by: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=utcnow)


class Recommendation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    company_id: int | None = Field(default=None, foreign_key="company.id", index=True)
    conversation_id: str | None = Field(default=None, foreign_key="conversation.id")
    surface: str = Field(default="chat", max_length=32)  # chat | widget | email
    product_id: int = Field(foreign_key="product.id")
    rank: int
    premises: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    justification: str = ""
    model_version: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class PriceApproval(SQLModel, table=True):
    """A price-affecting request waiting for (or decided by) a sales user. ``version`` guards concurrent decisions."""

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    conversation_id: str | None = Field(default=None, foreign_key="conversation.id")
    product_skus: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    kind: str = Field(max_length=32)  # discount | quote | segment_price_range
    proposed_change: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    reason: str = ""
    status: ApprovalStatus = Field(default=ApprovalStatus.pending, index=True)
    requested_at: datetime = Field(default_factory=utcnow)
    requested_by: str = Field(default="agent", max_length=64)
    decided_by: str | None = Field(default=None, max_length=64)
    decided_at: datetime | None = None
    note: str | None = None
    expires_at: datetime
    approved_unit_price: Decimal | None = Field(default=None, sa_column=Column(Numeric(12, 2), nullable=True))
    version: int = 0


class AuditLog(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=64)
    action: str = Field(max_length=64)
    entity: str = Field(max_length=64)
    entity_id: str = Field(max_length=64, index=True)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
