"""Online Retail importer: exact counts on a slice of the real file, bad rows by reason, idempotency, bad files."""

from __future__ import annotations

import gzip
import itertools
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from store_test_helpers import shared_data_path, write_lines

from core.errors import InputError, NotFoundError
from store.importers import import_online_retail

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"


def _counts(engine: Engine) -> tuple[int, ...]:
    with engine.connect() as conn:
        return tuple(conn.execute(text(f"select count(*) from {t}")).scalar_one()
                     for t in ("company", "product", "orders", "orderline"))


@pytest.fixture(scope="module")
def retail_slice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The header and first 20,000 rows of the shared Online Retail file, gzipped."""
    source = shared_data_path("online_retail", "online_retail_2010-12_to_2011-09.csv.gz")
    target = tmp_path_factory.mktemp("retail") / "slice.csv.gz"
    with gzip.open(source, "rt", encoding="utf-8") as src, gzip.open(target, "wt", encoding="utf-8") as dst:
        dst.writelines(itertools.islice(src, 20_001))
    return target


@pytest.mark.shared_data
def test_slice_of_the_real_file_gives_exact_counts(engine: Engine, retail_slice: Path) -> None:
    # expected figures computed independently with pandas from the same 20,000 rows
    report = import_online_retail(engine, retail_slice)
    assert report.rows == 20_000
    assert dict(report.skipped) == {"cancellation": 261, "missing_customer": 6622, "non_product_line": 54}
    assert (report.orders, report.lines, report.customers, report.products) == (706, 13_063, 526, 1947)
    assert _counts(engine) == (526, 1947, 706, 13_063)
    with engine.connect() as conn:
        row = conn.execute(text("select c.external_id, c.country, o.ordered_at, p.sku, p.currency, l.quantity, "
                                "l.unit_price from orderline l join orders o on o.id=l.order_id join company c on "
                                "c.id=o.company_id join product p on p.id=l.product_id where o.external_id='OR-536365' "
                                "and p.sku='85123A'")).one()
    assert row[0] == "OR-C17850" and row[1] == "United Kingdom" and str(row[2]).startswith("2010-12-01 08:26")
    assert (row[3], row[4], row[5], float(row[6])) == ("85123A", "GBP", 6, 2.55)


@pytest.mark.shared_data
def test_importing_twice_changes_nothing(engine: Engine, retail_slice: Path) -> None:
    first = import_online_retail(engine, retail_slice)
    counts = _counts(engine)
    second = import_online_retail(engine, retail_slice)
    assert _counts(engine) == counts
    assert (second.orders, second.lines, second.customers, second.products, second.skipped) == (
        first.orders, first.lines, first.customers, first.products, first.skipped)
    assert second.created["orders"] == 0 and second.updated["orders"] == first.orders


def test_bad_rows_are_counted_by_reason(engine: Engine, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "bad.csv", [
        HEADER,
        "1001,A1,RED LAMP,6,2011-01-02 10:00:00,2.50,12345.0,Poland",      # ok
        "1001,B2,BLUE LAMP,2,2011-01-02 10:00:00,1.00,12345.0,Poland",     # ok
        "1002,A1,RED LAMP,1,2011-01-03 09:00:00,2.60,777.0,Germany",       # ok
        "C1003,A1,RED LAMP,-1,2011-01-04 09:00:00,2.60,777.0,Germany",     # cancellation
        "1004,A1,RED LAMP,3,2011-01-04 09:00:00,2.60,,Germany",            # missing customer
        "1005,A1,RED LAMP,-4,2011-01-05 09:00:00,2.60,777.0,Germany",      # negative quantity
        "1006,A1,RED LAMP,abc,2011-01-05 09:00:00,2.60,777.0,Germany",     # bad quantity
        "1007,A1,RED LAMP,1,yesterday,2.60,777.0,Germany",                 # bad date
        "1008,A1,RED LAMP,1,2011-02-30 09:00:00,2.60,777.0,Germany",       # impossible date
        "1009,A1,RED LAMP,1,2011-01-05 09:00:00,two,777.0,Germany",        # bad price
        "1010,A1,RED LAMP,1,2011-01-05 09:00:00,-2.60,777.0,Germany",      # negative price
        "1011,,RED LAMP,1,2011-01-05 09:00:00,2.60,777.0,Germany",         # missing stock code
        "1012,POST,POSTAGE,1,2011-01-05 09:00:00,18.00,777.0,Germany",     # postage
        ",A1,RED LAMP,1,2011-01-05 09:00:00,2.60,777.0,Germany",           # missing invoice
        "1013,A1,RED LAMP,1,2011-01-05 09:00:00",                          # too few fields
        "1014,A1,RED LAMP,1,2011-01-05 09:00:00,2.60,abc,Germany",         # bad customer id
        "1015,a1,red lamp,2,12/1/2010 8:26,2.40,12345.0,Poland",           # ok: UCI date format, sku upper-cased
    ])
    report = import_online_retail(engine, path)
    assert report.rows == 17
    assert dict(report.skipped) == {
        "cancellation": 1, "missing_customer": 1, "non_positive_quantity": 1, "bad_quantity": 1, "bad_date": 2,
        "bad_price": 1, "negative_price": 1, "missing_stock_code": 1, "non_product_line": 1,
        "missing_invoice": 1, "malformed_row": 1, "bad_customer_id": 1}
    assert (report.orders, report.lines, report.customers, report.products) == (3, 4, 2, 2)
    assert report.examples["bad_date"] == ["line 9: 'yesterday'", "line 10: '2011-02-30 09:00:00'"]
    with engine.connect() as conn:
        price, name = conn.execute(text("select unit_price, name from product where sku='A1'")).one()
    assert float(price) == 2.60 and name == "RED LAMP"  # latest price; most frequent description


@pytest.mark.parametrize(("content", "message"), [
    (b"", "is empty"),
    (b"\x00\x01\x02garbage\xff\xfe" * 40, "binary file"),
    (b"a,b,c\n1,2,3\n", "missing column"),
])
def test_unreadable_files_raise_one_line_errors(engine: Engine, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as err:
        import_online_retail(engine, path)
    assert "\n" not in str(err.value)
    assert _counts(engine) == (0, 0, 0, 0)


def test_fake_and_truncated_gzip_write_nothing(engine: Engine, tmp_path: Path) -> None:
    fake = tmp_path / "fake.csv.gz"
    fake.write_text(HEADER + "\n")
    with pytest.raises(InputError, match="not a gzip file"):
        import_online_retail(engine, fake)
    rows = [HEADER] + [f"{1000 + i},A{i % 50},LAMP {i % 50},{i % 7 + 1},2011-01-02 10:00:00,1.50,{i % 30}.0,UK"
                       for i in range(20_000)]
    blob = gzip.compress("\n".join(rows).encode())
    truncated = tmp_path / "truncated.csv.gz"
    truncated.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(InputError, match="could not be read to the end"):
        import_online_retail(engine, truncated)
    assert _counts(engine) == (0, 0, 0, 0)


def test_missing_file_and_no_valid_rows(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="file not found"):
        import_online_retail(engine, tmp_path / "nope.csv")
    only_bad = write_lines(tmp_path / "bad.csv", [HEADER, "C1,A1,X,1,2011-01-02 10:00:00,1,1.0,UK"])
    with pytest.raises(InputError, match="no importable rows"):
        import_online_retail(engine, only_bad)


def test_a_failure_while_writing_rolls_everything_back(engine: Engine, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from store.importers import online_retail

    path = write_lines(tmp_path / "ok.csv", [HEADER, "1001,A1,RED LAMP,6,2011-01-02 10:00:00,2.50,12345.0,UK"])

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(online_retail, "delete_in", boom)  # runs after companies, products and orders are written
    with pytest.raises(RuntimeError, match="disk full"):
        import_online_retail(engine, path)
    assert _counts(engine) == (0, 0, 0, 0)
