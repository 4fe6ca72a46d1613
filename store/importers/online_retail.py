"""Import the UCI Online Retail CSV (one row per invoice line) into companies, products, orders and lines.

Idempotent: companies (``OR-C<CustomerID>``), products (sku = StockCode) and orders (``OR-<InvoiceNo>``) are
upserted by key and an order's lines are replaced, all in one transaction; bad rows are counted by reason.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from core.errors import InputError
from store.db import table_of
from store.importers._common import (
    ImportReport,
    Progress,
    bulk_update,
    clean_lines,
    csv_header,
    csv_records,
    delete_in,
    describe_header,
    existing_ids,
    open_text,
)
from store.models import Company, Order, OrderLine, Product, utcnow

SOURCE = "online-retail"
COLUMNS = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"]
NON_PRODUCT_CODES = {"POST", "DOT", "M", "C2", "D", "S", "B", "BANK CHARGES", "AMAZONFEE", "CRUK", "PADS"}
"""StockCodes that are postage, fees, discounts or manual adjustments, not goods."""
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M")
CURRENCY = "GBP"


@dataclass
class _Parsed:
    invoices: dict[str, tuple[str, datetime]] = field(default_factory=dict)  # invoice -> (customer, date)
    lines: list[tuple[str, str, float, Decimal]] = field(default_factory=list)  # invoice, sku, qty, price
    customers: dict[str, tuple[str, datetime]] = field(default_factory=dict)  # id -> (country, first date)
    names: dict[str, Counter[str]] = field(default_factory=dict)
    prices: dict[str, tuple[datetime, Decimal]] = field(default_factory=dict)  # sku -> latest (date, price)
    first_seen: dict[str, datetime] = field(default_factory=dict)


def parse_date(text: str) -> datetime | None:
    """Parse an InvoiceDate (ISO or the original UCI ``12/1/2010 8:26``) as UTC, or return None."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def import_online_retail(engine: Engine, path: Path, *, progress: Progress | None = None) -> ImportReport:
    """Import an Online Retail CSV (``.gz`` accepted); return counts and skipped rows by reason.

    Skips, by reason: ``cancellation`` (InvoiceNo starting with C), ``missing_customer``, ``missing_invoice``,
    ``missing_stock_code``, ``non_product_line`` (postage, fees, manual), ``bad_quantity``,
    ``non_positive_quantity``, ``bad_date``, ``bad_price``, ``negative_price``, ``bad_customer_id``,
    ``malformed_row`` (wrong number of fields). The first failing check names the reason.
    """
    report = ImportReport(source=SOURCE, path=str(path))
    if progress:
        progress("reading rows", 0, 2)
    parsed = _parse(path, report)
    if not parsed.lines:
        raise InputError(f"{path.name}: no importable rows ({report.skipped_total} skipped: "
                         f"{dict(report.skipped)}); nothing was imported")
    if progress:
        progress("writing to the database", 1, 2)
    _write(engine, parsed, report)
    if progress:
        progress("done", 2, 2)
    return report.finish()


def _parse(path: Path, report: ImportReport) -> _Parsed:
    out = _Parsed()
    with open_text(path) as fh:
        reader = csv.reader(clean_lines(fh, path.name))
        header = csv_header(reader, path.name)
        header = [h.strip().lstrip("\ufeff") for h in header]
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise InputError(f"{path.name} is not in Online Retail format: missing column(s) {', '.join(missing)} "
                             f"(found: {describe_header(header)})")
        pos = [header.index(c) for c in COLUMNS]
        width = len(header)
        for line, row in csv_records(reader, report):
            report.rows += 1
            _row(out, report, row, pos, width, line)
    return out


def _row(out: _Parsed, report: ImportReport, row: list[str], pos: list[int], width: int, line: int) -> None:
    if len(row) != width:
        report.skip("malformed_row", line, f"{len(row)} fields instead of {width}")
        return
    invoice, code, desc, qty_s, date_s, price_s, cust_s, country = (row[i].strip() for i in pos)
    if not invoice:
        report.skip("missing_invoice", line)
        return
    if invoice[0] in "Cc":
        report.skip("cancellation", line, invoice)
        return
    if not cust_s:
        report.skip("missing_customer", line, invoice)
        return
    if not code:
        report.skip("missing_stock_code", line, invoice)
        return
    sku = code.upper()
    if sku in NON_PRODUCT_CODES:
        report.skip("non_product_line", line, code)
        return
    try:
        qty = float(qty_s)
    except ValueError:
        report.skip("bad_quantity", line, repr(qty_s))
        return
    if not qty > 0:  # also rejects NaN
        report.skip("non_positive_quantity", line, qty_s)
        return
    when = parse_date(date_s)
    if when is None:
        report.skip("bad_date", line, repr(date_s))
        return
    try:
        price = Decimal(price_s)
    except InvalidOperation:
        report.skip("bad_price", line, repr(price_s))
        return
    if not price.is_finite():
        report.skip("bad_price", line, repr(price_s))
        return
    if price < 0:
        report.skip("negative_price", line, price_s)
        return
    try:
        customer = str(int(float(cust_s)))
    except ValueError:
        report.skip("bad_customer_id", line, repr(cust_s))
        return
    inv = out.invoices.get(invoice)
    if inv is None:
        out.invoices[invoice] = (customer, when)
    known = out.customers.get(customer)
    if known is None or when < known[1]:
        out.customers[customer] = (country or (known[0] if known else ""), when)
    out.lines.append((invoice, sku, qty, price.quantize(Decimal("0.01"))))
    if desc:
        out.names.setdefault(sku, Counter())[desc] += 1
    last = out.prices.get(sku)
    if last is None or when >= last[0]:
        out.prices[sku] = (when, price)
    if sku not in out.first_seen or when < out.first_seen[sku]:
        out.first_seen[sku] = when


