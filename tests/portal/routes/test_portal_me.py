"""POST /events, POST /me/profiling-opt-out, GET /me/data, DELETE /me, GET /me/approvals."""

from __future__ import annotations

from fastapi.testclient import TestClient
from portal_dataset import bearer
from sqlmodel import Session, select

from guardrails.approvals import request_price_change
from store.models import AuditLog, Company, Contact, Conversation, Event, MeasurementEvent, Message, Order


def test_event_takes_the_legal_basis_from_the_company(client: TestClient, h) -> None:  # type: ignore[no-untyped-def]
    body = {"type": "view", "session_id": "s-1", "sku": "S201-B16"}
    assert client.post("/events", json=body, headers=h["a"]).json()["legal_basis"] == "legitimate_interest"
    assert client.post("/events", json=body, headers=h["b"]).json()["legal_basis"] == "consent"
    r = client.post("/events", json={"type": "search", "session_id": "s-2", "query": "wyłącznik"}, headers=h["c"])
    assert r.status_code == 201, r.text
    assert r.json()["legal_basis"] == "none"  # consent basis chosen but never recorded


def test_event_ignores_a_legal_basis_sent_by_the_client(client: TestClient, h, world) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/events", json={"type": "click", "session_id": "s-3", "sku": "RN-12", "legal_basis": "consent"},
                    headers=h["a"])
    assert r.status_code == 201
    with Session(world.engine) as s:
        row = s.get(Event, r.json()["id"])
    assert row is not None and row.legal_basis.value == "legitimate_interest" and row.company_id == world.ids.company_a


def test_clicks_and_carts_reach_the_measurement_log_and_views_do_not(client: TestClient, h, world) -> None:  # type: ignore[no-untyped-def]
    """Issue 18: a shop-front click or add to cart is a measurement event (attributed by the KPIs), a view is not."""
    for body in ({"type": "click", "session_id": "m-1", "sku": "RN-12", "rec_request_id": "rq-7"},
                 {"type": "add_to_cart", "session_id": "m-1", "sku": "RN-12"},
                 {"type": "view", "session_id": "m-1", "sku": "RN-12"}):
        assert client.post("/events", json=body, headers=h["a"]).status_code == 201
    with Session(world.engine) as s:
        company = s.get(Company, world.ids.company_a)
        rows = s.exec(select(MeasurementEvent).where(MeasurementEvent.session_id == "m-1")).all()
    assert company is not None
    assert sorted(r.type.value for r in rows) == ["add_to_cart", "click"]
    assert {r.company for r in rows} == {company.external_id}
    assert {r.sku for r in rows} == {"RN-12"}
    assert {r.legal_basis.value for r in rows} == {"legitimate_interest"}
    assert [r.rec_request_id for r in rows if r.type.value == "click"] == ["rq-7"]
    r = client.post("/events", json={"type": "click", "session_id": "m-2", "sku": "RN-12", "rec_request_id": "a b"},
                    headers=h["a"])
    assert r.status_code == 422


def test_event_bad_input(client: TestClient, h) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/events", json={"type": "view", "session_id": "s", "sku": "NOPE"}, headers=h["a"])
    assert r.status_code == 404
    assert r.json()["detail"] == "unknown product sku: NOPE"
    r = client.post("/events", json={"type": "purchase", "session_id": "s", "sku": "RN-12"}, headers=h["a"])
    assert r.status_code == 422
    assert r.json()["detail"].startswith("type: Input should be")
    r = client.post("/events", json={"type": "search", "session_id": "s"}, headers=h["a"])
    assert r.status_code == 422
    assert r.json()["detail"] == "body: a search event needs query"
    r = client.post("/events", json={"type": "view", "session_id": "s"}, headers=h["a"])
    assert r.json()["detail"] == "body: a view event needs sku"


def test_events_need_a_customer(client: TestClient, h) -> None:  # type: ignore[no-untyped-def]
    body = {"type": "view", "session_id": "s", "sku": "RN-12"}
    assert client.post("/events", json=body).status_code == 401
    r = client.post("/events", json=body, headers=h["admin"])
    assert r.status_code == 403
    assert r.json()["detail"] == "this route is for customer accounts"


def test_profiling_opt_out_and_back(client: TestClient, new_customer, world) -> None:  # type: ignore[no-untyped-def]
    token, company_id, _ = new_customer()
    r = client.post("/me/profiling-opt-out", headers=bearer(token))
    assert r.status_code == 200, r.text
    assert r.json() == {"company_id": company_id, "profiling_opt_out": True,
                        "behaviour_legal_basis": "legitimate_interest"}
    assert client.get("/recommendations", headers=bearer(token)).status_code == 200
    r = client.post("/me/profiling-opt-out", json={"opt_out": False}, headers=bearer(token))
    assert r.json()["profiling_opt_out"] is False
    with Session(world.engine) as s:
        actions = [a.action for a in s.exec(select(AuditLog).where(AuditLog.entity == "company",
                                                                   AuditLog.entity_id == str(company_id)))]
    assert actions == ["profiling_opt_out", "profiling_opt_in"]
    assert client.post("/me/profiling-opt-out", json={"opt_out": "maybe"}, headers=bearer(token)).status_code == 422
    assert client.post("/me/profiling-opt-out").status_code == 401


