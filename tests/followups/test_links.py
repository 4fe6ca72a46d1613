"""Signed links: a token verifies only unchanged and for its own kind; the generated key is made once, kept
owner-only and shared; the product link's target comes from the settings."""

from __future__ import annotations

import stat
from pathlib import Path

from fu_world import make_settings

from followups.links import link_secret, product_url, sign, verify


def test_tokens_verify_only_unchanged_and_for_their_kind() -> None:
    secret = b"k" * 32
    token = sign(secret, "c", 17, 4, "S201-B16")
    parsed = verify(secret, token, "c")
    assert parsed is not None and (parsed.send_id, parsed.contact_id, parsed.sku) == (17, 4, "S201-B16")
    assert verify(secret, token, "u") is None  # a click token is no unsubscribe token
    assert verify(b"other" * 8, token, "c") is None
    payload, mac = token.split(".")
    forged = sign(secret, "c", 17, 5, "S201-B16").split(".")[0] + "." + mac  # another recipient, same signature
    assert verify(secret, forged, "c") is None
    assert verify(secret, payload + "." + mac[:-2] + "AA", "c") is None
    assert verify(secret, "not-a-token", "c") is None and verify(secret, "a.b", "c") is None


def test_the_generated_key_is_owner_only_and_reused(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "var", followup_link_secret=None)
    first = link_secret(settings)
    key = tmp_path / "var" / "followups.key"
    assert key.exists() and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert link_secret(settings) == first and len(first) == 64


def test_the_product_url_comes_from_the_settings(tmp_path: Path) -> None:
    default = make_settings(tmp_path, public_url="https://portal.example.pl/")
    assert product_url(default, "S201/B16") == "https://portal.example.pl/ui/email/p/S201%2FB16"
    shop = make_settings(tmp_path, followup_product_url="https://sklep.example.pl/p/{sku}")
    assert product_url(shop, "a b") == "https://sklep.example.pl/p/a%20b"
