from sqlmodel import Session, select

from store.models import Company, Product


def test_schema_round_trip(session: Session) -> None:
    from decimal import Decimal

    session.add(Company(external_id="C1", name="Elektro Sp. z o.o.", industry="construction"))
    session.add(Product(sku="S201-B16", name="MCB B16 1P", unit_price=Decimal("18.90"), attributes={"rated_current_a": 16}))
    session.commit()
    p = session.exec(select(Product).where(Product.sku == "S201-B16")).one()
    assert p.unit_price == Decimal("18.90")
    assert p.attributes == {"rated_current_a": 16}
