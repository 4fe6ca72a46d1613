"""Features of a (query, candidate) pair for the learned reranker and of a query's best hits for "no match".

Only what the engine already has: the dense and sparse list positions and scores, the fused score, the cosine of
query and product vectors, which query words each field contains (name, category, brand, attributes, the whole
text; a field's words are tokenised with the same analysis as the sparse vector, Polish lemmas included), the
name word pairs, the attributes the query states, an exact SKU/EAN match, the query's category prior (the share
of the fused list's weight in the candidate's category) and the product's popularity (order lines, from the
trained model's table). Pure functions over plain values; ``retrieval.catalog`` computes the inputs.

A product's short fields' words are cached by its content hash (they change only when the product does); its
whole text's words come from its stored sparse vector when the engine returns it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from retrieval.morphology import is_function_word
from retrieval.premises import matched_attributes
from retrieval.sparse import SparseEncoder
from retrieval.text import identifier_candidates, normalise, render_attributes, tokenize

FEATURES: tuple[str, ...] = (
    "q_words", "q_known_share", "q_naming", "q_has_digit",
    "fused_rel", "fused_rank", "dense_cos", "dense_cos_gap", "dense_rank", "sparse_rel", "sparse_rank",
    "in_both", "name_cover", "name_pair_cover", "category_cover", "brand_cover", "attr_text_cover",
    "text_cover", "attr_matches", "exact_id", "category_prior", "popularity", "name_words",
    "head_first_in_name", "head_last_in_name",
)
"""The reranker's feature columns, in order (part of the model's fingerprint)."""
FEATURES_VERSION = "1"
ABSENT_RANK = 100
"""The rank a candidate gets in a list it is not in (log-scaled like the others)."""
_HEAD_STOP = frozenset({"with", "for", "by", "without", "in", "on", "to", "of", "from", "and", "dla", "do", "z",
                        "ze", "w", "na", "bez", "od", "oraz", "i"})
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class QueryTerms:
    """A query's words as term ids, computed once per query."""

    words: list[tuple[frozenset[int], frozenset[int]]]
    """Per content word: its own term ids and its lemma's (either found in a field means the field has it)."""
    alpha: tuple[bool, ...]
    """Per content word: True for a word of letters only ("hose", "oprawa"), False for a spec or code ("16A",
    "3x2,5", "S201-B16"): the "no match" call is about the product type, which specs do not name."""
    pairs: frozenset[int]
    head_first: tuple[frozenset[int], frozenset[int]] | None
    head_last: tuple[frozenset[int], frozenset[int]] | None
    identifiers: frozenset[str]
    tokens: frozenset[str]
    has_digit: bool


@dataclass(frozen=True)
class ProductTerms:
    """A product's field words as term ids (cached by content hash)."""

    name: frozenset[int]
    name_pairs: frozenset[int]
    category: frozenset[int]
    brand: frozenset[int]
    attributes: frozenset[int]
    text: frozenset[int]
    name_words: int


@dataclass
class Candidate:
    """One candidate of the fused list, with what the engine said about it."""

    payload: Mapping[str, object]
    fused: float
    position: int
    cosine: float
    dense_rank: int | None
    sparse_score: float | None
    sparse_rank: int | None
    terms: frozenset[int] | None = None
    """The product's stored sparse term ids, when the engine returned them."""
    attr_matches: int | None = None
    """How many stated specs the product matches, when already counted (``spec_first`` counts them too)."""


@dataclass
class QueryState:
    """What the retrieval knew about the query as a whole."""

    terms: QueryTerms
    known_share: float
    naming: bool
    popularity: Mapping[str, float] = field(default_factory=dict)


