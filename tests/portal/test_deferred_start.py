"""``salesagent serve`` listens before the portal is imported (``portal.startup.DeferredApp``): a real uvicorn
server on 127.0.0.1 answers /health at once, 503 with Retry-After elsewhere, and serves the real app once it is
loaded; a failed load is reported by /health."""

from __future__ import annotations

import threading
import time

import httpx

from portal.startup import DeferredApp
from tests.portal.live_server import serve


def _until(check, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_the_server_answers_while_the_app_loads_then_serves_it(world) -> None:  # type: ignore[no-untyped-def]
    from portal.app import create_app

    release = threading.Event()

    def load():  # type: ignore[no-untyped-def]
        release.wait(20)
        return create_app(world.settings, world.resources)

    server = serve(DeferredApp(load))
    base = next(server)
    try:
        assert httpx.get(f"{base}/health").json() == {"status": "starting"}
        ready = httpx.get(f"{base}/ready")
        assert ready.status_code == 503 and ready.json()["checks"]["startup"].startswith("warming up")
        api = httpx.get(f"{base}/recommendations", headers={"Authorization": "Bearer sac_x"})
        assert api.status_code == 503 and api.headers["retry-after"] == "2"
        assert "starting" in api.json()["detail"]
        page = httpx.get(f"{base}/ui/chat", headers={"Accept": "text/html"})
        assert page.status_code == 503 and 'http-equiv="refresh"' in page.text
        release.set()
        _until(lambda: httpx.get(f"{base}/ready", timeout=60).status_code == 200, timeout=60)
        assert httpx.get(f"{base}/health").json() == {"status": "ok"}
        assert httpx.get(f"{base}/recommendations", headers={"Authorization": "Bearer sac_x"}).status_code == 401
    finally:
        server.close()


def test_a_load_that_fails_is_reported_by_health() -> None:
    def load():  # type: ignore[no-untyped-def]
        raise ImportError("no module named 'fastapi'")

    server = serve(DeferredApp(load))
    base = next(server)
    try:
        _until(lambda: httpx.get(f"{base}/health").status_code == 503)
        health = httpx.get(f"{base}/health").json()
        assert health["status"] == "failed" and "fastapi" in health["detail"]
        assert "fastapi" in httpx.get(f"{base}/ready").json()["checks"]["startup"]
        assert "could not start" in httpx.get(f"{base}/me").json()["detail"]
    finally:
        server.close()
