"""Write the generated demo into the database: wipe the demo-sourced rows, then bulk-insert, in one transaction."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.engine import Connection

from store.demo._common import Product
from store.models import (
    AuditLog,
    AuthToken,
    Company,
    Contact,
    Conversation,
    EmailConsent,
    Event,
    FollowupEmail,
    Message,
    Order,
    OrderLine,
    PriceApproval,
    ProductRelation,
    Recommendation,
    StaffUser,
)
from store.models import (
    Product as ProductTable,
)
from store.protected import ProtectedAttributes

DEMO_SESSION_PREFIX = "demo-"


def _c(model: Any) -> Any:
    """The column collection of a table model (typed loosely: SQLModel attributes confuse mypy)."""
    return model.__table__.c


def wipe_demo(conn: Connection) -> None:
    """Delete every demo-sourced row and everything that hangs off it (chats, recommendations, approvals about
    demo companies or products). Rows from imports or entered by hand are kept."""
    companies = select(_c(Company).id).where(_c(Company).source == "demo").scalar_subquery()
    products = select(_c(ProductTable).id).where(_c(ProductTable).source == "demo").scalar_subquery()
    contacts = select(_c(Contact).id).where(_c(Contact).company_id.in_(companies)).scalar_subquery()
    convs = select(_c(Conversation).id).where(
        or_(_c(Conversation).company_id.in_(companies), _c(Conversation).contact_id.in_(contacts))).scalar_subquery()
    orders = select(_c(Order).id).where(or_(_c(Order).source == "demo", _c(Order).company_id.in_(companies))).scalar_subquery()
    statements = [
        delete(Message).where(_c(Message).conversation_id.in_(convs)),
        delete(Recommendation).where(or_(_c(Recommendation).company_id.in_(companies),
                                         _c(Recommendation).product_id.in_(products),
                                         _c(Recommendation).conversation_id.in_(convs))),
        delete(PriceApproval).where(or_(_c(PriceApproval).company_id.in_(companies),
                                        _c(PriceApproval).conversation_id.in_(convs))),
        delete(Conversation).where(_c(Conversation).id.in_(convs)),
        delete(AuthToken).where(_c(AuthToken).contact_id.in_(contacts)),
        delete(FollowupEmail).where(or_(_c(FollowupEmail).company_id.in_(companies),
                                        _c(FollowupEmail).contact_id.in_(contacts))),
        delete(EmailConsent).where(_c(EmailConsent).contact_id.in_(contacts)),
        delete(ProtectedAttributes).where(or_(_c(ProtectedAttributes).company_id.in_(companies),
                                              _c(ProtectedAttributes).contact_id.in_(contacts))),
        delete(Event).where(or_(_c(Event).session_id.startswith(DEMO_SESSION_PREFIX), _c(Event).company_id.in_(companies),
                                _c(Event).product_id.in_(products))),
        delete(OrderLine).where(or_(_c(OrderLine).order_id.in_(orders), _c(OrderLine).product_id.in_(products))),
        delete(Order).where(_c(Order).id.in_(orders)),
        delete(Contact).where(_c(Contact).company_id.in_(companies)),
        delete(ProductRelation).where(or_(_c(ProductRelation).product_id.in_(products),
                                          _c(ProductRelation).related_product_id.in_(products))),
        delete(ProductTable).where(_c(ProductTable).source == "demo"),
        delete(Company).where(_c(Company).source == "demo"),
    ]
    for stmt in statements:
        conn.execute(stmt)


def public_columns(rec: Product) -> dict[str, Any]:
    """Strip the generator's internal ``_`` keys from a product record."""
    return {k: v for k, v in rec.items() if not k.startswith("_")}


def insert_products(conn: Connection, products: list[Product], relations: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Insert products and relations; return sku -> id."""
    conn.execute(insert(ProductTable), [public_columns(p) for p in products])
    ids = {sku: pid for sku, pid in conn.execute(
        select(_c(ProductTable).sku, _c(ProductTable).id).where(_c(ProductTable).source == "demo"))}
    rows = [{"product_id": ids[m], "related_product_id": ids[a], "kind": "accessory"} for m, a in relations]
    if rows:
        conn.execute(insert(ProductRelation), rows)
    return ids


def insert_companies(conn: Connection, companies: list[dict[str, Any]], contacts: list[list[dict[str, Any]]],
                     protected: list[list[dict[str, Any]]]) -> list[int]:
    """Insert companies, their contacts and protected attributes; return company ids in list order."""
    conn.execute(insert(Company), companies)
    by_ext: dict[str, int] = dict(conn.execute(select(_c(Company).external_id, _c(Company).id).where(_c(Company).source == "demo")).all())
    company_ids = [by_ext[c["external_id"]] for c in companies]
    contact_rows = [dict(row, company_id=company_ids[i]) for i, rows in enumerate(contacts) for row in rows]
    conn.execute(insert(Contact), contact_rows)
    contact_ids = list(conn.execute(select(_c(Contact).id).where(_c(Contact).company_id.in_(
        select(_c(Company).id).where(_c(Company).source == "demo").scalar_subquery())).order_by(_c(Contact).id)).scalars())
    if len(contact_ids) != len(contact_rows):
        raise RuntimeError("demo contacts were not inserted as expected")
    prot_rows = [dict(row, company_id=c["company_id"], contact_id=cid) for row, c, cid in zip(
        (r for rows in protected for r in rows), contact_rows, contact_ids, strict=True)]
    conn.execute(insert(ProtectedAttributes), prot_rows)
    return company_ids


def upsert_staff(conn: Connection, staff: list[dict[str, Any]]) -> int:
    """Insert the demo staff users that do not exist yet (by username); return how many exist afterwards."""
    existing = set(conn.execute(select(_c(StaffUser).username)).scalars())
    new = [s for s in staff if s["username"] not in existing]
    if new:
        conn.execute(insert(StaffUser), new)
    return len(staff)


def record_run(conn: Connection, *, seed: int, details: dict[str, Any]) -> None:
    """Append an audit entry saying which seed the demo was generated from."""
    conn.execute(insert(AuditLog), [{"actor": "salesagent", "action": "demo.generate", "entity": "demo",
                                     "entity_id": str(seed), "details": details}])


def loaded_seed(conn: Connection) -> int | None:
    """Return the seed of the demo currently loaded, or None when no demo data is present."""
    has_demo = conn.execute(select(_c(Company).id).where(_c(Company).source == "demo").limit(1)).first()
    if has_demo is None:
        return None
    last = conn.execute(select(_c(AuditLog).entity_id).where(_c(AuditLog).action == "demo.generate")
                        .order_by(_c(AuditLog).id.desc()).limit(1)).scalar()
    return int(last) if last is not None and str(last).lstrip("-").isdigit() else None


def write_catalog_csv(products: list[Product], path: Path) -> Path:
    """Write the catalogue in the generic import format (``salesagent import catalog``), for evals and demos."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fields = ["sku", "ean", "name", "description", "category", "brand", "price", "currency", "unit", "stock",
              "active", "attributes"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(fields)
        for p in products:
            writer.writerow([p["sku"], p["ean"], p["name"], p["description"], p["category"], p["brand"],
                             f"{p['unit_price']:.2f}", p["currency"], p["unit"], p["stock"],
                             "true" if p["active"] else "false",
                             json.dumps(p["attributes"], ensure_ascii=False, sort_keys=True)])
    return path
