"""Page sessions, token expiry and rotation, cross-site posts (issue 17, item 6).

Found: the login cookie held the permanent API token itself; logout cleared the cookie but the token (and so a
copied cookie) stayed valid; tokens never expired; login and logout accepted posts from another origin."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from page_client import csrf_of, login, page_client
from portal_dataset import bearer
from sqlmodel import Session

SESSION_COOKIE = "salesagent_session"


def _cookie_values(c: TestClient) -> list[str]:
    return [str(v) for v in c.cookies.values()]


def test_the_cookie_holds_a_session_id_never_the_api_token(app: Any, client: TestClient, tokens: dict[str, str]
                                                           ) -> None:
    c = page_client(app)
    form = c.get("/")
    r = c.post("/ui/login", data={"token": tokens["a"], "csrf": csrf_of(form.text)})
    assert r.status_code == 303
    assert tokens["a"] not in r.headers.get("set-cookie", "")
    assert tokens["a"] not in _cookie_values(c)
    session_id = c.cookies.get(SESSION_COOKIE)
    assert session_id and len(session_id) >= 32
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert client.get("/me/data", headers=bearer(session_id)).status_code == 401  # the cookie is no API token
    assert c.get("/ui/chat").status_code == 200


def test_each_login_opens_a_new_session(app: Any, tokens: dict[str, str]) -> None:
    first = login(app, tokens["a"]).cookies.get(SESSION_COOKIE)
    second = login(app, tokens["a"]).cookies.get(SESSION_COOKIE)
    assert first and second and first != second


def test_a_new_login_in_the_same_browser_revokes_the_old_session(app: Any, tokens: dict[str, str],
                                                                   world: Any) -> None:
    from store.sessions import page_session_by_hash

    c = login(app, tokens["a"])
    old = str(c.cookies.get(SESSION_COOKIE))
    _age_session(world, old, last_seen_at=datetime.now(UTC) - timedelta(days=1))  # idle: the login form again
    login(app, tokens["b"], client=c)
    assert c.cookies.get(SESSION_COOKIE) != old
    with Session(world.engine) as s:
        row = page_session_by_hash(s, session_hash=hashlib.sha256(old.encode()).hexdigest())
        assert row is not None and row.revoked_at is not None


def test_logout_revokes_the_session(app: Any, tokens: dict[str, str]) -> None:
    c = login(app, tokens["a"])
    stolen = c.cookies.get(SESSION_COOKIE)
    page = c.get("/ui/chat")
    r = c.post("/ui/logout", data={"csrf": csrf_of(page.text)})
    assert r.status_code == 303 and r.headers["location"] == "/"
    replay = page_client(app)
    replay.cookies.set(SESSION_COOKIE, str(stolen))
    r = replay.get("/ui/chat")
    assert r.status_code == 303 and r.headers["location"] == "/", "a logged-out session still works"


def _age_session(world: Any, session_id: str, **changes: datetime) -> None:
    from store.models import PageSession
    from store.sessions import page_session_by_hash

    with Session(world.engine) as s:
        row = page_session_by_hash(s, session_hash=hashlib.sha256(session_id.encode()).hexdigest())
        assert isinstance(row, PageSession)
        for name, value in changes.items():
            setattr(row, name, value)
        s.add(row)
        s.commit()


def test_an_idle_session_expires(app: Any, tokens: dict[str, str], world: Any) -> None:
    c = login(app, tokens["a"])
    idle = timedelta(minutes=world.settings.session_idle_minutes)
    _age_session(world, str(c.cookies.get(SESSION_COOKIE)), last_seen_at=datetime.now(UTC) - idle + timedelta(minutes=1))
    assert c.get("/ui/chat").status_code == 200  # used a minute before the idle limit: still open, and touched
    _age_session(world, str(c.cookies.get(SESSION_COOKIE)), last_seen_at=datetime.now(UTC) - idle - timedelta(seconds=1))
    r = c.get("/ui/chat")
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_a_busy_session_still_ends_at_its_absolute_expiry(app: Any, tokens: dict[str, str], world: Any) -> None:
    c = login(app, tokens["a"])
    _age_session(world, str(c.cookies.get(SESSION_COOKIE)), expires_at=datetime.now(UTC) - timedelta(seconds=1))
    r = c.get("/ui/chat")
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_erasure_ends_the_page_sessions_of_its_tokens(app: Any, client: TestClient, new_customer: Any) -> None:
    token, _, _ = new_customer()
    c = login(app, token)
    assert c.get("/ui/chat").status_code == 200
    assert client.delete("/me", headers=bearer(token)).status_code == 200
    assert c.get("/ui/chat").status_code == 303


# --- API tokens: expiry and rotation -----------------------------------------------------------------------------


def test_an_expired_token_is_refused(client: TestClient, new_customer: Any, world: Any) -> None:
    from store.sessions import get_token, set_token_expiry

    token, _, _ = new_customer()
    assert client.get("/me/data", headers=bearer(token)).status_code == 200
    from portal.auth import hash_token
    from store.accounts import token_by_hash

    with Session(world.engine) as s:
        row = token_by_hash(s, token_hash=hash_token(token))
        assert row is not None and row.id is not None
        set_token_expiry(s, token=get_token(s, token_id=row.id), expires_at=datetime.now(UTC)  # type: ignore[arg-type]
                         - timedelta(seconds=1))
        s.commit()
    r = client.get("/me/data", headers=bearer(token))
    assert r.status_code == 401 and r.json()["detail"].startswith("token expired")


def test_rotation_issues_a_new_token_and_revokes_the_old(client: TestClient, new_customer: Any) -> None:
    token, _, contact_id = new_customer()
    r = client.post("/tokens/rotate", headers=bearer(token))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token"].startswith("sac_") and body["token"] != token and body["role"] == "customer"
    assert body["expires_at"] is None  # SALESAGENT_API_TOKEN_TTL_DAYS unset: no expiry
    assert client.get("/me/data", headers=bearer(token)).status_code == 401
    mine = client.get("/me/data", headers=bearer(body["token"]))
    assert mine.status_code == 200 and mine.json()["contact"]["id"] == contact_id
    assert client.post("/tokens/rotate", headers=bearer(token)).status_code == 401


def test_rotation_gives_the_configured_lifetime(app_with: Any, world: Any) -> None:
    from portal.auth import issue_token

    with Session(world.engine) as s:
        staff_token = issue_token(s, role="sales", staff_user_id=world.ids.staff_id)
        s.commit()
    with TestClient(app_with(api_token_ttl_days=7), raise_server_exceptions=False) as c:
        r = c.post("/tokens/rotate", headers=bearer(staff_token))
        assert r.status_code == 200, r.text
        expires = datetime.fromisoformat(r.json()["expires_at"])
        assert timedelta(days=6.99) < expires - datetime.now(UTC) <= timedelta(days=7)
        assert r.json()["role"] == "sales"
        assert c.get("/approvals", headers=bearer(r.json()["token"])).status_code == 200


# --- cross-site posts: Origin check and form tokens on login and logout ------------------------------------------


def test_login_needs_the_login_form_token(app: Any, tokens: dict[str, str]) -> None:
    c = page_client(app)
    r = c.post("/ui/login", data={"token": tokens["a"]})
    assert r.status_code == 422 and "csrf: Field required" in r.text
    c.get("/")
    r = c.post("/ui/login", data={"token": tokens["a"], "csrf": "0" * 43})
    assert r.status_code == 403 and "the form has expired" in r.text
    fresh = page_client(app)  # a form token without the cookie it belongs to (another browser's page)
    csrf = csrf_of(page_client(app).get("/").text)
    r = fresh.post("/ui/login", data={"token": tokens["a"], "csrf": csrf})
    assert r.status_code == 403
    assert SESSION_COOKIE not in fresh.cookies


def test_login_from_another_origin_is_refused(app: Any, tokens: dict[str, str]) -> None:
    c = page_client(app)
    csrf = csrf_of(c.get("/").text)
    r = c.post("/ui/login", data={"token": tokens["a"], "csrf": csrf}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403 and "another site" in r.text
    r = c.post("/ui/login", data={"token": tokens["a"], "csrf": csrf}, headers={"Origin": "null"})
    assert r.status_code == 403
    r = c.post("/ui/login", data={"token": tokens["a"], "csrf": csrf},
               headers={"Referer": "https://evil.example/page"})
    assert r.status_code == 403
    r = c.post("/ui/login", data={"token": tokens["a"], "csrf": csrf}, headers={"Origin": "http://testserver"})
    assert r.status_code == 303 and r.headers["location"] == "/ui/home"


def test_logout_from_another_origin_is_refused(app: Any, tokens: dict[str, str]) -> None:
    c = login(app, tokens["a"])
    csrf = csrf_of(c.get("/ui/chat").text)
    r = c.post("/ui/logout", data={"csrf": csrf}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    r = c.post("/ui/logout", data={})
    assert r.status_code == 422
    assert c.get("/ui/chat").status_code == 200  # still logged in
    r = c.post("/ui/logout", data={"csrf": csrf}, headers={"Origin": "http://testserver"})
    assert r.status_code == 303
    assert c.get("/ui/chat").status_code == 303


def test_page_forms_from_another_origin_are_refused(app: Any, tokens: dict[str, str]) -> None:
    c = login(app, tokens["a"])
    csrf = csrf_of(c.get("/ui/chat").text)
    r = c.post("/ui/chat", data={"csrf": csrf, "message": "hi"}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403


def test_a_trusted_origin_may_post(app_with: Any, tokens: dict[str, str]) -> None:
    c = page_client(app_with(trusted_origins=["https://shop.example"]))
    csrf = csrf_of(c.get("/").text)
    r = c.post("/ui/login", data={"token": tokens["a"], "csrf": csrf}, headers={"Origin": "https://shop.example"})
    assert r.status_code == 303
