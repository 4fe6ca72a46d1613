"""Product tokens that must survive masking: catalogue SKUs/EANs (an allow-list), spec/order-number patterns, prices.

:class:`ProductShield` returns the character spans of such tokens; the masker drops every PII candidate that
overlaps one, unless the candidate passed a checksum (NIP, PESEL, REGON, IBAN) or is an e-mail and the span
came only from a generic pattern. A catalogue code (exact SKU or EAN) always wins: it is kept verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from guardrails.pii.checksums import is_valid_ean

_UNITS = r"(?:mA|kA|A|V|kV|mV|W|kW|MW|VA|kVA|Ah|mAh|Hz|kHz|mm²|mm2|mm|cm|m|km|kg|g|°C|K|lm|lx|Ω|kΩ|szt\.?|pcs|kpl\.?|op\.?|rolek|rolki|m\.b\.|mb)"

SPEC_PATTERNS: tuple[tuple[str, str], ...] = (
    # cable types and cross-sections: "YDY 3x2.5", "YKY 5x10", "H07RN-F 3G1.5", "OWY 3 x 1,5 mm2"
    ("cable", r"\b[A-Z][A-Za-z0-9żŻ-]{0,9}(?:\s?[A-Za-z]{1,3})?\s?\d{1,3}\s?[xXG×]\s?\d{1,3}(?:[.,]\d{1,2})?(?:\s?(?:mm2|mm²))?"),
    ("cross_section", r"\b\d{1,3}\s?[xX×]\s?\d{1,3}(?:[.,]\d{1,2})?(?:\s?(?:mm2|mm²))?"),
    # device families with poles/characteristics: "RCBO 1P+N B16", "S301 C16", "3P+N", "B16", "C20", "2P"
    ("device", r"\b(?:RCBO|RCD|MCB|RCCB|SPD|MCCB|FR|ZR|PE|N)\s+\d[PpNn+]*(?:\s?\+\s?N)?(?:\s+[BCDK]\d{1,3})?"),
    ("poles", r"\b[1-4]P(?:\s?\+\s?N)?\b"),
    ("characteristic", r"\b[BCDKZ]\d{1,3}[A-Z]?\b"),
    ("ip_rating", r"\bIP\s?\d{2}[A-Z]?\b|\bIK\s?\d{2}\b"),
    # quantities with units: "400 V", "30mA", "2,5 mm2", "100 m", "25 szt."
    ("unit_value", r"(?<![\w/])\d+(?:[.,]\d+)?\s?" + _UNITS + r"(?![\w])"),
    # order, invoice and delivery numbers: "ZAM/2026/11/0042", "FV 2026/10/118", "WZ-2026-00123"
    ("order_number", (r"\b(?i:ZAM|ZAMÓWIENIE|ZO|ZK|FV|FVS|FA|FK|KOR|WZ|PZ|PRO|PF|INV|ORD|PO|RMA|REK|OF)"
                      r"[\s/#.-]{0,2}\d{1,4}(?:[/.-]\d{1,6}){1,3}\b")),
    ("order_hash", r"(?<![\w])#\d{3,10}\b"),
    # generic SKU shape: letters and digits, at least one of each, often dashed: "S201-B16", "2CDS251001R0164"
    ("sku", r"\b(?=[A-Z0-9./-]*\d)(?=[A-Z0-9./-]*[A-Z])[A-Z0-9]{2,}(?:[-./][A-Z0-9]+)*\b"),
    # model names mixing case, letters and digits: "Acti9", "iC60N", "DX3"
    ("model", r"\b(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z][A-Za-z0-9]*\d[A-Za-z0-9]*\b"),
    ("ean", r"(?<!\d)\d{13}(?!\d)|(?<!\d)\d{8}(?!\d)"),
)

CURRENCY_PATTERN = r"(?:zł|zl|PLN|pln|EUR|eur|€|USD|usd|\$|GBP|£)"
AMOUNT_PATTERN = r"\d{1,3}(?:[ \u00a0.,]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
PRICE_PATTERN = (rf"(?P<c1>{CURRENCY_PATTERN})\s?(?P<n1>{AMOUNT_PATTERN})(?![\d])"
                 rf"|(?<![\w.,])(?P<n2>{AMOUNT_PATTERN})\s?(?P<c2>{CURRENCY_PATTERN})(?!\w)")
"""An amount with its currency, PL or EN style: "16,49 zł", "16.49 PLN", "1 234,56 zł", "PLN 1,234.56", "$19.99".
The output checks read prices with it; the shield protects the same spans (a price is never a phone number)."""


_CODE_CHARS = re.compile(r"\w(?:[\w./+-]*\w)?")
_TOKEN = re.compile(r"(?<![\w-])\w(?:[\w./+-]*\w)?(?![\w-])")
_PIECE_SEP = re.compile(r"[./+]")


@dataclass(frozen=True)
class ProtectedSpan:
    """A product token in the text: ``source`` is ``catalogue`` (allow-list) or the pattern's name."""

    start: int
    end: int
    source: str

    @property
    def from_catalogue(self) -> bool:
        """True when the token is one of the catalogue's own codes."""
        return self.source == "catalogue"


