"""Substitutes: catalogue products with the same specification as another one, for "something cheaper than
S201-B16". Content similarity is the wrong tool for that question: the closest products to an ABB B16 1-pole
breaker are ABB breakers of other ratings, and a B10 is no substitute for a B16. The same specification (the
same category and every catalogue attribute equal) is, whatever the brand. Pure functions over attribute dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retrieval.text import attribute_label, format_value, numeric_value

SPECIFICATION_SHOWN = 4
"""How many of the anchor's attributes the premise names (in catalogue order: the defining ones come first)."""


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    x, y = numeric_value(a), numeric_value(b)
    if x is not None and y is not None and not (isinstance(a, str) and isinstance(b, str)):
        return x == y
    return str(a).strip().casefold() == str(b).strip().casefold()


def same_specification(anchor: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
    """True when ``other`` has exactly the anchor's attributes with equal values (16 and 16.0 are equal, "IP65"
    and "ip65" too). A product without attributes has no specification to share, so nothing matches it."""
    if not anchor or set(anchor) != set(other):
        return False
    return all(_same_value(anchor[k], other[k]) for k in anchor)


def specification_pairs(attributes: Mapping[str, Any], limit: int = SPECIFICATION_SHOWN) -> list[tuple[str, str]]:
    """Return the first ``limit`` attributes as (label, value shown) pairs, the data of a "same specification"
    premise; the label is empty when the value already says it (a message catalogue translates the labels)."""
    pairs = []
    for key, value in list(attributes.items())[:limit]:
        if value is None or value == "" or isinstance(value, dict):
            continue
        label, shown = attribute_label(key)[0], format_value(key, value)
        pairs.append(("" if label.lower() in shown.lower() else label, shown))
    return pairs


def specification_phrase(attributes: Mapping[str, Any], limit: int = SPECIFICATION_SHOWN) -> str:
    """Return the first ``limit`` attributes in words: "rated current 16 A, poles 1, curve B, breaking
    capacity 6 kA" (a value that already says its label, such as "curve B", is not prefixed)."""
    return ", ".join(f"{label} {shown}".strip() for label, shown in specification_pairs(attributes, limit))
