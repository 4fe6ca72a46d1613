"""Rate limits of the portal over the ``limits`` library (moving windows): logins per client IP, chat messages
per token and per IP, new price requests per token and per IP. A limit that is used up raises
``core.errors.RateLimitedError``; the portal's error map answers 429 with ``Retry-After``.

Price requests are filed by the agent inside a turn, so they are counted after the turn from the tickets it
returns (new pending ones only), and a message that asks for a price is refused before the turn once the budget
is spent (the agent's intent rules decide what asks for a price; the per-company cap on open requests is the
tool gate's, in the agent).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from agent.intents import detect
from core.config import Settings
from core.errors import ConfigError, RateLimitedError
from tools.models import ApprovalTicketPublic

Rule = Literal["login_ip", "chat_token", "chat_ip", "price_token", "price_ip"]

WHAT: dict[Rule, str] = {
    "login_ip": "login attempts from this address",
    "chat_token": "chat messages with this token",
    "chat_ip": "chat messages from this address",
    "price_token": "price requests with this token",
    "price_ip": "price requests from this address",
}


@dataclass(frozen=True)
class _Limit:
    rule: Rule
    items: tuple[RateLimitItem, ...]


class RateLimits:
    """The portal's limits, built once per app from the settings (``rate_limits_enabled=False``: none)."""

    def __init__(self, settings: Settings) -> None:
        self.enabled = settings.rate_limits_enabled
        try:
            storage = storage_from_string(settings.rate_limit_storage)
        except Exception as err:  # noqa: BLE001 - any bad URI or missing driver is a configuration error
            raise ConfigError(f"SALESAGENT_RATE_LIMIT_STORAGE={settings.rate_limit_storage!r}: {err}") from None
        self._limiter = MovingWindowRateLimiter(storage)
        spec: dict[Rule, str] = {
            "login_ip": settings.rate_limit_login_per_ip,
            "chat_token": settings.rate_limit_chat_per_token,
            "chat_ip": settings.rate_limit_chat_per_ip,
            "price_token": settings.rate_limit_price_requests_per_token,
            "price_ip": settings.rate_limit_price_requests_per_ip,
        }
        self._limits = {rule: _Limit(rule, tuple(parse_many(text))) for rule, text in spec.items()}

    def _refusal(self, rule: Rule, item: RateLimitItem, key: str) -> RateLimitedError:
        reset, _ = self._limiter.get_window_stats(item, rule, key)
        return RateLimitedError(f"too many {WHAT[rule]}: the limit is {item}; try again later",
                                retry_after=reset - time.time())

    def hit(self, rule: Rule, key: str) -> None:
        """Count one request against ``rule`` for ``key``; raise ``RateLimitedError`` when a window is full."""
        if not self.enabled:
            return
        for item in self._limits[rule].items:
            if not self._limiter.hit(item, rule, key):
                raise self._refusal(rule, item, key)

    def check(self, rule: Rule, key: str) -> None:
        """Raise ``RateLimitedError`` when one more request of ``rule`` for ``key`` would be refused (counts
        nothing)."""
        if not self.enabled:
            return
        for item in self._limits[rule].items:
            if not self._limiter.test(item, rule, key):
                raise self._refusal(rule, item, key)

    def count(self, rule: Rule, key: str, n: int) -> None:
        """Count ``n`` requests that already happened (price requests a turn filed); a full window only means the
        next ask is refused."""
        if not self.enabled or n <= 0:
            return
        for item in self._limits[rule].items:
            for _ in range(n):
                self._limiter.hit(item, rule, key)

    def hit_all(self, checks: Iterable[tuple[Rule, str]]) -> None:
        """:meth:`hit` each ``(rule, key)`` in order (the first full window refuses)."""
        for rule, key in checks:
            self.hit(rule, key)

    def before_turn(self, token_id: int, ip: str, message: str) -> None:
        """Refuse (429) a message that asks for a price when the token's or the address's price requests are
        used up, before the turn can file another one."""
        if self.enabled and asks_for_price(message):
            self.check("price_token", str(token_id))
            self.check("price_ip", ip)

    def after_turn(self, token_id: int, ip: str, tickets: Iterable[ApprovalTicketPublic]) -> None:
        """Count the price requests a turn filed (new pending tickets; an earlier open request answered again
        costs nothing)."""
        filed = sum(1 for t in tickets if t.status == "pending" and not t.existing)
        self.count("price_token", str(token_id), filed)
        self.count("price_ip", ip, filed)


def asks_for_price(message: str) -> bool:
    """True when a message asks for a discount, a quote or a special price (the agent's own intent rules, on the
    raw text: they are pure pattern rules and send nothing anywhere)."""
    detected = detect(message)
    return detected.intent == "price" or "price" in detected.also
