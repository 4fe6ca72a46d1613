"""The measurement log in a real SQLite store: ``salesagent import events`` (idempotent by event_id, bad rows
counted), the KPIs read from the database, experiments and the arm rule, and the wall between measurement
events and ranking (issue 18)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from core.config import Settings
from core.errors import InputError
from measurement.experiment import Split, arm_of, assign
from measurement.importer import import_events
from measurement.kpi import KpiOptions
from measurement.source import report_from_store
from store import measurement as store
from store.models import Company, Event, EventType, LegalBasis, MeasurementEvent, Product

HEADER = "event_id,ts,session_id,company,type,sku,rec_request_id,position,surface,revenue,currency,variant\n"
ROWS = [
    "i1,2026-11-02T10:00:00Z,s1,K-1,impression,P-1,r1,1,widget,,,",
    "c1,2026-11-02T10:01:00Z,s1,K-1,click,P-1,,,,,,",
    "o1,2026-11-02T10:05:00Z,s1,K-1,order,P-1,,,,99.90,PLN,",
    "i2,2026-11-03T10:00:00Z,s2,K-2,impression,P-2,r2,1,chat,,,",
    "x1,2026-11-03T10:00:00Z,s2,NOBODY,click,P-2,,,,,,",
    "x2,2026-11-03T10:00:00Z,s2,K-2,click,NOPE,,,,,,",
    "x3,2026-11-03T10:00:00Z,s2,K-2,visit,P-2,,,,,,",
]


@pytest.fixture
def shop(engine: Engine) -> Engine:
    with Session(engine) as s:
        s.add_all([Company(external_id="K-1", name="One", industry="retail"),
                   Company(external_id="K-2", name="Two", industry="construction"),
                   Company(external_id="K-3", name="Objector", profiling_opt_out=True)])
        s.add_all([Product(sku="P-1", name="p1", unit_price=Decimal(10)),
                   Product(sku="P-2", name="p2", unit_price=Decimal(20))])
        s.commit()
    return engine


def test_import_is_idempotent_by_event_id_and_counts_bad_rows(shop: Engine, tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n")
    first = import_events(shop, path)
    assert (first.rows, first.imported, first.already_present) == (7, 4, 0)
    assert first.skipped == {"unknown_company": 1, "unknown_sku": 1, "bad_type": 1}
    assert first.examples["unknown_company"] == ["event x1: no company with this external id"]
    again = import_events(shop, path)
    assert (again.imported, again.already_present, again.skipped_total) == (0, 4, 3)
    with Session(shop) as s:
        assert store.event_count(s) == 4
        order = store.session_events(s, session_id="s1")[-1]
        assert order.revenue == Decimal("99.90") and order.source == "import"
        assert order.legal_basis == LegalBasis.legitimate_interest
        assert [e.event_id for e in store.request_impressions(s, rec_request_id="r1")] == ["i1"]
        window = store.company_events(s, company="K-1", types=["order"], sku="P-1",
                                      since=datetime(2026, 11, 2, tzinfo=UTC), until=datetime(2026, 11, 3, tzinfo=UTC))
        assert [e.event_id for e in window] == ["o1"]


def test_the_cli_imports_and_reports_from_the_database(shop: Engine, settings: Settings, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from salesagent.cli import app

    monkeypatch.setenv("SALESAGENT_DATA_DIR", str(settings.data_dir))
    from core.config import get_settings

    get_settings.cache_clear()
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n")
    runner = CliRunner()
    result = runner.invoke(app, ["import", "events", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["imported"] == 4
    out = tmp_path / "kpi.json"
    result = runner.invoke(app, ["kpi", "report", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert report["ctr"] == {"chat": 0.0, "widget": 1.0} and report["coverage"] == {"2026-11": 1.0}
    assert any("no experiment recorded" in w for w in report["warnings"])
    bad = runner.invoke(app, ["kpi", "report", "--from", "2026-11-30", "--to", "2026-11-01", "--out", str(out)])
    assert isinstance(bad.exception, InputError) and "is after" in str(bad.exception)  # main() prints it
    get_settings.cache_clear()


def test_report_from_the_store_resolves_arms_from_the_recorded_experiment(shop: Engine) -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    with Session(shop) as s:
        exp = store.start_experiment(s, key="t-1", salt="t-salt", control_share=0.5, started_at=start,
                                     ended_at=start + timedelta(days=10))
        rows = [{"event_id": f"e{i}", "ts": start + timedelta(days=d), "session_id": f"s{i}", "company": c,
                 "type": "impression", "sku": "P-1", "rec_request_id": f"r{i}", "position": 1, "surface": "widget",
                 "revenue": None, "currency": None, "variant": None}
                for i, (c, d) in enumerate([("K-1", 1), ("K-2", 2), ("K-3", 3), ("K-1", 20)])]
        store.add_events(s, rows=rows, source="import")
        s.commit()
        report = report_from_store(s, KpiOptions())
        split = Split.of(exp)
    arms = {k: assign(k, split) for k in ("K-1", "K-2")}
    expected = {"treatment": 0, "control": 0}
    for arm in arms.values():
        expected[arm] += 1
    assert report.sessions.model_dump() == expected  # K-1 and K-2 in the experiment's window
    assert report.outside_experiment.sessions == 2  # the objector K-3, and K-1 after the experiment ended
    assert report.experiment is not None and report.experiment.key == "t-1"
    assert report.srm.expected_control_share == 0.5
    with Session(shop) as s:
        store.add_events(s, rows=[{"event_id": "v1", "ts": start, "session_id": "v", "company": "K-2",
                                   "type": "impression", "sku": "P-2", "rec_request_id": "rv", "position": 1,
                                   "surface": "chat", "variant": "control"}], source="portal")
        assert store.arms(s) == {"K-2": "control"}  # the arm recorded on its impressions


def test_experiments_run_one_at_a_time_and_arms_are_sticky(shop: Engine) -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    with Session(shop) as s:
        first = store.start_experiment(s, key="a", salt="sa", control_share=0.1, started_at=t0)
        second = store.start_experiment(s, key="b", salt="sb", control_share=0.2, started_at=t0 + timedelta(days=5))
        assert first.ended_at is not None and first.ended_at.replace(tzinfo=UTC) == t0 + timedelta(days=5)
        assert store.running_experiment(s, at=t0 + timedelta(days=1)).key == "a"  # type: ignore[union-attr]
        assert store.running_experiment(s, at=t0 + timedelta(days=6)).key == "b"  # type: ignore[union-attr]
        store.end_experiment(s, experiment=second, ended_at=t0 + timedelta(days=9))
        assert store.running_experiment(s, at=t0 + timedelta(days=10)) is None
        k1 = s.get(Company, 1)
        objector = s.get(Company, 3)
        assert k1 is not None and objector is not None
        assert arm_of(s, k1, at=t0 + timedelta(days=1)) == assign("K-1", Split(salt="sa", control_share=0.1))
        assert arm_of(s, objector, at=t0 + timedelta(days=1)) == "outside"
        assert arm_of(s, k1, at=t0 + timedelta(days=10)) == "outside"


def test_the_hash_is_deterministic_and_splits_as_configured() -> None:
    keys = [f"DEMO-C{i:05d}" for i in range(20_000)]
    arms = [store.hash_arm(k, salt="s1", control_share=0.1) for k in keys]
    assert arms == [store.hash_arm(k, salt="s1", control_share=0.1) for k in keys]
    assert 0.09 <= arms.count("control") / len(keys) <= 0.11
    other = [store.hash_arm(k, salt="s2", control_share=0.1) for k in keys]
    assert other != arms  # another salt, another split
    assert all(store.hash_arm(k, salt="s1", control_share=0.0) == "treatment" for k in keys[:100])
    with pytest.raises(ValueError, match="control share"):
        Split(control_share=1.5)


def test_measurement_events_never_reach_ranking(shop: Engine) -> None:
    """Ranking reads behaviour through ``store.orders.product_events`` / ``company_events`` and keeps only events
    with a legal basis; measurement events live in their own table and never show up there, whatever their
    type (``order`` is unknown to ranking) or basis. A behaviour event without a legal basis is dropped too."""
    from guardrails.consent import usable_events
    from ranking.store_source import company_history, load_snapshot
    from store import orders

    with Session(shop) as s:
        store.add_events(s, rows=[{"event_id": f"m{i}", "ts": datetime(2026, 11, 2, tzinfo=UTC), "session_id": "s",
                                   "company": "K-1", "type": t, "sku": "P-1", "rec_request_id": "r",
                                   "position": 1, "surface": "chat", "revenue": 5 if t == "order" else None,
                                   "currency": "PLN" if t == "order" else None, "variant": "treatment"}
                                  for i, t in enumerate(["impression", "click", "add_to_cart", "order"])],
                         source="import")
        k1 = s.get(Company, 1)
        assert k1 is not None and k1.id is not None
        s.add(Event(session_id="b", company_id=k1.id, type=EventType.click, product_id=1, legal_basis=LegalBasis.none))
        s.commit()
        assert s.get(MeasurementEvent, 1) is not None
        seen = orders.product_events(s)
        assert [e.session_id for e in seen] == ["b"]  # only the behaviour event, not one measurement event
        assert list(usable_events(seen)) == []  # and it has no legal basis
        assert orders.company_events(s, company_id=k1.id) == seen
    snapshot = load_snapshot(shop)
    assert len(snapshot.interactions.user) == 0  # no order lines, no usable events: nothing reached ranking
    users = snapshot.interactions.users
    assert len(company_history(shop, k1.id, users, snapshot.interactions.items).rows.user) == 0
