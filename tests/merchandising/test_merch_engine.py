"""The rule engine on small known lists (pure: no database): each rule type, the conditions, the validity window,
the enabled flag, the precedence of the hard filters, and the premise as kind + data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from core.errors import InputError
from merchandising import LOWERED, PROMOTED, Item, MerchContext, RuleCreate, apply_rules
from merchandising.manage import parse_create

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def item(sku: str, brand: str = "ABB", category: str = "Circuit protection > MCB", stock: int = 10,
         active: bool = True, **attributes: Any) -> Item:
    return Item(sku=sku, score=None, brand=brand, category=category, attributes=attributes, stock=stock,
                active=active)


LIST = [item("A1"), item("E1", brand="Eaton"), item("L1", brand="Legrand", category="Boards > Surface"),
        item("E2", brand="Eaton", poles=3), item("H1", brand="Hager", category="Boards > Flush")]


def rule(rule_id: int = 1, **fields: Any) -> SimpleNamespace:
    """A rule as the engine reads it, validated as the API would."""
    body = RuleCreate.model_validate({"name": f"rule {rule_id}"} | fields)
    return SimpleNamespace(id=rule_id, **body.model_dump())


def ctx(**kw: Any) -> MerchContext:
    return MerchContext(**({"surface": "search", "now": NOW, "query": "mcb b16"} | kw))


def skus(rules: list[SimpleNamespace], items: list[Item] = LIST, extra: dict[str, Item] | None = None,
         **kw: Any) -> list[str]:
    return [p.sku for p in apply_rules(rules, items, ctx(**kw), extra).items]


def test_no_rule_keeps_the_ranked_order() -> None:
    assert skus([]) == ["A1", "E1", "L1", "E2", "H1"]


def test_pin_puts_a_product_at_its_position_and_can_bring_one_in() -> None:
    assert skus([rule(action="pin", target="sku", value="H1", position=1)]) == ["H1", "A1", "E1", "L1", "E2"]
    assert skus([rule(action="pin", target="sku", value="A1", position=3)]) == ["E1", "L1", "A1", "E2", "H1"]
    new = item("NEW-1", brand="Schneider")
    assert skus([rule(action="pin", target="sku", value="NEW-1", position=2)], extra={"NEW-1": new}) == [
        "A1", "NEW-1", "E1", "L1", "E2", "H1"]


def test_two_pins_at_one_position_follow_priority() -> None:
    pins = [rule(1, action="pin", target="sku", value="H1", position=1),
            rule(2, action="pin", target="sku", value="L1", position=1, priority=5)]
    assert skus(pins)[:2] == ["L1", "H1"]


@pytest.mark.parametrize(("fields", "expected"), [
    ({"target": "brand", "value": "eaton", "weight": 1.0}, ["E1", "E2", "A1", "L1", "H1"]),
    ({"target": "category", "value": "boards", "weight": 1.0}, ["L1", "H1", "A1", "E1", "E2"]),
    ({"target": "attribute", "attribute": "poles", "value": "3", "weight": 1.0}, ["E2", "A1", "E1", "L1", "H1"]),
    ({"target": "brand", "value": "Hager", "weight": 0.45}, ["A1", "E1", "H1", "L1", "E2"]),  # 0.2 -> 0.65
    ({"target": "sku", "value": "H1", "weight": 0.1}, ["A1", "E1", "L1", "E2", "H1"]),  # too weak to pass E2
])
def test_boost_by_brand_category_attribute_with_weight(fields: dict[str, Any], expected: list[str]) -> None:
    """Positions are 1.0, 0.8, 0.6, 0.4, 0.2 on the list's scale; a boost adds its weight (ties keep the order)."""
    assert skus([rule(action="boost", **fields)]) == expected


def test_bury_moves_down_by_weight() -> None:
    assert skus([rule(action="bury", target="brand", value="ABB", weight=1.0)]) == ["E1", "L1", "E2", "H1", "A1"]
    assert skus([rule(action="bury", target="brand", value="ABB", weight=0.5)]) == ["E1", "L1", "A1", "E2", "H1"]


def test_hide_leaves_products_out_even_when_pinned() -> None:
    rules = [rule(1, action="hide", target="brand", value="Eaton"),
             rule(2, action="pin", target="sku", value="E2", position=1)]
    out = apply_rules(rules, LIST, ctx())
    assert [p.sku for p in out.items] == ["A1", "L1", "H1"]
    assert {(d.sku, d.reason, d.rule_id) for d in out.dropped} == {("E1", "hidden", 1), ("E2", "hidden", 1)}


def test_the_premise_is_kind_and_data() -> None:
    out = apply_rules([rule(7, action="boost", target="brand", value="Hager", weight=1.0),
                       rule(8, action="bury", target="sku", value="A1", weight=0.5),
                       rule(9, action="pin", target="sku", value="L1", position=2)], LIST, ctx())
    by = {p.sku: p for p in out.items}
    [boost] = by["H1"].premises
    assert boost.kind == "merchandising" and boost.text == PROMOTED == "promoted by the shop"
    assert boost.data == {"rule_id": 7, "rule": "rule 7", "action": "boost", "target": "brand", "value": "Hager",
                          "weight": 1.0}
    assert by["A1"].premises[0].text == LOWERED and by["A1"].premises[0].data["weight"] == 0.5
    assert by["L1"].premises[0].data["position"] == 2 and by["L1"].ranked_position == 3
    assert by["E1"].premises == [] and out.matched_rules == [7, 8, 9]


