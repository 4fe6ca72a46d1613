"""Rate limits per IP and per token on login, chat and price requests, answered with 429 and ``Retry-After``
(issue 17, item 6: 40 bad logins, 30 chats and 12 discount asks, which filed 12 pending approvals, all went
through). Each test gets its own app with small limits over the shared resources, so counters start at zero."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from page_client import csrf_of, login, page_client
from portal_dataset import bearer
from sqlmodel import Session, select

from store.models import ApprovalStatus, PriceApproval


def _retry_after(r: Any, window_s: int) -> int:
    value = int(r.headers["retry-after"])
    assert 1 <= value <= window_s, value
    return value


def test_logins_per_ip(app_with: Any, tokens: dict[str, str]) -> None:
    app = app_with(rate_limits_enabled=True, rate_limit_login_per_ip="3/minute")
    c = page_client(app)
    csrf = csrf_of(c.get("/").text)
    for _ in range(3):
        assert c.post("/ui/login", data={"token": "sac_guess", "csrf": csrf}).status_code == 401
    r = c.post("/ui/login", data={"token": tokens["a"], "csrf": csrf})
    assert r.status_code == 429, r.text
    _retry_after(r, 60)
    assert "too many login attempts from this address" in r.text
    assert "salesagent_session" not in c.cookies  # the right token, but refused before it was checked


def test_chat_messages_per_token(app_with: Any, tokens: dict[str, str], h: dict[str, dict[str, str]]) -> None:
    app = app_with(rate_limits_enabled=True, rate_limit_chat_per_token="3/minute", rate_limit_chat_per_ip="100/minute")
    with TestClient(app, raise_server_exceptions=False) as c:
        for _ in range(3):
            assert c.post("/chat", json={"message": "hello"}, headers=h["a"]).status_code == 200
        r = c.post("/chat", json={"message": "hello"}, headers=h["a"])
        assert r.status_code == 429
        assert r.json()["detail"] == "too many chat messages with this token: the limit is 3 per 1 minute; try again later"
        _retry_after(r, 60)
        assert c.post("/chat", json={"message": "hello"}, headers=h["b"]).status_code == 200  # another token
        page = login(app, tokens["a"])  # the page shares the token's budget
        r = page.post("/ui/chat", data={"csrf": csrf_of(page.get("/ui/chat").text), "message": "hello"})
        assert r.status_code == 429 and "too many chat messages" in r.text
        _retry_after(r, 60)


def test_chat_messages_per_ip(app_with: Any, h: dict[str, dict[str, str]]) -> None:
    app = app_with(rate_limits_enabled=True, rate_limit_chat_per_token="100/minute", rate_limit_chat_per_ip="4/minute")
    with TestClient(app, raise_server_exceptions=False) as c:
        for who in ("a", "a", "b", "c"):
            assert c.post("/chat", json={"message": "hello"}, headers=h[who]).status_code == 200
        r = c.post("/chat", json={"message": "hello"}, headers=h["b"])
        assert r.status_code == 429 and "from this address" in r.json()["detail"]
        _retry_after(r, 60)


def test_unauthenticated_chat_spends_nothing(app_with: Any, h: dict[str, dict[str, str]]) -> None:
    app = app_with(rate_limits_enabled=True, rate_limit_chat_per_ip="2/minute")
    with TestClient(app, raise_server_exceptions=False) as c:
        for _ in range(5):
            assert c.post("/chat", json={"message": "hello"}).status_code == 401
        assert c.post("/chat", json={"message": "hello"}, headers=h["a"]).status_code == 200


def _pending(world: Any, company_id: int) -> int:
    with Session(world.engine) as s:
        return len(s.exec(select(PriceApproval).where(PriceApproval.company_id == company_id,
                                                      PriceApproval.status == ApprovalStatus.pending)).all())


def test_price_requests_per_token(app_with: Any, new_customer: Any, world: Any) -> None:
    token, company_id, _ = new_customer()
    app = app_with(rate_limits_enabled=True, rate_limit_price_requests_per_token="2/hour",
                   rate_limit_chat_per_token="100/minute", rate_limit_chat_per_ip="100/minute")
    asks = ["Can I get a 10% discount on S201-B16?", "I want a 5% discount on RN-12",
            "Could you give me a 7% discount on TH35-1M?"]
    with TestClient(app, raise_server_exceptions=False) as c:
        for ask in asks[:2]:
            r = c.post("/chat", json={"message": ask}, headers=bearer(token))
            assert r.status_code == 200 and [t["status"] for t in r.json()["approvals"]] == ["pending"], r.text
        assert _pending(world, company_id) == 2
        r = c.post("/chat", json={"message": asks[2]}, headers=bearer(token))
        assert r.status_code == 429, r.text
        assert r.json()["detail"].startswith("too many price requests with this token: the limit is 2 per 1 hour")
        _retry_after(r, 3600)
        assert _pending(world, company_id) == 2  # refused before the turn: nothing filed
        r = c.post("/chat", json={"message": "I need a 16A circuit breaker"}, headers=bearer(token))
        assert r.status_code == 200  # other questions still go through


def test_a_bad_limit_is_one_line_at_start(world: Any) -> None:
    import pytest

    from core.config import Settings

    with pytest.raises(ValueError, match="is no rate limit"):
        Settings(_env_file=None, rate_limit_chat_per_ip="lots")  # type: ignore[call-arg]
