"""Substitutes share the anchor's whole specification; the premise names it in words."""

from __future__ import annotations

from retrieval.substitutes import same_specification, specification_phrase

B16 = {"rated_current_a": 16, "poles": 1, "curve": "B", "breaking_capacity_ka": 6, "voltage_v": 230}


def test_the_same_values_under_the_same_keys_are_the_same_specification() -> None:
    assert same_specification(B16, dict(reversed(list(B16.items()))))
    assert same_specification(B16, {**B16, "rated_current_a": 16.0, "curve": "b"})  # 16 == 16.0, case aside
    assert same_specification({"ip_rating": "IP65"}, {"ip_rating": "ip65"})


def test_any_difference_is_another_specification() -> None:
    assert not same_specification(B16, {**B16, "rated_current_a": 10})  # a B10 is no substitute for a B16
    assert not same_specification(B16, {**B16, "curve": "C"})
    assert not same_specification(B16, {k: v for k, v in B16.items() if k != "voltage_v"})  # a key missing
    assert not same_specification(B16, {**B16, "standard": "EN 60898-1"})  # a key more
    assert not same_specification({"flexible": True}, {"flexible": 1})  # a flag is not the number 1
    assert not same_specification({"length_m": 100}, {"length_m": "100 m coil"})


def test_a_product_without_attributes_has_no_substitute() -> None:
    assert not same_specification({}, {})


def test_the_phrase_names_the_first_attributes_with_units() -> None:
    assert specification_phrase(B16) == "rated current 16 A, poles 1, curve B, breaking capacity 6 kA"
    assert specification_phrase({"modules": 12, "curve": "curve B", "rows": 2}, limit=2) == "modules 12, curve B"
