"""Which search hits name the product the customer described (what a price request may be filed for)."""

from __future__ import annotations

from tools.catalog import NAMED_SIMILARITY, named_by_query
from tools.models import PremiseOut, ProductCard


def card(*texts: str, kind: str = "search") -> ProductCard:
    return ProductCard(sku="X-1", name="X", category="C", price=1, currency="PLN",
                       premises=[PremiseOut(kind=kind, text=t) for t in texts])


def test_identifier_words_or_close_meaning_name_the_product() -> None:
    assert named_by_query(card("exact SKU match"))
    assert named_by_query(card("matches: modules 12, board", "semantic similarity 0.31"))
    assert named_by_query(card(f"semantic similarity {NAMED_SIMILARITY:.2f}"))


def test_faint_similarity_or_other_evidence_does_not() -> None:
    assert not named_by_query(card("semantic similarity 0.23"))
    assert not named_by_query(card())
    # a ranking premise is a reason to recommend, not evidence that the customer named this product
    assert not named_by_query(card("matches: your purchase pattern", kind="ranking"))
