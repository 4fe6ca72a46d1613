"""Serve a portal app with uvicorn on a free port of 127.0.0.1 in a thread (for tests that need a real HTTP server:
keep-alive, chunked bodies, the browser)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx


def free_port() -> int:
    """Return a TCP port that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(app: Any) -> Iterator[str]:
    """Serve ``app`` until the generator is closed; yield its base URL once ``/health`` answers."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:  # wait for the socket (an event, not a fixed sleep: poll until it answers, 200 or 503 "failed")
        try:
            httpx.get(f"{base}/health", timeout=1)
            break
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    try:
        yield base
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def logged_in_page(browser: Any, base: str, token: str, width: int | None = None, *,
                   timeout_ms: int = 30_000) -> Any:
    """Return a new Chromium page logged in with ``token`` (``width``: the viewport width, e.g. 390 for a phone),
    collecting Content-Security-Policy violations in ``page.csp_violations``: the CSP forbids inline script and
    style, so the pages must need none."""
    context = browser.new_context(**({"viewport": {"width": width, "height": 900}} if width else {}))
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    page.csp_violations = []
    page.on("console", lambda msg: page.csp_violations.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    page.goto(f"{base}/")
    page.fill("#token", token)
    page.click("#login-submit")
    return page
