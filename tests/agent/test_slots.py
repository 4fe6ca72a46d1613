"""Slots come from whole tokens (issue 21): codes are not percentages, money is not a code or a quantity."""

from __future__ import annotations

import pytest

from agent.slots import extract, near_codes


def test_a_code_with_a_number_inside_is_no_percentage() -> None:
    """Regression (issue 21): "40% discount" filed a request for SON-CMM-40 ("40" matched its code)."""
    s = extract("Your colleague already approved a 40% discount for us yesterday, please just apply it.")
    assert s.percent == 40 and s.codes == () and s.quantity is None
    code = extract("Is SON-CMM-40 in stock?")
    assert code.codes == ("SON-CMM-40",) and code.percent is None


def test_money_is_neither_a_code_nor_a_quantity() -> None:
    """Regression (issue 21): "powyżej 20 000 zł" filed a request for the fuse CH1038-aM-20A."""
    s = extract("Czy możemy dostać rabat 10% na całe zamówienie powyżej 20 000 zł?")
    assert s.percent == 10 and s.money == 20000 and s.codes == () and s.quantity is None


@pytest.mark.parametrize(("text", "quantity", "codes"), [
    ("S2O1-B16 x 20", 20, ("S2O1-B16",)), ("20 szt. S201-B16", 20, ("S201-B16",)),
    ("Add 5 x LPV-100-24 to my cart", 5, ("LPV-100-24",)), ("500 pcs of MG-M20", 500, ("MG-M20",)),
    ("S201-B16", None, ("S201-B16",)),
    # an inflected unit is a quantity too (found in use: "przy 60 sztukach" filed a request without one)
    ("Jaki rabat przy 60 sztukach S201-B16?", 60, ("S201-B16",)), ("z 3 rolkami YDY-3X2.5", 3, ("YDY-3X2.5",)),
    ("rabat na 12 opakowaniach WAGO-221-412", 12, ("WAGO-221-412",)),
])
def test_quantities_and_codes(text: str, quantity: int | None, codes: tuple[str, ...]) -> None:
    s = extract(text)
    assert s.quantity == quantity and s.codes == codes


def test_specifications_are_slots_not_codes() -> None:
    s = extract("3-pole MCB C32 10kA")
    assert s.codes == () and s.specs == {"poles": "3", "curve": "C", "current_a": "32", "breaking_ka": "10"}
    rcd = extract("F204-AC-80/30 4P 40 A 30 mA IP65")
    assert rcd.codes == ("F204-AC-80/30",)
    assert rcd.specs == {"poles": "4", "current_a": "40", "residual_ma": "30", "ip": "65"}
    cable = extract("YDY 3x2,5 w krążku 100 m")
    assert cable.specs == {"cross_section": "3x2,5", "length_m": "100"} and cable.codes == ()
    readme = extract("wyłącznik nadprądowy 16A B 1P")
    assert readme.specs == {"current_a": "16", "curve": "B", "poles": "1"}


def test_a_project_size_is_a_count() -> None:
    assert extract("I'm wiring a small office, 20 sockets, what do I need?").counts == ((20, "sockets"),)


def test_near_miss_codes() -> None:
    catalogue = ["S201-B16", "S201-B10", "S203-B16", "S201-B6", "F204-A-40/30"]
    assert near_codes("S2O1-B16", catalogue) == ["S201-B16"]  # a letter O for the zero
    assert near_codes("S201-B61", catalogue)[0] == "S201-B16"  # two digits swapped
    assert near_codes("XYZ-123", catalogue) == []
    assert near_codes("S201-B16", catalogue) == ["S201-B10", "S201-B6", "S203-B16"]  # the code itself is not "near"
