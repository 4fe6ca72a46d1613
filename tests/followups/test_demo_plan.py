"""The dry run on the generated demo (seed 42), through the real command: ``salesagent followups plan --at <a day
inside the demo period> --json`` lists abandoned visits, and every planned e-mail has the viewed product plus
exactly two accessories whose co-purchase counts, recomputed here from the store's order lines in plain Python,
reach the configured minimum and match the premises (issue 19 acceptance)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.config import Settings
from followups import models as m
from store.models import Company, Event, EventType, Product
from store.orders import order_line_rows

SALESAGENT = Path(sys.executable).parent / "salesagent"
DEMO_TODAY = date(2026, 11, 27)
PLAN_DAY = "2026-10-14"
"""A Wednesday inside the demo's history: the visits of Tuesday (and earlier ones still in the look-back)."""
KEYS = ["contact_id", "company_id", "session_id", "viewed_sku", "accessory_skus", "premises", "status", "reason"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Engine, list[dict[str, Any]]]]:
    """The migrated demo store and the plan command's JSON lines over it."""
    from store.db import make_engine
    from store.demo import generate_demo
    from store.migrate import upgrade_head

    root = tmp_path_factory.mktemp("fu-demo")
    settings = Settings(data_dir=root / "var", _env_file=None)  # type: ignore[call-arg]
    settings.ensure_dirs()
    engine = make_engine(settings)
    upgrade_head(engine)
    generate_demo(settings, engine, seed=42, today=DEMO_TODAY)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALESAGENT_")}
    env |= {"SALESAGENT_DATA_DIR": str(settings.data_dir), "SALESAGENT_FOLLOWUP_INTERVAL_MINUTES": "0"}
    done = subprocess.run([str(SALESAGENT), "followups", "plan", "--at", PLAN_DAY, "--json"], env=env, cwd=root,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    yield settings, engine, lines
    engine.dispose()


def _baskets(session: Session) -> tuple[dict[int, set[int]], dict[int, list[tuple[datetime, set[int]]]]]:
    """Every order's products, and each company's orders with their time, straight from the order lines."""
    baskets: dict[int, set[int]] = defaultdict(set)
    when: dict[int, tuple[int, datetime]] = {}
    for row in order_line_rows(session):
        baskets[row.order_id].add(row.product_id)
        when[row.order_id] = (row.company_id, row.ordered_at)
    by_company: dict[int, list[tuple[datetime, set[int]]]] = defaultdict(list)
    for order_id, (company_id, at) in when.items():
        by_company[company_id].append((at if at.tzinfo else at.replace(tzinfo=UTC), baskets[order_id]))
    return baskets, by_company


def test_the_demo_plan_lists_abandoned_visits_with_two_supported_accessories(
        demo: tuple[Settings, Engine, list[dict[str, Any]]]) -> None:
    settings, engine, lines = demo
    at = datetime.combine(date.fromisoformat(PLAN_DAY), time(23, 59, 59), tzinfo=ZoneInfo(settings.shop_timezone))
    assert lines and all(list(line) == KEYS for line in lines)
    planned = [line for line in lines if line["status"] == "planned"]
    reasons = Counter(line["reason"] for line in lines if line["status"] == "skipped")
    assert len(planned) >= 5, Counter(line["reason"] or "planned" for line in lines)
    assert set(reasons) <= set(m.SKIP_REASONS) and len(reasons) >= 3  # the demo has companies in every state
    assert all(line["reason"] is None for line in planned)
    with Session(engine) as s:
        products = {p.sku: p for p in s.exec(select(Product)).all()}
        sku_of = {p.id: sku for sku, p in products.items()}
        baskets, orders_of = _baskets(s)
        companies = {c.id: c for c in s.exec(select(Company)).all()}
        sessions = {line["session_id"] for line in lines}
        events = s.exec(select(Event).where(Event.session_id.in_(sessions))).all()  # type: ignore[attr-defined]
    by_session: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        by_session[e.session_id].append(e)

    for line in lines:  # every line is an abandoned visit of a known company: views, no add-to-cart
        visit = by_session[line["session_id"]]
        assert {e.company_id for e in visit} == {line["company_id"]} and line["company_id"] in companies
        assert any(e.type == EventType.view for e in visit)
        assert not any(e.type == EventType.add_to_cart for e in visit)

    for line in planned:
        viewed = products[line["viewed_sku"]]
        views = Counter(sku_of[e.product_id] for e in by_session[line["session_id"]]
                        if e.type == EventType.view and e.product_id is not None)
        assert views[viewed.sku] == max(views.values())  # the most viewed product of the visit
        assert len(line["accessory_skus"]) == 2 and viewed.sku not in line["accessory_skus"]
        with_viewed = [b for b in baskets.values() if viewed.id in b]
        premises = {p["sku"]: p for p in line["premises"]}
        assert premises[viewed.sku]["kind"] == "viewed" and premises[viewed.sku]["views"] == views[viewed.sku]
        since = at - timedelta(days=settings.followup_exclude_bought_days)
        bought = {sku_of[p] for t, b in orders_of[line["company_id"]] if t >= since for p in b}
        for sku in line["accessory_skus"]:
            accessory = products[sku]
            together = sum(1 for b in with_viewed if accessory.id in b)
            assert together >= settings.followup_min_support, (line["session_id"], sku, together)
            assert premises[sku]["together"] == together and premises[sku]["orders"] == len(with_viewed)
            assert premises[sku]["text"] == (f"added to the same order as {viewed.sku} in {together} of "
                                             f"{len(with_viewed)} orders")
            assert accessory.active and accessory.stock > 0 and accessory.category != viewed.category
            assert sku not in bought

    for line in (line for line in lines if line["reason"] == m.NO_ACCESSORY):  # and the skips hold too
        viewed = products[line["viewed_sku"]]
        since = at - timedelta(days=settings.followup_exclude_bought_days)
        bought = {sku_of[p] for t, b in orders_of[line["company_id"]] if t >= since for p in b}
        counts = Counter(sku_of[p] for b in baskets.values() if viewed.id in b for p in b if p != viewed.id)
        fit = [sku for sku, n in counts.items() if n >= settings.followup_min_support and products[sku].active
               and products[sku].stock > 0 and products[sku].category != viewed.category and sku not in bought]
        assert len(fit) < 2, (line["session_id"], fit)
