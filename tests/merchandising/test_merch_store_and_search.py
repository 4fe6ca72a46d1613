"""Rules from the store applied where the products are shown: a rule changes a search's order as expected (the
``search_catalog`` tool over the real catalogue index), the recommendation blend, the hard filters' precedence, the
dry run's two lists, the staff API (role-checked, one audit row per change) and the CLI."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from core.config import Settings, apply_offline_env
from merchandising import RuleCreate
from merchandising import manage as rules
from store import audit, catalog
from store.models import Company, StaffRole
from tests.support.small_store import SmallStore, build_small_store
from tools import TOOLS, RunContext

QUERY = "MCB B16 1P"


@pytest.fixture
def world(resources: Any, tmp_path: Path) -> Iterator[tuple[Any, Engine, SmallStore, Settings]]:
    """The shared catalogue index and recommender over a fresh copy of the small store (same SKUs and ids), so
    rules and stock changes here never reach other tests."""
    from store.db import create_all, make_engine

    settings = Settings(data_dir=tmp_path / "var", _env_file=None, llm_base_url=None,  # type: ignore[call-arg]
                        rate_limits_enabled=False)
    settings.ensure_dirs()
    apply_offline_env(settings)
    engine = make_engine(settings)
    create_all(engine)
    ids = build_small_store(engine)
    yield dataclasses.replace(resources, engine=engine, settings=settings), engine, ids, settings
    engine.dispose()


def _ctx(res: Any, session: Session, company_id: int) -> RunContext:
    company = session.get(Company, company_id)
    assert company is not None
    session.expunge(company)
    return RunContext(resources=res, session=session, company=company, conversation_id=str(uuid.uuid4()))


def search(world: tuple[Any, Engine, SmallStore, Settings], query: str = QUERY, company: int | None = None,
           **args: Any) -> list[Any]:
    res, engine, ids, _ = world
    with Session(engine, expire_on_commit=False) as s:
        tool = TOOLS["search_catalog"]
        return list(tool.invoke(_ctx(res, s, company or ids.customer_id),
                                tool.parse_args({"query": query, "k": 5} | args)).items)


def add(engine: Engine, **fields: Any) -> int:
    with Session(engine) as s:
        row = rules.create_rule(s, body=RuleCreate.model_validate({"name": "test rule"} | fields), actor="staff:1")
        s.commit()
        return row.id


def test_a_rule_changes_the_order_of_a_search_as_expected(world: Any) -> None:
    _, engine, _, _ = world
    before = [c.sku for c in search(world)]
    assert len(before) == 5 and "S201-B16" in before
    last = before[-1]
    add(engine, action="pin", target="sku", value=last, position=1, query_contains="b16")
    after = search(world)
    assert [c.sku for c in after] == [last, *before[:-1]]
    pinned = after[0].premises[-1]
    assert (pinned.kind, pinned.text) == ("merchandising", "promoted by the shop")
    assert pinned.data["action"] == "pin" and pinned.data["position"] == 1
    assert after[0].premises[0].kind == "search"  # the ranking's own premises stay, the shop's come after
    assert all(p.kind != "merchandising" for c in search(world, query="busbar") for p in c.premises)  # query_contains


def test_hide_and_boost_by_brand_on_search(world: Any) -> None:
    _, engine, _, _ = world
    add(engine, action="hide", target="brand", value="ABB", surface="search")
    shown = search(world)
    assert shown and all(c.brand != "ABB" for c in shown) and len(shown) == 5  # fetched more to stay full
    add(engine, action="boost", target="brand", value="Legrand", weight=2.0)
    assert search(world)[0].brand == "Legrand"


def test_segment_rules_skip_a_company_that_objected_to_profiling(world: Any) -> None:
    _, engine, ids, _ = world
    add(engine, action="pin", target="sku", value="RX3-1P-B10", position=1, segment="electrical_installer")
    assert search(world)[0].sku == "RX3-1P-B10"
    assert search(world, company=ids.other_id)[0].sku != "RX3-1P-B10"  # construction
    with Session(engine) as s:
        company = s.get(Company, ids.customer_id)
        assert company is not None
        company.profiling_opt_out = True
        s.add(company)
        s.commit()
    assert search(world)[0].sku != "RX3-1P-B10"


def test_hard_filters_win_on_search(world: Any) -> None:
    _, engine, _, _ = world
    add(engine, action="pin", target="sku", value="RX3-1P-B10", position=1)
    add(engine, action="pin", target="sku", value="CLS6-B16-1P", position=2)
    with Session(engine) as s:
        rows = catalog.products_by_sku(s, skus=["RX3-1P-B10", "CLS6-B16-1P"])
        rows["RX3-1P-B10"].stock = 0
        rows["CLS6-B16-1P"].active = False
        s.add_all(rows.values())
        s.commit()
    shown = search(world)
    assert shown[0].sku != "RX3-1P-B10" and "CLS6-B16-1P" not in {c.sku for c in shown}
    assert all(p.kind != "merchandising" for c in shown for p in c.premises)
    with Session(engine) as s:
        row = catalog.products_by_sku(s, skus=["S201-B16"])["S201-B16"]
        row.attributes = {**row.attributes, "sold_to": ["construction"]}
        s.add(row)
        s.commit()
    assert "S201-B16" not in {c.sku for c in search(world)}


def test_rules_apply_to_the_recommendation_blend(world: Any) -> None:
    res, engine, ids, _ = world
    tool = TOOLS["recommend_for_customer"]

    def recommend() -> list[str]:
        with Session(engine, expire_on_commit=False) as s:
            return [c.sku for c in tool.invoke(_ctx(res, s, ids.customer_id), tool.parse_args({"k": 5})).items]

    before = recommend()
    assert before
    add(engine, action="pin", target="sku", value="DP-M25", position=1, surface="recommendations")
    add(engine, action="hide", target="sku", value=before[0], surface="recommendations")
    after = recommend()
    assert after[0] == "DP-M25" and before[0] not in after
    assert search(world)[0].sku != "DP-M25"  # a recommendations rule leaves the search alone


def test_dry_run_shows_both_lists(world: Any) -> None:
    res, engine, _, _ = world
    from merchandising.dryrun import dry_run
    from merchandising.models import DryRunRequest

    add(engine, action="bury", target="brand", value="ABB", weight=3.0)
    with Session(engine) as s:
        out = dry_run(s, DryRunRequest(query=QUERY, k=5), lambda n: res.catalog.search(QUERY, k=n))
        draft = dry_run(s, DryRunRequest(query=QUERY, k=5, rules=[RuleCreate(
            name="draft", action="pin", target="sku", value="DP-M20", position=1)]),
            lambda n: res.catalog.search(QUERY, k=n))
    without = [r.sku for r in out.without_rules]
    with_rules = [r.sku for r in out.with_rules]
    assert without == [h.sku for h in res.catalog.search(QUERY, k=10)][:5]  # the plain search, hard-filtered
    abb = {r.sku for r in out.without_rules if r.brand == "ABB"}
    assert abb and without != with_rules
    brands = [r.brand for r in out.with_rules]
    assert "ABB" not in brands or brands.index("ABB") > max(i for i, b in enumerate(brands) if b != "ABB")
    assert all(r.premises[0].text == "placed lower by the shop" for r in out.with_rules if r.brand == "ABB")
    assert next(r.sku for r in draft.with_rules) == "DP-M20" and draft.matched_rules == [-1]
    assert [r.sku for r in draft.without_rules] == without  # a draft replaces the stored rules, stores nothing


def _token(engine: Engine, role: str, **ids: int) -> dict[str, str]:
    from portal.auth import issue_token

    with Session(engine) as s:
        token = issue_token(s, role=role, **ids)
        s.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api(world: Any) -> Iterator[tuple[TestClient, dict[str, dict[str, str]], Engine]]:
    from portal.app import create_app
    from store.accounts import add_staff

    res, engine, ids, settings = world
    with Session(engine) as s:
        staff = add_staff(s, username="merch", full_name="Merch Staff", role=StaffRole.sales)
        s.commit()
        staff_id = staff.id
    headers = {"staff": _token(engine, "sales", staff_user_id=staff_id),
               "customer": _token(engine, "customer", contact_id=ids.contact_id)}
    with TestClient(create_app(settings, res)) as client:
        yield client, headers, engine


def test_staff_api_with_an_audit_row_per_change(api: Any) -> None:
    client, h, engine = api
    body = {"name": "Legrand first", "action": "boost", "target": "brand", "value": "Legrand", "weight": 2.0,
            "query_contains": "mcb"}
    created = client.post("/merchandising/rules", json=body, headers=h["staff"])
    assert created.status_code == 201, created.text
    rule = created.json()
    assert rule["version"] == 1 and rule["created_by"].startswith("staff:")
    assert [a["action"] for a in rule["audit"]] == ["merch_rule.create"]
    changed = client.patch(f"/merchandising/rules/{rule['id']}", headers=h["staff"],
                           json={"changes": {"enabled": False}, "expected_version": 1})
    assert changed.status_code == 200 and changed.json()["enabled"] is False and changed.json()["version"] == 2
    assert changed.json()["audit"][-1]["details"]["before"]["enabled"] is True
    stale = client.patch(f"/merchandising/rules/{rule['id']}", headers=h["staff"],
                         json={"changes": {"enabled": True}, "expected_version": 1})
    assert stale.status_code == 409 and "version 2" in stale.json()["detail"]
    listed = client.get("/merchandising/rules", headers=h["staff"]).json()
    assert listed["count"] == 1 and listed["data"][0]["id"] == rule["id"]
    preview = client.post("/merchandising/dry-run", headers=h["staff"],
                          json={"query": QUERY, "k": 5, "rules": [body]})
    assert preview.status_code == 200
    assert preview.json()["with_rules"][0]["brand"] == "Legrand" and preview.json()["without_rules"]
    deleted = client.delete(f"/merchandising/rules/{rule['id']}", headers=h["staff"])
    assert deleted.status_code == 200
    assert [a["action"] for a in deleted.json()["audit"]] == ["merch_rule.create", "merch_rule.update",
                                                              "merch_rule.delete"]
    with Session(engine) as s:
        assert len(audit.audit_trail(s, entity="merch_rule", entity_id=rule["id"])) == 3
    assert client.get(f"/merchandising/rules/{rule['id']}", headers=h["staff"]).status_code == 404


@pytest.mark.parametrize(("method", "path", "payload"), [
    ("get", "/merchandising/rules", None),
    ("post", "/merchandising/rules", {"name": "x", "action": "hide", "target": "brand", "value": "ABB"}),
    ("patch", "/merchandising/rules/1", {"changes": {"enabled": False}}),
    ("delete", "/merchandising/rules/1", None),
    ("post", "/merchandising/dry-run", {"query": "mcb"}),
])
def test_staff_routes_refuse_customers_and_anonymous_callers(api: Any, method: str, path: str,
                                                             payload: dict[str, Any] | None) -> None:
    client, h, engine = api
    kwargs = {"json": payload} if payload is not None else {}
    assert getattr(client, method)(path, headers=h["customer"], **kwargs).status_code == 403
    assert getattr(client, method)(path, **kwargs).status_code == 401
    with Session(engine) as s:
        assert rules.list_rules(s).count == 0


@pytest.mark.parametrize(("payload", "detail"), [
    ({"name": "x", "action": "pin", "target": "sku", "value": "NOPE-1", "position": 1}, "no product with SKU"),
    ({"name": "x", "action": "pin", "target": "sku", "value": "DP-M20"}, "a pin names one product"),
    ({"name": "x", "action": "boost", "target": "brand", "value": "ABB", "weight": 50}, "weight"),
])
def test_bad_rules_are_a_readable_422(api: Any, payload: dict[str, Any], detail: str) -> None:
    client, h, _ = api
    res = client.post("/merchandising/rules", json=payload, headers=h["staff"])
    assert res.status_code == 422 and detail in res.json()["detail"]


def test_patch_validates_the_merged_rule(api: Any) -> None:
    client, h, _ = api
    rule = client.post("/merchandising/rules", headers=h["staff"], json={
        "name": "pin", "action": "pin", "target": "sku", "value": "DP-M20", "position": 1}).json()
    res = client.patch(f"/merchandising/rules/{rule['id']}", headers=h["staff"],
                       json={"changes": {"position": None}})
    assert res.status_code == 422 and "a pin names one product" in res.json()["detail"]
    res = client.patch(f"/merchandising/rules/{rule['id']}", headers=h["staff"], json={"changes": {"colour": 1}})
    assert res.status_code == 422 and "unknown field" in res.json()["detail"]
    assert client.patch("/merchandising/rules/999", headers=h["staff"], json={"changes": {}}).status_code == 404


def test_cli_manages_rules(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from salesagent.cli import app

    _, engine, _, settings = world
    monkeypatch.setenv("SALESAGENT_DATA_DIR", str(settings.data_dir))
    from core.config import get_settings

    get_settings.cache_clear()
    try:
        runner = CliRunner()
        res = runner.invoke(app, ["merchandising", "add", ('{"name": "Hager down", "action": "bury", '
                                  '"target": "brand", "value": "Hager", "weight": 0.5}')])
        assert res.exit_code == 0, res.output
        assert "added rule" in res.output
        res = runner.invoke(app, ["merchandising", "disable", "1"])
        assert res.exit_code == 0 and "disabled (version 2)" in res.output
        res = runner.invoke(app, ["merchandising", "list", "--json"])
        assert '"Hager down"' in res.output and '"enabled": false' in res.output
        bad = runner.invoke(app, ["merchandising", "add", '{"name": "x", "action": "pin"}'])
        assert bad.exit_code != 0 and "target" in str(bad.exception)
        with Session(engine) as s:
            assert [a.actor for a in audit.audit_trail(s, entity="merch_rule", entity_id=1)] == ["cli", "cli"]
    finally:
        get_settings.cache_clear()


def _page_login(client: TestClient, token_header: dict[str, str]) -> str:
    """Log in through the login form like a browser; return the page's form token."""
    import re

    form = client.get("/")
    csrf = re.search(r'name="csrf" value="([0-9A-Za-z_-]+)"', form.text)
    assert csrf
    token = token_header["Authorization"].removeprefix("Bearer ")
    assert client.post("/ui/login", data={"token": token, "csrf": csrf.group(1)},
                       follow_redirects=False).status_code == 303
    page = client.get("/ui/merchandising")
    found = re.search(r'name="csrf" value="([0-9A-Za-z_-]+)"', page.text)
    assert page.status_code == 200 and found
    return found.group(1)


