"""Import a product catalogue from CSV or JSONL, upserting by sku.

Column mapping (header names are matched case-insensitively; ``--map COLUMN=FIELD`` adds or overrides):

==============  ==========================================================================  =========
field           meaning                                                                     required
==============  ==========================================================================  =========
sku             unique product code (max 64 chars)                                          yes
name            product name (max 300 chars)                                                yes
description     free text                                                                   no
category        category path, levels joined by `` > ``                                    no
brand           manufacturer                                                                no
price           net unit price, ``12.50`` or ``12,50`` (alias ``unit_price``)              new rows
currency        ISO code, default PLN                                                       no
unit            pcs, m, coil, box...                                                        no
stock           whole number in stock                                                       no
ean             EAN-13 or EAN-8 with a valid check digit                                    no
active          true/false/1/0/yes/no                                                       no
attributes      JSON object, e.g. ``{"rated_current_a": 16, "poles": 1}``                  no
attr.NAME       one attribute per column (number when it looks like one)                    no
==============  ==========================================================================  =========
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from core.errors import InputError
from store.db import table_of
from store.demo._common import ean_check_digit
from store.importers._common import (
    ImportReport,
    Progress,
    bulk_update,
    clean_lines,
    csv_header,
    csv_records,
    describe_header,
    existing_ids,
    open_text,
)
from store.models import Product, utcnow

SOURCE = "catalog-import"
FIELDS = ("sku", "name", "description", "category", "brand", "price", "currency", "unit", "stock", "ean",
          "active", "attributes")
ALIASES = {"unit_price": "price", "product_name": "name", "title": "name", "code": "sku", "qty": "stock",
           "category_path": "category", "manufacturer": "brand"}
NEW_DEFAULTS: dict[str, Any] = {"description": "", "category": "", "brand": None, "ean": None, "currency": "PLN",
                                "unit": "pcs", "stock": 0, "attributes": {}, "active": True, "source": SOURCE}
"""Column values of a new product the file does not give (every new row carries every key: one executemany)."""
TRUE, FALSE = {"true", "1", "yes", "y", "t"}, {"false", "0", "no", "n", "f"}


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """Parse ``["Col=field", ...]`` into {column (lower-case): field}; raise a one-line error on bad items."""
    out: dict[str, str] = {}
    for pair in pairs:
        col, sep, target = pair.partition("=")
        col, target = col.strip(), target.strip()
        if not sep or not col or not target:
            raise InputError(f"--map expects COLUMN=FIELD, got {pair!r}")
        if target not in FIELDS and not (target.startswith("attr.") and len(target) > 5):
            raise InputError(f"--map target {target!r} is not a field; use one of {', '.join(FIELDS)} or attr.NAME")
        out[col.lower()] = target
    return out


def import_catalog(engine: Engine, path: Path, *, fmt: Literal["csv", "jsonl"] | None = None,
                   mapping: dict[str, str] | None = None, progress: Progress | None = None) -> ImportReport:
    """Upsert the products of a CSV/JSONL catalogue (``.gz`` accepted); return counts and skipped rows.

    New skus are inserted (``source="catalog-import"``, price required); existing ones get the fields present
    in the file. Bad rows are skipped and counted by reason; nothing is written if the file cannot be read.
    """
    fmt = fmt or ("jsonl" if ".jsonl" in path.name or ".ndjson" in path.name else "csv")
    report = ImportReport(source=f"catalog-{fmt}", path=str(path))
    mapping = {k.lower(): v for k, v in (mapping or {}).items()}
    if progress:
        progress("reading rows", 0, 2)
    records: dict[str, dict[str, Any]] = {}
    rows = _csv_rows(path, mapping, report) if fmt == "csv" else _jsonl_rows(path, mapping, report)
    for line, raw in rows:
        report.rows += 1
        rec = _validate(raw, line, report)
        if rec is None:
            continue
        if rec["sku"] in records:
            report.skip("duplicate_sku", line, rec["sku"])
            continue
        records[rec["sku"]] = rec
    if progress:
        progress("writing to the database", 1, 2)
    _write(engine, records, report)
    report.products = len(records)
    return report.finish()


def _columns(header: list[str], mapping: dict[str, str], report: ImportReport, name: str) -> list[str | None]:
    targets: list[str | None] = []
    for col in header:
        key = col.strip().lstrip("\ufeff").lower()
        target = mapping.get(key) or (key if key in FIELDS else ALIASES.get(key))
        if target is None and key.startswith("attr.") and len(key) > 5:
            target = "attr." + col.strip()[5:]
        if target is None:
            report.ignored_columns.append(col)
        targets.append(target)
    for required in ("sku", "name"):
        if required not in targets:
            raise InputError(f"{name} has no column for '{required}' (columns: {describe_header(header)}); "
                             f"name one with --map COLUMN={required}")
    return targets


def _csv_rows(path: Path, mapping: dict[str, str], report: ImportReport) -> Iterator[tuple[int, dict[str, Any]]]:
    with open_text(path) as fh:
        reader = csv.reader(clean_lines(fh, path.name))
        header = csv_header(reader, path.name)
        targets = _columns(header, mapping, report, path.name)
        for line, row in csv_records(reader, report):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(targets):
                report.rows += 1
                report.skip("malformed_row", line, f"{len(row)} fields instead of {len(targets)}")
                continue
            yield line, {t: v for t, v in zip(targets, row, strict=True) if t is not None}


def _jsonl_rows(path: Path, mapping: dict[str, str], report: ImportReport) -> Iterator[tuple[int, dict[str, Any]]]:
    seen_keys: set[str] = set()
    checked = False
    with open_text(path) as fh:
        for line, text in enumerate(clean_lines(fh, path.name), start=1):
            if not text.strip():
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as err:
                report.rows += 1
                report.skip("bad_json", line, err.msg)
                continue
            if not isinstance(obj, dict):
                report.rows += 1
                report.skip("bad_json", line, "not an object")
                continue
            out: dict[str, Any] = {}
            for key, value in obj.items():
                low = key.lower()
                target = mapping.get(low) or (low if low in FIELDS else ALIASES.get(low))
                if target is None and low.startswith("attr.") and len(low) > 5:
                    target = "attr." + key[5:]
                if target is None:
                    if key not in seen_keys:
                        seen_keys.add(key)
                        report.ignored_columns.append(key)
                    continue
                out[target] = value
            if not checked:
                checked = True
                if "sku" not in out or "name" not in out:
                    missing = "sku" if "sku" not in out else "name"
                    raise InputError(f"{path.name}: first record has no '{missing}' key (keys: "
                                     f"{', '.join(list(obj)[:12])}); name one with --map KEY={missing}")
            yield line, out
    if not checked and report.rows == 0:
        raise InputError(f"{path.name} is empty")


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _validate(raw: dict[str, Any], line: int, report: ImportReport) -> dict[str, Any] | None:
    """Return the cleaned record or None after counting the row under its reason."""
    sku, name = _text(raw.get("sku")), _text(raw.get("name"))
    if not sku:
        report.skip("missing_sku", line)
        return None
    if len(sku) > 64:
        report.skip("sku_too_long", line, sku[:20] + "...")
        return None
    if not name:
        report.skip("missing_name", line, sku)
        return None
    rec: dict[str, Any] = {"sku": sku, "name": name[:300]}
    for key in ("description", "category", "brand", "unit"):
        if key in raw and _text(raw[key]):
            rec[key] = _text(raw[key])[: {"description": 20000, "category": 200, "brand": 100, "unit": 16}[key]]
    if _text(raw.get("price")):
        try:
            price = Decimal(_text(raw["price"]).replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            report.skip("bad_price", line, f"{sku}: {raw['price']!r}")
            return None
        if not price.is_finite() or price < 0:
            report.skip("bad_price", line, f"{sku}: {raw['price']!r}")
            return None
        rec["unit_price"] = price.quantize(Decimal("0.01"))
    if _text(raw.get("currency")):
        cur = _text(raw["currency"]).upper()
        if len(cur) != 3 or not cur.isalpha():
            report.skip("bad_currency", line, f"{sku}: {cur!r}")
            return None
        rec["currency"] = cur
    if _text(raw.get("stock")):
        try:
            rec["stock"] = int(float(_text(raw["stock"]).replace(",", ".")))
        except (ValueError, OverflowError):
            report.skip("bad_stock", line, f"{sku}: {raw['stock']!r}")
            return None
    if _text(raw.get("ean")):
        ean = _text(raw["ean"])
        if not (ean.isdigit() and len(ean) in (8, 13) and ean_check_digit(ean[:-1].zfill(12)) == int(ean[-1])):
            report.skip("bad_ean", line, f"{sku}: {ean!r}")
            return None
        rec["ean"] = ean
    if _text(raw.get("active")):
        flag = _text(raw["active"]).lower()
        if flag not in TRUE | FALSE:
            report.skip("bad_active", line, f"{sku}: {flag!r}")
            return None
        rec["active"] = flag in TRUE
    attrs: dict[str, Any] = {}
    if raw.get("attributes") not in (None, ""):
        value = raw["attributes"]
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                report.skip("bad_attributes", line, f"{sku}: not JSON")
                return None
        if not isinstance(value, dict):
            report.skip("bad_attributes", line, f"{sku}: not a JSON object")
            return None
        attrs.update(value)
    for key, value in raw.items():
        if key.startswith("attr.") and _text(value):
            attrs[key[5:]] = _number(value)
    if attrs or "attributes" in raw:
        rec["attributes"] = attrs
    return rec


def _number(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = value.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return text


def _write(engine: Engine, records: dict[str, dict[str, Any]], report: ImportReport) -> None:
    now = utcnow()
    with engine.begin() as conn:
        existing = existing_ids(conn, table_of(Product), "sku", list(records))
        new_rows: list[dict[str, Any]] = []
        updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for sku, rec in records.items():
            if sku in existing:
                cols = tuple(sorted(k for k in rec if k != "sku"))
                updates.setdefault(cols, []).append({"_id": existing[sku], **{k: rec[k] for k in cols},
                                                     "updated_at": now})
            elif "unit_price" not in rec:
                report.skip("missing_price", 0, f"{sku}: new products need a price")
            else:
                new_rows.append({**NEW_DEFAULTS, "created_at": now, "updated_at": now, **rec})
        if new_rows:
            conn.execute(insert(Product), new_rows)
        for cols, rows in updates.items():
            bulk_update(conn, table_of(Product), rows, [*cols, "updated_at"])
    report.created["products"] = len(new_rows)
    report.updated["products"] = sum(len(r) for r in updates.values())
