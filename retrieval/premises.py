"""Why a product matched, as data with an English sentence: identifier matches, matched attributes and terms, and
closeness in meaning (``retrieval.models.SearchPremise``)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np

from retrieval.models import SearchPremise
from retrieval.sparse import SparseEncoder
from retrieval.text import _COMPOUND, UNITS, attribute_label, format_value, normalise, tokenize

_STOP = frozenset({"a", "an", "and", "the", "for", "with", "of", "to", "in", "on", "do", "i", "w", "z", "na", "ze"})


def _required_words(value_text: str) -> set[str]:
    """Return the words a query must contain to match a value: '16 A' → {'16a'}, 'B' → {'b'}."""
    words = _COMPOUND.findall(normalise(value_text))
    if len(words) == 2 and words[1] in UNITS:
        return {words[0] + words[1]}
    return set(words)


def _names_bare_number(label: str, number: str, query_tokens: set[str]) -> set[str]:
    """Return the query tokens that name a unitless number *as this attribute* (empty: it is not named so): the
    number plus a word of the label ("3 pole", "12 modułów": a shared 4-letter stem), the number joined to the
    label's initial ("1P"), or the count in front of an "NxM" size ("3x2.5" = 3 cores).
    A bare "1" alone is not enough: "1P" also holds "1", which would otherwise match "modules 1" and "rows 1"."""
    naming = {number + label[:1]} & query_tokens
    naming |= {t for t in query_tokens if re.match(rf"{re.escape(number)}x\d", t)}  # "3x2.5": 3 cores of 2.5 mm²
    stems = {w[:4] for w in label.split() if len(w) >= 4}
    naming |= {t for t in query_tokens if len(t) >= 4 and t.isalpha() and t[:4] in stems}
    return naming


def _cable_size_naming(value: Any, query_tokens: set[str]) -> set[str]:
    """Return the "NxS" size tokens that name a cross-section S ("3x2.5" names 2.5 mm², as it names 3 cores)."""
    if not isinstance(value, int | float):
        return set()
    number = format_value("n", value)
    return {t for t in query_tokens if re.fullmatch(rf"\d+x{re.escape(number)}", t)}


@lru_cache(maxsize=65536, typed=True)
def _attribute_words(key: str, value: Any) -> tuple[str, frozenset[str]]:
    """Return (the value in words, the words a query must contain to name it) of one attribute: the same for every
    query, so each product's are worked out once, not once per hit (a search explains 10 hits)."""
    shown = format_value(key, value)
    return shown, frozenset(_required_words(shown))


def _shown_and_needed(key: str, value: Any) -> tuple[str, set[str]]:
    try:
        shown, needed = _attribute_words(key, value)
    except TypeError:  # an unhashable value (a list): not cached
        shown = format_value(key, value)
        return shown, _required_words(shown)
    return shown, set(needed)


def _attribute_matches(attributes: dict[str, Any], query_tokens: set[str]) -> list[tuple[str, set[str], str]]:
    """Return ('label value', the query tokens that named it, the attribute key) for each attribute whose value the
    query names."""
    out = []
    for key, value in sorted(attributes.items()):
        # bools are checked by type: ``1 in (True, False)`` is true in Python and would hide "1 pole"
        if isinstance(value, dict | bool) or value is None or value == "":
            continue
        shown, needed = _shown_and_needed(key, value)
        if needed and not needed <= query_tokens and attribute_label(key)[1] == "mm²":
            needed = _cable_size_naming(value, query_tokens) or needed
        if not needed or not needed <= query_tokens:
            continue
        label = normalise(attribute_label(key)[0])
        if isinstance(value, int | float) and not attribute_label(key)[1]:
            naming = _names_bare_number(label, next(iter(needed)), query_tokens)
            if not naming:
                continue
            needed = needed | naming
        out.append((shown if label in normalise(shown) else f"{attribute_label(key)[0]} {shown}", needed, key))
    return out


def matched_attributes(attributes: dict[str, Any], query_tokens: set[str]) -> list[str]:
    """Return 'label value' for each attribute whose value the query names ('rated current 16 A')."""
    return [shown for shown, _, _ in _attribute_matches(attributes, query_tokens)]


def matched_terms(query: str, doc_text: str, encoder: SparseEncoder, skip: set[str]) -> list[str]:
    """Return the query's words (as typed, codes whole) that the product text contains, stemming and Polish
    inflection aside."""
    doc_ids = encoder.document_terms(doc_text)
    out: list[str] = []
    for word, folded in _query_words(query):
        if folded in skip:
            continue
        surface, lemma_ids = encoder.word_ids(word)
        if ((surface and surface <= doc_ids) or (lemma_ids and lemma_ids <= doc_ids)) and word not in out:
            out.append(word)
    return out


@lru_cache(maxsize=4096)
def _query_words(query: str) -> tuple[tuple[str, str], ...]:
    """Return (word as typed, folded) for each word of ``query`` that can match: not punctuation, not a stop word.
    Worked out once per query, not once per hit."""
    out = []
    for word in re.findall(r"\S+", query):
        word = word.strip("\"'()[]{},.;:!?")
        folded = normalise(word)
        if tokenize(word) and folded not in _STOP:
            out.append((word, folded))
    return tuple(out)


@lru_cache(maxsize=4096)
def _query_tokens(query: str) -> frozenset[str]:
    return frozenset(tokenize(query))


MIN_SIMILARITY_PREMISE = 0.2
"""Below this cosine the similarity is no evidence (unrelated MiniLM texts score about 0–0.15), so a hit that
matched words or attributes does not also say "close in meaning" on a cosine of 0.03; a hit with no other reason
keeps it."""


def premises_for(*, query: str, payload: dict[str, Any], exact: str | None, query_vec: np.ndarray | None,
                 doc_vec: np.ndarray | None, encoder: SparseEncoder) -> list[SearchPremise]:
    """Return the reasons one hit matched, strongest first."""
    out: list[SearchPremise] = []
    if exact:
        code = payload.get("sku") if exact == "SKU" else payload.get("ean")
        out.append(SearchPremise(kind="exact", text=f"exact {exact} match", data={"identifier": exact,
                                                                                 "code": str(code or "")}))
    qtokens = set(_query_tokens(query))
    matches = _attribute_matches(payload.get("attributes") or {}, qtokens)
    attributes = payload.get("attributes") or {}
    attrs = [shown for shown, _, _ in matches]
    # a query word that named an attribute ("3P" for "poles 3") is said once, as the attribute
    attr_words = {w for shown, naming, _ in matches for w in tokenize(shown) + sorted(naming)}
    doc_text = " ".join(str(payload.get(k) or "") for k in ("sku", "ean", "text"))
    terms = matched_terms(query, doc_text, encoder, skip=attr_words)
    if attrs or terms:
        listed = [{"key": key, "label": attribute_label(key)[0], "value": format_value(key, attributes[key]),
                   "shown": shown} for shown, _, key in matches]
        out.append(SearchPremise(kind="matches", text="matches: " + ", ".join(attrs + terms),
                                 data={"attributes": listed, "terms": terms}))
    if query_vec is not None and doc_vec is not None:
        similarity = float(np.dot(query_vec, doc_vec))
        if similarity >= MIN_SIMILARITY_PREMISE or not out:
            out.append(SearchPremise(kind="similarity", text="close in meaning to the request",
                                     data={"similarity": round(similarity, 4)}))
    return out
