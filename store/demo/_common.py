"""Helpers shared by the demo generators: product records, EAN-13, prices."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

Product = dict[str, Any]
"""One generated product: the columns of ``store.models.Product`` plus internal keys starting with ``_``
(``_family``, ``_weight``, ``_queries`` and family-specific matching keys) that never reach the database."""


def ean13(prefix: str, number: int) -> str:
    """Return a valid EAN-13: ``prefix`` (GS1 country + company, e.g. ``"5901234"``) + item number + check digit."""
    body = f"{prefix}{number:0{12 - len(prefix)}d}"
    if len(body) != 12:
        raise ValueError(f"EAN body must have 12 digits, got {body!r}")
    return body + str(ean_check_digit(body))


def ean_check_digit(body12: str) -> int:
    """Return the GS1 check digit of a 12-digit body."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return (10 - total % 10) % 10


def is_valid_ean13(code: str) -> bool:
    """True when ``code`` is 13 digits with a correct check digit."""
    return len(code) == 13 and code.isdigit() and ean_check_digit(code[:12]) == int(code[12])


def money(value: float) -> Decimal:
    """Round a price to grosze (2 decimals)."""
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def price(rng: random.Random, base: float, spread: float = 0.04) -> Decimal:
    """A net list price near ``base`` with a little seeded noise, ending in .x9 like a real price list."""
    value = base * (1 + rng.uniform(-spread, spread))
    value = max(0.29, round(value, 1) - 0.01) if value > 2 else value
    return money(value)


def fmt_num(value: float) -> str:
    """Return ``2.5`` as ``"2.5"`` and ``16.0`` as ``"16"``."""
    return f"{value:g}"


def pl_num(value: float) -> str:
    """Return a number the Polish way (decimal comma), as customers type it: ``2,5``."""
    return fmt_num(value).replace(".", ",")


def make(
    *,
    sku: str,
    name: str,
    description: str,
    category: str,
    brand: str,
    unit_price: Decimal,
    attributes: dict[str, Any],
    family: str,
    queries: list[str],
    unit: str = "pcs",
    weight: float = 1.0,
    **match: Any,
) -> Product:
    """Build one product record; extra keyword arguments become internal ``_`` matching keys."""
    rec: Product = {
        "sku": sku,
        "name": name,
        "description": description,
        "category": category,
        "brand": brand,
        "unit_price": unit_price,
        "currency": "PLN",
        "unit": unit,
        "attributes": attributes,
        "_family": family,
        "_weight": weight,
        "_queries": queries,
    }
    for key, value in match.items():
        rec[f"_{key}"] = value
    return rec