def test_writing_no_profiling_in_chat_opts_out(client: TestClient, new_customer, world) -> None:  # type: ignore[no-untyped-def]
    """The disclosure line promises that writing "no profiling" opts out; it once searched the catalogue."""
    token, company_id, contact_id = new_customer()
    r = client.post("/chat", json={"message": "No profiling, please."}, headers=bearer(token))
    assert r.status_code == 200, r.text
    assert r.json()["reply"].startswith("Done: I recorded your company's objection to profiling.")
    again = client.post("/chat", json={"message": "Bez profilowania!"}, headers=bearer(token)).json()["reply"]
    assert again.startswith("Państwa firma już wyraziła sprzeciw wobec profilowania")
    with Session(world.engine) as s:
        company = s.get(Company, company_id)
        audit = s.exec(select(AuditLog).where(AuditLog.entity == "company", AuditLog.entity_id == str(company_id))).all()
    assert company is not None and company.profiling_opt_out
    # both requests are audited; the second changed nothing
    assert [(a.action, a.actor, a.details["via"]) for a in audit] == [
        ("profiling_opt_out", f"contact:{contact_id}", "chat")] * 2
    state = client.post("/me/profiling-opt-out", json={"opt_out": False}, headers=bearer(token)).json()
    assert state["profiling_opt_out"] is False  # withdrawn on the account page, as the reply says


def test_export_holds_own_data_only(client: TestClient, h, world) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/me/data", headers=h["a"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["contact"]["email"] == "jan.a@example.pl"
    assert body["company"]["id"] == world.ids.company_a
    assert body["orders"] and all(o["company_id"] == world.ids.company_a for o in body["orders"])
    assert body["orders"][0]["lines"][0]["sku"]
    assert all(e["company_id"] == world.ids.company_a for e in body["events"])
    assert "jan.b@example.pl" not in r.text
    assert "token_hash" not in r.text
    r = client.get("/me/data", headers=h["sales"])
    assert r.status_code == 403
    assert client.get("/me/data").status_code == 401


def test_erasure_removes_personal_data_and_keeps_aggregates(client: TestClient, new_customer, world) -> None:  # type: ignore[no-untyped-def]
    token, company_id, contact_id = new_customer()
    with Session(world.engine) as s:
        s.add(Conversation(id=f"erase-{contact_id}", company_id=company_id, contact_id=contact_id))
        s.flush()
        s.add(Message(conversation_id=f"erase-{contact_id}", role="user", masked_text="I am <PERSON_1>"))
        from datetime import UTC, datetime
        s.add(Order(external_id=f"ERASE-{contact_id}", company_id=company_id, ordered_at=datetime.now(UTC)))
        s.commit()
    client.post("/events", json={"type": "view", "session_id": "e", "sku": "RN-12"}, headers=bearer(token))
    r = client.delete("/me", headers=bearer(token))
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["contact_id"] == contact_id
    assert (report["messages_deleted"], report["conversations_detached"], report["tokens_revoked"]) == (1, 1, 1)
    with Session(world.engine) as s:
        contact = s.get(Contact, contact_id)
        assert contact is not None
        assert (contact.full_name, contact.email, contact.phone) == (f"erased contact {contact_id}", None, None)
        assert s.exec(select(Message).where(Message.conversation_id == f"erase-{contact_id}")).all() == []
        assert s.get(Conversation, f"erase-{contact_id}").contact_id is None  # type: ignore[union-attr]
        assert s.exec(select(Order).where(Order.company_id == company_id)).all()
        assert s.exec(select(Event).where(Event.company_id == company_id)).all()
        audit = s.exec(select(AuditLog).where(AuditLog.action == "erasure",
                                              AuditLog.entity_id == str(contact_id))).one()
        assert "Ewa" not in str(audit.details)
    r = client.get("/me/data", headers=bearer(token))
    assert r.status_code == 401
    assert r.json()["detail"] == "invalid or revoked token"


def test_erasure_needs_a_customer(client: TestClient, h) -> None:  # type: ignore[no-untyped-def]
    assert client.delete("/me").status_code == 401
    r = client.delete("/me", headers=h["sales"])
    assert r.status_code == 403
    assert r.json()["detail"] == "this route is for customer accounts"


