"""Cross-validation on the production path: folds keep twins together, the one-standard-error rule keeps the
default unless the training queries clearly say otherwise, and the CLI reports held-out folds and trains a
versioned search model (from qrels files and the store's search log)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core.errors import InputError
from retrieval.fusion import DEFAULT_FUSION, FusionConfig
from retrieval.tuning import Judged, clearly_better, folds, select_fusion


def test_folds_keep_near_duplicate_queries_together() -> None:
    queries = {"a": '48" sliding barn door', "b": "48 sliding barn door", "c": "bar stool", "d": "oak table",
               "e": "desk lamp", "f": "rug"}
    judged = Judged(queries=queries, qrels={q: {"x": 1} for q in queries})
    split = folds(judged.qids, judged, 3, seed=4)
    assert sorted(q for f in split for q in f) == sorted(queries)
    assert any({"a", "b"} <= set(f) for f in split)
    assert split == folds(judged.qids, judged, 3, seed=4)  # seeded
    with pytest.raises(InputError, match="--folds"):
        folds(judged.qids, judged, 6)  # five distinct queries


def test_the_default_stays_unless_clearly_beaten() -> None:
    other = FusionConfig(method="dbsf")
    train = [f"q{i}" for i in range(20)]
    noisy = {DEFAULT_FUSION: {q: 0.5 for q in train},
             other: {q: 0.5 + (0.3 if i % 2 else -0.28) for i, q in enumerate(train)}}  # +0.01 on average, noisy
    assert select_fusion(noisy, train) == DEFAULT_FUSION
    clear = {DEFAULT_FUSION: {q: 0.5 for q in train}, other: {q: 0.55 for q in train}}
    assert select_fusion(clear, train) == other
    assert clearly_better([0.6, 0.7, 0.65], [0.5, 0.5, 0.5]) and not clearly_better([0.9, 0.1], [0.5, 0.5])


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


NAMES = ["red office chair", "oak dining table", "blue velvet sofa", "led desk lamp", "black office chair",
         "round oak table", "floor lamp", "velvet armchair", "wool rug", "bar stool", "glass coffee table",
         "leather sofa"]
QUERIES = ["office chair", "dining table", "velvet sofa", "desk lamp", "black chair", "round table",
           "floor light", "armchair", "rug", "stool for the bar", "coffee table", "sofa leather"]


def test_eval_search_folds_prints_held_out_tables(cli_env: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    from salesagent.cli import app

    cat = _write(cli_env / "c.csv", "sku,name\n" + "".join(f"P{i},{n}\n" for i, n in enumerate(NAMES)))
    qs = _write(cli_env / "q.csv", "query_id,query\n" + "".join(f"q{i},{q}\n" for i, q in enumerate(QUERIES)))
    qrels = _write(cli_env / "r.csv", "query_id,sku,relevance\n" + "".join(f"q{i},P{i},1\n" for i in range(12)))
    out = cli_env / "run.jsonl"
    result = CliRunner().invoke(app, ["eval", "search", "--catalog", str(cat), "--queries", str(qs), "--qrels",
                                      str(qrels), "--out", str(out), "--folds", "3"])
    assert result.exit_code == 0, result.output
    assert "| fold | queries | sparse | dense | hybrid (defaults) | hybrid (tuned fusion) | hybrid (shipped) |" \
        in result.output
    assert result.output.count("\n| 1 | 4 |") == 3  # fold 1 in each metric table
    assert "beats the better single mode on" in result.output
    assert len(out.read_text().splitlines()) == 12
    bad = CliRunner().invoke(app, ["eval", "search", "--catalog", str(cat), "--queries", str(qs), "--out",
                                   str(out), "--folds", "3"])
    assert isinstance(bad.exception, InputError) and "--folds needs --qrels" in str(bad.exception)


def test_train_search_learns_from_files_and_the_log(cli_env: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from core.config import get_settings
    from retrieval import build_catalog_search
    from retrieval.search_model import current_version, models_root
    from salesagent.cli import app
    from store.db import make_engine, session_scope
    from store.migrate import upgrade_head
    from store.models import Company, EventType, LegalBasis, Product
    from store.orders import add_event

    settings = get_settings()
    settings.ensure_dirs()
    engine = make_engine(settings)
    upgrade_head(engine)
    t = datetime(2026, 11, 2, 10, tzinfo=UTC)
    with session_scope(engine) as session:
        rows = [Product(sku=f"P{i}", name=n, unit_price=Decimal(10)) for i, n in enumerate(NAMES)]
        session.add_all(rows)
        company = Company(external_id="C1", name="Buyer")
        session.add(company)
        session.flush()
        for n, (i, q) in enumerate(list(enumerate(QUERIES))[:4]):
            sid = f"s{n}"
            add_event(session, session_id=sid, company_id=company.id, type=EventType.search, query=q,
                      legal_basis=LegalBasis.consent, occurred_at=t + timedelta(minutes=n))
            for j in (i, (i + 1) % 12):
                add_event(session, session_id=sid, company_id=company.id, type=EventType.impression,
                          product_id=rows[j].id, legal_basis=LegalBasis.consent, occurred_at=t + timedelta(minutes=n, seconds=5))
            add_event(session, session_id=sid, company_id=company.id, type=EventType.view, product_id=rows[i].id,
                      legal_basis=LegalBasis.consent, occurred_at=t + timedelta(minutes=n, seconds=9))
    search = build_catalog_search(settings, embedder=embedder, learned=False)
    with session_scope(engine) as session:
        search.sync_from_store(session)
    search.close()

    qs = _write(cli_env / "q.csv", "query_id,query\n" + "".join(f"q{i},{q}\n" for i, q in enumerate(QUERIES)))
    qrels = _write(cli_env / "r.csv", "query_id,sku,relevance\n" + "".join(f"q{i},P{i},1\n" for i in range(12)))
    result = CliRunner().invoke(app, ["train-search", "--queries", str(qs), "--qrels", str(qrels), "--folds", "3"])
    assert result.exit_code == 0, result.output
    assert "12 from files, 4 from 4 logged searches with a legal basis" in result.output
    assert "held-out nDCG@10 over 3 folds" in result.output
    version = current_version(models_root(settings.data_dir))
    assert version and version in result.output
    learned = build_catalog_search(settings, embedder=embedder)
    try:
        assert learned.model_version == version
    finally:
        learned.close()
    unpaired = CliRunner().invoke(app, ["train-search", "--queries", str(qs)])
    assert isinstance(unpaired.exception, InputError) and "one --qrels for each --queries" in str(unpaired.exception)
