"""The shapes of a follow-up decision: the skip reasons, a product's premise in numbers, and the dry run's JSON
line (``salesagent followups plan --json``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

NO_LEGAL_BASIS = "no_legal_basis"
"""The visit's views were recorded without a legal basis for using behaviour data: they may not be used."""
OBJECTED_TO_PROFILING = "objected_to_profiling"
"""The company objected to profiling: no personalised e-mail."""
UNSUBSCRIBED = "unsubscribed"
"""The contact withdrew its e-mail consent (the unsubscribe link)."""
NO_CONSENT = "no_consent"
"""No prior consent to commercial e-mail (and legitimate interest not configured)."""
NO_EMAIL_ADDRESS = "no_email_address"
"""The company has no contact with an e-mail address."""
ALREADY_IN_OUTBOX = "already_in_outbox"
"""A decision for this contact and visit is recorded already (dry run only)."""
ORDERED_SINCE = "ordered_since"
"""The company ordered after the visit."""
FREQUENCY_CAP = "frequency_cap"
"""The contact had a follow-up (or a control would-have) within the cap."""
PRODUCT_UNAVAILABLE = "product_unavailable"
"""The viewed product is no longer active."""
NO_ACCESSORY = "no_accessory"
"""Fewer than two accessories with enough support, in stock, active and not bought lately."""
CONTROL_ARM = "control_arm"
"""The company is in the experiment's control arm: recorded as "would have received", not sent."""

SKIP_REASONS: tuple[str, ...] = (NO_LEGAL_BASIS, OBJECTED_TO_PROFILING, UNSUBSCRIBED, NO_CONSENT, NO_EMAIL_ADDRESS,
                                 ALREADY_IN_OUTBOX, ORDERED_SINCE, FREQUENCY_CAP, PRODUCT_UNAVAILABLE,
                                 NO_ACCESSORY, CONTROL_ARM)
"""Every reason, in the order the checks run (the first that fails is recorded)."""

REASON_TEXT: dict[str, str] = {
    NO_LEGAL_BASIS: "behaviour recorded without a legal basis",
    OBJECTED_TO_PROFILING: "objected to profiling",
    UNSUBSCRIBED: "unsubscribed",
    NO_CONSENT: "no consent to commercial e-mail",
    NO_EMAIL_ADDRESS: "no e-mail address",
    ALREADY_IN_OUTBOX: "already decided",
    ORDERED_SINCE: "ordered since the visit",
    FREQUENCY_CAP: "frequency cap",
    PRODUCT_UNAVAILABLE: "viewed product no longer active",
    NO_ACCESSORY: "no two accessories with enough support",
    CONTROL_ARM: "control arm: would have received",
}
"""Staff-readable words for each reason."""


class Premise(BaseModel):
    """Why a product is in the e-mail, in numbers: the viewed product's views in the visit, or an accessory's
    orders together with the viewed product out of all orders holding the viewed product."""

    sku: str
    kind: Literal["viewed", "bought_together"]
    text: str
    """The premise in English words (the e-mail renders the numbers in the company's language)."""
    views: int | None = None
    together: int | None = None
    """Orders holding both this accessory and the viewed product."""
    orders: int | None = None
    """Orders holding the viewed product."""
    anchor: str | None = None
    """The viewed product's SKU (accessories)."""

    def data(self) -> dict[str, Any]:
        """Return the premise as stored on the outbox row."""
        return self.model_dump(exclude_none=True)


def viewed_premise(sku: str, views: int, day: str) -> Premise:
    """Return the viewed product's premise."""
    return Premise(sku=sku, kind="viewed", views=views,
                   text=f"viewed {views} time{'s' if views != 1 else ''} in the visit of {day}")


def together_premise(sku: str, anchor: str, together: int, orders: int) -> Premise:
    """Return an accessory's premise ("added to the same order as S201-B16 in 41 of 210 orders")."""
    return Premise(sku=sku, kind="bought_together", together=together, orders=orders, anchor=anchor,
                   text=f"added to the same order as {anchor} in {together} of {orders} orders")


class PlannedFollowup(BaseModel):
    """One line of ``salesagent followups plan --json``: who would get which products and why, or why not."""

    contact_id: int | None
    company_id: int
    session_id: str
    viewed_sku: str | None
    accessory_skus: list[str] = Field(default_factory=list)
    premises: list[Premise] = Field(default_factory=list)
    status: Literal["planned", "skipped"]
    reason: str | None = None


class Decision(BaseModel):
    """A planned or skipped follow-up with what the outbox row and the staff page need besides the JSON line."""

    line: PlannedFollowup
    arm: str = "outside"
    legal_basis: str | None = None
    language: str = "pl"
    visit_started_at: datetime
    visit_ended_at: datetime
    due_at: datetime
    stored: bool = False
    """An outbox row holds this decision already."""

    @property
    def would_receive(self) -> bool:
        """True for an e-mail to send and for the control arm's "would have received"."""
        return self.line.status == "planned" or self.line.reason == CONTROL_ARM
