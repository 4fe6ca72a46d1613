"""A small, fixed, demo-like data set for the portal tests: an electrical wholesaler's catalogue, three customer
companies (two with order histories, one new) with contacts, and a sales user.

Co-purchase patterns are deliberate (MCB + RCD + enclosure + DIN rail; cable + connectors) so the real
recommender has evidence to cite.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session

from store.models import Company, Contact, LegalBasis, Order, OrderLine, Product, StaffRole, StaffUser

PRODUCTS: list[tuple[str, str, str, str, str, dict[str, object]]] = [
    # sku, name, category, brand, price, attributes
    ("S201-B16", "Miniature circuit breaker S201 B16 1P 16A", "Protection > MCB", "ABB", "18.49",
     {"poles": 1, "rated_current_a": 16, "curve": "B"}),
    ("S201-B10", "Miniature circuit breaker S201 B10 1P 10A", "Protection > MCB", "ABB", "18.29",
     {"poles": 1, "rated_current_a": 10, "curve": "B"}),
    ("S201-C16", "Miniature circuit breaker S201 C16 1P 16A", "Protection > MCB", "ABB", "19.99",
     {"poles": 1, "rated_current_a": 16, "curve": "C"}),
    ("S203-B16", "Miniature circuit breaker S203 B16 3P 16A", "Protection > MCB", "ABB", "64.90",
     {"poles": 3, "rated_current_a": 16, "curve": "B"}),
    ("LEG-B16", "Circuit breaker Legrand TX3 B16 1P 16A", "Protection > MCB", "Legrand", "14.59",
     {"poles": 1, "rated_current_a": 16, "curve": "B"}),
    ("F202-AC-25", "Residual current device F202 AC 25A 30mA 2P", "Protection > RCD", "ABB", "129.00",
     {"poles": 2, "rated_current_a": 25, "sensitivity_ma": 30}),
    ("F204-A-40", "Residual current device F204 A 40A 30mA 4P", "Protection > RCD", "ABB", "249.00",
     {"poles": 4, "rated_current_a": 40, "sensitivity_ma": 30}),
    ("RN-12", "Surface distribution board 12 modules IP40", "Enclosures > Distribution boards", "Hager",
     "89.90", {"modules": 12, "ip": "IP40"}),
    ("RN-24", "Surface distribution board 24 modules IP40", "Enclosures > Distribution boards", "Hager",
     "149.90", {"modules": 24, "ip": "IP40"}),
    ("TH35-1M", "DIN rail TH35 1 m", "Enclosures > Accessories", "Hager", "9.90", {"length_m": 1}),
    ("BUS-3P-12", "Busbar 3P 12 modules", "Enclosures > Accessories", "Hager", "39.90", {"modules": 12}),
    ("YDYP-3X2.5", "Installation cable YDYp 3x2.5 mm2 450/750V (100 m)", "Cables > Installation", "Elektrokabel",
     "349.00", {"cores": 3, "cross_section_mm2": 2.5, "length_m": 100}),
    ("YDYP-3X1.5", "Installation cable YDYp 3x1.5 mm2 450/750V (100 m)", "Cables > Installation", "Elektrokabel",
     "239.00", {"cores": 3, "cross_section_mm2": 1.5, "length_m": 100}),
    ("WAGO-221-413", "Lever connector Wago 221-413 3x4 mm2 (50 pcs)", "Installation > Connectors", "Wago",
     "59.90", {"poles": 3}),
    ("WAGO-221-415", "Lever connector Wago 221-415 5x4 mm2 (25 pcs)", "Installation > Connectors", "Wago",
     "44.90", {"poles": 5}),
    ("GN-230", "Socket outlet 230V with earth, white", "Installation > Sockets", "Legrand", "12.90", {}),
    ("LED-PANEL-40W", "LED panel 60x60 40W 4000K", "Lighting > Panels", "Philips", "119.00", {"power_w": 40}),
    ("LED-TUBE-18W", "LED tube T8 18W 120 cm", "Lighting > Tubes", "Philips", "21.90", {"power_w": 18}),
]

BASKETS: dict[str, list[list[tuple[str, int]]]] = {
    "A": [[("S201-B16", 12), ("F202-AC-25", 2), ("RN-12", 1), ("TH35-1M", 2)],
          [("S201-B16", 8), ("S201-B10", 6), ("RN-24", 1), ("TH35-1M", 1), ("BUS-3P-12", 1)],
          [("S201-B16", 10), ("F202-AC-25", 1), ("RN-12", 2)],
          [("YDYP-3X2.5", 2), ("WAGO-221-413", 3), ("GN-230", 20)],
          [("S201-C16", 4), ("F204-A-40", 1), ("RN-24", 1), ("TH35-1M", 2)]],
    "B": [[("S203-B16", 6), ("F204-A-40", 2), ("BUS-3P-12", 2)],
          [("YDYP-3X2.5", 4), ("YDYP-3X1.5", 3), ("WAGO-221-413", 4), ("WAGO-221-415", 2)],
          [("LED-PANEL-40W", 20), ("LED-TUBE-18W", 40)],
          [("S203-B16", 4), ("S201-B16", 6), ("RN-24", 1)]],
    "C": [],
}


@dataclass(frozen=True)
class Seeded:
    """Ids of the seeded rows the tests refer to."""

    company_a: int
    contact_a: int
    company_b: int
    contact_b: int
    company_c: int
    contact_c: int
    staff_id: int
    admin_id: int


def seed(session: Session) -> Seeded:
    """Insert the data set and return the ids (commits)."""
    by_sku: dict[str, Product] = {}
    for sku, name, category, brand, price, attrs in PRODUCTS:
        p = Product(sku=sku, name=name, description=f"{name}. {category}.", category=category, brand=brand,
                    unit_price=Decimal(price), stock=200, attributes=dict(attrs), cost_price=Decimal(price) * 7 / 10)
        session.add(p)
        by_sku[sku] = p
    companies = {
        "A": Company(external_id="PT-A", name="Elektro-Instal Kowalski Sp. z o.o.", industry="electrical_contractor",
                     size_band="10-49", region="mazowieckie", country="PL",
                     behaviour_legal_basis=LegalBasis.legitimate_interest),
        "B": Company(external_id="PT-B", name="Zakład Produkcyjny Nowak S.A.", industry="manufacturing",
                     size_band="50-249", region="slaskie", country="PL", behaviour_legal_basis=LegalBasis.consent,
                     marketing_consent=True, consent_recorded_at=datetime(2025, 1, 10, tzinfo=UTC)),
        "C": Company(external_id="PT-C", name="Nowa Firma Elektryczna", industry="electrical_contractor",
                     size_band="1-9", region="pomorskie", country="PL", funnel_stage="lead",
                     behaviour_legal_basis=LegalBasis.consent),
    }
    session.add_all(companies.values())
    session.flush()
    contacts = {key: Contact(company_id=c.id, full_name=f"Jan Tester {key}", email=f"jan.{key.lower()}@example.pl",
                             phone="+48 600 100 20" + str(i)) for i, (key, c) in enumerate(companies.items())}
    session.add_all(contacts.values())
    staff = StaffUser(username="sales.test", full_name="Sales Tester", role=StaffRole.sales)
    admin = StaffUser(username="admin.test", full_name="Admin Tester", role=StaffRole.admin)
    session.add_all([staff, admin])
    session.flush()
    start = datetime(2026, 1, 5, tzinfo=UTC)
    n = 0
    for key, baskets in BASKETS.items():
        for repeat in range(3):
            for basket in baskets:
                n += 1
                order = Order(external_id=f"PT-O{n:04d}", company_id=companies[key].id,
                              ordered_at=start + timedelta(days=n * 3 + repeat))
                session.add(order)
                session.flush()
                for sku, qty in basket:
                    session.add(OrderLine(order_id=order.id, product_id=by_sku[sku].id, quantity=qty,
                                          unit_price=by_sku[sku].unit_price))
    session.commit()
    ids = {k: (c.id, contacts[k].id) for k, c in companies.items()}
    return Seeded(company_a=ids["A"][0], contact_a=ids["A"][1], company_b=ids["B"][0], contact_b=ids["B"][1],
                  company_c=ids["C"][0], contact_c=ids["C"][1], staff_id=staff.id, admin_id=admin.id)  # type: ignore[arg-type]


def bearer(token: str) -> dict[str, str]:
    """Return the Authorization header of a token."""
    return {"Authorization": f"Bearer {token}"}
