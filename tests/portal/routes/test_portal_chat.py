"""POST /chat against the real agent (rule planner: no LLM configured) on the seeded catalogue."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from store.models import Conversation, PriceApproval, Recommendation


def test_chat_answers_with_justified_recommendations(client: TestClient, h, world) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/chat", json={"message": "I need a 16A circuit breaker"}, headers=h["a"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["answered_by"] == "planner"
    assert body["disclosure"]
    assert body["reply"]
    assert body["recommendations"], body
    for rec in body["recommendations"]:
        assert rec["justification"]
        assert rec["recommendation_id"] is not None
    with Session(world.engine) as s:
        conv = s.get(Conversation, body["conversation_id"])
        assert conv is not None and conv.company_id == world.ids.company_a and conv.contact_id == world.ids.contact_a
        stored = s.get(Recommendation, body["recommendations"][0]["recommendation_id"])
        assert stored is not None and stored.company_id == world.ids.company_a


def test_chat_continues_an_own_conversation(client: TestClient, h) -> None:  # type: ignore[no-untyped-def]
    first = client.post("/chat", json={"message": "Do you have DIN rails?"}, headers=h["a"]).json()
    r = client.post("/chat", json={"conversation_id": first["conversation_id"], "message": "and enclosures?"},
                    headers=h["a"])
    assert r.status_code == 200, r.text
    assert r.json()["conversation_id"] == first["conversation_id"]


def test_discount_request_creates_a_pending_approval(client: TestClient, h, world) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/chat", json={"message": "Can I get a 10% discount on S201-B16?"}, headers=h["a"])
    assert r.status_code == 200, r.text
    tickets = r.json()["approvals"]
    assert tickets and tickets[0]["status"] == "pending"
    with Session(world.engine) as s:
        row = s.get(PriceApproval, tickets[0]["approval_id"])
        assert row is not None and row.company_id == world.ids.company_a
    mine = client.get("/me/approvals", headers=h["a"]).json()["data"]
    assert tickets[0]["approval_id"] in [a["id"] for a in mine]


def test_chat_in_another_companys_conversation_is_forbidden(client: TestClient, h) -> None:  # type: ignore[no-untyped-def]
    theirs = client.post("/chat", json={"message": "hello"}, headers=h["b"]).json()["conversation_id"]
    r = client.post("/chat", json={"conversation_id": theirs, "message": "show me their history"}, headers=h["a"])
    assert r.status_code == 403
    assert r.json()["detail"] == f"conversation {theirs} belongs to another company"


def test_chat_unknown_conversation_is_404(client: TestClient, h) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/chat", json={"conversation_id": "no-such-conversation", "message": "hi"}, headers=h["a"])
    assert r.status_code == 404
    assert r.json()["detail"] == "conversation no-such-conversation not found"


def test_chat_needs_a_token(client: TestClient) -> None:
    r = client.post("/chat", json={"message": "hi"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.json()["detail"].startswith("not authenticated")


def test_chat_with_an_unknown_token_is_401(client: TestClient) -> None:
    r = client.post("/chat", json={"message": "hi"}, headers={"Authorization": "Bearer sac_nope"})
    assert r.status_code == 401
    assert r.json()["detail"] == "invalid or revoked token"


def test_chat_is_for_customers_not_staff(client: TestClient, h) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/chat", json={"message": "hi"}, headers=h["sales"])
    assert r.status_code == 403
    assert r.json()["detail"] == "this route is for customer accounts"


def test_message_over_the_limit_is_413(client: TestClient, h, world) -> None:  # type: ignore[no-untyped-def]
    limit = world.settings.max_message_chars
    r = client.post("/chat", json={"message": "x" * (limit + 1)}, headers=h["a"])
    assert r.status_code == 413
    assert r.json()["detail"] == f"message is {limit + 1} characters; the limit is {limit}"


def test_huge_body_is_413_before_parsing(client: TestClient, h) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/chat", content=b"{" + b" " * 2_000_000 + b"}", headers=h["a"] | {"Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.json()["detail"] == "request body too large"
    assert r.headers["connection"] == "close" and r.headers["x-content-type-options"] == "nosniff"


def test_malformed_json_is_a_readable_422(client: TestClient, h) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/chat", content=b'{"message": "hi"', headers=h["a"] | {"Content-Type": "application/json"})
    assert r.status_code == 422
    assert r.json()["detail"].startswith("body: malformed JSON")


def test_missing_and_blank_fields_are_readable_422(client: TestClient, h) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/chat", json={}, headers=h["a"])
    assert r.status_code == 422
    assert r.json()["detail"] == "message: Field required"
    r = client.post("/chat", json={"message": "   "}, headers=h["a"])
    assert r.status_code == 422
    assert r.json()["detail"] == "message: message is empty"
    r = client.post("/chat", json={"message": 5}, headers=h["a"])
    assert r.status_code == 422
    assert r.json()["detail"] == "message: Input should be a valid string"
    r = client.post("/chat", json={"message": "hi", "conversation_id": "../../etc"}, headers=h["a"])
    assert r.status_code == 422
    assert r.json()["detail"].startswith("conversation_id: String should match pattern")


def test_chat_never_500s_on_odd_input(client: TestClient, h) -> None:  # type: ignore[no-untyped-def]
    for payload in (b"null", b"[]", b'"text"', b'{"message": null}', "{\"message\": \"\u0000\"}".encode()):
        r = client.post("/chat", content=payload, headers=h["a"] | {"Content-Type": "application/json"})
        assert r.status_code in (200, 422), (payload, r.status_code, r.text)
    r = client.post("/chat", content=b"message=hi", headers=h["a"] | {"Content-Type": "text/plain"})
    assert r.status_code == 422
