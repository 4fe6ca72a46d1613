"""Per-conversation placeholder vault: ``<PERSON_1>`` <-> "Anna Kowalska", server-side only.

The vault never leaves the process that serves the conversation: its ``repr`` shows counts only, it refuses to
be pickled or copied, and it has no serialiser. The model only ever sees placeholders; :meth:`PiiVault.unmask`
puts the customer's own details back into the reply they see. Drop the vault when the conversation ends
(:class:`VaultStore` does this after a TTL).
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections.abc import Iterator

PLACEHOLDER_RE = re.compile(r"<([A-Z_]+)_(\d+)>")
_NUMBER_KINDS = frozenset({"PHONE", "NIP", "REGON", "PESEL", "IBAN", "CREDIT_CARD", "VAT", "NATIONAL_ID", "NHS",
                           "NINO", "SSN", "ITIN", "ID_CARD", "PASSPORT", "DRIVER_LICENSE", "BANK_ACCOUNT"})
"""Labels compared without separators: "4405 1401 359" and "44051401359" get one placeholder."""
_AT = re.compile(r"\s*[\[({<]\s*(?:at|@|małpa|malpa)\s*[\])}>]\s*|\s+(?:at|małpa|malpa)\s+|\s*@\s*")
_DOT = re.compile(r"\s*[\[({<]\s*(?:dot|kropka)\s*[\])}>]\s*|\s+(?:dot|kropka)\s+")


def _normal_key(kind: str, value: str) -> str:
    """Return the comparison key: same person/number written differently -> same placeholder."""
    v = unicodedata.normalize("NFC", value).strip()
    if kind in _NUMBER_KINDS:
        v = re.sub(r"[\s\-\u2013()./]", "", v).upper()
        if kind == "PHONE":
            v = re.sub(r"^(?:\+48|0048)", "", v)
        if kind == "NIP":
            v = v.removeprefix("PL")
    elif kind == "EMAIL":
        v = _AT.sub("@", _DOT.sub(".", v.casefold())).replace(" ", "")
    else:
        v = re.sub(r"\s+", " ", v).casefold()
    return f"{kind}:{v}"


class PiiVault:
    """Placeholder mapping of one conversation. Same value -> same placeholder; values never printed."""

    __slots__ = ("_by_key", "_by_placeholder", "_counters", "_lock", "conversation_id")

    def __init__(self, conversation_id: str | None = None) -> None:
        self.conversation_id = conversation_id
        self._by_key: dict[str, str] = {}
        self._by_placeholder: dict[str, str] = {}
        self._counters: dict[str, int] = {}
        self._lock = threading.Lock()

    def placeholder_for(self, kind: str, value: str) -> str:
        """Return the placeholder of ``value`` (``<KIND_n>``), creating it on first sight."""
        key = _normal_key(kind, value)
        with self._lock:
            existing = self._by_key.get(key)
            if existing is not None:
                return existing
            n = self._counters.get(kind, 0) + 1
            self._counters[kind] = n
            ph = f"<{kind}_{n}>"
            self._by_key[key] = ph
            self._by_placeholder[ph] = value
            return ph

    def unmask(self, text: str) -> str:
        """Return ``text`` with every placeholder of this conversation replaced by its original value."""
        return PLACEHOLDER_RE.sub(lambda m: self._by_placeholder.get(m.group(0), m.group(0)), text)

    def original_of(self, placeholder: str) -> str | None:
        """Return the value behind ``placeholder`` (server-side use only), or None."""
        return self._by_placeholder.get(placeholder)

    def contains_value(self, kind: str, value: str) -> bool:
        """True when ``value`` is one of this conversation's own details (compared normalised)."""
        return _normal_key(kind, value) in self._by_key

    def placeholders(self) -> Iterator[str]:
        """Yield the placeholders (never the values)."""
        return iter(tuple(self._by_placeholder))

    def __len__(self) -> int:
        return len(self._by_placeholder)

    def __repr__(self) -> str:
        kinds = ", ".join(f"{k}={n}" for k, n in sorted(self._counters.items()))
        return f"PiiVault(conversation_id={self.conversation_id!r}, entries={len(self)}{', ' + kinds if kinds else ''})"

    __str__ = __repr__

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("PiiVault holds personal data and cannot be pickled or stored; keep it in memory")

    def __copy__(self) -> PiiVault:
        raise TypeError("PiiVault cannot be copied")

    def __deepcopy__(self, memo: dict) -> PiiVault:  # type: ignore[type-arg]
        raise TypeError("PiiVault cannot be copied")

    def clear(self) -> None:
        """Forget every value (end of conversation)."""
        with self._lock:
            self._by_key.clear()
            self._by_placeholder.clear()
            self._counters.clear()


class VaultStore:
    """In-process vaults keyed by conversation id, dropped after ``ttl_s`` of inactivity."""

    def __init__(self, ttl_s: float = 4 * 3600) -> None:
        self.ttl_s = ttl_s
        self._vaults: dict[str, tuple[PiiVault, float]] = {}
        self._lock = threading.Lock()

    def get(self, conversation_id: str) -> PiiVault:
        """Return the vault of this conversation, creating it when new (expired ones are cleared first)."""
        now = time.monotonic()
        with self._lock:
            for cid, (v, seen) in list(self._vaults.items()):
                if now - seen > self.ttl_s:
                    v.clear()
                    del self._vaults[cid]
            vault = self._vaults[conversation_id][0] if conversation_id in self._vaults else PiiVault(conversation_id)
            self._vaults[conversation_id] = (vault, now)
            return vault

    def drop(self, conversation_id: str) -> None:
        """Forget a conversation's vault now."""
        with self._lock:
            entry = self._vaults.pop(conversation_id, None)
        if entry:
            entry[0].clear()

    def __repr__(self) -> str:
        return f"VaultStore(conversations={len(self._vaults)})"
