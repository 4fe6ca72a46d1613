"""Premises: readable sentences with the evidence numbers, one per source, and the opt-out notice."""

from __future__ import annotations

from ranking.models import Explanation
from ranking.premises import OPT_OUT_TEXT, premises_for


def name(code: int) -> str:
    return {0: "S201-B16", 1: "DIN rail 35mm", 2: "RCD 40A"}[code]


def test_each_source_becomes_a_sentence_with_numbers() -> None:
    ex = {
        "buy_again": Explanation(1.0, "buy_again", {"times": 6, "days_since_last": 41,
                                                    "typical_interval_days": 35, "due": True}),
        "bought_together": Explanation(0.2, "bought_together", {
            "anchor": 0, "together": 38, "orders_with_anchor": 210, "lift": 3.14, "support": 0.01,
            "confidence": 38 / 210}),
        "popularity": Explanation(3.0, "popularity", {"segment": ["electrical installer", "10-49"],
                                                      "buyers": 12, "segment_customers": 40}),
        "content": Explanation(0.8, "content", {"anchor": 1, "similarity": 0.83, "anchor_bought": False}),
        "co_purchase": Explanation(0.5, "co_purchase", {"contributions": [(2, 0.4)]}),
    }
    texts = [p.text for p in premises_for(ex, name)]
    assert texts == [
        "bought by you 6 times, last 41 days ago; you usually reorder every 35 days, so it is due",
        "added to the same order as S201-B16 in 38 of 210 orders (lift 3.1)",
        "popular with electrical installer customers of your size (10-49): bought by 12 of 40 of them",
        "similar to DIN rail 35mm you viewed (similarity 83%)",
        "often bought by customers who also bought RCD 40A, which you ordered",
    ]
    assert premises_for(ex, name)[1].data["together"] == 38  # the evidence travels as data too


def test_opt_out_premise_comes_first_and_global_popularity_only() -> None:
    ex = {"popularity": Explanation(3.0, "popularity", {"segment": None, "buyers": 120})}
    prem = premises_for(ex, name, personal=False)
    assert prem[0].text == OPT_OUT_TEXT and prem[0].kind == "not_personalised"
    assert prem[1].text.startswith("popular overall: bought by 120 customers")


def test_a_stored_industry_code_reads_as_words() -> None:
    """The demo stores industries as codes ("electrical_installer"); a customer reads words."""
    ex = {"popularity": Explanation(1.0, "popularity", {"segment": ["electrical_installer", "medium"],
                                                        "buyers": 42, "segment_customers": 42})}
    assert [p.text for p in premises_for(ex, name)] == [
        "popular with electrical installer customers of your size (medium): bought by 42 of 42 of them"]
