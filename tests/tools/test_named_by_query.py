"""Which search hits name the product the customer described (what a price request may be filed for), read from
the search premises' data, never from their words."""

from __future__ import annotations

from typing import Any

from tools.catalog import NAMED_SIMILARITY, named_by_query
from tools.models import PremiseOut, ProductCard


def card(*premises: dict[str, Any], kind: str = "search") -> ProductCard:
    return ProductCard(sku="X-1", name="X", category="C", price=1, currency="PLN",
                       premises=[PremiseOut(kind=kind, text="(words)", data=d) for d in premises])


def test_identifier_words_or_close_meaning_name_the_product() -> None:
    assert named_by_query(card({"reason": "exact", "identifier": "SKU"}))
    assert named_by_query(card({"reason": "matches", "terms": ["board"]}, {"reason": "similarity", "similarity": 0.31}))
    assert named_by_query(card({"reason": "similarity", "similarity": NAMED_SIMILARITY}))


def test_faint_similarity_or_other_evidence_does_not() -> None:
    assert not named_by_query(card({"reason": "similarity", "similarity": 0.23}))
    assert not named_by_query(card())
    # a ranking premise is a reason to recommend, not evidence that the customer named this product
    assert not named_by_query(card({"reason": "matches"}, kind="ranking"))
