"""Premises in the customer's language: every premise worded from its kind and data by the message catalogue
(attribute labels in Polish, no scores), never an English sentence translated by pattern."""

from __future__ import annotations

import messages
from agent.templates import justification, premise_text
from tools.models import PremiseOut, ProductCard


def _matches(*attrs: tuple[str, str, str], terms: tuple[str, ...] = ()) -> PremiseOut:
    """A search premise as retrieval gives it: (key, label, value) per matched specification, and words."""
    listed = [{"key": k, "label": label, "value": v, "shown": f"{label} {v}"} for k, label, v in attrs]
    return PremiseOut(kind="search", text="(English words)",
                      data={"reason": "matches", "attributes": listed, "terms": list(terms)})


def test_attribute_labels_read_in_polish() -> None:
    premise = _matches(("curve", "curve", "B"), ("poles", "poles", "3"), ("rated_current_a", "rated current", "16 A"),
                       terms=("wyłącznik",))
    assert premise_text(premise, "pl") == "pasuje do: charakterystyka B, bieguny 3, prąd znamionowy 16 A; " \
                                          "pasuje do słów: wyłącznik"
    assert premise_text(premise, "en") == "matches your curve B, poles 3, rated current 16 A; matches your words: " \
                                          "wyłącznik"
    # a label the glossary does not know stays as the catalogue names it; a bare query word is never a label
    assert premise_text(_matches(("busbar_type", "busbar type", "pin"), terms=("colour",)), "pl") == \
        "pasuje do: busbar type pin; pasuje do słów: colour"


def test_search_premises_are_worded_from_their_data_without_scores() -> None:
    close = PremiseOut(kind="search", text="close in meaning to the request",
                       data={"reason": "similarity", "similarity": 0.41})
    assert premise_text(close, "en") == "close to what you asked for"
    assert premise_text(close, "pl") == "bliski temu, czego Państwo szukają"
    exact = PremiseOut(kind="search", text="exact SKU match",
                       data={"reason": "exact", "identifier": "SKU", "code": "S201-B16"})
    assert premise_text(exact, "pl") == "podany kod (S201-B16)"


def _bought(times: int, days: int) -> PremiseOut:
    data = {"times": times, "days_since_last": days}
    return PremiseOut(kind="buy_again", text=messages.premise_text("buy_again", data, "en") or "", data=data)


def test_every_premise_is_rendered_from_its_data_in_the_customers_language() -> None:
    bought = _bought(6, 41)
    assert premise_text(bought, "en") == "you bought it 6 times, last 41 days ago"
    assert premise_text(bought, "pl") == "kupowany przez Państwa 6 razy, ostatnio 41 dni temu"
    # a premise's English text is never translated back by pattern: an unknown kind shows nothing in any language
    assert premise_text(PremiseOut(kind="ranking_debug", text="bought by you 6 times"), "pl") is None
    # a merchandising rule's note is the shop's own words and is shown as written
    assert premise_text(PremiseOut(kind="merchandising", text="Nowość w ofercie."), "pl") == "Nowość w ofercie"


def test_justification_uses_the_translated_premises() -> None:
    card = ProductCard(sku="S201-B16", name="S201 B16", category="MCB", price=20, currency="PLN",
                       premises=[_matches(("rated_current_a", "rated current", "16 A")), _bought(6, 41)])
    assert justification(card, "pl") == \
        "pasuje do: prąd znamionowy 16 A; kupowany przez Państwa 6 razy, ostatnio 41 dni temu"
    assert justification(card.model_copy(update={"premises": []}), "pl") == "pasuje do zapytania"


def test_segment_popularity_names_the_industry_in_polish() -> None:
    data = {"industry": "electrical_installer", "size_band": "medium", "buyers": 42, "segment_customers": 42}
    assert premise_text(PremiseOut(kind="segment_popularity", text="", data=data), "pl") == \
        "popularny w firmach z branży instalacji elektrycznych o podobnej wielkości: kupiło go 42 z 42"
    other = data | {"industry": "shipbuilding", "buyers": 3, "segment_customers": 9}
    assert premise_text(PremiseOut(kind="segment_popularity", text="", data=other), "pl") == \
        "popularny w firmach z branży shipbuilding o podobnej wielkości: kupiło go 3 z 9"


def test_prices_are_written_as_the_customers_locale_writes_them() -> None:
    """Issue 21 item 6: "22,85 zł" in Polish, "22.85 PLN" in English; the output checks read both."""
    from decimal import Decimal

    from agent.templates import price_text, product_lines
    from guardrails.output_checks import find_claims

    card = ProductCard(sku="S201-B16", name="S201 B16", category="MCB", price=Decimal("1234.5"), currency="PLN",
                       premises=[])
    pl, en = product_lines([card], "pl")[0], product_lines([card], "en")[0]
    assert "1 234,50 zł netto" in pl and "1234.50 PLN net" in en
    assert [c[2] for c in find_claims(pl)] == [c[2] for c in find_claims(en)] == [Decimal("1234.50")]
    assert price_text("22.85", "PLN", "pl") == "22,85 zł"


def test_stock_note_says_out_of_stock_when_none_is_left() -> None:
    """Found in use: "0 of X are in stock" / "termin dostawy pozostałych" read oddly when nothing is in stock."""
    assert messages.reply("stock_short", "en", sku="S201-C20", stock=0, quantity=60) == (
        "Please note: S201-C20 is out of stock now; our sales team will confirm when the 60 you asked about can be "
        "delivered.")
    pl = messages.reply("stock_short", "pl", sku="S201-C20", stock=0, quantity=60)
    assert "niedostępny" in pl and "60 szt." in pl and "pozostałych" not in pl
    assert "1 of S201-C20 is in stock now" in messages.reply("stock_short", "en", sku="S201-C20", stock=1, quantity=5)
