"""The advisor follows its documented decision table: cases written from docs/advisor.md (form fields and free
text), the table's validation on load, and the docs' drawing of the table agreeing with the shipped file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from advisor import AdvisorFacts, decide, default_table, load_table, parse_text
from core.errors import ConfigError

DOCS = Path(__file__).resolve().parents[2] / "docs" / "advisor.md"

# (case, facts, expected row, expected architecture, expected companions)
FORM_CASES = [
    ("issue example: small shop, names only",
     AdvisorFacts(customers=300, skus=2000, descriptions="none", behaviour_collected=False),
     "static-names", "static_rules", ["semantic_search"]),
    ("issue example: many customers and orders",
     AdvisorFacts(customers=5000, order_rows=200_000),
     "cf-names", "collaborative_filtering", ["semantic_search"]),
    ("many orders and described products",
     AdvisorFacts(customers=5000, order_rows=200_000, descriptions="full", years=1),
     "cf-described", "collaborative_filtering", ["semantic_search"]),
    ("everything, behaviour with consent: agent with memory",
     AdvisorFacts(customers=3000, order_rows=400_000, years=5, descriptions="partial", skus=20_000,
                  behaviour_collected=True, legal_basis="consent"),
     "agent-memory", "agent_memory", ["collaborative_filtering", "semantic_search"]),
    ("the same, behaviour logged without a legal basis: no agent",
     AdvisorFacts(customers=3000, order_rows=400_000, years=5, descriptions="partial", skus=20_000,
                  behaviour_collected=True, legal_basis="none"),
     "cf-described", "collaborative_filtering", ["semantic_search"]),
    ("the same with one year of history: no agent",
     AdvisorFacts(customers=3000, order_rows=400_000, years=1.5, descriptions="full",
                  behaviour_collected=True, legal_basis="legitimate_interest"),
     "cf-described", "collaborative_filtering", ["semantic_search"]),
    ("volatile described catalogue beats order history",
     AdvisorFacts(customers=3000, order_rows=400_000, skus=8000, descriptions="full", stability="volatile"),
     "volatile-described", "semantic_search", ["static_rules"]),
    ("volatile without descriptions stays with collaborative filtering",
     AdvisorFacts(customers=3000, order_rows=400_000, skus=8000, descriptions="none", stability="volatile"),
     "cf-names", "collaborative_filtering", ["semantic_search"]),
    ("large described catalogue, little history",
     AdvisorFacts(customers=200, order_rows=3000, skus=40_000, descriptions="full"),
     "semantic-catalogue", "semantic_search", ["static_rules"]),
    ("large catalogue without descriptions, little history",
     AdvisorFacts(customers=200, order_rows=3000, skus=40_000, descriptions="none"),
     "static-names", "static_rules", ["semantic_search"]),
    ("tiny shop",
     AdvisorFacts(customers=40, skus=300, order_rows=800, descriptions="full"),
     "static", "static_rules", []),
    ("just below the collaborative-filtering threshold",
     AdvisorFacts(customers=999, order_rows=1_000_000, skus=2000),
     "static-names", "static_rules", ["semantic_search"]),
    ("exactly at the thresholds (min bounds are inclusive)",
     AdvisorFacts(customers=1000, order_rows=50_000, skus=2000),
     "cf-names", "collaborative_filtering", ["semantic_search"]),
]


@pytest.mark.parametrize(("facts", "row", "architecture", "also"), [c[1:] for c in FORM_CASES],
                         ids=[c[0] for c in FORM_CASES])
def test_form_cases_follow_the_table(facts: AdvisorFacts, row: str, architecture: str, also: list[str]) -> None:
    advice = decide(facts)
    assert (advice.rule, advice.architecture) == (row, architecture)
    assert [c.architecture for c in advice.also] == also
    assert advice.why and advice.key_data and advice.effort.weeks_min <= advice.effort.weeks_max


TEXT_CASES = [
    ("We have 300 customers, 2,000 SKUs without descriptions and no behaviour data.", "static-names"),
    ("5,000 customers and 200,000 orders over 4 years.", "cf-names"),
    ("Około 5 tys. klientów, 200 000 zamówień z 4 lat, 12 000 produktów z opisami.", "cf-described"),
    (("3k B2B customers, 1.2 mln order lines over 6 years, 30000 SKUs with full descriptions; we log searches "
     "and product views with consent."), "agent-memory"),
    ("A catalogue of 40,000 products with detailed descriptions, 150 clients, 2000 orders so far.",
     "semantic-catalogue"),
    (("8000 SKUs with descriptions, the assortment changes every season quickly: volatile. 2000 customers, "
     "300000 orders."), "volatile-described"),
    ("Mały sklep: 40 klientów, 300 produktów, bez opisów.", "static"),
]


@pytest.mark.parametrize(("text", "row"), TEXT_CASES)
def test_free_text_cases_follow_the_table(text: str, row: str) -> None:
    assert decide(parse_text(text)).rule == row


def test_the_advice_says_why_with_numbers_and_what_was_assumed() -> None:
    advice = decide(AdvisorFacts(customers=5000, order_rows=200_000))
    assert advice.summary == ("Start with collaborative filtering, plus embeddings with semantic search on product "
                              "names.")
    assert {(r.kind, r.data["field"], r.data["value"], r.data["threshold"]) for r in advice.reasons} == {
        ("at_least", "customers", 5000, 1000), ("at_least", "order_rows", 200_000, 50_000)}
    assert "descriptions" in advice.assumed and "customers" not in advice.assumed
    assert {s.id for s in advice.collect_next} >= {"segments", "descriptions", "behaviour", "measure"}


def test_hints_follow_their_conditions() -> None:
    no_basis = decide(AdvisorFacts(behaviour_collected=True, legal_basis="none", segmentation="firmographic",
                                   descriptions="full", order_rows=100_000, years=3, customers=2000))
    ids = {s.id for s in no_basis.collect_next}
    assert "legal-basis" in ids
    assert not ids & {"segments", "descriptions", "behaviour", "order-history", "history-years"}
    static = decide(AdvisorFacts(customers=10, skus=100))
    assert "measure" not in {s.id for s in static.collect_next}


def test_a_broken_table_is_a_config_error(tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parents[2] / "advisor" / "decision_table.toml").read_text(encoding="utf-8")
    bad = tmp_path / "t.toml"
    bad.write_text(text.replace('architecture = "static_rules"\nwhy', 'architecture = "magic"\nwhy'),
                   encoding="utf-8")
    with pytest.raises(ConfigError, match="advisor decision table"):
        load_table(bad)
    no_fallback = tmp_path / "f.toml"
    no_fallback.write_text(text.rsplit("[[rows]]", 1)[0] + text.split("[[hints]]", 1)[1].join(["[[hints]]", ""]),
                           encoding="utf-8")
    with pytest.raises(ConfigError, match="fallback"):
        load_table(no_fallback)


def test_the_docs_draw_the_shipped_table() -> None:
    """docs/advisor.md's table lists the same rows in the same order with the same architectures."""
    drawn = re.findall(r"^\| \d+ \| `([a-z-]+)` \| ([a-z_]+) \|", DOCS.read_text(encoding="utf-8"), re.MULTILINE)
    assert drawn == [(r.id, r.architecture) for r in default_table().rows]