def query_terms(query: str, encoder: SparseEncoder) -> QueryTerms:
    """Return the term ids of the query's content words (stopwords and bare numbers left out), its word pairs,
    its first and last head words and its identifier candidates."""
    words = []
    alpha: list[bool] = []
    heads: list[tuple[frozenset[int], frozenset[int]]] = []
    stopped = False
    for raw in query.split():
        word = raw.strip("\"'()[]{},.;:!?")
        norm = normalise(word)
        if not word or not _WORD.search(norm):
            continue
        surface, lemma_ids = encoder.word_ids(word)
        if not surface and not lemma_ids:
            continue  # a stopword
        if encoder.morphology and is_function_word(word.lower()):
            continue  # "czy", "macie", "szukam": the question around the product
        if norm in _HEAD_STOP:
            stopped = True
            continue
        ids = (frozenset(surface), frozenset(lemma_ids))
        words.append(ids)
        alpha.append(norm.isalpha())
        if not stopped and norm.isalpha():
            heads.append(ids)
    pairs = frozenset(encoder.term_ids(" ".join(encoder.pairs(query)))) if encoder.bigrams else frozenset()
    return QueryTerms(words=words, alpha=tuple(alpha), pairs=pairs, head_first=heads[0] if heads else None,
                      head_last=heads[-1] if heads else None, identifiers=frozenset(identifier_candidates(query)),
                      tokens=frozenset(tokenize(query)), has_digit=any(ch.isdigit() for ch in query))


def field_terms(name: str, category: str, brand: str, attributes: Mapping[str, object],
                encoder: SparseEncoder) -> dict[str, object]:
    """Return the term ids of a product's short fields, stored in its payload at ingestion (``field_terms``) so
    that the reranker reads them instead of tokenising 30 candidates per query."""
    texts = _FieldTexts(name=name, category=category, brand=brand,
                        attributes=render_attributes(dict(attributes)), text="")
    short = _short(texts, encoder)
    return {"name": sorted(short[0]), "pairs": sorted(short[1]), "category": sorted(short[2]),
            "brand": sorted(short[3]), "attributes": sorted(short[4]), "name_words": short[5]}


def _stored(payload: Mapping[str, object]) -> _Short | None:
    stored = payload.get("field_terms")
    if not isinstance(stored, dict):
        return None
    sets = [frozenset(int(i) for i in stored.get(k) or ()) for k in ("name", "pairs", "category", "brand",
                                                                      "attributes")]
    return (sets[0], sets[1], sets[2], sets[3], sets[4], int(stored.get("name_words") or 0))


def product_terms(payload: Mapping[str, object], encoder: SparseEncoder,
                  text_terms: frozenset[int] | None = None) -> ProductTerms:
    """Return the field words of a product payload: the short fields' term ids stored at ingestion (else
    tokenised, cached by content hash), and ``text_terms``, the ids of the product's stored sparse vector when
    the engine returned it (every word of its sparse text: no need to tokenise the description)."""
    texts = _FieldTexts.of(payload)
    key = str(payload.get("content_hash") or "")
    short = _stored(payload) or (_cached_short(key, texts, encoder) if key else _short(texts, encoder))
    if text_terms is None:
        text_terms = _cached_ids(key, texts.text, encoder) if key else _ids(encoder, texts.text)
    return ProductTerms(name=short[0], name_pairs=short[1], category=short[2], brand=short[3],
                        attributes=short[4], text=text_terms, name_words=short[5])


@dataclass(frozen=True)
class _FieldTexts:
    name: str
    category: str
    brand: str
    attributes: str
    text: str

    @staticmethod
    def of(payload: Mapping[str, object]) -> _FieldTexts:
        attrs = payload.get("attributes")
        return _FieldTexts(name=str(payload.get("name") or ""), category=str(payload.get("category") or ""),
                           brand=str(payload.get("brand") or ""),
                           attributes=render_attributes(attrs) if isinstance(attrs, dict) else "",
                           text=" ".join(str(payload.get(k) or "") for k in ("sku", "ean", "text", "name")))


def _ids(encoder: SparseEncoder, text: str) -> frozenset[int]:
    return frozenset(encoder.term_ids(" ".join(encoder.tokens(text)))) if text else frozenset()


_Short = tuple[frozenset[int], frozenset[int], frozenset[int], frozenset[int], frozenset[int], int]


