"""The demo generator: size, realism and the statistical properties it promises; determinism; idempotency."""

from __future__ import annotations

import itertools
import os
import statistics
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.engine import Engine
from store_test_helpers import DEMO_SEED, DEMO_TODAY, fingerprint

from store.demo import generate_demo
from store.demo._common import is_valid_ean13
from store.demo.customers import is_valid_nip


def _rows(engine: Engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def test_catalogue_size_categories_and_codes(demo_db) -> None:
    _, engine, report = demo_db
    rows = _rows(engine, "select sku, ean, category, attributes, unit_price from product where source='demo'")
    assert len(rows) == report.products >= 3000
    tops = Counter(r[2].split(" > ")[0] for r in rows)
    assert len(tops) == report.top_categories >= 15, tops
    assert all(count >= 10 for count in tops.values()), tops
    assert len({r[0] for r in rows}) == len(rows)
    assert all(r[1] and is_valid_ean13(r[1]) for r in rows)
    assert len({r[1] for r in rows}) == len(rows)
    assert all(float(r[4]) > 0 for r in rows)


def test_well_known_sku_and_specific_attributes(demo_db) -> None:
    _, engine, _ = demo_db
    import json

    (name, attrs, category), = _rows(engine, "select name, attributes, category from product where sku='S201-B16'")
    attrs = json.loads(attrs) if isinstance(attrs, str) else attrs
    assert attrs["rated_current_a"] == 16 and attrs["poles"] == 1 and attrs["curve"] == "B"
    assert "MCB" in name and "Miniature circuit breakers" in category
    cables = _rows(engine, "select sku from product where sku in ('YDY-3x2.5-100', 'YKY-5x10-M', 'NYM-J-3x1.5-100')")
    assert len(cables) == 3
    keys = Counter()
    for (a,) in _rows(engine, "select attributes from product where source='demo'"):
        keys.update((json.loads(a) if isinstance(a, str) else a).keys())
    for key in ("rated_current_a", "poles", "curve", "breaking_capacity_ka", "ip_rating", "cross_section_mm2",
                "cores", "colour_temperature_k", "power_w", "voltage_v", "residual_current_ma"):
        assert keys[key] >= 20, key
    ips = {r[0] for r in _rows(engine, "select json_extract(attributes, '$.ip_rating') from product "
                                        "where json_extract(attributes, '$.ip_rating') is not null")}
    assert all(isinstance(v, int) for v in ips) and {20, 44, 65, 68} <= ips


def test_accessory_relations_cover_the_promised_chains(demo_db) -> None:
    _, engine, _ = demo_db
    pairs = _rows(engine, "select p.category, r.category from productrelation x join product p on "
                          "p.id=x.product_id join product r on r.id=x.related_product_id")
    kinds = {(a.split(" > ")[-1], b.split(" > ")[-1]) for a, b in pairs}
    assert ("Surface-mounted boards", "DIN rails") in kinds
    assert ("DIN rails", "Busbars") in kinds
    assert ("Miniature circuit breakers (MCB)", "Busbars") in kinds
    assert ("Miniature circuit breakers (MCB)", "Labels") in kinds
    assert ("LED strips", "Constant voltage") in kinds
    assert ("Installation cables", "Cable glands") in kinds and ("Installation cables", "Conduits") in kinds


def test_companies_contacts_and_protected_attributes(demo_db) -> None:
    _, engine, report = demo_db
    rows = _rows(engine, "select id, industry, size_band, region, nip, behaviour_legal_basis, profiling_opt_out "
                         "from company where source='demo'")
    assert len(rows) == report.companies >= 800
    assert len({r[1] for r in rows}) >= 6 and {r[2] for r in rows} == {"micro", "small", "medium", "large"}
    assert len({r[3] for r in rows}) == 16
    assert all(is_valid_nip(r[4]) for r in rows)
    bases = Counter(r[5] for r in rows)
    assert set(bases) == {"consent", "legitimate_interest", "none"}
    assert all(count / len(rows) >= 0.08 for count in bases.values()), bases
    opt_out = sum(r[6] for r in rows) / len(rows)
    assert 0.005 <= opt_out <= 0.1
    without_contact = _rows(engine, "select count(*) from company c where source='demo' and not exists "
                                    "(select 1 from contact k where k.company_id=c.id)")
    assert without_contact == [(0,)]
    (contacts, protected), = _rows(engine, "select (select count(*) from contact), "
                                           "(select count(*) from protectedattributes)")
    assert contacts == protected == report.contacts
    emails = _rows(engine, "select email, phone from contact limit 200")
    assert all("@" in e and p.startswith("+48 ") for e, p in emails)
    roles = {r[0] for r in _rows(engine, "select role from staffuser")}
    assert roles == {"sales", "admin"}


def _orders(engine: Engine) -> tuple[dict[int, tuple[int, datetime]], dict[int, set[int]], dict[int, str]]:
    orders = {oid: (cid, datetime.fromisoformat(str(t))) for oid, cid, t in
              _rows(engine, "select id, company_id, ordered_at from orders where source='demo'")}
    lines: dict[int, set[int]] = defaultdict(set)
    for oid, pid in _rows(engine, "select order_id, product_id from orderline"):
        lines[oid].add(pid)
    industry = dict(_rows(engine, "select id, industry from company"))
    return orders, lines, industry


def test_history_spans_24_months_and_ends_near_today(demo_db) -> None:
    _, engine, _ = demo_db
    orders, _, _ = _orders(engine)
    first = min(t for _, t in orders.values())
    last = max(t for _, t in orders.values())
    today = datetime(DEMO_TODAY.year, DEMO_TODAY.month, DEMO_TODAY.day)
    assert (last - first).days >= 730
    assert timedelta(0) < today - last.replace(tzinfo=None) <= timedelta(days=5)


def test_accessories_join_main_items_at_industry_dependent_rates(demo_db) -> None:
    _, engine, _ = demo_db
    orders, lines, industry = _orders(engine)
    related: dict[int, set[int]] = defaultdict(set)
    for a, b in _rows(engine, "select product_id, related_product_id from productrelation"):
        related[a].add(b)
    hits, totals = Counter(), Counter()
    for oid, products in lines.items():
        ind = industry[orders[oid][0]]
        for pid in products:
            if related.get(pid):
                totals[ind] += 1
                hits[ind] += bool(related[pid] & products)
    rate = {k: hits[k] / totals[k] for k in totals}
    assert rate["electrical_installer"] >= 0.45, rate
    assert rate["retail"] <= 0.25, rate
    assert rate["electrical_installer"] - rate["retail"] >= 0.25, rate
    assert rate["energy_pv"] > rate["facility_management"], rate


def test_repeat_purchases_follow_a_replenishment_rhythm(demo_db) -> None:
    _, engine, _ = demo_db
    orders, lines, _ = _orders(engine)
    dates: dict[tuple[int, int], list[datetime]] = defaultdict(list)
    for oid, products in lines.items():
        for pid in products:
            dates[(orders[oid][0], pid)].append(orders[oid][1])
    total = sum(len(v) for v in dates.values())
    repeats = sum(len(v) - 1 for v in dates.values())
    assert repeats / total >= 0.4
    regular = [sorted(v) for v in dates.values() if len(v) >= 5]
    assert len(regular) >= 500
    gaps = [statistics.median((b - a).days for a, b in itertools.pairwise(v)) for v in regular]
    assert 14 <= statistics.median(gaps) <= 120
    # a rhythm, not chance: the gaps of one pair vary less than the exponential gaps of random buying (CV 1)
    cvs = [statistics.pstdev(g) / statistics.mean(g) for v in regular
           if statistics.mean(g := [(b - a).days + 0.5 for a, b in itertools.pairwise(v)]) > 0]
    assert statistics.median(cvs) < 0.8


def test_cold_start_companies_and_new_products_exist(demo_db) -> None:
    _, engine, report = demo_db
    (cold,), = _rows(engine, "select count(*) from company c where source='demo' and not exists (select 1 from "
                             "orders o where o.company_id=c.id) and not exists (select 1 from event e where "
                             "e.company_id=c.id)")
    assert cold == report.cold_start_companies >= 20
    cutoff = datetime(DEMO_TODAY.year, DEMO_TODAY.month, DEMO_TODAY.day) - timedelta(days=30)
    new = _rows(engine, "select p.id, p.created_at from product p where source='demo' and not exists "
                        "(select 1 from orderline l where l.product_id=p.id)")
    recent = [pid for pid, created in new if datetime.fromisoformat(str(created)).replace(tzinfo=None) >= cutoff]
    assert len(recent) == report.new_products >= 50


def test_events_carry_the_company_legal_basis_and_some_sessions_are_abandoned(demo_db) -> None:
    _, engine, _ = demo_db
    types = {r[0] for r in _rows(engine, "select distinct type from event")}
    assert types == {"view", "search", "add_to_cart", "impression", "click"}
    (mismatch,), = _rows(engine, "select count(*) from event e join company c on c.id=e.company_id "
                                 "where e.legal_basis != c.behaviour_legal_basis")
    assert mismatch == 0
    bases = Counter(r[0] for r in _rows(engine, "select legal_basis from event"))
    assert set(bases) == {"consent", "legitimate_interest", "none"}
    searches = _rows(engine, "select query from event where type='search'")
    assert all(q and q[0] for q in searches)
    orders, lines, _ = _orders(engine)
    bought: dict[int, list[tuple[datetime, set[int]]]] = defaultdict(list)
    for oid, (cid, t) in orders.items():
        bought[cid].append((t, lines[oid]))
    abandoned = 0
    for sid, cid, pid, t in _rows(engine, "select session_id, company_id, product_id, max(occurred_at) from event "
                                          "where type='add_to_cart' and company_id is not null "
                                          "group by session_id, product_id"):
        when = datetime.fromisoformat(str(t))
        if not any(pid in items and when <= ot <= when + timedelta(days=14) for ot, items in bought[cid]):
            abandoned += 1
    assert abandoned >= 500


def test_same_seed_gives_the_same_data_in_another_process(demo_db) -> None:
    """The generator output (before the database) hashes the same under another PYTHONHASHSEED."""
    code = (
        "import hashlib, random, json, sys\n"
        "from datetime import datetime, UTC\n"
        "from store.demo.catalog import build_catalog\n"
        "from store.demo.customers import build_customers\n"
        "from store.demo.activity import simulate\n"
        "a = datetime(2026, 11, 27, tzinfo=UTC)\n"
        "r = random.Random(5)\n"
        "c = build_catalog(random.Random(r.random()), a)\n"
        "co, pr, ct, pa = build_customers(random.Random(r.random()), 5, a, 120, a.replace(year=2024))\n"
        "act = simulate(random.Random(r.random()), c.products, c.accessories(), pr, a)\n"
        "blob = json.dumps([[p['sku'], str(p['unit_price']), p['ean']] for p in c.products] + c.relations + "
        "[sorted(x.items()) for x in co] + ct + act.orders + act.lines + act.events, default=str)\n"
        "print(hashlib.sha256(blob.encode()).hexdigest())\n"
    )
    outs = set()
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        outs.add(run.stdout.strip())
    assert len(outs) == 1


def test_regenerating_is_idempotent_and_keeps_imported_rows(demo_db, tmp_path) -> None:
    settings, engine, report = demo_db
    before = fingerprint(engine)
    with engine.begin() as conn:
        conn.execute(text("insert into company (external_id, name, funnel_stage, marketing_consent, "
                          "behaviour_legal_basis, profiling_opt_out, source, created_at) values ('OR-C1', 'Kept', "
                          "'customer', 0, 'legitimate_interest', 0, 'online-retail', '2026-01-01 00:00:00')"))
    again = generate_demo(settings, engine, seed=DEMO_SEED, today=DEMO_TODAY)
    assert fingerprint(engine) == before
    assert (again.orders, again.order_lines, again.events) == (report.orders, report.order_lines, report.events)
    assert _rows(engine, "select name from company where external_id='OR-C1'") == [("Kept",)]
    (n,), = _rows(engine, "select count(*) from company where source='demo'")
    assert n == report.companies


def test_another_seed_gives_other_data(demo_db) -> None:
    import random

    from store.demo.catalog import build_catalog

    anchor = datetime(2026, 11, 27, tzinfo=UTC)
    a = build_catalog(random.Random(1), anchor)
    b = build_catalog(random.Random(2), anchor)
    assert [p["sku"] for p in a.products] == [p["sku"] for p in b.products]
    assert [p["unit_price"] for p in a.products] != [p["unit_price"] for p in b.products]
    assert {p["sku"] for p in a.products if p["_new"]} != {p["sku"] for p in b.products if p["_new"]}