def test_my_approvals_show_only_my_company(client: TestClient, h, world) -> None:  # type: ignore[no-untyped-def]
    with Session(world.engine) as s:
        b = request_price_change(s, company_id=world.ids.company_b, conversation_id=None, skus=["S203-B16"],
                                 kind="discount", proposed_change={"discount_pct": 5}, reason="volume")
        b_id = b.id
    mine = client.get("/me/approvals", headers=h["a"]).json()["data"]
    assert b_id not in [a["id"] for a in mine]
    theirs = client.get("/me/approvals", headers=h["b"]).json()["data"]
    assert b_id in [a["id"] for a in theirs]
    assert client.get("/me/approvals", headers=h["sales"]).status_code == 403


def _seen(world, external_id: str) -> set[str]:  # type: ignore[no-untyped-def]
    pipe = world.resources.recommender.pipe
    return {str(pipe.items[i]) for i in pipe.seen[pipe.user_idx[external_id]].indices}


def _unseen_sku(world, external_id: str) -> str:  # type: ignore[no-untyped-def]
    pipe = world.resources.recommender.pipe
    return next(str(s) for s in pipe.items if str(s) not in _seen(world, external_id))


def test_a_product_event_updates_the_loaded_model_at_once(client: TestClient, h, world) -> None:  # type: ignore[no-untyped-def]
    sku = _unseen_sku(world, "PT-A")
    r = client.post("/events", json={"type": "add_to_cart", "session_id": "s-upd", "sku": sku}, headers=h["a"])
    assert r.status_code == 201, r.text
    assert sku in _seen(world, "PT-A")  # no retrain: the next recommendation already knows the cart
    sku_c = _unseen_sku(world, "PT-C")
    assert client.post("/events", json={"type": "view", "session_id": "s-upd", "sku": sku_c},
                       headers=h["c"]).json()["legal_basis"] == "none"
    assert sku_c not in _seen(world, "PT-C")  # no legal basis: never enters the model


def test_opt_out_clears_the_loaded_model_rows_and_opt_in_restores_them(client: TestClient, h, world) -> None:  # type: ignore[no-untyped-def]
    before = _seen(world, "PT-B")
    assert before
    sku = _unseen_sku(world, "PT-B")
    try:
        assert client.post("/me/profiling-opt-out", headers=h["b"]).status_code == 200
        assert _seen(world, "PT-B") == set()
        r = client.post("/events", json={"type": "add_to_cart", "session_id": "s-oo", "sku": sku}, headers=h["b"])
        assert r.status_code == 201 and r.json()["legal_basis"] == "none"  # recorded during the objection
    finally:
        assert client.post("/me/profiling-opt-out", json={"opt_out": False}, headers=h["b"]).status_code == 200
    assert _seen(world, "PT-B") == before  # the history is back, the event from the objection is not


# --- issue 17, item 5: event query text is masked like chat text and erased with the company ----------------------

PERSONAL_QUERY = ("Jan Kowalski jan.kowalski@instal-pro.pl tel. 601 234 567 NIP 526-000-12-46 "
                  "wyłącznik S201-B16")


def test_event_query_text_is_masked_like_chat_text(client: TestClient, h, world) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/events", json={"type": "search", "session_id": "s-pii", "query": PERSONAL_QUERY},
                    headers=h["a"])
    assert r.status_code == 201, r.text
    with Session(world.engine) as s:
        stored = s.get(Event, r.json()["id"])
    assert stored is not None and stored.query is not None
    for value in ("jan.kowalski@instal-pro.pl", "601 234 567", "526-000-12-46", "Kowalski"):
        assert value not in stored.query, stored.query
        assert value not in r.json()["query"]
    assert "S201-B16" in stored.query  # product codes survive, as in chat
    assert stored.query == world.resources.masker.mask(PERSONAL_QUERY).text


def test_erasure_erases_the_companys_event_query_texts(client: TestClient, new_customer, world) -> None:  # type: ignore[no-untyped-def]
    token, company_id, contact_id = new_customer()
    for query in ("bezpieczniki dla Ewa Fresh", "kabel YDYp 3x2,5"):
        r = client.post("/events", json={"type": "search", "session_id": "s-er", "query": query},
                        headers=bearer(token))
        assert r.status_code == 201, r.text
    client.post("/events", json={"type": "view", "session_id": "s-er", "sku": "RN-12"}, headers=bearer(token))
    assert client.delete("/me", headers=bearer(token)).status_code == 200
    with Session(world.engine) as s:
        events = s.exec(select(Event).where(Event.company_id == company_id)).all()
        audit = s.exec(select(AuditLog).where(AuditLog.action == "erasure",
                                              AuditLog.entity_id == str(contact_id))).one()
    assert len(events) == 3  # the events stay (company-level aggregates) ...
    assert [e.query for e in events] == [None, None, None]  # ... without their text
    assert audit.details["event_queries_erased"] == 2