def _write(engine: Engine, parsed: _Parsed, report: ImportReport) -> None:
    now = utcnow()
    with engine.begin() as conn:
        # companies
        ext = {c: f"OR-C{c}" for c in parsed.customers}
        existing = existing_ids(conn, table_of(Company), "external_id", list(ext.values()))
        new_rows, upd_rows = [], []
        for cust, (country, first) in parsed.customers.items():
            key = ext[cust]
            if key in existing:
                upd_rows.append({"_id": existing[key], "country": country or None})
            else:
                new_rows.append({"external_id": key, "name": f"Online Retail customer {cust}",
                                 "country": country or None, "funnel_stage": "customer", "source": SOURCE,
                                 "behaviour_legal_basis": "legitimate_interest", "created_at": first})
        if new_rows:
            conn.execute(insert(Company), new_rows)
        bulk_update(conn, table_of(Company), upd_rows, ["country"])
        report.created["customers"], report.updated["customers"] = len(new_rows), len(upd_rows)
        company_ids = existing_ids(conn, table_of(Company), "external_id", list(ext.values()))
        # products
        skus = list(parsed.prices)
        existing_p = existing_ids(conn, table_of(Product), "sku", skus, extra="source")
        new_p, upd_p = [], []
        for sku in skus:
            names = parsed.names.get(sku)
            name = (names.most_common(1)[0][0] if names else f"Item {sku}")[:300]
            price = parsed.prices[sku][1].quantize(Decimal("0.01"))
            if sku in existing_p:
                pid, src = existing_p[sku]
                if src == SOURCE:
                    upd_p.append({"_id": pid, "name": name, "description": name, "unit_price": price,
                                  "updated_at": now})
            else:
                new_p.append({"sku": sku, "name": name, "description": name, "category": "", "unit_price": price,
                              "currency": CURRENCY, "unit": "pcs", "stock": 0, "attributes": {}, "active": True,
                              "source": SOURCE, "created_at": parsed.first_seen[sku], "updated_at": now})
        if new_p:
            conn.execute(insert(Product), new_p)
        bulk_update(conn, table_of(Product), upd_p, ["name", "description", "unit_price", "updated_at"])
        report.created["products"], report.updated["products"] = len(new_p), len(upd_p)
        product_ids = {k: v[0] for k, v in existing_ids(conn, table_of(Product), "sku", skus, extra="source").items()}
        # orders and lines
        okeys = {inv: f"OR-{inv}" for inv in parsed.invoices}
        existing_o = existing_ids(conn, table_of(Order), "external_id", list(okeys.values()))
        new_o, upd_o = [], []
        for inv, (cust, when) in parsed.invoices.items():
            row = {"company_id": company_ids[ext[cust]], "ordered_at": when}
            if okeys[inv] in existing_o:
                upd_o.append({"_id": existing_o[okeys[inv]], **row})
            else:
                new_o.append({"external_id": okeys[inv], "source": SOURCE, **row})
        if new_o:
            conn.execute(insert(Order), new_o)
        bulk_update(conn, table_of(Order), upd_o, ["company_id", "ordered_at"])
        delete_in(conn, table_of(OrderLine), "order_id", [r["_id"] for r in upd_o])
        report.created["orders"], report.updated["orders"] = len(new_o), len(upd_o)
        order_ids = existing_ids(conn, table_of(Order), "external_id", list(okeys.values()))
        conn.execute(insert(OrderLine), [
            {"order_id": order_ids[okeys[inv]], "product_id": product_ids[sku], "quantity": qty, "unit_price": price}
            for inv, sku, qty, price in parsed.lines])
    report.orders, report.lines = len(parsed.invoices), len(parsed.lines)
    report.customers, report.products = len(parsed.customers), len(parsed.prices)

