"""Staff routes: GET /approvals, GET /approvals/{id}, POST /approvals/{id}/approve and /reject."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient
from page_client import login
from sqlmodel import Session

from guardrails.approvals import request_price_change
from store.models import PriceApproval


@pytest.fixture
def pending(world):  # type: ignore[no-untyped-def]
    """Return a factory of pending approvals for company A (or another company)."""

    def make(company_id: int | None = None, pct: int = 10) -> int:
        with Session(world.engine) as s:
            row = request_price_change(s, company_id=company_id or world.ids.company_a, conversation_id=None,
                                       skus=["S201-B16"], kind="discount",
                                       proposed_change={"discount_pct": pct, "unit_price": "16.64"},
                                       reason="customer asked for a volume discount")
            return int(row.id)  # type: ignore[arg-type]

    return make


def test_list_filters_by_status(client: TestClient, h, pending) -> None:  # type: ignore[no-untyped-def]
    approval_id = pending()
    r = client.get("/approvals", params={"status": "pending"}, headers=h["sales"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] == len(body["data"])
    assert approval_id in [a["id"] for a in body["data"]]
    assert all(a["status"] == "pending" for a in body["data"])
    row = next(a for a in body["data"] if a["id"] == approval_id)
    assert row["company_name"] == "Elektro-Instal Kowalski Sp. z o.o."
    approved = client.get("/approvals", params={"status": "approved"}, headers=h["admin"]).json()["data"]
    assert approval_id not in [a["id"] for a in approved]


def test_list_bad_status_and_boundaries(client: TestClient, h) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/approvals", params={"status": "maybe"}, headers=h["sales"])
    assert r.status_code == 422
    assert r.json()["detail"].startswith("query.status: Input should be 'pending'")
    assert client.get("/approvals").status_code == 401
    r = client.get("/approvals", headers=h["a"])
    assert r.status_code == 403
    assert r.json()["detail"] == "the sales role is required"


def test_detail_with_audit_trail(client: TestClient, h, pending) -> None:  # type: ignore[no-untyped-def]
    approval_id = pending()
    r = client.get(f"/approvals/{approval_id}", headers=h["sales"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "pending" and body["proposed_change"]["discount_pct"] == 10
    assert [e["action"] for e in body["audit"]] == ["price_approval.requested"]
    r = client.get("/approvals/999999", headers=h["sales"])
    assert r.status_code == 404
    assert r.json()["detail"] == "approval 999999 not found"
    r = client.get(f"/approvals/{approval_id}", headers=h["a"])
    assert r.status_code == 403
    assert r.json()["detail"] == "the sales role is required"


def test_approve_exactly_once(client: TestClient, h, pending, world) -> None:  # type: ignore[no-untyped-def]
    approval_id = pending()
    r = client.post(f"/approvals/{approval_id}/approve", json={"note": "ok for this volume"}, headers=h["sales"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "approved" and body["decided_by"] == "sales.test"
    assert body["approved_unit_price"] == "16.64"
    assert [e["action"] for e in body["audit"]] == ["price_approval.requested", "price_approval.approved"]
    again = client.post(f"/approvals/{approval_id}/approve", headers=h["admin"])
    assert again.status_code == 409
    assert again.json()["detail"] == f"price approval {approval_id} is already approved"
    reject = client.post(f"/approvals/{approval_id}/reject", json={"note": "too late"}, headers=h["sales"])
    assert reject.status_code == 409
    offers = client.get("/me/approvals", headers=h["a"]).json()["data"]
    assert next(o for o in offers if o["id"] == approval_id)["status"] == "approved"


def test_concurrent_approvals_one_wins(client: TestClient, h, pending) -> None:  # type: ignore[no-untyped-def]
    approval_id = pending()
    codes: list[int] = []
    barrier = threading.Barrier(4)

    def go(who: str) -> None:
        barrier.wait()
        codes.append(client.post(f"/approvals/{approval_id}/approve", headers=h[who]).status_code)

    threads = [threading.Thread(target=go, args=(w,)) for w in ("sales", "admin", "sales", "admin")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 409, 409, 409]


def test_stale_version_is_409(client: TestClient, h, pending) -> None:  # type: ignore[no-untyped-def]
    approval_id = pending()
    r = client.post(f"/approvals/{approval_id}/approve", json={"expected_version": 7}, headers=h["sales"])
    assert r.status_code == 409
    assert "stale" in r.json()["detail"]


def test_reject_needs_a_note(client: TestClient, h, pending) -> None:  # type: ignore[no-untyped-def]
    approval_id = pending()
    r = client.post(f"/approvals/{approval_id}/reject", headers=h["sales"])
    assert r.status_code == 422
    assert r.json()["detail"] == "body: Field required"
    r = client.post(f"/approvals/{approval_id}/reject", json={"note": "  "}, headers=h["sales"])
    assert r.status_code == 422
    assert r.json()["detail"] == "note: a note is required to reject"
    r = client.post(f"/approvals/{approval_id}/reject", json={"note": "margin too low"}, headers=h["sales"])
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "rejected" and r.json()["note"] == "margin too low"


def test_decisions_boundaries(client: TestClient, h, pending, world) -> None:  # type: ignore[no-untyped-def]
    approval_id = pending()
    for path in ("approve", "reject"):
        r = client.post(f"/approvals/{approval_id}/{path}", json={"note": "mine now"}, headers=h["a"])
        assert r.status_code == 403
        assert r.json()["detail"] == "the sales role is required"
        assert client.post(f"/approvals/{approval_id}/{path}", json={"note": "x"}).status_code == 401
        r = client.post(f"/approvals/424242/{path}", json={"note": "x"}, headers=h["sales"])
        assert r.status_code == 404
        assert r.json()["detail"] == "approval 424242 not found"
    with Session(world.engine) as s:
        assert s.get(PriceApproval, approval_id).status.value == "pending"  # type: ignore[union-attr]


def test_the_decider_sees_catalogue_prices_and_what_a_percent_discount_grants(  # type: ignore[no-untyped-def]
        app, client: TestClient, h, tokens, world, pending) -> None:
    with Session(world.engine) as s:
        row = request_price_change(s, company_id=world.ids.company_a, conversation_id=None, skus=["S201-B16"],
                                   kind="discount", proposed_change={"discount_percent": 10}, reason="chat")
        approval_id = int(row.id)  # type: ignore[arg-type]
    body = client.get(f"/approvals/{approval_id}", headers=h["sales"]).json()
    assert body["catalogue_prices"] == {"S201-B16": "18.49"} and body["currency"] == "PLN"
    assert body["discounted_prices"] == {"S201-B16": "16.64"}  # 18.49 less 10 %
    priced = client.get(f"/approvals/{pending()}", headers=h["sales"]).json()
    assert priced["catalogue_prices"] == {"S201-B16": "18.49"} and priced["discounted_prices"] == {}
    staff = login(app, tokens["sales"])
    page = staff.get("/ui/staff").text
    card = page[page.index(f'id="approval-{approval_id}"'):]
    card = card[:card.find("<article", 1)].replace("\u00a0", " ")
    assert "18.49 PLN each" in card and "16.64 PLN each" in card  # the catalogue price and what approving grants
