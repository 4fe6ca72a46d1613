"""The message catalogues: the same keys in every language, every template renders from data, and the locale
formats prices and plurals the way a buyer reads them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import messages

SAMPLES: dict[str, dict[str, Any]] = {
    "buy_again": {"times": 5, "days_since_last": 1, "typical_interval_days": 30, "due": True},
    "bought_together": {"anchor_name": "ABB S200 MCB B16", "anchor_sku": "S201-B16", "together": 41,
                        "orders_with_anchor": 210, "lift": 3.2},
    "co_purchase": {"anchor_name": "Busbar", "anchor_sku": "BUS-1P-12"},
    "als": {"anchors": ["S201-B16", "BUS-1P-12"]},
    "segment_popularity": {"industry": "electrical installer", "buyers": 12, "segment_customers": 40},
    "popularity": {"buyers": 22},
    "content": {"anchor_name": "Busbar", "anchor_sku": "BUS-1P-12", "anchor_bought": True, "similarity": 0.7},
    "exploration": {"anchor_name": "Busbar", "anchor_sku": "BUS-1P-12", "anchor_bought": False, "similarity": 0.7},
    "context": {"anchor_name": "Busbar", "anchor_sku": "BUS-1P-12", "similarity": 0.7},
    "query": {"text": "boards for an office", "similarity": 0.5},
    "not_personalised": {},
    "similar_content": {"anchor_name": "Busbar", "anchor_sku": "BUS-1P-12", "similarity": 0.8},
    "similar_als": {"anchor_name": "Busbar", "anchor_sku": "BUS-1P-12", "similarity": 0.8},
    "catalogue": {"sku": "S201-B16"},
    "same_specification": {"anchor_sku": "S201-B16", "attributes": {"poles": 1, "rated current": "16 A"}},
    "search_code": {"value": "S201-B16"},
    "search_matches": {"attributes": {"curve": "B", "poles": 1}},
    "search_words": {"words": ["hermetic", "IP65"]},
    "search_meaning": {},
    "promoted": {},
}


def test_every_language_has_the_same_keys() -> None:
    keys = {lang: {(section, key) for section, entries in messages.catalogue(lang).items() for key in entries
                   if section in ("reply", "premise")} for lang in messages.LANGUAGES}
    assert keys["en"] == keys["pl"], keys["en"] ^ keys["pl"]


@pytest.mark.parametrize("lang", messages.LANGUAGES)
def test_every_premise_renders_from_its_data_in_a_buyers_words(lang: str) -> None:
    assert set(messages.catalogue(lang)["premise"]) == set(SAMPLES), "a premise kind without a sample"
    for kind, data in SAMPLES.items():
        text = messages.premise_text(kind, data, lang)
        assert text and "{" not in text, (kind, text)
        for internal in ("similarity", "lift", "0.7", "0.8", "3.2", "podobieństwo"):
            assert internal not in text, (kind, text)  # no scores, no model words


def test_an_unknown_kind_renders_nothing_rather_than_an_internal_string() -> None:
    assert messages.premise_text("als_factor_dump", {"x": 1}, "en") is None


def test_a_missing_value_is_an_error_not_an_empty_hole() -> None:
    with pytest.raises(Exception, match="anchor_sku"):
        messages.premise_text("bought_together", {"anchor_name": "x", "together": 1, "orders_with_anchor": 2}, "en")


def test_polish_plurals_and_prices_follow_the_locale() -> None:
    assert messages.premise_text("popularity", {"buyers": 1}, "pl").endswith("1 firma")
    assert messages.premise_text("popularity", {"buyers": 3}, "pl").endswith("3 firmy")
    assert messages.premise_text("popularity", {"buyers": 5}, "pl").endswith("5 firm")
    assert messages.premise_text("popularity", {"buyers": 22}, "pl").endswith("22 firmy")
    assert messages.premise_text("popularity", {"buyers": 1}, "en").endswith("1 company bought it")
    assert messages.money(Decimal("22.85"), "PLN", "pl") == "22,85\u00a0zł"
    assert messages.money(Decimal("1234.5"), "PLN", "pl") == "1\u00a0234,50\u00a0zł"
    assert messages.money(Decimal("22.85"), "PLN", "en") == "22.85\u00a0PLN"


def test_attribute_labels_are_translated() -> None:
    assert messages.premise_text("search_matches", {"attributes": {"poles": 3, "curve": "C"}}, "pl") == \
        "pasuje do: bieguny 3, charakterystyka C"