def test_staff_page_adds_previews_toggles_and_deletes(api: Any) -> None:
    import re

    client, h, engine = api
    csrf = _page_login(client, h["staff"])
    added = client.post("/ui/merchandising/rules", follow_redirects=False, data={
        "csrf": csrf, "name": "Glands first", "action": "pin", "target": "sku", "value": "DP-M20",
        "position": "1", "query_contains": "mcb", "valid_from": "2026-01-01T00:00"})
    assert added.status_code == 303, added.text
    page = client.get("/ui/merchandising", params={"query": QUERY})
    assert 'id="rule-1"' in page.text and 'id="merch-without"' in page.text
    with_list = page.text.split('id="merch-with"')[1]
    assert re.findall(r'data-sku="([^"]+)"', with_list)[0] == "DP-M20"
    assert "promoted by the shop (Glands first)" in with_list
    assert 'data-sku="DP-M20"' not in page.text.split('id="merch-without"')[1].split('id="merch-with"')[0]
    toggled = client.post("/ui/merchandising/rules/1/toggle", follow_redirects=False,
                          data={"csrf": csrf, "enabled": "false", "expected_version": "1"})
    assert toggled.status_code == 303
    bad = client.post("/ui/merchandising/rules", data={"csrf": csrf, "name": "x", "action": "pin", "target": "sku",
                                                       "value": "DP-M20"})
    assert bad.status_code == 422 and "a pin names one product" in bad.text
    assert client.post("/ui/merchandising/rules/1/delete", data={"csrf": "wrong"}).status_code == 403
    assert client.post("/ui/merchandising/rules/1/delete", follow_redirects=False,
                       data={"csrf": csrf}).status_code == 303
    with Session(engine) as s:
        assert [a.action for a in audit.audit_trail(s, entity="merch_rule", entity_id=1)] == [
            "merch_rule.create", "merch_rule.update", "merch_rule.delete"]


def test_customers_cannot_open_the_staff_page(api: Any) -> None:
    client, h, _ = api
    import re

    form = client.get("/")
    csrf = re.search(r'name="csrf" value="([0-9A-Za-z_-]+)"', form.text)
    assert csrf
    client.post("/ui/login", data={"token": h["customer"]["Authorization"].removeprefix("Bearer "),
                                   "csrf": csrf.group(1)}, follow_redirects=False)
    assert client.get("/ui/merchandising").status_code == 403
