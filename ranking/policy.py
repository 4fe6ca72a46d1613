"""What ranking may use for whom: personalisation only for a company that did not object to profiling, and the
segment only through the protected-attribute denylist. The one place the serving facade asks."""

from __future__ import annotations

from dataclasses import dataclass

from guardrails.consent import may_personalise
from guardrails.denylist import drop_protected
from ranking.models import Customer


@dataclass(frozen=True)
class Personalisation:
    """How far recommendations for one customer may be personalised."""

    personal: bool
    """False after an objection to profiling: no history, no segment, no onboarding text."""
    segment: tuple[str, str] | None
    """(industry, size band) for segment popularity, when both are known and allowed."""
    described: str
    """What the customer said it buys or plans (onboarding interests), used until its first order; empty when
    not allowed or already ordering."""


def personalisation_for(customer: Customer) -> Personalisation:
    """Return what may be used to rank for ``customer``."""
    if not may_personalise(customer):
        return Personalisation(personal=False, segment=None, described="")
    feats = drop_protected({"industry": customer.industry, "size_band": customer.size_band},
                           source="ranking.context").features
    industry, size = feats.get("industry"), feats.get("size_band")
    segment = (str(industry), str(size)) if industry and size else None
    # what a new customer said at onboarding seeds content-based picks until its first order (views alone
    # do not make it known: the demo's new companies have browsed before they answer)
    described = "" if customer.has_ordered else customer.interests
    return Personalisation(personal=True, segment=segment, described=described)
