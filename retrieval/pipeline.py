"""The pieces of one query's pipeline that need no engine: what retrieval found (``Retrieval``), the identifier
filter check and the stated-specs order (``spec_first``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from retrieval.engine import Cond, EngineHit
from retrieval.features import QueryTerms
from retrieval.models import SearchMode
from retrieval.premises import matched_attributes
from retrieval.text import tokenize


@dataclass
class Retrieval:
    """What one query's retrieval found before the final order: the lists, the candidates, the word probes."""

    query: str
    mode: SearchMode
    qvec: np.ndarray
    terms: QueryTerms
    known: list[bool]
    """Per content word of ``terms``: does any product contain it (its surface form or its lemma)."""
    unknown_words: list[str]
    naming: bool
    exact: list[tuple[EngineHit, str]]
    hits: list[EngineHit]
    """Candidates in the fused (or single-list) order, payload and dense vector fetched."""
    dense: dict[str, tuple[int, float]] = field(default_factory=dict)
    sparse: dict[str, tuple[int, float]] = field(default_factory=dict)
    fused: dict[str, float] = field(default_factory=dict)

    @property
    def known_share(self) -> float:
        """Share of the query's content words some product contains (1.0 for a query without any)."""
        return sum(self.known) / len(self.known) if self.known else 1.0


def satisfies(payload: dict[str, Any], conds: list[Cond]) -> bool:
    """Return True when a payload meets every condition (used for identifier hits found by look-up)."""
    for c in conds:
        value: Any = payload
        for part in c.key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if c.eq is not None:
            if not (value == c.eq or (isinstance(value, list) and c.eq in value)):
                return False
        elif c.any is not None:
            if value not in c.any:
                return False
        else:
            if not isinstance(value, int | float):
                return False
            if (c.gte is not None and value < c.gte) or (c.lte is not None and value > c.lte):
                return False
    return True


def spec_first(query: str, hits: list[tuple[EngineHit, str | None, float]]
               ) -> list[tuple[EngineHit, str | None, float]]:
    """Return ``hits`` with products that match more of the specs the query states (curve B, 16 A, 1P) first,
    keeping the fused order among equals. A B2B buyer who types "16A B 1P" means those specs; a single-letter
    curve is weak evidence for BM25 and the embedding, so D16 could otherwise outrank B16."""
    if not tokenize(query):
        return hits
    counts = [spec_count(query, h) for h, _, _ in hits]
    order = sorted(range(len(hits)), key=lambda i: -counts[i])  # stable: fused order among equal counts
    return [hits[i] for i in order]


def spec_count(query: str, hit: EngineHit) -> int:
    """Return how many of the specs ``query`` states the product matches (cached per product and query: the
    reranker's features and ``spec_first`` both ask)."""
    attrs = hit.payload.get("attributes")
    if not isinstance(attrs, dict) or not attrs:
        return 0
    key = str(hit.payload.get("content_hash") or "")
    if not key:
        return len(matched_attributes(attrs, set(tokenize(query))))
    return _cached_count(key, query, hit)


_COUNTS: dict[tuple[str, str], int] = {}
"""Spec counts by (content hash, query); cleared when it grows past 50,000 entries."""


def _cached_count(key: str, query: str, hit: EngineHit) -> int:
    found = _COUNTS.get((key, query))
    if found is None:
        if len(_COUNTS) > 50_000:
            _COUNTS.clear()
        found = _COUNTS[(key, query)] = len(matched_attributes(hit.payload.get("attributes") or {},
                                                               set(tokenize(query))))
    return found
