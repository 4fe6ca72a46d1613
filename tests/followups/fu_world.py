"""Follow-up fixtures: a real SQLite store with a small catalogue whose co-purchase counts are known, companies in
every consent state, and browsing sessions written as the shop's behaviour events (no mocks).

The viewed product ``MCB-B16`` is in 10 orders (of a history company); with it: ``MCB-C20`` 9 times (same
category: an alternative, never an accessory), ``LABEL-SET`` 8 (out of stock), ``OLD-CLAMP`` 7 (inactive),
``BUSBAR-1P`` 6 and ``RAIL-TH35`` 5 (the two accessories at the default minimum support of 5), ``GLAND-M20`` 4
(below it). ``CABLE-3X2.5`` is in no order with anything.

The week: a visit on Monday 2026-11-16 at 14:00 in Warsaw ends; its e-mail is due on Tuesday at 09:00 Warsaw
(08:00 UTC); plans run at :data:`PLAN_AT` (Tuesday 10:00 UTC).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.config import Settings, apply_offline_env
from store.models import (
    Company,
    Contact,
    EmailConsent,
    Event,
    EventType,
    LegalBasis,
    Order,
    OrderLine,
    Product,
)

VIEWED = "MCB-B16"
ACCESSORIES = ["BUSBAR-1P", "RAIL-TH35"]
VISIT_END = datetime(2026, 11, 16, 13, 0, tzinfo=UTC)
"""Monday 14:00 in Warsaw."""
DUE = datetime(2026, 11, 17, 8, 0, tzinfo=UTC)
"""Tuesday 09:00 in Warsaw."""
PLAN_AT = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)

PRODUCTS: list[tuple[str, str, str, int, bool, str]] = [
    (VIEWED, "ABB S201 MCB B16 1P", "Protection > MCB", 120, True, "24.90"),
    ("MCB-C20", "ABB S201 MCB C20 1P", "Protection > MCB", 80, True, "27.49"),
    ("LABEL-SET", "Label set for boards", "Accessories > Labels", 0, True, "9.90"),
    ("OLD-CLAMP", "Old clamp (discontinued)", "Accessories > Clamps", 50, False, "3.10"),
    ("BUSBAR-1P", "Busbar 1P 12 modules", "DIN rail & busbars > Busbars", 40, True, "19.90"),
    ("RAIL-TH35", "DIN rail TH35 1 m", "DIN rail & busbars > DIN rails", 30, True, "12.90"),
    ("GLAND-M20", "Cable gland M20", "Conduits & glands > Glands", 300, True, "2.19"),
    ("CABLE-3X2.5", "YDY 3x2.5 cable 100 m", "Cables > Installation", 12, True, "389.00"),
]
WITH_VIEWED = {"MCB-C20": 9, "LABEL-SET": 8, "OLD-CLAMP": 7, "BUSBAR-1P": 6, "RAIL-TH35": 5, "GLAND-M20": 4}


@dataclass
class World:
    """The store and helpers to add companies, visits and orders."""

    settings: Settings
    engine: Engine
    products: dict[str, int] = field(default_factory=dict)
    _n: Any = field(default_factory=lambda: itertools.count(1))
    _companies: Any = field(default_factory=lambda: itertools.count(1))

    def company(self, *, consent: bool = True, basis: str = "consent", opt_out: bool = False,
                email: str | None = "default", country: str = "Poland", name: str | None = None
                ) -> tuple[int, int]:
        """Add a company with one contact; return (company id, contact id). The n-th company (the history
        company is the first) is ``FU-C000n`` with ``jan.kowalski<n>@firma<n>.pl``."""
        n = next(self._companies)
        with Session(self.engine) as s:
            company = Company(external_id=f"FU-C{n:04d}", name=name or f"Firma {n}", industry="electrical_installer",
                              size_band="small", country=country, marketing_consent=consent,
                              behaviour_legal_basis=LegalBasis(basis), profiling_opt_out=opt_out, source="test")
            s.add(company)
            s.flush()
            assert company.id is not None
            address = f"jan.kowalski{n}@firma{n}.pl" if email == "default" else email
            contact = Contact(company_id=company.id, full_name=f"Jan Kowalski {n}", email=address)
            s.add(contact)
            s.commit()
            assert company.id is not None and contact.id is not None
            return company.id, contact.id

    def visit(self, company_id: int, *, skus: list[str] | None = None, end: datetime = VISIT_END,
              cart: bool = False, basis: str = "consent", session_id: str | None = None) -> str:
        """Add a browsing session that ends at ``end``: a search, the views (default: the viewed product twice),
        an add-to-cart when ``cart``; return its session id."""
        sid = session_id or f"fu-s{next(self._n):05d}"
        views = skus or [VIEWED, VIEWED]
        kinds = [("search", None)] + [("view", s) for s in views] + ([("add_to_cart", views[0])] if cart else [])
        start = end - timedelta(minutes=len(kinds))
        with Session(self.engine) as s:
            for i, (kind, sku) in enumerate(kinds):
                s.add(Event(session_id=sid, company_id=company_id, type=EventType(kind),
                            product_id=self.products[sku] if sku else None, query="wyłącznik" if not sku else None,
                            occurred_at=start + timedelta(minutes=i + 1), legal_basis=LegalBasis(basis)))
            s.commit()
        return sid

    def order(self, company_id: int, skus: list[str], at: datetime) -> None:
        """Add an order of the company."""
        n = next(self._n)
        with Session(self.engine) as s:
            order = Order(external_id=f"FU-O{n:05d}", company_id=company_id, ordered_at=at, source="test")
            s.add(order)
            s.flush()
            assert order.id is not None
            for sku in skus:
                s.add(OrderLine(order_id=order.id, product_id=self.products[sku], quantity=1,
                                unit_price=Decimal("1.00")))
            s.commit()

    def unsubscribe(self, contact_id: int) -> None:
        with Session(self.engine) as s:
            s.add(EmailConsent(contact_id=contact_id, granted=False, via="test"))
            s.commit()

    def with_settings(self, **overrides: Any) -> Settings:
        return make_settings(self.settings.data_dir, **overrides)


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Settings over ``data_dir`` (no .env), the scheduler off."""
    values: dict[str, Any] = {"data_dir": data_dir, "followup_interval_minutes": 0,
                              "followup_link_secret": "test-link-secret-0123456789", "llm_base_url": None}
    return Settings(_env_file=None, **(values | overrides))  # type: ignore[call-arg]


def build_world(data_dir: Path, **overrides: Any) -> World:
    """Create the store (tables by the models) with the catalogue and the history company's orders."""
    from store.db import create_all, make_engine

    settings = make_settings(data_dir, **overrides)
    settings.ensure_dirs()
    apply_offline_env(settings)
    engine = make_engine(settings)
    create_all(engine)
    world = World(settings, engine)
    with Session(engine) as s:
        for sku, name, category, stock, active, price in PRODUCTS:
            p = Product(sku=sku, name=name, category=category, stock=stock, active=active,
                        unit_price=Decimal(price), source="test")
            s.add(p)
            s.flush()
            assert p.id is not None
            world.products[sku] = p.id
        s.commit()
    history, _ = world.company(name="Historia Sp. z o.o.")
    for i in range(10):
        skus = [VIEWED] + [sku for sku, n in WITH_VIEWED.items() if i < n]
        world.order(history, skus, datetime(2026, 6, 1, 10, tzinfo=UTC) + timedelta(days=i))
    return world


