"""``salesagent eval recommend``: output format, gzip input, cold start, one-line errors."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from salesagent.cli import app

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"


def orders_csv(path: Path) -> Path:
    rows = []
    for c in range(8):
        group = ["A1", "A2", "A3", "A4"] if c < 4 else ["B1", "B2", "B3", "B4"]
        for rep in range(2):
            for k, sku in enumerate(group):
                if k != c % 4:
                    rows.append(f"{c}{rep},{sku},item {sku},3,2011-0{rep + 1}-0{c + 1} 10:00:00,1.5,{1000 + c}.0,UK")
    rows.append("C999,A1,cancelled,-3,2011-03-01 10:00:00,1.5,1000.0,UK")
    with gzip.open(path, "wt") as fh:
        fh.write(HEADER + "\n".join(rows) + "\n")
    return path


def test_eval_recommend_writes_one_line_per_customer(tmp_path: Path) -> None:
    orders = orders_csv(tmp_path / "orders.csv.gz")
    ids = tmp_path / "ids.txt"
    ids.write_text("1000\n1005.0\n424242\n")
    out = tmp_path / "recs.jsonl"
    res = CliRunner().invoke(app, ["eval", "recommend", "--orders", str(orders), "--customers", str(ids),
                                   "--k", "3", "--out", str(out)])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["customer_id"] for x in lines] == ["1000", "1005", "424242"]
    for x in lines:
        assert set(x) == {"customer_id", "items"} and len(x["items"]) == 3 and len(set(x["items"])) == 3
    assert lines[0]["items"][0].startswith("A") and lines[1]["items"][0].startswith("B")
    assert lines[2]["items"]  # unknown customer: cold start (popularity)


def test_eval_recommend_bad_input_is_one_line_and_nonzero(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    proc = subprocess.run(check=False, args=[sys.executable, "-c", "from salesagent.cli import main; main()", "eval", "recommend",
                           "--orders", str(bad), "--customers", "1", "--out", str(tmp_path / "o.jsonl")],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "COLUMNS": "400"})
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "lacks Online Retail column" in proc.stderr


def test_eval_recommend_output_is_whole_or_absent(tmp_path: Path) -> None:
    """A failure while writing leaves the previous file untouched and no partial file behind."""
    from ranking.batch import recommend_file

    orders = orders_csv(tmp_path / "orders.csv.gz")
    out = tmp_path / "recs.jsonl"
    out.write_text("previous run\n")

    def ids():  # type: ignore[no-untyped-def]
        yield "1000"
        raise RuntimeError("customer list broke off")

    with pytest.raises(RuntimeError):
        recommend_file(orders, ids(), 3, out)
    assert out.read_text() == "previous run\n" and sorted(p.name for p in tmp_path.iterdir()) == \
        ["orders.csv.gz", "recs.jsonl"]
    res = CliRunner().invoke(app, ["eval", "recommend", "--orders", str(orders), "--customers", "1000,1005",
                                   "--out", str(out), "--k", "3", "--vectors", "none"])
    assert res.exit_code == 0, res.output
    assert [json.loads(x)["customer_id"] for x in out.read_text().splitlines()] == ["1000", "1005"]
