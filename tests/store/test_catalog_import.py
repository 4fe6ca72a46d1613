"""Generic catalogue importer: column mapping, attributes, bad rows by reason, upsert by sku, JSONL, demo CSV."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from store_test_helpers import write_lines

from core.errors import InputError
from store.demo.catalog import build_catalog
from store.demo.load import write_catalog_csv
from store.importers import import_catalog, parse_mapping


def _product(engine: Engine, sku: str) -> dict:
    with engine.connect() as conn:
        row = conn.execute(text("select * from product where sku=:s"), {"s": sku}).mappings().one()
    out = dict(row)
    if isinstance(out["attributes"], str):
        out["attributes"] = json.loads(out["attributes"])
    return out


def test_csv_with_aliases_attribute_columns_and_bad_rows(engine: Engine, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "cat.csv", [
        "SKU,Name,Unit_Price,Category,Brand,Stock,EAN,Attributes,attr.poles,Colour",
        ('S201-B16,ABB S201 B16 MCB,"18,90",Circuit protection > MCB,ABB,120,5901234123457,'
        '"{""rated_current_a"": 16}",1,grey'),
        "RB-12M-IP65,Board 12M IP65,149.00,Enclosures,Spelsberg,3,,,,white",
        ",No sku,1.00,,,,,,,",
        "X-1,,1.00,,,,,,,",
        "X-2,Bad price,abc,,,,,,,",
        "X-3,Bad stock,1.00,,,many,,,,",
        "X-4,Bad EAN,1.00,,,,5901234123450,,,",
        'X-5,Bad attributes,1.00,,,,,"{not json",,',
        "X-6,No price for a new product,,,,,,,,",
        "S201-B16,Duplicate,1.00,,,,,,,",
        "X-7,Too few fields",
    ])
    report = import_catalog(engine, path)
    assert report.ignored_columns == ["Colour"]
    assert dict(report.skipped) == {"missing_sku": 1, "missing_name": 1, "bad_price": 1, "bad_stock": 1,
                                    "bad_ean": 1, "bad_attributes": 1, "missing_price": 1, "duplicate_sku": 1,
                                    "malformed_row": 1}
    assert report.created["products"] == 2
    mcb = _product(engine, "S201-B16")
    assert float(mcb["unit_price"]) == 18.90 and mcb["stock"] == 120 and mcb["brand"] == "ABB"
    assert mcb["attributes"] == {"rated_current_a": 16, "poles": 1} and mcb["source"] == "catalog-import"
    assert _product(engine, "RB-12M-IP65")["ean"] is None


def test_upsert_updates_only_given_fields_and_is_idempotent(engine: Engine, tmp_path: Path) -> None:
    first = write_lines(tmp_path / "a.csv", ["sku,name,price,description", "K1,Cable,10.00,Long text"])
    import_catalog(engine, first)
    update = write_lines(tmp_path / "b.csv", ["code,title,Cena", "K1,Cable YDY 3x2.5,12.5"])
    report = import_catalog(engine, update, mapping=parse_mapping(["Cena=price"]))
    assert (report.created["products"], report.updated["products"]) == (0, 1)
    k1 = _product(engine, "K1")
    assert (k1["name"], float(k1["unit_price"]), k1["description"]) == ("Cable YDY 3x2.5", 12.5, "Long text")
    again = import_catalog(engine, update, mapping=parse_mapping(["Cena=price"]))
    assert (again.created["products"], again.updated["products"], again.skipped_total) == (0, 1, 0)
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from product")).scalar_one() == 1


def test_jsonl_with_attribute_objects_and_bad_lines(engine: Engine, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "cat.jsonl", [
        json.dumps({"sku": "LED-1", "name": "Panel 600x600 40W 4000K", "price": 99.9,
                    "attributes": {"power_w": 40, "colour_temperature_k": 4000}, "active": "yes", "extra": 1}),
        "{broken",
        json.dumps(["not", "an", "object"]),
        json.dumps({"sku": "LED-2", "name": "Strip", "price": "19,99", "currency": "EURO"}),
        "",
    ])
    report = import_catalog(engine, path)
    assert report.source == "catalog-jsonl" and report.ignored_columns == ["extra"]
    assert dict(report.skipped) == {"bad_json": 2, "bad_currency": 1}
    led = _product(engine, "LED-1")
    assert led["attributes"] == {"power_w": 40, "colour_temperature_k": 4000} and float(led["unit_price"]) == 99.9


def test_the_demo_catalogue_csv_round_trips(engine: Engine, tmp_path: Path) -> None:
    catalog = build_catalog(random.Random(3), datetime(2026, 11, 27, tzinfo=UTC))
    path = write_catalog_csv(catalog.products, tmp_path / "demo.csv")
    report = import_catalog(engine, path)
    assert report.skipped_total == 0 and report.created["products"] == len(catalog.products)
    s201 = _product(engine, "S201-B16")
    original = next(p for p in catalog.products if p["sku"] == "S201-B16")
    assert s201["attributes"] == original["attributes"] and s201["ean"] == original["ean"]


def test_header_and_mapping_errors_are_one_line(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no column for 'sku'"):
        import_catalog(engine, write_lines(tmp_path / "x.csv", ["code2,name", "a,b"]))
    with pytest.raises(InputError, match="not a field"):
        parse_mapping(["Symbol=sku_code"])
    with pytest.raises(InputError, match="COLUMN=FIELD"):
        parse_mapping(["Symbol"])
    with pytest.raises(InputError, match="first record has no 'name'"):
        import_catalog(engine, write_lines(tmp_path / "x.jsonl", [json.dumps({"sku": "a", "title2": "b"})]))
