"""GET /recommendations (product, cart, none) and GET /recommendations/{id}/why, with company boundaries."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from store.models import Recommendation


def test_recommendations_without_context(client: TestClient, h) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/recommendations", headers=h["a"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] == len(body["data"]) > 0
    assert all(item["recommendation_id"] and item["justification"] for item in body["data"])


def test_recommendations_for_a_product_exclude_it(client: TestClient, h) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/recommendations", params={"context": "product", "sku": "RN-12", "k": 3}, headers=h["a"])
    assert r.status_code == 200, r.text
    skus = [d["sku"] for d in r.json()["data"]]
    assert 0 < len(skus) <= 3 and "RN-12" not in skus


def test_recommendations_for_a_cart_exclude_its_items(client: TestClient, h) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/recommendations", params=[("context", "cart"), ("cart", "S201-B16"), ("cart", "F202-AC-25")],
                   headers=h["a"])
    assert r.status_code == 200, r.text
    skus = [d["sku"] for d in r.json()["data"]]
    assert skus and not {"S201-B16", "F202-AC-25"} & set(skus)


def test_unknown_context_sku_is_404(client: TestClient, h) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/recommendations", params={"context": "product", "sku": "NOPE-1"}, headers=h["a"])
    assert r.status_code == 404
    assert r.json()["detail"] == "unknown product sku: NOPE-1"


def test_context_without_its_sku_is_422(client: TestClient, h) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/recommendations", params={"context": "product"}, headers=h["a"])
    assert r.status_code == 422
    assert r.json()["detail"] == "query: context=product needs sku"
    r = client.get("/recommendations", params={"context": "basket"}, headers=h["a"])
    assert r.status_code == 422
    assert r.json()["detail"].startswith("query.context: Input should be 'none', 'product' or 'cart'")
    r = client.get("/recommendations", params={"k": 0}, headers=h["a"])
    assert r.status_code == 422


def test_recommendations_need_a_customer(client: TestClient, h) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/recommendations").status_code == 401
    r = client.get("/recommendations", headers=h["sales"])
    assert r.status_code == 403
    assert r.json()["detail"] == "this route is for customer accounts"


def _first_rec_id(client: TestClient, headers: dict[str, str]) -> int:
    data = client.get("/recommendations", headers=headers).json()["data"]
    return int(data[0]["recommendation_id"])


def test_why_gives_the_stored_premises_in_words(client: TestClient, h, world) -> None:  # type: ignore[no-untyped-def]
    rec_id = _first_rec_id(client, h["a"])
    r = client.get(f"/recommendations/{rec_id}/why", headers=h["a"])
    assert r.status_code == 200, r.text
    body = r.json()
    with Session(world.engine) as s:
        row = s.get(Recommendation, rec_id)
    assert body["recommendation_id"] == rec_id and body["surface"] == "widget"
    assert body["justification"] == row.justification  # type: ignore[union-attr]
    assert body["premises"] and all(isinstance(p, str) and p for p in body["premises"])


def test_why_of_another_companys_recommendation_is_forbidden(client: TestClient, h) -> None:  # type: ignore[no-untyped-def]
    theirs = _first_rec_id(client, h["b"])
    r = client.get(f"/recommendations/{theirs}/why", headers=h["a"])
    assert r.status_code == 403
    assert r.json()["detail"] == f"recommendation {theirs} belongs to another company"


def test_why_unknown_is_404_and_staff_may_read(client: TestClient, h) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/recommendations/987654/why", headers=h["a"])
    assert r.status_code == 404
    assert r.json()["detail"] == "recommendation 987654 not found"
    assert client.get("/recommendations/1/why").status_code == 401
    rec_id = _first_rec_id(client, h["b"])
    assert client.get(f"/recommendations/{rec_id}/why", headers=h["sales"]).status_code == 200
    r = client.get("/recommendations/abc/why", headers=h["a"])
    assert r.status_code == 422
    assert r.json()["detail"].startswith("path.recommendation_id: Input should be a valid integer")


def test_the_shops_rules_apply_to_the_widget(client: TestClient, h) -> None:  # type: ignore[no-untyped-def]
    """Issue 24: merchandising applies in the recommendation blend on every surface, the widget included; a
    pinned product comes first with its "promoted by the shop" premise, and a hidden one is left out."""
    before = [d["sku"] for d in client.get("/recommendations", params={"k": 4}, headers=h["a"]).json()["data"]]
    assert len(before) >= 2
    pinned, hidden = before[-1], before[0]
    made = [client.post("/merchandising/rules", headers=h["sales"], json=body).json()["id"] for body in (
        {"name": "widget pin", "action": "pin", "target": "sku", "value": pinned, "position": 1,
         "surface": "recommendations"},
        {"name": "widget hide", "action": "hide", "target": "sku", "value": hidden})]
    try:
        data = client.get("/recommendations", params={"k": 4}, headers=h["a"]).json()["data"]
        skus = [d["sku"] for d in data]
        assert skus[0] == pinned and hidden not in skus
        assert any("promoted by the shop" in p for p in data[0]["premises"])
    finally:
        for rule_id in made:
            assert client.delete(f"/merchandising/rules/{rule_id}", headers=h["sales"]).status_code == 200
    assert [d["sku"] for d in client.get("/recommendations", params={"k": 4}, headers=h["a"]).json()["data"]
            ] == before
