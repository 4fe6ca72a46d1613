"""Input at the edge (issue 17, item 4): ids outside their column's range are 422 (once 500 and a dropped
keep-alive connection), the body limit holds for chunked bodies (once read and parsed in full: a 50 MB chunked
body cost RSS +166 MB before its 413), and a refused message leaves no conversation row."""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import anyio
import pytest
from fastapi.testclient import TestClient
from live_server import serve
from page_client import csrf_of, login
from portal_dataset import bearer
from sqlmodel import Session, select

from guardrails.approvals import request_price_change
from portal.app import body_limit_for
from store.models import Conversation

INT32_MAX = 2**31 - 1
TOO_BIG = [2**31, 2**63, 10**30]


@pytest.fixture(scope="module")
def live(app: Any) -> Iterator[str]:
    yield from serve(app)


@pytest.fixture
def pending(world: Any) -> int:
    with Session(world.engine) as s:
        row = request_price_change(s, company_id=world.ids.company_a, conversation_id=None, skus=["S201-B16"],
                                   kind="discount", proposed_change={"discount_pct": 5}, reason="edge test")
        return int(row.id)  # type: ignore[arg-type]


@pytest.mark.parametrize("big", TOO_BIG)
def test_path_ids_above_the_column_range_are_422(client: TestClient, h: dict[str, dict[str, str]],
                                                 big: int) -> None:
    for method, path, who in (("GET", f"/approvals/{big}", "sales"),
                              ("POST", f"/approvals/{big}/approve", "sales"),
                              ("POST", f"/approvals/{big}/reject", "admin"),
                              ("GET", f"/recommendations/{big}/why", "a")):
        body = {"note": "no"} if path.endswith("reject") else None
        r = client.request(method, path, headers=h[who], json=body)
        assert r.status_code == 422, (path, r.status_code, r.text)
        detail = r.json()["detail"]
        assert detail.endswith(f"Input should be less than or equal to {INT32_MAX}"), detail
        assert detail.startswith("path."), detail


def test_ids_in_range_still_reach_the_service(client: TestClient, h: dict[str, dict[str, str]]) -> None:
    r = client.get(f"/approvals/{INT32_MAX}", headers=h["sales"])
    assert r.status_code == 404 and r.json()["detail"] == f"approval {INT32_MAX} not found"
    r = client.get("/approvals/0", headers=h["sales"])
    assert r.status_code == 422 and "greater than or equal to 1" in r.json()["detail"]


@pytest.mark.parametrize("big", TOO_BIG)
def test_expected_version_above_the_column_range_is_422(client: TestClient, h: dict[str, dict[str, str]],
                                                        pending: int, big: int) -> None:
    r = client.post(f"/approvals/{pending}/approve", json={"expected_version": big}, headers=h["sales"])
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == f"expected_version: Input should be less than or equal to {INT32_MAX}"
    r = client.post(f"/approvals/{pending}/reject", json={"note": "no", "expected_version": big},
                    headers=h["sales"])
    assert r.status_code == 422, r.text
    assert client.get(f"/approvals/{pending}", headers=h["sales"]).json()["status"] == "pending"


def test_page_ids_above_the_column_range_are_422(app: Any, tokens: dict[str, str], pending: int) -> None:
    customer = login(app, tokens["a"])
    r = customer.get(f"/ui/recommendations/{2**63}/why")
    assert r.status_code == 422 and "less than or equal to" in r.text
    staff = login(app, tokens["sales"])
    csrf = csrf_of(staff.get("/ui/staff").text)
    r = staff.post(f"/ui/approvals/{2**63}/approve", data={"csrf": csrf})
    assert r.status_code == 422, r.text
    r = staff.post(f"/ui/approvals/{pending}/approve", data={"csrf": csrf, "expected_version": str(2**63)})
    assert r.status_code == 422 and "less than or equal to" in r.text


def test_a_bad_id_keeps_the_keep_alive_connection(live: str, tokens: dict[str, str]) -> None:
    """The 500 of an id above int64 closed the connection; a 422 keeps it for the next request."""
    url = urlsplit(live)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
    try:
        conn.request("GET", f"/approvals/{2**63}", headers=bearer(tokens["sales"]))
        r = conn.getresponse()
        r.read()
        assert r.status == 422 and (r.getheader("connection") or "").lower() != "close"
        sock = conn.sock
        conn.request("GET", "/health")
        again = conn.getresponse()
        assert again.status == 200 and again.read() == b'{"status":"ok"}'
        assert conn.sock is sock, "the server closed the connection after the bad id"
    finally:
        conn.close()


def _asgi_post(app: Any, path: str, headers: list[tuple[bytes, bytes]], total: int,
               chunk: int = 64 * 1024) -> tuple[int, int]:
    """POST a chunked body of ``total`` bytes straight into the ASGI app; return (status, bytes it read)."""
    consumed = 0
    status: list[int] = []
    piece = b" " * chunk

    async def receive() -> dict[str, Any]:
        nonlocal consumed
        if consumed >= total:
            return {"type": "http.request", "body": b"", "more_body": False}
        consumed += len(piece)
        return {"type": "http.request", "body": piece, "more_body": consumed < total}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
             "headers": [(b"host", b"testserver"), (b"transfer-encoding", b"chunked"), *headers],
             "client": ("127.0.0.1", 50000), "server": ("testserver", 80), "state": {}}
    anyio.run(app, scope, receive, send)
    return status[0], consumed


