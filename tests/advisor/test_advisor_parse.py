"""Free text -> facts (English and Polish): counts next to their nouns, and phrases."""

from __future__ import annotations

import pytest

from advisor import parse_text


@pytest.mark.parametrize(("text", "expected"), [
    ("300 customers, 2,000 SKUs", {"customers": 300, "skus": 2000}),
    ("2 000 produktów i 150 klientów", {"skus": 2000, "customers": 150}),
    ("5k customers, 1.2 mln order lines", {"customers": 5000, "order_rows": 1_200_000}),
    ("200.000 zamówień z 3 lat", {"order_rows": 200_000, "years": 3.0}),
    ("10 years of orders", {"years": 10.0}),
    ("no descriptions", {"descriptions": "none"}),
    ("some descriptions", {"descriptions": "partial"}),
    ("produkty z opisami", {"descriptions": "full"}),
    ("no behaviour data", {"behaviour_collected": False}),
    ("we log searches with consent", {"behaviour_collected": True, "legal_basis": "consent"}),
    ("clickstream without consent", {"behaviour_collected": True, "legal_basis": "none"}),
    ("segmented by industry and size", {"segmentation": "firmographic"}),
    ("no segmentation, stable catalogue", {"segmentation": "none", "stability": "stable"}),
    ("Hello, we sell cables.", {}),
])
def test_parse_text(text: str, expected: dict[str, object]) -> None:
    assert parse_text(text).model_dump(exclude_none=True) == expected
