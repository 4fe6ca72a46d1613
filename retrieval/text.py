"""Product text: readable rendering, a tokenizer that keeps product codes, content hashes, attribute display.

The tokenizer is ours because a general-purpose one destroys what B2B buyers type: "S201-B16", "3x2.5",
"IP65", "16A", "2,5 mm²". Each code is kept whole *and* split into its parts, and a number followed by a unit
is also joined ("16 A" → "16a"), so "16A" in a query meets "rated current: 16 A" in a product.
Term weighting (BM25 tf saturation, stemming, stopwords) is not ours: see ``retrieval.sparse``.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from typing import Any, Literal

from retrieval.models import ProductDoc

TEXT_VERSION = "5"
"""Bump when rendering, tokenisation or the payload's shape changes: every product's content hash changes and
re-ingests (5: the short fields' term ids in the payload, for the reranker)."""

_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "×": "x", "²": "2", "³": "3"})
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")
_COMPOUND = re.compile(r"[a-z0-9]+(?:[./\-+][a-z0-9]+)*")
_PIECES = re.compile(r"\d+(?:\.\d+)?|[a-z]+")
_SEPARATORS = re.compile(r"[/\-+]")
UNITS = frozenset({
    "a", "ma", "ka", "v", "kv", "w", "kw", "va", "kva", "ah", "mah", "hz", "lm", "k", "p", "mm", "mm2", "cm",
    "m", "km", "kg", "g", "nm", "ip", "x", "pcs", "szt", "mb", "in", "inch", "ft", "qt", "oz", "lb", "gal",
})

_UNIT_SUFFIX = {
    "a": "A", "ma": "mA", "ka": "kA", "v": "V", "kv": "kV", "w": "W", "kw": "kW", "va": "VA", "hz": "Hz",
    "mm": "mm", "mm2": "mm²", "m": "m", "cm": "cm", "k": "K", "lm": "lm", "kg": "kg", "ah": "Ah", "pct": "%",
}
_NUMBER_IN_TEXT = re.compile(r"^\s*[a-z]{0,3}\s*(-?\d+(?:[.,]\d+)?)\s*[a-z%°²]{0,4}\s*$", re.IGNORECASE)


def normalise(text: str) -> str:
    """Return ``text`` lower-cased, accent-folded (Polish letters included), with decimal commas as dots."""
    if text.isascii():  # the common case, and the accent folding below costs a Python step per character
        return _DECIMAL_COMMA.sub(".", text.lower())
    text = unicodedata.normalize("NFKC", text).translate(_FOLD).lower()
    if not text.isascii():
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return _DECIMAL_COMMA.sub(".", text)


def tokenize(text: str) -> list[str]:
    """Return search tokens: whole codes, their parts, and number+unit joins ("16 A" → "16", "a", "16a")."""
    out: list[str] = []
    words = _COMPOUND.findall(normalise(text))
    for i, word in enumerate(words):
        parts = [p for p in _SEPARATORS.split(word) if p]
        out.append(word)
        if len(parts) > 1:
            out.extend(parts)
        for part in parts:
            pieces = _PIECES.findall(part)
            if len(pieces) > 1:
                out.extend(pieces)
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if nxt in UNITS and _is_number(word):
            out.append(word + nxt)
        elif word == "ip" and _is_number(nxt):
            out.append("ip" + nxt)
    return out


def _is_number(token: str) -> bool:
    return bool(token) and token.replace(".", "", 1).isdigit()


def identifier_candidates(query: str) -> list[str]:
    """Return the query's whitespace-separated pieces that could be a SKU or an EAN, upper-cased."""
    cands = {query.strip().upper()}
    for piece in re.split(r"[\s,;]+", query):
        piece = piece.strip("\"'()[]{}.:!?").upper()
        if len(piece) >= 3 and any(ch.isdigit() for ch in piece):
            cands.add(piece)
    return sorted(c for c in cands if c)


def attribute_label(key: str) -> tuple[str, str]:
    """Return (label, unit) for an attribute key: 'rated_current_a' → ('rated current', 'A')."""
    parts = key.lower().split("_")
    if len(parts) > 1 and parts[-1] in _UNIT_SUFFIX:
        return " ".join(parts[:-1]), _UNIT_SUFFIX[parts[-1]]
    return " ".join(parts), ""


def format_value(key: str, value: Any) -> str:
    """Return an attribute value in words with its unit: ('rated_current_a', 16) → '16 A'."""
    _, unit = attribute_label(key)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, list):
        return ", ".join(format_value(key, v) for v in value)
    text = str(value)
    return f"{text} {unit}" if unit and not text.lower().endswith(unit.lower()) else text


def render_attributes(attributes: dict[str, Any]) -> str:
    """Return attributes as one readable line: 'rated current: 16 A; poles: 1; characteristic: B'."""
    return "; ".join(f"{attribute_label(k)[0]}: {format_value(k, v)}" for k, v in sorted(attributes.items())
                     if v not in (None, ""))


def numeric_value(value: Any) -> float | None:
    """Return the number an attribute value stands for (16, '16 A', 'IP65' → 65.0), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        m = _NUMBER_IN_TEXT.match(value)
        if m:
            return float(m.group(1).replace(",", "."))
    return None


DenseFields = Literal["full", "key", "name"]
"""What the dense model embeds (``Settings.dense_text``): every field, all but the description, name and category."""


def dense_text(doc: ProductDoc, fields: DenseFields = "full") -> str:
    """Return the text the dense model embeds: name, brand, category, attributes, description (``full``); without
    the description (``key``); or the name and category only (``name``)."""
    lines = [doc.name]
    if doc.brand and fields != "name":
        lines.append(f"Brand: {doc.brand}")
    if doc.category:
        lines.append(f"Category: {doc.category}")
    attrs = render_attributes(doc.attributes) if fields != "name" else ""
    if attrs:
        lines.append(attrs)
    if doc.description and fields == "full":
        lines.append(doc.description)
    return "\n".join(lines)


NAME_WEIGHT = 2
"""The name is repeated this many times in the sparse text, so name terms outweigh description terms."""


def sparse_text(doc: ProductDoc) -> str:
    """Return the text the sparse (BM25) vector is built from: codes, the name (weighted) and the rest."""
    fields = [doc.sku, doc.ean or ""] + [doc.name] * NAME_WEIGHT + [
        doc.brand or "", doc.category.split(">")[-1] if doc.category else "",
        render_attributes(doc.attributes), doc.description,
    ]
    return " ".join(f for f in fields if f)


def content_hash(doc: ProductDoc, encoders: str = "") -> str:
    """Return a hash of everything that reaches the index: every field, the rendering version and ``encoders``
    (which embedding model, quantisation and sparse settings made the vectors), so a product is re-embedded when
    any of them changes."""
    blob = json.dumps(doc.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha1(f"{TEXT_VERSION}|{encoders}|{blob}".encode()).hexdigest()


def category_levels(category: str) -> list[str]:
    """Return every prefix of a category path: 'A > B > C' → ['A', 'A > B', 'A > B > C'] (lower-cased)."""
    parts = [p.strip() for p in category.split(">") if p.strip()]
    return [" > ".join(parts[: i + 1]).lower() for i in range(len(parts))]
