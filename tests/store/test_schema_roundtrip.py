"""Every table of the schema stores and returns its values unchanged (JSON, Decimal, enums, UTC datetimes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from store.models import (
    ApprovalStatus,
    AuditLog,
    AuthToken,
    Company,
    Contact,
    Conversation,
    Event,
    EventType,
    LegalBasis,
    Message,
    Order,
    OrderLine,
    PriceApproval,
    Product,
    ProductRelation,
    Recommendation,
    StaffRole,
    StaffUser,
)
from store.protected import ProtectedAttributes


def test_every_table_round_trips(session: Session) -> None:
    when = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    company = Company(external_id="C1", name="Elektro-Instal Sp. z o.o.", industry="electrical_installer",
                      size_band="small", region="mazowieckie", behaviour_legal_basis=LegalBasis.consent,
                      profiling_opt_out=True, nip="5260250274", consent_recorded_at=when)
    mcb = Product(sku="S201-B16", ean="5901234123457", name="ABB S201 B16", unit_price=Decimal("18.90"),
                  attributes={"rated_current_a": 16, "poles": 1, "curve": "B"}, category="Circuit protection > MCB",
                  cost_price=Decimal("12.10"), source="demo")
    busbar = Product(sku="BB-1P-12M-10-P", name="Busbar 1P", unit_price=Decimal("21.00"))
    session.add_all([company, mcb, busbar])
    session.commit()
    contact = Contact(company_id=company.id, full_name="Anna Kowalska", email="anna@example.pl", phone="+48 600")
    staff = StaffUser(username="m.nowak", full_name="Marta Nowak", role=StaffRole.admin)
    session.add_all([contact, staff, ProductRelation(product_id=mcb.id, related_product_id=busbar.id)])
    session.commit()
    order = Order(external_id="O1", company_id=company.id, ordered_at=when)
    conv = Conversation(id="c-1", company_id=company.id, contact_id=contact.id)
    session.add_all([order, conv, AuthToken(token_hash="h" * 64, contact_id=contact.id, role="customer"),
                     ProtectedAttributes(company_id=company.id, contact_id=contact.id, gender="female",
                                         age_band="30-44", nationality="Polish")])
    session.commit()
    session.add_all([
        OrderLine(order_id=order.id, product_id=mcb.id, quantity=12, unit_price=Decimal("17.50")),
        Event(session_id="s1", company_id=company.id, type=EventType.add_to_cart, product_id=mcb.id,
              query="mcb b16", occurred_at=when, legal_basis=LegalBasis.legitimate_interest),
        Message(conversation_id=conv.id, role="user", masked_text="Hi, I am <PERSON_1>"),
        Recommendation(company_id=company.id, conversation_id=conv.id, product_id=busbar.id, rank=1,
                       premises=[{"kind": "together", "text": "bought with S201-B16 in 38 of 210 orders"}]),
        PriceApproval(company_id=company.id, product_skus=["S201-B16"], kind="discount",
                      proposed_change={"percent": 5}, expires_at=when + timedelta(hours=72),
                      approved_unit_price=Decimal("17.95")),
        AuditLog(actor="m.nowak", action="approve", entity="priceapproval", entity_id="1", details={"ok": True}),
    ])
    session.commit()
    session.expire_all()

    p = session.exec(select(Product).where(Product.sku == "S201-B16")).one()
    assert (p.unit_price, p.cost_price, p.attributes, p.source) == (
        Decimal("18.90"), Decimal("12.10"), {"rated_current_a": 16, "poles": 1, "curve": "B"}, "demo")
    c = session.exec(select(Company)).one()
    assert c.behaviour_legal_basis is LegalBasis.consent and c.profiling_opt_out
    assert c.consent_recorded_at is not None and c.consent_recorded_at.replace(tzinfo=UTC) == when
    assert session.exec(select(StaffUser)).one().role is StaffRole.admin
    line = session.exec(select(OrderLine)).one()
    assert (line.quantity, line.unit_price) == (12, Decimal("17.50"))
    ev = session.exec(select(Event)).one()
    assert ev.type is EventType.add_to_cart and ev.legal_basis is LegalBasis.legitimate_interest
    rec = session.exec(select(Recommendation)).one()
    assert rec.premises[0]["text"].endswith("210 orders")
    pa = session.exec(select(PriceApproval)).one()
    assert pa.status is ApprovalStatus.pending and pa.product_skus == ["S201-B16"]
    assert pa.approved_unit_price == Decimal("17.95") and pa.proposed_change == {"percent": 5}
    assert session.exec(select(ProtectedAttributes)).one().age_band == "30-44"
    assert session.exec(select(Message)).one().masked_text.endswith("<PERSON_1>")
    rel = session.exec(select(ProductRelation)).one()
    assert (rel.product_id, rel.related_product_id, rel.kind) == (mcb.id, busbar.id, "accessory")
    assert session.exec(select(AuditLog)).one().details == {"ok": True}
