"""The e-mail's links: tracked product links, the one-click unsubscribe and "why these products?", each a URL of
the portal carrying a token signed with an HMAC-SHA256 over the link's kind, the send id (the outbox row), the
recipient (contact id) and, for a product link, the SKU. The redirect target is never in the link: the portal
looks up the product of a valid token and builds its URL from the settings, so there is no open redirect.

The key is ``followup_link_secret``, or a random key made once in ``<data_dir>/followups.key`` (readable by its
owner only) and shared by every process on that data dir.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from core.config import Settings, owner_only

Kind = Literal["c", "u", "w"]
"""``c`` a tracked product link (click), ``u`` unsubscribe, ``w`` "why these products?"."""
SEP = "\x1f"
SIG_BYTES = 16
"""128 bits of the HMAC are kept: forging a token means guessing them."""


def key_file(settings: Settings) -> Path:
    """Return where the generated link key is kept."""
    return settings.data_dir / "followups.key"


def link_secret(settings: Settings) -> bytes:
    """Return the HMAC key: the configured secret, else the data dir's key file (made on first use, 0600)."""
    if settings.followup_link_secret:
        return settings.followup_link_secret.encode()
    path = key_file(settings)
    settings.ensure_dirs()
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    owner_only(path)
    value = path.read_text().strip()
    if not value:  # another process is between creating and writing it: its bytes are there in a moment
        raise RuntimeError(f"the link key file {path} is empty")
    return value.encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(secret: bytes, kind: Kind, send_id: int, contact_id: int, sku: str = "") -> str:
    """Return the token of one link."""
    payload = SEP.join((kind, str(send_id), str(contact_id), sku)).encode()
    mac = hmac.new(secret, payload, hashlib.sha256).digest()[:SIG_BYTES]
    return f"{_b64(payload)}.{_b64(mac)}"


@dataclass(frozen=True)
class LinkToken:
    """What a valid token says."""

    kind: Kind
    send_id: int
    contact_id: int
    sku: str


def verify(secret: bytes, token: str, kind: Kind) -> LinkToken | None:
    """Return the token's contents when its signature is valid and it is of ``kind``, else None."""
    try:
        payload_text, mac_text = token.split(".", 1)
        payload, mac = _unb64(payload_text), _unb64(mac_text)
    except (ValueError, TypeError):
        return None
    expected = hmac.new(secret, payload, hashlib.sha256).digest()[:SIG_BYTES]
    if not hmac.compare_digest(mac, expected):
        return None
    try:
        got_kind, send_id, contact_id, sku = payload.decode().split(SEP)
        parsed = LinkToken(got_kind, int(send_id), int(contact_id), sku)  # type: ignore[arg-type]
    except ValueError:
        return None
    return parsed if parsed.kind == kind else None


def _base(settings: Settings) -> str:
    return settings.public_url.rstrip("/")


def click_url(settings: Settings, secret: bytes, send_id: int, contact_id: int, sku: str) -> str:
    """Return the tracked link of a product in one e-mail."""
    return f"{_base(settings)}/ui/email/c/{sign(secret, 'c', send_id, contact_id, sku)}"


def unsubscribe_url(settings: Settings, secret: bytes, send_id: int, contact_id: int) -> str:
    """Return the unsubscribe link (the confirmation page on GET, the RFC 8058 one-click on POST)."""
    return f"{_base(settings)}/ui/email/u/{sign(secret, 'u', send_id, contact_id)}"


def why_url(settings: Settings, secret: bytes, send_id: int, contact_id: int) -> str:
    """Return the "why these products?" link of one e-mail."""
    return f"{_base(settings)}/ui/email/why/{sign(secret, 'w', send_id, contact_id)}"


def product_url(settings: Settings, sku: str) -> str:
    """Return where a product link leads: ``followup_product_url`` with the SKU, else the portal's product
    page."""
    template = settings.followup_product_url or f"{_base(settings)}/ui/email/p/{{sku}}"
    return template.replace("{sku}", quote(sku, safe=""))
