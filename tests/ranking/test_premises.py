"""Premises: kind + data in a buyer's terms (codes, names, counts), the English words from the message catalogue,
never a score, a similarity or a lift; and the opt-out notice first."""

from __future__ import annotations

import messages
from ranking.models import Explanation
from ranking.premises import OPT_OUT_TEXT, premises_for

NAMES = {0: ("S201-B16", "MCB B16 1P"), 1: ("DIN-35", "DIN rail 35mm"), 2: ("F202-40", "RCD 40A")}


def item(code: int) -> tuple[str, str]:
    return NAMES[code]


EVIDENCE = {
    "buy_again": Explanation(1.0, "buy_again", {"times": 6, "days_since_last": 41,
                                                "typical_interval_days": 35, "due": True}),
    "bought_together": Explanation(0.2, "bought_together", {
        "anchor": 0, "together": 38, "orders_with_anchor": 210, "lift": 3.14, "support": 0.01,
        "confidence": 38 / 210}),
    "popularity": Explanation(3.0, "popularity", {"segment": ["electrical installer", "10-49"],
                                                  "buyers": 12, "segment_customers": 40}),
    "content": Explanation(0.8, "content", {"anchor": 1, "similarity": 0.83, "anchor_bought": False}),
    "co_purchase": Explanation(0.5, "co_purchase", {"contributions": [(2, 0.4)]}),
    "als": Explanation(0.4, "als", {"contributions": [(0, 0.3), (2, 0.1)]}),
}


def test_each_source_becomes_a_sentence_in_a_buyers_words() -> None:
    texts = [p.text for p in premises_for(EVIDENCE, item)]
    assert texts == [
        "you bought it 6 times, last 41 days ago; you usually reorder every 35 days, so it is due",
        "added to the same order as MCB B16 1P (S201-B16) in 38 of 210 orders",
        "popular with electrical installer companies of your size: 12 of 40 bought it",
        "similar to DIN rail 35mm (DIN-35) you viewed",
        "often bought by customers who also bought RCD 40A (F202-40), which you ordered",
        "fits what you usually buy (MCB B16 1P (S201-B16), RCD 40A (F202-40))",
    ]
    for text in texts:
        assert not any(word in text for word in ("lift", "similarity", "3.1", "83%", "0.4")), text


def test_the_evidence_travels_as_data_and_renders_in_polish_without_translating_english() -> None:
    premises = premises_for(EVIDENCE, item)
    together = premises[1]
    assert together.kind == "bought_together" and together.data["together"] == 38
    assert together.data["anchor_sku"] == "S201-B16" and together.data["lift"] == 3.14  # numbers kept for audits
    assert EVIDENCE["bought_together"].evidence.get("anchor_sku") is None  # the ranker's evidence is not changed
    polish = [messages.premise_text(p.kind, p.data, "pl") for p in premises]
    assert polish[0].startswith("kupowany przez Państwa 6 razy, ostatnio 41 dni temu")
    assert polish[1] == "dodawany do tego samego zamówienia co MCB B16 1P (S201-B16) w 38 z 210 zamówień"
    assert polish[2].startswith("popularny w firmach z branży instalacji elektrycznych")


def test_opt_out_premise_comes_first_and_global_popularity_only() -> None:
    ex = {"popularity": Explanation(3.0, "popularity", {"segment": None, "buyers": 120})}
    prem = premises_for(ex, item, personal=False)
    assert prem[0].text == OPT_OUT_TEXT and prem[0].kind == "not_personalised"
    assert prem[1].kind == "popularity" and prem[1].text == "popular with our customers: 120 companies bought it"


def test_a_stored_industry_code_reads_as_words() -> None:
    """The demo stores industries as codes ("electrical_installer"); a customer reads words."""
    ex = {"popularity": Explanation(1.0, "popularity", {"segment": ["electrical_installer", "medium"],
                                                        "buyers": 42, "segment_customers": 42})}
    assert [p.text for p in premises_for(ex, item)] == [
        "popular with electrical installer companies of your size: 42 of 42 bought it"]
