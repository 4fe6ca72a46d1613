"""The demo's behaviour simulation (``store.demo.responses``): deterministic, both arms by the product's own hash,
objectors outside, a clean event file, labelled synthetic in the report, and written idempotently (issue 18)."""

from __future__ import annotations

import copy
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from measurement.eventlog import read_events
from measurement.kpi import KpiOptions
from measurement.source import report_from_file, report_from_store
from store import measurement as store
from store.demo.activity import simulate
from store.demo.catalog import build_catalog
from store.demo.customers import build_customers
from store.demo.responses import CONTROL_SHARE, simulate_responses, write_events_csv, write_responses

ANCHOR = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo_inputs() -> dict[str, Any]:
    """The demo's catalogue, customers and orders for seed 42 (in memory, as ``generate_demo`` draws them)."""
    from datetime import timedelta

    rng = random.Random(42)
    catalog = build_catalog(random.Random(rng.random()), ANCHOR)
    companies, profiles, _, _ = build_customers(random.Random(rng.random()), 42, ANCHOR, 860,
                                                ANCHOR - timedelta(days=760))
    act = simulate(random.Random(rng.random()), catalog.products, catalog.accessories(), profiles, ANCHOR)
    return {"products": catalog.products, "companies": companies, "profiles": profiles, "act": act}


def _run(inputs: dict[str, Any]) -> Any:
    return simulate_responses(42, inputs["products"], inputs["companies"], inputs["profiles"], inputs["act"],
                              ANCHOR)


def test_the_simulation_is_deterministic_and_leaves_its_inputs_alone(demo_inputs: dict[str, Any]) -> None:
    before = copy.deepcopy((demo_inputs["act"].orders[:50], demo_inputs["act"].lines[:50],
                            demo_inputs["companies"][:50]))
    first, second = _run(demo_inputs), _run(demo_inputs)
    assert first.events == second.events and len(first.events) > 20_000
    assert (demo_inputs["act"].orders[:50], demo_inputs["act"].lines[:50], demo_inputs["companies"][:50]) == before


def test_arms_follow_the_experiment_hash_and_objectors_are_outside(demo_inputs: dict[str, Any]) -> None:
    out = _run(demo_inputs)
    salt = out.experiment["salt"]
    objectors = {c["external_id"] for c in demo_inputs["companies"] if c["profiling_opt_out"]}
    arm_of_company: dict[str, str] = {}
    for e in out.events:
        assert arm_of_company.setdefault(e["company"], e["variant"]) == e["variant"]  # sticky
    for company, arm in arm_of_company.items():
        expected = "outside" if company in objectors else store.hash_arm(company, salt=salt,
                                                                          control_share=CONTROL_SHARE)
        assert arm == expected, company
    arms = [a for a in arm_of_company.values() if a != "outside"]
    assert 0.06 <= arms.count("control") / len(arms) <= 0.14
    assert {e["source"] for e in out.events} == {"demo"}
    assert out.experiment["ended_at"] == ANCHOR  # over before today: live chats are not split
    kinds = {e["type"] for e in out.events}
    assert kinds == {"impression", "click", "add_to_cart", "order"}


def test_the_event_file_is_clean_and_the_report_says_synthetic(demo_inputs: dict[str, Any], tmp_path: Path) -> None:
    out = _run(demo_inputs)
    path = write_events_csv(out, tmp_path / "events.csv.gz")
    log = read_events(path)
    assert log.bad.total == 0 and len(log.events) == len(out.events)
    report = report_from_file(path, options=KpiOptions(control_share=CONTROL_SHARE),
                              salt=out.experiment["salt"])
    assert report.synthetic and report.events.synthetic == len(out.events)
    assert any(w.startswith("synthetic data") for w in report.warnings)
    assert report.sessions.treatment > 0 and report.sessions.control > 0
    assert set(report.ctr) == {"chat", "widget"} and set(report.ctr_by_segment) >= {"retail", "energy_pv"}


def test_writing_replaces_the_demo_rows_and_keeps_the_others(demo_inputs: dict[str, Any], engine: Engine) -> None:
    out = _run(demo_inputs)
    keys = [c["external_id"] for c in demo_inputs["companies"]]
    with Session(engine) as s:
        store.add_events(s, rows=[{"event_id": "kept", "ts": ANCHOR, "session_id": "x", "company": "OTHER-1",
                                   "type": "click", "sku": "S201-B16"}], source="import")
        s.commit()
    for _ in range(2):
        with engine.begin() as conn:
            written = write_responses(conn, out, demo_companies=keys)
    with Session(engine) as s:
        assert store.event_count(s) == written + 1
        assert [e.key for e in store.experiments(s)] == ["demo-42"]
        report = report_from_store(s, KpiOptions())
    assert report.synthetic and report.experiment is not None and report.experiment.key == "demo-42"
