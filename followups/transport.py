"""Delivering a message: SMTP by URL (``SALESAGENT_SMTP_URL``) with STARTTLS or TLS and credentials, or, by
default, ``.eml`` files in ``<data_dir>/outbox`` (the demo). Failures come out as :class:`DeliveryError`, told
apart as temporary (4xx answers, a connection that fails or drops: retry later) or permanent (5xx answers for
the recipient or the message: record and stop)."""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from core.config import Settings, owner_only
from core.errors import ConfigError

LOOPBACK = ("127.0.0.1", "::1", "localhost")
DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class DeliveryError(Exception):
    """A message was not delivered; ``permanent`` when trying again cannot help."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class Transport(Protocol):
    """Something that delivers messages (one connection for a batch; ``close`` at the end)."""

    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...

    @property
    def description(self) -> str: ...


class EmlDirectory:
    """Writes each message as ``followup-<outbox id>.eml`` into a folder (readable by its owner only: the files hold
    names and addresses), atomically (a temporary file renamed)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @property
    def description(self) -> str:
        return f".eml files in {self.folder}"

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        owner_only(self.folder)
        name = "".join(ch for ch in str(message.get("X-Salesagent-Outbox-Id") or "") if ch.isdigit())
        stamp = "".join(ch for ch in str(message.get("Message-ID", "")) if ch.isalnum())[:24]
        final = self.folder / (f"followup-{name}.eml" if name else f"message-{stamp}.eml")
        tmp = final.with_suffix(".tmp")
        fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(message.as_bytes())
        os.replace(tmp, final)

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class SmtpTarget:
    """Where an SMTP URL points."""

    scheme: str
    host: str
    port: int
    username: str | None
    password: str | None

    @property
    def description(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}" + (" (with login)" if self.username else "")


def parse_smtp_url(url: str) -> SmtpTarget:
    """Return the target of ``smtp://``, ``smtp+starttls://`` or ``smtps://user:password@host:port``; credentials
    over a plain connection to another machine are refused."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ConfigError("SALESAGENT_SMTP_URL must be smtp://host[:port], smtp+starttls://user:password@host[:port] "
                          "or smtps://user:password@host[:port]")
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise ConfigError("SALESAGENT_SMTP_URL has a bad port") from None
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    if username and parts.scheme == "smtp" and parts.hostname not in LOOPBACK:
        raise ConfigError("SALESAGENT_SMTP_URL sends credentials without TLS: use smtp+starttls:// or smtps://")
    return SmtpTarget(parts.scheme, parts.hostname, port, username, password)


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else value


def _code_error(code: int, text: bytes | str, what: str) -> DeliveryError:
    return DeliveryError(f"{what}: {code} {_text(text)}"[:480], permanent=500 <= code < 600)


class SmtpTransport:
    """One SMTP connection, opened at the first message and reused for the batch."""

    def __init__(self, target: SmtpTarget, *, timeout: float) -> None:
        self.target = target
        self.timeout = timeout
        self._conn: smtplib.SMTP | None = None

    @property
    def description(self) -> str:
        return self.target.description

    def _connect(self) -> smtplib.SMTP:
        t = self.target
        context = ssl.create_default_context()
        conn: smtplib.SMTP
        if t.scheme == "smtps":
            conn = smtplib.SMTP_SSL(t.host, t.port, timeout=self.timeout, context=context)
        else:
            conn = smtplib.SMTP(t.host, t.port, timeout=self.timeout)
            if t.scheme == "smtp+starttls":
                conn.starttls(context=context)
        if t.username:
            conn.login(t.username, t.password or "")
        return conn

    def send(self, message: EmailMessage) -> None:
        try:
            if self._conn is None:
                self._conn = self._connect()
            refused = self._conn.send_message(message)
        except smtplib.SMTPRecipientsRefused as err:
            code, text = next(iter(err.recipients.values()), (450, b"refused"))
            raise _code_error(int(code), text, "recipient refused") from None
        except smtplib.SMTPAuthenticationError as err:
            self._drop()
            raise DeliveryError(f"SMTP login failed: {err.smtp_code} (check SALESAGENT_SMTP_URL)",
                                permanent=False) from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as err:
            raise _code_error(err.smtp_code, err.smtp_error, "message refused") from None
        except smtplib.SMTPResponseException as err:
            self._drop()
            raise _code_error(err.smtp_code, err.smtp_error, "SMTP error") from None
        except (smtplib.SMTPException, OSError) as err:  # connection refused, timeout, dropped, TLS: try later
            self._drop()
            raise DeliveryError(f"SMTP connection to {self.description} failed: {err}"[:480],
                                permanent=False) from None
        if refused:
            code, text = next(iter(refused.values()))
            raise _code_error(int(code), text, "recipient refused")

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except OSError:
                pass

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                conn.close()


def transport_for(settings: Settings) -> Transport:
    """Return the configured transport: SMTP by ``smtp_url``, else ``.eml`` files in ``<data_dir>/outbox``."""
    if settings.smtp_url:
        return SmtpTransport(parse_smtp_url(settings.smtp_url), timeout=settings.smtp_timeout_s)
    return EmlDirectory(settings.data_dir / "outbox")
