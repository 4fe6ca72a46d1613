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
    expires_at: datetime | None = None
    """When the token stops working; empty: it does not expire (revoke or rotate it)."""


class PageSession(SQLModel, table=True):
    """A logged-in browser. The cookie holds a random session id, never the API token; this table keeps only
    the id's SHA-256 and the token it was opened with (revoking or rotating the token ends its sessions)."""

    __tablename__ = "page_session"
    id: int | None = Field(default=None, primary_key=True)
    session_hash: str = Field(unique=True, index=True, max_length=64)
    token_id: int = Field(foreign_key="authtoken.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    """The last request of the session (updated at most once a minute): the idle expiry counts from here."""
    expires_at: datetime
    """The absolute end of the session, however busy it is."""
    revoked_at: datetime | None = None
    """Set by logout (or when its token is revoked or rotated)."""


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
    min_quantity: int | None = None
    """A condition of an approval: the offer holds from this many pieces on (None: for any quantity)."""
    customer_notified_at: datetime | None = None
    """When the assistant told the customer about the decision (None: not yet; their next reply does)."""
    version: int = 0


class AuditLog(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=64)
    action: str = Field(max_length=64)
    entity: str = Field(max_length=64)
    entity_id: str = Field(max_length=64, index=True)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


# --- follow-up e-mails (issue 19): the outbox and the contacts' e-mail consent ------------------------------------


class FollowupStatus(str, enum.Enum):
    """Where a follow-up e-mail is: planned and waiting (``queued``), claimed by a sender (``sending``), waiting
    for another try after a temporary failure (``retry``), ``sent``, failed for good (``failed``), no longer
    eligible at send time (``cancelled``), not eligible when planned (``skipped``), or the control arm's "would
    have received" (``control``)."""

    queued = "queued"
    sending = "sending"
    retry = "retry"
    sent = "sent"
    failed = "failed"
    cancelled = "cancelled"
    skipped = "skipped"
    control = "control"


class FollowupEmail(SQLModel, table=True):
    """One follow-up decision per (contact, triggering session): the outbox row of an e-mail to send, or the
    recorded reason none is sent. Holds SKUs and numbers only; the contact's name and address are read at
    rendering."""

    __tablename__ = "followup_email"
    __table_args__ = (UniqueConstraint("contact_id", "session_id"),)
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    session_id: str = Field(max_length=64)
    """The browsing session that triggered it (the abandoned visit)."""
    status: FollowupStatus = Field(default=FollowupStatus.queued, index=True)
    reason: str | None = Field(default=None, max_length=64)
    """Why it is skipped, cancelled or failed (a skip reason of ``followups.models``)."""
    arm: str = Field(default="outside", max_length=16)
    """The company's experiment arm when planned: treatment | control | outside."""
    legal_basis: str | None = Field(default=None, max_length=32)
    """The basis the e-mail is sent on: ``consent`` or ``legitimate_interest`` (when the operator allows it)."""
    language: str = Field(default="pl", max_length=8)
    visit_started_at: datetime
    visit_ended_at: datetime
    due_at: datetime = Field(index=True)
    """When it is to be sent (the configured delay after the visit)."""
    viewed_sku: str | None = Field(default=None, max_length=64)
    skus: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    """The products of the e-mail: the viewed one, then the accessories."""
    premises: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    """Each product's premise in numbers (views; orders together / orders with the viewed product)."""
    rec_request_id: str | None = Field(default=None, max_length=64, index=True)
    """The e-mail's shown list in the measurement log (impressions, clicks)."""
    attempts: int = 0
    next_attempt_at: datetime | None = None
    claimed_at: datetime | None = None
    claimed_by: str | None = Field(default=None, max_length=64)
    sent_at: datetime | None = None
    message_id: str | None = Field(default=None, max_length=200)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class EmailConsent(SQLModel, table=True):
    """A contact's own choice about commercial e-mail: given (``granted``) or withdrawn, e.g. by the
    unsubscribe link. Without a row the company's ``marketing_consent`` applies."""

    __tablename__ = "email_consent"
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", unique=True, index=True)
    granted: bool
    via: str = Field(max_length=64)
    """How it was recorded: ``unsubscribe_link``, ``one_click`` (RFC 8058), ``staff``, ``import``."""
    recorded_at: datetime = Field(default_factory=utcnow)


# --- merchandising rules (issue 24, part 2): pin, boost, bury, hide; staff-managed, audited ----------------------


class MerchAction(str, enum.Enum):
    """What a rule does: put one product at a position, move matching products up or down, or leave them out."""

    pin = "pin"
    boost = "boost"
    bury = "bury"
    hide = "hide"


class MerchTarget(str, enum.Enum):
    """What a rule matches: one SKU, a brand, a category (a part of the category path) or an attribute value."""

    sku = "sku"
    brand = "brand"
    category = "category"
    attribute = "attribute"


class MerchSurface(str, enum.Enum):
    """Where a rule applies: the catalogue search or the recommendation blend (none: both)."""

    search = "search"
    recommendations = "recommendations"


class MerchRuleBase(SQLModel):
    """A merchandising rule as staff write it (validated by ``merchandising.models.RuleCreate``)."""

    name: str = Field(max_length=120)
    action: MerchAction
    target: MerchTarget
    value: str = Field(max_length=200)
    """The SKU, brand, category text or attribute value matched (case-insensitive)."""
    attribute: str | None = Field(default=None, max_length=64)
    """The attribute's key, for ``target=attribute``."""
    position: int | None = None
    """1-based position of a pinned product."""
    weight: float = 1.0
    """Boost or bury strength on the list's 0..1 position scale: 1.0 moves a product past every unboosted one, 0.2
    by a fifth of the list."""
    query_is: str | None = Field(default=None, max_length=200)
    query_contains: str | None = Field(default=None, max_length=200)
    category: str | None = Field(default=None, max_length=200)
    """Only when the list is about this category (the search's category filter, the product looked at)."""
    segment: str | None = Field(default=None, max_length=64)
    """Only for customers of this industry (never for a company that objected to profiling)."""
    surface: MerchSurface | None = None
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    enabled: bool = True
    priority: int = 0
    """Higher first among rules of the same action (pins at one position, the order premises are listed in)."""


class MerchRule(MerchRuleBase, table=True):
    """A stored merchandising rule; every change writes an ``AuditLog`` row (entity ``merch_rule``)."""

    __tablename__ = "merch_rule"
    id: int | None = Field(default=None, primary_key=True)
    created_by: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = 1
