"""Merchandising rules (issue 24, part 2): the shop pins a product at a position, boosts or buries products by
brand, category or attribute with a weight, or hides them; conditions on the query (is / contains), a category,
a segment and a surface; a validity window and an enabled flag.

Applied after the ranking and before the hard filters (inactive, not sold to this customer, out of stock: they
always win), in the catalogue search and the recommendation blend; every applied rule is a premise of the item
(kind ``merchandising``, "promoted by the shop") and so recorded with the shown recommendation. See
docs/merchandising.md.
"""

from __future__ import annotations

from merchandising.apply import item_of, merchandise, without_rules
from merchandising.engine import LOWERED, PROMOTED, apply_rules, hard_block, select_rules
from merchandising.models import (
    PREMISE_KIND,
    Dropped,
    Item,
    MerchContext,
    Outcome,
    Placed,
    Premise,
    RuleCreate,
    RuleList,
    RulePublic,
    RuleUpdate,
)

__all__ = ["LOWERED", "PREMISE_KIND", "PROMOTED", "Dropped", "Item", "MerchContext", "Outcome", "Placed", "Premise",
           "RuleCreate", "RuleList", "RulePublic", "RuleUpdate", "apply_rules", "hard_block", "item_of",
           "merchandise", "select_rules", "without_rules"]
