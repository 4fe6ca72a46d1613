"""The search log as judgments (``store.search_log`` + ``retrieval.judgments``) on a real SQLite store: what a
listing led to becomes a grade, and events without a legal basis are never used."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from guardrails.consent import USABLE_BASES, has_legal_basis
from retrieval.judgments import GRADE_CART, GRADE_ORDERED, GRADE_VIEW, judgments_from_log, query_key
from store.models import Company, EventType, LegalBasis, Order, OrderLine, Product
from store.orders import add_event
from store.search_log import logged_searches, order_lines_by_sku

T0 = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


def _shop(session):  # type: ignore[no-untyped-def]
    products = {}
    for sku in ("MCB-B16", "MCB-C16", "MCB-B20", "RCD-40", "LAMP-1"):
        products[sku] = Product(sku=sku, name=f"product {sku}", unit_price=Decimal("10.00"))
        session.add(products[sku])
    consenting = Company(external_id="C-OK", name="Consenting Ltd")
    silent = Company(external_id="C-NONE", name="No basis Ltd")
    session.add_all([consenting, silent])
    session.flush()
    return products, consenting, silent


def _listing(session, *, sid, company, basis, query, shown, viewed=(), carted=(), start=T0):  # type: ignore[no-untyped-def]
    t = start

    def emit(kind: EventType, product=None, q=None):  # type: ignore[no-untyped-def]
        nonlocal t
        t += timedelta(seconds=30)
        add_event(session, session_id=sid, company_id=company.id, type=kind,
                  product_id=product.id if product is not None else None, query=q, legal_basis=basis, occurred_at=t)

    emit(EventType.search, q=query)
    for p in shown:
        emit(EventType.impression, p)
    for p in viewed:
        emit(EventType.view, p)
    for p in carted:
        emit(EventType.add_to_cart, p)


def test_a_listing_becomes_graded_judgments(session) -> None:  # type: ignore[no-untyped-def]
    p, ok, _ = _shop(session)
    _listing(session, sid="s1", company=ok, basis=LegalBasis.consent, query="Wyłącznik B16",
             shown=[p["MCB-B16"], p["MCB-C16"], p["MCB-B20"]], viewed=[p["MCB-C16"], p["LAMP-1"]],
             carted=[p["MCB-B16"]])
    # the same query (other case, other session, legitimate interest): C16 ordered within the window
    _listing(session, sid="s2", company=ok, basis=LegalBasis.legitimate_interest, query="wyłącznik  b16",
             shown=[p["MCB-C16"], p["RCD-40"]], start=T0 + timedelta(days=1))
    order = Order(external_id="O-1", company_id=ok.id, ordered_at=T0 + timedelta(days=1, hours=2))
    session.add(order)
    session.flush()
    session.add(OrderLine(order_id=order.id, product_id=p["MCB-C16"].id, quantity=2, unit_price=Decimal(9)))
    session.flush()

    rows = logged_searches(session, bases=USABLE_BASES)
    assert [r.session_id for r in rows] == ["s1", "s2"]
    assert rows[0].listed == ("MCB-B16", "MCB-C16", "MCB-B20")
    assert rows[0].viewed == {"MCB-C16"}  # LAMP-1 was viewed but never listed: no judgment of the search
    assert rows[1].ordered == {"MCB-C16"}
    judged = judgments_from_log(rows, has_legal_basis)
    (qid,) = judged.qids
    assert judged.queries[qid] == "Wyłącznik B16" and query_key("wyłącznik  b16") == query_key("Wyłącznik B16")
    assert judged.qrels[qid] == {"MCB-B16": GRADE_CART, "MCB-C16": GRADE_ORDERED, "MCB-B20": 0, "RCD-40": 0}
    assert GRADE_VIEW == 1
    assert order_lines_by_sku(session) == {"MCB-C16": 1}


def test_events_without_a_legal_basis_are_never_used(session) -> None:  # type: ignore[no-untyped-def]
    p, ok, silent = _shop(session)
    _listing(session, sid="s-none", company=silent, basis=LegalBasis.none, query="lampa",
             shown=[p["LAMP-1"]], carted=[p["LAMP-1"]])
    # a session whose search has a basis but whose follow-up events do not: the listing is not known
    _listing(session, sid="s-mixed", company=ok, basis=LegalBasis.consent, query="rcd 40", shown=[])
    add_event(session, session_id="s-mixed", company_id=ok.id, type=EventType.impression, product_id=p["RCD-40"].id,
              legal_basis=LegalBasis.none, occurred_at=T0 + timedelta(minutes=5))
    rows = logged_searches(session, bases=USABLE_BASES)
    assert [r.session_id for r in rows] == ["s-mixed"]  # the search without a basis is not even read
    assert rows[0].listed == ()  # its impression had no basis: nothing is known to have been listed
    assert judgments_from_log(rows, has_legal_basis).qids == []
    # even handed rows with no basis (a caller reading every basis), the consent rule drops them
    everything = logged_searches(session, bases=list(LegalBasis))
    assert {r.session_id for r in everything} == {"s-none", "s-mixed"}
    assert judgments_from_log(everything, has_legal_basis).qids == []
    assert logged_searches(session, bases=[]) == []
