"""A small, real catalogue with orders, written to a real SQLite store (no mocks): known co-purchases, one
cold-start company, one contact with personal data to leak-test against."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy.engine import Engine
from sqlmodel import Session

from store.models import Company, Contact, Order, OrderLine, Product

MCB = "Circuit protection > Miniature circuit breakers (MCB)"
RCD = "Residual current protection > RCD"
BOARD = "Enclosures & distribution boards > Surface-mounted boards"
RAIL = "DIN rail & busbars > DIN rails"
BUSBAR = "DIN rail & busbars > Busbars"
CABLE = "Cables > Installation cables"
GLAND = "Conduits & glands > Cable glands"

PRODUCTS = [
    ("S201-B16", "ABB S200 MCB B16 1P 6 kA", MCB, "ABB", "24.90", {"rated_current_a": 16, "poles": 1, "curve": "B"}),
    ("S203-B16", "ABB S200 MCB B16 3P 6 kA", MCB, "ABB", "89.90", {"rated_current_a": 16, "poles": 3, "curve": "B"}),
    ("S201-C20", "ABB S200 MCB C20 1P 6 kA", MCB, "ABB", "27.49", {"rated_current_a": 20, "poles": 1, "curve": "C"}),
    ("CLS6-B16-1P", "Eaton CLS6 MCB B16 1P 6 kA", MCB, "Eaton", "17.90", {"rated_current_a": 16, "poles": 1}),
    ("RX3-1P-B10", "Legrand RX3 MCB B10 1P 6 kA", MCB, "Legrand", "16.49", {"rated_current_a": 10, "poles": 1}),
    ("F204-40-30", "ABB F204 RCD 4P 40A 30mA type AC", RCD, "ABB", "219.00", {"rated_current_a": 40, "poles": 4}),
    ("P304-40-30", "Eaton PF7 RCD 4P 40A 30mA type A", RCD, "Eaton", "189.00", {"rated_current_a": 40, "poles": 4}),
    ("RN-12-IP65", "Hager Golf surface distribution board 12 modules IP65", BOARD, "Hager", "149.00", {"modules": 12}),
    ("RN-24-IP65", "Hager Golf surface distribution board 24 modules IP65", BOARD, "Hager", "259.00", {"modules": 24}),
    ("TH35-1M", "DIN rail TH35 1 m galvanised", RAIL, "Eti Polam", "12.90", {"length_mm": 1000}),
    ("BUS-1P-12", "Busbar 1P pin type 12 modules 10 mm2", BUSBAR, "Eti Polam", "19.90", {"poles": 1}),
    ("BUS-3P-12", "Busbar 3P pin type 12 modules 16 mm2", BUSBAR, "Eti Polam", "44.90", {"poles": 3}),
    ("YDY-3X2.5-100", "YDY 3x2.5 mm2 450/750 V installation cable, 100 m", CABLE, "TF Kable", "389.00", {}),
    ("YDY-3X1.5-100", "YDY 3x1.5 mm2 450/750 V installation cable, 100 m", CABLE, "TF Kable", "259.00", {}),
    ("DP-M20", "Cable gland M20 IP68 polyamide", GLAND, "Pawbol", "2.19", {"thread": "M20"}),
    ("DP-M25", "Cable gland M25 IP68 polyamide", GLAND, "Pawbol", "3.09", {"thread": "M25"}),
]

# baskets that repeat: a board with rail and busbar; MCBs with a busbar; cables with glands
BASKETS = [
    ["RN-12-IP65", "TH35-1M", "BUS-1P-12", "S201-B16"],
    ["RN-24-IP65", "TH35-1M", "BUS-3P-12", "S203-B16", "F204-40-30"],
    ["S201-B16", "BUS-1P-12", "S201-C20"],
    ["S203-B16", "BUS-3P-12", "F204-40-30"],
    ["YDY-3X2.5-100", "DP-M20", "DP-M25"],
    ["YDY-3X1.5-100", "DP-M20"],
    ["CLS6-B16-1P", "P304-40-30", "BUS-1P-12"],
]


@dataclass(frozen=True)
class SmallStore:
    """Ids of what the fixture wrote."""

    customer_id: int
    contact_id: int
    cold_id: int
    cold_contact_id: int
    other_id: int


def build_small_store(engine: Engine, seed: int = 7) -> SmallStore:
    """Write the catalogue, four companies (one cold start) and ~60 orders; return their ids."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    with Session(engine) as s:
        products = {}
        for sku, name, cat, brand, price, attrs in PRODUCTS:
            p = Product(sku=sku, name=name, category=cat, brand=brand, unit_price=Decimal(price), stock=50,
                        attributes=attrs, description=f"{name}. Category {cat}.")
            s.add(p)
            products[sku] = p
        customer = Company(external_id="C-1", name="Elektro-Test Sp. z o.o.", industry="electrical_installer",
                           size_band="small", nip="5260250274")
        other = Company(external_id="C-2", name="Budmax", industry="construction", size_band="medium")
        third = Company(external_id="C-3", name="Instal", industry="electrical_installer", size_band="micro")
        cold = Company(external_id="C-4", name="Nowa Firma", industry="electrical_installer", size_band="micro")
        s.add_all([customer, other, third, cold])
        s.flush()
        contact = Contact(company_id=customer.id, full_name="Anna Kowalska", email="anna.kowalska@elektro-test.pl",
                          phone="+48 601 234 567")
        cold_contact = Contact(company_id=cold.id, full_name="Piotr Nowak", email="p.nowak@nowafirma.pl")
        s.add_all([contact, cold_contact])
        n = 0
        for company in (customer, other, third):
            for _ in range(20):
                basket = rng.choice(BASKETS)
                n += 1
                order = Order(external_id=f"O-{n}", company_id=company.id,
                              ordered_at=now - timedelta(days=rng.randint(1, 300)))
                s.add(order)
                s.flush()
                for sku in basket:
                    s.add(OrderLine(order_id=order.id, product_id=products[sku].id, quantity=rng.randint(1, 10),
                                    unit_price=products[sku].unit_price))
        s.commit()
        return SmallStore(customer.id, contact.id, cold.id, cold_contact.id, other.id)  # type: ignore[arg-type]