class ProductShield:
    """Finds product tokens: the catalogue's SKUs/EANs (exact, case-insensitive) and the spec patterns."""

    def __init__(self, known_product_codes: Iterable[str] = ()) -> None:
        codes = sorted({c.strip() for c in known_product_codes if c and c.strip()}, key=len, reverse=True)
        self.known_codes: frozenset[str] = frozenset(c.upper() for c in codes)
        # codes made of word characters and . / + - are looked up token by token in a set (a catalogue of
        # thousands of codes as one regex alternation cost ~2.5 ms per message); any other code stays a regex
        self._token_codes = frozenset(c.upper() for c in codes if _CODE_CHARS.fullmatch(c))
        odd = [c for c in codes if not _CODE_CHARS.fullmatch(c)]
        self._known_re = (
            re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(c) for c in odd) + r")(?![\w-])", re.IGNORECASE)
            if odd else None
        )
        self._spec_res = [(name, re.compile(rx)) for name, rx in (*SPEC_PATTERNS, ("price", PRICE_PATTERN))]

    def _catalogue_spans(self, text: str) -> list[ProtectedSpan]:
        """Catalogue codes as whole tokens, or as a run of a token's pieces split at . / + ("S201-B16/C")."""
        out: list[ProtectedSpan] = []
        if self._token_codes:
            for m in _TOKEN.finditer(text):
                token = m.group()
                if token.upper() in self._token_codes:
                    out.append(ProtectedSpan(m.start(), m.end(), "catalogue"))
                    continue
                cuts = [0, *(c.start() for c in _PIECE_SEP.finditer(token)), len(token)]
                if len(cuts) <= 2 or len(cuts) > 12:
                    continue
                for i in range(len(cuts) - 1):
                    for j in range(len(cuts) - 1, i, -1):
                        a = cuts[i] + (1 if i else 0)
                        piece = token[a:cuts[j]]
                        if piece and piece.upper() in self._token_codes:
                            out.append(ProtectedSpan(m.start() + a, m.start() + cuts[j], "catalogue"))
                            break
        if self._known_re is not None:
            out.extend(ProtectedSpan(m.start(), m.end(), "catalogue") for m in self._known_re.finditer(text))
        return out

    def spans(self, text: str) -> list[ProtectedSpan]:
        """Return every product token span in ``text`` (catalogue codes first, then patterns)."""
        out: list[ProtectedSpan] = self._catalogue_spans(text)
        for name, rx in self._spec_res:
            for m in rx.finditer(text):
                if name == "ean" and not is_valid_ean(m.group()):
                    continue
                if name == "sku" and not any(c.isalpha() for c in m.group()):
                    continue   # "50-98-28-96" before "-Office": the letter the look-ahead saw is not in the token
                out.append(ProtectedSpan(m.start(), m.end(), name))
        return out

    def is_known(self, token: str) -> bool:
        """True when ``token`` is exactly one of the catalogue's codes."""
        return token.strip().upper() in self.known_codes