@pytest.mark.parametrize("path,content_type", [("/chat", b"application/json"),
                                               ("/ui/login", b"application/x-www-form-urlencoded")])
def test_a_chunked_body_is_cut_off_at_the_limit(app: Any, world: Any, tokens: dict[str, str], path: str,
                                                content_type: bytes) -> None:
    limit = body_limit_for(world.settings)
    status, consumed = _asgi_post(app, path, [(b"authorization", f"Bearer {tokens['a']}".encode()),
                                              (b"content-type", content_type)], total=50 * 1024 * 1024)
    assert status == 413
    assert consumed <= limit + 64 * 1024, f"read {consumed} bytes of a body limited to {limit}"


def test_a_chunked_body_under_the_limit_is_served(app: Any, tokens: dict[str, str]) -> None:
    status, consumed = _asgi_post(app, "/chat", [(b"authorization", f"Bearer {tokens['a']}".encode()),
                                                 (b"content-type", b"application/json")], total=4096, chunk=1024)
    assert status == 422 and consumed == 4096  # spaces are no JSON: parsed, and refused as such


@pytest.mark.parametrize("framing", ["chunked", "content-length"])
def test_a_50_mb_body_is_refused_early_by_a_real_server(live: str, tokens: dict[str, str], framing: str) -> None:
    url = urlsplit(live)
    total = 50 * 1024 * 1024
    sock = socket.create_connection((url.hostname or "127.0.0.1", url.port or 80), timeout=60)
    sock.sendall(b"POST /chat HTTP/1.1\r\nHost: " + url.netloc.encode() + b"\r\nAuthorization: Bearer "
                 + tokens["a"].encode() + b"\r\nContent-Type: application/json\r\n"
                 + (b"Transfer-Encoding: chunked" if framing == "chunked" else b"Content-Length: %d" % total)
                 + b"\r\n\r\n")
    reply = bytearray()
    sent = 0
    answered_at: list[int] = []

    def read() -> None:
        try:
            while data := sock.recv(65536):
                if not answered_at:
                    answered_at.append(sent)
                reply.extend(data)
        except OSError:
            pass

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    chunk = b" " * 65536
    frame = b"%x\r\n" % len(chunk) + chunk + b"\r\n" if framing == "chunked" else chunk
    try:
        while sent < total and not answered_at:
            sock.sendall(frame)
            sent += len(chunk)
        if sent >= total and framing == "chunked":
            sock.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # the server closed the connection after its 413: the rest is never read
    reader.join(timeout=10)
    closed = not reader.is_alive()  # the server hung up after its answer (it does not wait for the rest)
    sock.close()
    assert bytes(reply).startswith(b"HTTP/1.1 413"), bytes(reply[:200])
    assert b'{"detail":"request body too large"}' in reply
    assert closed, "the server kept the connection open after its 413"
    assert answered_at and answered_at[0] < 16 * 1024 * 1024, f"answered after {answered_at} of {total} bytes"


def _conversations(world: Any, company_id: int) -> int:
    with Session(world.engine) as s:
        return len(s.exec(select(Conversation).where(Conversation.company_id == company_id)).all())


def test_a_refused_message_leaves_no_conversation_row(client: TestClient, new_customer: Any, world: Any) -> None:
    token, company_id, _ = new_customer()
    limit = world.settings.max_message_chars
    r = client.post("/chat", json={"message": "x" * (limit + 1)}, headers=bearer(token))
    assert r.status_code == 413
    r = client.post("/chat", json={"message": "   "}, headers=bearer(token))
    assert r.status_code == 422
    assert _conversations(world, company_id) == 0
    r = client.post("/chat", json={"message": "hello"}, headers=bearer(token))
    assert r.status_code == 200 and _conversations(world, company_id) == 1


def test_a_long_token_is_never_a_5xx_nor_an_empty_row(client: TestClient, new_customer: Any, world: Any) -> None:
    """A message of 201..limit characters without spaces gave 502 and an empty conversation row."""
    token, company_id, _ = new_customer()
    r = client.post("/chat", json={"message": "a" * 300}, headers=bearer(token))
    assert r.status_code in (200, 422), r.text
    assert _conversations(world, company_id) == (1 if r.status_code == 200 else 0)


def test_an_unexpected_error_is_a_500_that_keeps_the_connection(app_with: Any) -> None:
    """A bug is a 500 ``internal error`` with the security headers, and the keep-alive connection survives (a
    500 used to close it: the client's next request on it failed too, as the load suite saw)."""
    app = app_with()

    def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/boom-for-test", boom, methods=["GET"])
    serving = serve(app)
    base = next(serving)
    try:
        url = urlsplit(base)
        conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
        conn.request("GET", "/boom-for-test")
        r = conn.getresponse()
        assert (r.status, r.read()) == (500, b'{"detail":"internal error"}')
        assert r.getheader("x-content-type-options") == "nosniff"
        sock = conn.sock
        conn.request("GET", "/health")
        assert conn.getresponse().status == 200 and conn.sock is sock
        conn.close()
    finally:
        next(serving, None)
