"""What a follow-up shows, as pure functions: the product the visit viewed most, and the two accessories other
buyers put in the same orders most often (at least the minimum support, active, in stock, not bought by the
company lately, and not a product of the viewed one's own category, which would be an alternative rather than
an accessory). Each comes with its premise in numbers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from followups.models import Premise, together_premise
from store.followups import CoPurchase, ViewRow

ACCESSORIES = 2
"""An e-mail shows exactly this many accessories (fewer: no e-mail)."""


@dataclass(frozen=True)
class Viewed:
    """The visit's most viewed product."""

    sku: str
    product_id: int
    views: int


def most_viewed(views: Sequence[ViewRow]) -> Viewed | None:
    """Return the product viewed most often in the visit (ties: the one viewed first), or None without views."""
    if not views:
        return None
    counts = Counter(v.sku for v in views)
    first_seen: dict[str, tuple[int, int]] = {}
    for i, v in enumerate(views):
        first_seen.setdefault(v.sku, (i, v.product_id))
    sku = min(counts, key=lambda s: (-counts[s], first_seen[s][0]))
    return Viewed(sku, first_seen[sku][1], counts[sku])


def pick_accessories(candidates: Sequence[CoPurchase], *, viewed_category: str, min_support: int,
                     bought: Collection[str], k: int = ACCESSORIES) -> list[CoPurchase]:
    """Return up to ``k`` accessories from the co-purchase ``candidates`` (most orders together first, ties by
    SKU): at least ``min_support`` orders together, active, in stock, not in ``bought`` and not in the viewed
    product's category."""
    eligible = [c for c in candidates
                if c.together >= min_support and c.active and c.stock > 0 and c.sku not in bought
                and c.category != viewed_category]
    return sorted(eligible, key=lambda c: (-c.together, c.sku))[:k]


def accessory_premises(viewed_sku: str, accessories: Sequence[CoPurchase], orders_with_viewed: int
                       ) -> list[Premise]:
    """Return each accessory's premise: orders with both out of the orders holding the viewed product."""
    return [together_premise(a.sku, viewed_sku, a.together, orders_with_viewed) for a in accessories]
