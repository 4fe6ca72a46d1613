"""A browser-like test client for the pages: loads the login form, posts the token with the form's token, keeps
the session cookie, and reads form tokens off pages."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

CSRF = re.compile(r'name="csrf" value="([0-9A-Za-z_-]+)"')


def csrf_of(html: str) -> str:
    """Return the first form token on a page (fails the test when there is none)."""
    match = CSRF.search(html)
    assert match, "no form token on the page"
    return match.group(1)


def page_client(app: Any) -> TestClient:
    """Return a client that does not follow redirects (tests check where they point)."""
    return TestClient(app, raise_server_exceptions=False, follow_redirects=False)


def login(app: Any, token: str, client: TestClient | None = None) -> TestClient:
    """Log in through the login form like a browser (GET the form, POST the token with its form token)."""
    c = client or page_client(app)
    form = c.get("/")
    assert form.status_code == 200, form.text
    r = c.post("/ui/login", data={"token": token, "csrf": csrf_of(form.text)})
    assert r.status_code == 303, r.text
    return c
