"""sync_from_store over real Product rows, and the `salesagent eval search` command's output format."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core.errors import InputError


def test_sync_from_store_reads_active_products(session, settings, embedder) -> None:
    from retrieval import build_catalog_search
    from store.models import Product

    session.add(Product(sku="S201-B16", name="Wyłącznik nadprądowy S201 B16 1P", category="Protection > MCB",
                        brand="ABB", unit_price=Decimal("21.50"), stock=40, ean="5901234567890",
                        attributes={"rated_current_a": 16, "characteristic": "B", "poles": 1}))
    session.add(Product(sku="OLD-1", name="Discontinued breaker", active=False))
    session.commit()
    search = build_catalog_search(settings, embedder=embedder, engine="edge")
    try:
        report = search.sync_from_store(session)
        assert (report.added, report.deleted) == (1, 0)
        hit = search.search("5901234567890", k=1)[0]
        assert (hit.sku, hit.price, hit.stock, hit.brand) == ("S201-B16", Decimal("21.5"), 40, "ABB")
        assert search.sync_from_store(session).unchanged == 1
    finally:
        search.close()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from core.config import get_settings

    monkeypatch.setenv("SALESAGENT_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_eval_search_writes_one_json_line_per_query(cli_env: Path, embedder) -> None:
    from salesagent.cli import app

    cat = _write(cli_env / "cat.csv", "sku,name,brand\nA1,red office chair,Acme\nA2,oak dining table,Acme\n"
                                      "A3,blue velvet sofa,\nA4,led desk lamp,Lumo\n")
    qs = _write(cli_env / "q.csv", "query_id,query\nq1,office chair\nq2,dining table oak\nq3,lamp for a desk\n")
    qrels = _write(cli_env / "qrels.csv", "query_id,sku,relevance\nq1,A1,1\nq2,A2,1\nq3,A4,1\nq3,A3,0\n")
    out = cli_env / "run.jsonl"
    result = CliRunner().invoke(app, ["eval", "search", "--catalog", str(cat), "--queries", str(qs), "--qrels",
                                      str(qrels), "--k", "2", "--out", str(out), "--mode", "hybrid"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [row["query_id"] for row in lines] == ["q1", "q2", "q3"]
    assert all(set(row) == {"query_id", "items"} and len(row["items"]) == 2 for row in lines)
    assert lines[0]["items"][0] == "A1" and lines[1]["items"][0] == "A2"
    assert "ndcg@10" in result.output and "recall@10" in result.output and "mrr" in result.output


def test_eval_search_rejects_a_catalogue_without_name(cli_env: Path) -> None:
    from salesagent.cli import app

    cat = _write(cli_env / "cat.csv", "sku,title_x\nA1,x\n")
    qs = _write(cli_env / "q.csv", "query_id,query\nq1,x\n")
    result = CliRunner().invoke(app, ["eval", "search", "--catalog", str(cat), "--queries", str(qs),
                                      "--out", str(cli_env / "run.jsonl")])
    assert isinstance(result.exception, InputError)
    assert "lacks column(s) name" in str(result.exception)
    assert result.exception.exit_code == 2