def _short(texts: _FieldTexts, encoder: SparseEncoder) -> _Short:
    pairs = frozenset(encoder.term_ids(" ".join(encoder.pairs(texts.name)))) if encoder.bigrams else frozenset()
    return (_ids(encoder, texts.name), pairs, _ids(encoder, texts.category), _ids(encoder, texts.brand),
            _ids(encoder, texts.attributes), len(_WORD.findall(texts.name)))


@lru_cache(maxsize=50_000)
def _cached_short(key: str, texts: _FieldTexts, encoder: SparseEncoder) -> _Short:
    return _short(texts, encoder)


@lru_cache(maxsize=5_000)
def _cached_ids(key: str, text: str, encoder: SparseEncoder) -> frozenset[int]:
    return _ids(encoder, text)


def clear_caches() -> None:
    """Forget every cached product's field words (benchmarks measure the cold path with it)."""
    _cached_short.cache_clear()
    _cached_ids.cache_clear()


def _has(word: tuple[frozenset[int], frozenset[int]], ids: frozenset[int]) -> bool:
    surface, lemma_ids = word
    return bool((surface and surface <= ids) or (lemma_ids and lemma_ids <= ids))


def coverage(terms: QueryTerms, ids: frozenset[int], alpha_only: bool = False) -> float:
    """Return the share of the query's content words (only the letter words with ``alpha_only``) that ``ids``
    (a field's words) contain."""
    words = [w for w, a in zip(terms.words, terms.alpha, strict=True) if a or not alpha_only]
    if not words:
        return 0.0
    return sum(_has(w, ids) for w in words) / len(words)


def _log_rank(rank: int | None) -> float:
    return math.log1p(ABSENT_RANK if rank is None else rank)


def category_prior(candidates: list[Candidate], depth: int = 20) -> dict[str, float]:
    """Return each category's share of the fused score mass of the top ``depth`` candidates: the query's
    category prior as the retrieval itself sees it."""
    mass: dict[str, float] = {}
    for cand in candidates[:depth]:
        cat = str(cand.payload.get("category") or "")
        mass[cat] = mass.get(cat, 0.0) + max(cand.fused, 0.0)
    total = sum(mass.values()) or 1.0
    return {c: m / total for c, m in mass.items()}


def feature_matrix(state: QueryState, candidates: list[Candidate], encoder: SparseEncoder) -> np.ndarray:
    """Return one row of ``FEATURES`` per candidate (float32)."""
    terms = state.terms
    rows = np.zeros((len(candidates), len(FEATURES)), dtype=np.float32)
    if not candidates:
        return rows
    top_fused = max(c.fused for c in candidates) or 1.0
    top_cos = max(c.cosine for c in candidates)
    top_sparse = max((c.sparse_score or 0.0) for c in candidates) or 1.0
    prior = category_prior(candidates)
    for i, cand in enumerate(candidates):
        p = cand.payload
        pt = product_terms(p, encoder, cand.terms)
        attrs = p.get("attributes")
        sku = str(p.get("sku") or "")
        rows[i] = (
            len(terms.words), state.known_share, float(state.naming), float(terms.has_digit),
            cand.fused / top_fused, math.log1p(cand.position), cand.cosine, top_cos - cand.cosine,
            _log_rank(cand.dense_rank), (cand.sparse_score or 0.0) / top_sparse, _log_rank(cand.sparse_rank),
            float(cand.dense_rank is not None and cand.sparse_rank is not None),
            coverage(terms, pt.name), len(terms.pairs & pt.name_pairs) / len(terms.pairs) if terms.pairs else 0.0,
            coverage(terms, pt.category), coverage(terms, pt.brand), coverage(terms, pt.attributes),
            coverage(terms, pt.text),
            cand.attr_matches if cand.attr_matches is not None else
            len(matched_attributes(attrs, set(terms.tokens))) if isinstance(attrs, dict) else 0,
            float(sku.upper() in terms.identifiers or str(p.get("ean") or "") in terms.identifiers),
            prior.get(str(p.get("category") or ""), 0.0), math.log1p(state.popularity.get(sku, 0.0)),
            pt.name_words,
            float(terms.head_first is not None and _has(terms.head_first, pt.name)),
            float(terms.head_last is not None and _has(terms.head_last, pt.name)),
        )
    return rows
