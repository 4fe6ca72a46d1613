"""Premises in the customer's language: Polish replies translate the premise patterns and attribute labels."""

from __future__ import annotations

from agent.templates import justification, premise_text
from tools.models import PremiseOut, ProductCard


def _pl(text: str) -> str:
    return premise_text(PremiseOut(kind="search", text=text), "pl")


def test_attribute_labels_read_in_polish() -> None:
    assert _pl("matches: curve B, poles 3, rated current 16 A, wyłącznik") == \
        "pasuje do: charakterystyka B, bieguny 3, prąd znamionowy 16 A, wyłącznik"
    # a label the glossary does not know stays as the catalogue names it; a bare query word is never a label
    assert _pl("matches: busbar type pin, colour") == "pasuje do: busbar type pin, colour"


def test_english_premises_stay_as_they_are() -> None:
    assert premise_text(PremiseOut(kind="search", text="matches: poles 3"), "en") == "matches: poles 3"


def test_justification_uses_the_translated_premises() -> None:
    card = ProductCard(sku="S201-B16", name="S201 B16", category="MCB", price=20, currency="PLN",
                       premises=[PremiseOut(kind="search", text="matches: rated current 16 A"),
                                 PremiseOut(kind="ranking", text="bought by you 6 times, last 41 days ago")])
    assert justification(card, "pl") == \
        "pasuje do: prąd znamionowy 16 A; kupowany przez Państwa 6 razy, ostatnio 41 dni temu"


def test_segment_popularity_names_the_industry_and_size_in_polish() -> None:
    assert _pl("popular with electrical installer customers of your size (medium): bought by 42 of 42 of them") == \
        "popularny wśród firm z branży instalacji elektrycznych o podobnej wielkości (średnia): kupiło go 42 z 42"
    assert _pl("popular with shipbuilding customers of your size (10-49): bought by 3 of 9 of them") == \
        "popularny wśród firm z branży shipbuilding o podobnej wielkości (10-49): kupiło go 3 z 9"
