"""Security headers on every page (issue 17, item 6: there was no CSP, X-Frame-Options, nosniff, Referrer-Policy or
Cache-Control), and templates without inline script or style (so the CSP can forbid them)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from page_client import login, page_client

TEMPLATES = Path(__file__).resolve().parents[3] / "portal" / "templates"


def _csp(headers: Any) -> dict[str, str]:
    policy = headers.get("content-security-policy", "")
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


def _assert_hardened(r: Any, *, private: bool) -> None:
    csp = _csp(r.headers)
    assert csp, f"no CSP on {r.request.url}"
    assert "'unsafe-inline'" not in csp.get("script-src", csp.get("default-src", ""))
    assert csp["script-src"] == "script-src 'self'"
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert csp["object-src"] == "object-src 'none'"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    if private:
        assert r.headers["cache-control"] == "no-store", r.request.url


def test_pages_carry_the_security_headers(app: Any, tokens: dict[str, str]) -> None:
    anonymous = page_client(app)
    _assert_hardened(anonymous.get("/"), private=True)
    customer = login(app, tokens["a"])
    _assert_hardened(customer.get("/ui/chat"), private=True)
    _assert_hardened(customer.get("/ui/staff"), private=True)  # the 403 page too
    _assert_hardened(customer.get("/ui/nope"), private=True)  # and the 404 page
    staff = login(app, tokens["sales"])
    _assert_hardened(staff.get("/ui/staff"), private=True)


def test_api_answers_carry_them_too(client: TestClient, h: dict[str, dict[str, str]]) -> None:
    _assert_hardened(client.get("/me/data", headers=h["a"]), private=True)
    _assert_hardened(client.get("/health"), private=True)
    _assert_hardened(client.post("/chat", json={}, headers=h["a"]), private=True)  # a 422


def test_static_files_are_hardened_but_cacheable(client: TestClient) -> None:
    r = client.get("/static/portal.js")
    assert r.status_code == 200
    _assert_hardened(r, private=False)
    assert "no-store" not in r.headers.get("cache-control", "")


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_templates_have_no_inline_script_or_style(template: str) -> None:
    html = (TEMPLATES / template).read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert "<style" not in html, "inline <style>"
    assert not re.search(r"\sstyle\s*=", html), "style attribute"
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    assert "javascript:" not in html