@pytest.mark.parametrize(("conditions", "context", "applies"), [
    ({"query_is": "MCB  B16"}, {"query": "mcb b16"}, True),
    ({"query_is": "mcb"}, {"query": "mcb b16"}, False),
    ({"query_contains": "B16"}, {"query": "wyłącznik mcb b16 1p"}, True),
    ({"query_contains": "c20"}, {"query": "mcb b16"}, False),
    ({"query_contains": "b16"}, {"query": None}, False),
    ({"category": "boards"}, {"category": "Enclosures & distribution boards"}, True),
    ({"category": "boards"}, {"category": None}, False),
    ({"segment": "electrical_installer"}, {"segment": "electrical_installer"}, True),
    ({"segment": "electrical_installer"}, {"segment": "construction"}, False),
    ({"segment": "electrical_installer"}, {"segment": None}, False),  # e.g. the company objected to profiling
    ({"surface": "search"}, {"surface": "search"}, True),
    ({"surface": "recommendations"}, {"surface": "search"}, False),
    ({}, {"surface": "recommendations", "query": None}, True),
])
def test_conditions(conditions: dict[str, Any], context: dict[str, Any], applies: bool) -> None:
    r = rule(action="pin", target="sku", value="H1", position=1, **conditions)
    assert (skus([r], **context)[0] == "H1") is applies


@pytest.mark.parametrize(("window", "applies"), [
    ({"valid_from": NOW - timedelta(days=1), "valid_to": NOW + timedelta(days=1)}, True),
    ({"valid_from": NOW}, True),  # from is inclusive
    ({"valid_to": NOW}, False),  # to is exclusive
    ({"valid_from": NOW + timedelta(minutes=1)}, False),
    ({"valid_to": NOW - timedelta(days=1)}, False),
    ({"valid_from": (NOW - timedelta(hours=1)).replace(tzinfo=None)}, True),  # naive = UTC (as SQLite returns it)
])
def test_validity_window(window: dict[str, Any], applies: bool) -> None:
    r = rule(action="pin", target="sku", value="H1", position=1, **window)
    assert (skus([r])[0] == "H1") is applies


def test_a_disabled_rule_does_nothing() -> None:
    assert skus([rule(action="hide", target="brand", value="ABB", enabled=False)]) == skus([])


def test_hard_filters_win_over_every_rule() -> None:
    items = [item("A1"), item("OUT", stock=0), item("OFF", active=False), item("PRO", sold_to=["construction"]),
             item("E1", brand="Eaton")]
    promote = [rule(1, action="pin", target="sku", value="OUT", position=1),
               rule(2, action="pin", target="sku", value="OFF", position=1),
               rule(3, action="pin", target="sku", value="PRO", position=1),
               rule(4, action="boost", target="sku", value="OUT", weight=5)]
    out = apply_rules(promote, items, ctx(industry="electrical_installer"))
    # inactive and not-sold-to products never show; an out-of-stock one keeps its ranked place, unpromoted
    assert [p.sku for p in out.items] == ["A1", "OUT", "E1"]
    assert all(p.premises == [] for p in out.items)
    assert {(d.sku, d.reason) for d in out.dropped} >= {
        ("OUT", "promotion_blocked"), ("OFF", "promotion_blocked"), ("PRO", "promotion_blocked"),
        ("OFF", "inactive"), ("PRO", "not_sold_to_customer")}
    # the customer it is sold to sees it, promoted; an in-stock-only list drops the out-of-stock one
    construction = apply_rules(promote, items, ctx(industry="construction", in_stock_only=True))
    assert [p.sku for p in construction.items] == ["PRO", "A1", "E1"]
    assert construction.items[0].premises[0].data["rule_id"] == 3


def test_weights_and_fields_are_checked_on_input() -> None:
    for bad, message in [
        ({"action": "pin", "target": "brand", "value": "ABB", "position": 1}, "a pin names one product"),
        ({"action": "pin", "target": "sku", "value": "A1"}, "a pin names one product"),
        ({"action": "boost", "target": "brand", "value": "ABB", "position": 2}, "only a pin has a position"),
        ({"action": "boost", "target": "attribute", "value": "3"}, "attribute's key"),
        ({"action": "boost", "target": "brand", "value": "ABB", "weight": 0}, "weight"),
        ({"action": "boost", "target": "brand", "value": "ABB", "weight": 11}, "weight"),
        ({"action": "hide", "target": "brand", "value": "ABB", "valid_from": "2026-12-02T00:00:00Z",
          "valid_to": "2026-12-01T00:00:00Z"}, "valid_to must be after valid_from"),
        ({"action": "hide", "target": "brand", "value": "ABB", "query_is": "a", "query_contains": "b"}, "not both"),
        ({"action": "shout", "target": "brand", "value": "ABB"}, "action"),
    ]:
        with pytest.raises(InputError, match=message):
            parse_create({"name": "x"} | bad)
