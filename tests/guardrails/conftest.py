"""Guardrail fixtures: the real Presidio masker (spaCy model loaded once per test session) and catalogue rows."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlmodel import Session

from core.config import Settings, apply_offline_env

CATALOGUE_CODES = ["S201-B16", "2CDS251001R0164", "GW44206", "5901234123457", "5261040828"]
"""Catalogue codes for the allow-list; the last one is a valid NIP on purpose (the catalogue wins)."""


@pytest.fixture(scope="session")
def masker():  # type: ignore[no-untyped-def]
    """The production masker with a small catalogue allow-list (Presidio + spaCy load once)."""
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    apply_offline_env(s)
    from guardrails.pii import build_masker

    return build_masker(s, known_product_codes=CATALOGUE_CODES)


@pytest.fixture
def catalogue(session: Session) -> Iterator[Session]:
    """A session with two companies, four products (one inactive) and staff users."""
    from store.models import Company, Product, StaffRole, StaffUser

    session.add_all([
        Company(id=1, external_id="C1", name="Elektro-Mont"), Company(id=2, external_id="C2", name="Instal-Bud"),
        Product(sku="S201-B16", ean="5901234123457", name="MCB S201 B16", unit_price=Decimal("18.90")),
        Product(sku="GW44206", name="Enclosure IP65", unit_price=Decimal("123.45")),
        Product(sku="YDY-3X25-100", name="YDY 3x2.5 cable 100 m", unit_price=Decimal("389.00")),
        Product(sku="OLD-123", name="Discontinued", unit_price=Decimal("9.99"), active=False),
        Product(sku="YKXS-5x10-M", name="YKXS 5x10 cable per metre", unit_price=Decimal("21.40")),
        StaffUser(username="sara", full_name="Sara Sales", role=StaffRole.sales),
        StaffUser(username="adam", full_name="Adam Admin", role=StaffRole.admin),
    ])
    session.commit()
    yield session
